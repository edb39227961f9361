"""The web edition: a static site in `<out>/site/`, made from the leaflets and the files a build wrote.

    site/index.html            the catalogue: every leaflet, searchable in the browser (no server)
    site/<slug>/index.html     the leaflet's page: its text, downloads, editions, authors, citation
    site/<slug>/<files>        the PDFs and the e-book of every edition the manifest lists, and the cover
    site/sitemap.xml           the pages, each with its other languages (when leafbind.toml gives the website:
                               a sitemap needs addresses)
    site/feed.atom             the current edition of each leaflet, newest first
    site/opds.xml              an OPDS 1.2 acquisition catalogue of the e-books, for e-reader apps
    site/site.css, site/assets/…   the stylesheet, the search script, fonts, images, photos and logo

Everything links relatively, so the folder works from any static host, a shared drive or a USB stick, opened
straight from the disk (the search index is inside the catalogue: browsers refuse to fetch files from disk).

The site follows the manifest: a page per leaflet whose source is still there, its downloads the files built
for it. A leaflet that fails a build keeps its page and its catalogue entry as last made; a leaflet whose
source is gone leaves the catalogue, feeds and sitemap, but its page and files stay, so printed QR codes keep
working.

`Website.make` writes only the files whose bytes change, and does nothing when nothing it depends on has
changed since it last ran (`<out>/.leafbind-site.json` remembers what that was).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pikepdf
from markupsafe import Markup

from .catalogue import find_leaflets, iter_checked
from .errors import LeafbindError, Problem
from .fonts import web_fonts
from .i18n import N_, Strings, direction_of, own_name
from .layouts import STANDARD
from .model import Asset, Leaflet
from .output import MANIFEST, FileFault, Output, read_manifest, write_atomically
from .project import Project
from .render import CSS_URL, layout_errors, layout_template, web_context
from .state import Fingerprints, digest
from .validate import AuthorBook
from .version import __version__

SITE = "site"  # the folder in the output folder, and the format that asks for it
SITE_STATE = ".leafbind-site.json"
ATOM, DC, OPDS = "http://www.w3.org/2005/Atom", "http://purl.org/dc/terms/", "http://opds-spec.org/2010/catalog"
SITEMAP, XHTML = "http://www.sitemaps.org/schemas/sitemap/0.9", "http://www.w3.org/1999/xhtml"
X_DEFAULT = "x-default"  # hreflang of the page for readers of none of the languages: the leaflet's own
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # the language of an entry's text
OPDS_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
EPUB_TYPE = "application/epub+zip"
STATIC = ("web/search.js",)  # layouts copied as they are into site/assets/
NOT_OFFERED = frozenset({"press"})  # the print shop's PDF, with bleed and crop marks, is not for readers
FORMAT_LABELS = {"epub": N_("E-book (EPUB)")}
LAYOUT_LABELS = {STANDARD: N_("PDF handout"), "booklet": N_("Booklet to print and fold (PDF)"),
                 "large-print": N_("Large print (PDF)")}
BUILTIN_LABELS = frozenset((*FORMAT_LABELS.values(), *LAYOUT_LABELS.values()))


@dataclass(frozen=True)
class Download:
    """A file readers can download from a leaflet's page."""

    label: str  # "PDF handout", "E-book (EPUB)" …
    href: str  # its name, beside the page
    format: str  # pdf or epub
    media_type: str
    bytes: int
    pages: int | None  # a PDF's pages (a booklet's: its sheets' sides)
    sha256: str

    @property
    def size(self) -> str:
        """Its size as readers read it: 84 KB, 1.2 MB."""
        if self.bytes < 1000 * 1000:
            return f"{max(1, round(self.bytes / 1000))} KB"
        return f"{self.bytes / 1000 / 1000:.1f} MB"


@dataclass(frozen=True)
class EditionFiles:
    edition: int
    date: date
    downloads: tuple[Download, ...]


