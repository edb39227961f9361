"""Problems an editor can fix, reported as `file:line: field: message` without a traceback."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Characters shown by name in messages rather than as themselves: a terminal would act on a control character
# (a NUL or an escape cuts the message short) and an invisible one can't be seen.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                       "\u2060-\u2064\ufeff\ufffe\uffff]")
CONTROL_NAMES = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed",
                 0x1B: "escape", 0x7F: "delete", 0x85: "next line"}


def plural(count: int, noun: str) -> str:
    """A count with its noun, for messages: "1 day", "2 days"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def visible(character: str) -> str:
    """A character as a message shows it: U+000B (vertical tab)."""
    code = ord(character)
    name = CONTROL_NAMES.get(code) or unicodedata.name(character, "control character").lower()
    return f"U+{code:04X} ({name})"


def _safe(text: str) -> str:
    return INVISIBLE.sub(lambda match: f"<{visible(match.group())}>", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f"{self.field}: " if self.field else ""
        return _safe(f"{where}: {field}{self.message}")


class LeafbindError(Exception):
    """An error caused by the project's input, shown to the user without a traceback."""

    def __str__(self) -> str:
        return _safe(super().__str__())


class ProblemReport(LeafbindError):
    """Every problem found in one or more files, collected before stopping."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# Names editors reach for, from other tools (Hugo's baseURL, Jekyll's url, Pandoc's date and tags …), mapped
# to the name leafbind uses: suggested only where that name is one of the known ones.
SYNONYMS = {
    "base_url": "website", "baseurl": "website", "url": "website", "site": "website", "site_url": "website",
    "homepage": "website", "web": "website", "web_address": "website", "domain": "website",
    "organization": "organisation", "org": "organisation", "clinic": "organisation", "trust": "organisation",
    "color": "accent", "colour": "accent", "accent_color": "accent", "accent_colour": "accent",
    "brand_color": "accent", "brand_colour": "accent", "theme_color": "accent", "theme_colour": "accent",
    "paper": "page_size", "paper_size": "page_size", "papersize": "page_size", "pagesize": "page_size",
    "logo_path": "logo", "citations": "citation_styles", "citation_style": "citation_styles",
    "styles": "citation_styles", "contacts": "contact",
    "description": "summary", "abstract": "summary", "excerpt": "summary", "intro": "summary",
    "author": "authors", "by": "authors", "byline": "authors", "writers": "authors", "creator": "authors",
    "date": "published", "pubdate": "published", "published_on": "published", "date_published": "published",
    "created": "published", "first_published": "published",
    "modified": "updated", "last_updated": "updated", "lastmod": "updated", "date_modified": "updated",
    "revised": "updated", "updated_on": "updated",
    "review_date": "review", "next_review": "review", "review_by": "review", "review_due": "review",
    "version": "edition", "revision": "edition",
    "code": "id", "leaflet_code": "id", "reference": "id",
    "language": "lang", "locale": "lang",
    "tags": "keywords", "keyword": "keywords", "categories": "keywords", "subjects": "keywords",
    "references": "sources", "bibliography": "sources",
    "changelog": "history", "changes": "history",
    "link": "url", "href": "url", "address": "url", "accessed_on": "accessed", "retrieved": "accessed",
    "access_date": "accessed", "biography": "bio", "about": "bio", "image": "photo", "picture": "photo",
    "avatar": "photo", "headshot": "photo", "qualifications": "credentials", "role": "credentials",
    "job_title": "credentials",
}


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """' (did you mean "website"?)' for an unknown name: a synonym from another tool, or a close spelling."""
    known = list(known)
    written = str(name)
    synonym = SYNONYMS.get(written.lower().replace("-", "_"))
    if synonym in known:
        return f' (did you mean "{synonym}"?)'
    close = (difflib.get_close_matches(written, known, n=1) or
             difflib.get_close_matches(written.lower(), known, n=1))
    return f' (did you mean "{close[0]}"?)' if close else ""
