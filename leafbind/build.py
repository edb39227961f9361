"""Build a catalogue: skip what is unchanged, check the rest, make it on the chosen executor, write, record.

1. Plan: each chosen leaflet whose recorded inputs (see `state`) are unchanged and whose outputs are on disk is
   skipped without being parsed; `force` plans everything.
2. Check the others one at a time (`catalogue.iter_checked`), as the workers ask for work, then run the
   quality checks (`lint`) on each: a leaflet with problems or quality errors is not made, and only the
   leaflets in flight are held in memory.
3. Make: `workers.run_jobs` renders and makes each leaflet's products (print layouts, e-book) in memory, here or elsewhere.
4. Write each leaflet's files atomically as its result arrives, then the manifest and the build state once.

One leaflet's failure never stops the others; it writes nothing and leaves its earlier outputs as they were.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, clock
from .catalogue import check_project, files_by_slug, iter_checked, select
from .errors import LeafbindError, Problem
from .layouts import EPUB, EPUB_FILE, OutputFile
from .lint import Finding, make_linter
from .model import Leaflet
from .output import Output, describe, output_path, update_manifest, write_atomically
from .pdf import DEFAULT_VARIANT
from .project import Project
from .state import BuildState, Fingerprints, LeafletRecord, OutputRecord, is_current, output_inputs
from .validate import AuthorBook, load_authors
from .workers import Job, JobResult, run_jobs

FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Progress:
    """One step of a build, for a progress display: `done` of `total` leaflets to make."""

    done: int
    total: int
    slug: str | None = None
    status: str = "start"  # start, built or failed


@dataclass(frozen=True)
class Failure:
    slug: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[Output, ...] = ()  # the files written by this build
    problems: tuple[Problem, ...] = ()  # every problem found, in file order (quality errors among them)
    findings: tuple[Finding, ...] = ()  # the quality checks' findings on the leaflets checked, in file order
    built: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # unchanged since the last build: nothing to do
    failed: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()  # each failed leaflet with its own problems
    manifest: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds: per stage summed over leaflets, and total


@dataclass
class _Run:
    project: Project
    out_dir: Path
    products: tuple[str, ...]  # print layouts by name, and "epub"
    variant: str
    book: AuthorBook
    fingerprints: Fingerprints
    state: BuildState
    timings: dict[str, float] = field(default_factory=dict)

    def files(self, product: str) -> tuple[OutputFile, ...]:
        return (EPUB_FILE,) if product == EPUB else self.project.layouts[product].files

    def kind(self, file: OutputFile) -> str:
        """An output's kind: its file name and the options that change its bytes."""
        if file.layout is None:
            return file.tail
        variant = self.project.layouts[file.layout].pdf_variant(self.variant)
        return f"{file.tail} {self.project.page_size} {variant}"

    def stale_products(self, path: Path, record: LeafletRecord | None) -> tuple[str, ...]:
        """The products of this leaflet that must be made again (all of them unless its record says otherwise)."""
        if record is None or record.source != self.project.display(path) or \
                record.source_sha256 != self.fingerprints.file(path):
            return self.products
        inputs = record.inputs(self.fingerprints, self.book.fingerprints)
        if inputs is None:
            return self.products
        return tuple(product for product in self.products if not all(
            is_current(record.outputs.get(self.kind(file)), output_inputs(inputs, self.kind(file)), self.out_dir)
            for file in self.files(product)))

    def time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


def build_catalogue(project: Project, out_dir: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
                    variant: str = DEFAULT_VARIANT, *, layouts: tuple[str, ...] = (), force: bool = False,
                    jobs: int = 1, executor: str = "local", scheduler: str | None = None, lint: bool = True,
                    progress: Callable[[Progress], None] | None = None) -> BuildResult:
    """Build the chosen leaflets (default: all) into `out_dir`, as PDFs in the chosen layouts (default: those of
    leafbind.toml) and as EPUB. With `lint`, the leaflets made are quality-checked first, and one with quality
    errors is not made. Raises ProblemReport only for broken settings; UnknownLayout for a bad name."""
    started = time.perf_counter()
    logo = check_project(project)
    linter = make_linter(project, clock.today()) if lint else None
    paths = select(project, slugs)
    run = _Run(project, out_dir, _products(project, formats, layouts), variant, load_authors(project),
               Fingerprints(project, __version__), BuildState.load(out_dir))
    todo, skipped, other_codes = _plan(run, paths, force)
    run.time("validate", time.perf_counter() - started)
    to_make = [path for path in paths if path.stem in todo]
    outputs, built, failures, in_flight, findings = [], [], {}, {}, {}
    step = _Steps(len(to_make), progress)
    build_id = uuid.uuid4().hex  # tells long-lived workers that files may have changed since their last build

    def jobs_to_run() -> Iterator[Job]:
        """Checked one at a time as the executor asks for work, so only the leaflets in flight are in memory."""
        checking = iter_checked(project, to_make, run.book, other_codes)
        while True:
            began = time.perf_counter()
            slug, leaflet, problems = next(checking, (None, None, None))
            run.time("validate", time.perf_counter() - began)
            if slug is None:
                return
            if leaflet is not None and linter is not None:
                began = time.perf_counter()
                quality = linter.lint(leaflet, project.display(leaflet.path))
                run.time("lint", time.perf_counter() - began)
                findings[slug] = quality.findings
                problems = [finding.as_problem() for finding in quality.errors]
            if leaflet is None or problems:
                failures.setdefault(slug, []).extend(problems)
                run.state.forget(slug)
                step(slug, "failed")
                continue
            in_flight[slug] = leaflet
            yield Job(leaflet, project, logo, todo[slug], variant, build_id)

    for result in run_jobs(jobs_to_run(), jobs, executor, scheduler, count=len(to_make)):
        leaflet = in_flight.pop(result.slug)
        for stage, seconds in result.timings.items():
            run.time(stage, seconds)
        if result.problems:
            failures.setdefault(result.slug, []).extend(result.problems)
            run.state.forget(result.slug)
        else:
            written = time.perf_counter()
            outputs.extend(_write(run, leaflet, result))
            built.append(result.slug)
            run.time("write", time.perf_counter() - written)
        step(result.slug, "failed" if result.problems else "built")
    manifest = update_manifest(out_dir, outputs) if outputs else None
    run.state.save()
    run.timings["total"] = time.perf_counter() - started
    return _result(paths, run.book.problems, outputs, built, skipped, failures, findings, manifest, run.timings)


