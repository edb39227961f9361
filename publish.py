"""publish: the leafbind command line. Thin: parse options, call the library once, report.

Exit status: 0 success, 1 a leaflet or setting has problems, 2 usage error; 130 after Ctrl-C, 143 after
SIGTERM.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import click

import leafbind
from leafbind import (
    DEFAULT_VARIANT,
    DUE_WITHIN,
    EXECUTORS,
    PAGE_SIZES,
    BuildOptions,
    BuildStopped,
    Dask,
    FileFault,
    ImportOptions,
    LeafbindError,
    Local,
    Preview,
    ProblemReport,
    Progress,
    UnknownLayout,
    UnknownLeaflet,
    build_catalogue,
    check_catalogue,
    describe_import,
    display_path,
    due_for_review,
    find_leaflets,
    import_documents,
    import_summary,
    languages,
    new_edition,
    new_leaflet,
    open_project,
    pdf_variants,
    plural,
    print_products,
    review_catalogue,
    today,
    write_quality_page,
)

PROJECT_HELP = "The project folder (holding leaflets/, and optionally layouts/, assets/, leafbind.toml)."
FORMAT_HELP = ("Which outputs to make: pdf, epub, site (the web edition in <out>/site/) or all; repeat for "
               "several (default: all, which makes the site when leafbind.toml gives the website).")
LAYOUT_HELP = ("A print layout to make the PDF in: standard, booklet, large-print, press, or the project's "
               "own. Repeat for several (default: layouts in leafbind.toml, else standard; see publish list "
               "--layouts).")
PAGE_SIZE_HELP = "Paper size of the PDF (default: page_size in leafbind.toml, else a4)."
OUT_HELP = "Folder for the outputs (default: dist/ in the project)."
JOBS_HELP = "How many leaflets to make at once, each in its own process (default: the number of CPUs)."
EXECUTOR_HELP = ("Where leaflets are made: local processes, or an existing Dask cluster "
                 "(needs leafbind[dask]).")
STRICT_HELP = "Treat quality warnings as errors: exit status 1 if there are any."
REPORT_HELP = "Also write quality.html in the output folder: every leaflet's scores and findings, for review."
VARIANT_HELP = (f"PDF variant WeasyPrint writes (default: {DEFAULT_VARIANT}, tagged for accessibility; "
                "others include pdf/ua-2, pdf/a-3u and pdf/x-4).")


def project_option(command):
    """--project DIR: an existing folder (else a usage error) holding leaflets/ (else exit status 1)."""
    return _project_option(command, _with_leaflets)


def any_project_option(command):
    """--project DIR for `publish new`: any existing folder, even an empty one (new makes its leaflets/)."""
    return _project_option(command, None)


def _project_option(command, callback):
    return click.option("--project", "project_dir",
                        type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=Path("."), show_default=True, help=PROJECT_HELP, callback=callback)(command)


class NotAProject(click.ClickException):
    """A --project folder without leaflets/: exit status 1, shown like the other errors."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _with_leaflets(ctx, param, project_dir: Path) -> Path:
    """A folder without leaflets/ is most likely the wrong folder: say so, rather than build nothing and
    succeed."""
    if not ctx.resilient_parsing and not (project_dir / "leaflets").is_dir():
        shown = f"this folder ({Path.cwd()})" if project_dir == Path(".") else str(project_dir)
        raise NotAProject(f"{shown} has no leaflets/ folder: is this a leafbind project? "
                          "(publish new SLUG starts one)")
    return project_dir


