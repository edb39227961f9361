"""The page's blocks and lines, as the readers of the chrome and the metadata walk them: the block a heading
opens (its container, or it and its siblings up to the next heading), the elements of a scope outside the
excluded blocks, the texts that may open a date line, a byline or an author's bio, and the line an element
sits in, taken out of the article once read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from .page import BLOCK_TAGS, HEADINGS, INLINE_TAGS, Page, text_of


def _level(element) -> int:
    return int(element.tag[1]) if element.tag in HEADINGS else 7


def heading_like(element) -> bool:
    """A heading, or a paragraph of bold text alone acting as one ("<p><strong>References</strong></p>")."""
    if element.tag in HEADINGS:
        return True
    if element.tag not in ("p", "div") or len(element) != 1 or element[0].tag not in ("strong", "b"):
        return False
    return not (element.text or "").strip() and not (element[0].tail or "").strip()


def section_of(heading, page: Page) -> list:
    """The block a heading opens: its container when the heading leads one of its own, else the heading and
    its following siblings up to the next heading of its level or above."""
    parent = heading.getparent()
    if parent is not None and parent not in page.keep and parent.tag not in ("body", "html") \
            and _leads(heading, parent):
        return [parent]
    block = [heading]
    for sibling in heading.itersiblings():
        if isinstance(sibling.tag, str) and _opens_block(sibling, _level(heading)):
            break
        block.append(sibling)
    return block


def _leads(heading, parent) -> bool:
    if (parent.text or "").strip() or any(text_of(s) for s in heading.itersiblings(preceding=True)):
        return False
    level = _level(heading)
    return not any(_level(h) <= level for h in parent.iter(*HEADINGS) if h is not heading)


def _opens_block(element, level: int) -> bool:
    if element.tag in HEADINGS or heading_like(element):
        return _level(element) <= level or level == 7
    return any(_level(h) <= level for h in element.iter(*HEADINGS))


def walk(scope, page: Page, tags: Iterable[str], second: bool = False) -> Iterator:
    """The elements of `scope` with one of `tags`, in document order, leaving out excluded blocks (as they
    were when the walk began: a caller that excludes blocks as it goes checks page.is_excluded) and, in a
    `second` search (of page.scopes()), the article searched first."""
    hidden, outside = page.hidden(), second and page.outside_only(scope)
    for element in scope.iter(*tags):
        if element not in hidden and not (outside and element in page.inside):
            yield element


# A text that may be part of a date line, a byline or an "About the author" label
CANDIDATE_TEXT = re.compile(r"updated|published|reviewed|modified|posted"
                            r"|^\s*(?:by|written by|words by|author:|about)\s", re.IGNORECASE)


def text_nodes(scope, page: Page, pattern: re.Pattern) -> Iterator[tuple[str, Any]]:
    """(text, element holding it) for the texts of `scope` matching `pattern`, outside excluded blocks and, in
    the second search, the article."""
    outside = page.outside_only(scope)
    for text, owner in _candidate_texts(page):
        if pattern.search(text) and not page.is_excluded(owner) \
                and (owner not in page.inside if outside else owner in page.inside or scope is page.body):
            yield text, owner


def _candidate_texts(page: Page) -> list[tuple[str, Any]]:
    """The page's texts (an element's own text, or the tail after it) that CANDIDATE_TEXT matches, with the
    element holding each: gathered in one pass, for the searches for date lines, bylines and bios."""
    if page.candidates is None:
        page.candidates = []
        for element in page.body.iter(etree.Element):
            if element.text and CANDIDATE_TEXT.search(element.text):
                page.candidates.append((element.text, element))
            parent = element.getparent()
            if element.tail and parent is not None and CANDIDATE_TEXT.search(element.tail):
                page.candidates.append((element.tail, parent))
    return page.candidates


def line_of(element):
    """The block (paragraph, div, list item …) an inline element sits in: a "line" of the page."""
    while element.tag in INLINE_TAGS and element.getparent() is not None:
        element = element.getparent()
    return element


def removable_line(page: Page, line) -> None:
    """Take a byline or date line out of the article, when it is a short line of its own."""
    if page.in_content(line) and line is not page.content and len(text_of(line)) <= 200 \
            and not any(d.tag in BLOCK_TAGS for d in line.iterdescendants()):
        page.removals.append(line)
