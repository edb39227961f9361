"""The EPUB, opened as a reading app would: package document, navigation, metadata, stability.

The EPUBs of the `clinic` scenario (tests/roots/clinic), built once for the session: ankle-sprain (edition 2,
one author, keywords and sources) and hay-fever (two authors, an image and a table)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from conftest import build, edit
from lxml import etree
from PIL import Image

from leafbind.cover import CoverError, CoverText, draw_cover

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "c": "urn:oasis:names:tc:opendocument:xmlns:container", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops"}


class Epub:
    """An EPUB's package document and files, found through META-INF/container.xml as the spec says."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]
        self.base = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def meta(self, xpath: str) -> list[str]:
        return [node.text for node in self.opf.xpath(f"opf:metadata/{xpath}", namespaces=NS)]

    def read(self, href: str) -> etree._Element:
        return etree.fromstring(self.zip.read(self.base + href))

    def item(self, properties: str) -> str:
        return self.opf.xpath(f"opf:manifest/opf:item[@properties='{properties}']/@href", namespaces=NS)[0]

    def text(self, href: str) -> str:
        return " ".join(self.read(href).xpath("string(//x:body)", namespaces=NS).split())


@pytest.fixture(scope="module")
def ankle(built) -> Epub:
    return Epub(built("clinic") / "ankle-sprain" / "ankle-sprain-ed2.epub")


@pytest.fixture(scope="module")
def hay_fever(built) -> Epub:
    return Epub(built("clinic") / "hay-fever" / "hay-fever-ed1.epub")


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def test_package_metadata_comes_from_the_leaflet(ankle: Epub) -> None:
    assert ankle.opf.get("version") == "3.0"
    assert ankle.meta("dc:title") == ["Sprained ankle"]
    assert ankle.meta("dc:creator") == ["Millbrook Health Centre Editorial Team"]
    assert ankle.meta("dc:language") == ["en-GB"]
    assert ankle.meta("dc:description")[0].startswith("How to look after a sprained ankle at home")
    assert ankle.meta("dc:subject") == ["ankle", "sprain", "first aid"]
    assert ankle.meta("dc:publisher") == ["Millbrook Health Centre"]
    # dcterms:modified is the leaflet's `updated` date, not the time of the build.
    assert ankle.meta("opf:meta[@property='dcterms:modified']") == ["2026-08-20T00:00:00Z"]
    # the package's own language too (DAISY Ace requires it beside dc:language)
    assert ankle.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"


def test_every_creator_is_listed(hay_fever: Epub) -> None:
    assert hay_fever.meta("dc:creator") == ["Millbrook Practice Nursing Team",
                                            "Millbrook Health Centre Editorial Team"]


