"""Lay a leaflet out through the Jinja layouts: one print document for the PDF, one set of pages for the
EPUB."""

from __future__ import annotations

import os
import re
import traceback
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from markupsafe import Markup

from .assets import FONT_SUFFIXES, IMAGE_SUFFIXES
from .citations import Citation, citation_fallback, cite_leaflet, reference_list
from .colours import Palette
from .errors import LeafbindError, Problem, ProblemReport
from .fonts import LeafletFonts, MissingFont, leaflet_fonts
from .i18n import Strings, direction_of, strings_for
from .layouts import Layout
from .model import Asset, Leaflet
from .project import Project
from .qr import QrCode, qr_code
from .settings import ContactEntry

COUNTERS = re.compile(r"\{(pages?)\}")  # the placeholders of "Page {page} of {pages}"
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")
FRONT, BODY, BACK = "front", "body", "back"  # where an e-book page stands in the book
COVER_IMAGE = "cover.png"  # the e-book's cover picture (drawn by cover.py), beside its pages


@dataclass(frozen=True)
class EpubPageSpec:
    """One page of the e-book: its file, its template, the title the contents show (None: the leaflet's own;
    Jinja, seeing `context`, for a title that depends on the leaflet), its EPUB structural semantics, and
    where it stands. The one table of the e-book's pages, `EPUB_PAGES`."""

    file_name: str
    template: str
    title: Callable[[Strings, Leaflet], str] | None
    semantics: str
    place: str


