"""Validation: every broken source gives exact `file:line: field: message` lines, and nothing broken is built.

Each case in tests/bad/ is one broken leaflet, <case>.md, with the messages an editor should see in
<case>.txt (one `str(problem)` per line). Most tests only check (fast); a few build for real to prove a
broken leaflet writes nothing and earlier outputs stay byte-identical. The cases are added to a copy of the
`clinic` scenario (tests/roots/clinic), whose own two leaflets are valid.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import STATE_FILE, build, snapshot

from leafbind import ProblemReport, check_catalogue, open_project
from publish import cli

# the clinic's leaflets: ankle-sprain by the editorial team (id PIL-0042), hay-fever by the practice nurses
# and the editorial team
SLUGS = ("ankle-sprain", "hay-fever")

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(path.stem for path in BAD.glob("*.md"))
FILE_NAME_CASES = {"Knee_Pain"}  # the problem is the file's name: there is no line to point at

# A valid leaflet; the bad cases are variations of it.
KNEE_PAIN = """\
---
title: Knee pain
summary: How to look after a sore knee at home.
authors:
  - editorial-team
published: 2026-01-05
---

Rest your knee and keep it raised.

## When to get help

See your GP if it gets worse.
"""


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def expected(case: str) -> list[str]:
    return (BAD / f"{case}.txt").read_text("utf-8").splitlines()


def add_case(root: Path, case: str) -> Path:
    return Path(shutil.copy(BAD / f"{case}.md", root / "leaflets" / f"{case}.md"))


def check(root: Path, slugs: tuple[str, ...] = ()):
    return check_catalogue(open_project(root), slugs)


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]


def line_of(path: Path, start: str) -> int:
    """The number of the first line of `path` starting with `start` (so tests follow the scenario's files)."""
    lines = path.read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(start))


def run_cli(*args: str):
    """`publish ARGS`; CliRunner hides a crash in result.exception, so anything but sys.exit fails here."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        command = " ".join(args)
        raise AssertionError(f"publish {command} crashed, not reported") from result.exception
    assert "Traceback" not in result.output
    return result


# --- One broken leaflet per rule ------------------------------------------------------------------------


def test_every_case_has_its_expected_messages() -> None:
    assert len(CASES) >= 40
    assert sorted(path.stem for path in BAD.glob("*.txt")) == CASES
    assert all(expected(case) for case in CASES), "an empty .txt would expect no problem at all"


def test_the_template_leaflet_is_valid_and_found_in_a_subfolder(project: Path) -> None:
    """The control for the cases: the leaflet they vary is valid, so each case fails for its one change."""
    folder = project / "leaflets" / "musculoskeletal"
    folder.mkdir()
    (folder / "knee-pain.md").write_text(KNEE_PAIN, "utf-8")
    checked = check(project)
    assert checked.problems == ()
    assert sorted(leaflet.slug for leaflet in checked.leaflets) == sorted(SLUGS + ("knee-pain",))


@pytest.mark.parametrize("case", CASES)
def test_bad_leaflet(project: Path, case: str) -> None:
    add_case(project, case)
    checked = check(project)
    assert messages(checked.problems) == expected(case)
    assert checked.failed == (case,)
    assert sorted(leaflet.slug for leaflet in checked.leaflets) == sorted(SLUGS)


def test_every_problem_points_at_a_line(project: Path) -> None:
    """A message about a file's content names the line; only a bad file name has none to name."""
    wrong = []
    for case in CASES:
        path = add_case(project, case)
        try:
            problems = check(project).problems
        except Exception as error:  # noqa: BLE001 - a crash is reported like a message without a line
            wrong.append(f"{case}: crashed with {type(error).__name__}: {error}")
            problems = ()
        finally:
            path.unlink()
        line_count = (BAD / f"{case}.md").read_bytes().count(b"\n")
        for problem in problems:
            if problem.line is None and case not in FILE_NAME_CASES:
                wrong.append(f"no line: {problem}")
            elif problem.line is not None and not 1 <= problem.line <= line_count:
                wrong.append(f"line outside the file ({line_count} lines): {problem}")
    assert wrong == []


# --- Real builds: a broken leaflet writes nothing, earlier outputs stay as they were ----------------------


