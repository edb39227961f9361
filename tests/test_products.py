"""The print products, read back from real PDFs: page geometry, imposition order, type sizes, bleed, the QR
code, the clinic's branding and contact box, and the settings that choose and check them.

Every product of the `clinic` scenario (tests/roots/clinic: two leaflets, the clinic's logo, website, accent,
contact box, a layout of its own and a restyled print.css) is built once for the session and read back; the
tests of options and settings build a copy of it."""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import build
from PIL import Image
from pypdf import PdfReader

from leafbind import ProblemReport, open_project
from publish import cli

MM = 72 / 25.4
A4, A5, A4_LANDSCAPE = (595.28, 841.89), (419.53, 595.28), (841.89, 595.28)
LETTER, HALF_LETTER, LETTER_LANDSCAPE = (612.0, 792.0), (396.0, 612.0), (792.0, 612.0)
URL = "https://leaflets.millbrook-health.example/{slug}/"
SLUGS = ("ankle-sprain", "hay-fever")
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def built_clinic(built) -> Path:
    """The clinic's outputs: every layout it lists (standard, booklet, large-print, press, waiting-room),
    EPUB."""
    return built("clinic")


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def pdf_path(dist: Path, slug: str, tail: str) -> Path:
    edition = {"ankle-sprain": 2, "hay-fever": 1}[slug]
    return dist / slug / f"{slug}-ed{edition}{tail}"


def size(page) -> tuple[float, float]:
    box = page.trimbox
    return round(float(box.width), 2), round(float(box.height), 2)


def text_runs(page) -> list[tuple[str, float, float, float]]:
    """Every piece of text on the page as (text, size in pt as printed, x, y), from the PDF's text
    operations."""
    runs = []

    def visit(text, cm, tm, font, font_size):
        if text.strip():
            a, b, c, d, e, f = tm
            m = [a * cm[0] + b * cm[2], a * cm[1] + b * cm[3], c * cm[0] + d * cm[2], c * cm[1] + d * cm[3],
                 e * cm[0] + f * cm[2] + cm[4], e * cm[1] + f * cm[3] + cm[5]]
            runs.append((text, round(font_size * math.hypot(m[2], m[3]), 2), m[4], m[5]))  # pt, to 1/100

    page.extract_text(visitor_text=visit)
    return runs


def smallest_type(path: Path, above: float = 0.0) -> float:
    """The smallest text size on any page, leaving out text below `above` pt from the bottom (the footer)."""
    return min(size for page in PdfReader(path).pages for _, size, _, y in text_runs(page) if y > above)


