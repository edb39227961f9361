"""New editions: the source edited in place (byte for byte elsewhere), refusals that change nothing, and the
history on the citation page of a real PDF and EPUB.

Each shape below is a leaflet's front matter before `new_edition` and exactly what it must be after, written
out in full or as exact replacements in the text before: a moved comment, a lost quote or a changed line
ending fails.

The leaflets are written into a copy of the `editions` scenario (tests/roots/editions: chickenpox in its
second edition, nosebleeds in its first), whose editorial team they name; the citation-page tests build it.
"""

from __future__ import annotations

import codecs
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import (
    EditionChange,
    Revision,
    UnknownLeaflet,
    break_edition_editing,
    build,
    copy_scenario,
    new_edition,
    pdf_pages,
)
from lxml import etree

from leafbind import LeafbindError, ProblemReport, check_catalogue, open_project
from publish import cli

SLUG = "knee-pain"
NOTE = 'Added "what to avoid" — and the physio\'s phone number: 0100 000 000'
QUOTED = r'"Added \"what to avoid\" — and the physio' + "'" + r's phone number: 0100 000 000"'
WHEN = date(2027, 3, 12)
BODY = """
Rest your knee and keep it raised.

## When to get help

See your GP if it gets worse.
"""


@pytest.fixture
def project(scenario) -> Path:
    return scenario("editions")


def leaflet(front: str) -> str:
    return f"---\n{front}---\n{BODY}"


TOP = """\
title: Knee pain
summary: How to look after a sore knee at home.
authors:
  - editorial-team
published: 2026-01-05
"""  # the first lines of most shapes below, which no new edition changes

# Comments everywhere, a folded summary, blank lines, a flow list and a list indented by four.
COMMENTED = """\
# Reviewed by the editorial team
title: Knee pain   # short on purpose
summary: >-
  How to look after
  a sore knee at home.

authors: [editorial-team]
published: 2026-01-05  # first print run
updated: 2026-06-30 # typo fixed
edition: 2  # like this

review: 2028-01-01
keywords:
    - knee       # the joint
    - "pain"
# history comes later
"""

# A block history with wide dashes, an inline comment, a folded last note, then a blank line and a comment.
HISTORY_BLOCK = f"""{TOP}updated: 2026-06-30
edition: 3
history:
   -   edition: 2
       date: '2026-02-01'
       note: New exercises.   # from the physio
   -   edition: 3
       date: '2026-06-30'
       note: >-
         A folded note
         over two lines.

# keep this comment and the blank line above
lang: en-GB
"""