def test_broken_leaflets_write_nothing_and_leave_other_outputs_alone(project: Path) -> None:
    dist = project / "dist"
    first = build(project)
    assert first.problems == () and sorted(first.built) == sorted(SLUGS)
    before = snapshot(dist)
    for case in CASES:
        add_case(project, case)

    # the broken leaflets fail before any format is made
    result = build(project, formats=("pdf",), force=True)

    assert sorted(result.built) == sorted(SLUGS)
    assert sorted(result.failed) == sorted(CASES)
    found = {case: [str(p) for p in result.problems if p.path == f"leaflets/{case}.md"] for case in CASES}
    assert found == {case: expected(case) for case in CASES}
    assert len(result.problems) == sum(len(lines) for lines in found.values())
    assert {output.slug for output in result.outputs} == set(SLUGS)
    assert sorted(path.name for path in dist.iterdir()) == sorted(
        SLUGS + ("manifest.json", STATE_FILE, "site", ".leafbind-site.json"))  # the site of the first build
    assert snapshot(dist) == before  # good leaflets rewritten with identical bytes; nothing else touched


def test_failed_rebuild_keeps_the_previous_outputs(project: Path) -> None:
    slug = "hay-fever"
    dist = project / "dist"
    build(project, slugs=(slug,))
    before = snapshot(dist)
    made = {name for name in before if not name.startswith(("site/", ".leafbind-site"))}
    assert made == {f"{slug}/{slug}-ed1.pdf", f"{slug}/{slug}-ed1.epub", "manifest.json"}
    assert f"site/{slug}/index.html" in before  # the web edition stays as it was too
    source = project / "leaflets" / f"{slug}.md"
    number = line_of(source, "published:")
    lines = source.read_text("utf-8").splitlines(keepends=True)
    lines[number - 1] = "published: next Tuesday\n"
    source.write_text("".join(lines), "utf-8")

    result = run_cli("build", slug, "--project", str(project))

    assert result.exit_code == 1
    assert f'leaflets/{slug}.md:{number}: published: "next Tuesday" is not a date (use YYYY-MM-DD)' in (
        result.stderr.splitlines())
    assert "wrote" not in result.stdout
    assert "0 built (0 files), 0 unchanged and skipped, 1 failed" in result.stdout
    assert snapshot(dist) == before  # same PDF, EPUB and manifest bytes; no temporary files left behind


# --- The command line ------------------------------------------------------------------------------------


def test_check_reports_every_broken_leaflet_in_one_run(project: Path) -> None:
    cases = ("html-inline", "unknown-key")
    for case in cases:
        add_case(project, case)
    result = run_cli("check", "--project", str(project))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == expected(cases[0]) + expected(cases[1]) + ["3 problems found."]
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [row[0] for row in rows[1:-1]] == ["ankle-sprain", "hay-fever", *cases]
    assert rows[-2][-2:] == ["invalid", "-"]
    assert result.stdout.splitlines()[-1] == ("4 leaflets checked: 2 leaflets with problems in the source, "
                                              "0 errors, 0 warnings.")


# --- Problems outside the leaflet itself -----------------------------------------------------------------

AUTHORS_WITHOUT_BIO = """\
editorial-team:
  name: Millbrook Health Centre Editorial Team
  bio: The editorial team writes and checks every leaflet.

practice-nurses:
  name: Millbrook Practice Nursing Team
  credentials: Practice nurses
"""


def test_author_entry_without_bio_fails_only_the_leaflets_using_it(project: Path) -> None:
    (project / "leaflets" / "authors.yaml").write_text(AUTHORS_WITHOUT_BIO, "utf-8")
    uses = line_of(project / "leaflets" / "hay-fever.md", "  - practice-nurses")
    checked = check(project)
    assert messages(checked.problems) == [
        "leaflets/authors.yaml:5: practice-nurses.bio: is required: add a line 'bio: …'",
        f'leaflets/hay-fever.md:{uses}: authors: author "practice-nurses" has problems in '
        "leaflets/authors.yaml",
    ]
    assert checked.failed == ("hay-fever",)
    assert [leaflet.slug for leaflet in checked.leaflets] == ["ankle-sprain"]