def qr_codes(path: Path, page: int, crop: str | None = None) -> list[str]:
    """What the QR codes on a page say, read from the page as a reader's phone sees it (rendered at
    150 dpi)."""
    out = path.parent / f"qr-{path.stem}-{page}"
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), "-singlefile",
                    str(path), str(out)], check=True)
    image = Image.open(f"{out}.png")
    if crop == "left":
        image = image.crop((0, 0, image.width // 2, image.height))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def half_sheet_pages(path: Path) -> list[int | None]:
    """Each half-sheet of an imposed booklet, left then right, side by side: the page number printed on it."""
    found = []
    for page in PdfReader(path).pages:
        middle = float(page.mediabox.width) / 2
        halves: dict[str, list[str]] = {"left": [], "right": []}
        for text, _, x, _ in text_runs(page):
            halves["left" if x < middle else "right"].append(text)
        for half in ("left", "right"):
            numbers = PAGE_NUMBER.findall(" ".join(halves[half]))
            found.append(int(numbers[0][0]) if numbers else None)
    return found


def saddle_stitch(pages: int) -> list[int | None]:
    """The order a folded booklet needs, worked out by hand: blanks before the back cover."""
    n = pages + (-pages % 4)
    at = [*range(1, pages), *[None] * (n - pages), pages]  # booklet position → page (1-based), None: blank
    order = []
    for sheet in range(n // 4):
        order += [at[n - 2 * sheet - 1], at[2 * sheet], at[2 * sheet + 1], at[n - 2 * sheet - 2]]
    return order


# --- Every layout of every leaflet of the clinic (the session build makes them all) -------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_standard_is_the_a4_handout_with_12_pt_body_text(built_clinic: Path, slug: str) -> None:
    path = pdf_path(built_clinic, slug, ".pdf")
    pages = PdfReader(path).pages
    assert {size(page) for page in pages} == {A4}
    assert 2 <= len(pages) <= 8  # the back matter follows the article (issue 13): these short leaflets take 3
    assert smallest_type(path, above=24 * MM) >= 12  # the footer in the bottom margin is 9 pt
    assert smallest_type(path) < 12  # … and the footer is there, so the measure above did leave something out


@pytest.mark.parametrize("slug", SLUGS)
def test_booklet_sheets_are_a4_landscape_in_saddle_stitch_order(built_clinic: Path, slug: str) -> None:
    pages = PdfReader(pdf_path(built_clinic, slug, "-booklet-pages.pdf")).pages
    sheets = PdfReader(pdf_path(built_clinic, slug, "-booklet.pdf")).pages
    assert {size(page) for page in pages} == {A5}
    assert {size(page) for page in sheets} == {A4_LANDSCAPE}
    assert len(sheets) == math.ceil(len(pages) / 4) * 2
    assert half_sheet_pages(pdf_path(built_clinic, slug, "-booklet.pdf")) == saddle_stitch(len(pages))


def test_booklet_halves_hold_the_same_text_as_the_a5_pages(built_clinic: Path) -> None:
    """Not only the page numbers: each half-sheet carries its whole page, vector text and all."""
    slug = "hay-fever"
    pages = PdfReader(pdf_path(built_clinic, slug, "-booklet-pages.pdf")).pages
    # front: back cover left, page 1 right
    sheet = PdfReader(pdf_path(built_clinic, slug, "-booklet.pdf")).pages[0]
    middle = float(sheet.mediabox.width) / 2
    right = " ".join(text for text, _, x, _ in text_runs(sheet) if x >= middle)
    left = " ".join(text for text, _, x, _ in text_runs(sheet) if x < middle)
    assert " ".join(right.split()) == " ".join(" ".join(t for t, *_ in text_runs(pages[0])).split())
    assert " ".join(left.split()) == " ".join(" ".join(t for t, *_ in text_runs(pages[-1])).split())
    assert smallest_type(pdf_path(built_clinic, slug, "-booklet-pages.pdf"), above=19 * MM) >= 12


@pytest.mark.parametrize("slug", SLUGS)
def test_large_print_is_at_least_16_pt_everywhere(built_clinic: Path, slug: str) -> None:
    path = pdf_path(built_clinic, slug, "-large-print.pdf")
    reader = PdfReader(path)
    assert {size(page) for page in reader.pages} == {A4}
    assert smallest_type(path) >= 16  # every piece of text, footer and citations included
    body = [size for page in reader.pages for text, size, _, _ in text_runs(page) if len(text) > 40]
    assert min(body) >= 18
    assert len(reader.pages) > len(PdfReader(pdf_path(built_clinic, slug, ".pdf")).pages)


@pytest.mark.parametrize("slug", SLUGS)
def test_press_has_3_mm_bleed_crop_marks_and_pdf_x_4(built_clinic: Path, slug: str) -> None:
    path = pdf_path(built_clinic, slug, "-press.pdf")
    reader = PdfReader(path)
    for page in reader.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (round(float(trim.width), 2), round(float(trim.height), 2)) == A4
        # the bleed is 3 mm; the media box holds 10 mm more beyond it for the crop marks (issue 13)
        for outer, by in ((bleed, 3 * MM), (media, 13 * MM)):
            assert float(trim.left) - float(outer.left) == pytest.approx(by, abs=0.01)
            assert float(outer.right) - float(trim.right) == pytest.approx(by, abs=0.01)
            assert float(trim.bottom) - float(outer.bottom) == pytest.approx(by, abs=0.01)
            assert float(outer.top) - float(trim.top) == pytest.approx(by, abs=0.01)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in metadata
    assert smallest_type(path, above=24 * MM) >= 12


def crop_marks_drawn(path: Path) -> bool:
    """True when the first page has dark pixels at its top left corner, from the media box's corner to the
    trim lines (the crop marks continue them, beyond the bleed); for a page without bleed, its 3 mm corner."""
    out = path.parent / f"marks-{path.stem}"
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", "-gray", str(path),
                    str(out)], check=True)
    page = PdfReader(path).pages[0]
    to_trim = round(float(page.trimbox.left) - float(page.mediabox.left)) or round(3 * MM)
    corner = Image.open(f"{out}.png").convert("L").crop((0, 0, to_trim + 1, to_trim + 1))
    return corner.getextrema()[0] < 128


def test_crop_marks_are_drawn_beyond_the_bleed_of_press_only(built_clinic: Path) -> None:
    assert crop_marks_drawn(pdf_path(built_clinic, "ankle-sprain", "-press.pdf"))
    assert not crop_marks_drawn(pdf_path(built_clinic, "ankle-sprain", ".pdf"))


@pytest.mark.parametrize("tail", [".pdf", "-booklet-pages.pdf", "-large-print.pdf", "-press.pdf",
                                  "-waiting-room-pages.pdf"])
def test_last_page_has_a_qr_code_to_the_leaflet_short_url_and_contact_box(built_clinic: Path,
                                                                          tail: str) -> None:
    for slug in SLUGS:
        path = pdf_path(built_clinic, slug, tail)
        reader = PdfReader(path)
        last = len(reader.pages)
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[-2:])
        # the contact box: last page
        assert "Questions about this leaflet?" in reader.pages[-1].extract_text()
        # large print: the QR link may be a page before
        codes = qr_codes(path, last) or qr_codes(path, last - 1)
        assert codes == [URL.format(slug=slug)]
        assert (f"leaflets.millbrook-health.example/{slug}".replace("-", "")
                in text.replace(" ", "").replace("-", ""))
        assert "Questions about this leaflet?" in text
        assert "0113 496 0218" in text and "nurses@millbrook-health.example" in text
        assert "Millbrook Health Centre" in reader.pages[0].extract_text()


