"""RenderedLeaflet → EPUB 3 bytes via ebooklib: accessible metadata, nav + NCX, and a deterministic zip."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime

from ebooklib import epub

from .assets import asset_bytes
from .errors import LeafbindError
from .render import BACK, FRONT, EpubPage, RenderedLeaflet

STYLESHEET = "leaflet.css"


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
                  {"type": "text", "href": body.file_name, "title": leaflet.title}]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(uid="nav", file_name="nav.xhtml"))
    places = {page.file_name: page.place for page in rendered.epub_pages}
    book.spine = [*(item for name, item in pages.items() if places[name] == FRONT), "nav",
                  *(item for name, item in pages.items() if places[name] != FRONT)]
    modified = datetime.combine(leaflet.last_changed, datetime.min.time())
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": modified, "epub3_landmark": True, "landmark_title": "Landmarks"})
    return _repack(buffer.getvalue(), modified)


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
    has_images = any(asset.media_type.startswith("image/") for asset in rendered.assets)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_images:
        features.append("alternativeText")
    if any("<table" in page.html for page in rendered.epub_pages):
        features.append("table")
    summary = ("Text-only reading is fully supported: every image has a text alternative, headings mark each "
               "section, and the contents list links to every section. Reading apps can change the font, "
               "size and colours. No flashing, sound or motion.")
    return [
        ("schema:accessMode", "textual"),
        *([("schema:accessMode", "visual")] if has_images else []),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", feature) for feature in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
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
