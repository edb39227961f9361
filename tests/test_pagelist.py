"""The e-book's page list follows the printed handout: a clinician holding the standard PDF says "see page 2",
and a reader of the EPUB finds that place. Each page-break marker must stand where the page of the standard
PDF begins (checked against the PDF's own text), on the paper the build used."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import build, edit, pdf_pages
from lxml import etree

from leafbind.epub import mark_printed_pages
from leafbind.render import BODY, BlockRef, EpubPage, PageStart

SCENARIOS = ("minimal", "every-key", "clinic", "editions", "quality")
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"


def words(text: str) -> str:
    """Text as the tests compare it: a line-end hyphen joined, white space folded, case folded (a layout may
    print a line in capitals)."""
    return " ".join(re.sub(r"-\n", "", text).split()).casefold()


def page_list(book: Path) -> list[tuple[str, str]]:
    """(label, href) of each entry of the navigation document's page list."""
    with zipfile.ZipFile(book) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    lists = [n for n in nav.iter(f"{XHTML}nav") if n.get(f"{EPUB_NS}type") == "page-list"]
    assert len(lists) == 1, "one page list"
    assert lists[0].get("hidden") is not None  # reading apps offer it as "go to page", not as a visible list
    return [(a.text, a.get("href")) for a in lists[0].iter(f"{XHTML}a")]


def text_after_marker(book: Path, href: str) -> str:
    """The first words the reader meets after the page-break marker `href` points at."""
    name, marker_id = href.split("#")
    with zipfile.ZipFile(book) as archive:
        page = etree.fromstring(archive.read(f"EPUB/{name}"))
    (marker,) = page.xpath("//*[@id=$id]", id=marker_id)
    assert marker.get(f"{EPUB_NS}type") == "pagebreak" and marker.get("role") == "doc-pagebreak"
    assert len(marker) == 0 and not (marker.text or "").strip()  # empty: a label, not text to read
    following = "".join(marker.xpath("following::text()"))
    return " ".join(following.split()[:3]).casefold()


def package_metadata(book: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(book) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    return [(meta.get("property"), meta.text) for meta in opf.iter(f"{OPF}meta") if meta.get("property")]


def check_book_follows_handout(book: Path, handout: Path) -> None:
    printed = [words(page) for page in pdf_pages(handout)]
    entries = page_list(book)
    assert [label for label, _ in entries] == [str(number) for number in range(1, len(printed) + 1)]
    for label, href in entries:
        start = text_after_marker(book, href)
        assert start and start in printed[int(label) - 1], (label, start)


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_page_of_the_standard_handout_is_marked_where_it_begins(built, name: str) -> None:
    dist = built(name)
    books = sorted(dist.rglob("*.epub"))
    assert books
    for book in books:
        handout = book.with_suffix(".pdf")  # <slug>-ed<N>.pdf, the standard handout
        check_book_follows_handout(book, handout)
        metadata = package_metadata(book)
        assert ("schema:accessibilityFeature", "pageBreakMarkers") in metadata
        assert ("schema:accessibilityFeature", "pageNavigation") in metadata
        (source,) = [value for prop, value in metadata if prop == "pageBreakSource"]
        assert "printed handout on A4 paper" in source


def test_a_page_that_begins_inside_a_paragraph_is_marked_before_its_first_word(scenario) -> None:
    root = scenario("quality")
    long_paragraph = " ".join(
        f"On day {day} of the exercises, bend and straighten your knee slowly ten times, then rest it on a "
        "cushion for a few minutes before you stand." for day in range(1, 40))
    edit(root / "leaflets" / "knee-pain.md", "Wrap the ice pack in a towel first.\n",
         f"Wrap the ice pack in a towel first.\n\n{long_paragraph}\n")
    result = build(root, slugs=("knee-pain",), lint=False)
    assert result.problems == ()
    book = root / "dist" / "knee-pain" / "knee-pain-ed1.epub"
    check_book_follows_handout(book, book.with_suffix(".pdf"))
    with zipfile.ZipFile(book) as archive:
        body = etree.fromstring(archive.read("EPUB/leaflet.xhtml"))
    inside = [marker for marker in body.iter(f"{XHTML}span") if marker.get("role") == "doc-pagebreak"
              and marker.getparent().tag == f"{XHTML}p"]
    assert inside, "the long paragraph runs over a page: its marker stands inside it"


def test_the_page_list_follows_the_paper_the_handout_is_printed_on(scenario) -> None:
    root = scenario("quality")
    build(root, formats=("epub",), page_size="letter")  # no PDF asked for: the handout is laid out anyway
    book = root / "dist" / "knee-pain" / "knee-pain-ed1.epub"
    (source,) = [value for prop, value in package_metadata(book) if prop == "pageBreakSource"]
    assert "printed handout on Letter paper" in source
    result = build(root, formats=("epub",), page_size="a4")
    assert sorted(result.built) == ["knee-pain", "sore-throat"]  # another paper, other page numbers


def epub_page(html: str) -> EpubPage:
    return EpubPage("leaflet.xhtml", "Knee pain", "bodymatter", html, BODY)


def test_a_page_is_found_by_its_text_and_marked_before_the_word_it_begins_with() -> None:
    page = epub_page("<html><body><h1>Knee pain</h1><p>Rest your knee. Raise it on a cushion when you sit."
                     "</p><ul><li>Ice it</li></ul></body></html>")
    starts = (PageStart(1, (BlockRef("Northfield Joint Clinic", False), BlockRef("Knee pain", True))),
              PageStart(2, (BlockRef("Rest your knee. Raise it on a cushion when you sit.", False),),
                        words="Raise it on a", skipped=15),
              PageStart(3, (BlockRef("Ice it", False),)),
              PageStart(4, (BlockRef("Printed only", False),)))  # nothing the e-book has: no entry
    (marked,), entries = mark_printed_pages((page,), starts)
    assert entries == [(1, "leaflet.xhtml#printed-page-1"), (2, "leaflet.xhtml#printed-page-2"),
                       (3, "leaflet.xhtml#printed-page-3")]
    html = re.sub(r'<span id="printed-page-(\d)"[^>]*></span>', r"[\1]", marked.html)
    assert "[1]<h1>Knee pain</h1>" in html  # before a heading, not inside it: the heading keeps its name
    assert "<p>Rest your knee. [2]Raise it on a cushion" in html
    assert "<li>[3]Ice it</li>" in html  # inside a list item: a list holds only items


def test_a_marker_id_never_repeats_an_id_the_book_has() -> None:
    page = epub_page('<html><body><h2 id="printed-page-1">Printed page 1</h2><p>Text.</p></body></html>')
    (marked,), entries = mark_printed_pages((page,), (PageStart(1, (BlockRef("Text.", False),)),))
    assert entries == [(1, "leaflet.xhtml#printed-page-1-2")]
    assert marked.html.count('id="printed-page-1"') == 1