def test_booklet_back_cover_carries_the_qr_code(built_clinic: Path) -> None:
    path = pdf_path(built_clinic, "ankle-sprain", "-booklet.pdf")
    assert qr_codes(path, 1, crop="left") == [URL.format(slug="ankle-sprain")]


def test_no_website_no_qr_code(project: Path) -> None:
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text().replace("website =", "# website ="))
    build(project, slugs=("hay-fever",), formats=("pdf",))
    path = pdf_path(project / "dist", "hay-fever", ".pdf")
    assert qr_codes(path, len(PdfReader(path).pages)) == []
    assert "Read this leaflet online" not in PdfReader(path).pages[-1].extract_text()


def test_epub_has_the_contact_box(built_clinic: Path) -> None:
    import zipfile

    with zipfile.ZipFile(pdf_path(built_clinic, "ankle-sprain", ".epub")) as book:
        cite = book.read("EPUB/cite.xhtml").decode()
    assert "Questions about this leaflet?" in cite
    assert 'href="tel:01134960218"' in cite and "mailto:nurses@millbrook-health.example" in cite


def test_manifest_lists_every_product_with_its_layout(built_clinic: Path) -> None:
    manifest = json.loads((built_clinic / "manifest.json").read_text())
    for leaflet in manifest["leaflets"]:
        outputs = {Path(o["path"]).name.split("-ed")[1]: (o["format"], o["layout"], o["imposed"])
                   for o in leaflet["editions"][0]["outputs"]}
        assert outputs == {
            "1.pdf" if leaflet["slug"] == "hay-fever" else "2.pdf": ("pdf", "standard", False),
            **{f"{leaflet['editions'][0]['edition']}{tail}": value for tail, value in (
                ("-booklet.pdf", ("pdf", "booklet", True)), ("-booklet-pages.pdf", ("pdf", "booklet", False)),
                ("-large-print.pdf", ("pdf", "large-print", False)), ("-press.pdf", ("pdf", "press", False)),
                ("-waiting-room.pdf", ("pdf", "waiting-room", True)),
                ("-waiting-room-pages.pdf", ("pdf", "waiting-room", False)),
                (".epub", ("epub", None, False)))},
        }


