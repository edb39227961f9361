"""`publish` driven on real temporary projects: exit codes, outputs, manifest, messages.

Each test runs on a copy of the `clinic` scenario (tests/roots/clinic), standard handout and EPUB only."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, assert_valid_epub, clock

from leafbind import check_catalogue, open_project
from publish import cli


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_build_writes_pdf_epub_and_manifest(project: Path) -> None:
    result = run("build", "--project", str(project))
    assert result.exit_code == 0, result.output
    dist = project / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())
    assert [leaflet["slug"] for leaflet in manifest["leaflets"]] == ["ankle-sprain", "hay-fever"]
    edition = manifest["leaflets"][0]["editions"][0]
    assert (edition["title"], edition["edition"], edition["code"], edition["date"], edition["language"]) == (
        "Sprained ankle", 2, "PIL-0042", "2026-08-20", "en-GB")
    entries = {(leaflet["slug"], e["format"]): e for leaflet in manifest["leaflets"]
               for edition in leaflet["editions"] for e in edition["outputs"]}
    assert set(entries) == {(s, f) for s in ("ankle-sprain", "hay-fever") for f in ("pdf", "epub")}
    entry = entries[("ankle-sprain", "epub")]
    assert entry["path"] == "ankle-sprain/ankle-sprain-ed2.epub"
    data = (dist / entry["path"]).read_bytes()
    assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    for e in entries.values():
        if e["format"] == "epub":
            assert_valid_epub(dist / e["path"])
    assert not list(dist.rglob("*.tmp")), "temporary files were left behind"


def test_build_one_leaflet_one_format_into_another_folder(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = run("build", "hay-fever", "--format", "pdf", "--out", str(out), "--project", str(project))
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".leafbind-state.json", "hay-fever/hay-fever-ed1.pdf", "manifest.json"]


def test_unknown_slug_is_a_usage_error(project: Path) -> None:
    result = run("build", "no-such-leaflet", "--project", str(project))
    assert result.exit_code == 2
    assert "no leaflet named no-such-leaflet" in result.output
    assert not (project / "dist").exists()


def test_bad_option_value_is_a_usage_error(project: Path) -> None:
    assert run("build", "--format", "docx", "--project", str(project)).exit_code == 2
    assert run("build", "--page-size", "a3", "--project", str(project)).exit_code == 2


def test_check_passes_on_the_clinics_leaflets(project: Path) -> None:
    result = run("check", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert "2 leaflets checked: no problems." in result.output
    assert not (project / "dist").exists()


def test_check_reports_a_problem_with_file_line_and_field(project: Path) -> None:
    path = project / "leaflets" / "hay-fever.md"
    path.write_text(path.read_text().replace("published: 2026-06-02", "published: next Tuesday"))
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    line = path.read_text().splitlines().index("published: next Tuesday") + 1
    expected = f'leaflets/hay-fever.md:{line}: published: "next Tuesday" is not a date (use YYYY-MM-DD)'
    assert expected in result.stderr.splitlines()
    assert "Traceback" not in result.output


def test_list_shows_slug_title_edition_dates_and_authors(project: Path) -> None:
    result = run("list", "--project", str(project))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("ankle-sprain"))
    for cell in ("Sprained ankle", "2", "2025-04-07", "2026-08-20", "2028-09-01", "editorial-team"):
        assert cell in row


def test_new_writes_a_valid_starter_leaflet(project: Path) -> None:
    result = run("new", "knee-pain", "--project", str(project))
    assert result.exit_code == 0, result.output
    leaflets = check_catalogue(open_project(project), ("knee-pain",)).leaflets
    assert leaflets[0].title == "Knee pain" and leaflets[0].published == clock.today()
    again = run("new", "knee-pain", "--project", str(project))
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_in_an_empty_folder_makes_a_project_that_builds_once_written(tmp_path: Path) -> None:
    assert run("new", "first-leaflet", "--project", str(tmp_path)).exit_code == 0
    refused = run("build", "--project", str(tmp_path), "--format", "pdf")
    # sample text never publishes
    assert refused.exit_code == 1 and ": placeholder: error: " in refused.output
    assert not (tmp_path / "dist" / "first-leaflet").exists()
    result = run("build", "--project", str(tmp_path), "--format", "pdf", "--no-lint")
    assert result.exit_code == 0, result.output  # the built-in layouts and fonts are enough
    assert (tmp_path / "dist" / "first-leaflet" / "first-leaflet-ed1.pdf").is_file()


def test_new_refuses_a_bad_slug(project: Path) -> None:
    result = run("new", "Knee Pain", "--project", str(project))
    assert result.exit_code == 2
    assert not list((project / "leaflets").glob("Knee*"))


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["list"], ["new"], ["edition"]])
def test_help_everywhere(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
    assert ("--project" in result.output) == bool(command)


def test_script_and_console_command_both_work(project: Path) -> None:
    script = subprocess.run([sys.executable, str(REPO / "publish.py"), "check", "--project", str(project)],
                            capture_output=True, text=True)
    assert script.returncode == 0, script.stderr
    console = Path(sys.executable).with_name("publish")
    installed = subprocess.run([str(console), "list", "--project", str(project)],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert "hay-fever" in installed.stdout


def test_list_due_shows_overdue_then_soonest_then_undated(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1851206400")  # 2028-08-30 UTC: ankle-sprain is due 2028-09-01
    rows = run("list", "--due", "--within", "2", "--project", str(project)).output.splitlines()
    assert [line.split()[0] for line in rows] == ["SLUG", "hay-fever", "ankle-sprain"]
    assert (rows[1].endswith("2028-06-01  overdue by 90 days")
            and rows[2].endswith("2028-09-01  due in 2 days"))
    overdue = run("list", "--due", "--within", "1", "--project", str(project)).output.splitlines()
    assert [line.split()[0] for line in overdue] == ["SLUG", "hay-fever"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # 2026-11-26
    assert run("list", "--due", "--within", "1", "--project", str(project)).output == (
        "No leaflet is due for review in the next 1 day.\n")
    path = project / "leaflets" / "hay-fever.md"
    path.write_text(path.read_text().replace("review: 2028-06-01\n", ""))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1851552000")  # 2028-09-03: two days late
    rows = run("list", "--due", "--within", "0", "--project", str(project)).output.splitlines()
    assert [row.split()[0] for row in rows] == ["SLUG", "ankle-sprain", "hay-fever"]
    assert rows[1].endswith("overdue by 2 days") and rows[2].endswith("-           no review date set")
