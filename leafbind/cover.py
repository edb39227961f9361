"""The e-book's cover picture: a PNG drawn with Pillow from the leaflet's title, the organisation and the
accent colour, in the bundled Atkinson Hyperlegible, the same bytes on every machine.

Letters of other scripts (Arabic, Hebrew, Bengali, Chinese …) are drawn in the leaflet's own script faces,
shaped by libraqm (HarfBuzz and FriBiDi: Pillow's wheels bring the first, Pango, which WeasyPrint needs, the
second), and a right-to-left title is set from the right margin."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .paths import builtin_dir

WIDTH, HEIGHT = 1200, 1800  # 2:3, the shape reading apps expect of a cover
MARGIN = 100
BAND = 620  # the height of the accent band at the top, which holds the organisation
FOOT = 28  # the accent strip along the bottom edge
# Each face is three files, as in the layouts' font-family lists: the Latin Extended letters (ő, ł, ş …) are
# in the second, and symbols (≥, →, ½ …) and Greek in the bundled symbols font, which has one weight.
SYMBOLS = "LeafbindSymbols-Regular.ttf"
FACES = {"bold": ("AtkinsonHyperlegible-Bold.ttf", "AtkinsonHyperlegible-Bold-LatinExt.ttf", SYMBOLS),
         "regular": ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Regular-LatinExt.ttf",
                     SYMBOLS)}
BUNDLED_LATIN = frozenset(name for names in FACES.values() for name in names)
BOLD_WEIGHT = 600  # a script face's OS/2 weight from which it serves the bold lines (the title)
# Hyphens the fonts lack, drawn as the hyphen-minus they have: hyphen, non-breaking hyphen, figure dash.
SUBSTITUTES = {0x2010: "-", 0x2011: "-", 0x2012: "-"}


class CoverError(ValueError):
    """The cover can't be drawn: a letter that the bundled fonts lack."""


@dataclass(frozen=True)
class CoverText:
    """What the cover says, and its colours as `#rrggbb`: `ink` on `paper`, and `paper` on `accent` (the
    accent passes 4.5:1 against the paper, so white on the band reads as well as the accent on white)."""

    title: str
    organisation: str  # may be ""
    edition: str  # "Edition 2 · PIL-0042"
    accent: str
    ink: str
    paper: str
    kicker: str = "Patient information"  # in the leaflet's language; in capitals where the script has them
    direction: str = "ltr"  # rtl: every line set from the right margin


@dataclass(frozen=True)
class _Block:
    """Text broken into lines that fit, in one face and size."""

    face: str
    size: int
    lines: tuple[str, ...]
    scripts: tuple[bytes, ...] = ()

    @property
    def leading(self) -> int:
        return round(self.size * 1.18)


