"""Accent colours: WCAG 2.x contrast, greyscale printing, and the suggestions an editor gets."""

from __future__ import annotations

import colorsys
import re
from dataclasses import replace

import pytest

from leafbind.colours import (
    ContrastProblem,
    Palette,
    check_palette,
    contrast_ratio,
    greyscale,
    linear_channel,
    make_palette,
    parse_colour,
    relative_luminance,
    suggest_accent,
    tint,
    to_hex,
)

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
ON_WHITE = "heading and link text (accent) on white paper"
ON_TINT = "heading and link text (accent) on the summary-box tint"
RULES = "rules and borders (accent) on white paper"


def hue(colour: str) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in parse_colour(colour)))[0]


def hue_distance(a: str, b: str) -> float:
    """Hue is an angle (0..1 wraps round): red at 0.99 is close to red at 0.01."""
    d = abs(hue(a) - hue(b))
    return min(d, 1 - d)


def lightness(colour: str) -> float:
    return colorsys.rgb_to_hls(*(c / 255 for c in parse_colour(colour)))[1]


# --- WCAG 2.x contrast ---------------------------------------------------------------------------------


def test_known_wcag_values() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0, abs=0.01)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0, abs=0.01)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0, abs=0.01)
    assert relative_luminance(BLACK) == 0
    assert relative_luminance(WHITE) == pytest.approx(1.0)


def test_the_famous_grey_pair_either_side_of_aa() -> None:
    fails, passes = contrast_ratio("#777777", WHITE), contrast_ratio("#767676", "#ffffff")
    assert fails == pytest.approx(4.48, abs=0.01) and fails < 4.5
    assert passes == pytest.approx(4.54, abs=0.01) and passes >= 4.5


