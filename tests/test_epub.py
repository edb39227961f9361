"""The EPUB, opened as a reading app would: package document, navigation, metadata, stability."""

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
def calcium(built: Path) -> Epub:
    return Epub(built / "calcium-deposits" / "calcium-deposits-ed2.epub")


@pytest.fixture(scope="module")
def blood_pressure(built: Path) -> Epub:
    return Epub(built / "high-blood-pressure" / "high-blood-pressure-ed1.epub")


def test_package_metadata_comes_from_the_leaflet(calcium: Epub) -> None:
    assert calcium.opf.get("version") == "3.0"
    assert calcium.meta("dc:title") == ["Calcium deposits and calcification"]
    assert calcium.meta("dc:creator") == ["Riverside Community Health Editorial Team"]
    assert calcium.meta("dc:language") == ["en-GB"]
    assert calcium.meta("dc:description")[0].startswith("Calcium sometimes builds up")
    assert calcium.meta("dc:subject") == ["calcium", "calcification", "heterotopic ossification", "vitamin K"]
    assert calcium.meta("dc:publisher") == ["Riverside Community Health"]
    # dcterms:modified is the leaflet's `updated` date, not the time of the build.
    assert calcium.meta("opf:meta[@property='dcterms:modified']") == ["2026-09-14T00:00:00Z"]


def test_every_creator_is_listed(blood_pressure: Epub) -> None:
    assert blood_pressure.meta("dc:creator") == ["Riverside Heart Health Nursing Team",
                                                 "Riverside Community Health Editorial Team"]


def test_accessibility_metadata(blood_pressure: Epub) -> None:
    def values(prop: str) -> list[str]:
        return blood_pressure.meta(f"opf:meta[@property='schema:{prop}']")

    assert values("accessMode") == ["textual", "visual"]
    assert values("accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "table"} <= set(values("accessibilityFeature"))
    assert values("accessibilityHazard") == ["none"]
    assert values("accessibilitySummary")[0]


def test_nav_lists_every_section_the_bio_and_the_citation_page(calcium: Epub, built: Path) -> None:
    nav = calcium.read(calcium.item("nav"))
    labels = [" ".join(a.xpath("string()").split())
              for a in nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)]
    sections = ["Where calcium normally goes", "What causes calcium deposits", "Where deposits can appear",
                "How calcium deposits can affect you", "Can calcium deposits be prevented?", "When to see a doctor"]
    for label in sections + ["Sources", "About the authors", "Cite this leaflet"]:
        assert label in labels
    assert [labels.index(s) for s in sections] == sorted(labels.index(s) for s in sections)


def test_ncx_is_present_for_older_reading_apps(calcium: Epub) -> None:
    ncx_href = calcium.opf.xpath("opf:manifest/opf:item[@media-type='application/x-dtbncx+xml']/@href",
                                 namespaces=NS)[0]
    ncx = calcium.read(ncx_href)
    labels = ncx.xpath("//*[local-name()='navLabel']/*[local-name()='text']/text()")
    assert "Cite this leaflet" in labels


def test_spine_reads_cover_title_contents_leaflet_then_back_matter(calcium: Epub) -> None:
    spine = calcium.opf.xpath("opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine == ["cover", "title-page", "nav", "leaflet", "sources", "authors", "cite"]


def test_cover_is_generated_from_title_and_organisation(calcium: Epub) -> None:
    cover = " ".join(calcium.read("cover.xhtml").xpath("string(//x:body)", namespaces=NS).split())
    assert "Riverside Community Health" in cover and "Calcium deposits and calcification" in cover


def test_pages_carry_bio_and_all_citation_styles(calcium: Epub) -> None:
    bio = calcium.read("authors.xhtml").xpath("string(//x:body)", namespaces=NS)
    assert "The editorial team writes and updates" in " ".join(bio.split())
    cite = " ".join(calcium.read("cite.xhtml").xpath("string(//x:body)", namespaces=NS).split())
    for label in ("APA (7th edition)", "MLA (9th edition)", "AMA (11th edition)", "Harvard (Cite Them Right)"):
        assert label in cite


def test_images_and_fonts_are_inside_the_book(blood_pressure: Epub) -> None:
    names = blood_pressure.zip.namelist()
    assert blood_pressure.base + "assets/images/home-blood-pressure-check.svg" in names
    assert blood_pressure.base + "assets/fonts/AtkinsonHyperlegible-Regular.ttf" in names
    page = blood_pressure.read("leaflet.xhtml")
    (image,) = page.xpath("//x:img", namespaces=NS)
    assert image.get("src") == "assets/images/home-blood-pressure-check.svg" and len(image.get("alt")) > 20


def test_identifier_and_bytes_are_stable_across_builds_and_change_with_the_edition(project: Path) -> None:
    first = build(project, project / "one", slugs=("high-blood-pressure",), formats=("epub",))
    second = build(project, project / "two", slugs=("high-blood-pressure",), formats=("epub",))
    path = "high-blood-pressure/high-blood-pressure-ed1.epub"
    one, two = Epub(project / "one" / path), Epub(project / "two" / path)
    assert one.meta("dc:identifier") == two.meta("dc:identifier")
    assert one.meta("dc:identifier")[0].startswith("urn:uuid:")
    assert first.outputs[0].sha256 == second.outputs[0].sha256

    source = project / "leaflets" / "high-blood-pressure.md"
    source.write_text(source.read_text().replace("edition: 1", "edition: 2"))
    build(project, project / "three", slugs=("high-blood-pressure",), formats=("epub",))
    three = Epub(project / "three" / "high-blood-pressure/high-blood-pressure-ed2.epub")
    assert three.meta("dc:identifier") != one.meta("dc:identifier")
