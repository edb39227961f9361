"""The page as read_webpage reads it: the file decoded as its byte order mark or charset says (refused when
too big, binary, not HTML or declaring an entity) and parsed; the Page, which every step reads and marks, and
its metadata (<meta> tags, JSON-LD, its own address); the code dropped and the article found; and the helpers
the other modules share: the kinds of tag, a link's address as the body keeps it, an element's text."""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from ..draft import ImportRefused, refuse_entities

MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_JSON_LD = 1024 * 1024

WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
INLINE_TAGS = {"span", "time", "em", "strong", "b", "i", "small", "a", "abbr", "font", "label", "mark", "u",
               "cite", "sup", "sub", "q", "bdi", "bdo", "data"}
BLOCK_TAGS = {"p", "div", "section", "article", "ul", "ol", "li", "table", "blockquote", "figure", "header",
              "footer", "aside", "main", "nav", "dl", "form", "pre", "address", *HEADINGS}


# --- Reading the file ---------------------------------------------------------------------------------------

BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", re.IGNORECASE)
# As browsers read them (the WHATWG Encoding standard): latin-1 and ASCII labels mean windows-1252, and a page
# declaring UTF-16 without a byte order mark is in fact ASCII-compatible.
CHARSET_MEANS = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-16-le": "utf-8",
                 "utf-16-be": "utf-8", "utf-32": "utf-8"}
BINARY = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")
MARKUP = re.compile(r"<(!doctype\s+html|html|head|body|article|main|div|p|h1|title)\b", re.IGNORECASE)


def page_text(path: Path) -> str:
    """The page's text, decoded as its byte order mark or declared charset says; refused when too big, binary,
    not HTML or declaring an entity."""
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            raise ImportRefused("is larger than 20 MB: a saved article is a fraction of that")
        data = path.read_bytes()
    except OSError as error:
        raise ImportRefused(f"could not be read ({error.strerror or error})") from None
    if len(data) > MAX_PAGE_BYTES:
        raise ImportRefused("is larger than 20 MB: a saved article is a fraction of that")
    refuse_entities(data, "the page")
    text = _decode(data)
    refuse_entities(text.encode("utf-8"), "the page")  # the same check for a page in UTF-16 or UTF-32
    sample = text[:65536]
    if len(BINARY.findall(sample)) > len(sample) // 100:
        raise ImportRefused("is not an HTML page: it holds binary data")
    if not MARKUP.search(text[:200_000]):
        raise ImportRefused("is not an HTML page: it has no HTML markup")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    declared = _declared_charset(data[:8192])
    if declared:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    match = CHARSET.search(head) or XML_ENCODING.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return CHARSET_MEANS.get(name, name)


# --- The page and its metadata ------------------------------------------------------------------------------

@dataclass
class Meta:
    """What the page says about itself in its <head> and JSON-LD."""

    tags: dict[str, str]  # <meta name|property> (lower case) → content: the first of each
    itemprops: dict[str, str]  # <meta itemprop> (lower case) → content
    ld: list[dict]  # JSON-LD objects describing the page: article types first, then web pages
    ld_ids: dict[str, dict]  # every JSON-LD object with an @id, for references such as {"@id": "#author"}
    base: str | None  # the page's own address (canonical link or og:url), for its relative links
    title: str  # the <title>


@dataclass
class Page:
    """The parsed page and what the steps of read_webpage learn about it."""

    path: Path
    document: Any  # the <html> element
    body: Any
    meta: Meta
    content: Any = None  # the article
    keep: set = field(default_factory=set)  # the article and the elements holding it: never dropped
    excluded: set = field(default_factory=set)  # chrome, references, author blocks: no metadata read there
    chrome: list[tuple[str, list, str]] = field(default_factory=list)  # (kind, elements, detail)
    removals: list = field(default_factory=list)  # elements read into the metadata, taken out of the body
    title_heading: Any = None
    drops: Counter = field(default_factory=Counter)  # what went that is not an element of the chrome
    handlers: set[str] = field(default_factory=set)
    byline_lines: list = field(default_factory=list)  # read by the dates: "By Jane Doe · 3 March 2026"
    inside: set = field(default_factory=set)  # every element of the article
    word_cache: dict = field(default_factory=dict)
    hidden_cache: tuple[int, set] = (0, set())
    candidates: list | None = None  # the texts that may open a date line, a byline or an author's bio
    content_length: int = 0

    @classmethod
    def parse(cls, path: Path, text: str) -> Page:
        parser = html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
        try:
            document = html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
            raise ImportRefused(f"could not be read as HTML ({error})") from None
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            # libxml2 stops at 256 nested elements and drops the rest: refused rather than cut short
            raise ImportRefused("nests its elements more than 256 deep, and could not be read whole")
        body = document.find(".//body")
        if body is None:
            raise ImportRefused("is not an HTML page: it has no body")
        return cls(path=path, document=document, body=body, meta=_read_meta(document))

    def scopes(self) -> list:
        """Where metadata is looked for: the article first, then the whole page."""
        return [self.content] if self.content is self.body else [self.content, self.body]

    def is_excluded(self, element) -> bool:
        return element in self.excluded or any(a in self.excluded for a in element.iterancestors())

    def exclude(self, elements: Iterable) -> None:
        self.excluded.update(elements)

    def in_content(self, element) -> bool:
        return element in self.inside

    def hidden(self) -> set:
        """Every element inside an excluded block (worked out again when blocks were excluded since)."""
        if self.hidden_cache[0] != len(self.excluded):
            self.hidden_cache = (len(self.excluded), {e for block in self.excluded for e in block.iter()})
        return self.hidden_cache[1]

    def outside_only(self, scope) -> bool:
        """Whether a search of `scope` is the second one, of the page around the article."""
        return scope is self.body and self.content is not self.body


