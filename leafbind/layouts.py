"""The print layouts: named products made from the same leaflet, each a stylesheet plus how its PDF is
finished.

Built in: `standard` (the A4 / Letter handout), `booklet` (A5 / half-Letter pages, also imposed two to a sheet
for a folded, stapled booklet), `large-print` (18 pt clear print for readers with low vision) and `press`
(3 mm bleed, crop marks and PDF/X-4 for a print shop). A project adds its own in leafbind.toml
(`[layout.NAME]`, with its stylesheet in layouts/ and the finishing of the built-in layout it is based on),
and overrides a built-in layout's look by putting a stylesheet of the same name in its own layouts/ folder.
"""

from __future__ import annotations

from dataclasses import dataclass

STANDARD = "standard"
# the e-book is a product too (products.Ebook), though not a print layout: no layout may take its name
EPUB = "epub"

# The CSS `size` of a layout's pages, and the name a clinic knows the paper by, for each paper size.
PAPER = {
    "a4": {"full": ("A4 portrait", "A4"), "half": ("A5 portrait", "A5")},
    "letter": {"full": ("letter portrait", "Letter"), "half": ("5.5in 8.5in", "half-Letter")},
}
SHEET_WIDTH = {"a4": 297 * 72 / 25.4, "letter": 11 * 72}  # pt: a booklet's sheets are this paper, landscape


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    stylesheet: str  # a template in layouts/ (the project's first, then the built-in ones)
    half_pages: bool = False  # A5 / half-Letter pages instead of A4 / Letter
    impose: bool = False  # also write the pages imposed for saddle-stitch printing
    variant: str | None = None  # the PDF variant this product always uses; None: the build's --pdf-variant
    origin: str = "built-in"  # or "leafbind.toml line N"
    based_on: str | None = None

    def page_size(self, paper: str) -> str:
        """The CSS `@page { size }` of its pages on this paper (a4 or letter)."""
        return PAPER[paper]["half" if self.half_pages else "full"][0]

    def paper_name(self, paper: str) -> str:
        """What to print it on, as a clinic says it: "A4", or "A4, two A5 pages a side" for a booklet."""
        full, half = PAPER[paper]["full"][1], PAPER[paper]["half"][1]
        if self.impose:
            return f"{full} sheets, two {half} pages a side"
        return half if self.half_pages else full

    def sheet_width(self, paper: str) -> float:
        """The width in pt of the sheets a booklet is imposed on (A4 or Letter, landscape)."""
        return SHEET_WIDTH[paper]

    def pdf_variant(self, chosen: str) -> str:
        return self.variant or chosen


BUILTIN = {layout.name: layout for layout in (
    Layout(STANDARD, "The handout for an office printer: one-sided or duplex, on A4 or Letter.", "print.css"),
    Layout("booklet", "A5 (half-Letter) pages imposed two to a sheet: print duplex, flip on the short edge, "
                      "fold and staple. The A5 pages are kept too, for reading on screen.",
           "booklet.css", half_pages=True, impose=True),
    Layout("large-print", "Clear print for readers with low vision: 18 pt text, wide line spacing, "
                          "black on white, left-aligned, no hyphenation.", "large-print.css"),
    Layout("press", "For a print shop: 3 mm bleed, crop marks and PDF/X-4.", "press.css", variant="pdf/x-4"),
)}
