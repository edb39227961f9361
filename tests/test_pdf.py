"""The PDF handout, read back with pypdf: text, order, page size, fonts, tagging and metadata.

The standard handouts of the `clinic` scenario (tests/roots/clinic), built once for the session, are checked
against what their sources say; a copy of the scenario is built for the options (page size, PDF variant)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build, pdf_pages
from pypdf import PdfReader

from leafbind import check_catalogue, open_project

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def samples(built) -> dict:
    """Each of the clinic's valid Leaflets (to know what should be printed) and its PDF path."""
    dist = built("clinic")
    leaflets = check_catalogue(open_project(dist.parent)).leaflets
    return {leaflet.slug: (leaflet, dist / leaflet.slug / f"{leaflet.slug}-ed{leaflet.edition}.pdf")
            for leaflet in leaflets}


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def test_text_holds_title_summary_and_every_section_heading_in_order(samples: dict) -> None:
    for leaflet, path in samples.values():
        text = " ".join(pdf_pages(path))
        assert leaflet.title in text
        positions = [text.find(section.title) for section in leaflet.sections]
        assert -1 not in positions, [s.title for s in leaflet.sections]
        assert positions == sorted(positions), "section headings are out of order"
        assert " ".join(leaflet.summary.split()) in text


def back_matter(path: Path) -> tuple[str, str]:
    """The citation (with about this edition) and the authors' part (with the QR link and contact box), as
    printed: since issue 13 they follow the article, on new pages only where they do not fit."""
    text = " ".join(pdf_pages(path))
    cite, authors = text.index("Cite this leaflet"), text.index("About the author")
    return text[cite:authors], text[authors:]


def test_citation_and_author_bio_come_last_after_the_sources(samples: dict) -> None:
    for leaflet, path in samples.values():
        text = " ".join(pdf_pages(path))
        assert text.index("Sources") < text.index("Cite this leaflet") < text.index("About the author")
        _, bio = back_matter(path)
        for author in leaflet.authors:
            assert author.name in bio
            assert " ".join(author.bio.split()) in bio
            assert author.credentials in bio
        assert "About the author" in pdf_pages(path)[-1]


def test_citation_page_cites_the_leaflet_in_apa_mla_ama_and_harvard(samples: dict) -> None:
    leaflet, path = samples["ankle-sprain"]
    cite, _ = back_matter(path)
    for label in ("APA (7th edition)", "MLA (9th edition)", "AMA (11th edition)",
                  "Harvard (Cite Them Right)"):
        assert label in cite
    url = "https://leaflets.millbrook-health.example/ankle-sprain/"
    assert url in cite.replace(" ", "")  # the AMA reference; lines may break inside it
    apa, mla = cite.split("APA (7th edition)")[1], cite.split("MLA (9th edition)")[1]
    assert "(2026, August 20)" in apa and "(PIL-0042; 2nd ed.)" in apa  # APA: date after author, edition
    assert "Sprained Ankle" in mla  # MLA: title case
    assert "20 Aug. 2026" in mla


def test_sources_are_listed(samples: dict) -> None:
    leaflet, path = samples["ankle-sprain"]
    text = " ".join(pdf_pages(path))
    assert "Sources" in text
    for source in leaflet.sources:
        assert source.title.split(":")[0] in text


def test_every_page_has_the_running_footer_with_edition_dates_and_page_numbers(samples: dict) -> None:
    leaflet, path = samples["ankle-sprain"]
    pages = pdf_pages(path)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "PIL-0042 · Edition 2 · Published 7 April 2025 · Updated 20 August 2026" in text
        assert "Next review 1 September 2028" in text


def test_page_size_is_a4_by_default(samples: dict) -> None:
    for _, path in samples.values():
        for page in PdfReader(path).pages:
            assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)


def test_page_size_letter_when_asked(project: Path) -> None:
    result = build(project, page_size="letter", slugs=("hay-fever",), formats=("pdf",))
    path = project / "dist" / result.outputs[0].path
    for page in PdfReader(path).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(LETTER, abs=0.5)


def test_every_font_is_embedded_and_the_shipped_typeface_is_used(samples: dict) -> None:
    for _, path in samples.values():
        names = set()
        for page in PdfReader(path).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert any(key in descriptor
                           for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
                names.add(str(font["/BaseFont"]).split("+")[-1])
        assert names <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold",
                         "Atkinson-Hyperlegible-Italic", "Atkinson-Hyperlegible-BoldItalic"}, names


def test_body_text_is_at_least_12pt(samples: dict) -> None:
    """Only the running footer and page number (in the bottom margin) may be smaller than 12 pt."""
    for _, path in samples.values():
        for page in PdfReader(path).pages:
            small = []

            def visit(text, cm, tm, font, size, small=small):
                scale = abs(tm[3] * cm[3]) or 1
                y = tm[5] * cm[3] + cm[5]
                if text.strip() and size * scale < 11.9 and y > 70:  # 24 mm bottom margin ≈ 68 pt
                    small.append((text, size * scale, y))

            page.extract_text(visitor_text=visit)
            assert small == []


def test_pdf_is_tagged_pdf_ua_with_language_and_metadata(samples: dict) -> None:
    leaflet, path = samples["hay-fever"]
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    info = reader.metadata
    assert info["/Title"] == leaflet.title
    assert all(author.name in info["/Author"] for author in leaflet.authors)
    assert info["/Subject"] == leaflet.summary
    assert info["/Keywords"] == ", ".join(leaflet.keywords)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)


def test_pdf_variant_can_be_chosen(project: Path) -> None:
    result = build(project, slugs=("hay-fever",), formats=("pdf",), variant="pdf/a-2a")
    reader = PdfReader(project / "dist" / result.outputs[0].path)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfaid:conformance[^A-Z]*A", xmp)


def test_images_and_tables_reach_the_pdf(samples: dict) -> None:
    leaflet, path = samples["hay-fever"]
    text = " ".join(pdf_pages(path))
    assert "What it means" in text  # the table's header row
    reader = PdfReader(path)
    assert any("/XObject" in page["/Resources"] for page in reader.pages)  # the illustration
