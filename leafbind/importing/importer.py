"""publish import: documents read, turned into leaflets, checked, then written all together.

Three steps, so that nothing is half-written:
1. each document is read by its converter (docx.py, webpage/) into a Draft; a document that cannot be
   read is reported and the others go on;
2. each Draft is settled into a leaflet (slug, authors, dates, language), written as source and checked by
   the same validation `publish check` runs; one that fails is reported and nothing of it is kept;
3. unless this is a dry run, each leaflet's images and then its source are written atomically, and
   authors.yaml once, at the end, with every new author. If that last write fails, every file this import
   wrote is put back as it was.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LeafbindError, ProblemReport
from ..load import MAX_SOURCE_BYTES, parse_leaflet
from ..model import SLUG_PATTERN
from ..output import FileFault, write_atomically
from ..project import Project
from ..validate import AUTHORS_FILE, load_authors, validate
from .authors import Registry
from .docx import read_docx
from .draft import Draft, ImportRefused
from .plan import Plan, settle, standard_tag
from .webpage import read_webpage
from .writer import leaflet_source, markdown_body

SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html"}
MAX_WORKERS = 8  # processes reading documents at once
BATCH_PER_WORKER = 8  # documents per process at the least: fewer are read here, without starting any


@dataclass(frozen=True)
class ImportOptions:
    slug: str | None = None  # the slug of the one leaflet (one document only)
    author: str | None = None  # an authors.yaml key every imported leaflet is by
    lang: str | None = None  # the language of every imported leaflet
    force: bool = False  # overwrite leaflets that exist
    dry_run: bool = False  # report only: nothing written


@dataclass
class Imported:
    """One document's import: the leaflet it became (or would become), or why it did not."""

    file: str  # the document, as the editor named it
    plan: Plan | None = None
    error: str | None = None
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.plan is not None

    def as_dict(self, dry_run: bool = False) -> dict:
        entry = {"file": self.file, "status": "failed" if not self.ok else
                 "would-import" if dry_run else "imported" if self.written else "not-written"}
        if self.error:
            entry["error"] = self.error
        if self.plan:
            entry.update(self.plan.as_dict())
        return entry


@dataclass
class ImportResult:
    documents: list[Imported] = field(default_factory=list)
    authors_file: str = ""
    authors_added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not documents
    dry_run: bool = False

    @property
    def failed(self) -> list[Imported]:
        return [document for document in self.documents if not document.ok]

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "documents": [d.as_dict(self.dry_run) for d in self.documents],
                "authors_file": self.authors_file, "authors_added": self.authors_added,
                "skipped": self.skipped,
                "summary": {"documents": len(self.documents), "failed": len(self.failed),
                            "imported": sum(d.written for d in self.documents)}}


def find_documents(paths: list[Path], project: Project) -> tuple[list[Path], list[str]]:
    """The documents to import: files as given, and the .docx/.html/.htm files of folders (not their
    subfolders, and not Word's "~$" lock files), in name order. Also the folder files that were skipped."""
    found, skipped = [], []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith("~$"):
                found.append(child)
            elif child.is_file() and not child.name.startswith("."):
                skipped.append(project.display(child))
    return found, skipped


def import_documents(project: Project, paths: list[Path], options: ImportOptions = ImportOptions(),
                     progress: Callable[[int, int, str], None] | None = None) -> ImportResult:
    """Import every document of `paths` into the project's leaflets/ (see the module's docstring). Raises
    LeafbindError for a problem with the whole import (--slug with several documents, an unknown --author,
    a broken authors.yaml that authors would be added to)."""
    documents, skipped = find_documents(paths, project)
    _check_options(project, documents, options)
    registry = _registry(project)
    if options.author and options.author not in registry.book.authors:
        raise LeafbindError(f'--author "{options.author}" is not a key of {registry.book.display}'
                            + _known(registry))
    result = ImportResult(authors_file=registry.book.display, skipped=skipped, dry_run=options.dry_run)
    taken: set[str] = set()
    for index, (path, read) in enumerate(zip(documents, _reading(documents), strict=True), 1):
        if progress:
            progress(index, len(documents), project.display(path))
        result.documents.append(_prepare(project, path, read, options, registry, taken))
    if not options.dry_run:
        _write_all(project, result, registry)
    result.authors_added = list(registry.added)
    return result


def _check_options(project: Project, documents: list[Path], options: ImportOptions) -> None:
    if not documents:
        raise LeafbindError("no documents to import: name .docx, .html or .htm files, or a folder of them")
    if options.slug is not None:
        if len(documents) > 1:
            raise LeafbindError(f"--slug names one leaflet, but {len(documents)} documents were given")
        if not SLUG_PATTERN.match(options.slug):
            raise LeafbindError(f'--slug "{options.slug}" is not a valid slug: use lowercase letters, digits '
                                "and hyphens, e.g. knee-pain")
    if options.lang is not None and standard_tag(options.lang) is None:
        raise LeafbindError(f'--lang "{options.lang}" is not a language tag (use a BCP 47 tag such as en, '
                            "en-GB, ar or zh-Hans)")


def _registry(project: Project) -> Registry:
    book = load_authors(project)
    path = project.leaflets_dir / AUTHORS_FILE
    text = path.read_text(encoding="utf-8") if book.readable and path.is_file() else ""
    return Registry(book, text)


