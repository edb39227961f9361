"""A clinic's accent colour, and the contrast checks that keep its leaflets legible.

A clinic sets `accent = "#0b6e69"` in leafbind.toml. The layouts use the accent for heading and link
text on white paper, for heading and link text on a light tint of itself (the summary and contact boxes),
and for thin rules and borders; the body text (#1a1f24) also sits on that tint. `check_palette` refuses
an accent that makes any of these hard to read. Each check, and why it exists:

- Heading and link text (accent) on white paper, at 4.5:1. WCAG 2.x AA text contrast (1.4.3). Headings
  are large, but links and small headings are not, so we hold every accent text to the normal-text level.
- Heading and link text (accent) on the tint, at 4.5:1. The tint is a little darker than the paper, so
  this pair always has less contrast than the one above: a borderline accent fails here first.
- Body text on the tint, at 4.5:1. The tint must stay light enough for the body text to read on it.
- Body text on white paper, at 4.5:1. Fixed colours today; checked so a change of text or paper colour
  cannot slip through.
- Rules and borders (accent) on white paper, at 3:1. WCAG 2.x 1.4.11 non-text contrast: a rule or box
  border that cannot be seen no longer groups or separates anything.
- The same five pairs after `greyscale()` of both colours. Many clinics print on office printers in
  greyscale; the driver turns each colour into the Rec. 601 luma of its gamma-encoded values, which is
  not the WCAG luminance. Saturated colours mostly print darker than their luminance suggests (safer on
  white), but Rec. 601 weighs red and blue more than WCAG does (0.299 and 0.114 against 0.2126 and
  0.0722), so purples, magentas and some reds print as a lighter grey and lose contrast against their
  tint. These checks catch real failures: among 8-bit colours, 25,984 accents pass every check in colour
  and fail one in greyscale (always accent text on the tint), for example #8855aa (4.57:1 in colour,
  4.39:1 in greyscale) and #7d5ca8 (4.50:1 and 4.29:1). tests/test_colours.py finds such accents.

Luminance follows WCAG 2.x, except that the sRGB linearisation uses the sRGB standard's threshold 0.04045
where the WCAG 2.x text says 0.03928. No 8-bit channel value (n/255) lies between the two thresholds
(10/255 is about 0.03922 and 11/255 about 0.04314), so both give exactly the same luminance for every
8-bit colour; tests/test_colours.py checks all 256 channel values.

Ratios are never rounded before comparing: 4.499:1 fails 4.5:1, as WCAG requires, and messages round
ratios to two decimals except that a failing ratio is never shown as reaching its threshold ("4.49:1").
"""

from __future__ import annotations

import colorsys
import math
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]

TEXT_CONTRAST = 4.5  # WCAG 2.x AA, 1.4.3 contrast (minimum), normal-size text
NON_TEXT_CONTRAST = 3.0  # WCAG 2.x AA, 1.4.11 non-text contrast
TINT_AMOUNT = 0.12  # the share of the accent in the summary-box background
DEFAULT_TEXT = "#1a1f24"
DEFAULT_PAPER = "#ffffff"
SRGB_THRESHOLD = 0.04045  # the sRGB standard's value; WCAG 2.x text says 0.03928 (same result for 8-bit)

_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})", re.IGNORECASE)
_EXAMPLE = "#0b6e69"
_SUGGESTION_STEP = 0.005  # how much HLS lightness each step of `suggest_accent` removes


def parse_colour(text: str) -> RGB:
    """`#rgb` or `#rrggbb`, any case, surrounding spaces allowed, as (r, g, b) in 0..255."""
    match = _HEX.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        shown = text.strip() if isinstance(text, str) else text
        raise ValueError(f'"{shown}" is not a colour: write it as #rrggbb, for example {_EXAMPLE}')
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def to_hex(rgb: RGB) -> str:
    """(r, g, b) in 0..255 as lower-case `#rrggbb`."""
    if len(rgb) != 3 or not all(isinstance(c, int) and 0 <= c <= 255 for c in rgb):
        raise ValueError(f"{rgb!r} is not an (r, g, b) colour with each channel in 0..255")
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def linear_channel(value: int) -> float:
    """One gamma-encoded 8-bit channel as linear light in 0..1 (the sRGB transfer function)."""
    c = value / 255
    return c / 12.92 if c <= SRGB_THRESHOLD else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance: 0 for black, 1 for white."""
    r, g, b = (linear_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB | str, b: RGB | str) -> float:
    """WCAG 2.x contrast ratio of two colours (in either order), from 1 to 21. Not rounded."""
    la, lb = relative_luminance(_rgb(a)), relative_luminance(_rgb(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def greyscale(rgb: RGB) -> RGB:
    """The grey a "print in greyscale" driver makes: Rec. 601 luma of the gamma-encoded values, rounded."""
    r, g, b = rgb
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    grey = min(255, math.floor(luma + 0.5))  # round half up, not to even
    return (grey, grey, grey)


def tint(rgb: RGB, amount: float) -> RGB:
    """`rgb` mixed with white; `amount` is the colour's share (1: the colour, 0: white, 0.1: a light tint)."""
    if not 0 <= amount <= 1:
        raise ValueError(f"a tint amount is a share between 0 and 1, not {amount}")
    r, g, b = (math.floor(255 - amount * (255 - c) + 0.5) for c in rgb)
    return (r, g, b)


@dataclass(frozen=True)
class Palette:
    """The colours a leaflet layout uses, as lower-case `#rrggbb`."""

    accent: str
    accent_text: str  # heading and link text: the accent itself
    tint: str  # background of summary and contact boxes: tint(accent, TINT_AMOUNT)
    rule: str  # thin rules and borders: the accent
    text: str = DEFAULT_TEXT  # body text
    paper: str = DEFAULT_PAPER


