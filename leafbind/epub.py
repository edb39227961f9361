"""RenderedLeaflet → EPUB 3 bytes via ebooklib: a cover picture, accessible metadata, nav + NCX, and a
deterministic zip."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import replace
from datetime import datetime

import lxml.html
from ebooklib import epub
from lxml import etree

from .assets import asset_bytes
from .cover import BUNDLED_LATIN, CoverError, CoverText, draw_cover
from .errors import LeafbindError
from .fonts import LANGUAGE_FONTS
from .layouts import PAPER
from .render import (
    BACK,
    COVER_IMAGE,
    FRONT,
    HEADINGS,
    TEXT_BLOCKS,
    BlockRef,
    EpubPage,
    PageStart,
    RenderedLeaflet,
    fold,
)

STYLESHEET = "leaflet.css"
# EPUB Accessibility 1.1 §3: what the e-book conforms to. tests/test_ace.py runs DAISY Ace on the e-books of
# the scenarios and fails on any violation it reports, so the claim is checked, not just made.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML, OPS = "http://www.w3.org/1999/xhtml", "http://www.idpf.org/2007/ops"


def identifier(rendered: RenderedLeaflet) -> str:
    """A UUID that stays the same for the same publisher, slug and edition (RFC 4122 name-based, v5)."""
    publisher = rendered.url and rendered.url.rsplit("/", 2)[0] or rendered.organisation or "leafbind"
    name = f"{publisher}/{rendered.leaflet.slug}/edition-{rendered.leaflet.edition}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def make_epub(rendered: RenderedLeaflet, printed_pages: tuple[PageStart, ...] = (),
              paper: str = "a4") -> bytes:
    """Package the EPUB in memory and return its bytes. `printed_pages`, where the pages of the printed
    handout on `paper` begin, become page-break markers and the page list, so that "see page 2" finds its
    place."""
    leaflet, strings = rendered.leaflet, rendered.strings
    marked, page_list = mark_printed_pages(rendered.epub_pages, printed_pages)
    rendered = replace(rendered, epub_pages=marked)
    book = epub.EpubBook()
    _describe(book, rendered)
    book.set_direction(strings.direction)  # the spine's page-progression-direction: rtl for Arabic, Urdu …
    contents = strings.gettext("Contents")  # the navigation document's heading (and its title)
    if page_list:
        book.add_metadata(None, "meta", _page_source(rendered, paper), {"property": "pageBreakSource"})
    stylesheet = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                               content=rendered.epub_css.encode())
    book.add_item(stylesheet)
    for number, asset in enumerate(rendered.assets, start=1):
        if asset.href.startswith(LANGUAGE_FONTS) and asset.href not in rendered.epub_css:
            continue  # the whole face of a language, for print: the e-book has its subset (fonts.py)
        try:
            content = asset_bytes(asset)
        except ValueError as error:
            raise LeafbindError(f"the e-book can't be made: {error}") from None
        book.add_item(epub.EpubItem(uid=f"asset-{number}", file_name=asset.href, media_type=asset.media_type,
                                    content=content))
    book.set_cover(COVER_IMAGE, _cover(rendered), create_page=False)  # the picture; cover.xhtml shows it
    pages = {}
    for page in rendered.epub_pages:
        item = epub.EpubHtml(uid=page.file_name.removesuffix(".xhtml"), file_name=page.file_name,
                             title=page.title, lang=leaflet.lang, content=page.html,
                             direction=strings.direction)
        item.add_item(stylesheet)
        book.add_item(item)
        pages[page.file_name] = item
    book.toc = _contents(rendered)
    cover, body = _page(rendered, "cover"), _page(rendered, "bodymatter")
    book.guide = [{"type": "cover", "href": cover.file_name, "title": cover.title},
                  {"type": "toc", "href": "nav.xhtml", "title": contents},
                  {"type": "text", "href": body.file_name, "title": leaflet.title}]
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", title=contents, direction=strings.direction)
    nav.add_item(stylesheet)
    book.add_item(nav)
    places = {page.file_name: page.place for page in rendered.epub_pages}
    book.spine = [*(item for name, item in pages.items() if places[name] == FRONT), "nav",
                  *(item for name, item in pages.items() if places[name] != FRONT)]
    modified = datetime.combine(leaflet.last_changed, datetime.min.time())
    buffer = io.BytesIO()
    # ebooklib's own page list is off: it takes every element with an id and an epub:type for a page break
    # (the author and citation sections). The page list is the printed handout's (mark_printed_pages).
    writer = _Writer(buffer, book, {"mtime": modified, "epub3_landmark": True,
                                    "landmark_title": strings.gettext("Landmarks"), "epub3_pages": False,
                                    "package_direction": strings.rtl})
    writer.page_list = page_list
    writer.page_list_title = strings.gettext("Pages of the printed handout")
    writer.process()
    writer.write()
    return _repack(buffer.getvalue(), modified)


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with what its options don't give: the package's language (xml:lang, which DAISY Ace
    requires beside dc:language), the landmarks kept in the navigation document for reading apps but hidden
    from readers (`hidden`, EPUB 3.3 §7.4.1), so that the page shows only the contents, and the printed
    handout's page list, hidden too: reading apps offer it as "go to page"."""

    page_list: list[tuple[int, str]] | tuple = ()  # (printed page number, href of its marker)
    page_list_title = "Pages of the printed handout"

    def _write_opf_file(self, root):
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)

    def _get_nav(self, item):
        tree = etree.fromstring(super()._get_nav(item))
        namespaces = {"x": XHTML, "epub": OPS}
        for landmarks in tree.xpath("//x:nav[@epub:type='landmarks']", namespaces=namespaces):
            landmarks.set("hidden", "hidden")
        for toc in tree.xpath("//x:nav[@epub:type='toc']", namespaces=namespaces):
            toc.set("id", "toc")  # ebooklib's is "id"
        if self.page_list:
            tree.find(f"{{{XHTML}}}body").append(_page_list_nav(self.page_list, self.page_list_title))
        if item.direction:
            tree.set("dir", item.direction)  # ebooklib sets it on the body only
        return etree.tostring(tree, pretty_print=True, encoding="utf-8", xml_declaration=True,
                              doctype="<!DOCTYPE html>")


