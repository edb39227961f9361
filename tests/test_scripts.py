"""Script-aware typesetting (issue 15, part 3): Arabic, Hebrew and Bengali from the bundled Noto faces,
Chinese from the font leafbind.toml's `[fonts]` names (one face of Debian's Noto Sans CJK collection), each
used only for its script, and embedded in an e-book only when the leaflet writes in that script.

Each test writes a small project of one leaflet. The CJK tests read Debian's fonts-noto-cjk at its installed
path (.ci/run installs it); the fonts of a PDF are read with `pdffonts`.
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
from conftest import REPO, assert_valid_epub, build, snapshot
from test_fonts import no_fonts, pdf_fonts, publish
from test_hostile import _opened_paths, _software_folders

from publish import cli

CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SC = f'[fonts.zh-Hans]\nfile = "{CJK}"\nface = "Noto Sans CJK SC"\n'
AUTHORS = "nurse:\n  name: Sam Okoro\n  bio: Sam is a practice nurse.\n"
TEXTS = {  # language → a paragraph, and a bold phrase, in its script
    "ar": ("اغسل يديك بالماء والصابون لمدة عشرين ثانية على الأقل.", "هذا مهم جدا"),
    "he": ("שטפו את הידיים במים ובסבון במשך עשרים שניות לפחות.", "זה חשוב מאוד"),
    "bn": ("সাবান ও জল দিয়ে অন্তত কুড়ি সেকেন্ড ধরে হাত ধুয়ে নিন।", "এটা খুব জরুরি"),
    # 直 and 骨 are drawn differently in Simplified Chinese and Japanese
    "zh-Hans": ("用肥皂和水洗手至少二十秒。直接冲洗骨折处以外的伤口。", "这很重要"),
}
ENGLISH = ("Wash your hands with soap and water for at least 20 seconds.", "This matters")
SCRIPT_FONTS = ("Noto-Naskh-Arabic", "Noto-Sans-Hebrew", "Noto-Sans-Bengali")  # as WeasyPrint names them
needs_cjk = pytest.mark.skipif(not CJK.is_file(), reason="Debian's fonts-noto-cjk is not installed "
                               "(apt-get install fonts-noto-cjk; .ci/run does)")


def project(root: Path, lang: str = "en", settings: str = "") -> Path:
    """A project of one leaflet, `hands`, in `lang`, with a paragraph and a bold phrase in its script."""
    text, bold = TEXTS.get(lang, ENGLISH)
    (root / "leaflets").mkdir(parents=True)
    (root / "leaflets" / "authors.yaml").write_text(AUTHORS, "utf-8")
    (root / "leaflets" / "hands.md").write_text(
        f"---\ntitle: Hands {lang}\nlang: {lang}\nsummary: Washing hands.\nauthors: [nurse]\n"
        f"published: 2026-02-16\n---\n\n{text}\n\n**{bold}.**\n", "utf-8")
    (root / "leafbind.toml").write_text('layouts = ["standard"]\n' + settings, "utf-8")
    return root


def bare_build(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`publish build --no-lint` in a process whose fontconfig finds no font of the machine's."""
    return publish("build", "--project", str(root), "--jobs", "1", "--no-lint", *args,
                   env=no_fonts(tmp_path / "fc"))


def made(root: Path, suffix: str) -> Path:
    return root / "dist" / "hands" / f"hands-ed1{suffix}"


