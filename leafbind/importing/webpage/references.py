"""The references: the lists under a heading such as "References" or "Sources", or with such a class, whose
entries mostly give a year, a link or a DOI; each entry read into a Reference (title, author or publisher,
year, address), and the lists taken out of the article."""

from __future__ import annotations

import re

from ..draft import Draft, Reference
from .blocks import heading_like, section_of, walk
from .chrome import REFERENCE_LIST_WORDS, words_of
from .page import HEADINGS, Page, norm, text_of, web_address
from .people import PARTICLES

REFERENCES_HEADING = re.compile(r"\b(references|reference list|sources|bibliography|further reading)\b",
                                re.IGNORECASE)
YEAR = re.compile(r"(?<![\d.])([12]\d{3})(?![\d])")
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]+")
ADDRESS_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
YEAR_IN_BRACKETS = re.compile(r"\s*\([12]\d{3}[a-z]?\)[.,:]?\s+")  # "Ear Trust (2021) Tinnitus at night."
DOI = re.compile(r"\bdoi:?\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)
ACCESSED = re.compile(r"\b(?:accessed|retrieved|viewed|cited|available (?:at|from|online))\b[^.;\]]*",
                      re.IGNORECASE)
REF_NUMBER = re.compile(r"^\s*(?:\[\d+\]|\d+[.)]|\^|↑)\s*")
GENERIC_LINK = {"link", "here", "online", "website", "full text", "pdf", "doi", "available online",
                "read more", "view", "view article", "read", "source", "web page"}


def read_sources(page: Page, draft: Draft) -> None:
    for scope in page.scopes():
        blocks = _reference_blocks(scope, page)
        if blocks:
            break
    for elements, lists in blocks:
        for item in (li for listing in lists for li in listing.iterchildren("li")):
            reference = _reference(item, page)
            if reference:
                draft.sources.append(reference)
        page.removals += elements


def _reference_blocks(scope, page: Page) -> list[tuple[list, list]]:
    """The references lists: under a heading such as "References" or "Sources", or with such a class."""
    blocks = []
    for heading in walk(scope, page, [*HEADINGS, "p", "div"], second=True):
        text = text_of(heading) if heading_like(heading) else ""
        if not text or len(text) > 60 or not REFERENCES_HEADING.search(text) or page.is_excluded(heading):
            continue
        section = section_of(heading, page)
        lists = _top_lists(section)
        if lists and _looks_like_references(lists):
            blocks.append((_up_to_lists(section, lists), lists))
            page.exclude(blocks[-1][0])
    for listing in walk(scope, page, ["ol", "ul"], second=True):
        if REFERENCE_LIST_WORDS.search(words_of(listing, page)) and not page.is_excluded(listing) \
                and _looks_like_references([listing]):
            blocks.append(([listing], [listing]))
            page.exclude([listing])
    return blocks


def _top_lists(section: list) -> list:
    lists = [listing for element in section for listing in element.iter("ol", "ul")]
    found = set(lists)
    return [listing for listing in lists if not any(a in found for a in listing.iterancestors())]


def _up_to_lists(section: list, lists: list) -> list:
    """The block without what follows its last list (a section's container is taken whole)."""
    if len(section) == 1:
        return section
    last = max(i for i, element in enumerate(section)
               if any(element is listing or element in listing.iterancestors() for listing in lists))
    return section[:last + 1]


def _looks_like_references(lists: list) -> bool:
    """Half the entries or more give a year, a link or a DOI: not a list of tips under "Sources of help"."""
    items = [li for listing in lists for li in listing.iterchildren("li")]
    telling = [li for li in items if YEAR.search(text_of(li)) or DOI.search(text_of(li))
               or li.xpath(".//a[starts-with(normalize-space(@href), 'http')]")]
    return bool(items) and 2 * len(telling) >= len(items)


def _reference(item, page: Page) -> Reference | None:
    for link in item.xpath(".//a[starts-with(normalize-space(@href), '#')]"):
        if len(text_of(link)) <= 3:
            link.drop_tree()  # a back-link to the text: "↑", "^", "a"
    text = REF_NUMBER.sub("", text_of(item))
    if not text:
        return None
    title = _reference_title(item, text)
    at = text.find(title)
    before, after = (text[:at], text[at + len(title):]) if at >= 0 else ("", "")
    author, publisher = _reference_maker(before, after)
    return Reference(title=title, author=author, publisher=publisher, year=_reference_year(text),
                     url=_reference_url(item, text, page))


def _reference_title(item, text: str) -> str:
    for element in item.iter("cite", "em", "i"):
        title = _clean_title(text_of(element))
        if len(title) >= 3:
            return title
    segments = _segments(text)
    if len(segments) >= 2 and _looks_like_people(segments[0]):
        return _clean_title(segments[1])  # "Smith J, Jones K. Title. Journal. 2023"
    for link in item.iter("a"):
        title = _clean_title(text_of(link))
        if len(title) >= 3 and not URL_IN_TEXT.match(title) and title.lower() not in GENERIC_LINK:
            return title
    return _clean_title(max(segments, key=len)) if segments else _clean_title(text)


def _segments(text: str) -> list[str]:
    """An entry's "sentences", without addresses, DOIs, access dates and bare years."""
    text = YEAR_IN_BRACKETS.sub(". ", ACCESSED.sub("", DOI.sub("", ADDRESS_IN_TEXT.sub("", text))))
    parts = (part.strip(" .,;:[]()") for part in re.split(r"(?<=[.?!])\s+", text))
    return [part for part in parts if re.search(r"[^\W\d_]{2}", part)]


def _clean_title(text: str) -> str:
    return text.strip(" .,;:\"'“”‘’")


def _reference_maker(before: str, after: str) -> tuple[str | None, str | None]:
    """(author, publisher): what comes before the title, people or an organisation; else the first segment
    after it ("High blood pressure. NHS. 2024." → publisher NHS)."""
    maker = _clean_maker(before)
    if not maker:
        maker = next((segment for segment in _segments(after) if len(segment) <= 80), None)
        maker = _clean_maker(maker or "")
    if not maker:
        return None, None
    return (maker, None) if _looks_like_people(maker) else (None, maker)


def _clean_maker(text: str) -> str | None:
    text = re.sub(r"\(?\b[12]\d{3}[a-z]?\b\)?", "", ACCESSED.sub("", text))
    text = norm(text).strip(" .,;:–-")
    return text if 2 <= len(text) <= 150 else None


def _looks_like_people(text: str) -> bool:
    """"Smith J, Jones K" or "Nair P et al": surnames with initials, no other lower-case words."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    lower = [w for w in words if w[0].islower() and w not in ("and", "et", "al", *PARTICLES)]
    return bool(words) and not lower and bool(re.search(r"\b[A-Z][a-z'’-]+,? [A-Z]{1,3}\b(?![a-z])|et al",
                                                       text))


def _reference_year(text: str) -> int | None:
    match = YEAR.search(ACCESSED.sub("", DOI.sub("", ADDRESS_IN_TEXT.sub("", text))))
    return int(match.group(1)) if match else None


def _reference_url(item, text: str, page: Page) -> str | None:
    for href in item.xpath(".//a/@href"):
        url = web_address(href, page.meta.base)
        if url and url.startswith(("http://", "https://")):
            return url
    if match := URL_IN_TEXT.search(text):
        return match.group(0).rstrip(".,;)]")
    if match := DOI.search(text):
        return "https://doi.org/" + match.group(1).rstrip(".,;)]")
    return None
