"""Hostile and broken inputs: no active content gets into any output, no file from outside the project is
read, and nothing an editor can write takes leafbind down (issue 11).

Each test builds a small purpose-made project (`clinic`) rather than a copy of the README's sample, and
changes one thing in it. `conftest.build` runs EPUBCheck and the active-content checks on every output it
writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import (
    REPO,
    assert_inert_epub,
    build,
    damaged_copy,
    inert_epub_problems,
    inert_pdf_problems,
    pdf_pages,
    snapshot,
)
from PIL import Image

from leafbind import check_catalogue, open_project
from leafbind.assets import clean_svg
from publish import cli

LEAFLET = """\
---
title: Knee pain
summary: How to look after a sore knee at home.
authors:
  - nurse
published: 2026-01-05
review: 2028-01-05
sources:
  - title: Knee pain
    publisher: Riverside Health
    year: 2025
---

Rest your knee and keep it raised.

{body}

## When to get help

See your GP if it gets worse.
"""
AUTHORS = """\
nurse:
  name: Ada Lovelace
  credentials: Practice nurse
  bio: Ada writes the practice's leaflets about joints and muscles.
"""
GOOD_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">
  <title>A knee</title>
  <rect x="2" y="2" width="36" height="16" fill="#0b6e69"/>
</svg>
"""


def clinic(root: Path, body: str = "", *, settings: str = 'organisation = "Riverside Health"\n') -> Path:
    """A project with one leaflet, `knee-pain`, whose body gets `body` after its first paragraph."""
    (root / "leaflets").mkdir(parents=True, exist_ok=True)
    (root / "leaflets" / "authors.yaml").write_text(AUTHORS, "utf-8")
    (root / "leaflets" / "knee-pain.md").write_text(LEAFLET.format(body=body), "utf-8")
    (root / "leafbind.toml").write_text(settings, "utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    return [str(problem) for problem in check_catalogue(open_project(root)).problems]


def with_image(root: Path, name: str, data: bytes | str, written: str | None = None) -> Path:
    """The clinic with `name` in leaflets/images/ and the leaflet showing it (as `written`, if given)."""
    folder = root / "leaflets" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(data.encode() if isinstance(data, str) else data)
    clinic(root, f"![A drawing of a knee]({written or 'images/' + name})")
    return target


# --- 1. Active content: SVGs are cleaned or refused, with the line ----------------------------------------

HOSTILE_SVGS = {
    "script": ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>',
               "a script (line 2)"),
    "event handler": ('<svg xmlns="http://www.w3.org/2000/svg">\n<rect\n onclick="alert(1)"/>\n</svg>',
                      'an event handler (onclick="…") (line 2)'),
    "onload on the root": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an event handler"),
    "entity": ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
               '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
               "declares entities (line 3)"),
    "laughs": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
               '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "declares entities"),
    "remote image": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
                     '<image xlink:href="http://tracker.example/pixel.png"/></svg>',
                     'a reference to "http://tracker.example/pixel.png", outside the image (line 2)'),
    "local file": ('<svg xmlns="http://www.w3.org/2000/svg"><image href="../../secret.png"/></svg>',
                   'a reference to "../../secret.png"'),
    "html inside": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject>'
                    '<p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject></svg>',
                    "embedded HTML (foreignObject)"),
    "style url": ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(http://x.example/f) }'
                  '</style></svg>', 'a reference to "http://x.example/f"'),
    "style attribute": ('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(file:///etc/x)"/>'
                        '</svg>', 'a reference to "file:///etc/x"'),
    "outside stylesheet": ('<?xml-stylesheet href="http://x.example/s.css"?>\n'
                           '<svg xmlns="http://www.w3.org/2000/svg"/>', "an outside stylesheet"),
    "javascript link": ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">'
                        '<text>x</text></a></svg>', 'a reference to "javascript:alert(1)"'),
    "animated href": ('<svg xmlns="http://www.w3.org/2000/svg"><a>'
                      '<set attributeName="href" to="javascript:x"/></a></svg>',
                      "an animation that changes a link"),
    "not svg": ("<html><body>hello</body></html>", "is not an SVG image"),
    "broken": ('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "is not a valid SVG image (line 1"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SVGS))
def test_hostile_svg_is_refused_with_the_leaflet_line(tmp_path: Path, case: str) -> None:
    svg, said = HOSTILE_SVGS[case]
    with_image(tmp_path, "knee.svg", svg)
    problems = problems_of(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith('leaflets/knee-pain.md:16: body: image "images/knee.svg" ')
    assert said in problems[0]


def test_inert_svg_is_written_again_without_doctype_comments_or_other_programs_data(tmp_path: Path) -> None:
    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- drawn by hand -->\n'
           '<svg xmlns="http://www.w3.org/2000/svg" '
           'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
           'xmlns:xlink="http://www.w3.org/1999/xlink" inkscape:version="1.3" width="40" height="20">'
           '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
           '<inkscape:grid/><rect id="r" fill="url(#g)" width="40" height="20"/><use xlink:href="#r"/></svg>')
    cleaned = clean_svg(svg.encode()).decode()
    assert "DOCTYPE" not in cleaned and "drawn by hand" not in cleaned and "inkscape" not in cleaned
    assert 'fill="url(#g)"' in cleaned and 'xlink:href="#r"' in cleaned and "<linearGradient" in cleaned
    with_image(tmp_path, "knee.svg", svg)
    result = build(tmp_path, layouts=("standard",))
    assert result.problems == ()
    with zipfile.ZipFile(tmp_path / "dist" / "knee-pain" / "knee-pain-ed1.epub") as book:
        assert book.read("EPUB/leaflets/images/knee.svg").decode() == cleaned


def test_the_checks_for_active_content_can_fail(tmp_path: Path) -> None:
    """The checkers `conftest.build` runs on every output find what they look for."""
    with_image(tmp_path, "knee.svg", GOOD_SVG)
    build(tmp_path, layouts=("standard",))
    source = tmp_path / "dist" / "knee-pain" / "knee-pain-ed1.epub"
    hostile = damaged_copy(source, tmp_path / "hostile.epub", [
        ("EPUB/leaflet.xhtml", b"</body>",
         b'<script>x()</script><img src="https://t.example/p.png" onerror="x()" alt=""/></body>')])
    found = inert_epub_problems(hostile)
    assert any("<script>" in item for item in found) and any("onerror=" in item for item in found)
    assert any("https://t.example/p.png" in item for item in found)
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=tmp_path / "dist" / "knee-pain" / "knee-pain-ed1.pdf")
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}))
    scripted = tmp_path / "scripted.pdf"
    writer.write(scripted)
    assert any("/JavaScript" in item for item in inert_pdf_problems(scripted))


