"""The body: the article, once its chrome and what was read into the metadata are removed, written anew as the
Draft's semantic HTML (only p, h2–h4, lists, tables, links, strong, em, blockquote, br and images; no
attributes but href, src and alt), with the text of its first paragraph for a summary."""

from __future__ import annotations

import re

from lxml import etree, html

from ..draft import Draft
from .images import Images
from .page import BLOCK_TAGS, HEADINGS, WHITESPACE, Page, text_of, web_address

FLOW, MIXED, INLINE = "flow", "mixed", "inline"  # what an element of the new body may hold
PARAGRAPHS = {"p", "figcaption", "pre", "dt", "dd", "caption", "summary", "legend"}
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "center", "address",
              "details", "figure", "hgroup", "fieldset", "dl", "picture", "tr", "td", "th", "tbody",
              "thead", "tfoot", "nav", "search", "body"}
MAX_NESTING = 40
REFERENCE_MARK = re.compile(r"^\[?(\d+(?:\s*[,–-]\s*\d+)*)\]?$")


class BodyWriter:
    """The article's elements mapped onto the Draft's few: text loose in a block becomes a paragraph, divs
    and spans are unwrapped, headings are ranked h2–h4, links and images checked."""

    def __init__(self, page: Page, draft: Draft) -> None:
        self.page, self.draft = page, draft
        self.images = Images(page, draft)
        self.open: dict = {}  # a block of the new body → its paragraph still open for loose text
        self.depth = 0  # how deep in the article the writer is
        self.ranks = _heading_ranks(page.content)

    def write(self, content) -> tuple[str, str | None]:
        """The body's HTML, and its first paragraph's text (for a summary)."""
        body = html.Element("div")
        self.children(content, body)
        _tidy(body)
        lead = next((text_of(p) for p in body.iter("p")
                     if len(text_of(p)) >= 60 and p.find(".//img") is None), None)
        parts = [html.tostring(child, encoding="unicode", with_tail=False) for child in body]
        return "\n".join(parts), lead

    def children(self, source, out) -> None:
        self.depth += 1
        self.text(source.text, out)
        for child in source:
            if isinstance(child.tag, str):
                self.element(child, out)
            self.text(child.tail, out)
        self.depth -= 1

    def text(self, text: str | None, out) -> None:
        if not text:
            return
        text = WHITESPACE.sub(" ", text)
        if _mode(out) == FLOW:
            if not text.strip():
                return
            out = self.paragraph(out)
        _append_text(out, text)

    def paragraph(self, out):
        """The paragraph open in `out` for loose text and inline elements (opened when there is none)."""
        paragraph = self.open.get(out)
        if paragraph is None or paragraph.getparent() is not out or len(out) and out[-1] is not paragraph:
            paragraph = etree.SubElement(out, "p")
            self.open[out] = paragraph
        return paragraph

    def close(self, out) -> None:
        self.open.pop(out, None)

    def element(self, element, out) -> None:
        tag = element.tag
        # Deeper than MAX_NESTING, elements are unwrapped, in two Python frames a level (their handlers take
        # more): a page nested so deep is broken, and its text is what can be saved.
        handler = _HANDLERS.get(tag) if self.depth < MAX_NESTING or tag in ("img", "br") else None
        if handler:
            handler(self, element, out)
        elif tag == "hr":
            self.close(out)
        elif tag in CONTAINERS or tag in BLOCK_TAGS:  # as container() does, without a frame more
            flow = _mode(out) == FLOW
            if flow:
                self.close(out)
            self.children(element, out)
            if flow:
                self.close(out)
            else:
                _append_text(out, " ")
        else:
            self.children(element, out)  # span, font, small, abbr …: unwrapped

    def container(self, element, out) -> None:
        if _mode(out) == FLOW:
            self.close(out)
            self.children(element, out)
            self.close(out)
        else:
            self.children(element, out)
            _append_text(out, " ")

    def block(self, element, out, tag: str = "p") -> None:
        if _mode(out) == INLINE:
            self.children(element, out)
            _append_text(out, " ")
            return
        self.close(out)
        self.children(element, etree.SubElement(out, tag))
        self.close(out)

    def paragraph_element(self, element, out) -> None:
        self.block(element, out, "p")

    def heading(self, element, out) -> None:
        if _mode(out) != FLOW:
            self.inline(element, out, "strong")
        else:
            self.block(element, out, self.ranks.get(element.tag, "h4"))

    def quote(self, element, out) -> None:
        self.block(element, out, "blockquote")

    def listing(self, element, out) -> None:
        if _mode(out) == INLINE:
            self.container(element, out)
            return
        self.close(out)
        listing = etree.SubElement(out, element.tag)
        self.loose(element.text, listing)
        for child in element:
            if isinstance(child.tag, str):
                if child.tag == "li":
                    self.children(child, self.item(listing, new=True))
                else:
                    self.element(child, self.item(listing, new=child.tag not in ("ul", "ol")))
            self.loose(child.tail, listing)

    def loose(self, text: str | None, listing) -> None:
        """Text loose in a list, between its items: it goes in the item before it."""
        if text and text.strip():
            self.text(text, self.item(listing, new=False))

    def item(self, listing, new: bool):
        """A new <li> of `listing`, or its last one."""
        return listing[-1] if len(listing) and not new else etree.SubElement(listing, "li")

    def table(self, element, out) -> None:
        if _mode(out) == INLINE or element.xpath(".//table|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
            self.container(element, out)  # a table laying out a page, not a table of data
            return
        self.close(out)
        caption = element.find("caption")
        if caption is not None:
            self.block(caption, out)
        table = etree.SubElement(out, "table")
        head = element.xpath("./thead/tr")
        rows = element.xpath("./tr|./tbody/tr|./tfoot/tr")
        for group, group_rows in (("thead", head), ("tbody", rows)):
            if group_rows:
                self.rows(group_rows, etree.SubElement(table, group))

    def rows(self, rows: list, group) -> None:
        for row in rows:
            new_row = etree.SubElement(group, "tr")
            for cell in row:
                if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                    self.children(cell, etree.SubElement(new_row, cell.tag))

    def inline(self, element, out, tag: str) -> None:
        target = self.paragraph(out) if _mode(out) == FLOW else out
        if tag in (target.tag, *(a.tag for a in target.iterancestors())) or target.tag in ("h2", "h3", "h4"):
            self.children(element, target)  # no <strong> in <strong>, nor in a heading
        else:
            self.children(element, etree.SubElement(target, tag))

    def strong(self, element, out) -> None:
        self.inline(element, out, "strong")

    def emphasis(self, element, out) -> None:
        self.inline(element, out, "em")

    def link(self, element, out) -> None:
        href = self.href(element.get("href"))
        target = self.paragraph(out) if _mode(out) == FLOW else out
        if href is None or any(a.tag == "a" for a in (target, *target.iterancestors())):
            self.children(element, target)
        else:
            self.children(element, etree.SubElement(target, "a", href=href))

    def href(self, raw: str | None) -> str | None:
        address = web_address(raw, self.page.meta.base)
        if address == "":
            self.page.drops["script links"] += 1
            return None
        return address

    def image(self, element, out) -> None:
        image = self.images.element(element)
        if image is not None:
            (self.paragraph(out) if _mode(out) == FLOW else out).append(image)

    def line_break(self, element, out) -> None:
        if _mode(out) != FLOW:
            etree.SubElement(out, "br")
            return
        paragraph = self.open.get(out)
        if paragraph is None:
            return
        if len(paragraph) and paragraph[-1].tag == "br" and not (paragraph[-1].tail or "").strip():
            paragraph.remove(paragraph[-1])  # two line breaks: a new paragraph
            self.close(out)
        else:
            etree.SubElement(paragraph, "br")

    def superscript(self, element, out) -> None:
        """A reference mark ("1", "[2,3]") kept as "[1]"; other superscripts as plain text."""
        match = REFERENCE_MARK.match(text_of(element))
        if match:
            self.text(f"[{match.group(1)}]", out)
        else:
            self.children(element, out)


_HANDLERS = {
    **dict.fromkeys(PARAGRAPHS, BodyWriter.paragraph_element),
    **dict.fromkeys(HEADINGS, BodyWriter.heading),
    "ul": BodyWriter.listing, "ol": BodyWriter.listing, "li": BodyWriter.paragraph_element,
    "table": BodyWriter.table, "blockquote": BodyWriter.quote,
    "strong": BodyWriter.strong, "b": BodyWriter.strong,
    "em": BodyWriter.emphasis, "i": BodyWriter.emphasis,
    "a": BodyWriter.link, "img": BodyWriter.image, "br": BodyWriter.line_break,
    "sup": BodyWriter.superscript,
}


def _mode(out) -> str:
    if out.tag in ("div", "blockquote"):
        return FLOW
    return MIXED if out.tag == "li" else INLINE


def _heading_ranks(content) -> dict[str, str]:
    """The article's heading levels, highest first, as h2, h3 and h4 (deeper ones h4 too): an article whose
    sections are headed <h3> has them as <h2>."""
    levels = sorted({h.tag for h in content.iter(*HEADINGS) if text_of(h)})
    return {tag: ("h2", "h3")[i] if i < 2 else "h4" for i, tag in enumerate(levels)}


def _append_text(element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _tidy(body) -> None:
    """Whitespace trimmed at the edges of blocks, empty elements and stray line breaks removed, and a list
    item's lone paragraph unwrapped."""
    for element in list(body.iter("p", "h2", "h3", "h4", "li", "td", "th", "blockquote")):
        _trim_edges(element)
    for element in reversed(list(body.iterdescendants())):
        if element.tag in ("br", "img", "td", "th", "tr"):
            continue
        if not text_of(element) and element.find(".//img") is None:
            element.drop_tree()
    for item in body.iter("li"):
        if len(item) == 1 and item[0].tag == "p" and not (item.text or "").strip() \
                and not (item[0].tail or "").strip():
            item[0].drop_tag()


def _trim_edges(element) -> None:
    while len(element) and element[0].tag == "br" and not (element.text or "").strip():
        element.text = (element.text or "") + (element[0].tail or "")
        element.remove(element[0])
    while len(element) and element[-1].tag == "br" and not (element[-1].tail or "").strip():
        element.remove(element[-1])
    element.text = (element.text or "").lstrip() or None
    if len(element):
        element[-1].tail = (element[-1].tail or "").rstrip() or None
    elif element.text:
        element.text = element.text.rstrip()
