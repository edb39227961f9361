"""Saddle-stitch booklet imposition: a leaflet's PDF pages → printer sheets, two pages side by side.

`impose_booklet` takes the PDF of a leaflet whose pages all have one size (A5 portrait or half-Letter, as
WeasyPrint makes them) and returns a new PDF of sheets twice as wide and as tall as a page, or as wide as
asked (A4 or Letter landscape). Printed on both sides with "flip on short edge", stacked in order, folded in
the middle and stapled on the fold, the sheets read as the leaflet, page 1 on the front cover. No page is
rotated.

Booklet positions run 1 … n, n the page count rounded up to a multiple of 4. Sheet i (0-based) carries
positions (n − 2i, 2i + 1) on its front, left then right, and (2i + 2, n − 2i − 1) on its back.

Padding: the first page stays the front cover and the LAST page stays the back cover (position n), because the
last page of a leaflet carries the clinic's contact box and QR code; the blank pages go just before it. A
one-page leaflet is only a front cover, followed by three blank pages.

The pages are placed as vector content (fonts, paths and images are carried over as they are; nothing is
rasterised), each clipped to its MediaBox: TrimBox and BleedBox are ignored, as our booklet pages have no
bleed. Links and other annotations are left out: the sheets are for printing, and a link to a named
destination would point into a document that no longer exists. The output is not tagged and claims no PDF/UA
(the input's structure tree and outlines are not copied), but it keeps the input's document metadata: its
information dictionary (title, author, subject, keywords, dates), language and XMP metadata, with the XMP's
claims of conformance (PDF/UA, PDF/A, PDF/X) taken out. The same input gives the same bytes: the file
identifier is a hash of the input and the options, and nothing is taken from the clock.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from io import BytesIO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject, NameObject

CREATOR = "leafbind"
SIZE_TOLERANCE = 0.01  # pt: pages whose width and height differ by more than this are not the same size
# An XMP property claiming conformance to a standard (pdfuaid:part, pdfaid:conformance, pdfxid:GTS_PDFXVersion
# …), as an attribute or an element: the sheets are not tagged, have no output intent, and claim none.
CONFORMANCE_CLAIM = re.compile(r'\s(pdfuaid|pdfaid|pdfxid):\w+="[^"]*"'
                               r"|<(pdfuaid|pdfaid|pdfxid):(\w+)>[^<]*</\2:\3>")

Side = tuple[int | None, int | None]  # (left, right): 0-based page indexes of the leaflet, None for a blank


def impose_booklet(pages_pdf: bytes, *, sheet_width: float | None = None, title: str | None = None,
                   author: str | None = None) -> bytes:
    """The PDF of booklet sheets for the leaflet PDF `pages_pdf`; see the module docstring.

    `sheet_width` (pt) makes the sheets that wide when it is more than two pages, with the pair centred on the
    fold: two A5 pages are 296 mm, A4 is 297 mm. The input's document metadata is kept; `title` and `author`
    replace its /Title and /Author when given; /Creator is "leafbind". Raises ValueError if the input is not a
    readable PDF, has no pages, or has pages of different sizes.
    """
    reader = _read(pages_pdf)
    width, height = page_size(reader.pages)
    sheet = max(2 * width, sheet_width or 0)
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    for side in booklet_sides(len(reader.pages)):
        _add_side(writer, reader.pages, side, (width, height), sheet)
    _set_metadata(writer, reader, title, author)
    writer._ID = _file_identifier(pages_pdf, title, author)  # pypdf has no public setter for /ID
    writer.compress_identical_objects()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def booklet_positions(page_count: int) -> list[int | None]:
    """The leaflet page (0-based) at each booklet position 1 … n, in order; None for a blank page.

    The pages keep their order, and the blanks that round the count up to a multiple of 4 go just before the
    last page, which stays the back cover (a single page stays the front cover).
    """
    if page_count < 1:
        raise ValueError("a booklet needs at least one page")
    blanks = -page_count % 4
    if page_count == 1:
        return [0, *[None] * blanks]
    return [*range(page_count - 1), *[None] * blanks, page_count - 1]


def booklet_sides(page_count: int) -> list[Side]:
    """Each printed side in output order (sheet 0 front, sheet 0 back, sheet 1 front, …) as (left, right)."""
    positions = booklet_positions(page_count)
    n = len(positions)

    def at(position: int) -> int | None:  # 1-based booklet position → leaflet page
        return positions[position - 1]

    sides: list[Side] = []
    for i in range(n // 4):
        sides.append((at(n - 2 * i), at(2 * i + 1)))
        sides.append((at(2 * i + 2), at(n - 2 * i - 1)))
    return sides


def page_size(pages: Sequence[PageObject]) -> tuple[float, float]:
    """The (width, height) in pt of the MediaBox that all `pages` share; ValueError if none or not all
    alike."""
    if len(pages) == 0:
        raise ValueError("the PDF has no pages to impose")
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in pages]
    width, height = sizes[0]
    for number, (w, h) in enumerate(sizes, start=1):
        if abs(w - width) > SIZE_TOLERANCE or abs(h - height) > SIZE_TOLERANCE:
            raise ValueError("all pages must have one size to be imposed: "
                             f"page 1 is {width:.2f} × {height:.2f} pt, "
                             f"page {number} is {w:.2f} × {h:.2f} pt")
    return width, height


def _read(pages_pdf: bytes) -> PdfReader:
    try:
        return PdfReader(BytesIO(pages_pdf))
    except PyPdfError as error:
        raise ValueError(f"not a readable PDF: {error}") from error


def _add_side(writer: PdfWriter, pages: Sequence[PageObject], side: Side, size: tuple[float, float],
              sheet_width: float) -> None:
    """One printed side: a blank sheet, with the side's pages merged either side of its middle (the fold)."""
    width, height = size
    sheet = writer.add_blank_page(width=sheet_width, height=height)
    for slot, index in enumerate(side):
        if index is not None:
            page = _placeable(pages[index])
            box = page.mediabox
            x = sheet_width / 2 + (slot - 1) * width
            sheet.merge_transformed_page(page, Transformation().translate(x - box.left, -box.bottom))
    sheet.compress_content_streams()


