"""A saved web page read into a Draft: `read_webpage(path)`.

A page saved from a browser ("Web page, complete": the .html file and a folder of images beside it) is parsed
with lxml's HTML parser (no network, no comments or processing instructions, no entities: a page that declares
one is refused). Then, in this order:

1. the page's metadata is read while the page is whole: <meta> tags, JSON-LD, <link rel=canonical>, <title>;
2. scripts, styles and the like go, and the article is found: the <article> with the most text, else <main>,
   else [itemprop=articleBody], else the block with the most paragraph text;
3. the page's chrome is marked (navigation, adverts, share buttons, cite boxes, comments …, by tag, ARIA role,
   the words of class/id/aria-label/data-* values, or a heading such as "Related articles"), never the article
   or an element holding it;
4. the title, language, references, authors (byline and "About the author" block) and dates are read, from
   the article first and then the rest of the page, leaving out the chrome;
5. the chrome, the references, the author blocks, the byline and date lines are removed from the article and
   what remains is written anew as the Draft's semantic HTML (only p, h2–h4, lists, tables, links, strong,
   em, blockquote, br and images; no attributes but href, src and alt).

Images are read only from files inside the page's own folder (symlinks resolved), decoded in full by Pillow;
an image on the web, in a data: address, outside the folder or unreadable becomes a `todo` line. Nothing is
fetched and nothing is written.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree, html

from .draft import Dated, Draft, Image, ImportRefused, Person, Reference, refuse_entities

MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # as the asset gate (assets.py): a full-page photo at 300 dpi is 9 megapixels
MAX_JSON_LD = 1024 * 1024
RASTER = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}  # Pillow's format → the file's suffix

WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
INLINE_TAGS = {"span", "time", "em", "strong", "b", "i", "small", "a", "abbr", "font", "label", "mark", "u",
               "cite", "sup", "sub", "q", "bdi", "bdo", "data"}
BLOCK_TAGS = {"p", "div", "section", "article", "ul", "ol", "li", "table", "blockquote", "figure", "header",
              "footer", "aside", "main", "nav", "dl", "form", "pre", "address", *HEADINGS}


# --- The public function ------------------------------------------------------------------------------------

def read_webpage(path: Path) -> Draft:
    """Read a saved web page (and the images saved beside it) into a Draft. Raise ImportRefused, with the
    reason only, when the file is not imported: too big, not HTML, declaring an entity."""
    text = _page_text(path)
    try:
        return _read(path, text)
    except RecursionError:
        raise ImportRefused("nests its elements too deeply to be read") from None


def _read(path: Path, text: str) -> Draft:
    page = _Page.parse(path, text)
    draft = Draft(origin=path, kind="web page")
    _drop_code(page)
    _find_content(page)
    _find_chrome(page)
    _read_title(page, draft)
    _read_lang(page, draft)
    _read_sources(page, draft)
    _read_people(page, draft)
    _read_dates(page, draft)
    draft.keywords = _keywords(page.meta)
    _apply_removals(page)
    draft.body_html, lead = _BodyWriter(page, draft).write(page.content)
    _read_summary(page, draft, lead)
    draft.dropped = page.dropped_lines()
    return draft


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


def _page_text(path: Path) -> str:
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
class _Meta:
    """What the page says about itself in its <head> and JSON-LD."""

    tags: dict[str, str]  # <meta name|property> (lower case) → content: the first of each
    itemprops: dict[str, str]  # <meta itemprop> (lower case) → content
    ld: list[dict]  # JSON-LD objects describing the page: article types first, then web pages
    ld_ids: dict[str, dict]  # every JSON-LD object with an @id, for references such as {"@id": "#author"}
    base: str | None  # the page's own address (canonical link or og:url), for its relative links
    title: str  # the <title>


@dataclass
class _Page:
    """The parsed page and what the steps of read_webpage learn about it."""

    path: Path
    document: Any  # the <html> element
    body: Any
    meta: _Meta
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
    def parse(cls, path: Path, text: str) -> _Page:
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

    def dropped_lines(self) -> list[str]:
        return _dropped_lines(self)


def _read_meta(document) -> _Meta:
    tags: dict[str, str] = {}
    itemprops: dict[str, str] = {}
    for meta in document.iter("meta"):
        content = _norm(meta.get("content") or "")
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if content and key:
            tags.setdefault(key, content)
        prop = (meta.get("itemprop") or "").strip().lower()
        if content and prop:
            itemprops.setdefault(prop, content)
    ld, ids = _json_ld(document)
    base = _page_address(document, tags)
    title = _norm(document.findtext(".//title") or "")
    return _Meta(tags=tags, itemprops=itemprops, ld=ld, ld_ids=ids, base=base, title=title)


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


def _ld(meta: _Meta, key: str):
    """The first value of `key` among the JSON-LD objects describing the page (references resolved)."""
    for item in meta.ld:
        value = item.get(key)
        if value not in (None, "", [], {}):
            return _ld_resolve(meta, value)
    return None


def _ld_resolve(meta: _Meta, value):
    if isinstance(value, list):
        return [_ld_resolve(meta, v) for v in value]
    if isinstance(value, dict) and isinstance(value.get("@id"), str):
        return {**meta.ld_ids.get(value["@id"], {}), **value}  # {"@id": "#author"} → that object
    return value


def _ld_text(meta: _Meta, key: str) -> str | None:
    value = _ld(meta, key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _norm(value) if isinstance(value, str) and value.strip() else None


# --- Code and the article -----------------------------------------------------------------------------------

CODE = ("script", "noscript", "style", "template", "link", "meta", "base")
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                "application/ecmascript"}


def _drop_code(page: _Page) -> None:
    """Scripts, styles and the <head>'s links and metadata (read already) go; event handlers are noted
    (the body is written anew with no attributes but href, src and alt)."""
    for element in list(page.document.iter(*CODE)):
        if element.tag == "script" and (element.get("type") or "").strip().lower() in SCRIPT_TYPES:
            page.drops["scripts"] += 1
        element.drop_tree()
    for element in page.document.iter():
        page.handlers.update(name.lower() for name in element.attrib if name.lower().startswith("on"))


def _find_content(page: _Page) -> None:
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
        length = len(_text(paragraph))
        parent = paragraph.getparent()
        scores[parent] += length
        if parent is not body and parent.getparent() is not None:
            scores[parent.getparent()] += length / 2
    return max(scores, key=scores.__getitem__) if scores else None


# --- Chrome -------------------------------------------------------------------------------------------------

# The words of an element's class, id, aria-label and data-* values (split on - _ space and camelCase) that
# mark it as chrome, in the order they are tried (a "cookie-banner" is a cookie banner, not an advert).
CHROME_WORDS = (
    ("cookie", r"cookies?|consent|gdpr|cmp|onetrust|cookiebot"),
    ("cite", r"cite|citation|cite this|how to cite"),
    ("share", r"share|shares|sharing|sharebar|sharethis|addthis|print|printer|social (?:share|sharing|links?"
              r"|icons?|media|buttons?|bar|follow)"),
    ("newsletter", r"newsletters?|subscribe|subscription|signup|sign up|mailing list"),
    ("related", r"related\w*|recommended|recommendations?|read next|more stories|most read|trending"
                r"|you may also like|also like"),
    ("comments", r"comments?|disqus|comment list|responses"),
    ("popup", r"popup|pop up|modal|interstitial|paywall"),
    ("adverts", r"ad|ads|advert|adverts|advertisement|advertisements|advertising|adsbygoogle|adslot|adunit"
                r"|ad\d+|dfp|sponsored|sponsor|promo|promoted|banner|outbrain|taboola"),
    ("navigation", r"nav|navbar|navigation|menu|menus|breadcrumbs?|crumbs|skip link|skiplink|skip to content"
                   r"|pagination|pager|toc|table of contents|on this page"),
)
CHROME_PATTERNS = [(kind, re.compile(rf"\b(?:{words})\b")) for kind, words in CHROME_WORDS]
CHROME_TAGS = {"nav": "navigation", "form": "forms", "input": "forms", "select": "forms", "textarea": "forms",
               "button": "buttons", "dialog": "popup", "iframe": "media", "embed": "media",
               "object": "media", "video": "media", "audio": "media", "canvas": "media", "svg": "media",
               "map": "media"}
CHROME_ROLES = {"navigation": "navigation", "search": "forms", "dialog": "popup", "alertdialog": "popup"}
# Headings that open a block of chrome when the block has no telling class.
CHROME_HEADINGS = (
    ("cite", r"cite this(?: article| page)?|how to cite(?: this(?: article| page)?)?|citation"),
    ("related", r"related(?: articles| stories| content| pages| posts| reading| topics)?|you (?:may|might) "
                r"also (?:like|be interested in)|recommended(?: for you| articles| reading)?|read (?:this )?"
                r"next|more (?:stories|articles) (?:from|like this)|most (?:read|popular)"
                r"|popular (?:articles|posts|stories)"),
    ("comments", r"(?:\d+ )?(?:comments?|responses?|leave a (?:reply|comment)|join the (?:discussion|"
                 r"conversation)|discussion)"),
    ("share", r"share(?: this(?: article| page| story)?)?"),
    ("newsletter", r"(?:sign up|subscribe)\b.*|.*\bnewsletters?\b.*"),
)
CHROME_HEADING_PATTERNS = [(kind, re.compile(rf"^\W*(?:{words})\W*$", re.IGNORECASE))
                           for kind, words in CHROME_HEADINGS]
AD_LABEL = re.compile(r"^\W*(advertisement|advert|ad|sponsored(?: content)?)\W*$", re.IGNORECASE)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Kinds of chrome whose metadata is still read (a page header holding the title, an aside with the author's
# bio), and whose insides are still searched for chrome of other kinds.
SOFT_CHROME = {"page header", "sidebars"}
# A list of references, by its class, is not a citation box
REFERENCE_LIST_WORDS = re.compile(r"\b(references?|citations|bibliography|reference list|ref list"
                                  r"|footnotes)\b")
CAMEL = re.compile(r"([a-z0-9])([A-Z])")
PLAIN_VALUE = re.compile(r"[\w -]{1,40}")


def _find_chrome(page: _Page) -> None:
    stack = [page.body]
    while stack:
        element = stack.pop()
        kind = None if element in page.keep else _chrome_kind(element, page)
        if kind:
            _add_chrome(page, kind, [element])
        if kind is None or kind in SOFT_CHROME:
            stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    _find_chrome_headings(page)


def _add_chrome(page: _Page, kind: str, elements: list) -> None:
    detail = elements[0].tag if kind == "media" else _cite_label(elements) if kind == "cite" else ""
    page.chrome.append((kind, elements, detail))
    if kind not in SOFT_CHROME:
        page.exclude(elements)


def _chrome_kind(element, page: _Page) -> str | None:
    tag = element.tag
    if tag in CHROME_TAGS:
        return CHROME_TAGS[tag]
    if element.get("hidden") is not None or HIDDEN_STYLE.search(element.get("style") or ""):
        return "hidden"
    role = (element.get("role") or "").strip().lower()
    if role in CHROME_ROLES:
        return CHROME_ROLES[role]
    kind = _chrome_by_words(element, page)
    if kind:
        return kind
    if tag in ("header", "footer", "aside") or role in ("banner", "contentinfo", "complementary"):
        return _landmark_kind(element, tag, role)
    if tag in ("p", "span", "div") and len(element) == 0 and AD_LABEL.match(element.text or ""):
        return "adverts"
    return None


def _chrome_by_words(element, page: _Page) -> str | None:
    words = _words(element, page)
    if element.tag in ("ol", "ul") and REFERENCE_LIST_WORDS.search(words):
        return None
    kind = next((kind for kind, pattern in CHROME_PATTERNS if pattern.search(words)), None)
    if any(name.startswith(("data-ad-", "data-google-query")) for name in element.attrib):
        kind = "adverts"
    if kind == "share" and len(_text(element)) > 300:
        return None  # a "print" or "social" word on a block of text: not a widget
    if kind and kind != "comments" and _holds_much(element, page):
        return None  # never the article's own text, whatever its wrapper is called
    return kind


def _holds_much(element, page: _Page) -> bool:
    return len(_text(element)) > page.content_length / 2


def _landmark_kind(element, tag: str, role: str) -> str | None:
    """<header>, <footer> and <aside> outside any article are the site's (inside one, they are its own)."""
    ancestors = list(element.iterancestors())
    if any(a.tag == "article" or a.get("itemprop") == "articleBody" for a in ancestors):
        return None
    if tag == "header" or role == "banner":
        in_main = any(a.tag == "main" or a.get("role") == "main" for a in ancestors)
        return "page header" if in_main else "site header"
    return "site footer" if tag == "footer" or role == "contentinfo" else "sidebars"


