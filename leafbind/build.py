"""Build a catalogue: skip what is unchanged, check the rest, make it on the chosen executor, write, record.

1. Plan: each chosen leaflet whose recorded inputs (see `state`) are unchanged and whose outputs are on disk
   is skipped without being parsed; `force` plans everything.
2. Check the others one at a time (`catalogue.iter_checked`), as the workers ask for work, then run the
   quality checks (`lint`) on each: a leaflet with problems or quality errors is not made, and only the
   leaflets in flight are held in memory.
3. Make: `workers.run_jobs` renders and makes each leaflet's products (print layouts, e-book) in memory, here
   or elsewhere.
4. Write each leaflet's files atomically as its result arrives, then the manifest and the build state once —
   whatever ends the loop: a failure, an exception, Ctrl-C.

The whole build holds the output folder's lock (`output.output_lock`), so builds into one folder take turns,
and first removes the temporary files an interrupted build left there.

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
from functools import cached_property
from pathlib import Path

from . import clock
from .catalogue import Families, files_by_slug, iter_checked, select
from .errors import LeafbindError, Problem
from .make import Job, JobResult
from .model import Leaflet
from .output import (
    OUTPUT_KEYS,
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
from .products import FORMATS, OutputFile, Product, choose_products
from .project import Project
from .quality import TEXT_LAYER, WARNING, Finding, FontCheck, Linter, make_linter
from .review import review_catalogue, waiting_for_lock, write_quality_page
from .site import SITE, Website
from .state import (
    BuildState,
    Fingerprints,
    LeafletRecord,
    OutputRecord,
    is_current,
    languages_key,
    output_inputs,
)
from .validate import AuthorBook, load_authors
from .version import __version__
from .workers import LOCAL, Executor, run_jobs


@dataclass(frozen=True)
class BuildOptions:
    """How to build, resolved once — the defaults, then leafbind.toml, then what the command line says — and
    then passed whole to the build (`BuildOptions.resolve` does the resolving)."""

    out_dir: Path
    products: tuple[Product, ...]  # print products in the order asked, then the e-book
    paper: str = "a4"  # a4 or letter
    variant: str = DEFAULT_VARIANT  # the PDF variant of the layouts that don't set their own
    slugs: tuple[str, ...] = ()  # the leaflets to build (default: every leaflet)
    force: bool = False  # make every chosen output again, even those unchanged
    executor: Executor = LOCAL
    lint: bool = True  # quality-check each leaflet made (off: font-coverage only); one with errors isn't made
    report: bool = False  # also write quality.html into the output folder
    site: bool = False  # also bring the web edition in <out>/site/ up to date (see leafbind/site.py)

    @classmethod
    def resolve(cls, project: Project, *, out_dir: Path | None = None, slugs: tuple[str, ...] = (),
                formats: tuple[str, ...] | None = None, layouts: tuple[str, ...] = (),
                page_size: str | None = None, variant: str = DEFAULT_VARIANT, force: bool = False,
                executor: Executor = LOCAL, lint: bool = True, report: bool = False) -> BuildOptions:
        """Options from the command line's choices, each unset one taken from leafbind.toml, else the default.
        `formats` None asks for every format: the PDFs and the e-book, and the web edition when leafbind.toml
        gives the website. Raises UnknownLayout for a layout the project doesn't have."""
        site = SITE in formats if formats is not None else bool(project.config.website)
        return cls(out_dir if out_dir is not None else project.root / "dist",
                   choose_products(project, FORMATS if formats is None else formats, layouts),
                   page_size or project.config.page_size, variant, tuple(slugs), force, executor, lint,
                   report, site)

    def state_key(self, product: Product, file: OutputFile) -> str:
        """How the build state knows an output: its name and the options that change its bytes."""
        return product.state_key(file, self.paper, self.variant)


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
    # seconds: per stage summed over leaflets, and total
    timings: dict[str, float] = field(default_factory=dict)
    executor: Executor = LOCAL
    report: Path | None = None  # quality.html, when the options asked for it
    site: Path | None = None  # the web edition's folder, when the options asked for it

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The quality warnings of the leaflets checked (their errors are among `problems`)."""
        return tuple(finding for finding in self.findings if finding.severity == WARNING)

    def as_dict(self) -> dict:
        """The build summary for scripts and CI (`publish build --json`); README.md ("Scripts and CI")
        documents its keys."""
        jobs, executor = self.executor.describe()
        return {
            "built": list(self.built),
            "skipped": list(self.skipped),
            "failed": [{"slug": f.slug, "problems": [str(p) for p in f.problems]} for f in self.failures],
            "problems": [str(problem) for problem in self.problems],
            "warnings": [str(finding) for finding in self.warnings],
            "outputs": [{key: getattr(o, key) for key in ("slug", "edition", *OUTPUT_KEYS)}
                        for o in self.outputs],
            "timings": {stage: round(seconds, 3) for stage, seconds in sorted(self.timings.items())},
            "jobs": jobs,
            "executor": executor,
            "site": None if self.site is None else str(self.site),
        }


@dataclass
class _Run:
    project: Project
    options: BuildOptions
    book: AuthorBook
    fingerprints: Fingerprints
    state: BuildState
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def out_dir(self) -> Path:
        return self.options.out_dir

    @cached_property
    def families(self) -> Families:
        """The languages of each leaflet's family, every file of the project considered (also in a build of
        one leaflet): a file built before and unchanged since is not read again (its record knows its
        language)."""
        return Families(self.project, known=self._recorded_language)

    def _recorded_language(self, path: Path) -> str | None:
        record = self.state.leaflets.get(path.stem)
        if record is None or not record.lang or record.source != self.project.display(path) or \
                record.source_sha256 != self.fingerprints.file(path):
            return None
        return record.lang

    def stale_products(self, path: Path, record: LeafletRecord | None) -> tuple[Product, ...]:
        """The products of this leaflet that must be made again (all of them unless its record says
        otherwise)."""
        products = self.options.products
        if record is None or record.source != self.project.display(path) or \
                record.source_sha256 != self.fingerprints.file(path):
            return products
        family = self.families.of(path.stem.partition(".")[0])
        inputs = record.inputs(self.fingerprints, self.book.fingerprints, languages_key(family))
        if inputs is None:
            return products
        return tuple(product for product in products if not all(
            is_current(record.outputs.get(key := self.options.state_key(product, file)),
                       output_inputs(inputs, key), self.out_dir)
            for file in product.files))

    def time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


@dataclass
class _Made:
    """What the build has made so far, kept up to date as each result comes, so that it can be saved at any
    moment."""

    # every file written, even of a leaflet that then failed
    outputs: list[Output] = field(default_factory=list)
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: dict[str, list[Problem]] = field(default_factory=dict)
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    saving: list[Problem] = field(default_factory=list)  # faults writing the manifest or the build state

    def fail(self, run: _Run, slug: str, problems: Iterable[Problem]) -> None:
        """A leaflet that failed is forgotten by the build state, so the next build checks and makes it
        again."""
        self.failures.setdefault(slug, []).extend(problems)
        run.state.forget(slug)


def build_catalogue(project: Project, options: BuildOptions, *,
                    progress: Callable[[Progress], None] | None = None,
                    notice: Callable[[str], None] | None = None) -> BuildResult:
    """Build the chosen leaflets (default: all) as the options say. With `options.lint`, the leaflets made are
    quality-checked first, and one with quality errors is not made. `progress` is told of each leaflet as it
    is done; `notice`, once, if the build must wait for another build into the same output folder.

    Raises UnknownLeaflet for a slug the project doesn't have; ProblemReport for a plain-words list with
    problems; FileFault if the output folder can't be made or written into; BuildStopped on Ctrl-C
    (KeyboardInterrupt), after saving what was made.
    """
    started = time.perf_counter()
    linter = make_linter(project, clock.today()) if options.lint else None
    paths = select(project, options.slugs)
    checked = time.perf_counter()  # waiting for another build's lock is not checking
    with output_lock(options.out_dir, waiting_for_lock(project, options.out_dir, notice)):
        remove_temporaries(options.out_dir)  # before anything is written: no other build is writing now
        run = _Run(project, options, load_authors(project), Fingerprints(project, __version__),
                   BuildState.load(options.out_dir))
        run.time("validate", checked - started)
        made, stopped = _Made(), None
        try:
            _make(run, made, paths, linter, progress)
        except KeyboardInterrupt as interruption:
            stopped = interruption
        finally:
            manifest = _save(run, made)
        site = _site(run, made) if options.site and stopped is None else None
        report = (write_quality_page(review_catalogue(project, options.slugs, clock.today()), project,
                                     options.out_dir, locked=True)
                  if options.report and stopped is None else None)
    run.timings["total"] = time.perf_counter() - started
    result = _result(paths, run.book.problems, made, manifest, run.timings, options.executor, report, site)
    if stopped is not None:
        raise BuildStopped(result, tuple(made.saving)) from stopped
    return result


def _make(run: _Run, made: _Made, paths: list[Path], linter: Linter | None,
          progress: Callable[[Progress], None] | None) -> None:
    """Plan, check and make the leaflets, recording each result in `made` as it arrives."""
    project, options, started = run.project, run.options, time.perf_counter()
    todo, made.skipped, other_codes = _plan(run, paths, options.force)
    run.time("validate", time.perf_counter() - started)
    to_make = [path for path in paths if path.stem in todo]
    in_flight = {}
    step = _Steps(len(to_make), progress)
    build_id = uuid.uuid4().hex  # tells long-lived workers that files may have changed since their last build
    fonts = FontCheck(project)  # for --no-lint (with the quality checks, the linter runs it)
    # the check that needs the PDF runs where it is made, with the other quality checks
    text_layer = linter is not None and TEXT_LAYER not in project.config.check.disable

    def jobs_to_run() -> Iterator[Job]:
        """Checked one at a time as the executor asks for work, so only the leaflets in flight are in
        memory."""
        checking = iter_checked(project, to_make, run.book, other_codes, run.families)
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
            elif leaflet is not None:  # --no-lint: still no character left to the machine's fonts
                made.findings[slug] = fonts.findings(leaflet, project.display(leaflet.path))
                problems = [finding.as_problem() for finding in made.findings[slug]]
            if leaflet is None or problems:
                made.fail(run, slug, problems)
                step(slug, "failed")
                continue
            in_flight[slug] = leaflet
            yield Job(leaflet, project, todo[slug], options.paper, options.variant, build_id, text_layer)

    # closing(): on Ctrl-C the workers are stopped at once, not when the generator is collected
    with closing(run_jobs(jobs_to_run(), options.executor, count=len(to_make))) as results:
        for result in results:
            step(result.slug, _take(run, made, in_flight.pop(result.slug), result))


class BuildStopped(KeyboardInterrupt):
    """The build was interrupted (Ctrl-C, or a signal the caller raises as KeyboardInterrupt, its __cause__).

    What it had made is saved in the manifest and the build state; `result` says what that was, and `faults`
    the problems saving them, if any.
    """

    def __init__(self, result: BuildResult, faults: tuple[Problem, ...] = ()) -> None:
        super().__init__("the build was stopped")
        self.result, self.faults = result, faults


def _plan(run: _Run, paths: list[Path], force: bool
          ) -> tuple[dict[str, tuple[Product, ...]], list[str], dict[str, str]]:
    """Which products of which leaflets to make; which leaflets are skipped; the codes of the skipped ones."""
    todo, skipped, other_codes = {}, [], {}
    # Files sharing a slug are never skipped: the check must say which ones to rename.
    shared_slugs = {slug for slug, files in files_by_slug(run.project).items() if len(files) > 1}
    for path in paths:
        # hashed before it is read for the build: an edit made meanwhile is not lost
        run.fingerprints.file(path)
        record = run.state.leaflets.get(path.stem)
        stale = (run.options.products if force or path.stem in shared_slugs
                 else run.stale_products(path, record))
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
    """Record one leaflet's result: write its files, or keep its problems. Returns its status: built or
    failed."""
    for stage, seconds in result.timings.items():
        run.time(stage, seconds)
    if result.findings:  # the checks of the outputs (`text-layer`), with those made before the leaflet was
        made.findings[result.slug] = tuple(sorted((*made.findings.get(result.slug, ()), *result.findings)))
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
    """Write a leaflet's files, adding each to `outputs` as it is written, then record what they were made
    from. Raises FileFault; the files written before it stay (each is whole) and are listed in the
    manifest."""
    record = run.state.leaflets.get(leaflet.slug)
    kept = record.outputs if record and record.edition == leaflet.edition else {}
    record = LeafletRecord(
        source=run.project.display(leaflet.path), source_sha256=run.fingerprints.file(leaflet.path) or "",
        code=leaflet.code, edition=leaflet.edition,
        authors={a.key: run.book.fingerprints.get(a.key, "") for a in leaflet.authors},
        files={path: run.fingerprints.file(path) or "" for path in result.embedded}, outputs=dict(kept),
        lang=leaflet.lang)
    inputs = record.inputs(run.fingerprints, run.book.fingerprints, languages_key(leaflet.languages)) or ""
    product_of = {file: product for product in run.options.products for file in product.files}
    for file, data in result.files.items():
        path = output_path(run.out_dir, leaflet.slug, leaflet.edition, file)
        stat = write_atomically(path, data)
        output = describe(path, run.out_dir, data, leaflet, file)
        key = run.options.state_key(product_of[file], file)
        record.outputs[key] = OutputRecord(output.path, output_inputs(inputs, key), output.sha256,
                                           stat.st_size, stat.st_mtime_ns)
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


def _site(run: _Run, made: _Made) -> Path | None:
    """Bring the web edition up to date (a no-op when nothing it shows has changed). A fault or a broken web
    layout is a problem of the build; the leaflets' own files are written by then and stay."""
    website = Website(run.project, run.out_dir)
    began = time.perf_counter()
    try:
        website.make(run.book, run.fingerprints, force=run.options.force)
    except FileFault as fault:
        made.saving.append(fault.problem(run.project.display))
        return None
    except LeafbindError as error:
        made.saving.append(Problem("layouts/web", None, None, str(error)))
        return None
    finally:
        run.time("site", time.perf_counter() - began)
    return website.folder


def _result(paths: list[Path], general: tuple[Problem, ...], made: _Made, manifest: Path | None,
            timings: dict[str, float], executor: Executor, report: Path | None,
            site: Path | None) -> BuildResult:
    """Failures, problems and findings in the order of the leaflet files, whatever order the workers finished
    in."""
    order = {path.stem: number for number, path in enumerate(paths)}
    failures, findings = made.failures, made.findings
    slugs = sorted(failures, key=lambda slug: order.get(slug, len(order)))
    return BuildResult(
        outputs=tuple(sorted(made.outputs, key=lambda o: (order.get(o.slug, 0), o.format, o.path))),
        problems=(*general, *(problem for slug in slugs for problem in failures[slug]), *made.saving),
        findings=tuple(finding for slug in sorted(findings, key=order.get) for finding in findings[slug]),
        built=tuple(sorted(made.built, key=order.get)), skipped=tuple(made.skipped), failed=tuple(slugs),
        failures=tuple(Failure(slug, tuple(failures[slug])) for slug in slugs), manifest=manifest,
        timings=timings, executor=executor, report=report, site=site)
