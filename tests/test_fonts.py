"""Glyph coverage: every character of a leaflet is drawn from a font leafbind ships or the project adds, never
from whatever fonts the machine has.

Builds that must not see the machine's fonts run in a subprocess whose fontconfig configuration (written by
the test, FONTCONFIG_FILE) names no font folder at all, so this process's fonts are not touched. The fonts of
a PDF are read with `pdffonts`; a character nobody has must fail with `font-coverage`, its code point and its
line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, ROOTS, build, edit, line_of

from leafbind import open_project
from leafbind.quality.glyphs import font_coverage
from publish import cli

SCENARIOS = sorted(path.name for path in ROOTS.iterdir() if (path / "leaflets").is_dir())
BUNDLED = ("Atkinson-Hyperlegible", "Leafbind-Symbols", "Noto-Naskh-Arabic", "Noto-Sans-Hebrew",
           "Noto-Sans-Bengali")  # the families of assets/fonts, as PDFs name them
SYMBOLS = "→ ← ≥ ≤ ± × ÷ ≠ ≈ ✓ ✗ ½ ¼ ¾ ⅓ ° £ € ₹ β µ ① ☎ ⚠"
NESTED = "- one\n  - two\n    - three\n      - four\n"


def no_fonts(folder: Path) -> dict[str, str]:
    """The environment of a process whose fontconfig finds no font at all (only what a layout declares)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                      f"<fontconfig><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n", "utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}