@dataclass(frozen=True)
class ContrastProblem:
    """One pair of colours in a palette whose contrast is too low."""

    what: str  # e.g. "heading and link text (accent) on white paper"
    ratio: float  # the contrast found, not rounded
    needed: float  # 4.5 for text, 3 for rules and borders
    greyscale: bool  # True: the pair fails once printed in greyscale
    accent: str = ""  # the palette's accent, when the pair involves it
    suggestion: str | None = None  # a darker shade of the accent that passes every check

    @property
    def message(self) -> str:
        """A sentence an editor can act on."""
        who = f"With accent {self.accent}, the" if self.accent else "The"
        when = " when printed in greyscale" if self.greyscale else ""
        rule = "WCAG AA" if self.needed >= TEXT_CONTRAST else "WCAG AA non-text contrast"
        advice = f" Try a darker shade, such as {self.suggestion}." if self.suggestion else ""
        return (
            f"{who} contrast of {self.what} is {_shown(self.ratio, self.needed)}:1{when}; "
            f"it needs at least {self.needed:g}:1 ({rule}).{advice}"
        )


@dataclass(frozen=True)
class _Check:
    what: str  # with "{paper}" for the paper's name
    fore: str  # Palette field names
    back: str
    needed: float


# The order problems are reported in, first in colour and then in greyscale.
_CHECKS = (
    _Check("heading and link text (accent) on {paper}", "accent_text", "paper", TEXT_CONTRAST),
    _Check("heading and link text (accent) on the summary-box tint", "accent_text", "tint", TEXT_CONTRAST),
    _Check("body text on the summary-box tint", "text", "tint", TEXT_CONTRAST),
    _Check("body text on {paper}", "text", "paper", TEXT_CONTRAST),
    _Check("rules and borders (accent) on {paper}", "rule", "paper", NON_TEXT_CONTRAST),
)
_ACCENT_FIELDS = {"accent_text", "tint", "rule"}


def make_palette(accent: str, *, text: str = DEFAULT_TEXT, paper: str = DEFAULT_PAPER) -> Palette:
    """The palette the layouts use for `accent` (any form `parse_colour` accepts)."""
    rgb = parse_colour(accent)
    return Palette(
        accent=to_hex(rgb), accent_text=to_hex(rgb), tint=to_hex(tint(rgb, TINT_AMOUNT)), rule=to_hex(rgb),
        text=to_hex(parse_colour(text)), paper=to_hex(parse_colour(paper)),
    )


def check_palette(palette: Palette) -> list[ContrastProblem]:
    """Every pair below its threshold, in `_CHECKS` order, colour before greyscale; [] if all pass."""
    failures = [(check, grey, ratio) for grey in (False, True) for check in _CHECKS
                if (ratio := _ratio(palette, check, grey)) < check.needed]
    suggestion = _suggestion(palette) if failures else None
    return [_problem(palette, check, grey, ratio, suggestion) for check, grey, ratio in failures]


def passes(palette: Palette) -> bool:
    """True if every check passes (faster than `not check_palette(palette)`: no suggestion is made)."""
    return all(_ratio(palette, check, grey) >= check.needed for grey in (False, True) for check in _CHECKS)


def suggest_accent(
    accent_rgb: RGB, *, text: str = DEFAULT_TEXT, paper: str = DEFAULT_PAPER
) -> str | None:
    """The lightest shade of the accent's hue, no lighter than the accent, whose palette passes every check.

    The accent itself if it already passes. Shades keep the HLS hue and saturation and lower the lightness
    in small steps. None if no shade passes (only possible with unusual text or paper colours).
    """
    if passes(make_palette(to_hex(accent_rgb), text=text, paper=paper)):
        return to_hex(accent_rgb)
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in accent_rgb))
    for step in range(1, math.ceil(lightness / _SUGGESTION_STEP) + 1):
        shade = _from_hls(hue, max(0.0, lightness - step * _SUGGESTION_STEP), saturation)
        if passes(make_palette(shade, text=text, paper=paper)):
            return shade
    return None


def _rgb(colour: RGB | str) -> RGB:
    return parse_colour(colour) if isinstance(colour, str) else colour


def _from_hls(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return to_hex((round(r * 255), round(g * 255), round(b * 255)))


def _shown(ratio: float, needed: float) -> str:
    """Two decimals; a failing ratio rounds down, so 4.4999:1 shows as 4.49, never 4.50."""
    shown = round(ratio, 2)
    return f"{math.floor(ratio * 100) / 100 if shown >= needed > ratio else shown:.2f}"


def _ratio(palette: Palette, check: _Check, grey: bool) -> float:
    fore, back = parse_colour(getattr(palette, check.fore)), parse_colour(getattr(palette, check.back))
    if grey:
        fore, back = greyscale(fore), greyscale(back)
    return contrast_ratio(fore, back)


def _suggestion(palette: Palette) -> str | None:
    shade = suggest_accent(parse_colour(palette.accent), text=palette.text, paper=palette.paper)
    return None if shade == palette.accent else shade


def _problem(
    palette: Palette, check: _Check, grey: bool, ratio: float, suggestion: str | None
) -> ContrastProblem:
    white = parse_colour(palette.paper) == (255, 255, 255)
    paper = "white paper" if white else f"the paper colour {palette.paper}"
    involves_accent = bool({check.fore, check.back} & _ACCENT_FIELDS)
    return ContrastProblem(
        what=check.what.format(paper=paper), ratio=ratio, needed=check.needed, greyscale=grey,
        accent=palette.accent if involves_accent else "",
        suggestion=suggestion if involves_accent else None,
    )