def _words(element, page: _Page) -> str:
    """The element's class, id, aria-label and short data-* values as lower-case words."""
    if element not in page.word_cache:
        page.word_cache[element] = _attribute_words(element)
    return page.word_cache[element]


def _attribute_words(element) -> str:
    values = [element.get("class"), element.get("id"), element.get("aria-label")]
    values += [value for name, value in element.attrib.items()
               if name.startswith("data-") and PLAIN_VALUE.fullmatch(value)]
    joined = CAMEL.sub(r"\1 \2", " ".join(v for v in values if v))
    return " ".join(re.split(r"[-_\s]+", joined.lower())).strip()


def _find_chrome_headings(page: _Page) -> None:
    for heading in list(_walk(page.body, page, HEADINGS)):
        if page.is_excluded(heading) or heading in page.keep:
            continue
        text = _text(heading)
        kind = next((k for k, pattern in CHROME_HEADING_PATTERNS if len(text) <= 80 and pattern.match(text)),
                    None)
        if kind:
            _add_chrome(page, kind, _section_of(heading, page))


def _cite_label(elements: list) -> str:
    for element in elements:
        for heading in element.iter(*HEADINGS, "strong", "b"):
            text = _text(heading)
            if CHROME_HEADING_PATTERNS[0][1].match(text):
                return text
    return ""