# schema:accessibilityFeature's vocabulary (W3C, Schema.org Accessibility Properties for Discoverability):
# the terms an e-book of leafbind's could claim
FEATURES = {"alternativeText", "displayTransformability", "index", "longDescription", "pageBreakMarkers",
            "pageNavigation", "readingOrder", "structuralNavigation", "tableOfContents", "MathML"}
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def test_accessibility_metadata(hay_fever: Epub) -> None:
    def values(prop: str) -> list[str]:
        return hay_fever.meta(f"opf:meta[@property='{prop}']")

    assert values("schema:accessMode") == ["textual", "visual"]
    assert values("schema:accessModeSufficient") == ["textual"]
    features = values("schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(features) <= FEATURES
    assert values("schema:accessibilityHazard") == ["none"]
    assert values("schema:accessibilitySummary")[0]
    # a claim tests/test_ace.py backs: DAISY Ace reports nothing in these e-books
    assert values("dcterms:conformsTo") == [CONFORMANCE]
    assert values("a11y:certifiedBy") == ["Millbrook Health Centre"]


def test_without_an_organisation_leafbind_certifies_the_claim(built) -> None:
    book = Epub(built("minimal") / "hand-washing" / "hand-washing-ed1.epub")
    assert book.meta("opf:meta[@property='a11y:certifiedBy']") == ["leafbind"]
    assert book.meta("opf:meta[@property='dcterms:conformsTo']") == [CONFORMANCE]


def test_structural_semantics_carry_their_aria_roles(hay_fever: Epub) -> None:
    """Each epub:type with a DPUB-ARIA counterpart has that role too, as assistive technology reads roles."""
    roles = {"appendix": "doc-appendix", "bibliography": "doc-bibliography", "cover": "doc-cover"}
    found = []
    for href in hay_fever.opf.xpath("opf:manifest/opf:item[@media-type='application/xhtml+xml']/@href",
                                    namespaces=NS):
        for element in hay_fever.read(href).xpath("//x:body//*[@epub:type]", namespaces=NS):
            kind = element.get(f"{{{NS['epub']}}}type")
            found.append(kind)
            if kind in roles and kind != "cover":
                assert element.get("role") == roles[kind], (href, kind)
    assert {"appendix", "bibliography"} <= set(found)
    cover = hay_fever.read("cover.xhtml").xpath("//x:img", namespaces=NS)
    assert [image.get("role") for image in cover] == ["doc-cover"]


def test_nav_lists_every_section_the_bio_and_the_citation_page(ankle: Epub) -> None:
    nav = ankle.read(ankle.item("nav"))
    labels = [" ".join(a.xpath("string()").split())
              for a in nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    sections = ["How to tell it is a sprain", "Looking after your ankle at home", "Getting moving again",
                "When to get help"]
    for label in sections + ["Sources", "About the author", "Cite this leaflet"]:
        assert label in labels
    assert [labels.index(s) for s in sections] == sorted(labels.index(s) for s in sections)


def test_nav_is_headed_contents_with_its_landmarks_and_page_list_hidden(ankle: Epub) -> None:
    nav = ankle.read(ankle.item("nav"))
    assert nav.xpath("string(//x:head/x:title)", namespaces=NS) == "Contents"
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    assert toc.xpath("string(x:h2)", namespaces=NS) == "Contents" and toc.get("hidden") is None
    (landmarks,) = nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    assert landmarks.get("hidden") == "hidden"
    links = landmarks.xpath(".//x:a", namespaces=NS)
    assert [(a.get(f"{{{NS['epub']}}}type"), a.get("href")) for a in links] == [
        ("cover", "cover.xhtml"), ("toc", "nav.xhtml"), ("bodymatter", "leaflet.xhtml")]
    # one page list, the printed handout's (tests/test_pagelist.py), hidden like the landmarks
    (pages,) = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert pages.get("hidden") == "hidden" and pages.xpath(".//x:a", namespaces=NS)
    assert [a.get("href") for a in nav.xpath("//x:head/x:link", namespaces=NS)] == ["leaflet.css"]


def test_author_page_heading_follows_the_number_of_authors(ankle: Epub, hay_fever: Epub) -> None:
    for book, heading in ((ankle, "About the author"), (hay_fever, "About the authors")):
        page = book.read("authors.xhtml")
        assert page.xpath("string(//x:head/x:title)", namespaces=NS) == heading
        assert page.xpath("string(//x:h2)", namespaces=NS) == heading
        nav = book.read(book.item("nav"))
        assert nav.xpath("string(//x:a[@href='authors.xhtml'])", namespaces=NS) == heading


def test_ncx_is_present_for_older_reading_apps(ankle: Epub) -> None:
    ncx_href = ankle.opf.xpath("opf:manifest/opf:item[@media-type='application/x-dtbncx+xml']/@href",
                                 namespaces=NS)[0]
    ncx = ankle.read(ncx_href)
    labels = ncx.xpath("//*[local-name()='navLabel']/*[local-name()='text']/text()")
    assert "Cite this leaflet" in labels


def test_spine_reads_cover_title_contents_leaflet_then_back_matter(ankle: Epub) -> None:
    spine = ankle.opf.xpath("opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine == ["cover", "title-page", "nav", "leaflet", "sources", "authors", "cite"]


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append(kind.decode())
        at += 12 + length
    return chunks


def test_cover_picture_is_the_cover_image_and_the_cover_page_shows_it(ankle: Epub) -> None:
    href = ankle.item("cover-image")
    (item,) = ankle.opf.xpath("opf:manifest/opf:item[@properties='cover-image']", namespaces=NS)
    assert item.get("media-type") == "image/png"
    # EPUB 2's way, which some reading apps still use for the thumbnail
    assert ankle.opf.xpath("opf:metadata/opf:meta[@name='cover']/@content", namespaces=NS) == [item.get("id")]
    data = ankle.zip.read(ankle.base + href)
    # nothing but the picture: no time, text or resolution chunks
    assert sorted(set(png_chunks(data))) == ["IDAT", "IEND", "IHDR"]
    picture = Image.open(io.BytesIO(data))
    assert picture.size == (1200, 1800) and picture.mode == "RGB"
    accent = (0x1D, 0x5C, 0x8C)  # the clinic's accent: the band at the top, the strip at the foot
    assert picture.getpixel((5, 5)) == accent and picture.getpixel((600, 1795)) == accent
    assert picture.getpixel((5, 1000)) == (255, 255, 255)

    (image,) = ankle.read("cover.xhtml").xpath("//x:img", namespaces=NS)
    assert image.get("src") == href
    assert image.get("alt") == ("Millbrook Health Centre. Patient information: Sprained ankle. "
                                "Edition 2, PIL-0042.")


def built_cover(project: Path, out: str) -> bytes:
    """The cover picture of ankle-sprain's e-book, built into `out`."""
    build(project, project / out, slugs=("ankle-sprain",), formats=("epub",))
    book = Epub(project / out / "ankle-sprain" / "ankle-sprain-ed2.epub")
    return book.zip.read(book.base + book.item("cover-image"))


def test_cover_picture_follows_the_title_and_accent_and_is_the_same_when_built_twice(project: Path) -> None:
    first, second = built_cover(project, "one"), built_cover(project, "two")
    assert first == second
    edit(project / "leafbind.toml", 'accent = "#1d5c8c"', 'accent = "#7a2e0e"')
    recoloured = built_cover(project, "three")
    assert Image.open(io.BytesIO(recoloured)).getpixel((5, 5)) == (0x7A, 0x2E, 0x0E)
    edit(project / "leaflets" / "ankle-sprain.md", "title: Sprained ankle", "title: A sprained ankle")
    retitled = built_cover(project, "four")
    assert len({first, recoloured, retitled}) == 3


def test_invisible_characters_in_the_title_are_not_drawn_on_the_cover(project: Path) -> None:
    plain = built_cover(project, "plain")
    # a soft hyphen and a zero-width space, as pasted from a word processor
    source = project / "leaflets" / "ankle-sprain.md"
    edit(source, "title: Sprained ankle", "title: Sprain\u00aded ankle\u200b")
    assert built_cover(project, "pasted") == plain


def test_a_letter_the_bundled_fonts_lack_stops_the_e_book_with_a_message(project: Path) -> None:
    edit(project / "leaflets" / "ankle-sprain.md", "title: Sprained ankle", "title: Sprained ankle Ж")
    result = build(project, formats=("epub",), slugs=("ankle-sprain",))
    assert result.failed == ("ankle-sprain",)
    # font-coverage finds it before the cover is drawn; the cover would refuse it too (cover.CoverError)
    assert any("font-coverage" in str(p) and '"Ж" (U+0416' in str(p) for p in result.problems), \
        [str(p) for p in result.problems]
    with pytest.raises(CoverError, match=r'no letter "Ж" \(U\+0416\)'):
        draw_cover(CoverText("Ж", "", "Edition 1", "#1f5f8b", "#1a1a1a", "#ffffff"))


def test_symbols_on_the_cover_come_from_the_bundled_symbols_font() -> None:
    cover = draw_cover(CoverText("Blood pressure ≥ 140 → see a nurse", "Clinic", "Edition 1", "#1f5f8b",
                                 "#1a1a1a", "#ffffff"))
    assert cover.startswith(b"\x89PNG")


def test_pages_carry_bio_and_all_citation_styles(ankle: Epub) -> None:
    bio = ankle.read("authors.xhtml").xpath("string(//x:body)", namespaces=NS)
    assert ("The editorial team writes and checks every Millbrook Health Centre leaflet."
            in " ".join(bio.split()))
    cite = " ".join(ankle.read("cite.xhtml").xpath("string(//x:body)", namespaces=NS).split())
    for label in ("APA (7th edition)", "MLA (9th edition)", "AMA (11th edition)",
                  "Harvard (Cite Them Right)"):
        assert label in cite


def test_images_and_fonts_are_inside_the_book(hay_fever: Epub) -> None:
    names = hay_fever.zip.namelist()
    assert hay_fever.base + "assets/images/pollen-outdoors.svg" in names
    assert hay_fever.base + "assets/fonts/AtkinsonHyperlegible-Regular.ttf" in names
    page = hay_fever.read("leaflet.xhtml")
    (image,) = page.xpath("//x:img", namespaces=NS)
    assert image.get("src") == "assets/images/pollen-outdoors.svg" and len(image.get("alt")) > 20


def test_identifier_and_bytes_are_stable_across_builds_and_change_with_the_edition(project: Path) -> None:
    first = build(project, project / "one", slugs=("hay-fever",), formats=("epub",))
    second = build(project, project / "two", slugs=("hay-fever",), formats=("epub",))
    path = "hay-fever/hay-fever-ed1.epub"
    one, two = Epub(project / "one" / path), Epub(project / "two" / path)
    assert one.meta("dc:identifier") == two.meta("dc:identifier")
    assert one.meta("dc:identifier")[0].startswith("urn:uuid:")
    assert first.outputs[0].sha256 == second.outputs[0].sha256

    source = project / "leaflets" / "hay-fever.md"
    source.write_text(source.read_text().replace("id: PIL-0107", "edition: 2\nid: PIL-0107"))
    build(project, project / "three", slugs=("hay-fever",), formats=("epub",))
    three = Epub(project / "three" / "hay-fever/hay-fever-ed2.epub")
    assert three.meta("dc:identifier") != one.meta("dc:identifier")
