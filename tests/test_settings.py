"""leafbind.toml is read and checked in one place (leafbind/settings.py), once, by every command: every
problem of the file is reported in one run, each with its line, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import snapshot

from leafbind import ProblemReport, open_project
from leafbind.settings import RULES
from publish import cli

LEAFLET = """\
---
title: Knee pain
summary: How to look after a sore knee at home.
authors: [nurse]
published: 2026-01-05
---

Rest your knee and keep it raised.
"""
AUTHORS = "nurse:\n  name: Ada Lovelace\n  bio: Ada writes the practice's leaflets.\n"
BROKEN = """\
organisation = "Riverside Health"
logo = "assets/logos/missing.svg"
accent = "#7fd1c9"
page_size = 5
base_url = "https://leaflets.example/"
layouts = ["standard", "bookelt"]

[check]
disable = ["plain-word"]
grade_error = 6
"""
EXPECTED = [
    'leafbind.toml:4: page_size: must be text (got 5)',
    'leafbind.toml:5: base_url: is not a known setting (did you mean "website"?)',
    'leafbind.toml:3: accent: With accent #7fd1c9, the contrast of heading and link text (accent) on white '
    'paper is 1.77:1; it needs at least 4.5:1 (WCAG AA). Try a darker shade, such as #2a766e. (5 more '
    'contrast checks fail too.)',
    'leafbind.toml:6: layouts: "bookelt" is not a layout (did you mean "booklet"?)',
    'leafbind.toml:9: check.disable: "plain-word" is not a rule code (did you mean "plain-words"?)',
    'leafbind.toml:10: check.grade_error: 6 is below grade_warning 8',
    'leafbind.toml:2: logo: "assets/logos/missing.svg" was not found (looked for assets/logos/missing.svg)',
]
COMMANDS = [("build",), ("check",), ("list",), ("list", "--layouts"), ("list", "--due"), ("new", "back-pain"),
            ("edition", "knee-pain", "--note", "New advice.")]


def broken_project(root: Path) -> Path:
    (root / "leaflets").mkdir(parents=True)
    (root / "leaflets" / "knee-pain.md").write_text(LEAFLET, "utf-8")
    (root / "leaflets" / "authors.yaml").write_text(AUTHORS, "utf-8")
    (root / "leafbind.toml").write_text(BROKEN, "utf-8")
    return root


def test_every_problem_of_the_file_in_one_run_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ProblemReport) as report:
        open_project(broken_project(tmp_path))
    assert [str(problem) for problem in report.value.problems] == EXPECTED


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_refuses_broken_settings_and_writes_nothing(tmp_path: Path,
                                                                  command: tuple[str, ...]) -> None:
    root = broken_project(tmp_path)
    before = snapshot(root)
    result = CliRunner().invoke(cli, [*command, "--project", str(root)])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [*EXPECTED, "7 problems found."]
    assert snapshot(root) == before


def test_the_settings_of_a_good_file_are_read_once_onto_the_project(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    (root / "assets" / "logos").mkdir(parents=True)
    (root / "assets" / "logos" / "clinic.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', "utf-8")
    (root / "leafbind.toml").write_text('logo = "assets/logos/clinic.svg"\n[check]\ndisable = ["sources"]\n',
                                        "utf-8")
    project = open_project(root)
    assert project.logo is not None and project.logo.href == "assets/logos/clinic.svg"
    assert project.config.check.disable == ["sources"] and "sources" in RULES
    assert project.settings.line("check.disable") == 3


def test_a_broken_own_layout_does_not_make_the_layouts_list_wrong_too(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    (root / "leafbind.toml").write_text('layouts = ["rack"]\n[layout.rack]\nbased_on = "booklet"\n', "utf-8")
    with pytest.raises(ProblemReport) as report:
        open_project(root)
    assert [str(problem) for problem in report.value.problems] == [
        "leafbind.toml:2: layout.rack.stylesheet: Field required"]
