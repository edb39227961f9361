"""The quality report page, dist/quality.html: every leaflet's readability scores and findings on one page,
for an editorial review meeting (on screen, on a projector or printed on A4).

`quality_page` renders report.html.jinja, the template beside this module (shipped in the package: a project
cannot override it). This module works out what the page shows (numbers with one decimal, which scores are
past a threshold, each leaflet's status), so the template only lays it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import Problem, plural
from ..settings import RULES, CheckConfig
from .readability import EASE_LANGUAGES, GRADE_LANGUAGES, Scores
from .rules import (
    ERROR,
    SECTION_MIN_WORDS,
    Finding,
    Limits,
    Quality,
    QualityReport,
    ease_level,
    grade_level,
    limits_for,
)

TEMPLATE = "report.html.jinja"  # in this folder
NONE = "—"  # a score that is not measured for the language
READY, WARNINGS, ERRORS, FAILED = "Ready", "Warnings", "Errors", "Cannot be read"


@dataclass(frozen=True)
class Score:
    """One score as shown: the number, and whether (and past which threshold) the checks flag it."""

    text: str
    level: str = ""  # "", WARNING or ERROR
    note: str = ""  # the threshold passed, in words: "above 8", "below 50"

    @property
    def measured(self) -> bool:
        return self.text != NONE


@dataclass(frozen=True)
class Row:
    """A leaflet's line in the summary table."""

    slug: str
    title: str
    href: str
    lang: str  # "" when unknown
    words: str
    ease: Score
    grade: Score
    smog: Score
    errors: int
    warnings: int | str
    status: str


@dataclass(frozen=True)
class SectionRow:
    name: str
    lang: str  # of the name: the leaflet's for a heading, "" for "Introduction"
    line: int
    words: str
    ease: Score
    grade: Score
    smog: Score
    unscored: str  # "" when scored, else why not


@dataclass(frozen=True)
class LeafletView:
    row: Row
    path: str
    sections: tuple[SectionRow, ...]
    findings: tuple[Finding, ...]  # errors first, then warnings, each by line
    unit: str  # of the length: words, or characters for Chinese and Japanese
    readability: str  # "" when the language has a readability formula, else the words saying it has none


def quality_page(report: QualityReport, organisation: str) -> str:
    """The editorial review page dist/quality.html: every leaflet's scores and findings."""
    config = report.config
    leaflets = tuple(_leaflet(quality, config) for quality in report.leaflets)
    failed = tuple(_failed(slug, report.problems) for slug in report.failed)
    rows = (*(view.row for view in leaflets), *failed)
    return _environment().get_template(TEMPLATE).render(
        organisation=organisation,
        today=report.today.isoformat(),
        limits=_limits(config),
        settings=_settings(config),
        rows=rows,
        tally=_tally(rows, report),
        leaflets=leaflets,
        problems=[str(problem) for problem in report.problems],
        rules=[(code, description, code in config.disable) for code, description in RULES.items()],
        ease_languages=", ".join(sorted(EASE_LANGUAGES)),
        grade_languages=", ".join(sorted(GRADE_LANGUAGES)),
        min_words=SECTION_MIN_WORDS,
    )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _leaflet(quality: Quality, config: CheckConfig) -> LeafletView:
    limits = limits_for(config, quality.lang)
    on = {code: code not in config.disable for code in ("reading-grade", "smog-grade", "reading-ease")}
    scores = quality.scores
    status = ERRORS if quality.errors else WARNINGS if quality.warnings else READY
    row = Row(quality.slug, quality.title, f"#{quality.slug}", quality.lang, _length(scores),
              _ease(scores, limits, on["reading-ease"]), _grade(scores.grade, limits, on["reading-grade"]),
              _grade(scores.smog, limits, on["smog-grade"]), len(quality.errors), len(quality.warnings),
              status)
    sections = []
    for section in quality.sections:
        s = section.scores
        scored = s.words >= SECTION_MIN_WORDS  # the checks judge a section's grade (or ease), never its SMOG
        unscored = ("no text" if not s.words else quality.readability if quality.readability
                    else "" if scored else "too short to score")
        sections.append(SectionRow(section.heading or "Introduction", quality.lang if section.heading else "",
                                   section.line, _length(s),
                                   _ease(s, limits, scored and on["reading-ease"]),
                                   _grade(s.grade, limits, scored and on["reading-grade"]),
                                   _grade(s.smog, limits, False), unscored))
    findings = sorted(quality.findings, key=lambda f: (f.severity != ERROR, f.line or 0, f.code))
    return LeafletView(row, quality.path, tuple(sections), tuple(findings), quality.scores.unit,
                       quality.readability or "")