# --- 2. One asset gate: what a file says it is, and where it really lies ---------------------------------


@pytest.mark.parametrize("name, data, said", [
    ("knee.png", "this is not a picture", "is not a readable PNG image"),
    ("knee.png", None, "is a JPEG image, not PNG as its name says"),
    ("knee.jpg", None, "is a JPEG image"),  # control: the same file, rightly named, is fine
    ("knee.gif", b"GIF89a\x01\x00", "is not a readable GIF image"),
])
def test_an_image_must_be_what_its_name_says_for_every_format(tmp_path: Path, name: str, data,
                                                              said: str) -> None:
    if data is None:
        Image.new("RGB", (8, 8), "teal").save(tmp_path / "jpeg", "JPEG")
        data = (tmp_path / "jpeg").read_bytes()
    with_image(tmp_path / "p", name, data)
    problems = problems_of(tmp_path / "p")
    if name == "knee.jpg":
        assert problems == []
        return
    assert problems == [f'leaflets/knee-pain.md:16: body: image "images/{name}" {said}'] or \
        (len(problems) == 1 and said in problems[0]
         and problems[0].startswith("leaflets/knee-pain.md:16: body:"))
    # The e-book alone takes the same gate: nothing is written.
    result = build(tmp_path / "p", formats=("epub",))
    assert result.failed == ("knee-pain",) and result.outputs == ()