def _cover(rendered: RenderedLeaflet) -> bytes:
    """The cover picture (cover.py): the leaflet's title, the organisation and the accent colour."""
    leaflet, palette, strings = rendered.leaflet, rendered.palette, rendered.strings
    edition = " · ".join(filter(None, (strings.gettext("Edition %(edition)s") % {"edition": leaflet.edition},
                                        leaflet.code)))
    # the leaflet's script faces (those its stylesheet embeds), for the letters Atkinson Hyperlegible lacks
    scripts = tuple(asset_bytes(asset) for asset in rendered.assets
                    if asset.media_type.startswith("font/") and asset.href in rendered.epub_css
                    and asset.path.name not in BUNDLED_LATIN)
    try:
        return draw_cover(CoverText(leaflet.title, rendered.organisation, edition, palette.accent,
                                    palette.text, palette.paper, strings.gettext("Patient information"),
                                    strings.direction), scripts)
    except CoverError as error:
        raise LeafbindError(f"the e-book's cover can't be drawn: {error}") from None


def _describe(book: epub.EpubBook, rendered: RenderedLeaflet) -> None:
    leaflet = rendered.leaflet
    book.set_identifier(identifier(rendered))
    book.set_title(leaflet.title)
    book.set_language(leaflet.lang)
    for number, author in enumerate(leaflet.authors, start=1):
        book.add_author(author.name, uid=f"creator-{number}")
    book.add_metadata("DC", "description", leaflet.summary)
    book.add_metadata("DC", "date", leaflet.published.isoformat())
    if rendered.organisation:
        book.add_metadata("DC", "publisher", rendered.organisation)
    for keyword in leaflet.keywords:
        book.add_metadata("DC", "subject", keyword)
    if rendered.url:
        book.add_metadata("DC", "source", rendered.url)
    for prop, value in _accessibility(rendered):
        book.add_metadata(None, "meta", value, {"property": prop})


