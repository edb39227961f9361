"""Find the leaflets of a project and check them: the authors, each leaflet, and across leaflets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .errors import LeafbindError, Problem, ProblemReport, did_you_mean, plural
from .load import load_leaflet
from .model import LANG_PATTERN, Leaflet, Version
from .project import Project
from .validate import AUTHORS_FILE, LANGUAGE_SUFFIX, AuthorBook, load_authors, split_slug, validate


@dataclass(frozen=True)
class Checked:
    """The valid leaflets of a run, and every problem found on the way."""

    leaflets: tuple[Leaflet, ...]
    problems: tuple[Problem, ...]
    failed: tuple[str, ...]  # slugs (or file names) that will not be built


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


def check_catalogue(project: Project, slugs: tuple[str, ...] = ()) -> Checked:
    """Load and validate the chosen leaflets (default: all), collecting every problem of every leaflet."""
    return check_leaflets(project, select(project, slugs), load_authors(project))


def check_leaflets(project: Project, paths: list[Path], book: AuthorBook,
                   other_codes: dict[str, str] | None = None) -> Checked:
    """Validate these leaflet files. `other_codes` maps the codes of leaflets not checked now to their
    files."""
    found = _Collector(problems=list(book.problems))
    for slug, leaflet, problems in iter_checked(project, paths, book, other_codes):
        found.problems.extend(problems)
        if leaflet is None and slug not in found.failed:
            found.failed.append(slug)
        elif leaflet is not None:
            found.leaflets.append(leaflet)
    return Checked(tuple(found.leaflets), tuple(found.problems), tuple(found.failed))


def iter_checked(project: Project, paths: list[Path], book: AuthorBook,
                 other_codes: dict[str, str] | None = None, families: Families | None = None
                 ) -> Iterator[tuple[str, Leaflet | None, list[Problem]]]:
    """Check each file in turn: (slug, the leaflet or None, its problems). One leaflet at a time, so a large
    catalogue is never all in memory. Two files with one slug would write the same outputs, so both fail; of
    two leaflets with one code, the first keeps it. Each leaflet comes with the languages of its family
    (`Leaflet.languages`), found by `families` (default: from the files as they are)."""
    files_of_slug = families.files if families is not None else files_by_slug(project)
    families = families if families is not None else Families(project, files_of_slug)
    codes = {code: (file, _family(file)) for code, file in (other_codes or {}).items()}
    for path in paths:
        display = project.display(path)
        leaflet, problems = None, []
        try:
            project.check_inside(path, display)
            leaflet = validate(load_leaflet(path, display), book, project)
        except ProblemReport as report:
            problems.extend(report.problems)
        if others := [project.display(other) for other in files_of_slug[path.stem] if other != path]:
            problems.append(Problem(display, None, None,
                                    f'has the same slug "{path.stem}" as {", ".join(others)}: '
                                    "rename one of them"))
        elif leaflet and leaflet.translation and leaflet.translation.of not in files_of_slug:
            problems.append(Problem(display, leaflet.origin.line_of(("translation_of",)), "translation_of",
                                    f'there is no leaflet "{leaflet.translation.of}" to translate (no '
                                    f"{project.display(project.leaflets_dir / leaflet.translation.of)}.md)"))
        elif leaflet and leaflet.code and codes.get(leaflet.code, ("", leaflet.family))[1] != leaflet.family:
            problems.append(Problem(display, leaflet.origin.line_of(("id",)), "id",
                                    f'"{leaflet.code}" is also the id of {codes[leaflet.code][0]}'))
        elif leaflet and leaflet.code:  # a leaflet's translations share its id
            codes.setdefault(leaflet.code, (display, leaflet.family))
        if leaflet is not None and not problems:
            leaflet = replace(leaflet, languages=families.of(leaflet.family))
        yield path.stem, None if problems else leaflet, problems


def _family(file: str) -> str:
    """The leaflet a file (as displayed) is, or is a translation of: leaflets/knee-pain.pl.md → knee-pain."""
    return Path(file).name.partition(".")[0]


def files_by_slug(project: Project) -> dict[str, list[Path]]:
    """Every leaflet file under its slug: a slug with more than one file can't be built."""
    found: dict[str, list[Path]] = {}
    for path in find_leaflets(project):
        found.setdefault(path.stem, []).append(path)
    return found