def embedded_fonts(path: Path) -> dict[str, str]:
    """`pdffonts`: each font's name without its subset tag → its "emb" column."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = {}
    for line in lines.splitlines()[2:]:
        columns = line.split()
        fonts[columns[0].split("+")[-1]] = columns[-5]
    return fonts


def epub_fonts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        return sorted(name for name in book.namelist() if name.endswith((".ttf", ".otf")))


@pytest.mark.parametrize(("lang", "font"), [("ar", "Noto-Naskh-Arabic"), ("he", "Noto-Sans-Hebrew"),
                                             ("bn", "Noto-Sans-Bengali")])
def test_a_leaflet_in_a_bundled_script_embeds_its_noto_face_regular_and_bold(tmp_path: Path, lang: str,
                                                                              font: str) -> None:
    """Built with no system fonts at all, the PDF embeds the bundled face (regular and bold) and nothing from
    the machine; the text layer is the leaflet's text; Latin stays in Atkinson Hyperlegible."""
    root = project(tmp_path / lang, lang)
    result = bare_build(root, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    fonts = embedded_fonts(made(root, ".pdf"))
    assert fonts.get(font) == "yes" and fonts.get(f"{font}-Bold") == "yes", fonts
    assert any(name.startswith("Atkinson-Hyperlegible") for name in fonts), fonts
    assert not [name for name in fonts if name.startswith(SCRIPT_FONTS) and not name.startswith(font)], fonts
    text = subprocess.run(["pdftotext", str(made(root, ".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert all(word in text for word in TEXTS[lang][0].rstrip(".।").split()[:3]), text


def test_the_arabic_e_book_carries_the_naskh_face_and_passes_epubcheck(tmp_path: Path) -> None:
    root = project(tmp_path / "ar", "ar")
    result = build(root, lint=False)
    assert result.problems == (), [str(problem) for problem in result.problems]
    book = made(root, ".epub")
    fonts = epub_fonts(book)
    assert "EPUB/assets/fonts/NotoNaskhArabic-Regular.ttf" in fonts, fonts
    assert "EPUB/assets/fonts/NotoNaskhArabic-Bold.ttf" in fonts
    assert not any("Hebrew" in name or "Bengali" in name for name in fonts), fonts
    with zipfile.ZipFile(book) as archive:
        css = archive.read("EPUB/leaflet.css").decode()
    assert 'font-family: "Noto Naskh Arabic"' in css and "unicode-range: U+600" in css, css
    assert_valid_epub(book)


def test_an_english_leaflet_embeds_no_script_font(tmp_path: Path) -> None:
    """The e-book of a leaflet in Latin script carries no Arabic, Hebrew or Bengali font, and its stylesheet
    declares none; the PDF embeds only the Latin families."""
    root = project(tmp_path / "en")
    result = build(root, lint=False)
    assert result.problems == (), [str(problem) for problem in result.problems]
    fonts = epub_fonts(made(root, ".epub"))
    assert fonts and not any(name.split("/")[-1].startswith(("Noto", "lang")) for name in fonts), fonts
    with zipfile.ZipFile(made(root, ".epub")) as archive:
        css = archive.read("EPUB/leaflet.css").decode()
    assert "@font-face" in css and "Noto Naskh Arabic\";\n  src" not in css
    assert not any(font.startswith("Noto") for font in pdf_fonts(made(root, ".pdf")))


def test_a_hebrew_word_in_an_english_leaflet_brings_only_the_hebrew_face(tmp_path: Path) -> None:
    root = project(tmp_path / "en")
    (root / "leaflets" / "hands.md").write_text(
        (root / "leaflets" / "hands.md").read_text("utf-8") + "\nIn Hebrew: שלום.\n", "utf-8")
    result = build(root, lint=False)
    assert result.problems == (), [str(problem) for problem in result.problems]
    fonts = epub_fonts(made(root, ".epub"))
    assert "EPUB/assets/fonts/NotoSansHebrew-Regular.ttf" in fonts
    assert not any("Arabic" in name or "Bengali" in name for name in fonts), fonts
    assert "Noto-Sans-Hebrew" in pdf_fonts(made(root, ".pdf"))


@needs_cjk
def test_a_simplified_chinese_leaflet_embeds_the_configured_sc_face_not_the_japanese_one(tmp_path) -> None:
    """The collection's first face is Japanese: leafbind takes the SC face out, subset to the leaflet's
    characters, so the PDF embeds NotoSansCJKsc-Regular (whose 直 and 骨 are the Chinese forms) and no other
    CJK face; Latin stays in Atkinson Hyperlegible; the e-book carries the subset face and passes
    EPUBCheck."""
    root = project(tmp_path / "zh", "zh-Hans", SC)
    result = bare_build(root, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    fonts = embedded_fonts(made(root, ".pdf"))
    assert fonts.get("NotoSansCJKsc-Regular") == "yes", fonts  # and its bold, drawn by WeasyPrint
    assert not [name for name in fonts if "CJK" in name and not name.startswith("NotoSansCJKsc-")], fonts
    assert any(name.startswith("Atkinson-Hyperlegible") for name in fonts), fonts
    text = subprocess.run(["pdftotext", str(made(root, ".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "直接冲洗骨折处" in text, text
    book = made(root, ".epub")
    cjk = [name for name in epub_fonts(book) if "/lang/" in name]
    assert len(cjk) == 1 and cjk[0].split("/")[-1].startswith("NotoSansCJKsc-Regular-"), cjk
    with zipfile.ZipFile(book) as archive:
        size = archive.getinfo(cjk[0]).file_size
    assert size < 200_000  # a subset: the face alone is 16 MB
    assert_valid_epub(book)


@needs_cjk
def test_the_same_leaflet_makes_the_same_bytes_twice(tmp_path: Path) -> None:
    """The subset face is the same bytes every time: the PDF and the e-book are reproducible."""
    first = project(tmp_path / "one", "zh-Hans", SC)
    second = project(tmp_path / "two", "zh-Hans", SC)
    for root in (first, second):
        result = bare_build(root, tmp_path, "--quiet")
        assert result.returncode == 0, result.stderr
    for suffix in (".pdf", ".epub"):
        assert made(first, suffix).read_bytes() == made(second, suffix).read_bytes(), suffix


@needs_cjk
@pytest.mark.parametrize("lang", ["zh-Hans", "zh", "ja"])
def test_a_cjk_leaflet_without_a_configured_font_fails_naming_the_setting(tmp_path, lang: str) -> None:
    """No traceback, nothing written, and the message names [fonts] and the language; `publish check` says
    the same."""
    root = project(tmp_path / "zh", lang, "" if lang != "ja" else SC)  # an SC face is no Japanese font
    before = snapshot(root / "dist")
    result = bare_build(root, tmp_path)
    assert result.returncode == 1
    expected = f"leafbind.toml: [fonts] has no font for {lang}: "
    assert "leaflets/hands.md:3: font-coverage: error: " + expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "丹" not in result.stderr
    assert snapshot(root / "dist") == before and not list((root / "dist").rglob("*.pdf"))
    checked = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert expected in checked.output and checked.output.count("font-coverage") == 1, checked.output


@needs_cjk
@pytest.mark.parametrize(("lang", "configured", "found"), [
    ("zh-CN", "zh-Hans", True),  # its likely script: Simplified
    ("zh-Hans-SG", "zh-Hans", True),  # a shorter form of the tag
    ("zh-Hant", "zh-Hans", False),  # Traditional Chinese is not set in SC forms
    ("zh-Hant", "zh", True),  # the language alone matches every Chinese leaflet
    ("ja", "zh", False),
])
def test_a_leaflet_finds_its_font_by_the_most_specific_configured_tag(tmp_path: Path, lang: str,
                                                                       configured: str, found: bool) -> None:
    root = project(tmp_path / "p", lang, SC.replace("zh-Hans", configured))
    leaflet = root / "leaflets" / "hands.md"
    leaflet.write_text(leaflet.read_text("utf-8").replace(ENGLISH[0], TEXTS["zh-Hans"][0]), "utf-8")
    output = CliRunner().invoke(cli, ["check", "--project", str(root)]).output
    assert ("font-coverage" not in output) is found, output
    if not found:
        assert f"[fonts] has no font for {lang}: " in output and output.count("font-coverage") == 1, output


@needs_cjk
def test_a_font_collection_needs_a_face_and_the_error_lists_its_faces(tmp_path: Path) -> None:
    root = project(tmp_path / "zh", "zh-Hans", f'[fonts]\nzh-Hans = "{CJK}"\n')
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert result.exit_code != 0
    assert (f'leafbind.toml:3: fonts.zh-Hans: "{CJK}" is a font collection: name the face to use with '
            'face = "…" (it holds "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC"') \
        in result.output, result.output
    (root / "leafbind.toml").write_text(f'[fonts.zh-Hans]\nfile = "{CJK}"\nface = "Noto Sans CJK XX"\n',
                                        "utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert (f'leafbind.toml:3: fonts.zh-Hans: "Noto Sans CJK XX" is not a face of "{CJK}" (it holds '
            '"Noto Sans CJK JP"') in result.output, result.output


def test_a_configured_font_that_is_missing_or_not_a_font_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "en", '[fonts]\nur = "/nowhere/NotoNastaliqUrdu-Regular.ttf"\n'
                   'zh-Hant = "assets/fonts/missing.otf"\nnot_a_tag = "x.ttf"\n')
    output = CliRunner().invoke(cli, ["check", "--project", str(root)]).output
    assert ('leafbind.toml:3: fonts.ur: "/nowhere/NotoNastaliqUrdu-Regular.ttf" was not found (is its '
            "package installed?") in output, output
    assert 'leafbind.toml:4: fonts.zh-Hant: "assets/fonts/missing.otf" was not found' in output, output
    assert 'leafbind.toml:5: fonts.not_a_tag: "not_a_tag" is not a language tag' in output, output


URDU = Path("/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf")


@pytest.mark.skipif(not URDU.is_file(), reason="Debian's fonts-noto-core is not installed")
def test_a_font_configured_for_a_language_comes_before_the_bundled_script_face(tmp_path: Path) -> None:
    """Urdu is written in Arabic script: with `ur` set to Noto Nastaliq Urdu, its letters come from that
    face, not from the bundled Naskh one."""
    root = project(tmp_path / "ur", "ur", f'[fonts]\nur = "{URDU}"\n')
    (root / "leaflets" / "hands.md").write_text(
        (root / "leaflets" / "hands.md").read_text("utf-8")
        + "\nصابن اور پانی سے ہاتھ دھوئیں۔\n", "utf-8")
    result = bare_build(root, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    fonts = pdf_fonts(made(root, ".pdf"))
    assert "NotoNastaliqUrdu-Regular" in fonts and "Noto-Naskh-Arabic" not in fonts, fonts


@pytest.mark.skipif(shutil.which("strace") is None or not URDU.is_file(),
                    reason="strace or fonts-noto-core is not installed")
def test_a_build_reads_a_configured_installed_font_and_nothing_else_outside_the_project(tmp_path) -> None:
    """Under strace: the one font file `[fonts]` names outside the project is read (by its absolute path),
    the files beside it are not, and nothing else outside the project, the output and the software is."""
    installed = tmp_path / "installed"
    installed.mkdir()
    font = installed / "NotoNastaliqUrdu-Regular.ttf"
    shutil.copyfile(URDU, font)
    shutil.copyfile(URDU, installed / "Other.ttf")
    root = project(tmp_path / "ur", "ur", f'[fonts]\nur = "{font}"\n')
    with (root / "leaflets" / "hands.md").open("a", encoding="utf-8") as leaflet:
        leaflet.write("\nصابن اور پانی سے ہاتھ دھوئیں۔\n")
    log = tmp_path / "strace.log"
    command = ["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2,mkdir,mkdirat", "-o", str(log),
               sys.executable, str(REPO / "publish.py"), "build", "--project", str(root), "--jobs", "2",
               "--quiet", "--no-lint"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    opened, created = _opened_paths(text)
    assert str(font) in opened
    # folders the processes made (WeasyPrint's for the fonts it loads), and the files in them, are theirs
    made = tuple(found + "/" for found in re.findall(r'mkdir(?:at)?\((?:[^,]*, )?"(/[^"]+)"[^=]*= 0$', text,
                                                     re.MULTILINE))
    allowed = [str(root), str(REPO / "leafbind"), str(REPO / "layouts"), str(REPO / "assets" / "fonts"),
               str(REPO / "publish.py"), str(font), *_software_folders()]
    # Python lists the folder of the publish.py it runs, and the one its virtual environment is in
    listed = {str(REPO), os.path.dirname(sys.prefix)}
    strays = sorted(path for path in opened - created - listed if not (path + "/").startswith(made)
                    and not any(path == a or path.startswith(a.rstrip("/") + "/") for a in allowed))
    assert strays == [], strays
    assert not any(path.startswith(str(installed / "Other")) for path in opened)