EPUB_PAGES = (
    EpubPageSpec("cover.xhtml", "epub/cover.html.jinja", lambda strings, _: strings.gettext("Cover"), "cover",
                 FRONT),
    EpubPageSpec("title-page.xhtml", "epub/title-page.html.jinja",
                 lambda strings, _: strings.gettext("Title page"), "titlepage", FRONT),
    EpubPageSpec("leaflet.xhtml", "epub/leaflet.html.jinja", None, "bodymatter", BODY),
    # if it has sources
    EpubPageSpec("sources.xhtml", "epub/sources.html.jinja", lambda strings, _: strings.gettext("Sources"),
                 "bibliography", BACK),
    EpubPageSpec("authors.xhtml", "epub/author-bio.html.jinja",
                 lambda strings, leaflet: strings.ngettext("About the author", "About the authors",
                                                           len(leaflet.authors)), "appendix", BACK),
    EpubPageSpec("cite.xhtml", "epub/cite.html.jinja",
                 lambda strings, _: strings.gettext("Cite this leaflet"), "appendix", BACK),
)


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TEXT_BLOCKS = HEADINGS | {"p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "blockquote", "pre"}


@dataclass(frozen=True)
class BlockRef:
    """A block of text (a heading, a paragraph, a list item …) as both the print document and the e-book have
    it: its text with white space folded, whether it is a heading, and how many blocks of the same kind and
    text come before it in its document."""

    text: str
    heading: bool
    occurrence: int = 0


@dataclass(frozen=True)
class PageStart:
    """Where a page of the printed handout begins, for the e-book's page list: the first blocks of text on the
    page, in order (a page may begin with something only print has, such as the masthead), and, when the
    page begins inside the first of them, the words it begins with."""

    number: int
    blocks: tuple[BlockRef, ...]
    words: str = ""  # "" when the page begins at the first block's start
    skipped: int = 0  # characters of the first block printed on earlier pages


def fold(text: str) -> str:
    """Text as pages compare it: white space folded to single spaces, soft hyphens dropped."""
    return " ".join(text.replace("\u00ad", "").split())


@dataclass(frozen=True)
class EpubPage:
    file_name: str
    title: str
    semantics: str
    html: str
    place: str  # FRONT, BODY or BACK


@dataclass(frozen=True)
class PrintDocument:
    """The leaflet laid out for one print layout: the HTML and stylesheet WeasyPrint turns into its PDF."""

    layout: Layout
    html: str
    css: str


@dataclass(frozen=True)
class RenderedLeaflet:
    """A leaflet laid out for every target; the writers only package these strings and files."""

    leaflet: Leaflet
    organisation: str
    url: str | None
    prints: tuple[PrintDocument, ...]  # one per layout asked for
    epub_pages: tuple[EpubPage, ...]
    epub_css: str
    assets: tuple[Asset, ...]  # every file the outputs embed: images, photos, logo, fonts
    palette: Palette  # the colours, for what is drawn rather than styled (the e-book's cover picture)
    strings: Strings  # the layouts' words in the leaflet's language, for what the writers add (e-book labels)

    def print_document(self, layout: str) -> PrintDocument:
        return next(printed for printed in self.prints if printed.layout.name == layout)


@dataclass(frozen=True)
class LanguageLink:
    """One language of the leaflet's family as the layouts show it ("Also available in"): named in its own
    language and script, written in its own direction, and where that version is (None when the address is
    not known: a printed leaflet without `website`)."""

    lang: str
    slug: str
    name: str  # "Polski", "العربية", "中文 (简体)"
    direction: str  # ltr or rtl
    url: str | None
    current: bool  # the version being laid out (the layouts leave it out of the list)


def language_links(leaflet: Leaflet, strings: Strings,
                   url_of: Callable[[str], str | None]) -> tuple[LanguageLink, ...]:
    """The languages of the leaflet's family (`Leaflet.languages`), each with the address `url_of(slug)`
    gives; () for a leaflet in one language."""
    if len(leaflet.languages) < 2:
        return ()
    spoken = [version.lang.split("-")[0] for version in leaflet.languages]  # two Englishes: name the regions
    return tuple(LanguageLink(version.lang, version.slug,
                              strings.language_name(version.lang, spoken.count(spoken[number]) > 1),
                              direction_of(version.lang), url_of(version.slug), version.slug == leaflet.slug)
                 for number, version in enumerate(leaflet.languages))


@dataclass(frozen=True)
class LayoutContext:
    """What every template sees (StrictUndefined makes a misspelt name fail the build)."""

    leaflet: Leaflet
    organisation: str
    logo: Asset | None
    url: str | None
    citations: tuple[Citation, ...]
    references: tuple
    palette: Palette
    contact: ContactEntry | None
    qr: QrCode | None  # printed layouts only, when leafbind.toml gives a website
    target: str  # print, epub or web
    strings: Strings  # the layouts' words, dates and direction in the leaflet's language
    layout: Layout | None = None  # the print layout; None for the EPUB
    page_size: str = ""  # the CSS `@page { size }` of the print layout
    cover_image: str | None = None  # the e-book's cover picture (its file name); None in print
    # the leaflet's languages ("Also available in"), itself among them; () when it has no other language
    languages: tuple[LanguageLink, ...] = ()
    fonts: LeafletFonts = LeafletFonts()  # the script and language faces the leaflet needs (fonts.css)

    @property
    def other_languages(self) -> tuple[LanguageLink, ...]:
        return tuple(language for language in self.languages if not language.current)

    @property
    def citation_fallback(self) -> bool:
        """The citations are in English: citeproc-py has no CSL locale for the leaflet's language."""
        return bool(self.citations) and citation_fallback(self.leaflet.lang)


def render(leaflet: Leaflet, project: Project, layouts: tuple[Layout, ...] = (),
           paper: str = "a4") -> RenderedLeaflet:
    """Render the leaflet for each print layout given, on `paper` (a4 or letter), and its EPUB pages. Raises
    LeafbindError for a broken layout."""
    with layout_errors(project):
        return _render(leaflet, project, layouts, paper)


def web_context(leaflet: Leaflet, project: Project) -> LayoutContext:
    """What the web edition's page of the leaflet sees: as the e-book, cited in the project's styles, with no
    QR code (the page is where the code leads), and its other languages linked relatively, page to page."""
    url = project.leaflet_url(leaflet.slug)
    strings = strings_for(project.layout_dirs, leaflet.lang)
    return LayoutContext(leaflet=leaflet, organisation=project.config.organisation, logo=project.logo,
                         url=url, **_citations(leaflet, project, project.citation_styles(), url, strings),
                         palette=project.palette, contact=project.config.contact, qr=None, target="web",
                         strings=strings,
                         languages=language_links(leaflet, strings, lambda slug: f"../{slug}/index.html"))


@contextmanager
def layout_errors(project: Project) -> Iterator[None]:
    """A template that fails raises LeafbindError naming the layout file and line, never a traceback."""
    try:
        yield
    except TemplateSyntaxError as error:
        raise LeafbindError(f"layout {_where(project, error.filename, error.lineno)}: "
                            f"{error.message}") from None
    except TemplateError as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if f.filename.startswith(_layout_roots(project))]
        where = _where(project, frames[-1].filename, frames[-1].lineno) if frames else "?"
        raise LeafbindError(f"layout {where}: {error.message}") from None


def _layout_roots(project: Project) -> tuple[str, ...]:
    return tuple(str(folder) for folder in project.layout_dirs)


def _where(project: Project, filename: str | None, line: int | None) -> str:
    shown = project.display(Path(filename)) if filename else "?"
    return f"{shown}:{line}" if line else shown