class Families:
    """The languages of each leaflet's family (the leaflet and its translations), found as the catalogue finds
    leaflets — from the file names and each file's front matter, never a full check, so that a build of one
    leaflet knows its siblings too. A version counts when its name and front matter agree: the leaflet
    `<slug>.md` with a `lang` (default en) and no `translation_of`; a translation `<slug>.<lang>.md` with that
    `lang`, `translation_of: <slug>` and a `source_edition`; each the only file of its name, and translations
    only beside their leaflet.

    `known(path)` may give a file's language without reading it (the build state knows the language of each
    file it built that is unchanged since); None reads the file."""

    def __init__(self, project: Project, files: dict[str, list[Path]] | None = None,
                 known: Callable[[Path], str | None] | None = None) -> None:
        self.project, self.known = project, known
        self.files = files if files is not None else files_by_slug(project)
        self._slugs: dict[str, list[str]] | None = None
        self._found: dict[str, tuple[Version, ...]] = {}

    def of(self, family: str) -> tuple[Version, ...]:
        """The languages of the leaflet `family` (its slug): the leaflet first, then its translations by
        language tag; () when there is no such leaflet."""
        if family not in self._found:
            if self._slugs is None:
                self._slugs = {}
                for slug in sorted(self.files):
                    self._slugs.setdefault(split_slug(slug)[0], []).append(slug)
            versions = []
            slugs = self._slugs.get(family, [])
            if family in slugs:
                for slug in slugs:
                    paths = self.files[slug]
                    lang = self._language(paths[0], family) if len(paths) == 1 else None
                    if lang and not any(lang.lower() == other.lang.lower() for other in versions):
                        versions.append(Version(lang, slug))
            versions.sort(key=lambda version: (version.slug != family, version.lang.lower()))
            self._found[family] = tuple(versions)
        return self._found[family]

    def _language(self, path: Path, family: str) -> str | None:
        """The file's language if it is a version of `family` (see the class), else None."""
        if self.known is not None and (lang := self.known(path)):
            return lang
        if not self.project.contains(path):
            return None
        try:
            front = load_leaflet(path, self.project.display(path)).front.data
        except ProblemReport:
            return None
        lang = front.get("lang", "en")
        if not isinstance(lang, str) or not LANG_PATTERN.match(lang):
            return None
        language = split_slug(path.stem)[1]
        if language is None:
            return lang if front.get("translation_of") is None else None
        if (LANGUAGE_SUFFIX.match(language) and lang.lower() == language
                and front.get("translation_of") == family and front.get("source_edition")):
            return lang
        return None


def select(project: Project, slugs: tuple[str, ...]) -> list[Path]:
    paths = find_leaflets(project)
    if not slugs:
        return paths
    by_slug = {path.stem: path for path in paths}
    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        known = ", ".join(sorted(by_slug)) or "none"
        hint = did_you_mean(unknown[0], by_slug).removeprefix(" (").removesuffix(")")
        raise UnknownLeaflet(f"no leaflet named {', '.join(unknown)} in "
                             f"{project.display(project.leaflets_dir)} "
                             f"({hint + '; ' if hint else ''}leaflets: {known})")
    return [path for path in paths if path.stem in slugs]


DUE_WITHIN = 90  # days of notice before a review falls due


def due_for_review(leaflets, today: date, within: int = DUE_WITHIN) -> list[tuple[Leaflet, str]]:
    """Leaflets whose review date has passed or comes within `within` days, and those with none; most urgent
    first."""
    found = []
    for leaflet in leaflets:
        if leaflet.review is None:
            found.append((date.max, leaflet, "no review date set"))
            continue
        days = (leaflet.review - today).days
        if days < 0:
            found.append((leaflet.review, leaflet, f"overdue by {plural(-days, 'day')}"))
        elif days <= within:
            found.append((leaflet.review, leaflet,
                          "due today" if days == 0 else f"due in {plural(days, 'day')}"))
    return [(leaflet, status)
            for _, leaflet, status in sorted(found, key=lambda item: (item[0], item[1].slug))]


@dataclass(frozen=True)
class Language:
    """One language of a leaflet: the leaflet itself, or a translation and whether it follows the current
    edition."""

    leaflet: Leaflet
    status: str  # "source", "current", "out of date", or "no source" (the leaflet has problems or is gone)
    current_edition: int | None  # the edition of the leaflet translated (for a translation)


def languages(leaflets) -> dict[str, list[Language]]:
    """The languages of each leaflet, under its slug: the leaflet first, then its translations by language."""
    sources = {leaflet.slug: leaflet for leaflet in leaflets if leaflet.translation is None}
    found: dict[str, list[Language]] = {}
    for leaflet in sorted(leaflets, key=lambda one: (one.family, one.translation is not None, one.lang)):
        translation = leaflet.translation
        if translation is None:
            found.setdefault(leaflet.slug, []).append(Language(leaflet, "source", None))
            continue
        source = sources.get(translation.of)
        status = ("no source" if source is None
                  else "out of date" if source.edition > translation.source_edition else "current")
        found.setdefault(translation.of, []).append(Language(leaflet, status, source and source.edition))
    return found


class UnknownLeaflet(LeafbindError):
    """A slug on the command line that names no leaflet (a usage error, not a content problem)."""


__all__ = ["AUTHORS_FILE", "Checked", "Families", "Language", "UnknownLeaflet", "check_catalogue",
           "check_leaflets", "files_by_slug", "find_leaflets", "iter_checked", "languages", "select"]