# --- Blocks: a heading and what it heads --------------------------------------------------------------------

def _level(element) -> int:
    return int(element.tag[1]) if element.tag in HEADINGS else 7


def _heading_like(element) -> bool:
    """A heading, or a paragraph of bold text alone acting as one ("<p><strong>References</strong></p>")."""
    if element.tag in HEADINGS:
        return True
    if element.tag not in ("p", "div") or len(element) != 1 or element[0].tag not in ("strong", "b"):
        return False
    return not (element.text or "").strip() and not (element[0].tail or "").strip()


def _section_of(heading, page: _Page) -> list:
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
    if (parent.text or "").strip() or any(_text(s) for s in heading.itersiblings(preceding=True)):
        return False
    level = _level(heading)
    return not any(_level(h) <= level for h in parent.iter(*HEADINGS) if h is not heading)


def _opens_block(element, level: int) -> bool:
    if element.tag in HEADINGS or _heading_like(element):
        return _level(element) <= level or level == 7
    return any(_level(h) <= level for h in element.iter(*HEADINGS))


def _walk(scope, page: _Page, tags: Iterable[str], second: bool = False) -> Iterator:
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


def _text_nodes(scope, page: _Page, pattern: re.Pattern) -> Iterator[tuple[str, Any]]:
    """(text, element holding it) for the texts of `scope` matching `pattern`, outside excluded blocks and, in
    the second search, the article."""
    outside = page.outside_only(scope)
    for text, owner in _candidate_texts(page):
        if pattern.search(text) and not page.is_excluded(owner) \
                and (owner not in page.inside if outside else owner in page.inside or scope is page.body):
            yield text, owner


def _candidate_texts(page: _Page) -> list[tuple[str, Any]]:
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


def _line_of(element):
    """The block (paragraph, div, list item …) an inline element sits in: a "line" of the page."""
    while element.tag in INLINE_TAGS and element.getparent() is not None:
        element = element.getparent()
    return element


def _removable_line(page: _Page, line) -> None:
    """Take a byline or date line out of the article, when it is a short line of its own."""
    if page.in_content(line) and line is not page.content and len(_text(line)) <= 200 \
            and not any(d.tag in BLOCK_TAGS for d in line.iterdescendants()):
        page.removals.append(line)