def draw_cover(text: CoverText, scripts: tuple[bytes, ...] = ()) -> bytes:
    """The cover as PNG bytes: WIDTH × HEIGHT pixels, RGB, and no chunk but the image itself (no time, text or
    resolution), so that the same text always gives the same bytes. `scripts` are the leaflet's script faces
    (the bytes of the font files its e-book embeds), for the letters Atkinson Hyperlegible lacks. Raises
    CoverError for a letter that is in none of the fonts."""
    from PIL import Image, ImageDraw  # imported here: only the e-book needs it

    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(text.paper))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, BAND - 1), fill=_rgb(text.accent))
    draw.rectangle((0, HEIGHT - FOOT, WIDTH - 1, HEIGHT - 1), fill=_rgb(text.accent))
    width = WIDTH - 2 * MARGIN
    rtl = text.direction == "rtl"

    def fit(face: str, words: str, sizes: tuple[int, ...], most: int) -> _Block:
        return _fit(face, words, width, sizes, most, scripts)

    _draw(draw, fit("regular", text.kicker.upper(), (44, 38, 32), 1), 160, text.paper, rtl)
    if text.organisation:
        block = fit("bold", text.organisation, (76, 68, 60, 52, 44), 3)
        # the last line on the same baseline whatever the name's length
        _draw(draw, block, BAND - 100 - (len(block.lines) - 1) * block.leading, text.paper, rtl)
    rule = (WIDTH - MARGIN - 180, WIDTH - MARGIN) if rtl else (MARGIN, MARGIN + 180)
    draw.rectangle((rule[0], BAND + 110, rule[1], BAND + 125), fill=_rgb(text.accent))
    title = fit("bold", text.title, (136, 120, 106, 94, 84, 76, 68, 60), 5)
    _draw(draw, title, BAND + 150 + title.size, text.ink, rtl)
    _draw(draw, fit("regular", text.edition, (48, 40, 34), 2), HEIGHT - FOOT - 100, text.ink, rtl)

    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _draw(draw, block: _Block, baseline: int, colour: str, rtl: bool = False) -> None:
    """Each line on its baseline from the margin it starts at (the right one for a right-to-left leaflet), one
    run of letters per font file; a right-to-left leaflet's runs follow each other leftwards."""
    for line in block.lines:
        x = float(WIDTH - MARGIN if rtl else MARGIN)
        runs = _runs(block.face, block.size, line, block.scripts)
        if rtl:  # Latin runs in a right-to-left line: words and numbers as the bidi rules order them
            runs = [(font, group, shaped) for font, run, shaped in runs
                    for group in ((run,) if shaped else _ltr_groups(run))]
        for font, run, shaped in runs:
            options = _options(run, shaped)
            length = font.getlength(run, **options)
            if rtl:
                x -= length
            draw.text((x, baseline), run, font=font, fill=_rgb(colour), anchor="ls", **options)
            if not rtl:
                x += length
        baseline += block.leading


def _ltr_groups(run: str) -> list[str]:
    """A run of Latin text in a right-to-left line, cut where the Unicode bidi algorithm lets the line's
    direction take over: words with letters, and the spaces and signs between them, stay together ("Riverside
    Community Health"); a number, and the signs beside it, stand on their own ("Edition 2 · PIL-0042" sets
    "PIL-0042 · 2 Edition" leftwards)."""
    groups: list[list] = []  # [text, has letters]
    pending = ""  # spaces and signs not yet known to be inside a group of words
    for chunk in re.findall(r"\s+|\S+", run):
        letters = any(unicodedata.bidirectional(char) == "L" for char in chunk)
        if chunk.isspace() or not (letters or any(char.isdigit() for char in chunk)):
            pending += chunk
        elif letters and groups and groups[-1][1]:
            groups[-1][0] += pending + chunk
            pending = ""
        else:
            if pending:
                groups.append([pending, False])
            groups.append([chunk, letters])
            pending = ""
    if pending:
        groups.append([pending, False])
    return [text for text, _ in groups]


def _options(run: str, shaped: bool) -> dict:
    """How libraqm sets a run of a script face: right to left when its letters are."""
    if not shaped:
        return {}
    rtl = any(unicodedata.bidirectional(char) in ("R", "AL") for char in run)
    return {"direction": "rtl" if rtl else "ltr"}


def _fit(face: str, text: str, width: int, sizes: tuple[int, ...], most: int,
         scripts: tuple[bytes, ...] = ()) -> _Block:
    """The largest of `sizes` at which `text` fits `width` in at most `most` lines (wrapped between words, a
    word too long for a line broken in it); at the smallest size, what does not fit ends in an ellipsis."""
    # Accents composed with their letters (Pillow's basic layout places no separate mark); invisible format
    # characters (a soft hyphen, a zero-width space) left out: the lines break between words only, and the
    # fonts would draw them as visible marks.
    text = unicodedata.normalize("NFC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf").translate(SUBSTITUTES)
    text = " ".join(text.split())
    for size in sizes:
        lines = _wrap(face, size, text, width, scripts)
        if len(lines) <= most:
            return _Block(face, size, tuple(lines), scripts)
    size = sizes[-1]
    lines = _wrap(face, size, text, width, scripts)[:most]
    while lines[-1] and _width(face, size, lines[-1] + "…", scripts) > width:
        lines[-1] = lines[-1][:-1].rstrip()
    lines[-1] += "…"
    return _Block(face, size, tuple(lines), scripts)


