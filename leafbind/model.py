"""The document model: what a leaflet's source may say (schema) and the validated leaflet passed between
stages.

The settings of a project (leafbind.toml) are not part of it: they are `settings.py`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from markupsafe import Markup
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from .load import YamlDocument

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_PATTERN = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def shown(value: Any) -> str:
    """A value as the editor wrote it, for messages: strings quoted, the rest as YAML would show it."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and DATE_PATTERN.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("leafbind_date", "{value} is not a date (use YYYY-MM-DD)",
                              {"value": shown(value)})


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("leafbind_text", "must be text (got {value})", {"value": shown(value)})
    if not value.strip():
        raise PydanticCustomError("leafbind_blank", "is empty (write some text here)")
    return " ".join(value.split()) if "\n" not in value.strip() else value.strip()


def _one_paragraph(value: str) -> str:
    if re.search(r"\n\s*\n", value):
        raise PydanticCustomError("leafbind_paragraph", "must be one paragraph (remove the blank line)")
    return " ".join(value.split())


def _matches(pattern: re.Pattern[str], hint: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise PydanticCustomError("leafbind_pattern", "{value} " + hint, {"value": shown(value)})
        return value

    return check


def _language_tag(value: str) -> str:
    """A well-formed, registered BCP 47 tag in its standard form: "en-UK" is refused with "use en-GB"
    (langcodes knows the IANA registry: deprecated and replaced subtags, and which regions exist)."""
    import langcodes

    if not LANG_PATTERN.match(value) or not langcodes.tag_is_valid(value):
        raise PydanticCustomError("leafbind_lang", "{value} is not a language tag (use a BCP 47 tag such as "
                                  "en, en-GB, ar or zh-Hans)", {"value": shown(value)})
    standard = langcodes.standardize_tag(value)
    if standard.lower() != value.lower():
        raise PydanticCustomError("leafbind_lang", "{value} is not the standard language tag: write "
                                  '"{standard}"', {"value": shown(value), "standard": standard})
    return value


def _web_address(value: str) -> str:
    if not WEB_ADDRESS.match(value):
        raise PydanticCustomError(
            "leafbind_url", "{value} is not a web address (start it with https://)", {"value": shown(value)}
        )
    return value


Date = Annotated[date, BeforeValidator(_parse_date)]
Text = Annotated[str, BeforeValidator(_text)]
Paragraph = Annotated[str, BeforeValidator(_text), AfterValidator(_one_paragraph)]
WebAddress = Annotated[str, BeforeValidator(_text), AfterValidator(_web_address)]
Lang = Annotated[str, BeforeValidator(_text), AfterValidator(_language_tag)]
Code = Annotated[str, BeforeValidator(_text),
                 AfterValidator(_matches(CODE_PATTERN, "is not a leaflet code (letters, digits, '-', '.', "
                                                       "'/'; up to 40 characters, e.g. PIL-0042)"))]
Edition = Annotated[int, Field(strict=True, ge=1)]
LaterEdition = Annotated[int, Field(strict=True, ge=2)]  # edition 1 is recorded by `published`
Year = Annotated[int, Field(strict=True, ge=1000, le=2999)]


class Schema(BaseModel):
    """Base for source schemas: immutable, and unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceEntry(Schema):
    """One entry of a leaflet's `sources` list."""

    title: Text
    publisher: Text | None = None
    author: Text | None = None
    year: Year | None = None
    url: WebAddress | None = None
    accessed: Date | None = None


class HistoryEntry(Schema):
    """One entry of a leaflet's `history` list: a later edition, when it came out and what changed."""

    edition: LaterEdition
    date: Date
    note: Paragraph


class FrontMatter(Schema):
    """A leaflet's YAML front matter, source format version 1 (`history` is an optional later addition)."""

    title: Text
    summary: Paragraph
    authors: Annotated[list[Text], Field(min_length=1)]
    published: Date
    updated: Date | None = None
    review: Date | None = None
    edition: Edition = 1
    id: Code | None = None
    lang: Lang = "en"
    keywords: list[Text] = []
    sources: list[SourceEntry] = []
    history: list[HistoryEntry] = []
    # A translation (file leaflets/<slug>.<lang>.md) names the leaflet it was translated from, that leaflet's
    # edition it follows, who translated it and who checked it (authors.yaml keys), and when.
    translation_of: Text | None = None
    source_edition: Edition | None = None
    translated_by: list[Text] = []
    checked_by: list[Text] = []
    translated: Date | None = None


class AuthorEntry(Schema):
    """One entry of `leaflets/authors.yaml`."""

    name: Text
    credentials: Text | None = None
    bio: Paragraph
    photo: Text | None = None
    cite_as: Text | None = None


# --- The validated leaflet, as every stage after validation sees it -----------------------------------


@dataclass(frozen=True)
class Asset:
    """A file inside the project (or the built-in assets) that an output embeds: image, photo, logo, font."""

    href: str  # its name in every output (the PDF's HTML, inside the EPUB): the project path, made URL-safe
    path: Path  # the file on disk, every link resolved
    media_type: str
    digest: str = ""  # SHA-256 of the bytes that were checked: an output embeds those bytes or none


@dataclass(frozen=True)
class Author:
    key: str
    name: str
    credentials: str | None
    bio: str
    photo: Asset | None
    cite_as: str | None


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str | None
    author: str | None
    year: int | None
    url: str | None
    accessed: date | None


@dataclass(frozen=True)
class Revision:
    """A later edition as the leaflet's history records it; edition 1 is the `published` date itself."""

    edition: int
    date: date
    note: str


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str
    html: Markup


@dataclass(frozen=True)
class Translation:
    """What a translation says of its origin: the leaflet (slug) and edition it was translated from."""

    of: str
    source_edition: int
    translated_by: tuple[Author, ...]
    checked_by: tuple[Author, ...]
    translated: date | None


@dataclass(frozen=True)
class Version:
    """One language of a leaflet's family (the leaflet and its translations): its language tag, as the
    version's front matter gives it, and its slug (the file name: knee-pain, knee-pain.pl)."""

    lang: str
    slug: str


@dataclass(frozen=True)
class Leaflet:
    """One valid leaflet: everything the layouts need, nothing left to check."""

    slug: str
    path: Path
    title: str
    summary: str
    authors: tuple[Author, ...]
    published: date
    updated: date | None
    review: date | None
    edition: int
    code: str | None
    lang: str
    keywords: tuple[str, ...]
    sources: tuple[Source, ...]
    history: tuple[Revision, ...]  # oldest first, as written
    introduction: Markup
    sections: tuple[Section, ...]
    images: tuple[Asset, ...]
    origin: YamlDocument = field(compare=False, repr=False)  # front-matter lines, for later problems
    # the Markdown body as written, for the quality checks
    body: str = field(default="", compare=False, repr=False)
    body_line: int = field(default=1, compare=False, repr=False)  # the file line of its first line
    translation: Translation | None = None  # when this leaflet is a translation of another
    # Every language of its family, this one among them: the source first, then the translations by tag. Set
    # by the catalogue (catalogue.Families), which knows the other files; () when nothing looked.
    languages: tuple[Version, ...] = ()

    @property
    def family(self) -> str:
        """The slug of the leaflet this one is a language of: its own, or the one it was translated from."""
        return self.translation.of if self.translation else self.slug

    @property
    def last_changed(self) -> date:
        """The date of the current text: `updated` if given, else `published`."""
        return self.updated or self.published
