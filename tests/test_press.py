"""The press PDF as a print shop's preflight reads it, the booklet sheets' metadata, and PDF/UA's rule that
every painting operator is real content or an artifact, on every page of every layout (issue 13).

Read back with pikepdf (the output intent, its ICC profile, page boxes, content streams, the structure tree's
ParentTree), Pillow's LittleCMS (the profile) and pdftoppm (where the crop marks land on the rendered page).
The `clinic` scenario builds every layout; the settings tests build a copy of it."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from conftest import build
from PIL import Image, ImageCms
from weasyprint import HTML

from leafbind import ProblemReport, open_project

MM = 72 / 25.4
A4 = (595.28, 841.89)
REPO = Path(__file__).resolve().parent.parent
PROFILE = REPO / "assets" / "profiles" / "cgats-tr006-coated.icc"
SLUGS = {"ankle-sprain": 2, "hay-fever": 1}
TAILS = (".pdf", "-booklet.pdf", "-booklet-pages.pdf", "-large-print.pdf", "-press.pdf", "-waiting-room.pdf",
         "-waiting-room-pages.pdf")
IMPOSED = ("-booklet.pdf", "-waiting-room.pdf")  # sheets for printing: untagged by design (README)
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE"}


@pytest.fixture(scope="module")
def dist(built) -> Path:
    return built("clinic")


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("press",))


def output(dist: Path, slug: str, tail: str) -> Path:
    return dist / slug / f"{slug}-ed{SLUGS[slug]}{tail}"


def box(page: pikepdf.Page, name: str) -> tuple[float, ...]:
    return tuple(float(value) for value in page.obj[name])


# --- The output intent -------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_press_pdf_has_a_pdf_x_output_intent_with_an_embedded_cmyk_printer_profile(dist: Path,
                                                                                   slug: str) -> None:
    with pikepdf.open(output(dist, slug, "-press.pdf")) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        [intent] = pdf.Root.OutputIntents
        assert intent.Type == "/OutputIntent" and intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "CGATS TR 006"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "GRACoL" in str(intent.Info) and "TR 006" in str(intent.Info)
        stream = intent.DestOutputProfile
        assert stream.is_indirect and int(stream.N) == 4
        profile = stream.read_bytes()
        for page in pdf.pages:  # WeasyPrint paints in DeviceRGB: PDF/X-4 wants it to mean a calibrated RGB
            default = page.obj.Resources.ColorSpace.DefaultRGB
            assert default[0] == "/ICCBased" and int(default[1].N) == 3
            assert ImageCms.ImageCmsProfile(BytesIO(default[1].read_bytes())).profile.xcolor_space == "RGB "
    assert profile == PROFILE.read_bytes()  # the shipped profile, whole
    read = ImageCms.ImageCmsProfile(BytesIO(profile)).profile  # LittleCMS reads it
    assert (read.xcolor_space, read.connection_space, read.device_class) == ("CMYK", "Lab ", "prtr")
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(
        BytesIO(profile)), "RGB", "CMYK")  # it has the PCS → CMYK tables a printer profile needs
    cyan, magenta, yellow, black = ImageCms.applyTransform(Image.new("RGB", (1, 1), (0, 0, 0)),
                                                           transform).getpixel((0, 0))
    assert black > 200 and min(cyan, magenta, yellow) > 100  # black on press: rich black under the ink limit


def test_the_other_layouts_have_no_output_intent(dist: Path) -> None:
    for tail in (".pdf", "-large-print.pdf", "-booklet-pages.pdf"):
        with pikepdf.open(output(dist, "hay-fever", tail)) as pdf:
            assert "/OutputIntents" not in pdf.Root
            assert "/DefaultRGB" not in pdf.pages[0].obj.Resources.ColorSpace


# --- Boxes and crop marks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_trim_and_bleed_boxes_are_right_on_every_page_and_the_media_box_has_room_beyond(
        dist: Path, slug: str) -> None:
    with pikepdf.open(output(dist, slug, "-press.pdf")) as pdf:
        assert len(pdf.pages) >= 2  # every page checked, not only the first
        for page in pdf.pages:
            trim, bleed, media = box(page, "/TrimBox"), box(page, "/BleedBox"), box(page, "/MediaBox")
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=0.01)
            assert [b - t for b, t in zip(bleed, trim, strict=True)] == pytest.approx(
                [-3 * MM, -3 * MM, 3 * MM, 3 * MM], abs=0.01)
            assert [m - b for m, b in zip(media, bleed, strict=True)] == pytest.approx(
                [-10 * MM, -10 * MM, 10 * MM, 10 * MM], abs=0.01)
            assert "/CropBox" not in page.obj or box(page, "/CropBox") == media


def rendered(path: Path, page: int, dpi: int = 150) -> Image.Image:
    out = path.parent / f"press-{path.stem}-{page}"
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(out)], check=True)
    return Image.open(f"{out}.png").convert("L")


def test_crop_marks_lie_beyond_the_bleed_at_every_corner_and_the_bleed_stays_white(dist: Path) -> None:
    path = output(dist, "ankle-sprain", "-press.pdf")
    with pikepdf.open(path) as pdf:
        pages = [tuple(box(page, name) for name in ("/TrimBox", "/BleedBox", "/MediaBox"))
                 for page in pdf.pages]
    dpi = 150
    for number in (1, len(pages)):
        trim, bleed, media = pages[number - 1]
        image = rendered(path, number, dpi)

        def pixels(x0: float, y0: float, x1: float, y1: float, image=image, media=media) -> Image.Image:
            """The part of the page between two points in PDF coordinates (y up from the media's bottom)."""
            scale = dpi / 72
            return image.crop((round((x0 - media[0]) * scale), round((media[3] - y1) * scale),
                               round((x1 - media[0]) * scale), round((media[3] - y0) * scale)))

        # the bleed: the band between the trim and the BleedBox, on all four sides: no mark, nothing printed
        for band in ((bleed[0], bleed[1], trim[0], bleed[3]), (trim[2], bleed[1], bleed[2], bleed[3]),
                     (bleed[0], bleed[1], bleed[2], trim[1]), (bleed[0], trim[3], bleed[2], bleed[3])):
            assert pixels(*band).getextrema()[0] > 230, f"page {number}: printed in the bleed {band}"
        # beyond the bleed, at each corner: a horizontal and a vertical mark continuing the trim lines
        for x, y, outward_x, outward_y in ((trim[0], trim[1], -1, -1), (trim[2], trim[1], 1, -1),
                                           (trim[0], trim[3], -1, 1), (trim[2], trim[3], 1, 1)):
            beyond_x = sorted((x + outward_x * 3.5 * MM, x + outward_x * 10 * MM))
            beyond_y = sorted((y + outward_y * 3.5 * MM, y + outward_y * 10 * MM))
            horizontal = pixels(beyond_x[0], y - 1, beyond_x[1], y + 1)
            vertical = pixels(x - 1, beyond_y[0], x + 1, beyond_y[1])
            assert horizontal.getextrema()[0] < 128 and vertical.getextrema()[0] < 128, (number, x, y)


def test_crop_marks_are_artifacts_in_the_registration_colour(dist: Path) -> None:
    with pikepdf.open(output(dist, "hay-fever", "-press.pdf")) as pdf:
        page = pdf.pages[0]
        content = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)).decode("latin-1")
        marks = re.search(r"/Artifact BMC\s+q\s+(/\S+) CS\s+1 SCN.*?S\s+Q\s+EMC\s*$", content, re.DOTALL)
        assert marks, content[-400:]
        colour = page.obj.Resources.ColorSpace[marks[1]]
        assert colour[0] == "/Separation" and colour[1] == "/All" and colour[2] == "/DeviceCMYK"


