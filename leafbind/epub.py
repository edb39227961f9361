"""RenderedLeaflet → EPUB 3 bytes via ebooklib: a cover picture, accessible metadata, nav + NCX, and a
deterministic zip."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime

from ebooklib import epub
from lxml import etree

from .assets import asset_bytes
from .cover import CoverError, CoverText, draw_cover
from .errors import LeafbindError
from .render import BACK, COVER_IMAGE, FRONT, EpubPage, RenderedLeaflet

STYLESHEET = "leaflet.css"
CONTENTS = "Contents"  # the navigation document's heading (and its title)
# EPUB Accessibility 1.1 §3: what the e-book conforms to. tests/test_ace.py runs DAISY Ace on the e-books of
# the scenarios and fails on any violation it reports, so the claim is checked, not just made.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def identifier(rendered: RenderedLeaflet) -> str:
    """A UUID that stays the same for the same publisher, slug and edition (RFC 4122 name-based, v5)."""
    publisher = rendered.url and rendered.url.rsplit("/", 2)[0] or rendered.organisation or "leafbind"
    name = f"{publisher}/{rendered.leaflet.slug}/edition-{rendered.leaflet.edition}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def make_epub(rendered: RenderedLeaflet) -> bytes:
    """Package the EPUB in memory and return its bytes."""
    leaflet = rendered.leaflet
    book = epub.EpubBook()
    _describe(book, rendered)
    stylesheet = epub.EpubItem(uid="style", file_name=STYLESHEET, media_type="text/css",
                               content=rendered.epub_css.encode())
    book.add_item(stylesheet)
    for number, asset in enumerate(rendered.assets, start=1):
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
                             title=page.title, lang=leaflet.lang, content=page.html)
        item.add_item(stylesheet)
        book.add_item(item)
        pages[page.file_name] = item
    book.toc = _contents(rendered)
    cover, body = _page(rendered, "cover"), _page(rendered, "bodymatter")
    book.guide = [{"type": "cover", "href": cover.file_name, "title": cover.title},
                  {"type": "toc", "href": "nav.xhtml", "title": CONTENTS},
                  {"type": "text", "href": body.file_name, "title": leaflet.title}]
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", title=CONTENTS)
    nav.add_item(stylesheet)
    book.add_item(nav)
    places = {page.file_name: page.place for page in rendered.epub_pages}
    book.spine = [*(item for name, item in pages.items() if places[name] == FRONT), "nav",
                  *(item for name, item in pages.items() if places[name] != FRONT)]
    modified = datetime.combine(leaflet.last_changed, datetime.min.time())
    buffer = io.BytesIO()
    # No page list: ebooklib would take every element with an id and an epub:type for a page break (the
    # author and citation sections), and an e-book made from no printed edition has no pages to list.
    writer = _Writer(buffer, book, {"mtime": modified, "epub3_landmark": True, "landmark_title": "Landmarks",
                                    "epub3_pages": False})
    writer.process()
    writer.write()
    return _repack(buffer.getvalue(), modified)


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with what its options don't give: the package's language (xml:lang, which DAISY Ace
    requires beside dc:language), and the landmarks kept in the navigation document for reading apps but
    hidden from readers (`hidden`, EPUB 3.3 §7.4.1), so that the page shows only the contents."""

    def _write_opf_file(self, root):
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)

    def _get_nav(self, item):
        tree = etree.fromstring(super()._get_nav(item))
        namespaces = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
        for landmarks in tree.xpath("//x:nav[@epub:type='landmarks']", namespaces=namespaces):
            landmarks.set("hidden", "hidden")
        for toc in tree.xpath("//x:nav[@epub:type='toc']", namespaces=namespaces):
            toc.set("id", "toc")  # ebooklib's is "id"
        return etree.tostring(tree, pretty_print=True, encoding="utf-8", xml_declaration=True,
                              doctype="<!DOCTYPE html>")


def _cover(rendered: RenderedLeaflet) -> bytes:
    """The cover picture (cover.py): the leaflet's title, the organisation and the accent colour."""
    leaflet, palette = rendered.leaflet, rendered.palette
    edition = " · ".join(filter(None, (f"Edition {leaflet.edition}", leaflet.code)))
    try:
        return draw_cover(CoverText(leaflet.title, rendered.organisation, edition, palette.accent,
                                    palette.text, palette.paper))
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
    summary = ("Text-only reading is fully supported: every image has a text alternative, headings mark each "
               "section, and the contents list links to every section. Reading apps can change the font, "
               "size and colours. No flashing, sound or motion. It meets EPUB Accessibility 1.1 at WCAG 2.2 "
               "Level AA.")
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
