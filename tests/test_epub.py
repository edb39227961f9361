"""The EPUB, opened as a reading app would: package document, navigation, metadata, stability.

The EPUBs of the `clinic` scenario (tests/roots/clinic), built once for the session: ankle-sprain (edition 2,
one author, keywords and sources) and hay-fever (two authors, an image and a table)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import build
from lxml import etree

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


def test_every_creator_is_listed(hay_fever: Epub) -> None:
    assert hay_fever.meta("dc:creator") == ["Millbrook Practice Nursing Team",
                                            "Millbrook Health Centre Editorial Team"]


def test_accessibility_metadata(hay_fever: Epub) -> None:
    def values(prop: str) -> list[str]:
        return hay_fever.meta(f"opf:meta[@property='schema:{prop}']")

    assert values("accessMode") == ["textual", "visual"]
    assert values("accessModeSufficient") == ["textual"]
    assert ({"structuralNavigation", "tableOfContents", "alternativeText", "table"}
            <= set(values("accessibilityFeature")))
    assert values("accessibilityHazard") == ["none"]
    assert values("accessibilitySummary")[0]


def test_nav_lists_every_section_the_bio_and_the_citation_page(ankle: Epub) -> None:
    nav = ankle.read(ankle.item("nav"))
    labels = [" ".join(a.xpath("string()").split())
              for a in nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    sections = ["How to tell it is a sprain", "Looking after your ankle at home", "Getting moving again",
                "When to get help"]
    for label in sections + ["Sources", "About the authors", "Cite this leaflet"]:
        assert label in labels
    assert [labels.index(s) for s in sections] == sorted(labels.index(s) for s in sections)


def test_ncx_is_present_for_older_reading_apps(ankle: Epub) -> None:
    ncx_href = ankle.opf.xpath("opf:manifest/opf:item[@media-type='application/x-dtbncx+xml']/@href",
                                 namespaces=NS)[0]
    ncx = ankle.read(ncx_href)
    labels = ncx.xpath("//*[local-name()='navLabel']/*[local-name()='text']/text()")
    assert "Cite this leaflet" in labels


def test_spine_reads_cover_title_contents_leaflet_then_back_matter(ankle: Epub) -> None:
    spine = ankle.opf.xpath("opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine == ["cover", "title-page", "nav", "leaflet", "sources", "authors", "cite"]


def test_cover_is_generated_from_title_and_organisation(ankle: Epub) -> None:
    cover = " ".join(ankle.read("cover.xhtml").xpath("string(//x:body)", namespaces=NS).split())
    assert "Millbrook Health Centre" in cover and "Sprained ankle" in cover


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
