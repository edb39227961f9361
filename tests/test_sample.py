"""The README's sample project (leaflets/, assets/ and leafbind.toml at the top of the repository) is what a
new user builds first and what a clinic copies: it must build with every layout and the EPUB, and stay fit
for patients. This is the one test that builds it; every other test builds a scenario of tests/roots/."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, assert_accessible, build, page_fills

from publish import cli


def test_the_readme_sample_builds_every_layout_and_passes_every_check_strictly(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "leaflets", root / "leaflets")
    for folder in ("images", "logos"):  # the fonts and layouts are leafbind's own, as for a clinic
        shutil.copytree(REPO / "assets" / folder, root / "assets" / folder)
    shutil.copy(REPO / "leafbind.toml", root / "leafbind.toml")
    layouts = tomllib.loads((root / "leafbind.toml").read_text(encoding="utf-8"))["layouts"]
    # the README shows every product
    assert sorted(layouts) == ["booklet", "large-print", "press", "standard"]

    result = build(root)  # EPUBCheck and the active-content checks run on every output

    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    assert result.warnings == (), [str(finding) for finding in result.warnings]  # text-layer's too
    slugs = sorted(path.stem for path in (root / "leaflets").rglob("*.md"))
    assert sorted(result.built) == slugs
    assert {(output.slug, output.layout) for output in result.outputs if output.format == "pdf"} == {
        (slug, layout) for slug in slugs for layout in layouts}
    assert sorted(output.slug for output in result.outputs if output.format == "epub") == slugs
    assert_accessible([root / "dist" / output.path for output in result.outputs if output.format == "epub"],
                      tmp_path / "ace")  # DAISY Ace (tests/test_ace.py)
    # the back matter follows the article (issue 13): no page of a handout but the last is half empty
    handouts = [root / "dist" / output.path for output in result.outputs if output.layout == "standard"]
    assert len(handouts) == len(slugs)
    assert [(path.name, number) for path in handouts
            for number, fill in enumerate(page_fills(path)[:-1], start=1) if fill < 0.5] == []

    check = CliRunner().invoke(cli, ["check", "--strict", "--project", str(root)])
    assert check.exit_code == 0, check.output
    assert check.output.splitlines()[-1] == f"{len(slugs)} leaflets checked: no problems."
