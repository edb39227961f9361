"""Quality checks: is a valid leaflet fit for patients? Plain language, readable length, structure, dates.

Each rule has a stable code, listed in RULES; a project turns rules off with `[check] disable = [...]` and
sets the thresholds in `[check]` of leafbind.toml. Findings are errors (the leaflet should not go out as it
is: a build stops it) or warnings (worth fixing; `--strict` treats them as errors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path, PurePosixPath

from ..errors import Problem, ProblemReport, plural
from ..load import load_leaflet, load_yaml_file
from ..model import Author, Leaflet
from ..project import Project
from ..settings import CheckConfig
from ..validate import AUTHORS_FILE
from .glyphs import CODE as FONT_COVERAGE
from .glyphs import FontCoverage, font_coverage, uncovered
from .placeholders import is_starter_author, is_starter_bio, placeholder_in
from .plainwords import PlainWords, abbreviations, load_plain_words, spelled_out
from .prose import CHARACTERS_PER_WORD, Passage, Prose, counts_characters, length, read_prose, sentences
from .readability import Scores, no_formula, score

ERROR, WARNING = "error", "warning"
SECTION_MIN_WORDS = 100  # shorter sections are not scored: the formulas need a few sentences to mean anything
SUMMARY_SENTENCES, SUMMARY_WORDS = 3, 60
QUOTE_WORDS = 8  # words of a sentence quoted in a finding
QUOTE_CHARACTERS = 16  # … in a language written without spaces
SCHEMA_ID = "https://leafbind.example/schemas/quality-1.json"  # the JSON report's format, version 1

VAGUE_LINKS = {"click here", "here", "click", "this", "this link", "link", "this page", "page", "read more",
               "more", "more info", "more information", "find out more", "see here", "go", "website",
               "this website"}
VAGUE_ALT = {"image", "picture", "photo", "photograph", "img", "figure", "graphic", "diagram", "icon", "logo",
             "screenshot", "illustration", "alt", "alt text"}
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to improve in a leaflet: `file:line: code: severity: message`."""

    path: str
    line: int | None
    code: str
    severity: str
    message: str

    def __str__(self) -> str:
        return str(self.as_problem())

    def as_problem(self) -> Problem:
        return Problem(self.path, self.line, self.code, f"{self.severity}: {self.message}")

    def as_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "code": self.code, "severity": self.severity,
                "message": self.message}


@dataclass(frozen=True)
class SectionScores:
    heading: str | None  # None for the introduction
    line: int
    scores: Scores