# --- Title, language, keywords, summary ---------------------------------------------------------------------

TITLE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?:\||-|–|—|::|·)\s+(?P<site>[^|–—:·]{1,60})$")


def _read_title(page: _Page, draft: Draft) -> None:
    heading = next((h for h in _walk(page.content, page, ["h1"]) if _text(h)), None)
    origin = "the article's <h1>"
    if heading is None:
        heading = next((h for h in _walk(page.body, page, ["h1"]) if _text(h)), None)
        origin = "the page's <h1>"
    if heading is not None:
        page.title_heading = heading
        draft.title, draft.title_from = _text(heading), origin
        if page.in_content(heading):
            page.removals.append(heading)
        return
    meta = page.meta
    for value, origin in ((meta.tags.get("og:title"), "meta og:title"),
                          (_ld_text(meta, "headline"), "JSON-LD headline"),
                          (_strip_site(meta.title), "the page's <title>")):
        if value:
            draft.title, draft.title_from = value, origin
            return


def _strip_site(title: str) -> str:
    """"Living with tinnitus | Healthy Ears" → "Living with tinnitus": the site's name after the last bar or
    dash, when it is the shorter part."""
    match = TITLE_SUFFIX.match(title)
    if match and len(match.group("site")) < len(match.group("title")):
        return match.group("title").strip()
    return title


def _read_lang(page: _Page, draft: Draft) -> None:
    root = page.document
    lang = root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    locale = page.meta.tags.get("og:locale", "").replace("_", "-")
    for value, origin in ((lang, "<html lang>"), (_ld_text(page.meta, "inLanguage"), "JSON-LD inLanguage"),
                          (locale, "meta og:locale")):
        if value and value.strip():
            draft.lang, draft.lang_from = value.strip(), origin
            return


def _keywords(meta: _Meta) -> list[str]:
    value = meta.tags.get("keywords") or _ld(meta, "keywords") or []
    items = re.split(r"[,;]", value) if isinstance(value, str) else value
    keywords: list[str] = []
    for item in items if isinstance(items, list) else []:
        word = _norm(item) if isinstance(item, str) else ""
        if word and len(word) <= 60 and word.lower() not in {k.lower() for k in keywords}:
            keywords.append(word)
    return keywords


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")


def _read_summary(page: _Page, draft: Draft, lead: str | None) -> None:
    meta = page.meta
    for value, origin in ((meta.tags.get("description"), "meta description"),
                          (meta.tags.get("og:description"), "meta og:description"),
                          (_ld_text(meta, "description"), "JSON-LD description")):
        if value:
            draft.summary, draft.summary_from = value, origin
            return
    if lead:
        draft.summary, draft.summary_from = _lead_sentences(lead), "the article's first paragraph"
        draft.todo.append("check the summary: the page gives no description, so it is the first sentences "
                          "of the article's first paragraph")


def _lead_sentences(text: str, limit: int = 300) -> str:
    sentences = SENTENCE_END.split(text)
    summary = sentences[0]
    if len(sentences) > 1 and len(summary) + 1 + len(sentences[1]) <= limit:
        summary += " " + sentences[1]
    if len(summary) > limit:
        summary = summary[:limit - 1].rsplit(" ", 1)[0] + "…"
    return summary


# --- Dates --------------------------------------------------------------------------------------------------

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


def _read_dates(page: _Page, draft: Draft) -> None:
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


def _meta_date(page: _Page, keys: Iterable[str]) -> Dated | None:
    return _first_date(*(_dated(page.meta.tags.get(key), f"meta {key}") for key in keys))


def _itemprop_date(page: _Page, prop: str) -> Dated | None:
    origin = f"itemprop {prop}"
    if prop.lower() in page.meta.itemprops:
        return _dated(page.meta.itemprops[prop.lower()], origin)
    for scope in page.scopes():
        for element in scope.xpath(".//*[@itemprop=$prop]", prop=prop):
            if not page.is_excluded(element):
                return _dated(element.get("datetime") or element.get("content") or _text(element), origin)
    return None


def _ld_date(page: _Page, key: str) -> Dated | None:
    value = _ld(page.meta, key)
    return _dated(value, f"JSON-LD {key}") if isinstance(value, str) else None


def _bare_time(page: _Page) -> Dated | None:
    """A <time datetime> in no dated line: the article's publication, most likely."""
    for scope in page.scopes():
        for element in scope.iter("time"):
            if element.get("datetime") and not page.is_excluded(element) and not _in_date_line(element):
                return _dated(element.get("datetime"), "<time datetime>")
    return None


def _byline_date(page: _Page) -> Dated | None:
    """A date on the byline's line, with no word before it: when the article was published."""
    for line in page.byline_lines:
        text = _norm(" ".join(line.itertext()))
        found = find_date(text)
        if found:
            return Dated(found[0], f'the byline "{_shorten(text, 80)}"')
    return None


def _in_date_line(element) -> bool:
    return bool(DATE_LINE.search(" ".join(_line_of(element).itertext())))


def _date_lines(page: _Page) -> dict[str, Dated]:
    """Visible lines such as "Updated 14 March 2026" or "Page last reviewed: 3 March 2026", by kind
    (published, updated, reviewed); each line is taken out of the article."""
    found: dict[str, Dated] = {}
    for scope in page.scopes():
        for text, owner in _text_nodes(scope, page, DATE_WORDS):
            line = _line_of(owner)
            for kind, dated in _dates_in_line(text, line):
                found.setdefault(kind, dated)
                _removable_line(page, line)
    return found


