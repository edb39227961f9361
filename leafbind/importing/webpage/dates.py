"""The dates: `find_date` reads the first date written in a text, and the page's publication and update
dates are read from its metadata (meta tags, itemprops, JSON-LD), its <time> elements, its byline and its
visible date lines ("Updated 14 March 2026", "Page last reviewed: 3 March 2026"), which are taken out of the
article."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from ..draft import Dated, Draft
from .blocks import line_of, removable_line, text_nodes
from .page import Page, ld, norm, shorten, text_of

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
          "nov": 11, "dec": 12}
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = (r"(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# The forms a date is read in: ISO, "3 March 2026" / "3rd of Mar 2026", "March 3, 2026" / "Mar 3 2026".
# Numeric day/month forms (03/04/2026) are left out: they mean 3 April in Britain and 4 March in the US.
DATE_FORMS = (re.compile(r"\b(?P<y>\d{4})-(?P<mn>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
              re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
              re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE))
WEEKDAY = re.compile(r"^\s*(?:on\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:the\s+)?",
                     re.IGNORECASE)
# A date line's word: at the start of a text, or after a separator ("By Jane Doe | Updated 3 March 2026")
DATE_LINE = re.compile(r"(?:^|[|·•–—/])\s*(?P<kind>(?:page\s+)?(?:last\s+|first\s+)?(?:updated|published"
                       r"|reviewed|modified|posted))(?:\s+on)?\s*:?\s*", re.IGNORECASE)
DATE_WORDS = re.compile(r"updated|published|reviewed|modified|posted", re.IGNORECASE)
LINE_KINDS = {"updated": "updated", "modified": "updated", "published": "published", "posted": "published",
              "reviewed": "reviewed"}
PUBLISHED_META = ("article:published_time", "og:published_time", "citation_publication_date",
                  "dcterms.issued", "dcterms.created", "dc.date.issued", "dc.date", "date", "publish-date",
                  "pubdate")
UPDATED_META = ("article:modified_time", "og:updated_time", "dcterms.modified", "dc.date.modified",
                "last-modified", "revised")


def find_date(text: str, at_start: bool = False) -> tuple[date, str] | None:
    """The first date written in `text` (at its very start when `at_start`, after a weekday), and the words
    it is written in; None when there is none or it is no day of the calendar."""
    offset = WEEKDAY.match(text).end() if at_start else 0
    found = (form.match(text, offset) if at_start else form.search(text) for form in DATE_FORMS)
    matches = [match for match in found if match]
    for match in sorted(matches, key=lambda m: m.start()):
        month = int(match.group("mn")) if "mn" in match.groupdict() else MONTHS[match.group("m")[:3].lower()]
        try:
            value = date(int(match.group("y")), month, int(match.group("d")))
        except ValueError:
            continue
        if 1900 <= value.year <= 2100:
            return value, match.group(0)
    return None


def read_dates(page: Page, draft: Draft) -> None:
    lines = _date_lines(page)
    published = _first_date(_meta_date(page, PUBLISHED_META), _itemprop_date(page, "datePublished"),
                            _ld_date(page, "datePublished"), lines.get("published"), _bare_time(page),
                            _byline_date(page))
    updated = _first_date(_meta_date(page, UPDATED_META), _itemprop_date(page, "dateModified"),
                          _ld_date(page, "dateModified"), lines.get("updated"), lines.get("reviewed"))
    if published and updated and updated.value < published.value:
        draft.todo.append(f"check the dates: the page says it was updated on {updated.value} "
                          f"({updated.origin}), before it was published on {published.value} "
                          f"({published.origin}); the updated date was left out")
        updated = None
    draft.published, draft.updated = published, updated


def _first_date(*found: Dated | None) -> Dated | None:
    return next((dated for dated in found if dated is not None), None)


def _dated(value: str | None, origin: str) -> Dated | None:
    found = find_date(value) if value else None
    return Dated(found[0], origin) if found else None


def _meta_date(page: Page, keys: Iterable[str]) -> Dated | None:
    return _first_date(*(_dated(page.meta.tags.get(key), f"meta {key}") for key in keys))


def _itemprop_date(page: Page, prop: str) -> Dated | None:
    origin = f"itemprop {prop}"
    if prop.lower() in page.meta.itemprops:
        return _dated(page.meta.itemprops[prop.lower()], origin)
    for scope in page.scopes():
        for element in scope.xpath(".//*[@itemprop=$prop]", prop=prop):
            if not page.is_excluded(element):
                return _dated(element.get("datetime") or element.get("content") or text_of(element), origin)
    return None


def _ld_date(page: Page, key: str) -> Dated | None:
    value = ld(page.meta, key)
    return _dated(value, f"JSON-LD {key}") if isinstance(value, str) else None


def _bare_time(page: Page) -> Dated | None:
    """A <time datetime> in no dated line: the article's publication, most likely."""
    for scope in page.scopes():
        for element in scope.iter("time"):
            if element.get("datetime") and not page.is_excluded(element) and not _in_date_line(element):
                return _dated(element.get("datetime"), "<time datetime>")
    return None


def _byline_date(page: Page) -> Dated | None:
    """A date on the byline's line, with no word before it: when the article was published."""
    for line in page.byline_lines:
        text = norm(" ".join(line.itertext()))
        found = find_date(text)
        if found:
            return Dated(found[0], f'the byline "{shorten(text, 80)}"')
    return None


def _in_date_line(element) -> bool:
    return bool(DATE_LINE.search(" ".join(line_of(element).itertext())))


def _date_lines(page: Page) -> dict[str, Dated]:
    """Visible lines such as "Updated 14 March 2026" or "Page last reviewed: 3 March 2026", by kind
    (published, updated, reviewed); each line is taken out of the article."""
    found: dict[str, Dated] = {}
    for scope in page.scopes():
        for text, owner in text_nodes(scope, page, DATE_WORDS):
            line = line_of(owner)
            for kind, dated in _dates_in_line(text, line):
                found.setdefault(kind, dated)
                removable_line(page, line)
    return found


def _dates_in_line(text: str, line) -> Iterator[tuple[str, Dated]]:
    line_text = norm(" ".join(line.itertext()))
    if len(line_text) > 200:
        return
    for match in DATE_LINE.finditer(text):
        words = norm(match.group("kind"))
        after = text[match.end():]
        if not after.strip():  # "Updated <time>14 March 2026</time>": the date is in the next element
            after = line_text[line_text.find(words) + len(words):] if words in line_text else ""
            after = after.lstrip(" :")
        found = find_date(after, at_start=True) or _line_time(line)
        if found:
            kind = LINE_KINDS[words.lower().split()[-1]]
            shown = norm(text[match.start("kind"):match.end()])  # as written: "Posted on", "Last reviewed:"
            yield kind, Dated(found[0], f'the line "{shown} {found[1]}"')


def _line_time(line) -> tuple[date, str] | None:
    for element in line.iter("time"):
        found = find_date(element.get("datetime") or "")
        if found:
            return found[0], text_of(element) or found[1]
    return None