@dataclass(frozen=True)
class Quality:
    """The scores and findings of one leaflet."""

    slug: str
    path: str
    title: str
    lang: str
    scores: Scores
    sections: tuple[SectionScores, ...]
    findings: tuple[Finding, ...]
    readability: str | None = None  # "no readability formula for Urdu (ur)"; None when the language has one

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == WARNING)

    def as_dict(self) -> dict:
        return {"slug": self.slug, "file": self.path, "title": self.title, "lang": self.lang,
                "readability": self.readability, "scores": self.scores.as_dict(),
                "sections": [{"heading": section.heading, "line": section.line,
                              "scores": section.scores.as_dict()}
                             for section in self.sections],
                "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [finding.as_dict() for finding in self.findings]}


@dataclass(frozen=True)
class Limits:
    """The readability thresholds for one language."""

    grade_warning: float
    grade_error: float
    ease_warning: float
    ease_error: float


def limits_for(config: CheckConfig, lang: str) -> Limits:
    """`[check]`'s thresholds, with `[check.lang.TAG]` over them: the full tag ("en-GB") before its language
    ("en")."""
    chosen = {key: getattr(config, key) for key in Limits.__dataclass_fields__}
    for tag in sorted((tag for tag in config.lang if lang.lower() == tag.lower() or
                       lang.lower().startswith(tag.lower() + "-")), key=len):
        chosen.update({key: value for key, value in config.lang[tag].model_dump().items()
                       if value is not None})
    return Limits(**chosen)


def grade_level(value: float | None, limits: Limits) -> str | None:
    """ERROR or WARNING for a Flesch–Kincaid or SMOG grade past the limits (higher is harder), else None."""
    if value is None or value <= limits.grade_warning:
        return None
    return ERROR if value > limits.grade_error else WARNING


def ease_level(value: float | None, limits: Limits) -> str | None:
    """ERROR or WARNING for a Flesch reading ease past the limits (lower is harder), else None."""
    if value is None or value >= limits.ease_warning:
        return None
    return ERROR if value < limits.ease_error else WARNING


@dataclass(frozen=True)
class Linter:
    """The quality checks as one project sets them up; `today` decides whether a review date has passed."""

    config: CheckConfig
    words: PlainWords
    today: date
    authors: Path | None = None  # leaflets/authors.yaml, whose lines the findings about authors give
    authors_display: str = AUTHORS_FILE
    project: Project | None = None  # whose fonts `font-coverage` reads (none: the check is not run)

    def current_edition(self, slug: str) -> int | None:
        """The edition leaflets/<slug>.md says it is, read from its front matter alone (None when there is no
        such file, or it can't be read: its own check reports why)."""
        if self.project is None:
            return None
        path = self.project.leaflets_dir / f"{slug}.md"
        try:
            edition = load_leaflet(path, self.project.display(path)).front.data.get("edition", 1)
        except (ProblemReport, OSError):
            return None
        return edition if isinstance(edition, int) and not isinstance(edition, bool) else None

    @cached_property  # read at the first leaflet checked: a build that skips every leaflet never reads them
    def fonts(self) -> FontCoverage | None:
        """The characters the fonts of the project's outputs have."""
        return font_coverage(self.project) if self.project is not None else None

    def author_line(self, key: str, name: str) -> int | None:
        """The line of author `key`'s `name` in authors.yaml. Authors keep no lines once checked (nothing else
        needs them), so the file is read again here, which only a finding about an author does."""
        if self.authors is None:
            return None
        try:
            return load_yaml_file(self.authors, self.authors_display).line_of((key, name))
        except ProblemReport:
            return None

    def lint(self, leaflet: Leaflet, display: str) -> Quality:
        prose = read_prose(leaflet.body, leaflet.body_line)
        run = _Run(self, leaflet, display, prose, limits_for(self.config, leaflet.lang))
        overall = score(prose.reading_text(), leaflet.lang)
        sections = tuple(SectionScores(section.heading, section.line,
                                       score(prose.reading_text(section.blocks), leaflet.lang))
                         for section in prose.sections)
        run.readability(overall, sections)
        run.lengths()
        run.plain_words()
        run.abbreviations()
        run.structure()
        run.media()
        run.front_matter()
        run.placeholders()
        run.fonts()
        run.translation()
        findings = sorted(f for f in run.findings if f.code not in self.config.disable)
        return Quality(leaflet.slug, display, leaflet.title, leaflet.lang, overall, sections, tuple(findings),
                       no_formula(leaflet.lang))


def make_linter(project: Project, today: date) -> Linter:
    """The checks for this project: its `[check]` settings and plain-words file. Raises ProblemReport."""
    config = project.config.check
    path = project.root / config.words  # inside the project: the settings were checked
    authors = project.leaflets_dir / AUTHORS_FILE
    words = load_plain_words(path, project.display(path))
    return Linter(config, words, today, authors, project.display(authors), project)


@dataclass(frozen=True)
class FontCheck:
    """The `font-coverage` check alone: a build without the quality checks (`--no-lint`) still runs it, so
    that no character is ever left to the machine's fonts (unless `[check] disable` names it)."""

    project: Project

    @cached_property  # read at the first leaflet checked, once per build
    def coverage(self) -> FontCoverage:
        return font_coverage(self.project)

    def findings(self, leaflet: Leaflet, display: str) -> tuple[Finding, ...]:
        if FONT_COVERAGE in self.project.config.check.disable:
            return ()
        return tuple(sorted(_font_findings(self.coverage, leaflet, display, self.project)))


def _font_findings(coverage: FontCoverage, leaflet: Leaflet, display: str, project: Project) -> list[Finding]:
    return [Finding(found.path, found.line, FONT_COVERAGE, ERROR, found.message)
            for found in uncovered(coverage, leaflet, display, project)]


@dataclass
class _Run:
    """The checks of one leaflet, collecting findings."""

    linter: Linter
    leaflet: Leaflet
    display: str
    prose: Prose
    limits: Limits
    findings: list[Finding] = field(default_factory=list)

    @property
    def config(self) -> CheckConfig:
        return self.linter.config

    def find(self, line: int | None, code: str, severity: str, message: str) -> None:
        self.findings.append(Finding(self.display, line, code, severity, message))

    def front_line(self, key: str) -> int:
        return self.leaflet.origin.line_of((key,))

    @property
    def in_characters(self) -> bool:
        """Whether the leaflet's language is counted in characters (Chinese, Japanese), not words."""
        return counts_characters(self.leaflet.lang)

    def length(self, text: str) -> int:
        return length(text, self.leaflet.lang)

    def limit(self, words: int) -> int:
        """A limit set in words, in the leaflet's unit."""
        return round(words * CHARACTERS_PER_WORD) if self.in_characters else words

    @property
    def unit(self) -> str:
        return "characters" if self.in_characters else "words"

    def quote(self, text: str) -> str:
        if self.in_characters:
            text = " ".join(text.split())
            return '"' + text[:QUOTE_CHARACTERS] + ('…"' if len(text) > QUOTE_CHARACTERS else '"')
        return _quote(text)

    # --- 1. Readability ---------------------------------------------------------------------------------

    def readability(self, overall: Scores, sections: tuple[SectionScores, ...]) -> None:
        first = self.prose.blocks[0].line if self.prose.blocks else self.leaflet.body_line
        where = "the leaflet"
        self.judge_grade("reading-grade", "Flesch–Kincaid grade", overall.grade, first, where)
        self.judge_grade("smog-grade", "SMOG grade", overall.smog, first, where)
        self.judge_ease(overall.ease if overall.grade is None else None, first, where)
        for section in sections:
            if section.scores.words < SECTION_MIN_WORDS:
                continue
            where = f'section "{section.heading}"' if section.heading else "the introduction"
            self.judge_grade("reading-grade", "Flesch–Kincaid grade", section.scores.grade,
                             section.line, where)
            self.judge_ease(section.scores.ease if section.scores.grade is None else None,
                            section.line, where)

    def judge_grade(self, code: str, measure: str, value: float | None, line: int, where: str) -> None:
        if not (severity := grade_level(value, self.limits)):
            return
        self.find(line, code, severity, f"{where} reads at {measure} {value:.1f}; aim for "
                  f"{self.limits.grade_warning:g} or below (above {self.limits.grade_error:g} is an error): "
                  "use shorter sentences and shorter, everyday words")

    def judge_ease(self, value: float | None, line: int, where: str) -> None:
        if not (severity := ease_level(value, self.limits)):
            return
        self.find(line, "reading-ease", severity, f"{where} has a Flesch reading ease of {value:.0f}; "
                  f"aim for {self.limits.ease_warning:g} or more (below {self.limits.ease_error:g} is an "
                  "error): use shorter sentences and shorter, everyday words")

    # --- 2. Sentence and paragraph length ------------------------------------------------------------------

    def lengths(self) -> None:
        summary = Passage(self.leaflet.summary, self.front_line("summary"))
        most = self.config.sentence_characters if self.in_characters else self.config.sentence_words
        for block in (summary, *self.prose.blocks):
            found = sentences(block)
            for sentence in found:
                if (size := self.length(sentence.text)) > most:
                    self.find(sentence.line, "long-sentence", WARNING,
                              f"a sentence of {size} {self.unit} ({self.quote(sentence.text)}): split it; "
                              f"aim for {most} {self.unit} or fewer")
            if block is not summary and len(found) > self.config.paragraph_sentences:
                self.find(block.line, "long-paragraph", WARNING,
                          f"a paragraph of {len(found)} sentences: split it; aim for "
                          f"{self.config.paragraph_sentences} or fewer")

    # --- 3. Plain words and abbreviations -----------------------------------------------------------------

    def texts(self) -> list[Passage]:
        """Everything a reader reads, in reading order: title, summary, then the body."""
        body = sorted((*self.prose.headings, *self.prose.blocks, *self.prose.tables),
                      key=lambda text: text.line)
        return [Passage(self.leaflet.title, self.front_line("title")),
                Passage(self.leaflet.summary, self.front_line("summary")), *body]

    def plain_words(self) -> None:
        for text in self.texts():
            for hit in self.linter.words.hits(text.text):
                options = [option.strip() for option in hit.plain.split(",")]
                advice = (f'"{hit.found}": write ' + " or ".join(f'"{option}"' for option in options) +
                          " instead")
                if hit.explainable:
                    advice += f', or explain it in brackets the first time: "{options[0]} ({hit.found})"'
                self.find(text.line_at(hit.start), "plain-words", WARNING, advice)

    def abbreviations(self) -> None:
        first_use: dict[str, int] = {}
        for text in self.texts():
            for match in abbreviations(text.text):
                name = match.group(1)
                if self.linter.words.known(name) or self.linter.words.known(name + match.group(2)):
                    continue
                line = text.line_at(match.start())
                if spelled_out(text.text, match):
                    if name in first_use:
                        self.find(first_use[name], "abbreviation", WARNING,
                                  f'"{name}" is used before it is spelled out on line {line}: spell it out '
                                  "the first time it is used")
                    first_use[name] = 0  # explained: later uses are fine
                elif name not in first_use:
                    first_use[name] = line
        for name, line in first_use.items():
            if line:
                self.find(line, "abbreviation", WARNING,
                          f'"{name}" is never spelled out: write it in full the first time, '
                          f'e.g. "… ({name})", or list it under abbreviations in {self.config.words} '
                          "if every reader knows it")

    # --- 4. Structure ----------------------------------------------------------------------------------

    def structure(self) -> None:
        summary = sentences(Passage(self.leaflet.summary, 1))
        words = sum(self.length(sentence.text) for sentence in summary)
        if len(summary) > SUMMARY_SENTENCES or words > self.limit(SUMMARY_WORDS):
            self.find(self.front_line("summary"), "summary", WARNING,
                      f"the summary has {len(summary)} sentences and {words} {self.unit}: keep it to "
                      f"{SUMMARY_SENTENCES} sentences and {self.limit(SUMMARY_WORDS)} {self.unit} saying who "
                      "the leaflet is for and what it explains")
        for section in self.prose.sections:
            if section.heading is not None and not section.has_content:
                self.find(section.line, "empty-section", ERROR,
                          f'section "{section.heading}" has no text: write it, or remove the heading')
            self.heading_gaps(section)

    def heading_gaps(self, section) -> None:
        """Runs of prose longer than heading_words with no heading (`##` or `###`) in them."""
        marks = sorted(heading.line for heading in section.subheadings)
        run_words, run_start, last = 0, None, None
        for block in section.blocks:
            if run_start is not None and any(last < mark < block.line for mark in marks):
                self.gap(run_words, run_start, last)
                run_words, run_start = 0, None
            run_words += self.length(block.text)
            run_start = block.line if run_start is None else run_start
            last = block.line
        self.gap(run_words, run_start, last)

    def gap(self, words: int, start: int | None, end: int | None) -> None:
        most = self.limit(self.config.heading_words)
        if start is not None and words > most:
            self.find(start, "headings", WARNING,
                      f"{words} {self.unit} without a heading (lines {start}–{end}): add a '##' or '###' "
                      f"heading at least every {most} {self.unit}, so readers can find their way")

    def media(self) -> None:
        for image in self.prose.images:
            alt = " ".join(image.alt.split())
            if not alt:
                self.find(image.line, "image-alt", ERROR,
                          f'image "{image.src}" has no alt text: say what it shows, e.g. ![A nurse fitting '
                          f"a blood pressure cuff]({image.src})")
            elif (IMAGE_FILE.search(alt) or _plain(alt) in VAGUE_ALT or
                  _plain(alt) == _plain(PurePosixPath(image.src).stem)):
                self.find(image.line, "image-alt", ERROR,
                          f'image "{image.src}" has the alt text "{alt}", which does not say what it shows: '
                          "describe the picture for someone who cannot see it")
        for link in self.prose.links:
            if _plain(link.text) in VAGUE_LINKS or not link.text:
                self.find(link.line, "link-text", WARNING,
                          f'the link text "{link.text}" does not say where the link goes: name the page or '
                          "service instead, e.g. [the NHS page on blood pressure](…)")

    # --- Front matter: sources and review date ---------------------------------------------------------

    def front_matter(self) -> None:
        if not self.leaflet.sources:
            self.find(self.front_line("sources"), "sources", WARNING,
                      "no sources: list the guidance and evidence the leaflet is based on under 'sources:'")
        review = self.leaflet.review
        if review is None:
            self.find(self.front_line("published"), "review-date", WARNING,
                      "no review date: add 'review: YYYY-MM-DD', usually two or three years after publishing")
            return
        days = (review - self.linter.today).days
        line = self.front_line("review")
        if days < 0:
            self.find(line, "review-date", ERROR,
                      f"the review date {review} passed {plural(-days, 'day')} ago: review the "
                      "leaflet, then set a new review date (and start a new edition if the text changes)")
        elif days <= self.config.review_notice:
            when = "today" if days == 0 else f"in {plural(days, 'day')}"
            self.find(line, "review-date", WARNING, f"the review date {review} is {when}: plan the review")

    # --- Translations: made from the current edition of their leaflet -------------------------------------

    def translation(self) -> None:
        translation = self.leaflet.translation
        if translation is None:
            return
        current = self.linter.current_edition(translation.of)
        if current is not None and current > translation.source_edition:
            self.find(self.front_line("source_edition"), "translation-outdated", WARNING,
                      f"translated from edition {translation.source_edition} of {translation.of}, which is "
                      f"now at edition {current}: update the translation, then set source_edition: {current}")

    # --- Fonts: a character no font of the outputs has ------------------------------------------------------

    def fonts(self) -> None:
        if self.linter.project is not None and self.linter.fonts is not None:
            self.findings.extend(_font_findings(self.linter.fonts, self.leaflet, self.display,
                                                self.linter.project))

    # --- Placeholders: the starter's sample text, never replaced -------------------------------------------

    def placeholders(self) -> None:
        """The sample text `publish new` writes is valid, so nothing else stops it: find it in the summary,
        the body and the leaflet's authors (their entries in authors.yaml, with those lines)."""
        summary = Passage(self.leaflet.summary, self.front_line("summary"))
        if sample := placeholder_in(summary.text):
            self.find(summary.line, "placeholder", ERROR,
                      f"the summary still has the starter's sample text {_quote(sample)}: say in a sentence "
                      "or two who the leaflet is for and what it explains")
        for block in self.prose.blocks:
            if sample := placeholder_in(block.text):
                self.find(block.line, "placeholder", ERROR, f"the starter's sample text {_quote(sample)} is "
                          "still here: write the leaflet's own text in its place")
        for author in self.leaflet.authors:
            self.starter_author(author)

    def starter_author(self, author: Author) -> None:
        who = f'author "{author.key}" (of {self.leaflet.slug})'
        if is_starter_author(author.name):
            self.find_in_authors(author.key, "name", f'{who} still has the starter\'s name "{author.name}": '
                                 "write the name of the person or team, as readers should see it")
        if is_starter_bio(author.bio):
            self.find_in_authors(author.key, "bio", f"{who} still has the starter's bio: say who they are "
                                 "and what they do, in a sentence or two")

    def find_in_authors(self, key: str, name: str, message: str) -> None:
        """A finding in authors.yaml, on the line of the author's `name` or `bio`."""
        self.findings.append(Finding(self.linter.authors_display, self.linter.author_line(key, name),
                                     "placeholder", ERROR, message))


def _quote(text: str) -> str:
    words = text.split()
    return '"' + " ".join(words[:QUOTE_WORDS]) + ('…"' if len(words) > QUOTE_WORDS else '"')


def _plain(text: str) -> str:
    """Lower case, separators as spaces, no punctuation at the ends: "Click here!" → "click here"."""
    return " ".join(re.sub(r"[-_.]+", " ", text.lower()).split()).strip(" .,:;!?\"'()")


@dataclass(frozen=True)
class QualityReport:
    """The quality of every leaflet checked in one run, and the problems of those that could not be read."""

    leaflets: tuple[Quality, ...]
    problems: tuple[Problem, ...]  # validation problems: these leaflets were not scored
    failed: tuple[str, ...]  # slugs of the leaflets with validation problems
    today: date
    config: CheckConfig

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for quality in self.leaflets for finding in quality.findings)

    @property
    def errors(self) -> int:
        return sum(len(quality.errors) for quality in self.leaflets)

    @property
    def warnings(self) -> int:
        return sum(len(quality.warnings) for quality in self.leaflets)

    def as_dict(self) -> dict:
        """The report for scripts and CI; README.md ("Quality checks") and quality.schema.json describe it."""
        return {
            "schema": SCHEMA_ID,
            "date": self.today.isoformat(),
            "settings": self.config.model_dump(),
            "errors": self.errors,
            "warnings": self.warnings,
            "leaflets": [quality.as_dict() for quality in self.leaflets],
            "unreadable": list(self.failed),
            "problems": [{"file": p.path, "line": p.line, "field": p.field, "message": p.message}
                         for p in self.problems],
        }
