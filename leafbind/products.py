"""Products: what a build makes of each leaflet, as objects. A print product is a layout's PDF (and a
booklet's imposed sheets); the e-book is another product. Each knows its output files and how to make them
from the rendered leaflet, so a new product (a web page, say) is one class here, one maker and one template.

An output file's name, `<slug>-ed<N><tail>`, is made in one place: `OutputFile.name`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .epub import make_epub
from .errors import LeafbindError, did_you_mean
from .impose import impose_booklet
from .layouts import EPUB, STANDARD, Layout
from .pdf import make_pdf_and_pages
from .project import Project
from .render import PageStart, RenderedLeaflet

FORMATS = ("pdf", "epub")


class Making:
    """One leaflet being made: the rendered leaflet, the build's choices, and where the pages of the printed
    handout (the standard layout) begin, which the e-book's page list follows: laid out once, by whichever
    product needs them first."""

    def __init__(self, rendered: RenderedLeaflet, project: Project, paper: str, variant: str) -> None:
        self.rendered, self.project, self.paper, self.variant = rendered, project, paper, variant
        self._pages: tuple[PageStart, ...] | None = None

    def printed_pages(self) -> tuple[PageStart, ...]:
        if self._pages is None:
            layout = self.project.layouts[STANDARD]
            printed = self.rendered.print_document(STANDARD)
            self._pages = make_pdf_and_pages(self.rendered, printed, self.project,
                                             layout.pdf_variant(self.variant))[1]
        return self._pages

    def remember_pages(self, pages: tuple[PageStart, ...]) -> None:
        self._pages = pages


@dataclass(frozen=True)
class OutputFile:
    """One file a product writes for a leaflet and edition: `<slug>-ed<N><tail>`."""

    tail: str  # ".pdf", "-booklet.pdf", "-booklet-pages.pdf", ".epub"
    format: str  # pdf or epub
    layout: str | None = None  # the print layout; None for the e-book
    imposed: bool = False  # a booklet's sheets, to print duplex and fold

    def name(self, slug: str, edition: int | str) -> str:
        return f"{slug}-ed{edition}{self.tail}"


@dataclass(frozen=True)
class PrintProduct:
    """A print layout's PDF: the pages, and for an imposed layout (the booklet) the same pages on sheets
    too."""

    layout: Layout
    stage = "pdf"  # its share of a build's timings

    @property
    def name(self) -> str:
        return self.layout.name

    @property
    def files(self) -> tuple[OutputFile, ...]:
        """The files it writes; the standard handout keeps the plain `<slug>-ed<N>.pdf` name."""
        tail = ".pdf" if self.name == STANDARD else f"-{self.name}.pdf"
        if not self.layout.impose:
            return (OutputFile(tail, "pdf", self.name),)
        return (OutputFile(tail, "pdf", self.name, imposed=True),
                OutputFile(f"-{self.name}-pages.pdf", "pdf", self.name))

    def state_key(self, file: OutputFile, paper: str, variant: str) -> str:
        """How the build state knows this output: its name and the options that change its bytes."""
        return f"{file.tail} {paper} {self.layout.pdf_variant(variant)}"

    def make(self, making: Making) -> dict[OutputFile, bytes]:
        rendered, paper = making.rendered, making.paper
        printed = rendered.print_document(self.name)
        standard = self.name == STANDARD
        pages, starts = make_pdf_and_pages(rendered, printed, making.project,
                                           self.layout.pdf_variant(making.variant), pages=standard)
        if standard:
            making.remember_pages(starts)
        if not self.layout.impose:
            return {self.files[0]: pages}
        sheets, kept = self.files
        leaflet = rendered.leaflet
        imposed = impose_booklet(pages, sheet_width=self.layout.sheet_width(paper), title=leaflet.title,
                                 author=", ".join(author.name for author in leaflet.authors))
        return {sheets: imposed, kept: pages}


@dataclass(frozen=True)
class Ebook:
    """The EPUB 3 e-book."""

    name = EPUB
    stage = "epub"
    files = (OutputFile(".epub", "epub"),)
    layout = None

    def state_key(self, file: OutputFile, paper: str, variant: str) -> str:
        # its page list follows the standard handout on this paper; the PDF variant changes no page
        return f"{file.tail} {paper}"

    def make(self, making: Making) -> dict[OutputFile, bytes]:
        return {self.files[0]: make_epub(making.rendered, making.printed_pages(), making.paper)}


Product = PrintProduct | Ebook
EBOOK = Ebook()


class UnknownLayout(LeafbindError):
    """A layout named on the command line that the project doesn't have (a usage error)."""


def choose_products(project: Project, formats: tuple[str, ...] = FORMATS, layouts: tuple[str, ...] = ()
                    ) -> tuple[Product, ...]:
    """What to make of each leaflet: each print layout once, in the order asked (default: leafbind.toml's),
    then the e-book. Raises UnknownLayout for a name the project doesn't have."""
    chosen = tuple(dict.fromkeys(layouts or project.config.layouts)) if "pdf" in formats else ()
    unknown = [name for name in chosen if name not in project.layouts]
    if unknown:
        hint = did_you_mean(unknown[0], project.layouts)
        raise UnknownLayout(f'no layout "{unknown[0]}"{hint} (the layouts are: {", ".join(project.layouts)}; '
                            "see publish list --layouts)")
    prints = tuple(PrintProduct(project.layouts[name]) for name in chosen)
    return (*prints, *((EBOOK,) if "epub" in formats else ()))


def print_products(project: Project) -> tuple[PrintProduct, ...]:
    """Every print product the project can make: the built-in layouts, then its own."""
    return tuple(PrintProduct(layout) for layout in project.layouts.values())