def reporting(command):
    """Turn problems in the project, and faults writing files, into messages and exit status 1, never a
    traceback; Ctrl-C and SIGTERM into one line and exit status 130 or 143."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (UnknownLeaflet, UnknownLayout) as error:
            raise click.UsageError(str(error)) from None
        except ProblemReport as report:
            _show_problems(report.problems)
            sys.exit(1)
        except FileFault as fault:  # a full disk, a read-only folder, a file in the way …
            _show_problems([fault.problem(_shown(kwargs.get("project_dir")))])
            sys.exit(1)
        except LeafbindError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)
        except OSError as error:  # any other fault of the system (no process could be started …)
            where = f"{_shown(kwargs.get('project_dir'))(error.filename)}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt as stop:
            sys.exit(_stopped(stop))

    return run


def _shown(project_dir: Path | None) -> Callable[[Path], str]:
    """Paths as the editor knows them: relative to the project folder when inside it (as Project.display)."""
    root = (project_dir or Path(".")).resolve()
    return lambda path: display_path(root, Path(path))


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a CI job's time limit), raised like Ctrl-C so a build stops the
    same way."""


def _terminate(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: stopping and saving what was made is not cut short
    raise Terminated()


def _stopped(stop: KeyboardInterrupt) -> int:
    """Say in one line what a stopped command saved (after any fault saving it); its exit status: 130 or
    143."""
    cause = stop.__cause__ if isinstance(stop, BuildStopped) else stop
    by, status = ("SIGTERM", 143) if isinstance(cause, Terminated) else ("Ctrl-C", 130)
    if not isinstance(stop, BuildStopped):
        click.echo(f"Stopped ({by}).", err=True)
        return status
    for problem in stop.faults:
        click.echo(str(problem), err=True)
    built = len(stop.result.built)
    if stop.faults:
        saved = f"{plural(built, 'leaflet')} built, but not all recorded (see above)"
    elif built:
        saved = f"{plural(built, 'leaflet')} built and recorded in the manifest"
    else:
        saved = "no leaflet built yet"
    click.echo(f"Stopped ({by}): {saved}; run publish build again to make the rest.", err=True)
    return status


def _show_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems)
    click.echo(f"{plural(count, 'problem')} found.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(leafbind.__version__, prog_name="leafbind")
def cli() -> None:
    """Publish patient-information leaflets as print-ready PDF handouts and EPUB 3 e-books."""


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["pdf", "epub", "site", "all"]), multiple=True,
              default=("all",), help=FORMAT_HELP)
@click.option("--layout", "-l", "layouts", multiple=True, metavar="NAME", help=LAYOUT_HELP)
@click.option("--page-size", type=click.Choice(sorted(PAGE_SIZES)), default=None, help=PAGE_SIZE_HELP)
@click.option("--pdf-variant", default=DEFAULT_VARIANT, callback=lambda ctx, param, value: _variant(value),
              help=VARIANT_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=OUT_HELP)
@click.option("--force", is_flag=True,
              help="Make every chosen output again, even those unchanged since the last build.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help=JOBS_HELP)
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help=EXECUTOR_HELP)
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="The Dask scheduler's address, for --executor dask.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress and no summary: only problems, and the exit status.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON on standard output, for scripts and CI.")
@click.option("--no-lint", is_flag=True,
              help="Skip the quality checks (publish check) of the leaflets being made.")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--report", is_flag=True, help=REPORT_HELP)