def _dates_in_line(text: str, line) -> Iterator[tuple[str, Dated]]:
    line_text = _norm(" ".join(line.itertext()))
    if len(line_text) > 200:
        return
    for match in DATE_LINE.finditer(text):
        words = _norm(match.group("kind"))
        after = text[match.end():]
        if not after.strip():  # "Updated <time>14 March 2026</time>": the date is in the next element
            after = line_text[line_text.find(words) + len(words):] if words in line_text else ""
            after = after.lstrip(" :")
        found = find_date(after, at_start=True) or _line_time(line)
        if found:
            kind = LINE_KINDS[words.lower().split()[-1]]
            shown = _norm(text[match.start("kind"):match.end()])  # as written: "Posted on", "Last reviewed:"
            yield kind, Dated(found[0], f'the line "{shown} {found[1]}"')


def _line_time(line) -> tuple[date, str] | None:
    for element in line.iter("time"):
        found = find_date(element.get("datetime") or "")
        if found:
            return found[0], _text(element) or found[1]
    return None


# --- References ---------------------------------------------------------------------------------------------

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


def _read_sources(page: _Page, draft: Draft) -> None:
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


def _reference_blocks(scope, page: _Page) -> list[tuple[list, list]]:
    """The references lists: under a heading such as "References" or "Sources", or with such a class."""
    blocks = []
    for heading in _walk(scope, page, [*HEADINGS, "p", "div"], second=True):
        text = _text(heading) if _heading_like(heading) else ""
        if not text or len(text) > 60 or not REFERENCES_HEADING.search(text) or page.is_excluded(heading):
            continue
        section = _section_of(heading, page)
        lists = _top_lists(section)
        if lists and _looks_like_references(lists):
            blocks.append((_up_to_lists(section, lists), lists))
            page.exclude(blocks[-1][0])
    for listing in _walk(scope, page, ["ol", "ul"], second=True):
        if REFERENCE_LIST_WORDS.search(_words(listing, page)) and not page.is_excluded(listing) \
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
    telling = [li for li in items if YEAR.search(_text(li)) or DOI.search(_text(li))
               or li.xpath(".//a[starts-with(normalize-space(@href), 'http')]")]
    return bool(items) and 2 * len(telling) >= len(items)


def _reference(item, page: _Page) -> Reference | None:
    for link in item.xpath(".//a[starts-with(normalize-space(@href), '#')]"):
        if len(_text(link)) <= 3:
            link.drop_tree()  # a back-link to the text: "↑", "^", "a"
    text = REF_NUMBER.sub("", _text(item))
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
        title = _clean_title(_text(element))
        if len(title) >= 3:
            return title
    segments = _segments(text)
    if len(segments) >= 2 and _looks_like_people(segments[0]):
        return _clean_title(segments[1])  # "Smith J, Jones K. Title. Journal. 2023"
    for link in item.iter("a"):
        title = _clean_title(_text(link))
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
    text = _norm(text).strip(" .,;:–-")
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


def _reference_url(item, text: str, page: _Page) -> str | None:
    for href in item.xpath(".//a/@href"):
        url = _web_address(href, page.meta.base)
        if url and url.startswith(("http://", "https://")):
            return url
    if match := URL_IN_TEXT.search(text):
        return match.group(0).rstrip(".,;)]")
    if match := DOI.search(text):
        return "https://doi.org/" + match.group(1).rstrip(".,;)]")
    return None


# --- People: the byline and the "About the author" block ----------------------------------------------------

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


def _read_people(page: _Page, draft: Draft) -> None:
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
    text = BYLINE_END.sub("", BYLINE_START.sub("", _norm(text)))
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


def _bylines(page: _Page) -> list[_Named]:
    for scope in page.scopes():
        for finder in (_rel_author, _itemprop_author, _class_byline, _by_line):
            found = finder(scope, page)
            if found:
                return found
    return []


def _from_line(page: _Page, text: str, line, origin: str) -> list[_Named]:
    named = [_Named(name, credentials, origin) for name, credentials in _names(text)]
    if named:
        _removable_line(page, line)
        page.byline_lines.append(line)
    return named