@dataclass
class Entry:
    """A leaflet as the catalogue, the feeds and the sitemap show it (kept in the site state, so a leaflet
    that fails a later build is still listed as it last was)."""

    slug: str
    title: str
    summary: str
    code: str | None
    edition: int
    lang: str
    published: str  # ISO dates
    changed: str
    review: str | None
    keywords: list[str]
    authors: list[str]
    epub: str | None = None  # the current e-book's file name, beside the page
    cover: str | None = None  # its cover picture's file name, beside the page

    @property
    def page(self) -> str:
        return f"{self.slug}/"

    @property
    def family(self) -> str:
        """The leaflet this entry is a language of: knee-pain for knee-pain.pl."""
        return family_of(self.slug)

    @property
    def changed_date(self) -> date:
        return date.fromisoformat(self.changed)

    @property
    def review_date(self) -> date | None:
        return date.fromisoformat(self.review) if self.review else None

    @property
    def search_text(self) -> str:
        return " ".join((self.title, self.summary, self.code or "", *self.keywords))


@dataclass
class SiteState:
    """What the site was last made from, and what it holds."""

    fingerprint: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # site path → SHA-256 of what was written there
    pages: dict[str, int] = field(default_factory=dict)  # a PDF's SHA-256 → its number of pages
    made_from: dict[str, str] = field(default_factory=dict)  # slug → digest of what its page was made from

    @classmethod
    def load(cls, path: Path) -> SiteState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["fingerprint"], {slug: Entry(**entry) for slug, entry in data["entries"].items()},
                       dict(data["files"]), dict(data["pages"]), dict(data["made_from"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()  # none yet, or unreadable: the site is made again in full

    def save(self, path: Path) -> None:
        data = {"fingerprint": self.fingerprint,
                "entries": {slug: asdict(entry) for slug, entry in sorted(self.entries.items())},
                "files": dict(sorted(self.files.items())), "pages": dict(sorted(self.pages.items())),
                "made_from": dict(sorted(self.made_from.items()))}
        write_atomically(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


@dataclass(frozen=True)
class CatalogueContext:
    """What the catalogue's shared partials (the masthead) see, as a leaflet's page sees its LayoutContext."""

    logo: Asset | None
    organisation: str


@dataclass(frozen=True)
class LanguageChoice:
    """A language of the catalogue's filter: its tag, its name in its own language and script, and its
    direction."""

    lang: str
    name: str
    direction: str

    @property
    def anchor(self) -> str:
        return f"lang-{self.lang}"


@dataclass(frozen=True)
class Alternate:
    """A `<link rel="alternate" hreflang>` of a leaflet's page: one of its languages, or x-default."""

    hreflang: str
    href: str


@dataclass(frozen=True)
class SiteResult:
    folder: Path
    written: tuple[str, ...]  # site paths written this time (unchanged files are not)
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


class Website:
    """The web edition of a project's leaflets: a product made once per build, from every leaflet, after the
    leaflets' own files are written."""

    name = SITE

    def __init__(self, project: Project, out_dir: Path) -> None:
        self.project, self.out_dir = project, out_dir
        self.folder = out_dir / SITE
        self.base = (project.config.website or "").rstrip("/")
        self.base = self.base + "/" if self.base else ""

    def make(self, book: AuthorBook, fingerprints: Fingerprints, force: bool = False) -> SiteResult | None:
        """Bring the site up to date with the manifest and the sources. Returns None when nothing it depends
        on has changed. Raises FileFault if a file can't be written; LeafbindError for a broken web layout."""
        started = time.perf_counter()
        outputs = read_manifest(self.out_dir / MANIFEST)
        sources = {path.stem: path for path in find_leaflets(self.project)}
        slugs = sorted({output.slug for output in outputs})
        common = digest(__version__, fingerprints.shared, fingerprints.web(), book_digest(book), self.base)
        by_slug = {slug: sorted((o for o in outputs if o.slug == slug), key=lambda o: o.path)
                   for slug in slugs}
        listed = [slug for slug in slugs if slug in sources]
        family = _families(listed, by_slug)  # a page lists its family's pages: one added remakes them
        made_from = {slug: digest(common, (fingerprints.file(sources[slug]) or "-") if slug in sources
                                  else "gone", *(f"{o.path} {o.sha256}" for o in by_slug[slug]),
                                  *(f"language {lang} {other}" for lang, other in family.get(slug, ())))
                     for slug in slugs}
        fingerprint = digest(common, *(f"{slug} {made_from[slug]}" for slug in slugs))
        if not outputs and not self.folder.is_dir():
            return None  # nothing built yet: no empty site
        state_path = self.out_dir / SITE_STATE
        state = SiteState.load(state_path)
        if not force and state.fingerprint == fingerprint and (self.folder / "index.html").is_file():
            return None
        writer = _Writer(self.folder, state)
        problems: list[Problem] = []
        with layout_errors(self.project):
            assets: dict[str, Path] = {}
            # a page is made again only when what it shows has changed: its source, authors, files, layouts
            stale = [slug for slug in slugs if force or state.made_from.get(slug) != made_from[slug]
                     or not (self.folder / slug / "index.html").is_file()]
            checked = iter_checked(self.project, [sources[slug] for slug in stale if slug in sources], book)
            for slug, leaflet, found in checked:
                if leaflet is None:  # its page and entry stay as they were
                    problems.extend(found)
                    continue
                downloads = self._downloads(by_slug[slug], writer, state)
                # its other languages: those with a page (built, and their source still there)
                shown = {other for _, other in family.get(slug, ())}
                leaflet = replace(leaflet, languages=tuple(version for version in leaflet.languages
                                                           if version.slug in shown))
                state.entries[slug] = self._page(leaflet, downloads, writer, assets)
                state.made_from[slug] = made_from[slug]
            for slug in stale:  # files of leaflets no longer listed stay reachable
                if slug not in sources:
                    self._downloads(by_slug[slug], writer, state)
                    state.made_from[slug] = made_from[slug]
            entries = [state.entries[slug] for slug in listed if slug in state.entries]
            entries.sort(key=lambda e: (e.title.casefold(), e.slug))
            self._catalogue(entries, writer, assets)
            self._feeds(entries, writer)
            for href, path in sorted(assets.items()):
                writer.copy(href, path)
        state.fingerprint = "" if problems else fingerprint  # a leaflet that fails is tried again next time
        state.save(state_path)
        return SiteResult(self.folder, tuple(writer.written), tuple(problems), time.perf_counter() - started)

    # --- a leaflet's page ---------------------------------------------------------------------------------

    def _downloads(self, outputs: list[Output], writer: _Writer, state: SiteState) -> list[EditionFiles]:
        """Copy each edition's files readers may want beside the page; newest edition first."""
        editions = []
        for edition in sorted({o.edition for o in outputs}, reverse=True):
            files = [o for o in outputs if o.edition == edition and _offered(o, outputs)]
            files.sort(key=lambda o: (o.format != "pdf", _layout_order(o.layout), o.path))
            downloads = []
            for output in files:
                name = posixpath.basename(output.path)
                source = self.out_dir / output.path
                writer.copy(f"{output.slug}/{name}", source, output.sha256)
                pages = None
                if output.format == "pdf":
                    if output.sha256 not in state.pages:
                        state.pages[output.sha256] = _count_pages(source)
                    pages = state.pages[output.sha256]
                label = (FORMAT_LABELS.get(output.format) or LAYOUT_LABELS.get(output.layout or "")
                         or f"{(output.layout or 'PDF').replace('-', ' ').capitalize()} (PDF)")
                downloads.append(Download(label, name, output.format, _media_type(output.format),
                                          output.bytes, pages, output.sha256))
            editions.append(EditionFiles(edition, date.fromisoformat(files[0].date) if files else
                                         date.fromisoformat(outputs[0].date), tuple(downloads)))
        return editions

    def _page(self, leaflet: Leaflet, editions: list[EditionFiles], writer: _Writer,
              assets: dict[str, Path]) -> Entry:
        """Write the leaflet's page; its catalogue entry."""
        current = next((e for e in editions if e.edition == leaflet.edition), None)
        downloads = current.downloads if current else ()
        epub = next((d for d in downloads if d.format == "epub"), None)
        cover = None
        if epub is not None:
            cover_bytes = _cover_of(writer.folder / leaflet.slug / epub.href)
            if cover_bytes is not None:
                cover = f"{leaflet.slug}-ed{leaflet.edition}-cover.png"
                writer.write(f"{leaflet.slug}/{cover}", cover_bytes)
        entry = Entry(leaflet.slug, leaflet.title, leaflet.summary, leaflet.code, leaflet.edition,
                      leaflet.lang,
                      leaflet.published.isoformat(), leaflet.last_changed.isoformat(),
                      leaflet.review.isoformat() if leaflet.review else None, list(leaflet.keywords),
                      [author.name for author in leaflet.authors], epub.href if epub else None, cover)
        context = web_context(leaflet, self.project)
        used = {a.href: a.path for a in (*leaflet.images, *(a.photo for a in leaflet.authors if a.photo),
                                         context.logo) if a}
        html = layout_template(self.project, "web/leaflet.html.jinja").render(
            context=context, site=self, root="../", downloads=downloads,
            older=[e for e in editions if e.edition != leaflet.edition], entry=entry,
            json_ld=_json_ld(leaflet, context.organisation, context.url, self.base, cover),
            alternates=self._alternates(leaflet))
        for href, path in used.items():  # the page sits one folder down from the site's assets
            html = html.replace(f'src="{href}"', f'src="../{href}"')
            assets[href] = path
        writer.write(f"{leaflet.slug}/index.html", html.encode())
        return entry

    def _alternates(self, leaflet: Leaflet) -> list[Alternate]:
        """The page in each of its languages, itself among them, and x-default, the leaflet's own language
        (for search engines: absolute addresses with `website`, else relative ones)."""
        if len(leaflet.languages) < 2:
            return []
        def href(slug: str) -> str:
            return self.url(f"{slug}/") if self.base else f"../{slug}/index.html"
        found = [Alternate(version.lang, href(version.slug)) for version in leaflet.languages]
        if any(version.slug == leaflet.family for version in leaflet.languages):
            found.append(Alternate(X_DEFAULT, href(leaflet.family)))
        return found

    # --- the catalogue and its assets ----------------------------------------------------------------------

    def _catalogue(self, entries: list[Entry], writer: _Writer, assets: dict[str, Path]) -> None:
        project = self.project
        index = [{"page": e.page + "index.html", "text": e.search_text} for e in entries]
        logo = project.logo
        if logo:
            assets[logo.href] = logo.path
        tags = sorted({e.lang for e in entries}, key=lambda tag: (own_name(tag).casefold(), tag))
        spoken = [tag.split("-")[0] for tag in tags]  # two Englishes in the catalogue: name the regions
        languages = [LanguageChoice(tag, own_name(tag, spoken.count(language) > 1), direction_of(tag))
                     for tag, language in zip(tags, spoken, strict=True)]
        html = layout_template(project, "web/catalogue.html.jinja").render(
            context=CatalogueContext(logo, project.config.organisation), site=self, entries=entries, root="",
            logo=logo, organisation=project.config.organisation, languages=languages,
            search_index=Markup(json.dumps(index, ensure_ascii=False).replace("</", "<\\/")))
        writer.write("index.html", html.encode())
        css = layout_template(project, "web/site.css").render(palette=project.palette, fonts=web_fonts())
        for href in CSS_URL.findall(css):  # the fonts, and any picture a clinic's stylesheet names
            if not href.startswith(("data:", "#")):
                try:
                    asset = project.resolve_file(href, project.root, kinds=_CSS_KINDS)
                except ValueError as error:
                    raise LeafbindError(f"layouts/web/site.css: {error}") from None
                assets[asset.href] = asset.path
        writer.write("site.css", css.encode())
        for name in STATIC:
            writer.write(f"assets/{posixpath.basename(name)}",
                         layout_template(project, name).render().encode())

    # --- feeds and sitemap ---------------------------------------------------------------------------------

    @staticmethod
    def label(download: Download, strings: Strings) -> str:
        """A download's label in the page's language (a clinic's own layout keeps its own name)."""
        return strings.gettext(download.label) if download.label in BUILTIN_LABELS else download.label

    def url(self, path: str) -> str:
        """An address in the site: absolute when leafbind.toml gives the website, else relative to its
        root."""
        return self.base + path

    def _feeds(self, entries: list[Entry], writer: _Writer) -> None:
        newest = sorted(entries, key=lambda e: (e.changed, e.slug), reverse=True)
        title = self.project.config.organisation or "Patient information leaflets"
        writer.write("feed.atom", _xml(self._atom(newest, title, opds=False)))
        writer.write("opds.xml", _xml(self._atom([e for e in newest if e.epub], title, opds=True)))
        if self.base:
            writer.write("sitemap.xml", _xml(self._sitemap(entries)))
        else:
            writer.remove("sitemap.xml")

    def _sitemap(self, entries: list[Entry]) -> ET.Element:
        """The catalogue and every leaflet's page; a page of a leaflet in several languages names each of them
        (itself too) and x-default, the leaflet's own language, as `xhtml:link` alternates."""
        # The prefix written as it is, as in the feeds (see _atom).
        urlset = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
        families: dict[str, list[Entry]] = {}
        for entry in entries:
            families.setdefault(entry.family, []).append(entry)
        for members in families.values():
            members.sort(key=lambda e: (e.slug != e.family, e.lang.lower()))
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = self.url("")
        if entries:
            ET.SubElement(url, "lastmod").text = max(e.changed for e in entries)
        for entry in entries:
            url = ET.SubElement(urlset, "url")
            ET.SubElement(url, "loc").text = self.url(entry.page)
            ET.SubElement(url, "lastmod").text = entry.changed
            members = families[entry.family]
            if len(members) < 2:
                continue
            alternates = [(member.lang, member.page) for member in members]
            alternates += [(X_DEFAULT, member.page) for member in members if member.slug == member.family]
            for hreflang, page in alternates:
                ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=self.url(page))
        return urlset

    def _atom(self, entries: list[Entry], title: str, opds: bool) -> ET.Element:
        """The Atom feed of new and updated editions, or (opds) the OPDS acquisition catalogue of e-books."""
        # Prefixes written as they are: ElementTree's register_namespace would change them for every other
        # user of ElementTree in the process (WeasyPrint's XMP metadata among them).
        spaces = {"xmlns": ATOM, "xmlns:dcterms": DC, **({"xmlns:opds": OPDS} if opds else {})}
        feed = ET.Element("feed", spaces)
        name = "opds.xml" if opds else "feed.atom"
        ET.SubElement(feed, "id").text = _urn(self.base or self.project.config.organisation, name)
        ET.SubElement(feed, "title").text = (f"{title}: e-books" if opds else title)
        latest = max((e.changed for e in entries), default="1970-01-01")
        ET.SubElement(feed, "updated").text = f"{latest}T00:00:00Z"
        author = ET.SubElement(feed, "author")
        ET.SubElement(author, "name").text = title
        kind = OPDS_TYPE if opds else "application/atom+xml"
        ET.SubElement(feed, "link", rel="self", href=self.url(name), type=kind)
        if opds:
            ET.SubElement(feed, "link", rel="start", href=self.url(name), type=kind)
        ET.SubElement(feed, "link", rel="alternate", href=self.url("index.html"), type="text/html")
        for entry in entries:
            item = ET.SubElement(feed, "entry", {XML_LANG: entry.lang})
            ET.SubElement(item, "title").text = entry.title
            ET.SubElement(item, "id").text = _urn(self.base or self.project.config.organisation,
                                                              f"{entry.slug} {entry.edition}")
            ET.SubElement(item, "updated").text = f"{entry.changed}T00:00:00Z"
            ET.SubElement(item, "published").text = f"{entry.published}T00:00:00Z"
            for who in entry.authors:
                ET.SubElement(ET.SubElement(item, "author"), "name").text = who
            ET.SubElement(item, "dcterms:language").text = entry.lang
            if entry.code:
                ET.SubElement(item, "dcterms:identifier").text = entry.code
            ET.SubElement(item, "summary").text = entry.summary
            ET.SubElement(item, "link", rel="alternate", type="text/html",
                          href=self.url(entry.page + "index.html"), hreflang=entry.lang)
            if entry.epub:
                ET.SubElement(item, "link", rel="http://opds-spec.org/acquisition/open-access",
                              type=EPUB_TYPE, href=self.url(entry.page + entry.epub), hreflang=entry.lang)
            if opds and entry.cover:
                for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
                    ET.SubElement(item, "link", rel=rel, type="image/png",
                                  href=self.url(entry.page + entry.cover))
        return feed


_CSS_KINDS = {".ttf", ".otf", ".woff", ".woff2", ".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"}
_LAYOUT_ORDER = {STANDARD: 0, "large-print": 1, "booklet": 2}


class _Writer:
    """Writes site files, each only when its bytes change; remembers what it wrote."""

    def __init__(self, folder: Path, state: SiteState) -> None:
        self.folder, self.state, self.written = folder, state, []

    def write(self, name: str, data: bytes) -> None:
        path = _inside(self.folder, name)
        sha = hashlib.sha256(data).hexdigest()
        if self.state.files.get(name) == sha and _unchanged(path, len(data), sha):
            return
        write_atomically(path, data)
        self.state.files[name] = sha
        self.written.append(name)

    def copy(self, name: str, source: Path, sha: str | None = None) -> None:
        """Copy a file into the site, unless the same bytes are there already."""
        path = _inside(self.folder, name)
        if sha and self.state.files.get(name) == sha and path.is_file():
            return
        try:
            data = source.read_bytes()
        except OSError as error:
            raise FileFault(source, error, "read this file") from error
        self.write(name, data)

    def remove(self, name: str) -> None:
        path = _inside(self.folder, name)
        if path.is_file():
            path.unlink()
        self.state.files.pop(name, None)


def _inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise LeafbindError(f"refusing to write {path}: it is outside {folder}")
    return path


def _unchanged(path: Path, size: int, sha: str) -> bool:
    try:
        return path.stat().st_size == size and hashlib.sha256(path.read_bytes()).hexdigest() == sha
    except OSError:
        return False


def _offered(output: Output, outputs: list[Output]) -> bool:
    """Readers get the files to read or print at home: not the print shop's PDF, and of a booklet its sheets,
    not the same pages one by one."""
    if output.layout in NOT_OFFERED:
        return False
    if output.format == "pdf" and not output.imposed:
        return not any(other.imposed and other.layout == output.layout and other.edition == output.edition
                       for other in outputs)
    return True


def _layout_order(layout: str | None) -> tuple[int, str]:
    return _LAYOUT_ORDER.get(layout or "", 9), layout or ""


def _media_type(format: str) -> str:
    return EPUB_TYPE if format == "epub" else "application/pdf"


def _count_pages(path: Path) -> int | None:
    """The PDF's page count, or None if it can't be read. pikepdf (qpdf) reads only the page tree: a
    hundredth of the time pypdf takes to parse WeasyPrint's object streams."""
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (OSError, pikepdf.PdfError, ValueError):
        return None


def _cover_of(epub: Path) -> bytes | None:
    """The e-book's cover picture, as leafbind drew it."""
    try:
        with zipfile.ZipFile(epub) as book:
            names = [n for n in book.namelist() if posixpath.basename(n) == "cover.png"]
            return book.read(names[0]) if names else None
    except (OSError, zipfile.BadZipFile, KeyError):
        return None


def _json_ld(leaflet: Leaflet, organisation: str, url: str | None, base: str, cover: str | None) -> Markup:
    """schema.org's MedicalWebPage for search engines, as JSON-LD."""
    data = {"@context": "https://schema.org", "@type": "MedicalWebPage", "name": leaflet.title,
            "headline": leaflet.title, "description": leaflet.summary, "inLanguage": leaflet.lang,
            "datePublished": leaflet.published.isoformat(), "dateModified": leaflet.last_changed.isoformat(),
            "lastReviewed": leaflet.last_changed.isoformat(),
            "author": [{"@type": "Person", "name": a.name} for a in leaflet.authors],
            "version": str(leaflet.edition)}
    if organisation:
        data["publisher"] = {"@type": "Organization", "name": organisation}
    if leaflet.keywords:
        data["keywords"] = ", ".join(leaflet.keywords)
    if leaflet.code:
        data["identifier"] = leaflet.code
    if url:
        data["url"] = url
        if cover:
            data["image"] = f"{base}{leaflet.slug}/{cover}"
    if leaflet.review:
        data["expires"] = leaflet.review.isoformat()
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("</", "<\\/"))


def family_of(slug: str) -> str:
    """The leaflet a slug is a language of: knee-pain for knee-pain.pl (and for knee-pain)."""
    return slug.partition(".")[0]


def _families(listed: list[str], outputs: dict[str, list[Output]]) -> dict[str, list[tuple[str, str]]]:
    """Each listed leaflet's family, as the manifest has it: (language, slug) of every listed leaflet of the
    family, itself among them; only for leaflets in more than one language."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for slug in listed:
        newest = max(outputs[slug], key=lambda o: o.edition)
        grouped.setdefault(family_of(slug), []).append((newest.language, slug))
    return {slug: members for members in grouped.values() if len(members) > 1 for _, slug in members}


def _urn(base: str, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{base} {name}").urn


def _xml(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True) + b"\n"


def book_digest(book: AuthorBook) -> str:
    return digest(*(f"{key} {value}" for key, value in sorted(book.fingerprints.items())))