@project_option
@reporting
def build(slugs, fmt, layouts, page_size, pdf_variant, out_dir, force, jobs, executor, scheduler, quiet,
          as_json, no_lint, strict, report, project_dir) -> None:
    """Check, then build SLUGS (default: every leaflet) as PDF, in each chosen layout, and EPUB.

    Writes dist/<slug>/<slug>-ed<edition>.pdf (standard layout), -booklet.pdf and -booklet-pages.pdf,
    -large-print.pdf, -press.pdf and .epub, and updates dist/manifest.json. Outputs whose inputs
    are unchanged since the last build are skipped (see dist/.leafbind-state.json; --force makes them again).
    A leaflet with problems writes nothing and its earlier outputs stay as they were; the other leaflets still
    build. Exit status 1 if any leaflet had problems.

    Each leaflet made is quality-checked first, as publish check does (not with --no-lint): its warnings are
    shown, and a leaflet with quality errors is not made. With --strict, warnings also give exit status 1.
    """
    if (executor == "dask") != (scheduler is not None):
        raise click.UsageError("--executor dask and --scheduler ADDRESS go together")
    project = open_project(project_dir)
    options = BuildOptions.resolve(
        project, out_dir=out_dir, slugs=tuple(slugs), formats=None if "all" in fmt else tuple(fmt),
        layouts=layouts, page_size=page_size, variant=pdf_variant, force=force, lint=not no_lint,
        report=report, executor=Dask(scheduler) if executor == "dask" else Local(jobs or cpus()))
    display = None if quiet else ProgressDisplay()
    try:
        result = build_catalogue(project, options, progress=display, notice=_notice)
    finally:
        if display:
            display.close()  # a stopped build's progress bar ends its line before the message
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        for finding in result.warnings:
            click.echo(str(finding), err=True)
        if result.problems:
            _show_problems(result.problems)
        if not quiet:
            _show_summary(result, options.out_dir)
    if result.report and not (quiet or as_json):
        click.echo(f"Wrote the quality report {result.report}.")
    if result.problems or (strict and result.warnings):
        sys.exit(1)


def cpus() -> int:
    """The CPUs this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _variant(value: str) -> str:
    """Checked here rather than with click.Choice: listing the variants imports WeasyPrint, slow for a no-op
    build."""
    if value != DEFAULT_VARIANT and value not in pdf_variants():
        raise click.BadParameter(f'"{value}" is not one of {", ".join(pdf_variants())}',
                                 param_hint="--pdf-variant")
    return value


class ProgressDisplay:
    """A progress bar on a terminal; one plain line per leaflet otherwise (logs, CI). Both on standard
    error."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, step: Progress) -> None:
        if step.total == 0:
            return
        if step.status == "start":
            if sys.stderr.isatty():
                self.bar = click.progressbar(length=step.total, label="Building", file=sys.stderr,
                                             show_pos=True, item_show_func=lambda slug: slug)
                self.bar.__enter__()
            return
        if self.bar is None:
            click.echo(f"[{step.done}/{step.total}] {step.status} {step.slug}", err=True)
            return
        self.bar.update(1, step.slug)
        if step.done == step.total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _notice(message: str) -> None:
    """Shown even with --quiet: it explains a wait that would otherwise look like a hang."""
    click.echo(message, err=True)


def _show_summary(result, out_dir: Path) -> None:
    files = len(result.outputs)
    click.echo(f"{len(result.built)} built ({plural(files, 'file')}), {len(result.skipped)} "
               f"unchanged and skipped, {len(result.failed)} failed, "
               f"in {result.timings.get('total', 0):.1f} s. Outputs are in {out_dir}.")
    if result.site:
        click.echo(f"The web edition is in {result.site} (open index.html, or copy the folder to a host).")
    for failure in result.failures:
        first = failure.problems[0].message if failure.problems else "see the problems above"
        more = f" (and {len(failure.problems) - 1} more)" if len(failure.problems) > 1 else ""
        click.echo(f"  failed: {failure.slug}: {first}{more}")


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to report: findings and a table, or JSON for CI "
                   "(its schema: leafbind/quality/quality.schema.json).")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--report", is_flag=True, help=REPORT_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for --report's quality.html (default: dist/ in the project).")
@project_option
@reporting
def check(slugs, fmt, strict, report, out_dir, project_dir) -> None:
    """Check SLUGS (default: every leaflet): the sources, then the quality checks. Writes nothing unless
    --report.

    The quality checks score readability (Flesch reading ease, Flesch–Kincaid grade, SMOG) and look for long
    sentences and paragraphs, hard words, unexplained abbreviations, missing headings, alt text and link text,
    sources and the review date; leafbind.toml's [check] sets the thresholds and turns rules off (README.md,
    "Quality checks"). Each finding is shown as FILE:LINE: CODE: SEVERITY: MESSAGE, then a table per leaflet.
    Exit status 1 on any problem or quality error, and on warnings too with --strict.
    """
    project = open_project(project_dir)
    quality = review_catalogue(project, tuple(slugs), today())
    if fmt == "json":
        click.echo(json.dumps(quality.as_dict(), indent=2, ensure_ascii=False))
    else:
        _show_quality(quality)
    if report:
        path = write_quality_page(quality, project, out_dir or project.root / "dist", notice=_notice)
        if fmt != "json":
            click.echo(f"Wrote the quality report {path}.")
    if quality.problems or quality.errors or (strict and quality.warnings):
        sys.exit(1)


