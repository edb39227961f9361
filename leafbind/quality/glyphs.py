"""Which characters the outputs' fonts can draw: the `font-coverage` check.

A character that none of the layouts' fonts has is drawn by WeasyPrint in whatever font the machine has (or
as an empty box, or not at all on a machine with no fonts), so the PDF would depend on the machine. The fonts
that count are leafbind's built-in ones (assets/fonts: Atkinson Hyperlegible, Leafbind Symbols, and the script
faces for their own scripts' characters only, as their unicode-range sets them), the project's own in
assets/fonts/, any font file the project's layouts name with `url()`, and, for a leaflet, the font
leafbind.toml's `[fonts]` names for its language (all but its Latin characters); a character counts as covered
when one of them maps it in its `cmap` table (read with fontTools). The check reads everything of a
leaflet that is printed: the title, summary, code, sources and edition notes of the front matter, the Markdown
body's text (headings, paragraphs, lists, tables, code) and its authors' names, credentials and bios; each
character that no font has is named once per file, with its code point and the first line it is on.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..assets import FONT_SUFFIXES, resolve_asset
from ..errors import ProblemReport
from ..fonts import SCRIPT_FILES, configured_cmap, font_for, missing_message, needs_font
from ..load import load_yaml_file
from ..markdown import PARSER
from ..model import Leaflet
from ..paths import builtin_dir
from ..project import Project
from ..validate import AUTHORS_FILE

CODE = "font-coverage"
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")
# Drawn without a glyph of their own: line breaks and tabs (controls: the sources refuse the others), format
# characters (soft hyphen, zero-width space and joiners, direction marks, byte-order mark), the combining
# grapheme joiner and variation selectors. HarfBuzz hides these (Unicode's default ignorables).
IGNORED = re.compile("[\t\n\r\u034f\u180b-\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")
LINES_LISTED = 5  # the further lines of a character a message lists


@dataclass(frozen=True)
class FontCoverage:
    """The characters the fonts of a project's outputs have, and the fonts' family names for messages."""

    code_points: frozenset[int]
    families: tuple[str, ...]

    def lacks(self, character: str) -> bool:
        return (ord(character) not in self.code_points and not IGNORED.match(character)
                and unicodedata.category(character) != "Cf")

    def with_font(self, code_points: frozenset[int], family: str) -> FontCoverage:
        """This coverage and a configured font's (the face of one leaflet's language)."""
        families = self.families if family in self.families else (*self.families, family)
        return FontCoverage(self.code_points | code_points, families)


@dataclass(frozen=True)
class Uncovered:
    """A character no font has: the file and first line it is on (and its other lines), and what to do."""

    path: str
    line: int | None
    message: str


def font_files(project: Project) -> tuple[Path, ...]:
    """The fonts that count, every link resolved: built-in, the project's assets/fonts/, and those its layouts
    name with url() (a name the asset gate refuses is left to the build, which reports it)."""
    found = {path.resolve() for path in (builtin_dir("assets") / "fonts").glob("*")
             if path.suffix.lower() in FONT_SUFFIXES}
    own = project.root / "assets" / "fonts"
    if own.is_dir():
        found |= {path.resolve() for path in own.rglob("*")
                  if path.suffix.lower() in FONT_SUFFIXES and project.contains(path) and path.is_file()}
    layouts = project.root / "layouts"
    for stylesheet in sorted(layouts.rglob("*.css")) if layouts.is_dir() else ():
        try:
            text = stylesheet.read_text("utf-8", errors="replace") if project.contains(stylesheet) else ""
        except OSError:  # the build reports a layout it can't read
            continue
        for href in CSS_URL.findall(text):
            if Path(href.split("?")[0]).suffix.lower() in FONT_SUFFIXES:
                try:
                    found.add(resolve_asset(project.root, href, project.root, FONT_SUFFIXES).path)
                except ValueError:
                    continue
    return tuple(sorted(found))


def font_coverage(project: Project) -> FontCoverage:
    """What the fonts of this project's outputs cover (read once per process while they are unchanged)."""
    files = []
    for path in font_files(project):
        try:
            stat = os.stat(path)
        except OSError:  # gone since it was listed
            continue
        files.append((path, stat.st_size, stat.st_mtime_ns))
    return _coverage(tuple(files))


@lru_cache(maxsize=8)
def _coverage(files: tuple[tuple[Path, int, int], ...]) -> FontCoverage:
    code_points: set[int] = set()
    families: list[str] = []
    for path, size, modified in files:
        covered, family = _read_font(path, size, modified)
        if path.name in SCRIPT_FILES:  # a script face sets only its own script's characters (unicode-range)
            face = SCRIPT_FILES[path.name]
            covered = frozenset(code for code in covered if any(first <= code <= last
                                                                  for first, last in face.blocks))
        code_points |= covered
        if family and family not in families:
            families.append(family)
    return FontCoverage(frozenset(code_points), tuple(families))