# --- Choosing layouts -------------------------------------------------------------------------------------


def test_layout_option_is_repeatable_and_builds_only_those(project: Path) -> None:
    result = run("build", "hay-fever", "--layout", "booklet", "-l", "large-print", "--format", "pdf",
                 "--project", str(project), "--json")
    assert result.exit_code == 0, result.output
    names = sorted(Path(o["path"]).name for o in json.loads(result.stdout)["outputs"])
    assert names == ["hay-fever-ed1-booklet-pages.pdf", "hay-fever-ed1-booklet.pdf",
                     "hay-fever-ed1-large-print.pdf"]
    again = run("build", "hay-fever", "-l", "booklet", "-l", "standard", "--format", "pdf",
                "--project", str(project), "--json")
    assert [Path(o["path"]).name for o in json.loads(again.stdout)["outputs"]] == ["hay-fever-ed1.pdf"]


def test_unknown_layout_is_a_usage_error(project: Path) -> None:
    result = run("build", "--layout", "poster", "--project", str(project))
    assert result.exit_code == 2
    assert 'no layout "poster"' in result.output and "booklet" in result.output


def test_letter_booklet_is_half_letter_pages_on_letter_sheets(project: Path) -> None:
    build(project, page_size="letter", slugs=("hay-fever",), formats=("pdf",), layouts=("booklet",))
    pages = PdfReader(pdf_path(project / "dist", "hay-fever", "-booklet-pages.pdf")).pages
    sheets = PdfReader(pdf_path(project / "dist", "hay-fever", "-booklet.pdf")).pages
    assert {size(page) for page in pages} == {HALF_LETTER}
    assert {size(page) for page in sheets} == {LETTER_LANDSCAPE}
    assert half_sheet_pages(pdf_path(project / "dist", "hay-fever", "-booklet.pdf")) == \
        saddle_stitch(len(pages))


def test_a_projects_own_layout_builds_and_is_listed(project: Path) -> None:
    # The clinic defines [layout.waiting-room] with layouts/waiting-room.css; here it restyles press too.
    assert '[layout.waiting-room]\nstylesheet = "waiting-room.css"\nbased_on = "booklet"' in (
        project / "leafbind.toml").read_text()
    assert (project / "layouts" / "waiting-room.css").read_text().startswith(
        "/* The rack booklet: the booklet layout with a larger summary")
    (project / "layouts" / "press.css").write_text('{% include "base/press.css" %}\n'
                                                   'h2 { font-size: 18pt; }\n')
    listed = run("list", "--layouts", "--project", str(project))
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.startswith("waiting-room"))
    assert "based on booklet" in row and "A4 sheets, two A5 pages a side" in row
    assert "<slug>-ed<N>-waiting-room.pdf" in row
    rows = {line.split()[0]: line for line in listed.output.splitlines()[1:6]}
    assert set(rows) == {"standard", "booklet", "large-print", "press", "waiting-room"}
    assert "built-in, styled by layouts/press.css" in rows["press"]
    assert "styled by" not in rows["booklet"]
    result = build(project, slugs=("ankle-sprain",), formats=("pdf",), layouts=("waiting-room",))
    assert result.problems == ()
    assert {(o.layout, o.imposed, Path(o.path).name) for o in result.outputs} == {
        ("waiting-room", True, "ankle-sprain-ed2-waiting-room.pdf"),
        ("waiting-room", False, "ankle-sprain-ed2-waiting-room-pages.pdf")}
    summary = [t for t, size, _, _ in text_runs(PdfReader(project / "dist" / result.outputs[1].path).pages[0])
               if "How to look after a sprained" in t]
    assert summary


