"""The page's chrome: navigation, adverts, share buttons, cite boxes, comments … marked by tag, ARIA role, the
words of an element's class, id, aria-label and data-* values, or a heading such as "Related articles" (never
the article or an element holding it), before the metadata is read; then, once it is read, the chrome and
what was read taken out of the article, the article's own header and footer trimmed, and the report's lines
for what was dropped."""

from __future__ import annotations

import re
from collections import Counter

from lxml import html

from .blocks import section_of, walk
from .page import HEADINGS, Page, norm, shorten, text_of

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


def find_chrome(page: Page) -> None:
    stack = [page.body]
    while stack:
        element = stack.pop()
        kind = None if element in page.keep else _chrome_kind(element, page)
        if kind:
            _add_chrome(page, kind, [element])
        if kind is None or kind in SOFT_CHROME:
            stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    _find_chrome_headings(page)


def _add_chrome(page: Page, kind: str, elements: list) -> None:
    detail = elements[0].tag if kind == "media" else _cite_label(elements) if kind == "cite" else ""
    page.chrome.append((kind, elements, detail))
    if kind not in SOFT_CHROME:
        page.exclude(elements)


def _chrome_kind(element, page: Page) -> str | None:
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


def _chrome_by_words(element, page: Page) -> str | None:
    words = words_of(element, page)
    if element.tag in ("ol", "ul") and REFERENCE_LIST_WORDS.search(words):
        return None
    kind = next((kind for kind, pattern in CHROME_PATTERNS if pattern.search(words)), None)
    if any(name.startswith(("data-ad-", "data-google-query")) for name in element.attrib):
        kind = "adverts"
    if kind == "share" and len(text_of(element)) > 300:
        return None  # a "print" or "social" word on a block of text: not a widget
    if kind and kind != "comments" and _holds_much(element, page):
        return None  # never the article's own text, whatever its wrapper is called
    return kind


def _holds_much(element, page: Page) -> bool:
    return len(text_of(element)) > page.content_length / 2


def _landmark_kind(element, tag: str, role: str) -> str | None:
    """<header>, <footer> and <aside> outside any article are the site's (inside one, they are its own)."""
    ancestors = list(element.iterancestors())
    if any(a.tag == "article" or a.get("itemprop") == "articleBody" for a in ancestors):
        return None
    if tag == "header" or role == "banner":
        in_main = any(a.tag == "main" or a.get("role") == "main" for a in ancestors)
        return "page header" if in_main else "site header"
    return "site footer" if tag == "footer" or role == "contentinfo" else "sidebars"


def words_of(element, page: Page) -> str:
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


def _find_chrome_headings(page: Page) -> None:
    for heading in list(walk(page.body, page, HEADINGS)):
        if page.is_excluded(heading) or heading in page.keep:
            continue
        text = text_of(heading)
        kind = next((k for k, pattern in CHROME_HEADING_PATTERNS if len(text) <= 80 and pattern.match(text)),
                    None)
        if kind:
            _add_chrome(page, kind, section_of(heading, page))


def _cite_label(elements: list) -> str:
    for element in elements:
        for heading in element.iter(*HEADINGS, "strong", "b"):
            text = text_of(heading)
            if CHROME_HEADING_PATTERNS[0][1].match(text):
                return text
    return ""


# --- Removing what was read and the chrome ------------------------------------------------------------------

def apply_removals(page: Page) -> None:
    header = _article_header(page)
    for element in [e for _, elements, _ in page.chrome for e in elements] + page.removals:
        if page.in_content(element) and element not in page.keep and element.getparent() is not None:
            element.drop_tree()
    if header is not None and page.in_content(header):
        _trim_frame(page, header, "header")
    for footer in [f for f in page.content.iterchildren("footer") if f not in page.keep]:
        _trim_frame(page, footer, "footer")


def _article_header(page: Page):
    """The <header> inside the article that holds its title."""
    if page.title_heading is None or not page.in_content(page.title_heading):
        return None
    return next((a for a in page.title_heading.iterancestors()
                 if a.tag == "header" and a not in page.keep), None)


def _trim_frame(page: Page, frame, name: str) -> None:
    """The article's own <header> held its title, byline and date, its <footer> perhaps its author and
    references (all read already): their paragraphs of eight words or more (a standfirst) and pictures stay,
    the rest (a category, "5 min read", tags …) goes."""
    kept = [e for e in frame.iter("p", "figure", "img", "picture")
            if e.tag != "p" or len(text_of(e).split()) >= 8]
    kept = [e for e in kept if not any(a in kept for a in e.iterancestors())]
    gone = " ".join(frame.itertext())
    for element in kept:
        gone = gone.replace(" ".join(element.itertext()), " ")
    if norm(gone):
        page.drops[f'the article\'s {name} ("{shorten(norm(gone), 60)}")'] += 1
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


def dropped_lines(page: Page) -> list[str]:
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