# (front matter before, front matter after a new edition dated WHEN with NOTE)
SHAPES = {
    "nothing-to-start-from": (TOP, f"""{TOP}updated: 2027-03-12
edition: 2
history:
  - edition: 2
    date: 2027-03-12
    note: {QUOTED}
"""),
    "comments-kept-everywhere": (COMMENTED, COMMENTED.replace(
        "updated: 2026-06-30 # typo", "updated: 2027-03-12 # typo").replace(
        "edition: 2  # like", "edition: 3  # like") + f"""\
history:
    - edition: 3
      date: 2027-03-12
      note: {QUOTED}
"""),
    "quoted-dates": ("""\
title: Knee pain
summary: How to look after a sore knee at home.
authors:
- editorial-team
published: "2026-01-05"
review: '2028-01-01'
""", f"""\
title: Knee pain
summary: How to look after a sore knee at home.
authors:
- editorial-team
published: "2026-01-05"
updated: "2027-03-12"
edition: 2
review: '2028-01-01'
history:
- edition: 2
  date: "2027-03-12"
  note: {QUOTED}
"""),
    "updated-quoted-edition-absent": (f"""{TOP}updated: '2026-02-01'
id: PIL-0001
""", f"""{TOP}updated: '2027-03-12'
edition: 2
id: PIL-0001
history:
  - edition: 2
    date: 2027-03-12
    note: {QUOTED}
"""),
    "updated-empty": (f"""{TOP}updated:   # not yet
edition: 1
""", f"""{TOP}updated: 2027-03-12   # not yet
edition: 2
history:
  - edition: 2
    date: 2027-03-12
    note: {QUOTED}
"""),
    "history-block": (HISTORY_BLOCK, HISTORY_BLOCK.replace(
        "updated: 2026-06-30", "updated: 2027-03-12").replace(
        "edition: 3\nhistory", "edition: 4\nhistory").replace("over two lines.\n", f"""over two lines.
   -   edition: 4
       date: '2027-03-12'
       note: {QUOTED}
""")),
    "history-dash-on-its-own-line-other-key-order": (f"""{TOP}updated: 2026-02-01
edition: 2
history:
-
  date: 2026-02-01
  edition: 2
  note: "New exercises."
""", f"""{TOP}updated: 2027-03-12
edition: 3
history:
-
  date: 2026-02-01
  edition: 2
  note: "New exercises."
-
  date: 2027-03-12
  edition: 3
  note: {QUOTED}
"""),
    "history-flow-empty": (f"""{TOP}history: [ ]  # none yet
review: 2028-01-01
""", f"""{TOP}updated: 2027-03-12
edition: 2
history:  # none yet
  - edition: 2
    date: 2027-03-12
    note: {QUOTED}
review: 2028-01-01
"""),
    "history-flow": ("""\
title: Knee pain
summary: How to look after a sore knee at home.
authors: [editorial-team]
published: 2026-01-05
updated: 2026-02-01
edition: 2
history: [{edition: 2, date: 2026-02-01, note: Rest.}]
""", f"""\
title: Knee pain
summary: How to look after a sore knee at home.
authors: [editorial-team]
published: 2026-01-05
updated: 2027-03-12
edition: 3
history: [{{edition: 2, date: 2026-02-01, note: Rest.}}, {{edition: 3, date: 2027-03-12, note: {QUOTED}}}]
"""),
}


def write(project: Path, text: str | bytes) -> Path:
    path = project / "leaflets" / f"{SLUG}.md"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def bump(project: Path, note: str = NOTE, when: date | None = WHEN) -> EditionChange:
    return new_edition(open_project(project), SLUG, note, when)


def history_of(project: Path) -> tuple[Revision, ...]:
    [found] = [one for one in check_catalogue(open_project(project), (SLUG,)).leaflets if one.slug == SLUG]
    return found.history


@pytest.mark.parametrize("shape", SHAPES)
def test_new_edition_changes_only_edition_updated_and_history(project: Path, shape: str) -> None:
    before, after = SHAPES[shape]
    path = write(project, leaflet(before))
    change = bump(project)
    assert path.read_text("utf-8") == leaflet(after)
    assert change == EditionChange(path, change.old_edition, change.old_edition + 1, WHEN, NOTE)
    assert history_of(project)[-1] == Revision(change.new_edition, WHEN, NOTE)


def test_crlf_line_endings_and_bom_are_kept(project: Path) -> None:
    before, after = SHAPES["comments-kept-everywhere"]
    crlf = codecs.BOM_UTF8 + leaflet(before).replace("\n", "\r\n").encode()
    path = write(project, crlf)
    bump(project)
    assert path.read_bytes() == codecs.BOM_UTF8 + leaflet(after).replace("\n", "\r\n").encode()


def test_two_successive_editions_extend_the_history_they_started(project: Path) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    path = write(project, leaflet(before))
    first = bump(project, "New exercises.", date(2026, 9, 1))
    second = bump(project, NOTE)
    assert (first.old_edition, first.new_edition, second.old_edition, second.new_edition) == (1, 2, 2, 3)
    assert path.read_text("utf-8") == leaflet(f"""{TOP}updated: 2027-03-12
edition: 3
history:
  - edition: 2
    date: 2026-09-01
    note: "New exercises."
  - edition: 3
    date: 2027-03-12
    note: {QUOTED}
""")
    assert history_of(project) == (Revision(2, date(2026, 9, 1), "New exercises."), Revision(3, WHEN, NOTE))