def _render(leaflet: Leaflet, project: Project, layouts: tuple[Layout, ...], paper: str) -> RenderedLeaflet:
    env = environment(project.layout_dirs)
    logo = project.logo
    url = project.leaflet_url(leaflet.slug)
    styles = project.citation_styles()
    strings = strings_for(project.layout_dirs, leaflet.lang)
    # in print and in the e-book, the other languages are linked where the website is known
    languages = language_links(leaflet, strings, project.leaflet_url)
    base = dict(leaflet=leaflet, organisation=project.config.organisation, logo=logo, url=url,
                **_citations(leaflet, project, styles, url, strings), palette=project.palette,
                contact=project.config.contact, strings=strings, languages=languages,
                fonts=_fonts(leaflet, project, strings, languages))
    epub_context = LayoutContext(**base, qr=None, target="epub", cover_image=COVER_IMAGE)
    epub_css = _template(env, "epub.css").render(context=epub_context)
    pages = tuple(
        EpubPage(page.file_name, _title(env, page, epub_context), page.semantics,
                 _template(env, page.template).render(context=epub_context), page.place)
        for page in EPUB_PAGES if page.semantics != "bibliography" or leaflet.sources
    )
    qr = qr_code(url) if url else None
    print_context = LayoutContext(**base, qr=qr, target="print")
    prints = tuple(_print(env, layout, print_context, paper, {} if own == styles else
                          _citations(leaflet, project, own, url, strings))  # formatting them takes a while
                   for layout, own in ((layout, project.citation_styles(layout.name)) for layout in layouts))
    assets = {a.href: a for a in (*leaflet.images, *(a.photo for a in leaflet.authors if a.photo), logo,
                                  *base["fonts"].assets) if a}
    for css, name in ((epub_css, "epub.css"),
                      *((printed.css, printed.layout.stylesheet) for printed in prints)):
        for href in CSS_URL.findall(css):
            if not href.startswith(("data:", "#")) and href not in assets:
                asset = _css_asset(project, href, name)
                assets.setdefault(asset.href, asset)
    return RenderedLeaflet(leaflet, project.config.organisation, url, prints, epub_pages=pages,
                           epub_css=epub_css, assets=tuple(sorted(assets.values(), key=lambda a: a.href)),
                           palette=project.palette, strings=strings)


def _fonts(leaflet: Leaflet, project: Project, strings: Strings,
           languages: tuple[LanguageLink, ...]) -> LeafletFonts:
    """The faces the leaflet needs (fonts.py): for its own text, the layouts' words in its language and the
    names of its other languages; a language with no font it needs is a problem of its `lang`."""
    others = tuple((link.lang, link.name) for link in languages if not link.current)
    try:
        return leaflet_fonts(leaflet, project.settings.fonts, strings.printed_text(), others)
    except MissingFont as error:
        line = leaflet.origin.line_of(("lang",))
        raise ProblemReport([Problem(project.display(leaflet.path), line, "lang", str(error))]) from None


def _title(env: Environment, page: EpubPageSpec, context: LayoutContext) -> str:
    """The title of an e-book page, as its contents entry and its XHTML title show it: with no citation
    styles, the citation page holds only about this edition."""
    if page.file_name == "cite.xhtml" and not context.citations:
        return context.strings.gettext("About this edition")
    return page.title(context.strings, context.leaflet) if page.title else context.leaflet.title


def _citations(leaflet: Leaflet, project: Project, styles: list[str], url: str | None,
               strings: Strings) -> dict:
    """The leaflet cited in `styles` (a layout's, or the project's: Project.citation_styles), none for
    `citation_styles = []`, and its sources listed in the first of them (APA when there are none), in the
    leaflet's language where citeproc-py has a CSL locale for it."""
    return dict(citations=cite_leaflet(leaflet, styles, project.config.organisation, url, strings.gettext),
                references=reference_list(leaflet.sources, styles[0] if styles else "apa", leaflet.lang))


def _print(env: Environment, layout: Layout, context: LayoutContext, paper: str,
           citations: dict) -> PrintDocument:
    context = replace(context, layout=layout, page_size=layout.page_size(paper), **citations)
    return PrintDocument(layout, _template(env, "print.html.jinja").render(context=context),
                         _template(env, layout.stylesheet).render(context=context))


def _css_asset(project: Project, href: str, stylesheet: str) -> Asset:
    """A file a stylesheet refers to (a font, a background image), through the same gate as every asset. A URL
    is relative to the project folder, as the stylesheet is laid over the project's pages."""
    try:
        return project.resolve_file(href, project.root, kinds=IMAGE_SUFFIXES | FONT_SUFFIXES)
    except ValueError as error:
        raise LeafbindError(f"layouts/{stylesheet}: {error}") from None


