"""The checkers for web pages (tests/webcheck.py) find what they should, and nothing on a good page: so that a
clean result on leafbind's own pages means something. The pages are purpose-made (tests/web/): `good.html`,
valid and accessible, with a search box its script filters; `bad.html` and `bad.css`, each fault put there on
purpose; `small-targets.html`, whose only fault is one that WCAG 2.2 added."""

from __future__ import annotations

from pathlib import Path

import pytest
import webcheck
from conftest import line_of
from PIL import Image
from selenium.webdriver.common.by import By
from webcheck import DESKTOP, PHONE, axe_violations, describe_violations, file_url, nu_errors, screenshot

WEB = Path(__file__).resolve().parent / "web"


def test_nu_finds_each_error_at_its_line_and_none_in_the_good_pages() -> None:
    bad = WEB / "bad.html"
    pages = [path for path in sorted(WEB.iterdir()) if path.suffix != ".css"]  # the script is left out

    errors = nu_errors(pages, relative_to=WEB)

    assert errors == [
        f"bad.html:{line_of(bad, '<div>')}:60: No “p” element in scope but a “p” end tag seen.",
        f"bad.html:{line_of(bad, '<img')}:3: An “img” element must have an “alt” attribute, except under "
        "certain conditions. For details, consult guidance on providing text alternatives for images.",
    ]


def test_nu_checks_style_sheets_as_css() -> None:
    css = WEB / "bad.css"
    assert nu_errors([WEB / "web.css", css], relative_to=WEB) == [
        f"bad.css:{line_of(css, 'reed')}:13: CSS: “color”: “reed” is not a “color” value."]


def test_nu_shows_paths_as_given_and_fails_on_a_missing_file(tmp_path: Path) -> None:
    page = tmp_path / "a page.html"  # a space: vnu reports it percent-encoded
    page.write_text((WEB / "bad.html").read_text(encoding="utf-8"), encoding="utf-8")
    assert [error.split(": ")[0] for error in nu_errors([page])] == [f"{page}:13:60", f"{page}:14:3"]

    with pytest.raises(pytest.fail.Exception, match="not there: .*missing.html"):
        nu_errors([tmp_path / "missing.html"])


def test_the_browser_runs_the_page_s_script(browser) -> None:
    browser.get(file_url(WEB / "good.html"))
    box = browser.find_element(By.ID, "find")
    count = browser.find_element(By.ID, "count")

    def shown() -> list[str]:
        return [item.find_element(By.TAG_NAME, "a").text
                for item in browser.find_elements(By.CSS_SELECTOR, "#leaflets > li") if item.is_displayed()]

    assert shown() == ["Knee pain", "Hay fever", "Ear wax", "Ankle sprain"]
    box.send_keys("knee")
    assert (shown(), count.text) == (["Knee pain"], "1 leaflet")
    box.clear()
    box.send_keys("EAR")  # case ignored
    assert (shown(), count.text) == (["Ear wax"], "1 leaflet")
    box.send_keys(" splint")
    assert (shown(), count.text) == ([], "No leaflet matches")
    assert axe_violations(browser, None) == []  # the page as the search left it


def test_axe_reports_the_violations_of_the_bad_page_and_none_on_the_good_one(browser) -> None:
    good = axe_violations(browser, file_url(WEB / "good.html"))
    bad = axe_violations(browser, file_url(WEB / "bad.html"))

    assert good == [], describe_violations(good)
    assert sorted((v["id"], v["impact"], tuple(v["nodes"])) for v in bad) == [
        ("color-contrast", "serious", (".faint",)),
        ("image-alt", "critical", ("img",)),
        ("label", "critical", ("#find",)),
    ], describe_violations(bad)
    assert {v["id"]: v["help"] for v in bad}["image-alt"] == "Images must have alternative text"


def test_axe_runs_the_wcag_2_2_aa_rules(browser) -> None:
    """wcag22aa is among the tags: target-size (WCAG 2.2's 2.5.8) is a violation with them, none without."""
    page = file_url(WEB / "small-targets.html")
    assert [v["id"] for v in axe_violations(browser, page)] == ["target-size"]
    assert axe_violations(browser, page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) == []


def test_screenshots_at_phone_and_desktop_sizes(browser, tmp_path: Path) -> None:
    good = file_url(WEB / "good.html")
    phone = screenshot(browser, good, *PHONE, tmp_path / "phone.png")
    desktop = screenshot(browser, good, *DESKTOP, tmp_path / "desktop.png")
    long = screenshot(browser, good, 390, 300, tmp_path / "long.png", full_page=True)

    assert Image.open(phone).size == PHONE and Image.open(desktop).size == DESKTOP
    assert Image.open(long).size[0] == 390 and Image.open(long).size[1] > 600  # the whole page
    for shot in (phone, desktop):  # something is drawn: the white page, its text and the teal accent
        assert len(Image.open(shot).convert("RGB").getcolors(1 << 16) or []) > 16, shot
    browser.get(good)  # and the browser is back at the desktop size
    assert browser.execute_script("return [innerWidth, innerHeight]") == list(DESKTOP)


def test_the_phone_size_is_a_phone_s(browser) -> None:
    """At PHONE size the page lays out in 390 CSS pixels (its meta viewport obeyed), without scrolling
    sideways."""
    webcheck.set_viewport(browser, *PHONE)
    try:
        browser.get(file_url(WEB / "good.html"))
        widths = browser.execute_script("return [innerWidth, document.documentElement.scrollWidth, "
                                        "matchMedia('(pointer: coarse)').matches]")
    finally:
        webcheck.set_viewport(browser, *DESKTOP)
    assert widths == [390, 390, True]


@pytest.mark.parametrize("missing", ["CHROMIUM", "CHROMEDRIVER"])
def test_a_missing_browser_fails_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         missing: str) -> None:
    monkeypatch.setattr(webcheck, missing, tmp_path / "nothing")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium chromium-driver"):
        webcheck.start_browser()


def test_missing_checkers_fail_with_how_to_install_them(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setattr(webcheck, "AXE", tmp_path / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match="axe-core is not installed .* npm ci"):
        axe_violations(None, "file:///nothing")
    monkeypatch.setattr(webcheck, "vnu_jar", lambda: tmp_path / "vnu.jar")
    with pytest.raises(pytest.fail.Exception, match=r"Nu HTML Checker is not installed .* '\.\[test\]'"):
        nu_errors([WEB / "good.html"])
