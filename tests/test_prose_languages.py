"""Quality checks that know the language (issue 15): sentences end at each script's own punctuation, words
keep their vowel signs and joiners, Chinese and Japanese are measured in characters, and a language with no
readability formula is said to have none instead of getting a made-up score.

The leaflets are written for these tests: a few plain health sentences in Arabic, Urdu, Bengali, Chinese and
Polish. The fonts are another test's concern (tests/test_fonts.py, tests/test_textlayer.py): `font-coverage`
is turned off here, since leafbind's own fonts have no Arabic, Bengali or Chinese letters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Passage, copy_scenario, score, sentences
from webcheck import nu_errors

from leafbind.quality.prose import count_characters, count_words
from publish import cli

FRONT = """\
---
title: {title}
summary: {summary}
authors: [nurse]
published: 2026-02-16
review: 2028-02-16
lang: {lang}
sources:
  - title: Hand hygiene in outpatient care
    publisher: Northfield Joint Clinic
---

"""

LEAFLETS = {
    "ar": ("غسل اليدين", "اليدان النظيفتان توقفان انتشار الجراثيم.",
           "غسل اليدين من أفضل الطرق لمنع العدوى. اغسل يديك بالماء والصابون قبل الأكل. هل تحتاج إلى مساعدة؟ "
           "اسأل الممرضة في العيادة.\n\n## متى تتصل بالطبيب\n\nاتصل بالطبيب إذا كانت لديك حمى شديدة."),
    "ur": ("ہاتھ دھونا", "صاف ہاتھ بیماری کو پھیلنے سے روکتے ہیں۔",
           "ہاتھ دھونا جراثیم کو روکنے کا بہترین طریقہ ہے۔ کھانے سے پہلے ہاتھ صابن سے دھوئیں۔ "
           "کیا آپ کو بخار ہے؟ "
           "فوراً ڈاکٹر سے رابطہ کریں۔\n\n## مدد کب لیں\n\nاگر سانس لینے میں دشواری ہو تو ڈاکٹر کو فون کریں۔"),
    "bn": ("হাত ধোয়া", "পরিষ্কার হাত জীবাণু ছড়ানো বন্ধ করে।",
           "আপনার হাত সাবান ও পানি দিয়ে ধুয়ে নিন। খাওয়ার আগে হাত ধুয়ে নিন। জ্বর হলে ডাক্তারের সাথে কথা বলুন।"
           "\n\n## কখন সাহায্য নেবেন\n\nশ্বাস নিতে কষ্ট হলে এখনই ডাক্তারকে ফোন করুন।"),
    "zh": ("洗手", "干净的双手可以阻止细菌传播。",
           "洗手是预防感染的好方法。饭前便后要用肥皂和清水洗手。洗手时要搓洗手心、手背和指缝。每次至少洗二十秒。"
           "如果发烧，请联系医生。\n\n## 什么时候看医生\n\n如果呼吸困难，请马上打电话给医生。"),
    "pl": ("Mycie rąk", "Czyste ręce zatrzymują rozprzestrzenianie się zarazków.",
           "Mycie rąk to jeden z najlepszych sposobów, aby zapobiec infekcjom. Myj ręce wodą z mydłem przed "
           "jedzeniem. Masz gorączkę? Zadzwoń do lekarza.\n\n## Kiedy szukać pomocy\n\nJeśli trudno ci "
           "oddychać, od razu zadzwoń do lekarza."),
}
NAMES = {"ar": "Arabic", "ur": "Urdu", "bn": "Bengali", "zh": "Chinese", "pl": "Polish"}


def leaflet(lang: str, body: str | None = None) -> str:
    title, summary, text = LEAFLETS[lang]
    return FRONT.format(title=title, summary=summary, lang=lang) + (text if body is None else body) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The `minimal` scenario with one leaflet per language, `wash-<lang>`."""
    root = copy_scenario("minimal", tmp_path / "languages")
    (root / "leaflets" / "hand-washing.md").unlink()
    for lang in LEAFLETS:
        (root / "leaflets" / f"wash-{lang}.md").write_text(leaflet(lang), encoding="utf-8")
    (root / "leafbind.toml").write_text('[check]\ndisable = ["font-coverage"]\n', encoding="utf-8")
    return root


def check_json(root: Path) -> dict:
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--project", str(root)])
    return json.loads(result.stdout)