def _rel_author(scope, page: _Page) -> list[_Named]:
    found: list[_Named] = []
    for link in scope.xpath(".//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        if not page.is_excluded(link):
            found += _from_line(page, _text(link), _line_of(link), "the byline (a link marked rel=author)")
    return found


def _itemprop_author(scope, page: _Page) -> list[_Named]:
    found: list[_Named] = []
    for element in scope.xpath(".//*[@itemprop='author']"):
        if page.is_excluded(element):
            continue
        named = element.xpath(".//*[@itemprop='name']")
        text = element.get("content") or (_text(named[0]) if named else _text(element))
        found += _from_line(page, text, _line_of(element), "the byline (itemprop author)")
    return found


def _class_byline(scope, page: _Page) -> list[_Named]:
    for element in _walk(scope, page, BLOCK_TAGS | INLINE_TAGS, second=True):
        words = _words(element, page)
        if not words or not BYLINE_WORDS.search(words) or BIO_WORDS.search(words):
            continue
        if len(_text(element)) <= 200:
            found = _from_line(page, _text(element), element, "the byline")
            if found:
                return found
    return []


def _by_line(scope, page: _Page) -> list[_Named]:
    """A line that starts "By …" (or "Written by", "Author:") and names people."""
    for _, owner in _text_nodes(scope, page, BYLINE_START):
        line = _line_of(owner)
        text = _text(line)
        if len(text) <= 200 and BYLINE_START.match(text):
            found = _from_line(page, text, line, f'the line "{BYLINE_END.sub("", text)}"')
            if found:
                return found
    return []


def _bio_blocks(page: _Page, names: list[str]) -> list[tuple[list, Any, str]]:
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


def _bio_by_label(scope, page: _Page, keys: set[str]) -> list[tuple[list, Any, str]]:
    blocks = []
    for _, owner in _text_nodes(scope, page, ABOUT):
        if page.is_excluded(owner):
            continue  # excluded meanwhile
        label = _line_of(owner)
        match = BIO_LABEL.match(_text(label))
        who = match.group("who") if match else ""
        if not match or not _names_someone(who, keys):
            continue
        elements = _section_of(label, page) if label not in page.keep else [label]
        page.exclude(elements)
        blocks.append((elements, label, "" if re.match(r"authors?$", who, re.IGNORECASE) else who))
    return blocks


def _names_someone(who: str, keys: set[str]) -> bool:
    if re.match(r"authors?$", who, re.IGNORECASE):
        return not keys  # the first look, before the byline is read
    names = _names(who)
    return bool(keys) and bool(names) and (_name_key(names[0][0]) in keys
                                           or who.split()[0].lower().rstrip(".") in TITLES)


def _bio_by_class(scope, page: _Page) -> list[tuple[list, Any, str]]:
    blocks = []
    for element in _walk(scope, page, BLOCK_TAGS, second=True):
        if element in page.keep or not BIO_WORDS.search(_words(element, page)) or page.is_excluded(element):
            continue
        if len(_text(element)) >= 60:
            page.exclude([element])
            blocks.append(([element], None, ""))
    return blocks


def _bio_person(page: _Page, draft: Draft, elements: list, label, who: str,
                bylines: list[_Named]) -> _Named | None:
    bio = _bio_text(elements, label)
    named = _names(who) or _bio_name(elements, label, bio, bylines)
    if not named:
        draft.todo.append('add the author of the "About the author" block by hand: it names no one '
                          f'("{_shorten(bio, 80)}")')
        return None
    return _Named(named[0][0], named[0][1], 'the "About the author" block', bio or None)


def _bio_text(elements: list, label) -> str:
    """The block's paragraphs as one paragraph of plain text (the label left out)."""
    paragraphs = [p for element in elements for p in element.iter("p")
                  if p is not label and (label is None or label not in p.iterancestors())]
    texts = [_text(p) for p in paragraphs]
    if not any(texts):
        texts = [_text(element) for element in elements if element is not label]
        if label is not None and texts:
            texts[0] = texts[0].replace(_text(label), "", 1)
    bio = _norm(" ".join(texts))
    return re.sub(r"^about (?:the )?authors?\W*", "", bio, flags=re.IGNORECASE)


def _bio_name(elements: list, label, bio: str, bylines: list[_Named]) -> list[tuple[str, str | None]]:
    for element in elements:
        for bold in element.iter("strong", "b", *HEADINGS):
            named = _names(_text(bold)) if bold is not label else []
            if named and len(named[0][0].split()) >= 2:
                return named
    for person in bylines:
        surname = _name_key(person.name).split()[-1:]
        if surname and surname[0] in bio.lower():
            return [(person.name, person.credentials)]
    match = BIO_START.match(bio)
    return [(match.group("name"), None)] if match else []


def _ld_authors(meta: _Meta) -> list[dict]:
    value = _ld(meta, "author")
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            item = {"name": item}
        kinds = item.get("@type") if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(item.get("name"), str) and kinds != "Organization":
            found.append(item)
    return found


def _ld_people(meta: _Meta) -> list[_Named]:
    people = []
    for item in _ld_authors(meta):
        for name, credentials in _names(item["name"]) or [(_norm(item["name"]), None)]:
            suffix = item.get("honorificSuffix")
            credentials = credentials or (suffix if isinstance(suffix, str) else None)
            people.append(_Named(name, credentials, "JSON-LD author"))
    return people


def _ld_bio(meta: _Meta, name: str) -> str | None:
    for item in _ld_authors(meta):
        if _name_key(item["name"]) == _name_key(name) and isinstance(item.get("description"), str):
            return _norm(item["description"]) or None
    return None


def _meta_author(meta: _Meta) -> list[_Named]:
    text = meta.tags.get("author", "")
    return [_Named(name, credentials, "meta author") for name, credentials in _names(text)]


# --- Removing what was read and the chrome ------------------------------------------------------------------

def _apply_removals(page: _Page) -> None:
    header = _article_header(page)
    for element in [e for _, elements, _ in page.chrome for e in elements] + page.removals:
        if page.in_content(element) and element not in page.keep and element.getparent() is not None:
            element.drop_tree()
    if header is not None and page.in_content(header):
        _trim_frame(page, header, "header")
    for footer in [f for f in page.content.iterchildren("footer") if f not in page.keep]:
        _trim_frame(page, footer, "footer")


def _article_header(page: _Page):
    """The <header> inside the article that holds its title."""
    if page.title_heading is None or not page.in_content(page.title_heading):
        return None
    return next((a for a in page.title_heading.iterancestors()
                 if a.tag == "header" and a not in page.keep), None)


def _trim_frame(page: _Page, frame, name: str) -> None:
    """The article's own <header> held its title, byline and date, its <footer> perhaps its author and
    references (all read already): their paragraphs of eight words or more (a standfirst) and pictures stay,
    the rest (a category, "5 min read", tags …) goes."""
    kept = [e for e in frame.iter("p", "figure", "img", "picture")
            if e.tag != "p" or len(_text(e).split()) >= 8]
    kept = [e for e in kept if not any(a in kept for a in e.iterancestors())]
    gone = " ".join(frame.itertext())
    for element in kept:
        gone = gone.replace(" ".join(element.itertext()), " ")
    if _norm(gone):
        page.drops[f'the article\'s {name} ("{_shorten(_norm(gone), 60)}")'] += 1
    replacement = html.Element("div")
    for element in kept:
        element.tail = None
        replacement.append(element)  # moves it
    frame.addprevious(replacement)
    frame.drop_tree()


DROP_LABELS = {  # kind → (the report's words for one, for several)
    "navigation": ("navigation (1 block)", "navigation ({} blocks)"),
    "site header": ("the site header", "site headers ({})"),
    "page header": ("", ""),  # the page's title, byline and date, read into the front matter
    "site footer": ("the site footer", "site footers ({})"),
    "sidebars": ("a sidebar", "sidebars ({})"),
    "adverts": ("an advert", "adverts ({})"),
    "scripts": ("a script", "scripts ({})"),
    "cite": ("the citation box", "citation boxes ({})"),
    "share": ("share and print buttons", "share and print buttons"),
    "cookie": ("cookie banner", "cookie banners ({})"),
    "popup": ("a pop-up", "pop-ups ({})"),
    "newsletter": ("newsletter sign-up", "newsletter sign-ups ({})"),
    "related": ("related articles", "related articles"),
    "comments": ("comments", "comments"),
    "forms": ("a form", "forms ({})"),
    "buttons": ("a button", "buttons ({})"),
    "hidden": ("a hidden element", "hidden elements ({})"),
    "script links": ("a link that runs a script", "links that run a script ({})"),
}
MEDIA_NAMES = {"iframe": "embedded frame", "video": "video", "audio": "audio clip", "svg": "SVG drawing",
               "canvas": "canvas", "embed": "plug-in", "object": "plug-in", "map": "image map"}


def _dropped_lines(page: _Page) -> list[str]:
    counts = Counter(page.drops)
    media: Counter = Counter()
    cites = []
    for kind, _, detail in page.chrome:
        counts[kind] += 1
        if kind == "media":
            media[MEDIA_NAMES.get(detail, detail)] += 1
        elif kind == "cite" and detail:
            cites.append(detail)
    lines = []
    for kind, count in counts.items():
        if kind in ("media", "page header"):
            continue
        one, several = DROP_LABELS.get(kind, (kind, kind))
        line = one if count == 1 else several.format(count)
        lines.append(_cite_line(cites, count) if kind == "cite" else line)
    if media:
        lines.append("embedded media (" + ", ".join(f"{n} {name}{'' if n == 1 else 's'}"
                                                     for name, n in media.items()) + ")")
    if page.handlers:
        lines.append(f"event handlers ({', '.join(sorted(page.handlers))})")
    return lines


def _cite_line(labels: list[str], count: int) -> str:
    if count == 1 and labels:
        return f'the "{labels[0]}" box'
    return DROP_LABELS["cite"][0] if count == 1 else DROP_LABELS["cite"][1].format(count)


# --- The body: the article written anew as semantic HTML ----------------------------------------------------

FLOW, MIXED, INLINE = "flow", "mixed", "inline"  # what an element of the new body may hold
PARAGRAPHS = {"p", "figcaption", "pre", "dt", "dd", "caption", "summary", "legend"}
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "center", "address",
              "details", "figure", "hgroup", "fieldset", "dl", "picture", "tr", "td", "th", "tbody",
              "thead", "tfoot", "nav", "search", "body"}