def _show_quality(quality) -> None:
    """Each finding, then one row per leaflet (grade, SMOG, ease, counts), then the verdict."""
    for finding in quality.findings:
        click.echo(str(finding))
    if quality.problems:
        _show_problems(quality.problems)
    if quality.findings:
        click.echo()
    rows = [("LEAFLET", "GRADE", "SMOG", "EASE", "WORDS", "ERRORS", "WARNINGS")]
    for leaflet in quality.leaflets:
        scores = leaflet.scores
        length = str(scores.words) if scores.unit == "words" else f"{scores.words} {scores.unit}"
        rows.append((leaflet.slug, _score(scores.grade), _score(scores.smog), _score(scores.ease, 0),
                     length, str(len(leaflet.errors)), str(len(leaflet.warnings))))
    rows += [(slug, "-", "-", "-", "-", "invalid", "-") for slug in quality.failed]
    if len(rows) > 1:
        _show_table(rows)
    for leaflet in quality.leaflets:  # "-" in the table: say why, rather than leave a blank
        if leaflet.readability and leaflet.scores.words:
            click.echo(f"{leaflet.slug}: {leaflet.readability}")
    count = len(quality.leaflets) + len(quality.failed)
    checked = f"{plural(count, 'leaflet')} checked"
    counts = [plural(quality.errors, "error"), plural(quality.warnings, "warning")]
    if quality.problems:
        counts.insert(0, f"{plural(len(quality.failed), 'leaflet')} with problems in the source")
    click.echo(f"{checked}: {', '.join(counts)}." if quality.problems or quality.findings
               else f"{checked}: no problems.")


def _score(value: float | None, places: int = 1) -> str:
    return "-" if value is None else f"{value:.{places}f}"


@cli.command(name="list")
@click.option("--layouts", "show_layouts", is_flag=True,
              help="List the print layouts instead: built-in and the project's own, "
                   "with the files they write.")
@click.option("--due", is_flag=True,
              help="Only leaflets whose review date has passed or comes within --within days.")
@click.option("--within", "days", type=click.IntRange(min=0), default=DUE_WITHIN, show_default=True,
              metavar="DAYS", help="With --due: also list reviews falling due in the next DAYS days.")
@click.option("--translations", "show_translations", is_flag=True,
              help="List each leaflet's languages and which translations are out of date.")
