"""Build a catalogue: skip what is unchanged, check the rest, make it on the chosen executor, write, record.

1. Plan: each chosen leaflet whose recorded inputs (see `state`) are unchanged and whose outputs are on disk is
   skipped without being parsed; `force` plans everything.
2. Check the others one at a time (`catalogue.iter_checked`), as the workers ask for work, then run the
   quality checks (`lint`) on each: a leaflet with problems or quality errors is not made, and only the
   leaflets in flight are held in memory.
3. Make: `workers.run_jobs` renders and makes each leaflet's products (print layouts, e-book) in memory, here or elsewhere.
4. Write each leaflet's files atomically as its result arrives, then the manifest and the build state once —
   whatever ends the loop: a failure, an exception, Ctrl-C.

The whole build holds the output folder's lock (`output.output_lock`), so builds into one folder take turns, and
first removes the temporary files an interrupted build left there.

One leaflet's failure never stops the others; it writes nothing and leaves its earlier outputs as they were. A
fault writing its files (a full disk, a file in the way) fails that leaflet alone: the files it already wrote
stay, each whole, and the build state forgets it so that the next build makes it again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, clock
from .catalogue import check_project, files_by_slug, iter_checked, select
from .errors import LeafbindError, Problem
from .layouts import EPUB, EPUB_FILE, OutputFile
from .lint import Finding, Linter, make_linter
from .model import Asset, Leaflet
from .output import (
    FileFault,
    Output,
    describe,
    output_lock,
    output_path,
    remove_temporaries,
    update_manifest,
    write_atomically,
)
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


@dataclass
class _Made:
    """What the build has made so far, kept up to date as each result comes, so that it can be saved at any moment."""

    outputs: list[Output] = field(default_factory=list)  # every file written, even of a leaflet that then failed
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: dict[str, list[Problem]] = field(default_factory=dict)
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    saving: list[Problem] = field(default_factory=list)  # faults writing the manifest or the build state

    def fail(self, run: _Run, slug: str, problems: Iterable[Problem]) -> None:
        """A leaflet that failed is forgotten by the build state, so the next build checks and makes it again."""
        self.failures.setdefault(slug, []).extend(problems)
        run.state.forget(slug)


def build_catalogue(project: Project, out_dir: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
                    variant: str = DEFAULT_VARIANT, *, layouts: tuple[str, ...] = (), force: bool = False,
                    jobs: int = 1, executor: str = "local", scheduler: str | None = None, lint: bool = True,
                    progress: Callable[[Progress], None] | None = None,
                    notice: Callable[[str], None] | None = None) -> BuildResult:
    """Build the chosen leaflets (default: all) into `out_dir`, as PDFs in the chosen layouts (default: those of
    leafbind.toml) and as EPUB. With `lint`, the leaflets made are quality-checked first, and one with quality
    errors is not made. `notice` is told, once, if the build must wait for another build into `out_dir`.

    Raises ProblemReport only for broken settings; UnknownLayout for a bad name; FileFault if `out_dir` can't be
    made or written into; BuildStopped on Ctrl-C (KeyboardInterrupt), after saving what was made.
    """
    started = time.perf_counter()
    logo = check_project(project)
    linter = make_linter(project, clock.today()) if lint else None
    paths = select(project, slugs)
    products = _products(project, formats, layouts)
    checked = time.perf_counter()  # waiting for another build's lock is not checking
    with output_lock(out_dir, waiting_for_lock(project, out_dir, notice)):
        remove_temporaries(out_dir)  # before anything is written: no other build is writing now
        run = _Run(project, out_dir, products, variant, load_authors(project), Fingerprints(project, __version__),
                   BuildState.load(out_dir))
        run.time("validate", checked - started)
        made, stopped = _Made(), None
        try:
            _make(run, made, paths, force, jobs, executor, scheduler, linter, logo, progress)
        except KeyboardInterrupt as interruption:
            stopped = interruption
        finally:
            manifest = _save(run, made)
    run.timings["total"] = time.perf_counter() - started
    result = _result(paths, run.book.problems, made, manifest, run.timings)
    if stopped is not None:
        raise BuildStopped(result, tuple(made.saving)) from stopped
    return result


def _make(run: _Run, made: _Made, paths: list[Path], force: bool, jobs: int, executor: str, scheduler: str | None,
          linter: Linter | None, logo: Asset | None, progress: Callable[[Progress], None] | None) -> None:
    """Plan, check and make the leaflets, recording each result in `made` as it arrives."""
    project, started = run.project, time.perf_counter()
    todo, made.skipped, other_codes = _plan(run, paths, force)
    run.time("validate", time.perf_counter() - started)
    to_make = [path for path in paths if path.stem in todo]
    in_flight = {}
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
                made.findings[slug] = quality.findings
                problems = [finding.as_problem() for finding in quality.errors]
            if leaflet is None or problems:
                made.fail(run, slug, problems)
                step(slug, "failed")
                continue
            in_flight[slug] = leaflet
            yield Job(leaflet, project, logo, todo[slug], run.variant, build_id)

    # closing(): on Ctrl-C the workers are stopped at once, not when the generator is collected
    with closing(run_jobs(jobs_to_run(), jobs, executor, scheduler, count=len(to_make))) as results:
        for result in results:
            step(result.slug, _take(run, made, in_flight.pop(result.slug), result))


def waiting_for_lock(project: Project, out_dir: Path,
                     notice: Callable[[str], None] | None) -> Callable[[], None] | None:
    """What to tell the user when another build into the same folder holds its lock: this one waits for it."""
    if notice is None:
        return None
    return lambda: notice(f"waiting for another build into {project.display(out_dir)}/ to finish…")


class BuildStopped(KeyboardInterrupt):
    """The build was interrupted (Ctrl-C, or a signal the caller raises as KeyboardInterrupt, its __cause__).

    What it had made is saved in the manifest and the build state; `result` says what that was, and `faults` the
    problems saving them, if any.
    """

    def __init__(self, result: BuildResult, faults: tuple[Problem, ...] = ()) -> None:
        super().__init__("the build was stopped")
        self.result, self.faults = result, faults


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


def _take(run: _Run, made: _Made, leaflet: Leaflet, result: JobResult) -> str:
    """Record one leaflet's result: write its files, or keep its problems. Returns its status: built or failed."""
    for stage, seconds in result.timings.items():
        run.time(stage, seconds)
    if result.problems:
        made.fail(run, result.slug, result.problems)
        return "failed"
    began = time.perf_counter()
    try:
        _write(run, leaflet, result, made.outputs)
    except FileFault as fault:  # a full disk, a file in the way …: this leaflet fails, the others go on
        made.fail(run, result.slug, [fault.problem(run.project.display)])
        return "failed"
    finally:
        run.time("write", time.perf_counter() - began)
    made.built.append(result.slug)
    return "built"