def _placeable(page: PageObject) -> PageObject:
    """The page ready to merge: clipped to its MediaBox (pypdf clips to the CropBox), without annotations."""
    page.cropbox = page.mediabox
    if "/Annots" in page:
        del page[NameObject("/Annots")]
    return page


def _set_metadata(writer: PdfWriter, reader: PdfReader, title: str | None, author: str | None) -> None:
    """The input's information dictionary, language and XMP metadata (without its conformance claims), with
    `title` and `author` when given; /Creator is leafbind (the /Producer stays the input's, as in its XMP)."""
    info = {"/Producer": "pypdf", **(reader.metadata or {}), "/Creator": CREATOR}
    if title is not None:
        info["/Title"] = title
    if author is not None:
        info["/Author"] = author
    writer.metadata = info
    catalog = reader.trailer["/Root"]
    if "/Lang" in catalog:
        writer.root_object[NameObject("/Lang")] = catalog["/Lang"]
    xmp = catalog.get("/Metadata")
    if xmp is not None:
        text = xmp.get_object().get_data().decode("utf-8")
        writer.xmp_metadata = CONFORMANCE_CLAIM.sub("", text).encode("utf-8")
        writer.root_object["/Metadata"].get_object().update(
            {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})


def _file_identifier(pages_pdf: bytes, title: str | None, author: str | None) -> ArrayObject:
    """The /ID pair: both halves the same (a first version of a file), from a hash of the input and
    options."""
    digest = hashlib.sha256(pages_pdf)
    digest.update(json.dumps([title, author]).encode())
    value = ByteStringObject(digest.digest()[:16])
    return ArrayObject([value, value])
