"""Booklet imposition on real WeasyPrint PDFs, read back with pypdf: sheet size, page order, fonts,
metadata."""

from __future__ import annotations

import math
import re
from io import BytesIO
from pathlib import Path

import pytest
from conftest import impose_booklet
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from weasyprint import HTML

REPO = Path(__file__).resolve().parent.parent
FONT = REPO / "assets" / "fonts" / "AtkinsonHyperlegible-Regular.ttf"
A5 = (419.53, 595.28)
HALF_LETTER = (396.0, 612.0)
COUNTS = (1, 2, 3, 4, 5, 6, 8, 9)

# What each printed side should carry, (left, right), in output order: sheet 0 front, sheet 0 back,
# sheet 1 front … Written out by hand from the saddle-stitch rule, with blanks ("") just before the last
# page (the back cover).
EXPECTED = {
    1: [(0, 1), (0, 0)],
    2: [(2, 1), (0, 0)],
    3: [(3, 1), (2, 0)],
    4: [(4, 1), (2, 3)],
    5: [(5, 1), (2, 0), (0, 3), (4, 0)],
    6: [(6, 1), (2, 0), (0, 3), (4, 5)],
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],
    9: [(9, 1), (2, 0), (0, 3), (4, 0), (8, 5), (6, 7)],
}


def marker(number: int) -> str:
    return f"PAGE-{number:02d}" if number else ""


def leaflet_html(pages: int, size: str = "A5", head: str = "", extra_css: str = "", body: str = "") -> str:
    sections = "".join(f'<section style="break-before: page"><h1>{marker(n)}</h1></section>'
                       for n in range(1, pages + 1))
    return (f'<html lang="en"><head><title>Test leaflet</title>{head}<style>'
            f'@font-face {{ font-family: Atk; src: url("{FONT.as_uri()}") }}'
            f"@page {{ size: {size}; margin: 15mm }} body {{ font-family: Atk }} {extra_css}"
            f"</style></head><body>{sections}{body}</body></html>")


def weasyprint_pdf(html: str, **options) -> bytes:
    return HTML(string=html).write_pdf(**options)


@pytest.fixture(scope="module")
def a5_pdfs() -> dict[int, bytes]:
    """A real A5 WeasyPrint PDF for each page count, one marker per page."""
    pdfs = {count: weasyprint_pdf(leaflet_html(count)) for count in COUNTS}
    for count, pdf in pdfs.items():
        assert len(PdfReader(BytesIO(pdf)).pages) == count  # the input is what the tests think it is
    return pdfs


@pytest.fixture(scope="module")
def imposed(a5_pdfs: dict[int, bytes]) -> dict[int, PdfReader]:
    return {count: PdfReader(BytesIO(impose_booklet(pdf))) for count, pdf in a5_pdfs.items()}


def half_texts(page: PageObject) -> tuple[str, str]:
    """The page markers on the left and right halves of a sheet, by where each piece of text is drawn."""
    middle = float(page.mediabox.width) / 2
    found: tuple[list[str], list[str]] = ([], [])

    def visit(text, cm, tm, font_dict, font_size) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]  # the text origin in page space: tm × cm
        if text.strip():
            found[x >= middle].append(text)

    page.extract_text(visitor_text=visit)
    left, right = ("".join(texts) for texts in found)
    return " ".join(re.findall(r"PAGE-\d\d", left)), " ".join(re.findall(r"PAGE-\d\d", right))


def sides(reader: PdfReader) -> list[tuple[str, str]]:
    return [half_texts(page) for page in reader.pages]


def test_the_half_reader_tells_left_from_right(a5_pdfs: dict[int, bytes]) -> None:
    """The order tests rely on half_texts: a sheet made by hand with one page on its right half reads so."""
    source = PdfReader(BytesIO(a5_pdfs[2])).pages
    writer = PdfWriter()
    sheet = writer.add_blank_page(width=2 * A5[0], height=A5[1])
    sheet.merge_transformed_page(source[1], Transformation().translate(A5[0], 0))
    assert half_texts(sheet) == ("", "PAGE-02")
    sheet.merge_transformed_page(source[0], Transformation())
    assert half_texts(sheet) == ("PAGE-01", "PAGE-02")


@pytest.mark.parametrize("count", COUNTS)
def test_sheet_count_is_two_sides_per_four_pages(imposed: dict[int, PdfReader], count: int) -> None:
    assert len(imposed[count].pages) == math.ceil(count / 4) * 2


@pytest.mark.parametrize("count", COUNTS)
def test_every_sheet_is_two_a5_pages_wide_landscape_and_upright(imposed: dict[int, PdfReader],
                                                                count: int) -> None:
    for page in imposed[count].pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(2 * A5[0], abs=0.5)
        assert float(box.height) == pytest.approx(A5[1], abs=0.5)
        assert float(box.width) > float(box.height)
        assert page.rotation == 0


@pytest.mark.parametrize("count", COUNTS)
def test_pages_are_in_saddle_stitch_order(imposed: dict[int, PdfReader], count: int) -> None:
    expected = [(marker(left), marker(right)) for left, right in EXPECTED[count]]
    assert sides(imposed[count]) == expected