def test_authors_file_that_is_not_yaml_does_not_call_its_authors_missing(project: Path) -> None:
    """The authors are in the file; it just can't be read. Saying "is not an author … add it" misleads."""
    broken = AUTHORS_WITHOUT_BIO.replace("  credentials: Practice nurses",
                                         "  credentials: Practice: nurses\n  bio: Nurses.")
    (project / "leaflets" / "authors.yaml").write_text(broken, "utf-8")
    ankle = project / "leaflets" / "ankle-sprain.md"
    hay_fever = project / "leaflets" / "hay-fever.md"
    checked = check(project)
    assert messages(checked.problems) == [
        "leaflets/authors.yaml:7: is not valid YAML here: mapping values are not allowed here "
        "(check the indentation, colons and quotes)",
        f'leaflets/ankle-sprain.md:{line_of(ankle, "  - editorial-team")}: authors: author '
        '"editorial-team" has problems in leaflets/authors.yaml',
        f'leaflets/hay-fever.md:{line_of(hay_fever, "  - practice-nurses")}: authors: author '
        '"practice-nurses" has problems in leaflets/authors.yaml',
        f'leaflets/hay-fever.md:{line_of(hay_fever, "  - editorial-team")}: authors: author '
        '"editorial-team" has problems in leaflets/authors.yaml',
    ]
    assert sorted(checked.failed) == sorted(SLUGS)


def test_duplicate_slugs_in_different_folders(project: Path) -> None:
    for folder in ("a", "b"):
        (project / "leaflets" / folder).mkdir()
        (project / "leaflets" / folder / "knee-pain.md").write_text(KNEE_PAIN, "utf-8")
    checked = check(project)
    assert messages(checked.problems) == [
        'leaflets/a/knee-pain.md: has the same slug "knee-pain" as leaflets/b/knee-pain.md: '
        'rename one of them',
        'leaflets/b/knee-pain.md: has the same slug "knee-pain" as leaflets/a/knee-pain.md: '
        'rename one of them',
    ]
    assert checked.failed == ("knee-pain",)
    # neither copy is built
    assert sorted(leaflet.slug for leaflet in checked.leaflets) == sorted(SLUGS)


@pytest.mark.parametrize("opened", ["keywords: [knee, pain", 'id: "PIL-0042'])
def test_unclosed_yaml_points_at_the_line_that_opened_it(project: Path, opened: str) -> None:
    """The parser notices at the closing '---'; the editor must fix the line with the bracket or quote."""
    text = KNEE_PAIN.replace("published: 2026-01-05\n", f"published: 2026-01-05\n{opened}\n")
    (project / "leaflets" / "knee-pain.md").write_text(text, "utf-8")
    [problem] = check(project).problems
    assert (problem.path, problem.line) == ("leaflets/knee-pain.md", 7)
    assert problem.message.startswith("is not valid YAML here: ")


@pytest.mark.parametrize(("setting", "message"), [
    ('pagesize = "a4"', 'leafbind.toml:2: pagesize: is not a known setting (did you mean "page_size"?)'),
    ('page_size = "A5"', 'leafbind.toml:2: page_size: "A5" is not a page size (use a4 or letter)'),
    ('logo = "assets/logos/missing.svg"',
     'leafbind.toml:2: logo: "assets/logos/missing.svg" was not found (looked for assets/logos/missing.svg)'),
    ('citation_styles = ["apa", "vancouver-ish"]',
     'leafbind.toml:2: citation_styles: "vancouver-ish" is not a known citation style '
     "(use apa, mla, ama, harvard or a CSL style name)"),
], ids=["unknown-key", "page-size", "logo", "citation-style"])
def test_bad_setting(project: Path, setting: str, message: str) -> None:
    settings = f'organisation = "Millbrook Health Centre"\n{setting}\n'
    (project / "leafbind.toml").write_text(settings, "utf-8")
    with pytest.raises(ProblemReport) as caught:
        check(project)
    assert messages(caught.value.problems) == [message]
    result = run_cli("check", "--project", str(project))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message, "1 problem found."]


@pytest.mark.parametrize(("content", "hint"), [
    (b'organisation = "Millbrook Health Centre"\npage_size = "a4\n', "is not valid TOML"),
    (b'page_size = "a4"\norganisation = "Caf\xe9 Clinic"\n', "UTF-8"),
], ids=["not-toml", "not-utf8"])
def test_unreadable_settings_file(project: Path, content: bytes, hint: str) -> None:
    (project / "leafbind.toml").write_bytes(content)
    with pytest.raises(ProblemReport) as caught:
        check(project)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("leafbind.toml", 2)
    assert hint in problem.message
    result = run_cli("check", "--project", str(project))
    assert result.exit_code == 1
    assert str(problem) in result.stderr.splitlines()