MAX_NESTING = 40
REFERENCE_MARK = re.compile(r"^\[?(\d+(?:\s*[,–-]\s*\d+)*)\]?$")


class _BodyWriter:
    """The article's elements mapped onto the Draft's few: text loose in a block becomes a paragraph, divs
    and spans are unwrapped, headings are ranked h2–h4, links and images checked."""

    def __init__(self, page: _Page, draft: Draft) -> None:
        self.page, self.draft = page, draft
        self.images = _Images(page, draft)
        self.open: dict = {}  # a block of the new body → its paragraph still open for loose text
        self.depth = 0  # how deep in the article the writer is
        self.ranks = _heading_ranks(page.content)

    def write(self, content) -> tuple[str, str | None]:
        """The body's HTML, and its first paragraph's text (for a summary)."""
        body = html.Element("div")
        self.children(content, body)
        _tidy(body)
        lead = next((_text(p) for p in body.iter("p") if len(_text(p)) >= 60 and p.find(".//img") is None),
                    None)
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
        address = _web_address(raw, self.page.meta.base)
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
        match = REFERENCE_MARK.match(_text(element))
        if match:
            self.text(f"[{match.group(1)}]", out)
        else:
            self.children(element, out)


_HANDLERS = {
    **dict.fromkeys(PARAGRAPHS, _BodyWriter.paragraph_element),
    **dict.fromkeys(HEADINGS, _BodyWriter.heading),
    "ul": _BodyWriter.listing, "ol": _BodyWriter.listing, "li": _BodyWriter.paragraph_element,
    "table": _BodyWriter.table, "blockquote": _BodyWriter.quote,
    "strong": _BodyWriter.strong, "b": _BodyWriter.strong,
    "em": _BodyWriter.emphasis, "i": _BodyWriter.emphasis,
    "a": _BodyWriter.link, "img": _BodyWriter.image, "br": _BodyWriter.line_break,
    "sup": _BodyWriter.superscript,
}