def _accessibility(rendered: RenderedLeaflet) -> list[tuple[str, str]]:
    """schema.org accessibility metadata (EPUB Accessibility 1.1 §2): what a reader can rely on."""
    # Every e-book has at least one image, its cover, and every image has a text alternative.
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability",
                "alternativeText"]
    if any('epub:type="pagebreak"' in page.html for page in rendered.epub_pages):
        features += ["pageBreakMarkers", "pageNavigation"]
    summary = rendered.strings.gettext(
        "Text-only reading is fully supported: every image has a text alternative, headings mark each "
        "section, and the contents list links to every section. Reading apps can change the font, size and "
        "colours. No flashing, sound or motion. It meets EPUB Accessibility 1.1 at WCAG 2.2 Level AA.")
    return [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
        # who vouches for the claim: the publishing organisation, else the tool that made and checked it
        ("a11y:certifiedBy", rendered.organisation or "leafbind"),
    ]


def _page(rendered: RenderedLeaflet, semantics: str) -> EpubPage:
    return next(page for page in rendered.epub_pages if page.semantics == semantics)


def _link(page: EpubPage) -> epub.Link:
    return epub.Link(page.file_name, page.title, page.file_name.removesuffix(".xhtml"))


def _contents(rendered: RenderedLeaflet) -> list:
    """The title page, the leaflet with its sections, then the pages after it (the cover is not listed)."""
    leaflet, body = rendered.leaflet, _page(rendered, "bodymatter")
    sections = [epub.Link(f"{body.file_name}#{s.anchor}", s.title, s.anchor) for s in leaflet.sections]
    # A leaflet without `##` sections is one entry: a heading over an empty list would make the nav invalid.
    entry = (epub.Section(leaflet.title, body.file_name), sections) if sections else \
        epub.Link(body.file_name, leaflet.title, "leaflet")
    return [_link(_page(rendered, "titlepage")), entry,
            *(_link(page) for page in rendered.epub_pages if page.place == BACK)]


# --- The printed handout's pages ---------------------------------------------------------------------------

PAGE_ID = "printed-page-{}"
# Where a page-break marker may stand beside a block rather than inside it: parents that take flow content.
FLOW_PARENTS = frozenset({"body", "section", "article", "div", "header", "footer", "aside", "main",
                          "blockquote", "figure", "li", "dd", "td", "th"})


def mark_printed_pages(pages: tuple[EpubPage, ...], printed: tuple[PageStart, ...]
                       ) -> tuple[tuple[EpubPage, ...], list[tuple[int, str]]]:
    """The e-book's pages with a page-break marker (EPUB 3 `pagebreak`, DPUB-ARIA `doc-pagebreak`) where each
    printed page begins, and the page list: (page number, href) for each marker placed.

    A printed page is found by the first of its blocks of text that the e-book has too (the masthead, say, is
    print's own), by text and not by position, as the e-book orders its back pages differently; a page that
    begins inside a paragraph is marked before the word it begins with."""
    if not printed:
        return pages, []
    trees = {page.file_name: lxml.html.document_fromstring(page.html) for page in pages}
    blocks: dict[BlockRef, tuple[str, object]] = {}  # each block of text, in reading order → page, element
    counts: dict[tuple[str, bool], int] = {}
    for page in pages:
        if page.semantics == "cover":  # a picture of the front, not where the handout's text begins
            continue
        for element in trees[page.file_name].iter(*TEXT_BLOCKS):
            signature = (fold(element.text_content()), element.tag in HEADINGS)
            blocks.setdefault(BlockRef(*signature, counts.get(signature, 0)), (page.file_name, element))
            counts[signature] = counts.get(signature, 0) + 1
    taken = {value for tree in trees.values() for value in tree.xpath("//@id")}
    page_list, marked = [], set()
    for start in printed:
        found = next(((number, ref) for number, ref in enumerate(start.blocks) if _find(blocks, ref)), None)
        if found is None:
            continue
        number, ref = found
        file_name, element = _find(blocks, ref)
        marker = _marker(start.number, taken)
        if number == 0 and start.words:
            _insert_at_words(element, marker, start.words, start.skipped)
        elif element.getparent() is not None and element.getparent().tag in FLOW_PARENTS:
            element.addprevious(marker)
        else:
            marker.tail, element.text = element.text, None
            element.insert(0, marker)
        page_list.append((start.number, f"{file_name}#{marker.get('id')}"))
        marked.add(file_name)
    marked_pages = tuple(
        replace(page, html=lxml.html.tostring(trees[page.file_name], encoding="unicode"))
        if page.file_name in marked else page for page in pages)
    return marked_pages, page_list


