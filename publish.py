"""publish: the leafbind command line. Thin: parse options, call the library once, report.

Exit status: 0 success, 1 a leaflet or setting has problems, 2 usage error.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

import leafbind
from leafbind.catalogue import FORMATS, UnknownLeaflet, build_catalogue, check_catalogue, find_leaflets
from leafbind.errors import LeafbindError, ProblemReport
from leafbind.pdf import DEFAULT_VARIANT, pdf_variants
from leafbind.project import PAGE_SIZES, open_project
from leafbind.starter import new_leaflet

PROJECT_HELP = "The project folder (holding leaflets/, and optionally layouts/, assets/, leafbind.toml)."
FORMAT_HELP = "Which outputs to make: pdf, epub or all (default: all)."
PAGE_SIZE_HELP = "Paper size of the PDF (default: page_size in leafbind.toml, else a4)."
OUT_HELP = "Folder for the outputs (default: dist/ in the project)."
VARIANT_HELP = f"PDF variant WeasyPrint writes (default: {DEFAULT_VARIANT}, tagged for accessibility)."


def project_option(command):
    return click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("."), show_default=True, help=PROJECT_HELP)(command)


def reporting(command):
    """Turn problems in the project into messages and exit status 1, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except UnknownLeaflet as error:
            raise click.UsageError(str(error)) from None
        except ProblemReport as report:
            _show_problems(report.problems)
            sys.exit(1)
        except LeafbindError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return run


def _show_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(leafbind.__version__, prog_name="leafbind")
def cli() -> None:
    """Publish patient-information leaflets as print-ready PDF handouts and EPUB 3 e-books."""


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["pdf", "epub", "all"]), default="all", help=FORMAT_HELP)
@click.option("--page-size", type=click.Choice(sorted(PAGE_SIZES)), default=None, help=PAGE_SIZE_HELP)
@click.option("--pdf-variant", type=click.Choice(pdf_variants()), default=DEFAULT_VARIANT, help=VARIANT_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help=OUT_HELP)
@project_option
@reporting
def build(slugs, fmt, page_size, pdf_variant, out_dir, project_dir) -> None:
    """Check, then build SLUGS (default: every leaflet) as PDF and EPUB.

    Writes dist/<slug>/<slug>-ed<edition>.pdf and .epub and updates dist/manifest.json. A leaflet with
    problems writes nothing and its earlier outputs stay as they were; the other leaflets still build.
    Exit status 1 if any leaflet had problems.
    """
    project = open_project(project_dir, page_size)
    out_dir = out_dir if out_dir is not None else project.root / "dist"
    formats = FORMATS if fmt == "all" else (fmt,)
    result = build_catalogue(project, out_dir, tuple(slugs), formats, pdf_variant)
    for output in result.outputs:
        click.echo(f"wrote {out_dir / output.path} ({output.bytes / 1024:.0f} KiB)")
    if result.problems:
        _show_problems(result.problems)
    click.echo(f"{len(result.built)} built, {len(result.failed)} with problems. Outputs are in {out_dir}.")
    if result.problems:
        sys.exit(1)


@cli.command()
@click.argument("slugs", nargs=-1)
@project_option
@reporting
def check(slugs, project_dir) -> None:
    """Check SLUGS (default: every leaflet) without writing anything. Exit status 1 on any problem."""
    project = open_project(project_dir)
    checked = check_catalogue(project, tuple(slugs))
    if checked.problems:
        raise ProblemReport(checked.problems)
    click.echo(f"{len(checked.leaflets)} leaflet{'s' if len(checked.leaflets) != 1 else ''} checked: no problems.")


@cli.command(name="list")
@project_option
@reporting
def list_leaflets(project_dir) -> None:
    """List every leaflet: slug, title, edition, dates and authors. Exit status 1 if any has problems."""
    project = open_project(project_dir)
    checked = check_catalogue(project)
    rows = [("SLUG", "TITLE", "ED", "PUBLISHED", "UPDATED", "REVIEW", "AUTHORS")]
    for leaflet in checked.leaflets:
        rows.append((leaflet.slug, leaflet.title, str(leaflet.edition), str(leaflet.published),
                     str(leaflet.updated or "-"), str(leaflet.review or "-"),
                     ", ".join(author.key for author in leaflet.authors)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if checked.problems:
        raise ProblemReport(checked.problems)
    if not find_leaflets(project):
        click.echo(f"No leaflets yet in {project.display(project.leaflets_dir)}/; start one with: publish new SLUG")


@cli.command()
@click.argument("slug")
@project_option
@reporting
def new(slug, project_dir) -> None:
    """Write a valid starter leaflet leaflets/SLUG.md to edit (and leaflets/authors.yaml if missing)."""
    project = open_project(project_dir)
    try:
        path = new_leaflet(project, slug)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="SLUG") from None
    click.echo(f"wrote {project.display(path)}: edit it, then run: publish check {slug}")


def main() -> None:
    cli(prog_name="publish")


if __name__ == "__main__":
    main()
