"""`publish check`: validate the chosen leaflets and run the quality checks on each valid one; and the quality
page for the editorial meeting (`--report`), written into the output folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from .catalogue import check_catalogue
from .output import output_lock, write_atomically
from .project import Project
from .quality import QualityReport, make_linter, quality_page

REPORT_FILE = "quality.html"


def review_catalogue(project: Project, slugs: tuple[str, ...], today: date) -> QualityReport:
    """Validate the chosen leaflets (default: all) and run the quality checks on each valid one."""
    linter = make_linter(project, today)
    checked = check_catalogue(project, slugs)
    qualities = tuple(linter.lint(leaflet, project.display(leaflet.path)) for leaflet in checked.leaflets)
    return QualityReport(qualities, checked.problems, checked.failed, today, project.config.check)


def write_quality_page(quality: QualityReport, project: Project, out_dir: Path, *, locked: bool = False,
                       notice: Callable[[str], None] | None = None) -> Path:
    """Write quality.html into `out_dir` and return its path. Written with the output folder's lock held, like
    a build's files (a build starting meanwhile would take its temporary file for a leftover): `locked` says
    the caller holds it already; otherwise it is taken here, and `notice` told if another build holds it.
    Raises FileFault."""
    path = out_dir / REPORT_FILE
    page = quality_page(quality, project.config.organisation).encode("utf-8")
    if locked:
        write_atomically(path, page)
        return path
    with output_lock(out_dir, waiting_for_lock(project, out_dir, notice)):
        write_atomically(path, page)
    return path


def waiting_for_lock(project: Project, out_dir: Path,
                     notice: Callable[[str], None] | None) -> Callable[[], None] | None:
    """What to tell the user when another build into the same folder holds its lock: this one waits for it."""
    if notice is None:
        return None
    return lambda: notice(f"waiting for another build into {project.display(out_dir)}/ to finish…")
