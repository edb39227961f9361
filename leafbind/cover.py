"""The e-book's cover picture: a PNG drawn with Pillow from the leaflet's title, the organisation and the
accent colour, in the bundled Atkinson Hyperlegible, the same bytes on every machine."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .paths import builtin_dir

WIDTH, HEIGHT = 1200, 1800  # 2:3, the shape reading apps expect of a cover
MARGIN = 100
BAND = 620  # the height of the accent band at the top, which holds the organisation
FOOT = 28  # the accent strip along the bottom edge
KICKER = "PATIENT INFORMATION"
# Each face is three files, as in the layouts' font-family lists: the Latin Extended letters (ő, ł, ş …) are
# in the second, and symbols (≥, →, ½ …) and Greek in the bundled symbols font, which has one weight.
SYMBOLS = "LeafbindSymbols-Regular.ttf"
FACES = {"bold": ("AtkinsonHyperlegible-Bold.ttf", "AtkinsonHyperlegible-Bold-LatinExt.ttf", SYMBOLS),
         "regular": ("AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Regular-LatinExt.ttf",
                     SYMBOLS)}
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


@dataclass(frozen=True)
class _Block:
    """Text broken into lines that fit, in one face and size."""

    face: str
    size: int
    lines: tuple[str, ...]

    @property
    def leading(self) -> int:
        return round(self.size * 1.18)


def draw_cover(text: CoverText) -> bytes:
    """The cover as PNG bytes: WIDTH × HEIGHT pixels, RGB, and no chunk but the image itself (no time, text or
    resolution), so that the same text always gives the same bytes. Raises CoverError for a letter that is in
    none of the bundled fonts."""
    from PIL import Image, ImageDraw  # imported here: only the e-book needs it

    image = Image.new("RGB", (WIDTH, HEIGHT), _rgb(text.paper))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, BAND - 1), fill=_rgb(text.accent))
    draw.rectangle((0, HEIGHT - FOOT, WIDTH - 1, HEIGHT - 1), fill=_rgb(text.accent))
    width = WIDTH - 2 * MARGIN

    _draw(draw, _fit("regular", KICKER, width, (44,), 1), MARGIN, 160, text.paper)
    if text.organisation:
        block = _fit("bold", text.organisation, width, (76, 68, 60, 52, 44), 3)
        # the last line on the same baseline whatever the name's length
        _draw(draw, block, MARGIN, BAND - 100 - (len(block.lines) - 1) * block.leading, text.paper)
    draw.rectangle((MARGIN, BAND + 110, MARGIN + 180, BAND + 125), fill=_rgb(text.accent))
    title = _fit("bold", text.title, width, (136, 120, 106, 94, 84, 76, 68, 60), 5)
    _draw(draw, title, MARGIN, BAND + 150 + title.size, text.ink)
    _draw(draw, _fit("regular", text.edition, width, (48, 40, 34), 2), MARGIN, HEIGHT - FOOT - 100, text.ink)

    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _draw(draw, block: _Block, x: int, baseline: int, colour: str) -> None:
    """Each line from its left end on its baseline, one run of letters per font file."""
    for line in block.lines:
        left = float(x)
        for font, run in _runs(block.face, block.size, line):
            draw.text((left, baseline), run, font=font, fill=_rgb(colour), anchor="ls")
            left += font.getlength(run)
        baseline += block.leading


def _fit(face: str, text: str, width: int, sizes: tuple[int, ...], most: int) -> _Block:
    """The largest of `sizes` at which `text` fits `width` in at most `most` lines (wrapped between words, a
    word too long for a line broken in it); at the smallest size, what does not fit ends in an ellipsis."""
    # Accents composed with their letters (Pillow's basic layout places no separate mark); invisible format
    # characters (a soft hyphen, a zero-width space) left out: the lines break between words only, and the
    # fonts would draw them as visible marks.
    text = unicodedata.normalize("NFC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf").translate(SUBSTITUTES)
    text = " ".join(text.split())
    for size in sizes:
        lines = _wrap(face, size, text, width)
        if len(lines) <= most:
            return _Block(face, size, tuple(lines))
    size = sizes[-1]
    lines = _wrap(face, size, text, width)[:most]
    while lines[-1] and _width(face, size, lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1].rstrip()
    lines[-1] += "…"
    return _Block(face, size, tuple(lines))


def _wrap(face: str, size: int, text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if _width(face, size, candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while _width(face, size, line) > width:  # one word wider than the line: break it
            cut = max((n for n in range(1, len(line)) if _width(face, size, line[:n]) <= width), default=1)
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line)
    return lines


def _width(face: str, size: int, text: str) -> float:
    return sum(font.getlength(run) for font, run in _runs(face, size, text))


def _runs(face: str, size: int, text: str) -> list[tuple[object, str]]:
    """`text` cut into runs of letters that one font file of the face draws, with that font."""
    fonts = _fonts(face, size)
    runs: list[tuple[object, str]] = []
    for char in text:
        index = next((n for n, covered in enumerate(_coverage(face)) if ord(char) in covered), None)
        if index is None:
            raise CoverError(f'the bundled fonts have no letter "{char}" (U+{ord(char):04X})')
        if runs and runs[-1][0] is fonts[index]:
            runs[-1] = (fonts[index], runs[-1][1] + char)
        else:
            runs.append((fonts[index], char))
    return runs


@lru_cache(maxsize=64)
def _fonts(face: str, size: int) -> tuple:
    from PIL import ImageFont

    # Pillow's own layout, not libraqm: whether libraqm is installed differs between machines, and so would
    # the letters' places (and the PNG's bytes).
    return tuple(ImageFont.truetype(str(_font_path(name)), size, layout_engine=ImageFont.Layout.BASIC)
                 for name in FACES[face])


@lru_cache(maxsize=4)
def _coverage(face: str) -> tuple[frozenset[int], ...]:
    from fontTools.ttLib import TTFont

    found = []
    for name in FACES[face]:
        with TTFont(_font_path(name), lazy=True) as font:
            found.append(frozenset(font.getBestCmap()))
    return tuple(found)


def _font_path(name: str):
    return builtin_dir("assets") / "fonts" / name
