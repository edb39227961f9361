"""The quality checks (`publish check`, and every build): each rule trips on a leaflet written to trip it, at
the right line with the right message, and stays quiet on a clean one; readability scores agree with textstat
and with the formulas worked by hand; the JSON report follows its schema; settings turn rules off and move
limits.

Each test changes a copy of the `quality` scenario (tests/roots/quality), whose two leaflets pass every check:
knee-pain, short (the clean leaflet the rule tests change), and sore-throat, long enough for a SMOG grade."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import textstat
from click.testing import CliRunner
from conftest import (
    QUALITY_SCHEMA,
    ROOTS,
    RULES,
    SMOG_SENTENCES,
    Passage,
    assert_valid_epub,
    build,
    lint_catalogue,
    read_prose,
    score,
    sentences,
    starter,
)
from textstat.textstat import textstatistics

from leafbind import open_project
from publish import cli

TODAY = date(2026, 11, 26)  # conftest fixes SOURCE_DATE_EPOCH to this date for the CLI
HERE = Path(__file__).resolve().parent

# A short, plain leaflet that passes every check (tests/roots/quality/leaflets/knee-pain.md). Each test below
# changes one thing in it; the line numbers the tests expect are its lines.
CLEAN = (ROOTS / "quality" / "leaflets" / "knee-pain.md").read_text(encoding="utf-8")


@pytest.fixture
def project(scenario) -> Path:
    return scenario("quality")


def write(project: Path, text: str, slug: str = "knee-pain") -> Path:
    path = project / "leaflets" / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path


def edited(*changes: tuple[str, str]) -> str:
    text = CLEAN
    for old, new in changes:
        assert old in text, f"{old!r} is not in the clean leaflet"
        text = text.replace(old, new, 1)
    return text


def findings(project: Path, text: str | None = None, today: date = TODAY) -> list:
    if text is not None:
        write(project, text)
    report = lint_catalogue(open_project(project), ("knee-pain",), today)
    assert report.problems == (), [str(problem) for problem in report.problems]
    return list(report.leaflets[0].findings)


def of(found: list, code: str) -> list[tuple[int | None, str, str]]:
    return [(finding.line, finding.severity, finding.message) for finding in found if finding.code == code]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --- Clean leaflets ----------------------------------------------------------------------------------------


def test_the_clean_leaflet_has_no_findings(project: Path) -> None:
    assert findings(project, CLEAN) == []


def test_the_quality_scenario_passes_every_check_with_no_warnings(project: Path) -> None:
    result = run("check", "--strict", "--project", str(project))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["LEAFLET", "GRADE", "SMOG", "EASE", "WORDS", "ERRORS", "WARNINGS"]
    for line, slug in zip(lines[1:3], ("knee-pain", "sore-throat"), strict=True):
        cells = line.split()
        assert cells[0] == slug and cells[-2:] == ["0", "0"]
        assert float(cells[1]) <= 8  # Flesch–Kincaid grade
    knee_pain, sore_throat = (line.split() for line in lines[1:3])
    assert knee_pain[2] == "-"  # fewer than 30 sentences: no SMOG grade
    assert float(sore_throat[2]) <= 8  # SMOG, on 30 sentences or more
    assert lines[-1] == "2 leaflets checked: no problems."


# --- 1. Readability -----------------------------------------------------------------------------------------


def test_scores_are_textstats_own_and_match_the_formulas_worked_by_hand() -> None:
    text = "The cat sat on the mat. The dog ran."  # 9 words, 2 sentences, 9 syllables
    scores = score(text, "en")
    assert (scores.words, scores.sentences) == (9, 2)
    assert scores.ease == pytest.approx(206.835 - 1.015 * 9 / 2 - 84.6 * 9 / 9)
    assert scores.grade == pytest.approx(0.39 * 9 / 2 + 11.8 * 9 / 9 - 15.59)
    passage = ("Your doctor may suggest a cardiac rehabilitation programme. It combines supervised exercise "
               "with education about medication, nutrition and emotional wellbeing. Most people attend twice "
               "weekly.")
    scores = score(passage, "en")
    assert scores.ease == pytest.approx(textstat.flesch_reading_ease(passage))
    assert scores.grade == pytest.approx(textstat.flesch_kincaid_grade(passage))
    assert scores.smog is None  # 3 sentences: SMOG needs 30
    passages = " ".join([passage] * 10)
    assert score(passages, "en").smog == pytest.approx(textstat.smog_index(passages))


def test_other_languages_get_textstats_reading_ease_for_them_and_no_english_grades() -> None:
    german = "Der Blutdruck ist zu hoch. Gehen Sie bitte zu Ihrer Ärztin. Sie misst ihn noch einmal."
    scores = score(german, "de-AT")
    meter = textstatistics()
    meter.set_lang("de")
    assert scores.ease == pytest.approx(meter.flesch_reading_ease(german))
    assert scores.ease != pytest.approx(textstat.flesch_reading_ease(german))  # not the English constants
    assert (scores.grade, scores.smog) == (None, None)
    assert (score("高血圧は症状がないことが多いです。", "ja")
            == score("高血圧は症状がないことが多いです。", "ja"))
    assert score("高血圧は症状がないことが多いです。", "ja").ease is None


def test_readability_reads_the_prose_only() -> None:
    prose = read_prose("Intro text here\n\n## Myocardial heading words\n\n- Rest a lot\n- Drink water.\n\n"
                       "| Drug | Dose |\n|---|---|\n| Paracetamol | 500 mg |\n\n```\ncode here\n```\n", 10)
    assert prose.reading_text() == "Intro text here. Rest a lot. Drink water."
    assert [section.heading for section in prose.sections] == [None, "Myocardial heading words"]
    assert [table.text for table in prose.tables][:2] == ["Drug", "Dose"]


HARD_INTRO = ("Following a myocardial infarction, rehabilitation is essential. Cardiovascular rehabilitation "
              "incorporates individualised physiological assessment. Multidisciplinary practitioners "
              "administer comprehensive educational interventions. Pharmacological optimisation "
              "necessitates considerable deliberation. Psychological complications frequently accompany "
              "cardiovascular deterioration. Cardiovascular rehabilitation considerably diminishes "
              "subsequent hospitalisation.")
HARD_INTRO = "\n\n".join([HARD_INTRO] * 3)  # 117 words: enough to score the introduction on its own


def test_a_hard_leaflet_is_an_error_and_each_hard_section_is_named(project: Path) -> None:
    found = findings(project, edited(("Most knee pain gets better in a few weeks. You can often look after "
                                      "it at home.", HARD_INTRO)))
    grade = of(found, "reading-grade")
    assert [(line, severity) for line, severity, _ in grade] == [(13, "error"), (13, "error")]
    assert grade[0][2].startswith("the introduction reads at Flesch–Kincaid grade ")
    assert grade[1][2].startswith("the leaflet reads at Flesch–Kincaid grade ")
    assert "aim for 8 or below (above 10 is an error)" in grade[1][2]


def test_smog_is_scored_only_on_30_sentences_or_more() -> None:
    """SMOG is defined on 30 sentences; on fewer, textstat scales up a count it never saw."""
    sentence = "Rehabilitation considerably diminishes subsequent hospitalisation. "
    assert score(sentence * (SMOG_SENTENCES - 1), "en").smog is None
    thirty = sentence * SMOG_SENTENCES
    assert score(thirty, "en").sentences == 30
    assert score(thirty, "en").smog == pytest.approx(textstat.smog_index(thirty))
    assert score(thirty, "en").grade is not None and score(sentence, "en").grade is not None


def test_a_hard_leaflet_gets_a_smog_finding_only_when_it_is_long_enough(project: Path) -> None:
    intro = "Most knee pain gets better in a few weeks. You can often look after it at home."
    short = findings(project, edited((intro, HARD_INTRO)))  # 23 sentences in all: hard, but no SMOG
    assert of(short, "reading-grade") and of(short, "smog-grade") == []
    longer = findings(project, edited((intro, HARD_INTRO + "\n\n" + HARD_INTRO.split("\n\n")[0] * 2)))
    smog = of(longer, "smog-grade")  # 35 sentences
    assert [(line, severity) for line, severity, _ in smog] == [(13, "error")]
    assert smog[0][2].startswith("the leaflet reads at SMOG grade ")


def test_a_short_leaflet_shows_no_smog_in_the_table_or_the_json(project: Path) -> None:
    write(project, CLEAN)
    table = run("check", "knee-pain", "--project", str(project))
    cells = table.output.splitlines()[1].split()
    assert cells[0] == "knee-pain" and float(cells[1]) > 0 and cells[2] == "-"  # a grade, but no SMOG
    document = json.loads(run("check", "knee-pain", "--format", "json", "--project", str(project)).output)
    assert document["leaflets"][0]["scores"]["smog"] is None
    assert document["leaflets"][0]["scores"]["flesch_kincaid_grade"] is not None


def test_grade_limits_come_from_leafbind_toml_and_may_differ_per_language(project: Path) -> None:
    text = edited(("Most knee pain gets better in a few weeks. You can often look after it at home.",
                   HARD_INTRO))
    settings = project / "leafbind.toml"
    base = settings.read_text(encoding="utf-8")
    settings.write_text(base + "\n[check]\ngrade_warning = 50\ngrade_error = 60\n", encoding="utf-8")
    assert of(findings(project, text), "reading-grade") == []
    settings.write_text(base + "\n[check]\ngrade_warning = 50\ngrade_error = 60\n[check.lang.en]\n"
                        "grade_error = 35\n[check.lang.en-gb]\ngrade_warning = 12\n", encoding="utf-8")
    assert of(findings(project, text), "reading-grade") == []  # "en": warning at 50 still
    found = findings(project, text.replace("published:", "lang: en-GB\npublished:"))
    # The introduction is above en's error limit; the whole leaflet, easier, only above en-GB's warning limit.
    assert [severity for _, severity, _ in of(found, "reading-grade")] == ["error", "warning"]
    assert "aim for 12 or below (above 35 is an error)" in of(found, "reading-grade")[0][2]


def test_reading_ease_judges_languages_without_a_grade_measure(project: Path) -> None:
    hard = ("Die kardiovaskuläre Rehabilitation beinhaltet individualisierte physiologische Untersuchungen. "
            "Multidisziplinäre Behandlungsteams verabreichen umfassende Schulungsmaßnahmen. "
            "Pharmakologische Optimierungsstrategien erfordern beträchtliche Überlegungen.")
    found = findings(project, edited(("published:", "lang: de\npublished:"),
                                     ("Most knee pain gets better in a few weeks. You can often look after "
                                      "it at home.", hard)))
    ease = of(found, "reading-ease")
    assert ease and ease[0][:2] == (14, "error")
    assert ease[0][2].startswith("the leaflet has a Flesch reading ease of ")
    assert of(found, "reading-grade") == of(found, "smog-grade") == []


# --- 2. Sentence and paragraph length -----------------------------------------------------------------------


def test_a_long_sentence_is_found_on_the_line_it_starts(project: Path) -> None:
    long = ("Rest your knee. When the swelling goes down after the first two or three days you can start to\n"
            "walk a little more each day, as long as the pain does not get worse.")
    found = findings(project, edited(("Rest your knee and raise it when you can. Put an ice pack on it for "
                                      "up to\n20 minutes every few hours.", long)))
    assert of(found, "long-sentence") == [(17, "warning", 'a sentence of 31 words ("When the swelling goes '
                                                          'down after the first…"): split it; aim for 25 '
                                                          "words or fewer")]


def test_sentence_length_limit_is_a_setting(project: Path) -> None:
    (project / "leafbind.toml").write_text("[check]\nsentence_words = 12\n", encoding="utf-8")
    found = findings(project, CLEAN)
    assert [line for line, _, _ in of(found, "long-sentence")] == [17, 24]


def test_a_long_paragraph_is_found(project: Path) -> None:
    six = "Rest. Raise it. Use ice. Wrap the ice. Take a painkiller if you need one. Walk a little."
    found = findings(project, edited(("Most knee pain gets better in a few weeks. You can often look after "
                                      "it at home.", six)))
    assert of(found, "long-paragraph") == [(13, "warning", "a paragraph of 6 sentences: split it; aim for "
                                                           "5 or fewer")]


def test_sentences_split_at_full_stops_but_not_after_short_forms() -> None:
    found = sentences(Passage("Eat fruit, e.g. apples. Dr. Shah will call.\nThen rest!", 7, (44,)))
    assert [(sentence.text, sentence.line) for sentence in found] == [
        ("Eat fruit, e.g. apples.", 7), ("Dr. Shah will call.", 7), ("Then rest!", 8)]


# --- 3. Plain words and abbreviations -----------------------------------------------------------------------


def test_hard_words_are_found_with_their_plain_words(project: Path) -> None:
    found = findings(project, edited(("title: Knee pain", "title: Knee pain and oedema"),
                                     ("Wrap the ice pack in a towel first.",
                                      "Commence by wrapping the ice pack in a\n"
                                      "towel. Do this prior to every use.")))
    assert of(found, "plain-words") == [
        (2, "warning", '"oedema": write "swelling" instead, or explain it in brackets the first time: '
                       '"swelling (oedema)"'),
        (18, "warning", '"Commence": write "start" or "begin" instead'),
        (19, "warning", '"prior to": write "before" instead'),
    ]


def test_a_term_explained_in_brackets_beside_its_plain_words_is_fine(project: Path) -> None:
    text = edited(("Most knee pain", "Swelling (oedema) and most knee pain"),
                  ("Wrap the ice pack", "Fluid (oedema) goes down too. Wrap the ice pack"))
    assert of(findings(project, text), "plain-words") == [
        (18, "warning", '"oedema": write "swelling" instead, or explain it in brackets the first time: '
                        '"swelling (oedema)"')]


def test_a_project_adds_words_allows_terms_and_knows_abbreviations(project: Path) -> None:
    text = edited(("Most knee pain", "Chronic knee pain is rare. Your physio may help. An MRI scan is rarely "
                   "needed. Most knee pain"))
    found = findings(project, text)
    assert [message.split(":")[0] for _, _, message in of(found, "plain-words")] == ['"Chronic"']
    assert [message for _, _, message in of(found, "abbreviation")][0].startswith(
        '"MRI" is never spelled out')
    (project / "plain-words.yaml").write_text(
        "words:\n  physio: physiotherapist\nallow:\n  - chronic\nabbreviations:\n  - MRI\n", encoding="utf-8")
    found = findings(project, text)
    assert of(found, "plain-words") == [(13, "warning", '"physio": write "physiotherapist" instead')]
    assert of(found, "abbreviation") == []


def test_a_bad_plain_words_file_is_reported_with_its_line(project: Path) -> None:
    (project / "plain-words.yaml").write_text("words:\n  physio: physiotherapist\nallow:\n  - chronik\n",
                                              encoding="utf-8")
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert ('plain-words.yaml:4: allow[1]: "chronik" is not in the shipped list, so there is nothing to allow'
            in result.output)


def test_a_plain_words_file_outside_the_project_is_refused(project: Path) -> None:
    (project / "leafbind.toml").write_text('[check]\nwords = "../words.yaml"\n', encoding="utf-8")
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert ('leafbind.toml:2: check.words: "../words.yaml" is outside the project folder: keep it beside '
            "leafbind.toml") in result.output


def test_abbreviations_must_be_spelled_out_at_their_first_use(project: Path) -> None:
    text = edited(("Most knee pain gets better",
                   "A GP or the A&E team can check your knee. Most knee pain gets better"),
                  ("Rest your knee", "An MRI scan is rarely needed. Rest your knee"),
                  ("See a doctor",
                   "Ask about magnetic resonance imaging (MRI). Do NOT wait if it is bad. See a doctor"))
    assert of(findings(project, text), "abbreviation") == [
        (13, "warning", '"A&E" is never spelled out: write it in full the first time, e.g. "… (A&E)", or '
                        "list it under abbreviations in plain-words.yaml if every reader knows it"),
        (17, "warning", '"MRI" is used before it is spelled out on line 24: spell it out the first time it '
                        "is used"),
    ]


# --- 4. Structure -------------------------------------------------------------------------------------------


def test_a_long_summary_is_found(project: Path) -> None:
    summary = "summary: " + " ".join(["Rest helps a sore knee."] * 4)
    found = findings(project, edited(("summary: How to look after a sore knee at home.", summary)))
    assert of(found, "summary") == [(3, "warning", "the summary has 4 sentences and 20 words: keep it to 3 "
                                                   "sentences and 60 words saying who the leaflet is for and "
                                                   "what it explains")]


def test_long_stretches_without_a_heading_are_found(project: Path) -> None:
    paragraph = "Walk a little every day and rest when your knee hurts. " * 5  # 55 words
    text = edited(("## When to get help", "\n\n".join([paragraph] * 5) + "\n\n## When to get help"))
    assert of(findings(project, text), "headings") == [
        (17, "warning", "306 words without a heading (lines 17–30): add a '##' or '###' heading at least "
                        "every 250 words, so readers can find their way")]
    with_subheading = text.replace(paragraph + "\n\n" + paragraph,
                                   paragraph + "\n\n### Walking\n\n" + paragraph, 1)
    assert of(findings(project, with_subheading), "headings") == []


def test_a_section_with_no_text_is_an_error(project: Path) -> None:
    found = findings(project, edited(("## When to get help", "## Medicines\n\n## When to get help")))
    assert of(found, "empty-section") == [(22, "error", 'section "Medicines" has no text: write it, or '
                                                        "remove the heading")]


@pytest.mark.parametrize("alt, message", [
    ("", 'image "../assets/images/knee-support.svg" has no alt text: say what it shows, e.g. ![A nurse '
         "fitting a blood pressure cuff](../assets/images/knee-support.svg)"),
    ("knee-support.svg", 'image "../assets/images/knee-support.svg" has the alt text '
     '"knee-support.svg", which does not say what it shows: describe the picture for someone who '
     "cannot see it"),
    ("knee support", None),
    ("Photo", None),
])
def test_images_need_alt_text_that_says_what_they_show(project: Path, alt: str, message: str | None) -> None:
    found = findings(project, edited(("![A knee wrapped in a bandage]", f"![{alt}]")))
    assert [(line, severity) for line, severity, _ in of(found, "image-alt")] == [(20, "error")]
    if message:
        assert of(found, "image-alt")[0][2] == message


def test_links_need_text_that_says_where_they_go(project: Path) -> None:
    found = findings(project, edited(("[Northfield Joint Clinic page on knee pain]", "[click here]")))
    assert of(found, "link-text") == [(25, "warning", 'the link text "click here" does not say where '
                                                      "the link goes: name the page or service instead, "
                                                      "e.g. [the NHS page on blood pressure](…)")]


def test_a_leaflet_needs_sources(project: Path) -> None:
    found = findings(project, edited(("sources:\n  - title: Knee pain\n"
                                      "    publisher: Northfield Joint Clinic\n", "")))
    assert of(found, "sources") == [(2, "warning", "no sources: list the guidance and evidence the leaflet "
                                                   "is based on under 'sources:'")]


@pytest.mark.parametrize("review, today, expected", [
    ("review: 2028-01-05\n", date(2027, 10, 6), []),  # 91 days ahead
    ("review: 2028-01-05\n", date(2027, 10, 7), [(7, "warning", "the review date 2028-01-05 is in 90 days: "
                                                                "plan the review")]),
    ("review: 2028-01-05\n", date(2028, 1, 5), [(7, "warning", "the review date 2028-01-05 is today: "
                                                               "plan the review")]),
    ("review: 2028-01-05\n", date(2028, 1, 7), [(7, "error", "the review date 2028-01-05 passed 2 days ago: "
                                                             "review the leaflet, then set a new review "
                                                             "date (and start a new edition if the text "
                                                             "changes)")]),
    ("", TODAY, [(6, "warning", "no review date: add 'review: YYYY-MM-DD', usually two or three years after "
                                "publishing")]),
])
def test_the_review_date_is_present_and_not_passed(project: Path, review: str, today: date,
                                                   expected: list) -> None:
    found = findings(project, edited(("review: 2028-01-05\n", review)), today)
    assert of(found, "review-date") == expected


# --- Placeholders: the starter's sample text ----------------------------------------------------------------


def line_of(path: Path, text: str) -> int:
    """The number of the first line of `path` holding `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_new_leaflet_is_refused_until_its_sample_text_is_replaced(tmp_path: Path) -> None:
    assert run("new", "knee-pain", "--project", str(tmp_path)).exit_code == 0
    leaflet, authors = tmp_path / "leaflets" / "knee-pain.md", tmp_path / "leaflets" / "authors.yaml"
    result = run("check", "--project", str(tmp_path))
    assert result.exit_code == 1
    who = 'author "editorial-team" (of knee-pain)'
    assert [line for line in result.output.splitlines() if ": placeholder: " in line] == [
        f"leaflets/authors.yaml:{line_of(authors, 'name: Editorial Team')}: placeholder: error: {who} still "
        "has the starter's name \"Editorial Team\": write the name of the person or team, as readers should "
        "see it",
        f"leaflets/authors.yaml:{line_of(authors, 'bio:')}: placeholder: error: {who} still has the "
        "starter's bio: say who they are and what they do, in a sentence or two",
        f"leaflets/knee-pain.md:{line_of(leaflet, 'summary:')}: placeholder: error: the summary still has "
        "the starter's sample text \"One short paragraph saying who this leaflet is…\": say in a sentence "
        "or two who the leaflet is for and what it explains",
        f"leaflets/knee-pain.md:{line_of(leaflet, starter.INTRODUCTION)}: placeholder: error: the starter's "
        "sample text \"Write a short introduction here: what the condition…\" is still here: write the "
        "leaflet's own text in its place",
        f"leaflets/knee-pain.md:{line_of(leaflet, starter.SECTION[0])}: placeholder: error: the starter's "
        "sample text \"Start each section with a '##' heading.\" is still here: write the leaflet's own text "
        "in its place",
        f"leaflets/knee-pain.md:{line_of(leaflet, starter.HELP)}: placeholder: error: the starter's sample "
        "text \"Say when and how to get help.\" is still here: write the leaflet's own text in its place",
    ]
    assert line_of(leaflet, "summary:") == 3 and line_of(authors, "bio:") == 5
    refused = run("build", "--format", "epub", "--quiet", "--project", str(tmp_path))
    assert refused.exit_code == 1 and not (tmp_path / "dist" / "knee-pain").exists()

    text = leaflet.read_text(encoding="utf-8")
    for sample, own in ((starter.SUMMARY, "How to look after a sore knee at home."),
                        (starter.INTRODUCTION, "Most knee pain gets better in a few weeks."),
                        (" ".join(starter.SECTION), "Rest your knee and raise it when you can."),
                        (starter.HELP, "See a doctor if the pain is bad.")):
        assert sample in text
        text = text.replace(sample, own)
    leaflet.write_text(text, encoding="utf-8")
    authors.write_text(authors.read_text(encoding="utf-8").replace(
        "name: Editorial Team", "name: Riverside Editorial Team").replace(
        starter.AUTHOR_BIO, "Nurses and GPs who write the clinic's leaflets."), encoding="utf-8")
    result = run("check", "--project", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert ": placeholder: " not in result.output and ": error: " not in result.output
    built = run("build", "--format", "epub", "--quiet", "--project", str(tmp_path))
    assert built.exit_code == 0, built.output
    assert (tmp_path / "dist" / "knee-pain" / "knee-pain-ed1.epub").is_file()


def test_sample_text_is_found_inside_edited_text_but_real_names_and_text_pass(project: Path) -> None:
    found = findings(project, edited(("Wrap the ice pack in a towel first.",
                                      "Wrap the ice pack in a towel first. Say when and how\nto GET help.")))
    assert of(found, "placeholder") == [(17, "error", "the starter's sample text \"Say when and how to get "
                                                      "help.\" is still here: write the leaflet's own text "
                                                      "in its place")]
    assert starter.placeholder_in("Say when to get help.") is None
    assert (starter.is_starter_author("editorial  team")
            and not starter.is_starter_author("Riverside Editorial Team"))
    assert not starter.is_starter_bio("The editorial team writes the leaflets.")


# --- 5. Settings and report ---------------------------------------------------------------------------------


def test_disabling_a_rule_in_leafbind_toml_silences_it(project: Path) -> None:
    text = edited(("[Northfield Joint Clinic page on knee pain]", "[click here]"),
                  ("Wrap the ice pack", "Commence: wrap the ice pack"))
    assert {finding.code for finding in findings(project, text)} == {"link-text", "plain-words"}
    (project / "leafbind.toml").write_text('[check]\ndisable = ["link-text"]\n', encoding="utf-8")
    assert {finding.code for finding in findings(project, text)} == {"plain-words"}


def test_an_unknown_rule_code_is_a_settings_problem_with_its_line(project: Path) -> None:
    (project / "leafbind.toml").write_text('organisation = "Clinic"\n[check]\ndisable = ["link-texts"]\n',
                                           encoding="utf-8")
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert ('leafbind.toml:3: check.disable: "link-texts" is not a rule code (did you mean "link-text"?)'
            in result.output)


def test_the_deliberately_hard_leaflet_prints_every_finding_with_its_line(project: Path) -> None:
    (project / "leaflets" / "hard-to-read.md").write_bytes(
        (HERE / "quality" / "hard-to-read.md").read_bytes())
    result = run("check", "hard-to-read", "--project", str(project))
    assert result.exit_code == 1
    expected = (HERE / "quality" / "hard-to-read.txt").read_text(encoding="utf-8").splitlines()
    assert result.output.splitlines()[:len(expected)] == expected
    assert all(line.startswith("leaflets/hard-to-read.md:") for line in expected[:-4])
    # Every rule but reading ease (for languages with no grade measure), headings and SMOG (it is too short:
    # 72 words, fewer than 30 sentences), placeholder (it was not started with `publish new`) and
    # font-coverage (the bundled fonts have every character of it; tests/test_fonts.py trips that rule) and
    # translation-outdated (it is no translation; tests/test_translations.py trips that rule), text-layer
    # (a build's check of the PDF; tests/test_textlayer.py trips it) and missing-translation (a build's check
    # of the layouts' strings; tests/test_localized.py trips it).
    assert {line.split(": ")[1] for line in expected[:-4]} == set(RULES) - {"reading-ease", "headings",
                                                                             "smog-grade", "placeholder",
                                                                             "font-coverage",
                                                                             "translation-outdated",
                                                                             "text-layer",
                                                                             "missing-translation"}
    assert expected[-2].split()[:3] == ["hard-to-read", "13.3", "-"]


def test_strict_turns_warnings_into_a_failure(project: Path) -> None:
    write(project, edited(("[Northfield Joint Clinic page on knee pain]", "[click here]")))
    assert run("check", "knee-pain", "--project", str(project)).exit_code == 0
    strict = run("check", "knee-pain", "--strict", "--project", str(project))
    assert strict.exit_code == 1
    assert strict.output.splitlines()[-1] == "1 leaflet checked: 0 errors, 1 warning."


def test_the_json_report_follows_its_documented_schema(project: Path) -> None:
    (project / "leaflets" / "hard-to-read.md").write_bytes(
        (HERE / "quality" / "hard-to-read.md").read_bytes())
    write(project, CLEAN.replace("summary: How to look after a sore knee at home.\n", ""), slug="broken")
    result = run("check", "--format", "json", "--project", str(project))
    assert result.exit_code == 1
    document = json.loads(result.output)
    schema = json.loads(QUALITY_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    assert set(schema["$defs"]["finding"]["properties"]["code"]["enum"]) == set(RULES)
    assert ([leaflet["slug"] for leaflet in document["leaflets"]]
            == ["hard-to-read", "knee-pain", "sore-throat"])
    assert document["unreadable"] == ["broken"]
    assert document["problems"][0]["field"] == "summary"
    hard = document["leaflets"][0]
    assert hard["errors"] == sum(finding["severity"] == "error" for finding in hard["findings"]) > 0
    assert document["date"] == "2026-11-26"
    assert document["settings"]["grade_warning"] == 8


def test_report_writes_quality_html_for_the_review_meeting(project: Path) -> None:
    (project / "leaflets" / "hard-to-read.md").write_bytes(
        (HERE / "quality" / "hard-to-read.md").read_bytes())
    result = run("check", "--report", "--project", str(project))
    assert result.exit_code == 1
    page = (project / "dist" / "quality.html").read_text(encoding="utf-8")
    for text in ("knee-pain", "sore-throat", "hard-to-read", "Management of myocardial infarction",
                 "long-sentence", "the review date 2026-01-10 passed"):
        assert text in page


# --- In the build -------------------------------------------------------------------------------------------


def test_a_build_shows_warnings_and_does_not_make_a_leaflet_with_quality_errors(project: Path) -> None:
    write(project, edited(("[Northfield Joint Clinic page on knee pain]", "[click here]")))
    write(project, edited(("## When to get help", "## Medicines\n\n## When to get help")), slug="knee-pain-2")
    result = run("build", "knee-pain", "knee-pain-2", "--format", "epub", "--quiet",
                 "--project", str(project))
    assert result.exit_code == 1
    assert "leaflets/knee-pain.md:25: link-text: warning: the link text" in result.output
    assert ('leaflets/knee-pain-2.md:22: empty-section: error: section "Medicines" has no text'
            in result.output)
    assert sorted(path.name for path in (project / "dist").rglob("*.epub")) == ["knee-pain-ed1.epub"]
    assert_valid_epub(project / "dist" / "knee-pain" / "knee-pain-ed1.epub")


def test_no_lint_builds_it_anyway(project: Path) -> None:
    write(project, edited(("## When to get help", "## Medicines\n\n## When to get help")))
    result = build(project, slugs=("knee-pain",), formats=("epub",), lint=False)
    assert result.failed == () and result.findings == ()
    linted = build(project, project / "linted", slugs=("knee-pain",), formats=("epub",))
    assert linted.failed == ("knee-pain",)
    assert [finding.code for finding in linted.findings] == ["empty-section"]
