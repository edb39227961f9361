"""Make one leaflet's outputs: render it once through the layouts, then have each product make its files.

`make_outputs` runs wherever the executor puts it (this process, a worker process, a Dask worker): it takes a
picklable `Job` and returns a picklable `JobResult`, the files as bytes, and never raises. Only the build, in
the calling process, writes files.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import LeafbindError, Problem, ProblemReport
from .i18n import Strings
from .layouts import STANDARD
from .model import Leaflet
from .pdf import warm_up
from .products import Ebook, Making, OutputFile, PrintProduct, Product
from .project import Project
from .quality import WARNING, Finding, text_layer_findings
from .render import render

MISSING_TRANSLATION = "missing-translation"
NAMED = 8  # the strings a missing-translation warning names


@dataclass(frozen=True)
class Job:
    """One leaflet to make as the given products."""

    leaflet: Leaflet
    project: Project
    products: tuple[Product, ...]
    paper: str  # a4 or letter
    variant: str  # the PDF variant of layouts that don't set their own
    build_id: str  # the same for every job of one build: a worker resets its caches when it changes
    text_layer: bool = False  # check the printed handout's text layer against the source (`text-layer`)


@dataclass(frozen=True)
class JobResult:
    slug: str
    files: dict[OutputFile, bytes] = field(default_factory=dict)  # only when every product succeeded
    embedded: tuple[str, ...] = ()  # absolute paths of the files the outputs embed
    problems: tuple[Problem, ...] = ()
    # seconds per stage: setup, render, pdf, epub, text_layer
    timings: dict[str, float] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()  # the quality checks that need the outputs: `text-layer`


def make_outputs(job: Job) -> JobResult:
    """Render the leaflet and make each product in memory. Never raises: a failure is a result with
    problems."""
    leaflet, timings = job.leaflet, {}
    display = job.project.display(leaflet.path)
    layouts = tuple(product.layout for product in job.products if isinstance(product, PrintProduct))
    ebook = any(isinstance(product, Ebook) for product in job.products)
    if ebook and STANDARD not in {layout.name for layout in layouts}:
        layouts += (job.project.layouts[STANDARD],)  # the e-book's page list follows the printed handout
    try:
        with _timed(timings, "setup"):  # once per build and process: import WeasyPrint, load the fonts
            warm_up(job.build_id)
        with _timed(timings, "render"):
            rendered = render(leaflet, job.project, layouts, job.paper)
        making, files = Making(rendered, job.project, job.paper, job.variant), {}
        for product in job.products:
            with _timed(timings, product.stage):
                files.update(product.make(making))
    except ProblemReport as report:
        return JobResult(leaflet.slug, problems=report.problems, timings=timings)
    except LeafbindError as error:
        return JobResult(leaflet.slug, problems=(Problem(display, None, None, str(error)),), timings=timings)
    except Exception as error:  # noqa: BLE001 (a bug in leafbind or a library must not stop the other leaflets)
        message = (f"leafbind could not make this leaflet ({type(error).__name__}: {error}); "
                   "please report this")
        return JobResult(leaflet.slug, problems=(Problem(display, None, None, message),), timings=timings)
    embedded = tuple(sorted({str(asset.path) for asset in rendered.assets}))  # the logo is one of them
    findings = _untranslated(leaflet, display, rendered.strings, job.project)
    if job.text_layer and (pdf := _handout(files)) is not None:
        with _timed(timings, "text_layer"):
            findings += _text_layer(leaflet, display, pdf)
    return JobResult(leaflet.slug, files, embedded, timings=timings, findings=findings)


def _handout(files: dict[OutputFile, bytes]) -> bytes | None:
    """The PDF whose text layer is checked: the standard handout, else the first print layout's pages (the
    layouts share their fonts); None when only the e-book was made."""
    pages = [file for file in files if file.format == "pdf" and not file.imposed]
    pages.sort(key=lambda file: file.layout != STANDARD)
    return files[pages[0]] if pages else None


def _untranslated(leaflet: Leaflet, display: str, strings: Strings, project: Project) -> tuple[Finding, ...]:
    """`missing-translation`: the layouts' strings the outputs print in English, for want of a translation in
    the catalogues of the leaflet's language."""
    if not strings.missing or MISSING_TRANSLATION in project.config.check.disable:
        return ()
    missing = sorted(strings.missing)
    named = ", ".join(f'"{text}"' for text in missing[:NAMED]) + (" …" if len(missing) > NAMED else "")
    folder = f"layouts/locale/{strings.locale}/LC_MESSAGES/leafbind.po"
    if strings.catalogue is None:
        where = f"there is no catalogue for it: add {folder} (README.md, \"The words leafbind adds\")"
    else:
        where = f"add them to {folder}"
    count = f"{len(missing)} strings" if len(missing) != 1 else "1 string"
    message = (f"{count} of the layouts have no {strings.name} translation, so the outputs print them in "
               f"English: {named} ({where})")
    line = leaflet.origin.lines.get(("lang",), 1)
    return (Finding(display, line, MISSING_TRANSLATION, WARNING, message),)


def _text_layer(leaflet: Leaflet, display: str, pdf: bytes) -> tuple[Finding, ...]:
    try:
        return text_layer_findings(leaflet, display, pdf)
    except Exception:  # noqa: BLE001 (a PDF pypdf can't read must not fail a leaflet whose files are made)
        return ()


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