def test_default_layouts_come_from_leafbind_toml(scenario) -> None:
    project = scenario("clinic", layouts=("large-print", "press"))
    result = build(project, slugs=("hay-fever",), formats=("pdf",))
    assert sorted(o.layout for o in result.outputs) == ["large-print", "press"]


# --- Branding settings and their checks -------------------------------------------------------------------


def settings_problems(project: Path, *lines: str) -> list[str]:
    settings = project / "leafbind.toml"
    text = settings.read_text()
    for line in lines:
        key = line.split("=")[0].strip()
        text = re.sub(rf"(?m)^{key} = .*$", line, text) if re.search(rf"(?m)^{key} = ", text) else \
            line + "\n" + text
    settings.write_text(text)
    with pytest.raises(ProblemReport) as caught:
        open_project(project)
    return [str(problem) for problem in caught.value.problems]


def test_accent_too_light_is_a_configuration_error_with_a_darker_suggestion(project: Path) -> None:
    [message] = settings_problems(project, 'accent = "#7fd1c9"')
    line = next(n for n, text in enumerate((project / "leafbind.toml").read_text().splitlines(), 1)
                if text.startswith("accent"))
    assert message.startswith(f"leafbind.toml:{line}: accent: With accent #7fd1c9, the contrast of heading "
                              "and link text (accent) on white paper is 1.77:1; it needs at least 4.5:1 "
                              "(WCAG AA).")
    suggestion = re.search(r"such as (#[0-9a-f]{6})", message)[1]
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text().replace("#7fd1c9", suggestion))
    assert open_project(project).palette.accent == suggestion


def test_accent_that_fails_only_in_greyscale_is_refused(project: Path) -> None:
    [message] = settings_problems(project, 'accent = "#8855aa"')
    assert "when printed in greyscale" in message


@pytest.mark.parametrize("line, expected", [
    ('accent = "teal"', 'accent: "teal" is not a colour: write it as #rrggbb'),
    ('layouts = ["standard", "bookelt"]', 'layouts: "bookelt" is not a layout (did you mean "booklet"?)'),
])
def test_bad_branding_settings_are_named_with_their_line(project: Path, line: str, expected: str) -> None:
    [message] = settings_problems(project, line)
    assert expected in message and re.match(r"leafbind\.toml:\d+: ", message)


def test_contact_without_phone_or_email_is_refused(project: Path) -> None:
    settings = project / "leafbind.toml"
    settings.write_text(re.sub(r"(?m)^(phone|email) = .*\n", "", settings.read_text()))
    with pytest.raises(ProblemReport) as caught:
        open_project(project)
    [problem] = caught.value.problems
    assert problem.field == "contact" and "neither a phone number nor an email address" in problem.message


def test_check_command_reports_a_bad_accent_and_exits_1(project: Path) -> None:
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text().replace('accent = "#1d5c8c"', 'accent = "#ffcc00"'))
    result = run("check", "--project", str(project))
    assert result.exit_code == 1
    assert "accent: With accent #ffcc00" in result.output and "Traceback" not in result.output


def test_organisation_and_accent_colour_reach_the_pdf(project: Path) -> None:
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text().replace('accent = "#1d5c8c"', 'accent = "#7a1f5c"')
                        .replace("Millbrook Health Centre", "Northgate Clinic"))
    build(project, slugs=("hay-fever",), formats=("pdf",))
    path = pdf_path(project / "dist", "hay-fever", ".pdf")
    assert PdfReader(path).pages[0].extract_text().startswith("Northgate Clinic")
    content = PdfReader(path).pages[0].get_contents().get_data().decode("latin-1")
    red, green, blue = (f"{math.floor(int('7a1f5c'[i:i + 2], 16) / 255 * 1000) / 1000:.3f}"
                        for i in (0, 2, 4))
    assert re.search(rf"{red}\d* {green}\d* {blue}\d* (rg|RG)", content), "accent colour not used"