@lru_cache(maxsize=64)
def _read_font(path: Path, size: int, modified: int) -> tuple[frozenset[int], str]:
    """A font's characters and family name; none for a file fontTools can't read (the asset gate refuses
    it when an output uses it)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            family = font["name"].getBestFamilyName() or path.stem
            return frozenset(font.getBestCmap() or {}), family
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, ImportError):
        return frozenset(), ""


def uncovered(coverage: FontCoverage, leaflet: Leaflet, display: str, project: Project) -> list[Uncovered]:
    """Every character of the leaflet and its authors that no font has, once per file. The files are read
    again, for the lines, only when there is such a character. A leaflet in Chinese, Japanese or Korean whose
    language has no font in leafbind.toml's `[fonts]` is one finding, at its `lang`; a configured font counts
    for the leaflets of its language."""
    configured = font_for(leaflet.lang, project.settings.fonts)
    if configured is None and needs_font(leaflet.lang):
        return [Uncovered(display, leaflet.origin.line_of(("lang",)), missing_message(leaflet.lang))]
    if configured is not None:
        try:
            coverage = coverage.with_font(configured_cmap(configured), configured.face or configured.tag)
        except OSError:  # gone since the settings were read: the build reports it
            pass
    found = _Found(coverage)
    source = _Lines(leaflet.path)
    front, end = leaflet.origin, leaflet.body_line - 1  # the front matter ends on the line before the body
    for key, text in (("title", leaflet.title), ("summary", leaflet.summary), ("id", leaflet.code)):
        found.text(display, text, source, front.line_of((key,)), end)
    for index, entry in enumerate(leaflet.sources):
        for key in ("title", "publisher", "author", "url"):
            found.text(display, getattr(entry, key), source, front.line_of(("sources", index, key)), end)
    for index, revision in enumerate(leaflet.history):
        found.text(display, revision.note, source, front.line_of(("history", index, "note")), end)
    for text, line in body_texts(leaflet.body, leaflet.body_line):
        found.text(display, text, source, line)
    authors = [(author, key) for author in leaflet.authors for key in ("name", "credentials", "bio")
               if any(map(coverage.lacks, getattr(author, key) or ""))]
    if authors:
        found.authors(authors, project)
    return found.messages()


class _Lines:
    """A file's lines (NFC), read when first asked for."""

    def __init__(self, path: Path) -> None:
        self.path, self.lines = path, None

    def first(self, character: str, start: int, end: int | None) -> int:
        """The first line from `start` to `end` (default: the last) holding `character`; else `start`."""
        if self.lines is None:
            try:
                text = self.path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self.lines = unicodedata.normalize("NFC", text).splitlines()
        last = len(self.lines) if end is None else min(end, len(self.lines))
        return next((number for number in range(start, last + 1) if character in self.lines[number - 1]),
                    start)


def body_texts(body: str, first_line: int) -> list[tuple[str, int]]:
    """The text a reader sees of a Markdown body, each piece with its file line: inline text and code (not
    link targets or image files) and code blocks, line by line."""
    texts = []
    for token in PARSER.parse(body):
        if not token.map:
            continue
        line = first_line + token.map[0]
        if token.type in ("fence", "code_block"):
            start = line + (1 if token.type == "fence" else 0)
            texts.extend((text, start + number) for number, text in enumerate(token.content.split("\n")))
        elif token.type == "inline":
            for child in token.children or ():
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type in ("text", "code_inline"):
                    texts.append((child.content, line))
    return texts


class _Found:
    """The characters found so far, by file: where each is first, and its other lines."""

    def __init__(self, coverage: FontCoverage) -> None:
        self.coverage = coverage
        self.lines: dict[tuple[str, str], list[int | None]] = {}

    def text(self, display: str, text: str | None, source: _Lines, line: int | None,
             end: int | None = None) -> None:
        """Check `text`, which starts on `line` of `source`: a character is placed on the first line from
        there to `end` that holds it (where it was written, unless it was written as an escape)."""
        for character in sorted(set(unicodedata.normalize("NFC", text or "")), key=ord):
            if self.coverage.lacks(character):
                here = line if line is None else source.first(character, line, end)
                found = self.lines.setdefault((display, character), [])
                if here not in found:
                    found.append(here)

    def authors(self, authors: list, project: Project) -> None:
        """Authors' names, credentials and bios with a character no font has, at their lines in
        authors.yaml."""
        path = project.leaflets_dir / AUTHORS_FILE
        display = project.display(path)
        try:
            book = load_yaml_file(path, display)
        except ProblemReport:
            book = None
        source = _Lines(path)
        for author, key in authors:
            line = book.line_of((author.key, key)) if book else None
            self.text(display, getattr(author, key), source, line)

    def messages(self) -> list[Uncovered]:
        fonts = ", ".join(self.coverage.families) or "none"
        found = []
        for (display, character), lines in self.lines.items():
            numbered = sorted(line for line in lines if line is not None)
            first = numbered[0] if numbered else None
            others = numbered[1:]
            also = ""
            if others:
                listed = ", ".join(str(line) for line in others[:LINES_LISTED])
                also = f" (also on line{'s' if len(others) > 1 else ''} {listed}" + \
                    ("…)" if len(others) > LINES_LISTED else ")")
            found.append(Uncovered(display, first,
                                   f"{_shown(character)} is in none of the outputs' fonts ({fonts}), so it "
                                   f"would print in whatever font the machine has, or as an empty box{also}: "
                                   "write it another way, or add a font that has it (in assets/fonts/, named "
                                   "in your layouts' @font-face rules and font-family lists)"))
        return found


def _shown(character: str) -> str:
    """"丹" (U+4E39 CJK UNIFIED IDEOGRAPH-4E39); a space or mark by its code point and name alone."""
    code = ord(character)
    name = unicodedata.name(character, "unnamed character")
    if unicodedata.category(character)[0] in "ZCM":
        return f"the character U+{code:04X} ({name})"
    return f'the character "{character}" (U+{code:04X} {name})'