def _find(blocks: dict, ref: BlockRef):
    """The e-book's block for a printed one: the same occurrence of the same text, else its first one."""
    return blocks.get(ref) or blocks.get(replace(ref, occurrence=0))


def _marker(number: int, taken: set[str]):
    """An empty, labelled page-break marker with an id no other element of the book has."""
    marker_id, suffix = PAGE_ID.format(number), 1
    while marker_id in taken:
        suffix += 1
        marker_id = f"{PAGE_ID.format(number)}-{suffix}"
    taken.add(marker_id)
    marker = lxml.html.Element("span")
    marker.set("id", marker_id)
    marker.set("epub:type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("aria-label", str(number))
    return marker


def _insert_at_words(element, marker, words: str, skipped: int) -> None:
    """Put the marker inside the element before `words`: where they occur nearest to `skipped` characters
    into its text (the part printed on the pages before), at the start of a word."""
    pieces = _reading_order(element)
    flat = "".join(text for _, _, text in pieces)
    spots = [m.start() for m in re.finditer(r"\S+", flat)]
    first = words.split()[0] if words else ""
    candidates = [spot for spot in spots if flat.startswith(first, spot)] or spots or [0]
    offset = min(candidates, key=lambda spot: abs(len(fold(flat[:spot])) - skipped))
    for node, where, text in pieces:
        if offset <= len(text):
            before, after = text[:offset], text[offset:]
            if where == "text":
                node.text, marker.tail = before, after
                node.insert(0, marker)
            else:
                node.tail, marker.tail = before, after
                node.addnext(marker)
            return
        offset -= len(text)


def _reading_order(element) -> list:
    """The text of an element and its descendants as (node, "text" or "tail", text), in reading order."""
    pieces = [(element, "text", element.text or "")]
    for child in element:
        pieces += _reading_order(child)
        pieces.append((child, "tail", child.tail or ""))
    return pieces


def _page_source(rendered: RenderedLeaflet, paper: str) -> str:
    """What the page numbers refer to: the `pageBreakSource` property of the W3C note "Page Source
    Identification", which EPUBCheck accepts."""
    leaflet = rendered.leaflet
    publisher = f"{rendered.organisation}: " if rendered.organisation else ""
    return (f"{publisher}{leaflet.title}, edition {leaflet.edition}, the printed handout on "
            f"{PAPER[paper]['full'][1]} paper")


def _page_list_nav(page_list: list[tuple[int, str]], title: str):
    """The navigation document's page list: each printed page, linked to its marker."""
    nav = etree.Element(f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "page-list", "role": "doc-pagelist",
                                             "id": "page-list", "hidden": "hidden"})
    etree.SubElement(nav, f"{{{XHTML}}}h2").text = title
    items = etree.SubElement(nav, f"{{{XHTML}}}ol")
    for number, href in page_list:
        link = etree.SubElement(etree.SubElement(items, f"{{{XHTML}}}li"), f"{{{XHTML}}}a", href=href)
        link.text = str(number)
    return nav


def _repack(data: bytes, modified: datetime) -> bytes:
    """Rewrite the zip with fixed entry times, `mimetype` first and stored (EPUB OCF 3.3 §4.3)."""
    stamp = (max(modified.year, 1980), modified.month, modified.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        ordered = ["mimetype", *(name for name in names if name != "mimetype")]
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