# --- The booklet's sheets keep the document's metadata ------------------------------------------------------


@pytest.mark.parametrize("tail", IMPOSED)
def test_booklet_sheets_keep_the_documents_metadata(dist: Path, tail: str) -> None:
    for slug in SLUGS:
        pages_pdf = pikepdf.open(output(dist, slug, tail.replace(".pdf", "-pages.pdf")))
        sheets = pikepdf.open(output(dist, slug, tail))
        source, kept = pages_pdf.docinfo, sheets.docinfo
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate", "/ModDate", "/Creator"):
            assert key in source, key  # the source has it, so the check below can fail
            assert str(kept[key]) == str(source[key]), key
        assert str(sheets.Root.Lang) == str(pages_pdf.Root.Lang) == "en-GB"
        xmp = sheets.Root.Metadata.read_bytes().decode()
        source_xmp = pages_pdf.Root.Metadata.read_bytes().decode()
        for field in ("dc:title", "dc:creator", "dc:description", "pdf:Keywords", "xmp:CreateDate",
                      "xmp:ModifyDate"):
            found = re.search(rf"<{field}>.*?</{field}>", source_xmp, re.DOTALL)
            assert found and found[0] in xmp, field
        assert "pdfuaid:part" in source_xmp and "pdfuaid:part" not in xmp  # the sheets are not tagged
        assert "/StructTreeRoot" not in sheets.Root


# --- Artifacts: every painting operator is real content or an artifact --------------------------------------