@pytest.mark.parametrize("count", [2, 3, 5, 6, 9])
def test_padding_keeps_the_last_page_on_the_back_cover_with_blanks_before_it(
        imposed: dict[int, PdfReader], count: int) -> None:
    read = sides(imposed[count])
    n = len(read) * 2  # booklet positions
    at = {}
    for i in range(n // 4):
        (at[n - 2 * i], at[2 * i + 1]), (at[2 * i + 2], at[n - 2 * i - 1]) = read[2 * i], read[2 * i + 1]
    in_reading_order = [at[position] for position in range(1, n + 1)]
    blanks = n - count
    assert blanks > 0
    assert read[0][0] == marker(count)  # back cover: the left half of sheet 0's front
    assert in_reading_order == [marker(p) for p in range(1, count)] + [""] * blanks + [marker(count)]


def test_a_single_page_stays_the_front_cover(imposed: dict[int, PdfReader]) -> None:
    assert sides(imposed[1]) == [("", "PAGE-01"), ("", "")]


@pytest.mark.parametrize("count", COUNTS)
def test_fonts_are_embedded_on_every_printed_side(imposed: dict[int, PdfReader], count: int) -> None:
    for page, (left, right) in zip(imposed[count].pages, sides(imposed[count]), strict=True):
        fonts = page.get("/Resources", {}).get("/Font", {})
        if left or right:
            assert fonts, "a side with text has no fonts"
        for name, font in fonts.items():
            assert font_is_embedded(font.get_object()), name


def font_is_embedded(font) -> bool:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_content_is_vector_text_in_compressed_streams(imposed: dict[int, PdfReader]) -> None:
    for page in imposed[8].pages:
        # nothing rasterised
        assert "/XObject" not in page["/Resources"] or not page["/Resources"]["/XObject"]
        contents = page["/Contents"].get_object()
        streams = contents if isinstance(contents, list) else [contents]
        for stream in streams:
            assert stream.get_object().get("/Filter") == "/FlateDecode"


def test_same_input_gives_the_same_bytes_and_a_stable_file_identifier(a5_pdfs: dict[int, bytes]) -> None:
    first = impose_booklet(a5_pdfs[6], title="Calcium", author="Team")
    assert impose_booklet(a5_pdfs[6], title="Calcium", author="Team") == first
    file_id = PdfReader(BytesIO(first)).trailer["/ID"]
    assert len(file_id) == 2 and file_id[0] == file_id[1] and len(file_id[0].original_bytes) == 16
    other_input = PdfReader(BytesIO(impose_booklet(a5_pdfs[5], title="Calcium",
                                                   author="Team"))).trailer["/ID"]
    other_title = PdfReader(BytesIO(impose_booklet(a5_pdfs[6], title="Other", author="Team"))).trailer["/ID"]
    assert other_input[0] != file_id[0] and other_title[0] != file_id[0]


def test_metadata_has_title_author_and_creator_and_claims_no_tagging() -> None:
    link = '<p><a href="https://example.org/">link</a></p>'
    source = weasyprint_pdf(leaflet_html(3, body=link), pdf_variant="pdf/ua-1")
    root = PdfReader(BytesIO(source)).trailer["/Root"]
    assert "/StructTreeRoot" in root and "/Metadata" in root  # so the checks below can fail
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    reader = PdfReader(BytesIO(impose_booklet(source, title="Knee pain", author="Dr Ada Lee")))
    assert reader.metadata["/Title"] == "Knee pain"
    assert reader.metadata["/Author"] == "Dr Ada Lee"
    assert reader.metadata["/Creator"] == "leafbind"
    root = reader.trailer["/Root"]
    for key in ("/StructTreeRoot", "/MarkInfo", "/Outlines"):
        assert key not in root
    assert all("/StructParents" not in page and "/Annots" not in page for page in reader.pages)
    xmp = root["/Metadata"].get_object().get_data().decode()  # kept (issue 13), without the PDF/UA claim
    assert "<dc:title>" in xmp and "pdfuaid:part" not in xmp


def test_without_title_or_author_the_inputs_are_kept(a5_pdfs: dict[int, bytes]) -> None:
    metadata = PdfReader(BytesIO(impose_booklet(a5_pdfs[4]))).metadata
    assert metadata["/Title"] == "Test leaflet"  # the input's <title>
    assert "/Author" not in metadata and metadata["/Creator"] == "leafbind"


def test_half_letter_pages_make_letter_landscape_sheets() -> None:
    reader = PdfReader(BytesIO(impose_booklet(weasyprint_pdf(leaflet_html(6, size="5.5in 8.5in")))))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(792, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(612, abs=0.5)
    assert sides(reader) == [(marker(left), marker(right)) for left, right in EXPECTED[6]]


def test_a_pdf_without_pages_is_refused() -> None:
    empty = BytesIO()
    PdfWriter().write(empty)
    with pytest.raises(ValueError, match="no pages"):
        impose_booklet(empty.getvalue())


def test_pages_of_different_sizes_are_refused() -> None:
    css = "@page big { size: A4 } .big { page: big }"
    mixed = weasyprint_pdf(leaflet_html(2, extra_css=css, body='<section class="big">BIG</section>'))
    with pytest.raises(ValueError, match=r"one size.*page 3 is 595\.28 × 841\.89 pt"):
        impose_booklet(mixed)


def test_bytes_that_are_not_a_pdf_are_refused() -> None:
    with pytest.raises(ValueError, match="not a readable PDF"):
        impose_booklet(b"this is not a PDF")