@pytest.mark.parametrize(("lang", "text", "expected"), [
    ("ar", "غسل اليدين مهم. هل تحتاج إلى مساعدة؟ اسأل الممرضة.", 3),
    ("ur", "ہاتھ دھوئیں۔ کیا آپ کو بخار ہے؟ ڈاکٹر سے ملیں۔", 3),
    ("bn", "হাত ধুয়ে নিন। জ্বর হলে ডাক্তারের সাথে কথা বলুন।", 2),
    ("hi", "अपने हाथ धोएं। डॉक्टर से बात करें॥", 2),
    ("zh", "洗手很重要。你发烧了吗？请联系医生！", 3),
    ("ja", "手を洗いましょう。「熱がありますか？」医師に相談してください。", 3),
])
def test_sentences_end_at_the_scripts_own_punctuation(lang: str, text: str, expected: int) -> None:
    assert len(sentences(Passage(text, 1))) == expected


def test_words_keep_their_vowel_signs_and_joiners() -> None:
    assert count_words("আপনার হাত সাবান ও পানি দিয়ে ধুয়ে নিন।") == 8  # Bengali
    assert count_words("अपने हाथ साबुन और पानी से धोएं।") == 7  # Devanagari
    assert count_words("فوراً ڈاکٹر سے رابطہ کریں۔") == 5  # Urdu, with a tanween
    assert count_words("مُسْتَشْفَى") == 1  # Arabic, fully vowelled
    assert count_words("می‌خواهم") == 1  # Persian, with a zero-width non-joiner
    assert count_words("Don't follow-up at 128/82.") == 4  # as before


def test_chinese_and_japanese_are_counted_in_characters() -> None:
    assert count_characters("洗手很重要。") == 5
    assert count_characters("感染COVID-19后，请联系医生。") == 2 + 1 + 6  # a Latin word counts one
    scores = score("洗手很重要。请联系医生。", "zh-Hans")
    assert (scores.words, scores.unit, scores.sentences) == (10, "characters", 2)
    assert (scores.ease, scores.grade, scores.smog) == (None, None, None)


def test_each_language_gets_sensible_findings(project: Path) -> None:
    report = check_json(project)
    assert report["errors"] == 0 and report["warnings"] == 0, [
        f["message"] for q in report["leaflets"] for f in q["findings"]]
    for quality in report["leaflets"]:
        lang = quality["lang"]
        assert quality["readability"] == f"no readability formula for {NAMES[lang]} ({lang})"
        scores = quality["scores"]
        assert (scores["flesch_reading_ease"], scores["flesch_kincaid_grade"], scores["smog"]) == (None,) * 3
        assert scores["unit"] == ("characters" if lang == "zh" else "words")
    sentence_counts = {q["lang"]: q["scores"]["sentences"] for q in report["leaflets"]}
    assert sentence_counts == {"ar": 5, "bn": 4, "pl": 5, "ur": 5, "zh": 6}
    words = {q["lang"]: q["scores"]["words"] for q in report["leaflets"]}
    assert words["bn"] == 8 + 5 + 6 + 8 and words["zh"] == 11 + 13 + 13 + 8 + 9 + 15


def test_a_long_sentence_is_judged_in_the_languages_unit(project: Path) -> None:
    long_urdu = " ".join(["ہاتھ صابن اور پانی سے دھوئیں"] * 6) + "۔"  # 36 words, one sentence
    long_chinese = "饭前便后要用肥皂和清水洗手" * 4 + "。"  # 52 characters
    (project / "leaflets" / "wash-ur.md").write_text(leaflet("ur", long_urdu), encoding="utf-8")
    (project / "leaflets" / "wash-zh.md").write_text(leaflet("zh", long_chinese), encoding="utf-8")
    findings = {q["lang"]: q["findings"] for q in check_json(project)["leaflets"]}
    [urdu] = findings["ur"]
    assert urdu["code"] == "long-sentence" and urdu["message"].startswith("a sentence of 36 words")
    [chinese] = findings["zh"]
    assert chinese["code"] == "long-sentence" and chinese["message"].startswith(
        'a sentence of 52 characters ("饭前便后要用肥皂和清水洗手饭前便…"): split it; '
        "aim for 40 characters or fewer")
    (project / "leafbind.toml").write_text('[check]\ndisable = ["font-coverage"]\nsentence_characters = 60\n',
                                           encoding="utf-8")
    assert {q["lang"]: q["findings"] for q in check_json(project)["leaflets"]}["zh"] == []


def test_the_table_and_the_quality_page_say_there_is_no_formula(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--report", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "wash-ur: no readability formula for Urdu (ur)" in result.output.splitlines()
    assert any(line.startswith("wash-zh ") and " characters " in line for line in result.output.splitlines())
    page = (project / "dist" / "quality.html").read_text(encoding="utf-8")
    for lang, name in NAMES.items():
        assert f"Readability: no readability formula for {name} ({lang})" in page
    assert "characters</li>" in page
    assert nu_errors([project / "dist" / "quality.html"]) == []  # the Nu HTML Checker, as for the web pages
