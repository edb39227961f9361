"""leafbind.toml: its schema and every check of it, in one room, read once when a project is opened.

Every problem of the file is reported in one run, each with its line: a value of the wrong type, an unknown
key (with a did-you-mean), a page size, an accent that fails a contrast check, a layout, the contact box, the
logo (found and checked through the asset gate), the citation styles, and the quality checks' `[check]`
settings (rule codes, thresholds in order, a word list inside the project). Every command opens the project
the same way, so `publish new` and `publish list --layouts` refuse a broken setting as `publish build` does.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from .assets import COLLECTION_SUFFIXES, FONT_SUFFIXES, PROFILE_SUFFIXES, check_file, resolve_asset
from .citations import style_problem
from .colours import check_palette, make_palette, parse_colour
from .errors import Problem, ProblemReport, did_you_mean, plural
from .fonts import ConfiguredFont, face_index
from .layouts import BUILTIN, EPUB
from .load import read_text
from .model import LANG_PATTERN, SLUG_PATTERN, Asset, Paragraph, Schema, Text, WebAddress

CONFIG_NAME = "leafbind.toml"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}

RULES = {  # the quality checks' codes (what `[check] disable` names) → what each checks; README explains each
    "missing-translation": "strings of the layouts printed in English: no translation in the catalogues",
    "reading-grade": "Flesch–Kincaid grade of the leaflet and of each section of 100 words or more",
    "smog-grade": "SMOG grade of the leaflet",
    "reading-ease": "Flesch reading ease, for languages with no grade measure",
    "long-sentence": "sentences longer than sentence_words",
    "long-paragraph": "paragraphs of more than paragraph_sentences sentences",
    "plain-words": "medical or formal terms with plainer alternatives",
    "abbreviation": "abbreviations used before they are spelled out",
    "summary": "a summary of at most 3 sentences and 60 words",
    "headings": "a heading at least every heading_words words",
    "empty-section": "sections with no text",
    "image-alt": "images whose alt text is missing or is a file name",
    "link-text": "links whose text does not say where they go",
    "sources": "at least one source",
    "review-date": "a review date, not passed and not within review_notice days",
    "placeholder": "sample text of the starter leaflet (publish new) still in the leaflet or its authors",
    "font-coverage": "characters that no font of the outputs has (built-in, assets/fonts/ or the layouts')",
    "translation-outdated": "a translation made from an earlier edition than its leaflet's current one",
    "text-layer": "words of the leaflet that come out of its PDF's text layer as other text (build only)",
}


class LayoutEntry(Schema):
    """`[layout.NAME]` in leafbind.toml: a project's own print layout, or (with only `citation_styles`) the
    citation styles of a built-in one."""

    # a .css file in the project's layouts/ folder (a Jinja template, like the built-in ones); required for a
    # layout of the project's own
    stylesheet: Text | None = None
    based_on: Text = "standard"  # the built-in layout whose pages and finishing it keeps
    description: Paragraph = "A layout of this project."
    citation_styles: list[Text] | None = None  # this layout's own; None: the top-level citation_styles


class ContactEntry(Schema):
    """`[contact]` in leafbind.toml: who patients can ask, printed on the last page and in the e-book."""

    heading: Text | None = None  # None: "Questions about this leaflet?" in the leaflet's language
    team: Text | None = None  # who answers, e.g. "the cardiology nurses"
    phone: Text | None = None
    hours: Text | None = None
    email: Text | None = None
    note: Paragraph | None = None  # e.g. "In an emergency, call 999."


class PressConfig(Schema):
    """`[press]` in leafbind.toml: the press PDF's printing condition (default: leafbind's own profile)."""

    output_profile: Text | None = None  # the print shop's CMYK (printer) ICC profile, inside the project
    # its name in the ICC's registry of characterisations (e.g. "FOGRA39"); "Custom" when it has none
    output_condition: Text = "Custom"


Threshold = Annotated[float, Field(ge=0, le=100)]
Count = Annotated[int, Field(strict=True, ge=1)]


class ReadabilityLimits(Schema):
    """`[check.lang.TAG]`: readability thresholds for the leaflets in one language (unset keys:
    `[check]`'s)."""

    grade_warning: Threshold | None = None
    grade_error: Threshold | None = None
    ease_warning: Threshold | None = None
    ease_error: Threshold | None = None


class CheckConfig(Schema):
    """`[check]` in leafbind.toml: the quality checks of `publish check` and of every build."""

    disable: list[Text] = []  # codes of rules this project does not use
    words: Text = "plain-words.yaml"  # the project's own plain-words list, if the file exists
    grade_warning: Threshold = 8  # Flesch–Kincaid grade and SMOG above this: a warning
    grade_error: Threshold = 10  # … above this: an error
    # Flesch reading ease below this (languages without a grade measure): a warning
    ease_warning: Threshold = 60
    ease_error: Threshold = 50  # … below this: an error
    sentence_words: Count = 25
    sentence_characters: Count = 40  # for Chinese and Japanese, whose sentences are counted in characters
    paragraph_sentences: Count = 5
    heading_words: Count = 250
    review_notice: Count = 90  # days before the review date when it becomes a warning
    lang: dict[str, ReadabilityLimits] = {}


class FontEntry(Schema):
    """`[fonts]` in leafbind.toml: the font of one language, `TAG = "file"`, or (a collection's face) the
    table `[fonts.TAG]` with `file` and `face`."""

    # a font file of the project (assets/fonts/…), or an installed one by its absolute path
    file: Text
    face: Text | None = None  # the face to take out of a collection (.ttc, .otc), e.g. "Noto Sans CJK SC"


FontSetting = Annotated[FontEntry, BeforeValidator(lambda value: {"file": value} if isinstance(value, str)
                                                   else value)]


class ProjectConfig(Schema):
    """`leafbind.toml`: every key optional."""

    organisation: Text = ""
    logo: Text | None = None
    website: WebAddress | None = None
    page_size: Text = "a4"
    citation_styles: list[Text] = ["apa", "mla", "ama", "harvard"]
    accent: Text = "#0b6e69"
    layouts: Annotated[list[Text], Field(min_length=1)] = ["standard"]
    layout: dict[str, LayoutEntry] = {}
    contact: ContactEntry | None = None
    check: CheckConfig = CheckConfig()
    press: PressConfig = PressConfig()
    fonts: dict[str, FontSetting] = {}  # BCP 47 language tag → its font


TABLES: dict[str, type[BaseModel]] = {"": ProjectConfig, "contact": ContactEntry, "check": CheckConfig,
                                      "layout": LayoutEntry, "check.lang": ReadabilityLimits,
                                      "press": PressConfig, "fonts": FontEntry}


@dataclass(frozen=True)
class Settings:
    """A project's checked settings: leafbind.toml's values (defaults filled in), its text, and the logo."""

    config: ProjectConfig
    source: str = ""  # the text of leafbind.toml, to locate a setting's line in later messages
    logo: Asset | None = None
    output_profile: Asset | None = None  # `[press] output_profile`, checked: a CMYK printer profile
    fonts: tuple[ConfiguredFont, ...] = ()  # `[fonts]`, checked: each language's font file (and face)

    def line(self, key: str | None) -> int | None:
        return config_line(self.source, key)


def read_settings(root: Path) -> Settings:
    """Read and check `root`/leafbind.toml (resolved root; defaults when there is none). Raises ProblemReport
    with every problem of the file."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return Settings(ProjectConfig())
    if not Path(os.path.realpath(path)).is_relative_to(root):
        raise ProblemReport([Problem(CONFIG_NAME, None, None, "is a link to a file outside the project: copy "
                                     "the settings into the project folder instead")])
    text = read_text(path, CONFIG_NAME)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"^(.*?)(?: \(at line (\d+), column \d+\))?$", str(error))
        line = int(found[2]) if found[2] else None
        raise ProblemReport([Problem(CONFIG_NAME, line, None, f"is not valid TOML: {found[1]}")]) from None
    checks = _Checks(root, text)
    config = checks.schema(raw)
    logo = checks.all(config)
    profile = checks.output_profile(config) if checks.ok("press") else None
    fonts = checks.fonts(config)
    if checks.problems:
        raise ProblemReport(checks.problems)
    return Settings(config, text, logo, profile, fonts)


@dataclass
class _Checks:
    """The checks of one leafbind.toml, collecting problems; a key whose value is of the wrong type is
    reported once, and the checks that need its value are skipped."""

    root: Path
    text: str

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # keys (dotted) whose values failed the schema

    def problem(self, key: str | None, message: str, line_key: str | None = None) -> None:
        self.problems.append(Problem(CONFIG_NAME, config_line(self.text, line_key or key), key, message))

    def ok(self, key: str) -> bool:
        return not any(broken == key or broken.startswith(key + ".") for broken in self.broken)

    def schema(self, raw: dict) -> ProjectConfig:
        """The settings with every value of the wrong type reported and left at its default (a broken
        `[layout.NAME]` is left out whole: it can't be used without its stylesheet)."""
        try:
            return ProjectConfig.model_validate(raw)
        except ValidationError as error:
            for item in error.errors():
                path = [str(part) for part in item["loc"] if not isinstance(part, int)]
                key = ".".join(path) or None
                message = item["msg"]
                if item["type"] == "extra_forbidden":
                    message = "is not a known setting" + _did_you_mean(path)
                self.problem(key, message)
                self.broken.add(key or "")
                _drop(raw, path[:2] if path[:1] == ["layout"] else path)
        return ProjectConfig.model_validate(raw)

    def all(self, config: ProjectConfig) -> Asset | None:
        for key, check in (("page_size", self.page_size), ("accent", self.accent), ("layout", self.layouts),
                           ("contact", self.contact), ("citation_styles", self.citation_styles),
                           ("check", self.check)):
            if self.ok(key):
                check(config)
        return self.logo(config) if self.ok("logo") else None

    def page_size(self, config: ProjectConfig) -> None:
        if config.page_size not in PAGE_SIZES:
            self.problem("page_size", f'"{config.page_size}" is not a page size (use a4 or letter)')

    def accent(self, config: ProjectConfig) -> None:
        """The accent must keep every text readable, in colour and printed in greyscale (WCAG AA)."""
        try:
            parse_colour(config.accent)
        except ValueError as error:
            self.problem("accent", str(error))
            return
        failed = check_palette(make_palette(config.accent))
        if failed:
            more = f" ({plural(len(failed) - 1, 'more contrast check')} fail too.)" if len(failed) > 1 else ""
            self.problem("accent", failed[0].message + more)

    def layouts(self, config: ProjectConfig) -> None:
        for name, entry in config.layout.items():
            key = f"layout.{name}"
            for style in entry.citation_styles or ():
                if message := style_problem(style):
                    self.problem(f"{key}.citation_styles", message)
            if name in BUILTIN:  # a built-in layout takes only its citation styles from here
                for field in sorted(entry.model_fields_set - {"citation_styles"}):
                    self.problem(f"{key}.{field}", f'is not a setting of the built-in layout "{name}" '
                                 "(only citation_styles is): to restyle it, put your own "
                                 f"{BUILTIN[name].stylesheet} in layouts/")
                continue
            if name == EPUB or not SLUG_PATTERN.match(name):
                reason = ("is not a layout name (lower-case words and -)" if not SLUG_PATTERN.match(name)
                          else "is a built-in name")
                self.problem(key, f'"{name}" {reason}: choose another name for your own layout')
            if entry.based_on not in BUILTIN:
                self.problem(f"{key}.based_on",
                             f'"{entry.based_on}" is not a built-in layout (use {_names(BUILTIN)})')
            if entry.stylesheet is None:
                self.problem(f"{key}.stylesheet", "Field required")  # as the schema said it before
            elif message := _stylesheet_problem(entry.stylesheet, self.root):
                self.problem(f"{key}.stylesheet", message)
        known = {*BUILTIN, *config.layout,
                 *(key.split(".")[1] for key in self.broken if key.startswith("layout."))}
        if not self.ok("layouts"):
            return
        for name in config.layouts:
            if name not in known:
                hint = did_you_mean(name, sorted(known)) or f" (use {_names(known)})"
                self.problem("layouts", f'"{name}" is not a layout{hint}')

    def contact(self, config: ProjectConfig) -> None:
        contact = config.contact
        if contact is not None and not (contact.phone or contact.email):
            self.problem("contact", "gives neither a phone number nor an email address (add phone = \"…\" or "
                         "email = \"…\")")

    def citation_styles(self, config: ProjectConfig) -> None:
        for name in config.citation_styles:
            if message := style_problem(name):
                self.problem("citation_styles", message)

    def check(self, config: ProjectConfig) -> None:
        """`[check]`: rule codes that exist, error limits beyond their warning limits, a word list in the
        project."""
        check = config.check
        for code in (code for code in check.disable if code not in RULES):
            hint = did_you_mean(code, RULES) or f" (the codes are: {', '.join(RULES)})"
            self.problem("check.disable", f'"{code}" is not a rule code{hint}')
        if check.grade_error < check.grade_warning:
            self.problem("check.grade_error",
                         f"{check.grade_error:g} is below grade_warning {check.grade_warning:g}")
        if check.ease_error > check.ease_warning:
            self.problem("check.ease_error",
                         f"{check.ease_error:g} is above ease_warning {check.ease_warning:g}")
        if not (self.root / check.words).resolve().is_relative_to(self.root):
            self.problem("check.words", f'"{check.words}" is outside the project folder: keep it beside '
                         "leafbind.toml")

    def logo(self, config: ProjectConfig) -> Asset | None:
        if not config.logo:
            return None
        try:
            return resolve_asset(self.root, config.logo, self.root)
        except ValueError as error:
            self.problem("logo", str(error))
            return None

    def output_profile(self, config: ProjectConfig) -> Asset | None:
        if not config.press.output_profile:
            return None
        try:
            return resolve_asset(self.root, config.press.output_profile, self.root, PROFILE_SUFFIXES)
        except ValueError as error:
            self.problem("press.output_profile", str(error))
            return None


    def fonts(self, config: ProjectConfig) -> tuple[ConfiguredFont, ...]:
        """`[fonts]`: language tags, and for each a readable font file of the project or an installed one (an
        absolute path), with the face to use when it is a collection."""
        import langcodes

        found = []
        for tag, entry in config.fonts.items():
            key = f"fonts.{tag}"
            if not LANG_PATTERN.match(tag) or not langcodes.tag_is_valid(tag):
                self.problem(key, f'"{tag}" is not a language tag (use a BCP 47 tag such as zh-Hans, ja '
                             "or ko)")
                continue
            try:
                source = self.font_file(entry.file)
            except ValueError as error:
                self.problem(key, str(error), f"{key}.file" if config_line(self.text, f"{key}.file") else key)
                continue
            try:
                index = face_index(source.path, entry.file, entry.face)
            except ValueError as error:
                self.problem(key, str(error), f"{key}.face" if entry.face else None)
                continue
            found.append(ConfiguredFont(langcodes.standardize_tag(tag), source, entry.face, index))
        return tuple(found)

    def font_file(self, written: str) -> Asset:
        kinds = FONT_SUFFIXES | COLLECTION_SUFFIXES
        if not Path(written).is_absolute():
            return resolve_asset(self.root, written, self.root, kinds)
        path = Path(os.path.realpath(written))  # an installed font, named by the project: read as it is
        if path.suffix.lower() not in kinds:
            raise ValueError(f'"{written}" is not a font file (use {", ".join(sorted(kinds))})')
        if not path.is_file():
            raise ValueError(f'"{written}" was not found (is its package installed? Chinese, Japanese and '
                             "Korean: Debian's fonts-noto-cjk)")
        return check_file(path, path.as_posix(), written)


def _drop(raw: dict, path: list[str]) -> None:
    """Remove the value at `path` (a key, or a key of a table), so the rest of the file is checked without
    it."""
    table = raw
    for part in path[:-1]:
        table = table.get(part, {}) if isinstance(table, dict) else {}
    if isinstance(table, dict):
        table.pop(path[-1] if path else "", None)


def _did_you_mean(path: list[str]) -> str:
    """The did-you-mean for an unknown key, among the keys of the table it was found in."""
    *table, name = path
    where = ".".join(table)
    if table and table[0] == "layout":
        where = "layout"
    elif table[:2] == ["check", "lang"]:
        where = "check.lang"
    elif table[:1] == ["fonts"]:
        where = "fonts"
    schema = TABLES.get(where)
    return did_you_mean(name, schema.model_fields if schema else ())


def _stylesheet_problem(written: str, root: Path) -> str | None:
    folder = (root / "layouts").resolve()
    path = (folder / written).resolve()
    if PurePosixPath(written).suffix != ".css":
        return f'"{written}" is not a stylesheet (name a .css file in layouts/)'
    if not path.is_relative_to(folder):
        return f'"{written}" must be a file inside the project\'s layouts/ folder'
    if not path.is_file():
        return f'"{written}" was not found in layouts/'
    return None


def _names(names) -> str:
    return ", ".join(sorted(names))


def config_line(text: str, key: str | None) -> int | None:
    """The line of a setting: `key = …` at the top, `[table]` itself, or `name = …` inside `[table]`."""
    if key is None:
        return None
    *table, name = key.split(".")
    wanted, current, table_line = ".".join(table), "", None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = re.sub(r"[\s\"']", "", header[1])
            if current == key:
                return number
            if current == wanted:
                table_line = number
        elif current == wanted and re.match(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", line):
            return number
    return table_line
