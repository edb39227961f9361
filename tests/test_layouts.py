"""Layouts: a project's own templates override the built-in ones, and every layout stays safe.

Each test changes a copy of the `clinic` scenario (tests/roots/clinic), which already restyles print.css."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, pdf_pages, snapshot
from pypdf import PdfReader


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_project_template_overrides_and_extends_the_builtin_one(project: Path) -> None:
    write(project / "layouts" / "partials" / "masthead.html.jinja",
          '{% include "base/partials/masthead.html.jinja" %}\n<p>Northside branch: call 0100 000 000</p>\n')
    result = build(project, slugs=("hay-fever",))
    assert result.problems == ()
    first_page = pdf_pages(project / "dist" / "hay-fever" / "hay-fever-ed1.pdf")[0]
    assert "Millbrook Health Centre" in first_page and "Northside branch: call 0100 000 000" in first_page


def test_project_stylesheet_can_extend_the_builtin_one(project: Path) -> None:
    write(project / "layouts" / "print.css", '{% include "base/print.css" %}\n@page { size: A5; }\n')
    result = build(project, slugs=("hay-fever",), formats=("pdf",))
    page = PdfReader(project / "dist" / result.outputs[0].path).pages[0]
    assert round(float(page.mediabox.width)) == 420  # A5, so the override was applied …
    fonts = [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert any("Atkinson" in name for name in fonts)  # … and the built-in fonts were kept


def test_misspelt_variable_in_a_layout_fails_the_leaflet_with_the_template_line(project: Path) -> None:
    write(project / "layouts" / "partials" / "cite.html.jinja",
          "<h2>Cite</h2>\n{{ context.leaflet.titel }}\n")
    result = build(project, slugs=("hay-fever",))
    assert result.failed == ("hay-fever",)
    (problem,) = result.problems
    assert "layouts/partials/cite.html.jinja:2" in str(problem) and "titel" in str(problem)
    assert not (project / "dist").exists()


def test_text_from_a_leaflet_is_escaped_not_interpreted(project: Path) -> None:
    path = project / "leaflets" / "hay-fever.md"
    path.write_text(path.read_text().replace("title: Living with hay fever",
                                             'title: "Hay fever <b>&</b> you"'))
    build(project, slugs=("hay-fever",), formats=("pdf",))
    text = pdf_pages(project / "dist" / "hay-fever" / "hay-fever-ed1.pdf")[0]
    assert "Hay fever <b>&</b> you" in text


def test_layout_cannot_read_files_outside_the_project(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    write(project / "layouts" / "partials" / "masthead.html.jinja",
          f'<img src="{secret.as_uri()}" alt="x">\n<img src="https://tracker.example/pixel.png" alt="y">\n')
    before = snapshot(project / "dist")
    result = build(project, slugs=("hay-fever",), formats=("pdf",))
    assert result.failed == ("hay-fever",)
    messages = "\n".join(str(problem) for problem in result.problems)
    assert "outside the project are never read" in messages and "never fetches from the network" in messages
    assert snapshot(project / "dist") == before


def test_leaflet_image_outside_the_project_is_refused(project: Path) -> None:
    path = project / "leaflets" / "hay-fever.md"
    text = path.read_text().replace("../assets/images/pollen-outdoors.svg", "../../outside.svg")
    path.write_text(text)
    (project.parent / "outside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    result = build(project, slugs=("hay-fever",))
    assert result.failed == ("hay-fever",)
    assert 'image "../../outside.svg" points outside the project' in str(result.problems[0])