def _mode(out) -> str:
    if out.tag in ("div", "blockquote"):
        return FLOW
    return MIXED if out.tag == "li" else INLINE


def _heading_ranks(content) -> dict[str, str]:
    """The article's heading levels, highest first, as h2, h3 and h4 (deeper ones h4 too): an article whose
    sections are headed <h3> has them as <h2>."""
    levels = sorted({h.tag for h in content.iter(*HEADINGS) if _text(h)})
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
        if not _text(element) and element.find(".//img") is None:
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


def _web_address(raw: str | None, base: str | None) -> str | None:
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
    return _web_address(urljoin(base, address), None) if base else None


# --- Images -------------------------------------------------------------------------------------------------

class _Images:
    """The images of the body: read from the files saved beside the page, each once, named image-1.jpg …"""

    def __init__(self, page: _Page, draft: Draft) -> None:
        self.folder = page.path.parent.resolve()
        self.draft = draft
        self.by_file: dict[Path, Image | None] = {}

    def element(self, img):
        """The new body's <img>, or None (a todo line says what to do, unless it was a tracking pixel)."""
        if _is_pixel(img):
            return None
        source = _image_source(img)
        alt = _norm(img.get("alt") or "")
        found = self.find(source, alt)
        if isinstance(found, str):
            note = f'alt: "{alt}"' if alt else "no alt text"
            self.draft.todo.append(f"add the image {_shown(source)} ({note}) by hand: {found}")
            return None
        if found is None:
            return None  # a pixel for counting visits
        if not alt:
            self.draft.todo.append(f"write a description (alt text) for the image {found.name} "
                                   f"(from {source})")
        return html.Element("img", src=found.name, alt=alt)

    def find(self, source: str, alt: str) -> Image | str | None:
        """The image a src names, or why it is not imported."""
        if not source:
            return "the page gives no file for it"
        reason = _not_beside(source)
        if reason:
            return reason
        path = (self.folder / unquote(urlsplit(source).path))
        try:
            path = path.resolve()
        except (OSError, ValueError, RuntimeError):
            return "its file name could not be read"
        if not path.is_relative_to(self.folder):
            return "it is outside the page's folder, which is all the import reads"
        if path not in self.by_file:
            self.by_file[path] = self.load(path, alt)
        return self.by_file[path]

    def load(self, path: Path, alt: str) -> Image | str | None:
        try:
            if not path.is_file():
                return "its file was not saved beside the page"
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return "it is larger than 20 MB"
            data = path.read_bytes()
        except OSError as error:
            return f"its file could not be read ({error.strerror or error})"
        decoded = _decode_image(data)
        if isinstance(decoded, str):
            return decoded
        kind, (width, height) = decoded
        if width <= 2 and height <= 2:
            return None
        image = Image(name=f"image-{len(self.draft.images) + 1}.{RASTER[kind]}", data=data, alt=alt)
        self.draft.images.append(image)
        return image


def _not_beside(source: str) -> str | None:
    """Why an image's address is not a file in the page's folder, or None when it may be."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return "its address could not be read"
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") or source.startswith("//"):
        return "it is on the web, and the import fetches nothing"
    if scheme == "data":
        return "it is inside the page as a data: address, which the import does not read"
    if re.match(r"^[A-Za-z]:[\\/]", source) or source.startswith(("/", "\\")) or "\\" in source:
        return "its address is an absolute path, outside the page's folder"
    if scheme:
        return f"its address is a {scheme}: address, not a file saved beside the page"
    if unquote(parts.path).startswith("/") or not parts.path:
        return "its address is not a file saved beside the page"
    return None


def _image_source(img) -> str:
    """The img's address: its src, or the address a lazy-loading script would have put there."""
    source = (img.get("src") or "").strip()
    if not source or source.startswith("data:"):
        lazy = img.get("data-src") or img.get("data-lazy-src") or img.get("data-original")
        if lazy and lazy.strip():
            return lazy.strip()
    return source


def _is_pixel(img) -> bool:
    for name in ("width", "height"):
        match = re.match(r"\s*(\d+)", img.get(name) or "")
        if match and int(match.group(1)) <= 2:
            return True
    return False


def _shown(source: str) -> str:
    if source.startswith("data:"):
        return f"{source[:30]}… ({len(source)} characters)"
    return source if len(source) <= 160 else source[:159] + "…"


def _decode_image(data: bytes) -> tuple[str, tuple[int, int]] | str:
    """(format, size) of a PNG, JPEG, GIF or WebP decoded in full, or why it is not imported."""
    from PIL import Image as Picture  # imported only when a page has an image (Pillow comes with WeasyPrint)
    from PIL import ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Picture.DecompressionBombWarning)
            with Picture.open(io.BytesIO(data), formats=list(RASTER)) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    return (f"it is {width} × {height} pixels, more than the "
                            f"{MAX_PIXELS // 1_000_000} megapixels leafbind accepts")
                picture.load()  # every pixel: a truncated or corrupt file fails here
                return picture.format, picture.size
    except (OSError, SyntaxError, EOFError, ValueError, Picture.DecompressionBombError,
            Picture.DecompressionBombWarning) as error:
        reason = str(error).strip() or type(error).__name__
        return f"it is not a readable PNG, JPEG, GIF or WebP image ({_shorten(reason, 100)})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


# --- Text ---------------------------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _text(element) -> str:
    return _norm(element.text_content())


def _text_length(element) -> int:
    return len(_text(element))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
