"""The people: the authors the byline names (a link marked rel=author, itemprop author, a byline class or a
line "By …"), with their credentials, and the "About the author" blocks that give their bios, taken out of the
article; else the authors of the JSON-LD or the author meta tag."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..draft import Draft, Person
from .blocks import line_of, removable_line, section_of, text_nodes, walk
from .chrome import words_of
from .page import BLOCK_TAGS, HEADINGS, INLINE_TAGS, Meta, Page, ld, norm, shorten, text_of

TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "rev", "nurse"}
PARTICLES = ("van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "ibn")
CREDENTIAL = re.compile(r"^[A-Z][A-Za-z]{0,7}(?:\s?\([A-Za-z ]{1,20}\))?$")
BYLINE_START = re.compile(r"^\s*(?:(?:written|words|article)\s+by|by|author)\b\s*:?\s*", re.IGNORECASE)
BYLINE_END = re.compile(r"\s*(?:[|·•\n]|\s[–—-]\s|\b(?:updated|published|reviewed|last|posted|on)\b|\d).*$",
                        re.IGNORECASE | re.DOTALL)
BYLINE_WORDS = re.compile(r"\b(byline|bylines|by line|author|authors|author name|authorname|writer|"
                          r"contributors?)\b")
BIO_WORDS = re.compile(r"\b(author ?bio|authorbio|about ?(?:the )?authors?|bio|biography|author ?(?:box|info|"
                       r"card|profile|description|details|about))\b")
ABOUT = re.compile(r"^\s*about\s", re.IGNORECASE)
BIO_LABEL = re.compile(r"^\W*about\s+(?:the\s+)?(?P<who>.{2,80}?)\W*$", re.IGNORECASE)
BIO_START = re.compile(r"^(?P<name>(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z][\w'’-]+"
                       r"(?:\s+[A-Z][\w'’-]+){1,3})\s+(?:is|has|was|works|leads|trained|qualified)\b")


@dataclass
class _Named:
    name: str
    credentials: str | None
    origin: str
    bio: str | None = None


def read_people(page: Page, draft: Draft) -> None:
    blocks = _bio_blocks(page, [])  # "About the author" blocks, before the byline is looked for outside them
    bylines = _bylines(page)
    blocks += _bio_blocks(page, [b.name for b in bylines])  # "About Dr Priya Nair"
    people = list(bylines)
    for elements, label, who in blocks:
        _merge(people, _bio_person(page, draft, elements, label, who, bylines))
        page.removals += elements
    if not people:
        people = _ld_people(page.meta) or _meta_author(page.meta)
    draft.people = [Person(name=p.name, bio=p.bio or _ld_bio(page.meta, p.name), credentials=p.credentials,
                           origin=p.origin) for p in people]


def _merge(people: list[_Named], found: _Named | None) -> None:
    if found is None:
        return
    for i, person in enumerate(people):
        if _name_key(person.name) == _name_key(found.name):
            people[i] = replace(person, bio=found.bio, credentials=person.credentials or found.credentials,
                                origin=f"{person.origin} and {found.origin}")
            return
    people.append(found)


def _name_key(name: str) -> str:
    words = [w for w in re.findall(r"[\w'’-]+", name.lower()) if w not in TITLES]
    return " ".join(words)


def _names(text: str) -> list[tuple[str, str | None]]:
    """The people a byline names: "By Dr Priya Nair, RN, MSc and Tom Reid | Updated …" →
    [("Dr Priya Nair", "RN, MSc"), ("Tom Reid", None)]; [] when it names no one recognisably."""
    text = BYLINE_END.sub("", BYLINE_START.sub("", norm(text)))
    people: list[list] = []
    for chunk in re.split(r"\s*(?:;|&|\band\b)\s*", text):
        for part in (p.strip(" .:") for p in chunk.split(",")):
            if people and _is_credential(part):
                people[-1][1].append(part)
            elif _is_name(part):
                people.append([part, []])
            elif part:
                return [(name, ", ".join(creds) or None) for name, creds in people]
    return [(name, ", ".join(creds) or None) for name, creds in people]


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or not words[0][:1].isupper():
        return False
    return all(w in PARTICLES or (w[0].isupper() and all(c.isalpha() or c in "'’.-" for c in w))
               for w in words)


def _is_credential(text: str) -> bool:
    return bool(CREDENTIAL.match(text)) and sum(c.isupper() for c in text) >= 2


def _bylines(page: Page) -> list[_Named]:
    for scope in page.scopes():
        for finder in (_rel_author, _itemprop_author, _class_byline, _by_line):
            found = finder(scope, page)
            if found:
                return found
    return []


def _from_line(page: Page, text: str, line, origin: str) -> list[_Named]:
    named = [_Named(name, credentials, origin) for name, credentials in _names(text)]
    if named:
        removable_line(page, line)
        page.byline_lines.append(line)
    return named


def _rel_author(scope, page: Page) -> list[_Named]:
    found: list[_Named] = []
    for link in scope.xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        if not page.is_excluded(link):
            found += _from_line(page, text_of(link), line_of(link), "the byline (a link marked rel=author)")
    return found


def _itemprop_author(scope, page: Page) -> list[_Named]:
    found: list[_Named] = []
    for element in scope.xpath(".//*[@itemprop='author']"):
        if page.is_excluded(element):
            continue
        named = element.xpath(".//*[@itemprop='name']")
        text = element.get("content") or (text_of(named[0]) if named else text_of(element))
        found += _from_line(page, text, line_of(element), "the byline (itemprop author)")
    return found


def _class_byline(scope, page: Page) -> list[_Named]:
    for element in walk(scope, page, BLOCK_TAGS | INLINE_TAGS, second=True):
        words = words_of(element, page)
        if not words or not BYLINE_WORDS.search(words) or BIO_WORDS.search(words):
            continue
        if len(text_of(element)) <= 200:
            found = _from_line(page, text_of(element), element, "the byline")
            if found:
                return found
    return []


def _by_line(scope, page: Page) -> list[_Named]:
    """A line that starts "By …" (or "Written by", "Author:") and names people."""
    for _, owner in text_nodes(scope, page, BYLINE_START):
        line = line_of(owner)
        text = text_of(line)
        if len(text) <= 200 and BYLINE_START.match(text):
            found = _from_line(page, text, line, f'the line "{BYLINE_END.sub("", text)}"')
            if found:
                return found
    return []


def _bio_blocks(page: Page, names: list[str]) -> list[tuple[list, Any, str]]:
    """(elements, label, who) of each "About the author" block: by a label ("About the author", or "About"
    and a byline's name or a title), else by a class such as author-bio."""
    keys = {_name_key(name) for name in names}
    for scope in page.scopes():
        blocks = _bio_by_label(scope, page, keys)
        if not names:
            blocks += _bio_by_class(scope, page)
        if blocks:
            return blocks
    return []


def _bio_by_label(scope, page: Page, keys: set[str]) -> list[tuple[list, Any, str]]:
    blocks = []
    for _, owner in text_nodes(scope, page, ABOUT):
        if page.is_excluded(owner):
            continue  # excluded meanwhile
        label = line_of(owner)
        match = BIO_LABEL.match(text_of(label))
        who = match.group("who") if match else ""
        if not match or not _names_someone(who, keys):
            continue
        elements = section_of(label, page) if label not in page.keep else [label]
        page.exclude(elements)
        blocks.append((elements, label, "" if re.match(r"authors?$", who, re.IGNORECASE) else who))
    return blocks


def _names_someone(who: str, keys: set[str]) -> bool:
    if re.match(r"authors?$", who, re.IGNORECASE):
        return not keys  # the first look, before the byline is read
    names = _names(who)
    return bool(keys) and bool(names) and (_name_key(names[0][0]) in keys
                                           or who.split()[0].lower().rstrip(".") in TITLES)


def _bio_by_class(scope, page: Page) -> list[tuple[list, Any, str]]:
    blocks = []
    for element in walk(scope, page, BLOCK_TAGS, second=True):
        if element in page.keep or not BIO_WORDS.search(words_of(element, page)) or page.is_excluded(element):
            continue
        if len(text_of(element)) >= 60:
            page.exclude([element])
            blocks.append(([element], None, ""))
    return blocks


def _bio_person(page: Page, draft: Draft, elements: list, label, who: str,
                bylines: list[_Named]) -> _Named | None:
    bio = _bio_text(elements, label)
    named = _names(who) or _bio_name(elements, label, bio, bylines)
    if not named:
        draft.todo.append('add the author of the "About the author" block by hand: it names no one '
                          f'("{shorten(bio, 80)}")')
        return None
    return _Named(named[0][0], named[0][1], 'the "About the author" block', bio or None)


def _bio_text(elements: list, label) -> str:
    """The block's paragraphs as one paragraph of plain text (the label left out)."""
    paragraphs = [p for element in elements for p in element.iter("p")
                  if p is not label and (label is None or label not in p.iterancestors())]
    texts = [text_of(p) for p in paragraphs]
    if not any(texts):
        texts = [text_of(element) for element in elements if element is not label]
        if label is not None and texts:
            texts[0] = texts[0].replace(text_of(label), "", 1)
    bio = norm(" ".join(texts))
    return re.sub(r"^about (?:the )?authors?\W*", "", bio, flags=re.IGNORECASE)


def _bio_name(elements: list, label, bio: str, bylines: list[_Named]) -> list[tuple[str, str | None]]:
    for element in elements:
        for bold in element.iter("strong", "b", *HEADINGS):
            named = _names(text_of(bold)) if bold is not label else []
            if named and len(named[0][0].split()) >= 2:
                return named
    for person in bylines:
        surname = _name_key(person.name).split()[-1:]
        if surname and surname[0] in bio.lower():
            return [(person.name, person.credentials)]
    match = BIO_START.match(bio)
    return [(match.group("name"), None)] if match else []


def _ld_authors(meta: Meta) -> list[dict]:
    value = ld(meta, "author")
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            item = {"name": item}
        kinds = item.get("@type") if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(item.get("name"), str) and kinds != "Organization":
            found.append(item)
    return found


def _ld_people(meta: Meta) -> list[_Named]:
    people = []
    for item in _ld_authors(meta):
        for name, credentials in _names(item["name"]) or [(norm(item["name"]), None)]:
            suffix = item.get("honorificSuffix")
            credentials = credentials or (suffix if isinstance(suffix, str) else None)
            people.append(_Named(name, credentials, "JSON-LD author"))
    return people


def _ld_bio(meta: Meta, name: str) -> str | None:
    for item in _ld_authors(meta):
        if _name_key(item["name"]) == _name_key(name) and isinstance(item.get("description"), str):
            return norm(item["description"]) or None
    return None


def _meta_author(meta: Meta) -> list[_Named]:
    text = meta.tags.get("author", "")
    return [_Named(name, credentials, "meta author") for name, credentials in _names(text)]