def test_note_is_written_as_one_line_and_reads_back_exactly(project: Path) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    path = write(project, leaflet(before))
    tricky = ('Back\\slash, "quotes", # not a comment, {braces}: colons, '
              "émigré, 日本語, emoji 🦵 and\n  a wrapped line")
    change = bump(project, tricky)
    assert change.note == " ".join(tricky.split())
    assert history_of(project)[-1].note == change.note
    assert path.read_text("utf-8").count("\n") == leaflet(before).count("\n") + 6


def test_the_date_defaults_to_today_from_the_clock(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    write(project, leaflet(before))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1789000000")  # 2026-09-10 UTC
    assert bump(project, when=None).date == date(2026, 9, 10)
    assert history_of(project)[-1].date == date(2026, 9, 10)


def test_a_date_on_the_day_of_the_last_change_is_allowed(project: Path) -> None:
    before, _ = SHAPES["updated-quoted-edition-absent"]
    write(project, leaflet(before))
    assert bump(project, when=date(2026, 2, 1)).date == date(2026, 2, 1)


# --- Refusals: a clear message, and the file as it was ------------------------------------------------------


@pytest.mark.parametrize(("note", "when", "message"), [
    ("   \n ", WHEN,
     "leaflets/knee-pain.md: the note for the new edition is empty: say in a sentence what changed"),
    ("New exercises.\n\nNew phone number.", WHEN,
     "leaflets/knee-pain.md: the note for the new edition is more than one paragraph: remove the blank line"),
    ("New \x07exercises.", WHEN,
     "leaflets/knee-pain.md: the note for the new edition is not plain text: remove the control character "
     "U+0007"),
    ("New exercises.", date(2026, 1, 31),
     "leaflets/knee-pain.md: a new edition can't be dated 2026-01-31: the leaflet last changed on 2026-02-01 "
     "(use that date or a later one)"),
], ids=["blank-note", "two-paragraphs", "control-character", "date-before-last-change"])
def test_refused_edition_changes_nothing(project: Path, note: str, when: date, message: str) -> None:
    before, _ = SHAPES["updated-quoted-edition-absent"]
    path = write(project, leaflet(before))
    with pytest.raises(LeafbindError) as caught:
        bump(project, note, when)
    assert str(caught.value) == message
    assert path.read_bytes() == leaflet(before).encode()


def test_invalid_leaflet_reports_its_problems_and_changes_nothing(project: Path) -> None:
    before, _ = SHAPES["history-block"]
    broken = leaflet(before.replace("published: 2026-01-05", "published: next Tuesday"))
    path = write(project, broken)
    with pytest.raises(ProblemReport) as caught:
        bump(project)
    assert [str(problem) for problem in caught.value.problems] == [
        'leaflets/knee-pain.md:6: published: "next Tuesday" is not a date (use YYYY-MM-DD)']
    assert path.read_text("utf-8") == broken


def test_front_matter_written_as_one_flow_mapping_is_refused(project: Path) -> None:
    """Valid YAML, but no line to add a key on: refused with a way out, rather than rewritten."""
    text = leaflet("{title: Knee pain, summary: Sore knees., authors: [editorial-team], "
                   "published: 2026-01-05}\n")
    path = write(project, text)
    refusal = r"^leaflets/knee-pain.md: the front matter is not written one 'key: value' per line"
    with pytest.raises(LeafbindError, match=refusal):
        bump(project)
    assert path.read_text("utf-8") == text


def test_unknown_slug_is_a_usage_error(project: Path) -> None:
    with pytest.raises(UnknownLeaflet, match="no leaflet named knee-pain"):
        bump(project)


@pytest.mark.parametrize(("mistake", "what"), [
    (lambda text: text.replace("title: Knee pain", "title: Knee"), "keys other than edition, updated"),
    (lambda text: text.replace("## When", "## Then"), "keys other than edition, updated"),
    (lambda text: text.replace("edition: 4", "edition: 5"), "would not have been recorded as intended"),
    (lambda text: text.replace("  note: New exercises.", "  note: Newer exercises."), "recorded as intended"),
    (lambda text: text.replace("lang: en-GB", "lang: [en-GB"), "the edited file would not be valid"),
], ids=["other-key", "body", "wrong-edition", "older-entry", "broken-yaml"])
def test_safety_net_refuses_an_edit_that_went_wrong(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                     mistake, what: str) -> None:
    """If the text editing had a bug, the parsed result would differ from the intent: nothing is written."""
    before, _ = SHAPES["history-block"]
    path = write(project, leaflet(before))
    break_edition_editing(monkeypatch, mistake)
    with pytest.raises(LeafbindError) as caught:
        bump(project)
    assert str(caught.value).startswith("leaflets/knee-pain.md was not changed: "
                                        "leafbind could not edit it safely")
    assert what in str(caught.value)
    assert path.read_text("utf-8") == leaflet(before)


# --- Two editions on one day: refused unless asked for -----------------------------------------------------


def same_day(edition: int, day: date, change: str) -> str:
    return (f"leaflets/knee-pain.md: edition {edition} is already dated {day}, so a new edition that day "
            f"would be a second one (was the command run twice?). Nothing was changed: {change}; "
            f"for edition {edition + 1}, give a later day with --date YYYY-MM-DD, or add --same-day if it "
            f"really is a second edition on {day}")


def test_the_same_command_run_twice_makes_one_edition(project: Path) -> None:
    before, after = SHAPES["nothing-to-start-from"]
    path = write(project, leaflet(before))
    bump(project)
    with pytest.raises(LeafbindError) as caught:
        bump(project)
    assert str(caught.value) == same_day(2, WHEN, "to change its note, edit edition 2's entry under "
                                                  "'history' in the file")
    assert path.read_text("utf-8") == leaflet(after)
    assert bump(project, "New exercises.", date(2027, 3, 13)).new_edition == 3  # a later day is fine


def test_an_edition_on_the_day_the_leaflet_was_published_is_refused(project: Path) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    path = write(project, leaflet(before))
    with pytest.raises(LeafbindError) as caught:
        bump(project, when=date(2026, 1, 5))
    assert str(caught.value) == same_day(1, date(2026, 1, 5), "to change edition 1, edit the leaflet itself")
    assert path.read_text("utf-8") == leaflet(before)


def test_a_correction_after_the_edition_does_not_date_the_edition(project: Path) -> None:
    """`updated` moves for corrections too: a new edition on the day of a correction is the day's first."""
    before, _ = SHAPES["history-dash-on-its-own-line-other-key-order"]  # edition 2 of 2026-02-01
    write(project, leaflet(before.replace("updated: 2026-02-01", "updated: 2026-06-30")))
    assert bump(project, when=date(2026, 6, 30)).new_edition == 3


def test_an_edition_raised_by_hand_is_dated_by_updated(project: Path) -> None:
    before = f"{TOP}updated: 2026-06-30\nedition: 2\n"  # no history entry for edition 2
    path = write(project, leaflet(before))
    with pytest.raises(LeafbindError) as caught:
        bump(project, when=date(2026, 6, 30))
    assert str(caught.value) == same_day(2, date(2026, 6, 30), "to change edition 2, edit the leaflet itself")
    assert path.read_text("utf-8") == leaflet(before)


def test_same_day_allows_a_second_edition_that_day(project: Path) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    write(project, leaflet(before))
    bump(project)
    change = new_edition(open_project(project), SLUG, "Corrected the phone number.", WHEN, same_day=True)
    assert (change.new_edition, change.date) == (3, WHEN)
    assert [(revision.edition, revision.date) for revision in history_of(project)] == [(2, WHEN), (3, WHEN)]


def test_the_command_refuses_a_second_edition_that_day_and_says_how_to_go_on(project: Path) -> None:
    before, _ = SHAPES["nothing-to-start-from"]
    path = write(project, leaflet(before))
    command = ["edition", SLUG, "--note", "New exercises.", "--date", "2027-03-12", "--project", str(project)]
    assert CliRunner().invoke(cli, command).exit_code == 0
    edited = path.read_bytes()
    again = CliRunner().invoke(cli, command)
    assert again.exit_code == 1
    assert again.output == "error: " + same_day(2, WHEN, "to change its note, edit edition 2's entry under "
                                                         "'history' in the file") + "\n"
    assert path.read_bytes() == edited
    anyway = CliRunner().invoke(cli, [*command, "--same-day"])
    assert anyway.exit_code == 0, anyway.output
    assert "edition 2 → 3, updated 2027-03-12." in anyway.output


# --- The history on the citation page of a real PDF and EPUB ---------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The editions scenario with two new editions of chickenpox (edition 2 → 4), built."""
    root = copy_scenario("editions", tmp_path_factory.mktemp("editions") / "editions")
    project = open_project(root)
    new_edition(project, "chickenpox", "Added the signs of an infected spot.", date(2026, 11, 2))
    new_edition(project, "chickenpox", "New advice on itching at night.", date(2027, 3, 12))
    result = build(root)  # runs EPUBCheck on both EPUBs
    assert result.problems == ()
    return root / "dist"


CHICKENPOX_HISTORY = ("About this edition This is edition 4 of leaflet PIL-0200, "
                      "first published on 10 March 2025. "
                      "It was last updated on 12 March 2027. It is due for review by 1 September 2028. "
                      "Edition 4 — 12 March 2027: New advice on itching at night. "
                      "Edition 3 — 2 November 2026: Added the signs of an infected spot. "
                      "Edition 2 — 14 September 2026: Added advice on when a child can go back to school. "
                      "Edition 1 — 10 March 2025: first published")
NOSEBLEEDS_ABOUT = ("About this edition This is edition 1 of leaflet PIL-0201, first published on "
                    "2 June 2026. It is due for review by 1 June 2028.")


def epub_cite_page(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        [name] = [name for name in archive.namelist() if name.endswith("/cite.xhtml")]
        return etree.fromstring(archive.read(name))


def pdf_cite_text(path: Path) -> str:
    """The citation and about this edition, as printed: they follow the sources on the same page when there is
    room (issue 13), so they are found by their heading rather than by page."""
    text = " ".join(pdf_pages(path))
    return text[text.index("Cite this leaflet"):text.index("About the author")]


def test_pdf_citation_page_shows_the_history_newest_first(published: Path) -> None:
    cite = pdf_cite_text(published / "chickenpox" / "chickenpox-ed4.pdf")
    assert cite.startswith("Cite this leaflet")
    assert CHICKENPOX_HISTORY in cite


def test_pdf_citation_page_without_history_has_just_the_sentence(published: Path) -> None:
    cite = pdf_cite_text(published / "nosebleeds" / "nosebleeds-ed1.pdf")
    assert NOSEBLEEDS_ABOUT in cite
    assert "first published" not in cite.split(NOSEBLEEDS_ABOUT)[1]


def test_epub_citation_page_shows_the_history_under_its_own_heading(published: Path) -> None:
    page = epub_cite_page(published / "chickenpox" / "chickenpox-ed4.epub")
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    text = " ".join(page.xpath("string(//x:body)", namespaces=ns).split())
    assert CHICKENPOX_HISTORY in text
    headings = [(node.tag.split("}")[1], node.text) for node in page.xpath("//x:h2 | //x:h3", namespaces=ns)]
    assert headings == [("h2", "Cite this leaflet"), ("h3", "About this edition"),
                        ("h2", "Questions about this leaflet?")]
    items = page.xpath("//x:ul[@class='edition-history']/x:li", namespaces=ns)
    assert [item.xpath("string(x:span)", namespaces=ns) for item in items] == [
        "Edition 4 — 12 March 2027", "Edition 3 — 2 November 2026", "Edition 2 — 14 September 2026",
        "Edition 1 — 10 March 2025"]


def test_epub_citation_page_without_history_has_no_list(published: Path) -> None:
    page = epub_cite_page(published / "nosebleeds" / "nosebleeds-ed1.epub")
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert NOSEBLEEDS_ABOUT in " ".join(page.xpath("string(//x:body)", namespaces=ns).split())
    assert page.xpath("//x:ul", namespaces=ns) == []