def _read_meta(document) -> Meta:
    tags: dict[str, str] = {}
    itemprops: dict[str, str] = {}
    for meta in document.iter("meta"):
        content = norm(meta.get("content") or "")
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if content and key:
            tags.setdefault(key, content)
        prop = (meta.get("itemprop") or "").strip().lower()
        if content and prop:
            itemprops.setdefault(prop, content)
    ld, ids = _json_ld(document)
    base = _page_address(document, tags)
    title = norm(document.findtext(".//title") or "")
    return Meta(tags=tags, itemprops=itemprops, ld=ld, ld_ids=ids, base=base, title=title)


def _page_address(document, tags: dict[str, str]) -> str | None:
    path = ".//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    canonical = document.xpath(path)
    for address in [*canonical, tags.get("og:url", "")]:
        address = address.strip()
        if urlsplit(address).scheme.lower() in ("http", "https") and urlsplit(address).netloc:
            return address
    return None


# JSON-LD types that describe the article (rank 0) or the page holding it (rank 1)
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "medicalwebpage", "scholarlyarticle", "report",
                 "medicalscholarlyarticle", "techarticle", "reportagenewsarticle", "analysisnewsarticle",
                 "healthtopiccontent"}


def _json_ld(document) -> tuple[list[dict], dict[str, dict]]:
    objects: list[dict] = []
    for script in document.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if len(text) > MAX_JSON_LD:
            continue
        try:
            objects += _ld_objects(json.loads(text))
        except (ValueError, RecursionError):
            continue  # a page's broken JSON-LD is no reason not to import its article
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    ranked = sorted((o for o in objects if _ld_rank(o) is not None), key=_ld_rank)
    return ranked, ids


def _ld_objects(data) -> list[dict]:
    found = []
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            found.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                found += [node for node in graph if isinstance(node, dict)]
    return found


def _ld_rank(item: dict) -> int | None:
    kinds = item.get("@type")
    kinds = {k.lower() for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)}
    if kinds & ARTICLE_TYPES:
        return 0
    return 1 if "webpage" in kinds else None


def ld(meta: Meta, key: str):
    """The first value of `key` among the JSON-LD objects describing the page (references resolved)."""
    for item in meta.ld:
        value = item.get(key)
        if value not in (None, "", [], {}):
            return _ld_resolve(meta, value)
    return None


def _ld_resolve(meta: Meta, value):
    if isinstance(value, list):
        return [_ld_resolve(meta, v) for v in value]
    if isinstance(value, dict) and isinstance(value.get("@id"), str):
        return {**meta.ld_ids.get(value["@id"], {}), **value}  # {"@id": "#author"} → that object
    return value


def ld_text(meta: Meta, key: str) -> str | None:
    value = ld(meta, key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return norm(value) if isinstance(value, str) and value.strip() else None


# --- Code and the article -----------------------------------------------------------------------------------

CODE = ("script", "noscript", "style", "template", "link", "meta", "base")
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                "application/ecmascript"}


def drop_code(page: Page) -> None:
    """Scripts, styles and the <head>'s links and metadata (read already) go; event handlers are noted
    (the body is written anew with no attributes but href, src and alt)."""
    for element in list(page.document.iter(*CODE)):
        if element.tag == "script" and (element.get("type") or "").strip().lower() in SCRIPT_TYPES:
            page.drops["scripts"] += 1
        element.drop_tree()
    for element in page.document.iter():
        page.handlers.update(name.lower() for name in element.attrib if name.lower().startswith("on"))


def find_content(page: Page) -> None:
    page.content = _content_element(page.body)
    page.keep = {page.content, *page.content.iterancestors()}
    page.content_length = _text_length(page.content)
    page.inside = set(page.content.iter())


def _content_element(body):
    articles = list(body.iter("article"))
    best = max(articles, key=_text_length, default=None)
    if best is not None and _text_length(best) >= 200:
        return best
    for path in (".//main", ".//*[@role='main']", ".//*[@itemprop='articleBody']"):
        found = body.xpath(path)
        if found:
            return max(found, key=_text_length)
    densest = _densest_block(body)
    return body if densest is None else densest


def _densest_block(body):
    """The element whose paragraphs hold the most text (half of it counted for their grandparent, so that
    an article of several <section>s is found whole)."""
    scores: Counter = Counter()
    for paragraph in body.iter("p"):
        length = len(text_of(paragraph))
        parent = paragraph.getparent()
        scores[parent] += length
        if parent is not body and parent.getparent() is not None:
            scores[parent.getparent()] += length / 2
    return max(scores, key=scores.__getitem__) if scores else None


# --- Links --------------------------------------------------------------------------------------------------

def web_address(raw: str | None, base: str | None) -> str | None:
    """A link's address as the body keeps it: http(s), mailto: or tel:, a relative one made absolute against
    the page's own address; None to unwrap the link, "" for a link that runs a script."""
    address = re.sub(r"[\t\n\r]", "", (raw or "")).strip("".join(map(chr, range(33))))
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in ("javascript", "vbscript"):
        return ""
    if scheme in ("http", "https"):
        return address.replace(" ", "%20") if parts.netloc else None
    if scheme in ("mailto", "tel"):
        return address
    if scheme or not address or address.startswith("#"):
        return None
    if address.startswith("//"):
        return "https:" + address.replace(" ", "%20")
    return web_address(urljoin(base, address), None) if base else None


# --- Text ---------------------------------------------------------------------------------------------------

def norm(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def text_of(element) -> str:
    return norm(element.text_content())


def _text_length(element) -> int:
    return len(text_of(element))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