def _length(scores: Scores) -> str:
    """The length as shown: in words, with the unit only where it is characters (Chinese, Japanese)."""
    return f"{scores.words:,}" if scores.unit == "words" else f"{scores.words:,} {scores.unit}"


def _failed(slug: str, problems: tuple[Problem, ...]) -> Row:
    count = sum(PurePosixPath(problem.path).stem == slug for problem in problems)
    unknown = Score(NONE)
    return Row(slug, slug, "#report_problems", "", NONE, unknown, unknown, unknown, count, NONE, FAILED)


def _number(value: float) -> str:
    return f"{value:.1f}".replace("-", "−")  # a true minus sign: reading ease goes below 0 for very hard text


def _grade(value: float | None, limits: Limits, judged: bool) -> Score:
    """A Flesch–Kincaid or SMOG grade: higher is harder."""
    if value is None:
        return Score(NONE)
    level = grade_level(value, limits) if judged else None
    if level is None:
        return Score(_number(value))
    return Score(_number(value), level,
                 f"above {limits.grade_error if level == ERROR else limits.grade_warning:g}")


def _ease(scores: Scores, limits: Limits, judged: bool) -> Score:
    """Flesch reading ease: lower is harder; judged only for languages with no grade measure."""
    if scores.ease is None:
        return Score(NONE)
    level = ease_level(scores.ease, limits) if judged and scores.grade is None else None
    if level is None:
        return Score(_number(scores.ease))
    return Score(_number(scores.ease), level,
                 f"below {limits.ease_error if level == ERROR else limits.ease_warning:g}")


def _limits(config: CheckConfig) -> list[tuple[str, str, str, str]]:
    """The readability thresholds as (measure, fine, warning, error): `[check]`'s, then each language's."""
    rows = [("Flesch–Kincaid grade and SMOG", *_grade_rule(config)),
            ("Flesch reading ease, for languages with no grade measure", *_ease_rule(config))]
    for tag in sorted(config.lang):
        own, limits = config.lang[tag], limits_for(config, tag)
        if own.grade_warning is not None or own.grade_error is not None:
            rows.append((f"Grades, language “{tag}”", *_grade_rule(limits)))
        if own.ease_warning is not None or own.ease_error is not None:
            rows.append((f"Reading ease, language “{tag}”", *_ease_rule(limits)))
    return rows


def _grade_rule(limits: Limits | CheckConfig) -> tuple[str, str, str]:
    return (f"{limits.grade_warning:g} or below", f"above {limits.grade_warning:g}",
            f"above {limits.grade_error:g}")


def _ease_rule(limits: Limits | CheckConfig) -> tuple[str, str, str]:
    return (f"{limits.ease_warning:g} or more", f"below {limits.ease_warning:g}",
            f"below {limits.ease_error:g}")


def _settings(config: CheckConfig) -> list[tuple[str, str]]:
    """The other `[check]` settings in use, as (what, rule) pairs."""
    return [
        ("Sentences", f"at most {config.sentence_words} words"),
        ("Paragraphs", f"at most {config.paragraph_sentences} sentences"),
        ("Headings", f"at least one every {config.heading_words} words"),
        ("Review date", f"a warning {config.review_notice} days before it, an error once passed"),
        ("Sections scored", f"{SECTION_MIN_WORDS} words or more"),
        ("Rules turned off", ", ".join(config.disable) or "none"),
    ]


def _tally(rows: tuple[Row, ...], report: QualityReport) -> str:
    """One line for the top of the page: "4 leaflets: 1 ready, 2 with warnings, 1 with errors."."""
    count = Counter(row.status for row in rows)
    parts = [f"{count[READY]} ready", f"{count[WARNINGS]} with warnings", f"{count[ERRORS]} with errors"]
    if count[FAILED]:
        parts.append(f"{count[FAILED]} cannot be read")
    totals = [plural(report.errors, "error"), plural(report.warnings, "warning")]
    if report.problems:
        totals.append(plural(len(report.problems), "validation problem"))
    return f"{plural(len(rows), 'leaflet')}: {', '.join(parts)}. In all: {', '.join(totals)}."