def test_srgb_threshold_gives_the_same_luminance_as_wcag_text_for_every_8_bit_channel() -> None:
    """We use 0.04045 (sRGB); WCAG 2.x text says 0.03928. No n/255 lies between them, so no result differs."""

    def wcag_text(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    assert not [v for v in range(256) if 0.03928 < v / 255 <= 0.04045]
    assert [linear_channel(v) for v in range(256)] == [wcag_text(v) for v in range(256)]
    # So every ratio is identical, not merely equal at two decimals: e.g. each grey against white.
    for v in range(256):
        wcag = (1.05) / (0.2126 * wcag_text(v) + 0.7152 * wcag_text(v) + 0.0722 * wcag_text(v) + 0.05)
        assert round(contrast_ratio((v, v, v), WHITE), 2) == round(wcag, 2)


# --- parsing and writing colours ------------------------------------------------------------------------


def test_short_and_long_hex_forms_agree() -> None:
    assert parse_colour("#abc") == parse_colour("#aabbcc") == (0xAA, 0xBB, 0xCC)


@pytest.mark.parametrize("text", ["#0B6E69", "#0b6e69", "  #0b6e69 ", "\t#0B6e69\n"])
def test_case_and_surrounding_spaces_do_not_matter(text: str) -> None:
    assert parse_colour(text) == (0x0B, 0x6E, 0x69)


@pytest.mark.parametrize("bad", ["teal", "#12345", "#ggg", "", "0b6e69", "#0b6e69ff", "# 0b6e69", "#0b 6e69"])
def test_bad_colours_are_refused_with_a_message_an_editor_understands(bad: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_colour(bad)
    message = str(raised.value)
    assert f'"{bad.strip()}" is not a colour' in message
    assert "#rrggbb" in message and "#0b6e69" in message


def test_teal_message_in_full() -> None:
    expected = '"teal" is not a colour: write it as #rrggbb, for example #0b6e69'
    with pytest.raises(ValueError, match=re.escape(expected)):
        parse_colour("teal")


def test_to_hex_is_lower_case_and_round_trips() -> None:
    assert to_hex((0x0B, 0x6E, 0x69)) == "#0b6e69"
    assert to_hex(parse_colour("#ABC")) == "#aabbcc"
    with pytest.raises(ValueError):
        to_hex((256, 0, 0))


# --- greyscale and tints --------------------------------------------------------------------------------


def test_greyscale_is_rec_601_luma_of_the_encoded_values() -> None:
    assert greyscale((255, 0, 0)) == (76, 76, 76)  # 0.299 * 255 = 76.2
    assert greyscale((0, 255, 0)) == (150, 150, 150)  # 0.587 * 255 = 149.7
    assert greyscale((0, 0, 255)) == (29, 29, 29)  # 0.114 * 255 = 29.1
    assert greyscale(WHITE) == WHITE and greyscale(BLACK) == BLACK


def test_a_grey_stays_the_same_grey() -> None:
    assert all(greyscale((v, v, v)) == (v, v, v) for v in range(256))


def test_tint_endpoints_and_the_summary_box_tint() -> None:
    accent = parse_colour("#0b6e69")
    assert tint(accent, 1) == accent
    assert tint(accent, 0) == WHITE
    assert to_hex(tint(accent, 0.12)) == "#e2eeed"
    assert tint(BLACK, 0.5) == (128, 128, 128)  # 127.5 rounds half up
    with pytest.raises(ValueError):
        tint(accent, 1.5)


# --- palettes -------------------------------------------------------------------------------------------


def test_make_palette() -> None:
    assert make_palette(" #0B6E69 ") == Palette(
        accent="#0b6e69", accent_text="#0b6e69", tint="#e2eeed", rule="#0b6e69",
        text="#1a1f24", paper="#ffffff",
    )


def test_the_default_accent_passes_every_check() -> None:
    assert check_palette(make_palette("#0b6e69")) == []
    assert suggest_accent(parse_colour("#0b6e69")) == "#0b6e69"  # already fine: nothing to change


def whats(problems: list[ContrastProblem]) -> list[tuple[str, bool]]:
    return [(p.what, p.greyscale) for p in problems]


def test_a_light_accent_fails_text_and_rules_in_colour_and_in_greyscale() -> None:
    problems = check_palette(make_palette("#7fd1c9"))
    assert whats(problems) == [
        (ON_WHITE, False), (ON_TINT, False), (RULES, False), (ON_WHITE, True), (ON_TINT, True), (RULES, True),
    ]
    on_white = problems[0]
    assert on_white.ratio == pytest.approx(1.77, abs=0.01)
    assert on_white.needed == 4.5 and problems[2].needed == 3
    assert on_white.ratio == pytest.approx(contrast_ratio("#7fd1c9", WHITE))
    assert on_white.message == (
        "With accent #7fd1c9, the contrast of heading and link text (accent) on white paper is 1.77:1; "
        f"it needs at least 4.5:1 (WCAG AA). Try a darker shade, such as {on_white.suggestion}."
    )
    assert "when printed in greyscale" in problems[3].message
    assert "3:1 (WCAG AA non-text contrast)" in problems[2].message


def test_a_saturated_yellow_fails_badly() -> None:
    problems = check_palette(make_palette("#ffcc00"))
    assert (ON_WHITE, False) in whats(problems) and (RULES, False) in whats(problems)
    assert problems[0].ratio == pytest.approx(1.51, abs=0.01)


def test_a_mid_red_fails_as_text_but_its_rules_are_visible() -> None:
    problems = check_palette(make_palette("#e53935"))
    assert whats(problems) == [(ON_WHITE, False), (ON_TINT, False), (ON_TINT, True)]
    assert problems[0].ratio == pytest.approx(4.23, abs=0.01)  # close, but not 4.5
    assert problems[1].ratio == pytest.approx(3.57, abs=0.01)
    assert contrast_ratio("#e53935", WHITE) >= 3  # so rules and borders pass


def test_problems_are_stable_and_never_repeat_a_message() -> None:
    for accent in ("#7fd1c9", "#ffcc00", "#e53935", "#ffffff"):
        first, again = check_palette(make_palette(accent)), check_palette(make_palette(accent))
        assert first == again
        messages = [p.message for p in first]
        assert len(messages) == len(set(messages))


def test_a_failing_ratio_is_never_shown_as_reaching_its_threshold() -> None:
    problem = ContrastProblem(what=ON_WHITE, ratio=4.4999, needed=4.5, greyscale=False)
    assert "is 4.49:1;" in problem.message
    assert problem.message.startswith("The contrast of")  # no accent named, no suggestion offered


def test_body_text_problems_do_not_blame_the_accent() -> None:
    palette = replace(make_palette("#0b6e69"), text="#aaaaaa")
    problems = [p for p in check_palette(palette) if p.what == "body text on white paper"]
    assert problems and all(p.accent == "" and p.suggestion is None for p in problems)
    assert problems[0].message.startswith("The contrast of body text on white paper is 2.32:1;")


# --- greyscale printing ---------------------------------------------------------------------------------


def passes_in_colour(accent: str) -> bool:
    """Every pair of the palette, checked here independently of check_palette (colour only)."""
    p = make_palette(accent)
    pairs = [(p.accent_text, p.paper, 4.5), (p.accent_text, p.tint, 4.5), (p.text, p.tint, 4.5),
             (p.text, p.paper, 4.5), (p.rule, p.paper, 3)]
    return all(contrast_ratio(a, b) >= needed for a, b, needed in pairs)


def test_an_accent_can_pass_in_colour_and_fail_in_greyscale() -> None:
    """Search all 4,096 #rgb colours. Rec. 601 luma weighs red and blue more than WCAG luminance does,
    so some purples and reds print as a lighter grey and lose contrast against their tint."""
    shorts = [f"#{r:x}{g:x}{b:x}" for r in range(16) for g in range(16) for b in range(16)]
    found = {c: check_palette(make_palette(c)) for c in shorts if passes_in_colour(c)}
    greyscale_only = {c: problems for c, problems in found.items() if problems}
    assert greyscale_only, "no #rgb colour passes in colour but fails in greyscale"
    for problems in greyscale_only.values():
        assert all(p.greyscale for p in problems)
    assert sorted(greyscale_only) == ["#75c", "#767", "#85a", "#957"]
    problem, = greyscale_only["#85a"]
    assert problem.what == ON_TINT
    assert contrast_ratio("#8855aa", make_palette("#8855aa").tint) == pytest.approx(4.57, abs=0.01)
    assert problem.ratio == pytest.approx(4.39, abs=0.01)
    assert "when printed in greyscale" in problem.message


# --- suggestions ----------------------------------------------------------------------------------------


FAILING = ["#7fd1c9", "#ffcc00", "#e53935", "#8855aa", "#ff0000", "#42a5f5", "#f06292", "#eeeeff"]


@pytest.mark.parametrize("accent", FAILING)
def test_the_suggestion_passes_every_check_and_keeps_the_hue(accent: str) -> None:
    suggestion = suggest_accent(parse_colour(accent))
    assert suggestion is not None and suggestion != accent
    assert check_palette(make_palette(suggestion)) == []
    assert hue_distance(suggestion, accent) <= 0.05
    assert lightness(suggestion) < lightness(accent)
    assert all(p.suggestion == suggestion for p in check_palette(make_palette(accent)))


def test_the_suggestion_is_the_lightest_passing_shade_on_the_way_down() -> None:
    suggestion = suggest_accent(parse_colour("#e53935"))
    assert suggestion is not None
    h, light, s = colorsys.rgb_to_hls(*(c / 255 for c in parse_colour(suggestion)))
    r, g, b = colorsys.hls_to_rgb(h, light + 0.01, s)
    lighter = to_hex((round(r * 255), round(g * 255), round(b * 255)))
    assert check_palette(make_palette(lighter)) != []