@lru_cache(maxsize=8)
def environment(layout_dirs: tuple) -> Environment:
    """The Jinja environment: the project's layouts first, then the built-in ones (also as `base/…`)."""
    project_dir, builtin = (str(path) for path in layout_dirs)
    loader = ChoiceLoader([
        ContainedLoader(project_dir),
        PrefixLoader({"base": ContainedLoader(builtin)}),
        ContainedLoader(builtin),
    ])
    env = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    # `_()`, `gettext`, `ngettext` and `{% trans %}` in every layout: the words of the leaflet's language, by
    # the `strings` of the LayoutContext the template is rendered with (English when it has none).
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters["long_date"] = long_date
    env.filters["month_year"] = month_year
    env.globals["page_counter"] = page_counter
    env.globals["ltr"] = ltr
    env.globals["ltr_link"] = ltr_link
    env.globals["isolate"] = isolate
    env.globals["dir_of"] = dir_of
    env.filters["direction"] = direction_of  # {{ entry.lang|direction }}: rtl or ltr
    return env


class ContainedLoader(FileSystemLoader):
    """Jinja's file loader, refusing a template that is a link to a file outside its folder: a layout can't
    bring a file from elsewhere on the machine into an output."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not any(Path(os.path.realpath(filename)).is_relative_to(Path(folder).resolve())
                   for folder in self.searchpath):
            raise LeafbindError(f'layout "{template}" is a link to a file outside the layouts folder: '
                                "copy the file into layouts/ instead")
        return source, filename, uptodate


def _template(env: Environment, name: str):
    try:
        return env.get_template(name)
    except TemplateNotFound:
        raise LeafbindError(f'layout "{name}" was not found in layouts/ or the built-in layouts') from None


ENGLISH = strings_for((Path(), Path()), "en")


def _strings(template_context) -> Strings:
    """The strings of the LayoutContext a template is rendered with (`context`), else English."""
    return getattr(template_context.get("context"), "strings", None) or ENGLISH


@pass_context
def _gettext(template_context, message: str) -> str:
    return _strings(template_context).gettext(message)


@pass_context
def _ngettext(template_context, singular: str, plural: str, number: int) -> str:
    return _strings(template_context).ngettext(singular, plural, number)


@pass_context
def long_date(template_context, day: date) -> str:
    """A date written out in the leaflet's language (14 September 2026): no reader mistakes day for month."""
    return _strings(template_context).date(day)


@pass_context
def month_year(template_context, day: date) -> str:
    return _strings(template_context).month_year(day)


@pass_context
def ltr(template_context, text: str, css_class: str | None = None) -> Markup:
    """Text that reads left to right whatever surrounds it (a leaflet code, a web address), kept in its order
    inside a right-to-left leaflet; in a left-to-right one, as it is."""
    attributes = Markup(" class=\"{}\"").format(css_class) if css_class else Markup("")
    if _strings(template_context).rtl:
        return Markup('<span{} dir="ltr">{}</span>').format(attributes, text)
    return Markup("<span{}>{}</span>").format(attributes, text) if css_class else Markup("{}").format(text)


def text_direction(text: str) -> str | None:
    """The direction a text's first letter sets (what HTML's `dir="auto"` does): "ltr", "rtl", or None for a
    text with no letter."""
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def _other_direction(template_context, text: str) -> str | None:
    """The direction of `text` when it is not the leaflet's, else None (a text with no letter has none)."""
    direction = text_direction(text)
    return direction if direction and direction != _strings(template_context).direction else None


@pass_context
def dir_of(template_context, text: str) -> Markup:
    """` dir="…"` for an element holding text in the other direction than the leaflet's (an English bio in an
    Arabic leaflet), so that its full stop ends its line on the right side; else nothing. WeasyPrint has no
    `dir="auto"`: the first letter decides, as it would."""
    direction = _other_direction(template_context, text)
    return Markup(' dir="{}"').format(direction) if direction else Markup("")


@pass_context
def isolate(template_context, text: str) -> Markup:
    """Text of the other direction inside a sentence of the leaflet's (an English team name in an Arabic
    sentence), kept in its own order; else as it is."""
    direction = _other_direction(template_context, text)
    if direction:
        return Markup('<span dir="{}">{}</span>').format(direction, text)
    return Markup("{}").format(text)


@pass_context
def ltr_link(template_context, url: str) -> Markup:
    """A link showing its own address, read left to right in any leaflet."""
    direction = Markup(' dir="ltr"') if _strings(template_context).rtl else Markup("")
    return Markup('<a href="{}"{}>{}</a>').format(url, direction, url)


def page_counter(text: str) -> Markup:
    """For a print stylesheet's `content`: a translated "Page {page} of {pages}", each piece of text quoted,
    each placeholder the page counter."""
    pieces = []
    for index, piece in enumerate(COUNTERS.split(text)):
        if index % 2:
            pieces.append(f"counter({piece})")
        elif piece:
            pieces.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return Markup(" ".join(pieces) or '""')


def layout_template(project: Project, name: str):
    """A layout of the project (its own first, then the built-in one) as a Jinja template."""
    return _template(environment(project.layout_dirs), name)
