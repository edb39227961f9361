"""Find the leaflets of a project, check them all, and run the pipeline for each one that is valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .citations import style_problem
from .epub import make_epub
from .errors import LeafbindError, Problem, ProblemReport
from .load import load_leaflet
from .model import Asset, Leaflet
from .output import Output, describe, output_path, update_manifest, write_atomically
from .pdf import DEFAULT_VARIANT, make_pdf
from .project import CONFIG_NAME, Project, config_line
from .render import render
from .validate import AUTHORS_FILE, load_authors, validate

FORMATS = ("pdf", "epub")


@dataclass(frozen=True)
class Checked:
    """The valid leaflets of a run, and every problem found on the way."""

    leaflets: tuple[Leaflet, ...]
    problems: tuple[Problem, ...]
    failed: tuple[str, ...]  # slugs (or file names) that will not be built
    logo: Asset | None = None


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[Output, ...] = ()
    problems: tuple[Problem, ...] = ()
    built: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    manifest: Path | None = None


@dataclass
class _Collector:
    leaflets: list[Leaflet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def find_leaflets(project: Project) -> list[Path]:
    """Every leaflets/**/*.md, in a stable order; folders starting with '.' or '_' are skipped."""
    if not project.leaflets_dir.is_dir():
        return []
    found = []
    for path in sorted(project.leaflets_dir.rglob("*.md")):
        parts = path.relative_to(project.leaflets_dir).parts
        if not any(part.startswith((".", "_")) for part in parts):
            found.append(path)
    return found


def check_project(project: Project) -> Asset | None:
    """Check the settings that every leaflet depends on; returns the logo. Raises ProblemReport."""
    problems, logo = [], None
    text = project.config_source
    if project.config.logo:
        try:
            logo = project.resolve_file(project.config.logo, project.root)
        except ValueError as error:
            problems.append(Problem(CONFIG_NAME, config_line(text, "logo"), "logo", str(error)))
    for name in project.config.citation_styles:
        if message := style_problem(name):
            problems.append(Problem(CONFIG_NAME, config_line(text, "citation_styles"), "citation_styles", message))
    if problems:
        raise ProblemReport(problems)
    return logo


def check_catalogue(project: Project, slugs: tuple[str, ...] = ()) -> Checked:
    """Load and validate the chosen leaflets (default: all), collecting every problem of every leaflet."""
    logo = check_project(project)
    paths = _select(project, slugs)
    book = load_authors(project)
    found = _Collector(problems=list(book.problems))
    for path in paths:
        display = project.display(path)
        try:
            found.leaflets.append(validate(load_leaflet(path, display), book, project))
        except ProblemReport as report:
            found.problems.extend(report.problems)
            found.failed.append(path.stem)
    _check_unique(project, paths, found)
    return Checked(tuple(found.leaflets), tuple(found.problems), tuple(found.failed), logo)


def _select(project: Project, slugs: tuple[str, ...]) -> list[Path]:
    paths = find_leaflets(project)
    if not slugs:
        return paths
    by_slug = {path.stem: path for path in paths}
    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        known = ", ".join(sorted(by_slug)) or "none"
        raise UnknownLeaflet(f"no leaflet named {', '.join(unknown)} in {project.display(project.leaflets_dir)} "
                             f"(leaflets: {known})")
    return [path for path in paths if path.stem in slugs]


class UnknownLeaflet(LeafbindError):
    """A slug on the command line that names no leaflet (a usage error, not a content problem)."""


def _check_unique(project: Project, paths: list[Path], found: _Collector) -> None:
    """Two files with one slug would write the same outputs; two leaflets with one code confuse readers."""
    seen: dict[str, Path] = {}
    for path in find_leaflets(project):
        if path.stem in seen and path in paths:
            found.problems.append(Problem(project.display(path), None, None,
                                          f'has the same slug "{path.stem}" as {project.display(seen[path.stem])}: '
                                          "rename one of them"))
            found.failed.append(path.stem)
        seen.setdefault(path.stem, path)
    codes: dict[str, Leaflet] = {}
    for leaflet in found.leaflets:
        if leaflet.code and leaflet.code in codes:
            found.problems.append(Problem(project.display(leaflet.path), leaflet.origin.line_of(("id",)), "id",
                                          f'"{leaflet.code}" is also the id of {project.display(codes[leaflet.code].path)}'))
            found.failed.append(leaflet.slug)
        codes.setdefault(leaflet.code or "", leaflet)
    found.leaflets[:] = [leaflet for leaflet in found.leaflets if leaflet.slug not in found.failed]


def build_catalogue(project: Project, out_dir: Path, slugs: tuple[str, ...] = (), formats: tuple[str, ...] = FORMATS,
                    variant: str = DEFAULT_VARIANT, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Validate, render and write each chosen leaflet; a leaflet with problems writes nothing."""
    checked = check_catalogue(project, slugs)
    problems, failed, outputs, built = list(checked.problems), list(checked.failed), [], []
    for leaflet in checked.leaflets:
        try:
            files = _make(leaflet, project, checked.logo, formats, variant)
        except ProblemReport as report:
            problems.extend(report.problems)
            failed.append(leaflet.slug)
            continue
        except LeafbindError as error:
            problems.append(Problem(project.display(leaflet.path), None, None, str(error)))
            failed.append(leaflet.slug)
            continue
        outputs.extend(_write(files, out_dir, leaflet))
        built.append(leaflet.slug)
        if progress:
            progress(leaflet.slug)
    manifest = update_manifest(out_dir, outputs) if outputs else None
    return BuildResult(tuple(outputs), tuple(problems), tuple(built), tuple(failed), manifest)


def _make(leaflet: Leaflet, project: Project, logo: Asset | None, formats, variant) -> dict[str, bytes]:
    """Every format of one leaflet, in memory: nothing is written unless all of them succeed."""
    rendered = render(leaflet, project, logo)
    makers = {"pdf": lambda: make_pdf(rendered, project, variant), "epub": lambda: make_epub(rendered)}
    return {fmt: makers[fmt]() for fmt in FORMATS if fmt in formats}


def _write(files: dict[str, bytes], out_dir: Path, leaflet: Leaflet) -> list[Output]:
    outputs = []
    for fmt, data in files.items():
        path = output_path(out_dir, leaflet.slug, leaflet.edition, fmt)
        write_atomically(path, data)
        outputs.append(describe(path, out_dir, data, leaflet, fmt))
    return outputs


__all__ = ["AUTHORS_FILE", "BuildResult", "Checked", "build_catalogue", "check_catalogue", "find_leaflets"]