@project_option
@reporting
def list_leaflets(show_layouts, due, days, show_translations, project_dir) -> None:
    """List every leaflet: slug, title, edition, dates and authors. Exit status 1 if any has problems.

    With --due, list the leaflets to review: overdue first, then those due soonest, then any with no review
    date. Today is the local date, or SOURCE_DATE_EPOCH's when set. With --layouts, list the print layouts.
    With --translations, list each leaflet's languages and which translations are out of date.
    """
    project = open_project(project_dir)
    if show_layouts:
        _show_layouts(project)
        return
    checked = check_catalogue(project)
    if show_translations:
        rows = [("LEAFLET", "LANG", "SLUG", "ED", "FROM ED", "STATUS", "TRANSLATED BY", "CHECKED BY")]
        for family, found in languages(checked.leaflets).items():
            for one in found:
                leaflet, translation = one.leaflet, one.leaflet.translation
                status = (f"out of date: the leaflet is at edition {one.current_edition}"
                          if one.status == "out of date" else one.status)
                rows.append((family, leaflet.lang, leaflet.slug, str(leaflet.edition),
                             str(translation.source_edition) if translation else "-", status,
                             ", ".join(a.key for a in translation.translated_by) if translation else "-",
                             ", ".join(a.key for a in translation.checked_by) if translation else "-"))
    elif due:
        rows = [("SLUG", "TITLE", "ED", "REVIEW", "STATUS")]
        rows += [(leaflet.slug, leaflet.title, str(leaflet.edition), str(leaflet.review or "-"), status)
                 for leaflet, status in due_for_review(checked.leaflets, today(), days)]
    else:
        rows = [("SLUG", "TITLE", "ED", "PUBLISHED", "UPDATED", "REVIEW", "AUTHORS")]
        rows += [(leaflet.slug, leaflet.title, str(leaflet.edition), str(leaflet.published),
                  str(leaflet.updated or "-"), str(leaflet.review or "-"),
                  ", ".join(author.key for author in leaflet.authors)) for leaflet in checked.leaflets]
    if len(rows) > 1 or not due:
        _show_table(rows)
    if checked.problems:
        raise ProblemReport(checked.problems)
    if not find_leaflets(project):
        click.echo(f"No leaflets yet in {project.display(project.leaflets_dir)}/; "
                   "start one with: publish new SLUG")
    elif due and len(rows) == 1:
        click.echo(f"No leaflet is due for review in the next {plural(days, 'day')}.")


def _show_layouts(project) -> None:
    """NAME, where it comes from, the paper, the files it writes, whether `publish build` makes it by
    default."""
    rows = [("LAYOUT", "FROM", "PAPER", "FILES", "DEFAULT")]
    for product in print_products(project):
        layout = product.layout
        origin = layout.origin + (f" (based on {layout.based_on})" if layout.based_on else "")
        if project.overrides(layout):
            origin += f", styled by layouts/{layout.stylesheet}"
        rows.append((layout.name, origin, layout.paper_name(project.page_size),
                     " ".join(file.name("<slug>", "<N>") for file in product.files),
                     "yes" if layout.name in project.config.layouts else ""))
    _show_table(rows)
    click.echo()
    for layout in project.layouts.values():
        click.echo(f"{layout.name}: {layout.description}")


def _show_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@cli.command()
@click.argument("slug")
@click.option("--note", required=True,
              help='What changed in this edition, in one paragraph ("Updated the dose advice.").')
@click.option("--date", "when", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="The new edition's date (default: today, or SOURCE_DATE_EPOCH's date when set).")
@click.option("--same-day", is_flag=True,
              help="Allow a new edition dated the same day as the current one (else refused: a repeat?).")
@project_option
@reporting
def edition(slug, note, when, same_day, project_dir) -> None:
    """Start the next edition of leaflet SLUG: raise `edition`, set `updated`, add the note to `history`.

    Only those three keys of the front matter change; comments, key order and the body stay exactly as they
    are. Build afterwards to make the new edition's files: the earlier edition's files stay in dist/<slug>/.
    A new edition dated the same day as the current one is refused (it is nearly always the command run
    twice); edit the note in the file instead, give a later --date, or add --same-day.
    """
    project = open_project(project_dir)
    change = new_edition(project, slug, note, when.date() if when else None, same_day=same_day)
    click.echo(f"{project.display(change.path)}: edition {change.old_edition} → {change.new_edition}, "
               f"updated {change.date.isoformat()}.")
    click.echo(f"Next: check the text and the review date, then run: publish build {slug}")


@cli.command()
@click.argument("slug")
@any_project_option
@reporting
def new(slug, project_dir) -> None:
    """Write a starter leaflet leaflets/SLUG.md to edit (and leaflets/authors.yaml if missing).

    Its sample text (and the starter author's) is a quality error until replaced: publish check lists it."""
    project = open_project(project_dir)
    try:
        path = new_leaflet(project, slug)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="SLUG") from None
    click.echo(f"wrote {project.display(path)}: replace its sample text, then run: publish check {slug}")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--slug", default=None, help="The leaflet's slug (one document only; default: from its title).")