def _wrap(face: str, size: int, text: str, width: int, scripts: tuple[bytes, ...]) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _width(face, size, candidate, scripts) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        # one word wider than the line (or a line of Chinese, which has no spaces): break it
        while _width(face, size, line, scripts) > width:
            cut = max((n for n in range(1, len(line)) if _width(face, size, line[:n], scripts) <= width),
                      default=1)
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines


def _width(face: str, size: int, text: str, scripts: tuple[bytes, ...] = ()) -> float:
    return sum(font.getlength(run, **_options(run, shaped)) for font, run, shaped in
               _runs(face, size, text, scripts))


def _runs(face: str, size: int, text: str, scripts: tuple[bytes, ...] = ()) -> list[tuple[object, str, bool]]:
    """`text` cut into runs of letters that one font file draws, with that font and whether libraqm shapes it
    (the script faces). Spaces and punctuation between the letters of a script face stay in its run, so that
    a right-to-left run keeps its words in order."""
    fonts = _fonts(face, size, scripts)
    coverage = _coverage(face, scripts)
    latin = len(FACES[face])
    runs: list[tuple[object, str, bool]] = []
    for char in text:
        if runs and runs[-1][2] and unicodedata.category(char)[0] in "ZP" and \
                ord(char) in coverage[fonts.index(runs[-1][0])]:
            runs[-1] = (runs[-1][0], runs[-1][1] + char, True)
            continue
        index = next((n for n, covered in enumerate(coverage) if ord(char) in covered), None)
        if index is None:
            raise CoverError(f'the fonts have no letter "{char}" (U+{ord(char):04X})')
        if runs and runs[-1][0] is fonts[index]:
            runs[-1] = (fonts[index], runs[-1][1] + char, runs[-1][2])
        else:
            runs.append((fonts[index], char, index >= latin))
    return runs


@lru_cache(maxsize=64)
def _fonts(face: str, size: int, scripts: tuple[bytes, ...] = ()) -> tuple:
    from PIL import ImageFont

    # Latin in Pillow's own layout, not libraqm: the bytes of an English cover don't depend on libraqm. The
    # script faces need shaping (joined Arabic letters, Bengali conjuncts): libraqm sets them.
    basic = tuple(ImageFont.truetype(str(_font_path(name)), size, layout_engine=ImageFont.Layout.BASIC)
                  for name in FACES[face])
    if not scripts:
        return basic
    if not _has_raqm():
        raise CoverError("drawing this script needs Pillow with libraqm (Pillow's wheels from PyPI have it)")
    return basic + tuple(ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.RAQM)
                         for data in _script_order(face, scripts))


@lru_cache(maxsize=16)
def _coverage(face: str, scripts: tuple[bytes, ...] = ()) -> tuple[frozenset[int], ...]:
    from fontTools.ttLib import TTFont

    found = []
    scripted = map(io.BytesIO, _script_order(face, scripts))
    for source in (*(_font_path(name) for name in FACES[face]), *scripted):
        with TTFont(source, lazy=True) as font:
            found.append(frozenset(font.getBestCmap()))
    return tuple(found)


@lru_cache(maxsize=16)
def _script_order(face: str, scripts: tuple[bytes, ...]) -> tuple[bytes, ...]:
    """The script faces in the order a line looks for a letter in: the bold ones first for bold lines, the
    others first for regular ones."""
    from fontTools.ttLib import TTFont

    def bold(data: bytes) -> bool:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return "OS/2" in font and font["OS/2"].usWeightClass >= BOLD_WEIGHT

    return tuple(sorted(scripts, key=lambda data: bold(data) != (face == "bold")))


def _has_raqm() -> bool:
    from PIL import features

    return bool(features.check("raqm"))


def _font_path(name: str):
    return builtin_dir("assets") / "fonts" / name
