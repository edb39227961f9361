"""The `text-layer` check (issue 15): the built PDF's text layer holds the words of the leaflet.

An Urdu leaflet set in Noto Nastaliq Urdu looks right on the page but many of its words come out of the PDF's
text layer as other words (WeasyPrint issue #2841); the same text in Noto Naskh Arabic comes out exactly. The
face is chosen by one helper, `script_face`: Naskh is leafbind's own face for the Arabic script, and Nastaliq
is named for Urdu in `[fonts]`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build, copy_scenario

from leafbind.quality.textlayer import layer_of, missing_words, normalise, words
from publish import cli

NOTO = Path("/usr/share/fonts/truetype/noto")  # Debian's fonts-noto-core (CI installs it)
NASTALIQ, NASKH = "NotoNastaliqUrdu-Regular.ttf", "NotoNaskhArabic-Regular.ttf"

URDU = """\
---
title: ہاتھ دھونا
summary: صاف ہاتھ بیماری کو پھیلنے سے روکتے ہیں۔
authors: [nurse]
published: 2026-02-16
review: 2028-02-16
lang: ur
sources:
  - title: Hand hygiene in outpatient care
    publisher: Northfield Joint Clinic
---

ہاتھ دھونا جراثیم کو روکنے کا بہترین طریقہ ہے۔ کھانا کھانے سے پہلے اور بیت الخلا کے بعد اپنے ہاتھ
صابن اور پانی سے دھوئیں۔

## ہاتھ کیسے دھوئیں

اپنے ہاتھوں کو کم از کم بیس سیکنڈ تک رگڑیں، پھر صاف تولیے سے خشک کریں۔ اگر صابن نہ ہو تو ہینڈ جیل
استعمال کریں۔

## ڈاکٹر سے کب ملیں

اگر آپ کو تیز بخار ہو یا سانس لینے میں دشواری ہو تو فوراً ڈاکٹر سے رابطہ کریں۔
"""
LANG_LINE = 7  # of `lang:` in URDU (the file's line 1 is the opening ---)


def script_face(font: str) -> str:
    """The settings that set the Urdu leaflet in `font`: the bundled Noto Naskh Arabic needs none (it is
    leafbind's face for the Arabic script); another face is named for `ur` in `[fonts]`, by its installed path
    (Debian's fonts-noto-core, which .ci/run installs)."""
    if font == NASKH:
        return ""
    source = NOTO / font
    if not source.is_file():
        pytest.fail(f"{source} is not installed: apt-get install fonts-noto-core", pytrace=False)
    return f'\n[fonts]\nur = "{source}"\n'


def urdu_project(tmp_path: Path, font: str, settings: str = "") -> Path:
    """The `minimal` scenario with its leaflet in Urdu, set in `font`, and only the standard handout."""
    root = copy_scenario("minimal", tmp_path / "urdu")
    (root / "leaflets" / "hand-washing.md").write_text(URDU, encoding="utf-8")
    (root / "leafbind.toml").write_text('organisation = "Northfield Joint Clinic"\nlayouts = ["standard"]\n'
                                        + settings + script_face(font), encoding="utf-8")
    return root


def text_layer(result) -> list:
    return [finding for finding in result.findings if finding.code == "text-layer"]


def test_urdu_in_nastaliq_gets_a_warning_listing_the_words_that_come_out_wrong(tmp_path: Path) -> None:
    result = build(urdu_project(tmp_path, NASTALIQ), formats=("pdf",))
    assert result.failed == ()
    [finding] = text_layer(result)
    assert (finding.path, finding.line, finding.severity) == (
        "leaflets/hand-washing.md", LANG_LINE, "warning")
    assert '"دھونا"' in finding.message and '"جراثیم"' in finding.message  # words of the title and body
    assert "Screen readers, search and copy-and-paste" in finding.message
    assert "Noto Naskh Arabic" in finding.message
    assert finding.message.count('"') == 2 * 10 and " more. " in finding.message  # ten listed, then a count
    assert finding in result.warnings  # what `publish build` prints and --strict counts


def test_the_same_text_in_naskh_passes(tmp_path: Path) -> None:
    result = build(urdu_project(tmp_path, NASKH), formats=("pdf",))
    assert result.failed == () and result.findings == (), [str(f) for f in result.findings]


def test_english_and_polish_leaflets_pass(scenario) -> None:
    """Ligatures, capitals, page furniture, the citation page, the QR code and line breaks in long words
    don't count as other text."""
    root = scenario("clinic", layouts=("standard", "booklet"))
    translations = Path(__file__).parent / "translations"
    shutil.copy(translations / "hay-fever.pl.md", root / "leaflets")
    with (root / "leaflets" / "authors.yaml").open("a", encoding="utf-8") as authors:
        authors.write((translations / "translators.yaml").read_text(encoding="utf-8"))
    result = build(root, formats=("pdf",))
    assert result.failed == ()
    assert sorted(result.built) == ["ankle-sprain", "hay-fever", "hay-fever.pl"]
    assert text_layer(result) == []


def test_disable_turns_it_off_and_no_lint_skips_it(tmp_path: Path) -> None:
    root = urdu_project(tmp_path, NASTALIQ, '[check]\ndisable = ["text-layer"]\n')
    assert text_layer(build(root, formats=("pdf",))) == []
    (root / "leafbind.toml").write_text('layouts = ["standard"]\n' + script_face(NASTALIQ), encoding="utf-8")
    result = build(root, formats=("pdf",), force=True, lint=False)
    assert result.built == ("hand-washing",) and text_layer(result) == []


def test_publish_build_prints_it_and_strict_fails_on_it(tmp_path: Path) -> None:
    root = urdu_project(tmp_path, NASTALIQ)
    result = CliRunner().invoke(cli, ["build", "--project", str(root), "--format", "pdf", "--strict"])
    assert result.exit_code == 1, result.output
    assert f"leaflets/hand-washing.md:{LANG_LINE}: text-layer: warning: " in result.output
    naskh = urdu_project(tmp_path / "naskh", NASKH)
    result = CliRunner().invoke(cli, ["build", "--project", str(naskh), "--format", "pdf", "--strict"])
    assert result.exit_code == 0, result.output
    assert "text-layer" not in result.output


@pytest.mark.parametrize(("source", "layer"), [
    ("Find the office", "\ufb01nd the o\ufb03ce"),  # ligatures
    ("Patient information", "PATIENT INFORMATION"),  # capitals, small caps
    ("Take information with you", "Take infor-\nmation with you"),  # hyphenated at a line end
    ("Visit https://clinic.example/allergy-advice/pollen", "Visit https://clinic.example/allergy-ad\nvice/pollen"),
    ("فوراً ڈاکٹر", "\u202bفوراً\u202c ڈا\u0640کٹر"),  # direction marks and tatweel
    ("洗手可以预防感染。", "洗手可以\n预防感染。"),  # Chinese: characters, whatever the line breaks
    ("হাত ধোয়া", "হাত\u00ad ধোয়া"),  # Bengali, with a soft hyphen
])
def test_text_that_is_the_same_to_a_reader_matches(source: str, layer: str) -> None:
    assert missing_words(words(normalise(source)), layer_of(layer)) == []


def test_other_words_are_listed_once_each_in_source_order() -> None:
    source = words(normalise("Wash your hands. Wash them well."))
    assert missing_words(source, layer_of("Wosh your hands. Wosh them wall.")) == ["wash", "well"]
    assert words(normalise("预防感染")) == ["预", "防", "感", "染"]