def _write(run: _Run, leaflet: Leaflet, result: JobResult, outputs: list[Output]) -> None:
    """Write a leaflet's files, adding each to `outputs` as it is written, then record what they were made from.
    Raises FileFault; the files written before it stay (each is whole) and are listed in the manifest."""
    record = run.state.leaflets.get(leaflet.slug)
    kept = record.outputs if record and record.edition == leaflet.edition else {}
    record = LeafletRecord(
        source=run.project.display(leaflet.path), source_sha256=run.fingerprints.file(leaflet.path) or "",
        code=leaflet.code, edition=leaflet.edition,
        authors={a.key: run.book.fingerprints.get(a.key, "") for a in leaflet.authors},
        files={path: run.fingerprints.file(path) or "" for path in result.embedded}, outputs=dict(kept))
    inputs = record.inputs(run.fingerprints, run.book.fingerprints) or ""
    by_tail = {file.tail: file for product in run.products for file in run.files(product)}
    for tail, data in result.files.items():
        file = by_tail[tail]
        path = output_path(run.out_dir, leaflet.slug, leaflet.edition, tail)
        stat = write_atomically(path, data)
        output = describe(path, run.out_dir, data, leaflet, file)
        record.outputs[run.kind(file)] = OutputRecord(output.path, output_inputs(inputs, run.kind(file)),
                                                      output.sha256, stat.st_size, stat.st_mtime_ns)
        outputs.append(output)
    run.state.record(leaflet.slug, record)


def _save(run: _Run, made: _Made) -> Path | None:
    """Write the manifest and the build state, whatever ended the build; a fault writing them is a problem.

    A built leaflet the manifest could not list is forgotten by the build state: the next build makes it again
    and lists it.
    """
    manifest = None
    if made.outputs:
        try:
            manifest = update_manifest(run.out_dir, made.outputs)
        except FileFault as fault:
            made.saving.append(fault.problem(run.project.display))
            for slug in made.built:
                run.state.forget(slug)
    try:
        run.state.save()
    except FileFault as fault:
        made.saving.append(fault.problem(run.project.display))
    return manifest


def _result(paths: list[Path], general: tuple[Problem, ...], made: _Made, manifest: Path | None,
            timings: dict[str, float]) -> BuildResult:
    """Failures, problems and findings in the order of the leaflet files, whatever order the workers finished in."""
    order = {path.stem: number for number, path in enumerate(paths)}
    failures, findings = made.failures, made.findings
    slugs = sorted(failures, key=lambda slug: order.get(slug, len(order)))
    return BuildResult(
        outputs=tuple(sorted(made.outputs, key=lambda o: (order.get(o.slug, 0), o.format, o.path))),
        problems=(*general, *(problem for slug in slugs for problem in failures[slug]), *made.saving),
        findings=tuple(finding for slug in sorted(findings, key=order.get) for finding in findings[slug]),
        built=tuple(sorted(made.built, key=order.get)), skipped=tuple(made.skipped), failed=tuple(slugs),
        failures=tuple(Failure(slug, tuple(failures[slug])) for slug in slugs), manifest=manifest, timings=timings)