def _reachable(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    seen, stack = set(), [root.get("/K")]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type", "/StructElem") == "/StructElem":
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
            stack.append(item.get("/K"))
    return seen


def _parent_tree(node) -> dict[int, object]:
    found = {}
    nums = node.get("/Nums", pikepdf.Array())
    for index in range(0, len(nums), 2):
        found[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        found.update(_parent_tree(kid))
    return found


def unmarked_painting(pdf: pikepdf.Pdf) -> list[str]:
    """Every painting or text-showing operator that lies in no marked-content sequence that is /Artifact or
    has an MCID the ParentTree maps to a structure element the StructTreeRoot reaches, as "page N: op"; and
    every MCID used twice on a page."""
    root = pdf.Root.StructTreeRoot
    reachable, parents = _reachable(root), _parent_tree(root.ParentTree)
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        mcids = parents.get(int(page.obj.StructParents), pikepdf.Array())
        stack: list[bool] = []  # per open sequence: does it make its content real or an artifact?
        used: set[int] = set()
        for instruction in pikepdf.parse_content_stream(page):
            operator = (str(instruction.operator) if isinstance(instruction, pikepdf.ContentStreamInstruction)
                        else "INLINE IMAGE")
            if operator in ("BDC", "BMC"):
                tag = instruction.operands[0]
                properties = instruction.operands[1] if operator == "BDC" else None
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                real = (mcid is not None and int(mcid) < len(mcids)
                        and isinstance(mcids[int(mcid)], pikepdf.Dictionary)
                        and mcids[int(mcid)].objgen in reachable)
                if mcid is not None:
                    if int(mcid) in used:
                        found.append(f"page {number}: MCID {mcid} used twice")
                    used.add(int(mcid))
                stack.append(tag == "/Artifact" or real)
            elif operator == "EMC":
                stack.pop()
            elif operator in PAINTING and not any(stack):
                found.append(f"page {number}: {operator}")
        assert stack == [], f"page {number}: marked content left open"
    return found


def test_the_check_finds_weasyprints_untagged_running_footer() -> None:
    """The check below can fail: on WeasyPrint's own PDF/UA output, the footer's text is neither."""
    html = ('<html lang="en"><title>T</title><style>'
            '@page { @bottom-center { content: "Page " counter(page) } }</style><p>Text</p></html>')
    with pikepdf.open(BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))) as pdf:
        assert unmarked_painting(pdf) == ["page 1: TJ"]


@pytest.mark.parametrize("tail", TAILS)
def test_every_painting_operator_is_real_content_or_an_artifact(dist: Path, tail: str) -> None:
    for slug in SLUGS:
        with pikepdf.open(output(dist, slug, tail)) as pdf:
            if tail in IMPOSED:  # sheets for printing: no structure tree at all, and no claim of PDF/UA
                assert "/StructTreeRoot" not in pdf.Root
                assert "pdfuaid:part" not in pdf.Root.Metadata.read_bytes().decode()
                continue
            assert pdf.Root.MarkInfo.Marked
            assert unmarked_painting(pdf) == []
            for number, page in enumerate(pdf.pages, start=1):
                content = pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page))
                assert b"/Artifact << /Type /Pagination >> BDC" in content, f"page {number}: no footer"


# --- The print shop's own profile ---------------------------------------------------------------------------


def set_press(project: Path, *lines: str) -> Path:
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text() + "\n[press]\n" + "\n".join(lines) + "\n")
    return settings


def test_a_projects_own_profile_and_condition_go_into_the_output_intent(project: Path) -> None:
    shop = project / "assets" / "profiles" / "shop.icc"
    shop.parent.mkdir(parents=True)
    shop.write_bytes(PROFILE.read_bytes())
    set_press(project, 'output_profile = "assets/profiles/shop.icc"', 'output_condition = "FOGRA39"')
    result = build(project, slugs=("hay-fever",), formats=("pdf",))
    assert result.problems == ()
    with pikepdf.open(project / "dist" / result.outputs[0].path) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.Info) == "GRACoL TR006 coated (leafbind)"  # the profile's own description
        assert intent.DestOutputProfile.read_bytes() == shop.read_bytes()


def _not_cmyk() -> bytes:
    import weasyprint

    return (Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc").read_bytes()


def _scanner() -> bytes:
    data = bytearray(PROFILE.read_bytes())
    data[12:16] = b"scnr"
    return bytes(data)


@pytest.mark.parametrize("name, data, expected", [
    ("rgb.icc", _not_cmyk, 'is an ICC profile for RGB, not CMYK'),
    ("scanner.icc", _scanner, "is an input (scanner) profile, not a printer (output) profile"),
    ("notes.icc", lambda: b"not a profile at all\n" * 10, "is not an ICC profile"),
    ("cut.icc", lambda: PROFILE.read_bytes()[:5000], "is not an ICC profile"),
    ("missing.icc", None, "was not found"),
    ("shop.pdf", lambda: b"%PDF-1.7\n", "is not a supported file type"),
])
def test_a_profile_that_is_not_a_cmyk_printer_profile_is_refused_with_its_line(project: Path, name, data,
                                                                                expected: str) -> None:
    if data is not None:
        (project / "assets" / name).write_bytes(data())
    settings = set_press(project, f'output_profile = "assets/{name}"')
    with pytest.raises(ProblemReport) as caught:
        open_project(project)
    [problem] = caught.value.problems
    line = settings.read_text().splitlines().index(f'output_profile = "assets/{name}"') + 1
    assert str(problem).startswith(f'leafbind.toml:{line}: press.output_profile: "assets/{name}" ')
    assert expected in str(problem)


def test_the_built_in_profile_ships_in_the_wheel() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"assets/profiles" = "leafbind/builtin/assets/profiles"' in pyproject
    assert shutil.which("pdftoppm")  # the crop-mark test above renders pages