def publish(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`publish …` in a process of its own (the fonts WeasyPrint can find are fixed per process)."""
    return subprocess.run([sys.executable, str(REPO / "publish.py"), *args], capture_output=True, text=True,
                          env=env, cwd=REPO)


def pdf_fonts(path: Path) -> set[str]:
    """The fonts `pdffonts` lists for a PDF, without subset tags."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in lines.splitlines()[2:] if line.strip()}


ADVICE = ("write it another way, or add a font that has it (in assets/fonts/, named in your layouts' "
          "@font-face rules and font-family lists)")


def lacking(character: str, code_point: str) -> str:
    return (f'the character "{character}" ({code_point}) is in none of the outputs\' fonts (Atkinson '
            "Hyperlegible, Leafbind Symbols, Noto Naskh Arabic, Noto Sans Bengali, Noto Sans Hebrew), so it "
            "would print in whatever font the machine has, or as an empty box")


def foreign(fonts: set[str]) -> set[str]:
    return {font for font in fonts if not font.startswith(BUNDLED)}


def test_the_machine_really_has_fonts_of_its_own_and_the_configuration_hides_them(tmp_path: Path) -> None:
    """Without this, the tests below could pass only because the machine had no fonts to fall back on."""
    listed = subprocess.run(["fc-list"], capture_output=True, text=True, check=True).stdout
    assert "DejaVu Sans" in listed  # a prerequisite of the tests (README, Quick start)
    hidden = subprocess.run(["fc-list"], capture_output=True, text=True, check=True, env=no_fonts(tmp_path))
    assert hidden.stdout.strip() == ""


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_builds_without_system_fonts_from_the_bundled_fonts_alone(scenario, built,
                                                                                  tmp_path: Path, name: str):
    """Built with no font on the machine: every output is made, each PDF embeds only the bundled families,
    and every file is byte for byte what a machine with its own fonts makes (the session's build)."""
    root = scenario(name)
    result = publish("build", "--project", str(root), "--jobs", "1", "--quiet", env=no_fonts(tmp_path / "fc"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ".notdef" not in result.stdout + result.stderr
    made = sorted(path.relative_to(root / "dist") for path in (root / "dist").rglob("*") if path.is_file()
                  and path.suffix in (".pdf", ".epub"))
    assert made == sorted(path.relative_to(built(name)) for path in built(name).rglob("*")
                          if path.is_file() and path.suffix in (".pdf", ".epub"))
    for output in made:
        if output.suffix == ".pdf":
            assert pdf_fonts(root / "dist" / output) and not foreign(pdf_fonts(root / "dist" / output))
            assert not foreign(pdf_fonts(built(name) / output)), output  # with the machine's fonts too
        assert (root / "dist" / output).read_bytes() == (built(name) / output).read_bytes(), output


def test_symbols_and_nested_list_markers_come_from_the_bundled_fonts(scenario) -> None:
    """Arrows, maths signs, checks and crosses, fractions, degree and currency signs and every level of a
    nested list: drawn from Atkinson Hyperlegible and Leafbind Symbols, though the machine has DejaVu Sans;
    the e-book carries the symbols font and names it."""
    root = scenario("minimal")
    leaflet = root / "leaflets" / "hand-washing.md"
    edit(leaflet, "## How to wash your hands\n",
         f"## How to wash your hands\n\nSigns: {SYMBOLS}.\n\n**Bold {SYMBOLS}.**\n\n{NESTED}\n")
    result = build(root)
    assert result.problems == (), [str(problem) for problem in result.problems]
    pdf = root / "dist" / "hand-washing" / "hand-washing-ed1.pdf"
    fonts = pdf_fonts(pdf)
    assert not foreign(fonts) and "Leafbind-Symbols" in fonts, fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(symbol in text for symbol in SYMBOLS.split()), text
    with zipfile.ZipFile(root / "dist" / "hand-washing" / "hand-washing-ed1.epub") as book:
        assert "EPUB/assets/fonts/LeafbindSymbols-Regular.ttf" in book.namelist()
        css = book.read("EPUB/leaflet.css").decode()
    assert '"Atkinson Hyperlegible", "Atkinson Hyperlegible Ext", "Leafbind Symbols"' in css
    assert re.search(r'ul ul \{ list-style-type: "– "; \}', css)


def test_list_markers_are_glyphs_of_atkinson_hyperlegible_at_every_level() -> None:
    """The markers the layouts set are characters the bundled typeface has itself (◦ and ▪, the default
    markers of nested lists, are not)."""
    atkinson = font_coverage(open_project(ROOTS / "minimal"))
    for stylesheet in ("print.css", "epub.css"):
        markers = re.findall(r'list-style-type: "(.) "', (REPO / "layouts" / stylesheet).read_text("utf-8"))
        assert len(markers) == 3, stylesheet  # ul, ul ul, and ul ul ul and deeper
        assert all(ord(marker) in atkinson.code_points for marker in markers)
    from fontTools.ttLib import TTFont

    regular = TTFont(REPO / "assets" / "fonts" / "AtkinsonHyperlegible-Regular.ttf").getBestCmap()
    assert ord("•") in regular and ord("–") in regular and ord("◦") not in regular


def test_a_character_no_font_has_fails_the_build_naming_it_its_code_point_and_line(scenario,
                                                                                     tmp_path: Path) -> None:
    """An emoji and a Chinese character, in the text, a code block and an author's bio: with no system fonts,
    the build fails with font-coverage (not WeasyPrint's .notdef), each character once per file, at its first
    line, its other lines listed; publish check says the same; nothing is written."""
    root = scenario("minimal")
    leaflet = root / "leaflets" / "hand-washing.md"
    edit(leaflet, "Wash your hands after you use the toilet", "Wash your hands 😀 after you use the toilet")
    edit(leaflet, "on a clean towel.", "on a clean towel 丹.\n\n```\n丹 😀\n```")
    edit(root / "leaflets" / "authors.yaml", "infection control clinic.", "infection control clinic 丹.")
    emoji, han = line_of(leaflet, "😀 after"), line_of(leaflet, "towel 丹")
    code, bio = line_of(leaflet, "丹 😀"), line_of(root / "leaflets" / "authors.yaml", "clinic 丹")
    expected = [f"leaflets/hand-washing.md:{emoji}: font-coverage: error: "
                f"{lacking('😀', 'U+1F600 GRINNING FACE')} (also on line {code}): {ADVICE}",
                f"leaflets/hand-washing.md:{han}: font-coverage: error: "
                f"{lacking('丹', 'U+4E39 CJK UNIFIED IDEOGRAPH-4E39')} (also on line {code}): {ADVICE}",
                f"leaflets/authors.yaml:{bio}: font-coverage: error: "
                f"{lacking('丹', 'U+4E39 CJK UNIFIED IDEOGRAPH-4E39')}: {ADVICE}"]
    env = no_fonts(tmp_path / "fc")
    built = publish("build", "--project", str(root), "--jobs", "1", env=env)
    assert built.returncode == 1
    for message in expected:
        assert message in built.stderr, built.stderr
    assert ".notdef" not in built.stderr and not list((root / "dist").rglob("*.pdf"))
    checked = publish("check", "--project", str(root), env=env)
    assert checked.returncode == 1
    assert all(message in checked.stdout for message in expected), checked.stdout
    assert checked.stdout.count("font-coverage") == 3


def test_the_check_runs_in_a_build_without_the_quality_checks_and_can_be_turned_off(scenario) -> None:
    root = scenario("minimal")
    leaflet = root / "leaflets" / "hand-washing.md"
    edit(leaflet, "title: Washing your hands", "title: Washing your hands 🧼")
    result = build(root, lint=False)
    assert [problem.field for problem in result.problems] == ["font-coverage"]
    assert result.problems[0].line == 2 and "U+1F9FC" in result.problems[0].message
    assert not (root / "dist" / "hand-washing").exists()
    (root / "leafbind.toml").write_text('[check]\ndisable = ["font-coverage", "sources", "review-date"]\n',
                                        "utf-8")
    checked = CliRunner().invoke(cli, ["check", "--project", str(root), "--strict"])
    assert checked.exit_code == 0 and "font-coverage" not in checked.output, checked.output


@pytest.mark.parametrize("text", [
    "a\u00a0b",  # no-break space
    "20\u2009mg and 5\u202fml",  # thin and narrow no-break spaces
    "over\u00adweight",  # soft hyphen
    "a\u200bb, a\u200db, a\u2060b, \ufeffa",  # zero-width space and joiner, word joiner, byte-order mark
    "\u200eleft-to-right mark",
    "✓\ufe0f checked",  # a variation selector after a check mark
    "cafe\u0301 and nai\u0308ve",  # accents written as combining marks: drawn from é and ï
    "Cymraeg: ŵ ŷ ẁ ẃ ẅ ỳ",  # Welsh
    "Ελληνικά, β-blockers, 5 µg",
])
def test_white_space_invisible_characters_and_composed_accents_are_not_reported(scenario, text: str) -> None:
    root = scenario("minimal")
    edit(root / "leaflets" / "hand-washing.md", "Wash them when you get home, too.", text)
    result = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert "font-coverage" not in result.output, result.output


def han_font(path: Path) -> None:
    """A font of one glyph, a square, for 丹 (U+4E39), made here: the tests ship no font of their own."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def square(size: int):
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, size))
        pen.lineTo((size, size))
        pen.lineTo((size, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "han"])
    builder.setupCharacterMap({0x20: "space", 0x4E39: "han"})  # Pango gives it the space after 丹 too
    builder.setupGlyf({".notdef": square(500), "space": TTGlyphPen(None).glyph(), "han": square(800)})
    builder.setupHorizontalMetrics({".notdef": (600, 100), "space": (250, 0), "han": (1000, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Test Han", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))


def test_a_font_the_project_adds_covers_its_characters(scenario, tmp_path: Path) -> None:
    """A project's own font in assets/fonts/, declared in its layouts: the character passes the check, and a
    build with no system fonts draws it from that font."""
    root = scenario("minimal")
    edit(root / "leaflets" / "hand-washing.md", "Wash them when you get home, too.", "The sign 丹 means red.")
    (root / "assets" / "fonts").mkdir(parents=True)
    han_font(root / "assets" / "fonts" / "test-han.ttf")
    (root / "layouts").mkdir()
    face = '@font-face { font-family: "Test Han"; src: url("assets/fonts/test-han.ttf"); }\n'
    families = '"Atkinson Hyperlegible", "Atkinson Hyperlegible Ext", "Leafbind Symbols", "Test Han"'
    for name in ("print.css", "epub.css"):
        (root / "layouts" / name).write_text(
            f'{{% include "base/{name}" %}}\n{face}html, body {{ font-family: {families}; }}\n', "utf-8")
    result = publish("build", "--project", str(root), "--jobs", "1", env=no_fonts(tmp_path / "fc"))
    assert result.returncode == 0, result.stderr
    fonts = pdf_fonts(root / "dist" / "hand-washing" / "hand-washing-ed1.pdf")
    assert any(font.startswith("Test-Han") for font in fonts) and not foreign(fonts - {
        font for font in fonts if font.startswith("Test-Han")}), fonts
    (root / "assets" / "fonts" / "test-han.ttf").unlink()  # gone from assets/fonts: the check says so
    checked = CliRunner().invoke(cli, ["check", "--project", str(root)])
    assert 'font-coverage: error: the character "丹"' in checked.output, checked.output