def test_a_truncated_png_is_refused(tmp_path: Path) -> None:
    Image.effect_noise((64, 64), 80).save(tmp_path / "full.png")  # noise: a large IDAT chunk to cut into
    data = (tmp_path / "full.png").read_bytes()
    with_image(tmp_path / "p", "knee.png", data[: len(data) // 2])
    [problem] = problems_of(tmp_path / "p")
    assert 'image "images/knee.png" is not a readable PNG image' in problem


def test_a_picture_too_large_to_decode_safely_is_refused(tmp_path: Path) -> None:
    Image.new("1", (8000, 6000)).save(tmp_path / "big.png")  # 48 megapixels, a few kilobytes
    with_image(tmp_path / "p", "knee.png", (tmp_path / "big.png").read_bytes())
    [problem] = problems_of(tmp_path / "p")
    assert "is 8000 × 6000 pixels: scale it down to at most 40 megapixels" in problem


def test_a_symlinked_folder_under_assets_does_not_let_outside_files_in(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.svg").write_text(GOOD_SVG, "utf-8")
    root = clinic(tmp_path / "p", "![A secret](../assets/shared/secret.svg)")
    (root / "assets").mkdir()
    (root / "assets" / "shared").symlink_to(outside)
    [problem] = problems_of(root)
    assert problem == ('leaflets/knee-pain.md:16: body: image "../assets/shared/secret.svg" points outside '
                       'the project (through a link or "..")')


def test_a_symlinked_font_is_refused_and_never_read(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    fonts = root / "assets" / "fonts"
    fonts.mkdir(parents=True)
    outside = tmp_path / "font.ttf"
    shutil.copy(REPO / "assets" / "fonts" / "AtkinsonHyperlegible-Regular.ttf", outside)
    (fonts / "AtkinsonHyperlegible-Regular.ttf").symlink_to(outside)
    before = snapshot(root / "dist")
    result = build(root, layouts=("standard",))
    assert result.failed == ("knee-pain",)
    assert "AtkinsonHyperlegible-Regular.ttf" in str(result.problems[0])
    assert "points outside the project" in str(result.problems[0])
    assert snapshot(root / "dist") == before


def test_a_leaflet_that_is_a_link_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    outside = tmp_path / "private.md"
    outside.write_text(LEAFLET.format(body="Private notes."), "utf-8")
    (root / "leaflets" / "notes.md").symlink_to(outside)
    problems = problems_of(root)
    assert problems == [f"leaflets/notes.md: is a link to {outside}, outside the project: leafbind reads "
                        "only the project's own files; copy the file into the project instead"]
    result = build(root, layouts=("standard",))
    assert result.failed == ("notes",) and result.built == ("knee-pain",)
    assert "Private notes" not in (root / "dist" / ".leafbind-state.json").read_text()


def test_a_layout_that_is_a_link_outside_is_refused(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    outside = tmp_path / "masthead.html.jinja"
    outside.write_text("<p>a file from elsewhere</p>", "utf-8")
    (root / "layouts" / "partials").mkdir(parents=True)
    (root / "layouts" / "partials" / "masthead.html.jinja").symlink_to(outside)
    result = build(root, layouts=("standard",))
    assert result.failed == ("knee-pain",)
    assert "partials/masthead.html.jinja" in str(result.problems[0]) and "outside" in str(result.problems[0])


def test_a_link_inside_the_project_is_fine(tmp_path: Path) -> None:
    """Links are judged by where they lead, not refused for being links."""
    root = clinic(tmp_path / "p")
    (root / "shared").mkdir()
    (root / "shared" / "knee.svg").write_text(GOOD_SVG, "utf-8")
    (root / "leaflets" / "images").symlink_to(root / "shared")
    (root / "leaflets" / "knee-pain.md").write_text(LEAFLET.format(body="![A knee](images/knee.svg)"),
                                                    "utf-8")
    assert problems_of(root) == []


# --- 5. Silent loss or wrong output -----------------------------------------------------------------------


@pytest.mark.parametrize("written", ["images/knee%20photo%C3%A9.png", "<images/knee photoé.png>"])
def test_an_image_name_with_a_space_or_an_accent_is_found(tmp_path: Path, written: str) -> None:
    Image.new("RGB", (40, 30), "teal").save(tmp_path / "photo.png")
    with_image(tmp_path / "p", "knee photoé.png", (tmp_path / "photo.png").read_bytes(), written)
    # EPUBCheck: no spaces or accents in the book's names
    result = build(tmp_path / "p", layouts=("standard",))
    assert result.problems == ()
    with zipfile.ZipFile(tmp_path / "p" / "dist" / "knee-pain" / "knee-pain-ed1.epub") as book:
        [image] = [name for name in book.namelist() if name.endswith(".png") and name != "EPUB/cover.png"]
    assert image.startswith("EPUB/leaflets/images/knee-photo-") and image.isascii() and " " not in image


def test_a_long_unbreakable_token_stays_on_the_paper(tmp_path: Path) -> None:
    token = "https://example.org/" + "a" * 20000
    root = clinic(tmp_path / "p", f"Copy this: {token[:3000]}\n\n`{token[:2000]}`\n\n    {token[:1500]}")
    result = build(root, layouts=("standard", "large-print"), formats=("pdf",), lint=False)
    assert result.problems == ()
    for name in ("knee-pain-ed1.pdf", "knee-pain-ed1-large-print.pdf"):
        pdf = root / "dist" / "knee-pain" / name
        width = float(subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True)
                      .stdout.split("Page size:")[1].split()[0])
        boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                               check=True).stdout
        right = [float(part.split('"')[1]) for part in boxes.split() if part.startswith("xMax=")]
        assert right and max(right) <= width - 20, f"{name}: text runs to {max(right):.0f} of {width:.0f} pt"
        assert sum(page.count("a" * 40) for page in pdf_pages(pdf)) > 10  # the token is printed, not dropped


@pytest.mark.parametrize("body", [">" * 3000 + " deep", "*" * 8000 + "x" + "*" * 8000, "[" * 8000 + "x",
                                  "- " * 2000 + "x", "1. " * 1500 + "x", "`" * 5000, "\\" * 5000 + "x"])
def test_pathological_markdown_gives_a_message_or_an_output_never_a_crash(tmp_path: Path, body: str) -> None:
    root = clinic(tmp_path / "p", body)
    result = CliRunner().invoke(cli, ["build", "--project", str(root), "--layout", "standard", "--quiet"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


def test_nested_lists_up_to_the_limit_are_all_printed(tmp_path: Path) -> None:
    nested = "\n".join("  " * level + f"- level{level + 1}" for level in range(8))
    root = clinic(tmp_path / "p", nested)
    result = build(root, layouts=("standard",), lint=False)
    assert result.problems == ()
    text = " ".join(pdf_pages(root / "dist" / "knee-pain" / "knee-pain-ed1.pdf"))
    assert all(f"level{level}" in text for level in range(1, 9))


# --- 3, 4. Bounded inputs and faults in the other YAML files ----------------------------------------------

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]\n" for n in range(8))


def test_billion_laughs_in_authors_yaml_is_refused_at_once(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    (root / "leaflets" / "authors.yaml").write_text(AUTHORS + LAUGHS, "utf-8")
    problems = problems_of(root)
    assert problems[0] == ("leaflets/authors.yaml:5: anchors and aliases (&name, *name) are not allowed: "
                           "write each value out in full")


def test_billion_laughs_in_the_plain_words_list_is_refused(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    (root / "plain-words.yaml").write_text("terms:\n  haemorrhage: bleeding\n" + LAUGHS, "utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert result.exit_code == 1
    assert "plain-words.yaml:3: anchors and aliases (&name, *name) are not allowed" in result.output


def test_a_leaflet_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p", "Rest. " * 400_000)
    assert problems_of(root) == ["leaflets/knee-pain.md: is larger than 2 MB: split it into several files (a "
                                 "leaflet this long is too long to read)"]


def test_a_control_character_is_named_not_printed(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p")
    path = root / "leaflets" / "knee-pain.md"
    path.write_text(path.read_text().replace("title: Knee pain", "title: Knee\x1b[2Jpain\x00"), "utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert result.exit_code == 1
    assert ("leaflets/knee-pain.md:2: has the invisible character U+001B (escape) at column 12"
            in result.output)
    assert "\x1b" not in result.output and "\x00" not in result.output


def test_a_synonym_for_a_setting_gets_a_hint(tmp_path: Path) -> None:
    root = clinic(tmp_path / "p", settings='base_url = "https://leaflets.example/"\n')
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert result.exit_code == 1
    assert 'leafbind.toml:1: base_url: is not a known setting (did you mean "website"?)' in result.output


# --- 6. Same bytes wherever the project sits and whatever subsetter the machine has ----------------------


def test_same_bytes_in_another_folder_at_another_time_without_the_harfbuzz_subsetter(tmp_path: Path) -> None:
    """Built once; then copied to another folder and built again an hour later in a process where WeasyPrint
    finds no HarfBuzz subsetter: every output is byte-identical."""
    first = clinic(tmp_path / "here", "![A drawing of a knee](images/knee.svg)",
                   settings='website = "https://leaflets.example/"\n'
                            'layouts = ["standard", "booklet", "press"]\n')
    (first / "leaflets" / "images").mkdir()
    (first / "leaflets" / "images" / "knee.svg").write_text(GOOD_SVG, "utf-8")
    Image.new("RGB", (40, 30), "teal").save(first / "leaflets" / "images" / "photo.png")
    (first / "leaflets" / "knee-pain.md").write_text(LEAFLET.format(
        body="![A drawing of a knee](images/knee.svg)\n\n![A photo of a knee](images/photo.png)"), "utf-8")
    build(first, force=True)
    second = Path(shutil.copytree(first, tmp_path / "a" / "much" / "deeper" / "folder"))
    shutil.rmtree(second / "dist")
    script = ("import sys, time_machine, datetime\n"
              "import weasyprint.text.ffi as ffi, weasyprint.pdf.fonts as fonts\n"
              "ffi.harfbuzz_subset = fonts.harfbuzz_subset = None\n"
              "from pathlib import Path\nfrom leafbind import BuildOptions, open_project, build_catalogue\n"
              "with time_machine.travel(datetime.datetime(2031, 5, 6, 7, 8, 9), tick=True):\n"
              "    p = open_project(Path(sys.argv[1]))\n"
              "    r = build_catalogue(p, BuildOptions.resolve(p, force=True))\n"
              "assert not r.problems, r.problems\n")
    subprocess.run([sys.executable, "-c", script, str(second)], check=True, cwd=tmp_path)
    dist = first / "dist"
    found = (p.relative_to(dist) for p in dist.rglob("*-ed1*"))
    outputs = sorted(name for name in found if name.parts[0] != "site")
    assert len(outputs) == 5  # standard, booklet sheets and pages, press, e-book
    outputs += sorted(p.relative_to(dist) for p in (dist / "site").rglob("*") if p.is_file())
    assert Path("site/index.html") in outputs  # the web edition, the same bytes too
    for name in outputs:
        assert (first / "dist" / name).read_bytes() == (second / "dist" / name).read_bytes(), name


# --- 8. Found by trying it as a new user would ------------------------------------------------------------


def test_a_virtualenv_inside_the_project_does_not_leak_into_the_ebook(tmp_path: Path) -> None:
    """The README's quick start makes .venv inside the project: leafbind, installed there, finds its built-in
    fonts under the project folder. The e-book must still name them assets/fonts/… and pass EPUBCheck."""
    root = clinic(tmp_path / "p")
    site = root / ".venv" / "lib" / "python3" / "site-packages"
    shutil.copytree(REPO / "leafbind", site / "leafbind", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "layouts", site / "leafbind" / "builtin" / "layouts")
    shutil.copytree(REPO / "assets" / "fonts", site / "leafbind" / "builtin" / "assets" / "fonts")
    script = ("import sys; sys.path.insert(0, sys.argv[1])\nfrom pathlib import Path\nimport leafbind\n"
              "assert Path(leafbind.__file__).is_relative_to(Path(sys.argv[2]).resolve())\n"
              "p = leafbind.open_project(Path(sys.argv[2]))\n"
              "r = leafbind.build_catalogue(p, leafbind.BuildOptions.resolve(p))\n"
              "assert not r.problems, r.problems\n")
    env = {**os.environ, "PYTHONPATH": ""}
    subprocess.run([sys.executable, "-c", script, str(site), str(root)], check=True, env=env, cwd=tmp_path)
    book = root / "dist" / "knee-pain" / "knee-pain-ed1.epub"
    from conftest import assert_valid_epub

    assert_valid_epub(book)
    assert_inert_epub(book)
    with zipfile.ZipFile(book) as archive:
        names = archive.namelist()
        assert "EPUB/assets/fonts/AtkinsonHyperlegible-Regular.ttf" in names
        assert not any(".venv" in name for name in names)
        assert not any(b".venv" in archive.read(name) for name in names if not name.endswith(".ttf"))


# --- Nothing is read from outside the project -------------------------------------------------------------


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_build_opens_no_file_outside_the_project_its_output_and_the_software(tmp_path: Path) -> None:
    """Under strace, a build (with worker processes) opens only the project's files, the output folder's, the
    package's own and the Python and system libraries — even when the project holds links to files
    elsewhere."""
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.svg").write_text(GOOD_SVG, "utf-8")
    (outside / "diary.md").write_text(LEAFLET.format(body="Private."), "utf-8")
    root = clinic(tmp_path / "p", "![A knee](images/knee.svg)",
                  settings='website = "https://leaflets.example/"\nlayouts = ["standard", "booklet"]\n')
    (root / "leaflets" / "images").mkdir()
    (root / "leaflets" / "images" / "knee.svg").write_text(GOOD_SVG, "utf-8")
    (root / "leaflets" / "diary.md").symlink_to(outside / "diary.md")
    (root / "leaflets" / "secret.md").write_text(LEAFLET.format(body="![A secret](shared/secret.svg)"),
                                                 "utf-8")
    (root / "leaflets" / "shared").symlink_to(outside)
    log = tmp_path / "strace.log"
    command = ["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", str(log), sys.executable,
               str(REPO / "publish.py"), "build", "--project", str(root), "--jobs", "2", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    assert result.returncode == 1, result.stderr  # the two leaflets reaching outside fail; knee-pain builds
    assert "leaflets/diary.md: is a link to" in result.stderr and "secret.svg" in result.stderr
    assert (root / "dist" / "knee-pain" / "knee-pain-ed1.epub").is_file()
    opened, created = _opened_paths(log.read_text())
    assert any(path.startswith(str(root / "leaflets")) for path in opened)  # the log does show the reads
    allowed = [str(root), str(REPO / "leafbind"), str(REPO / "layouts"), str(REPO / "assets" / "fonts"),
               str(REPO / "publish.py"), *_software_folders()]
    strays = sorted(path for path in opened - created - {str(REPO)}  # Python lists publish.py's folder
                    if not any(path == a or path.startswith(a.rstrip("/") + "/") for a in allowed))
    assert strays == []
    assert not any(path.startswith(str(outside)) for path in opened)


def _opened_paths(log: str) -> tuple[set[str], set[str]]:
    """The files the processes opened successfully, from strace's open/openat lines; and, among them, those
    they made themselves (O_CREAT: the temporary files of WeasyPrint's font loading, or of the C compiler that
    ctypes runs to find a library), which are not files of the machine being read."""
    opened, created = set(), set()
    for line in log.splitlines():
        # With -y, strace shows the file a descriptor really refers to, every link resolved:
        # "= 3</real/path>".
        found = re.search(r"= \d+<(.+)>$", line)
        if not found:
            continue
        path = os.path.normpath(found[1])
        if path.startswith("/"):
            opened.add(path)
            if "O_CREAT" in line:
                created.add(path)
    return opened, created


def _software_folders() -> list[str]:
    """Python and its libraries, the system's libraries and configuration (fontconfig, locales, the dynamic
    linker), the kernel's files, and the font caches fontconfig keeps."""
    import site
    import sysconfig

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(),
               sysconfig.get_path("stdlib"), os.path.dirname(os.path.realpath(sys.executable))}
    folders |= {"/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share", "/usr/local/share",
                "/usr/local/lib", "/etc", "/proc", "/sys", "/dev", "/var/cache/fontconfig",
                os.path.expanduser("~/.cache/fontconfig"), os.path.expanduser("~/.fontconfig")}
    return sorted(os.path.realpath(folder) for folder in folders) + sorted(folders)