@click.option("--author", default=None, metavar="KEY",
              help="An authors.yaml key: every imported leaflet is by this author (default: the document's "
                   "byline or Word author, matched by name or added to authors.yaml).")
@click.option("--lang", default=None, metavar="TAG", help="The leaflets' language (default: the document's).")
@click.option("--force", is_flag=True, help="Replace leaflets that exist (default: refuse those documents).")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@any_project_option
@reporting
def import_(files, slug, author, lang, force, dry_run, as_json, project_dir) -> None:
    """Turn Word documents (.docx) and saved web pages (.html, .htm), or folders of them, into leaflets.

    Writes leaflets/SLUG.md for each, its images in leaflets/images/SLUG/, and new authors at the end of
    leaflets/authors.yaml (once, after every document). A document that cannot be imported is reported and
    the others go on; nothing of it is written. Never reads the network: images a web page links to are
    listed to add by hand. Exit status 1 if any document failed.
    """
    project = open_project(project_dir)
    options = ImportOptions(slug=slug, author=author, lang=lang, force=force, dry_run=dry_run)
    progress = None if as_json else _import_progress
    result = import_documents(project, list(files), options, progress)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        for document in result.documents:
            click.echo("\n".join(describe_import(document, dry_run)) + "\n")
        click.echo(import_summary(result))
    if result.failed:
        sys.exit(1)


def _import_progress(index: int, total: int, shown: str) -> None:
    """[12/200] file.docx on stderr: one line rewritten in place on a terminal, a line each in a log."""
    if total < 2:
        return
    if sys.stderr.isatty():
        end = "\n" if index == total else ""
        click.echo(f"\r\033[K[{index}/{total}] {shown}{end}", nl=False, err=True)
    else:
        click.echo(f"[{index}/{total}] {shown}", err=True)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on; 0 takes any free port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on. Any but a loopback address (127.0.0.1, ::1, localhost) lets "
                   "other machines on the network see the preview.")
@project_option
@reporting
def serve(port, host, project_dir) -> None:
    """Preview the catalogue in a browser while you edit it: its web pages and standard PDF handouts.

    Builds into a temporary folder (never dist/), serves it at http://127.0.0.1:8000/, and builds again
    whenever a file in leaflets/, layouts/ or assets/, or leafbind.toml, changes: the open page then reloads
    by itself. A leaflet with problems keeps its last good page, and every page lists the problems at its top
    (FILE:LINE: FIELD: MESSAGE) until they are fixed. Ctrl-C stops it and removes the temporary folder.
    """
    preview = Preview(project_dir, host=host, port=port, jobs=cpus(), on_build=_show_build)
    if not preview.loopback:
        click.echo(f"warning: serving on {host}, not on a loopback address: other machines on the network "
                   "can see the preview.", err=True)
    click.echo("Building the preview …", err=True)
    try:
        preview.start()
        click.echo(f"Serving {preview.root} at {preview.url} (Ctrl-C to stop)")
        click.echo(f"Preview files: {preview.folder} (removed when it stops)")
        preview.wait()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise click.UsageError(f"port {port} is in use: choose another with --port (0: any free one)"
                               ) from None
    except KeyboardInterrupt as stop:
        preview.stop()
        if isinstance(stop, Terminated) or isinstance(stop.__cause__, Terminated):
            raise
        click.echo("Stopped the preview (Ctrl-C).", err=True)
    finally:
        preview.stop()


def _show_build(built) -> None:
    """One line per build of the preview, then its problems."""
    made = ", ".join(built.built) or "nothing to make"
    found = f"; {plural(len(built.problems), 'problem')}:" if built.problems else "."
    click.echo(f"Build {built.count}: {made} ({built.seconds:.1f} s){found}", err=True)
    for problem in built.problems:
        click.echo(f"  {problem}", err=True)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="publish")


if __name__ == "__main__":
    main()