def _known(registry: Registry) -> str:
    keys = sorted(registry.book.authors)
    return f" (it has {', '.join(keys[:12])}{' …' if len(keys) > 12 else ''})" if keys else " (it has none)"


def _reading(documents: list[Path]) -> Iterator[Draft | ImportRefused]:
    """Each document's Draft, or why it could not be read, in order. Reading is most of an import's time
    (mammoth parses every part of a Word file), so a batch is read by one process per CPU."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(documents) // BATCH_PER_WORKER)
    if workers < 2:
        yield from map(_read_or_refusal, documents)
        return
    # spawn: fresh processes, not copies of this one and whatever threads it runs
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = 0
        try:
            for read in pool.map(_read_or_refusal, documents, chunksize=BATCH_PER_WORKER // 2):
                done += 1
                yield read
        except BrokenProcessPool:  # a reader died (out of memory, a crash in a parser): the rest are reported
            stopped = ImportRefused("was not read: a process reading this batch stopped unexpectedly; import "
                                    "it on its own to see whether it is the cause")
            yield from (stopped for _ in documents[done:])


def _read_or_refusal(path: Path) -> Draft | ImportRefused:
    try:
        return _read(path)
    except ImportRefused as refused:
        return refused


def _prepare(project: Project, path: Path, read: Draft | ImportRefused, options: ImportOptions,
             registry: Registry, taken: set[str]) -> Imported:
    """One document read, settled and checked: an Imported with its plan, or with the reason it failed.
    Authors this document would add are kept only if it succeeds."""
    shown = project.display(path)
    added = len(registry.added)
    try:
        if isinstance(read, ImportRefused):
            raise read
        plan = settle(project, read, options, registry, taken)
        _check(project, plan, registry)
    except ImportRefused as refused:
        return _failed(shown, str(refused), registry, added)
    except ProblemReport as report:
        return _failed(shown, "the leaflet made from it is not valid:\n" + "\n".join(
            f"  {problem}" for problem in report.problems), registry, added)
    except LeafbindError as error:
        return _failed(shown, str(error), registry, added)
    taken.add(plan.slug)
    return Imported(shown, plan)


def _failed(shown: str, message: str, registry: Registry, added: int) -> Imported:
    registry.forget(added)
    return Imported(shown, error=message)


def _read(path: Path) -> Draft:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ImportRefused("is not a document leafbind imports: save it as .docx (Word) or .html (a web "
                            "page saved from the browser) first")
    if not path.is_file():
        raise ImportRefused("was not found" if not path.exists() else "is not a file")
    try:
        return read_docx(path) if kind == "docx" else read_webpage(path)
    except ImportRefused:
        raise
    except OSError as error:
        raise ImportRefused(f"can't be read ({error.strerror or error})") from None
    except Exception as error:  # noqa: BLE001 — a converter meeting a broken document may fail in any way
        # (mammoth, lxml and Pillow raise their own errors); that document is reported, the others go on
        raise ImportRefused(f"could not be read as a {kind} document ({type(error).__name__}: {error})"
                            ) from None


def _check(project: Project, plan: Plan, registry: Registry) -> None:
    """Validate the leaflet as `publish check` would, its images left out (they are checked when read and
    again by the asset gate at build). Raises ProblemReport or ImportRefused."""
    text = leaflet_source(plan.fields, markdown_body(plan.draft.body_html, {}))
    if len(plan.source.encode()) > MAX_SOURCE_BYTES:
        raise ImportRefused(f"is too long for one leaflet (more than {MAX_SOURCE_BYTES // 1024 // 1024} MB "
                            "of text): split it into several documents first")
    source = parse_leaflet(text, plan.path, project.display(plan.path))
    validate(source, registry.authors(), project)


def _write_all(project: Project, result: ImportResult, registry: Registry) -> None:
    """Write every planned leaflet, then authors.yaml; on any failure put back what was written."""
    journal = _Journal()
    try:
        for document in result.documents:
            if document.ok:
                for image in document.plan.images:
                    journal.write(image.path, image.data)
                journal.write(document.plan.path, document.plan.source.encode())
                document.written = True
        if registry.added:
            journal.write(project.leaflets_dir / AUTHORS_FILE, registry.new_text().encode())
    except BaseException as error:  # a fault, or Ctrl-C: nothing of this import stays
        journal.restore()
        if not isinstance(error, FileFault | ProblemReport):
            raise
        for document in result.documents:
            if document.ok:
                document.written = False
                document.error = f"nothing was written: {error}"
        registry.added.clear()


@dataclass
class _Journal:
    """What an import wrote, to put back: each file with what it held before (None: it was new), and the
    folders made for them."""

    files: list[tuple[Path, bytes | None]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def write(self, path: Path, data: bytes) -> None:
        before = path.read_bytes() if path.is_file() else None
        if before == data:
            return
        self.folders += reversed(list(itertools.takewhile(lambda folder: not folder.exists(),
                                                          [path.parent, *path.parent.parents])))
        self.files.append((path, before))
        write_atomically(path, data)

    def restore(self) -> None:
        for path, before in reversed(self.files):
            with contextlib.suppress(OSError, FileFault):
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomically(path, before)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: nothing but what this import wrote was in it
