"""Linked translations (issue 15, part 1): leaflets/<slug>.<lang>.md says which leaflet and edition it was
translated from, who translated it and who checked it; its outputs sit beside its leaflet's; `publish check`
warns when the leaflet has moved on (`translation-outdated`), and `publish list --translations` shows it.

The translation is tests/translations/hay-fever.pl.md (Polish, written for these tests), added with its
translators to a copy of the `clinic` scenario.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_accessible, build, edit, line_of
from lxml import html as lxml_html

from leafbind import new_edition, open_project
from publish import cli

HERE = Path(__file__).resolve().parent / "translations"
SOURCE, TRANSLATION = "hay-fever", "hay-fever.pl"


@pytest.fixture
def project(scenario) -> Path:
    root = scenario("clinic", layouts=("standard",))
    shutil.copy(HERE / f"{TRANSLATION}.md", root / "leaflets")
    with (root / "leaflets" / "authors.yaml").open("a", encoding="utf-8") as authors:
        authors.write((HERE / "translators.yaml").read_text(encoding="utf-8"))
    return root


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def test_a_translation_builds_beside_its_leaflet_with_its_language_in_the_names(project: Path) -> None:
    result = build(project)
    assert result.problems == () and TRANSLATION in result.built
    folder = project / "dist" / SOURCE
    assert {path.name for path in folder.iterdir()} >= {
        f"{SOURCE}-ed1.pdf", f"{SOURCE}-ed1.epub", f"{TRANSLATION}-ed1.pdf", f"{TRANSLATION}-ed1.epub"}
    assert not (project / "dist" / TRANSLATION).exists()
    manifest = json.loads((project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(one for one in manifest["leaflets"] if one["slug"] == TRANSLATION)
    current = entry["editions"][0]
    assert (current["language"], current["code"]) == ("pl", "PIL-0107")  # the leaflet's code, shared
    page = lxml_html.fromstring((project / "dist" / "site" / TRANSLATION / "index.html").read_bytes())
    assert (page.get("lang"), page.findtext(".//h1")) == ("pl", "Życie z katarem siennym")


def test_the_translation_s_e_book_is_accessible_in_its_language(project: Path, tmp_path: Path) -> None:
    build(project)
    book = project / "dist" / SOURCE / f"{TRANSLATION}-ed1.epub"
    with zipfile.ZipFile(book) as epub:
        package = next(name for name in epub.namelist() if name.endswith(".opf"))
        assert b"<dc:language>pl</dc:language>" in epub.read(package)
    assert_accessible([book], tmp_path / "ace")


def test_a_new_edition_of_the_leaflet_makes_its_translations_out_of_date(project: Path) -> None:
    check = run("check", "--project", str(project))
    assert check.exit_code == 0 and "translation-outdated" not in check.output
    new_edition(open_project(project), SOURCE, "New advice on nose sprays")

    check = run("check", "--project", str(project))
    line = line_of(project / "leaflets" / f"{TRANSLATION}.md", "source_edition:")
    assert (f"leaflets/{TRANSLATION}.md:{line}: translation-outdated: warning: translated from edition 1 of "
            f"{SOURCE}, which is now at edition 2") in check.output
    assert check.exit_code == 0  # a warning: the Polish leaflet still builds, until --strict

    listing = run("list", "--translations", "--project", str(project))
    assert listing.exit_code == 0
    rows = {tuple(line.split()[:3]): line for line in listing.output.splitlines()[1:]}
    assert "out of date: the leaflet is at edition 2" in rows[(SOURCE, "pl", TRANSLATION)]
    assert "source" in rows[(SOURCE, "en-GB", SOURCE)]

    edit(project / "leaflets" / f"{TRANSLATION}.md", "source_edition: 1", "source_edition: 2")
    assert "translation-outdated" not in run("check", "--project", str(project)).output
    listing = run("list", "--translations", "--project", str(project)).output
    assert "current" in next(line for line in listing.splitlines() if TRANSLATION in line)


@pytest.mark.parametrize("old, new, expected, at", [
    ("checked_by:\n  - reviewer-pl\n", "",
     "checked_by: a translation needs checked_by: who checked the translation", "translation_of:"),
    ("checked_by:\n  - reviewer-pl\n", "checked_by:\n  - translator-pl\n",
     "checked_by: translator-pl also translated it: a translation is checked by someone else", "checked_by:"),
    ("  - reviewer-pl\n", "  - reviewer-pol\n",
     'checked_by: "reviewer-pol" is not an author in leaflets/authors.yaml (did you mean "reviewer-pl"?)',
     "reviewer-pol"),
    ("source_edition: 1\n", "", "source_edition: a translation needs source_edition", "translation_of:"),
    ("translation_of: hay-fever", "translation_of: hayfever",
     'translation_of: "hayfever" is not the leaflet the file name gives ("hay-fever")', "translation_of:"),
    ("lang: pl", "lang: es", 'lang: "es" is not the language of the file name ("pl")', "lang:"),
])
def test_a_translation_says_what_it_follows_and_who_checked_it(project: Path, old: str, new: str,
                                                                expected: str, at: str) -> None:
    source = project / "leaflets" / f"{TRANSLATION}.md"
    edit(source, old, new)
    check = run("check", "--project", str(project))
    assert check.exit_code == 1
    line = line_of(source, at)
    assert f"leaflets/{TRANSLATION}.md:{line}: {expected}" in check.output, check.output


def test_a_translation_of_no_leaflet_and_translation_keys_on_a_leaflet_are_errors(project: Path) -> None:
    leaflets = project / "leaflets"
    (leaflets / f"{TRANSLATION}.md").rename(leaflets / "hay-feverish.pl.md")
    edit(leaflets / "hay-feverish.pl.md", "translation_of: hay-fever", "translation_of: hay-feverish")
    edit(leaflets / "hay-feverish.pl.md", "id: PIL-0107", "id: PIL-0999")
    edit(leaflets / "ankle-sprain.md", "lang: en-GB", "lang: en-GB\nsource_edition: 1")
    check = run("check", "--project", str(project))
    assert check.exit_code == 1
    line = line_of(leaflets / "hay-feverish.pl.md", "translation_of:")
    assert (f'leaflets/hay-feverish.pl.md:{line}: translation_of: there is no leaflet "hay-feverish" to '
            "translate (no leaflets/hay-feverish.md)") in check.output
    line = line_of(leaflets / "ankle-sprain.md", "source_edition:")
    assert (f"leaflets/ankle-sprain.md:{line}: source_edition: only a translation has source_edition: name "
            "its file after the leaflet and the language, e.g. ankle-sprain.en-gb.md") in check.output


def test_only_a_leaflet_and_its_translations_share_an_id(project: Path) -> None:
    assert "is also the id of" not in run("check", "--project", str(project)).output  # hay-fever and its .pl
    edit(project / "leaflets" / "ankle-sprain.md", "id: PIL-0042", "id: PIL-0107")
    check = run("check", "--project", str(project))
    assert check.exit_code == 1
    for name in (f"{SOURCE}.md", f"{TRANSLATION}.md"):  # ankle-sprain comes first and keeps the id
        line = line_of(project / "leaflets" / name, "id: PIL-0107")
        assert (f'leaflets/{name}:{line}: id: "PIL-0107" is also the id of leaflets/ankle-sprain.md'
                in check.output), check.output