class UnknownLayout(LeafbindError):
    """A layout named on the command line that the project doesn't have (a usage error)."""


def _products(project: Project, formats: tuple[str, ...], layouts: tuple[str, ...]) -> tuple[str, ...]:
    """What to make of each leaflet: each print layout once, in the order asked, then the e-book."""
    chosen = tuple(dict.fromkeys(layouts or project.config.layouts)) if "pdf" in formats else ()
    unknown = [name for name in chosen if name not in project.layouts]
    if unknown:
        raise UnknownLayout(f'no layout "{unknown[0]}" (the layouts are: {", ".join(project.layouts)}; '
                            "see publish list --layouts)")
    return (*chosen, *((EPUB,) if "epub" in formats else ()))


def _plan(run: _Run, paths: list[Path], force: bool) -> tuple[dict[str, tuple[str, ...]], list[str], dict[str, str]]:
    """Which products of which leaflets to make; which leaflets are skipped; the codes of the skipped ones."""
    todo, skipped, other_codes = {}, [], {}
    # Files sharing a slug are never skipped: the check must say which ones to rename.
    shared_slugs = {slug for slug, files in files_by_slug(run.project).items() if len(files) > 1}
    for path in paths:
        run.fingerprints.file(path)  # hashed before it is read for the build: an edit made meanwhile is not lost
        record = run.state.leaflets.get(path.stem)
        stale = run.products if force or path.stem in shared_slugs else run.stale_products(path, record)
        if stale:
            todo[path.stem] = stale
        else:
            skipped.append(path.stem)
            if record.code:
                other_codes[record.code] = record.source
    return todo, skipped, other_codes


class _Steps:
    """Counts finished leaflets for the progress display."""

    def __init__(self, total: int, progress: Callable[[Progress], None] | None) -> None:
        self.done, self.total, self.progress = 0, total, progress
        if progress:
            progress(Progress(0, total))

    def __call__(self, slug: str, status: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(Progress(self.done, self.total, slug, status))


def _write(run: _Run, leaflet: Leaflet, result: JobResult) -> list[Output]:
    """Write a leaflet's files and record what they were made from."""
    record = run.state.leaflets.get(leaflet.slug)
    kept = record.outputs if record and record.edition == leaflet.edition else {}
    record = LeafletRecord(
        source=run.project.display(leaflet.path), source_sha256=run.fingerprints.file(leaflet.path) or "",
        code=leaflet.code, edition=leaflet.edition,
        authors={a.key: run.book.fingerprints.get(a.key, "") for a in leaflet.authors},
        files={path: run.fingerprints.file(path) or "" for path in result.embedded}, outputs=dict(kept))
    inputs = record.inputs(run.fingerprints, run.book.fingerprints) or ""
    by_tail = {file.tail: file for product in run.products for file in run.files(product)}
    outputs = []
    for tail, data in result.files.items():
        file = by_tail[tail]
        path = output_path(run.out_dir, leaflet.slug, leaflet.edition, tail)
        write_atomically(path, data)
        output = describe(path, run.out_dir, data, leaflet, file)
        stat = path.stat()
        record.outputs[run.kind(file)] = OutputRecord(output.path, output_inputs(inputs, run.kind(file)),
                                                      output.sha256, stat.st_size, stat.st_mtime_ns)
        outputs.append(output)
    run.state.record(leaflet.slug, record)
    return outputs


def _result(paths, general, outputs, built, skipped, failures, findings, manifest, timings) -> BuildResult:
    """Failures, problems and findings in the order of the leaflet files, whatever order the workers finished in."""
    order = {path.stem: number for number, path in enumerate(paths)}
    slugs = sorted(failures, key=lambda slug: order.get(slug, len(order)))
    return BuildResult(
        outputs=tuple(sorted(outputs, key=lambda o: (order.get(o.slug, 0), o.format, o.path))),
        problems=(*general, *(problem for slug in slugs for problem in failures[slug])),
        findings=tuple(finding for slug in sorted(findings, key=order.get) for finding in findings[slug]),
        built=tuple(sorted(built, key=order.get)), skipped=tuple(skipped), failed=tuple(slugs),
        failures=tuple(Failure(slug, tuple(failures[slug])) for slug in slugs), manifest=manifest, timings=timings)
