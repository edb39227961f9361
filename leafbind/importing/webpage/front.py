"""What the page says of itself outright: its title (the <h1>, else og:title, the JSON-LD headline or the
<title> without the site's name), its language, its keywords and its summary (the description, else the first
sentences of the article's first paragraph)."""

from __future__ import annotations

import re

from ..draft import Draft
from .blocks import walk
from .page import Meta, Page, ld, ld_text, norm, text_of

TITLE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+(?:\||-|–|—|::|·)\s+(?P<site>[^|–—:·]{1,60})$")


def read_title(page: Page, draft: Draft) -> None:
    heading = next((h for h in walk(page.content, page, ["h1"]) if text_of(h)), None)
    origin = "the article's <h1>"
    if heading is None:
        heading = next((h for h in walk(page.body, page, ["h1"]) if text_of(h)), None)
        origin = "the page's <h1>"
    if heading is not None:
        page.title_heading = heading
        draft.title, draft.title_from = text_of(heading), origin
        if page.in_content(heading):
            page.removals.append(heading)
        return
    meta = page.meta
    for value, origin in ((meta.tags.get("og:title"), "meta og:title"),
                          (ld_text(meta, "headline"), "JSON-LD headline"),
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


def read_lang(page: Page, draft: Draft) -> None:
    root = page.document
    lang = root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    locale = page.meta.tags.get("og:locale", "").replace("_", "-")
    for value, origin in ((lang, "<html lang>"), (ld_text(page.meta, "inLanguage"), "JSON-LD inLanguage"),
                          (locale, "meta og:locale")):
        if value and value.strip():
            draft.lang, draft.lang_from = value.strip(), origin
            return


def keywords(meta: Meta) -> list[str]:
    value = meta.tags.get("keywords") or ld(meta, "keywords") or []
    items = re.split(r"[,;]", value) if isinstance(value, str) else value
    keywords: list[str] = []
    for item in items if isinstance(items, list) else []:
        word = norm(item) if isinstance(item, str) else ""
        if word and len(word) <= 60 and word.lower() not in {k.lower() for k in keywords}:
            keywords.append(word)
    return keywords


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])")


def read_summary(page: Page, draft: Draft, lead: str | None) -> None:
    meta = page.meta
    for value, origin in ((meta.tags.get("description"), "meta description"),
                          (meta.tags.get("og:description"), "meta og:description"),
                          (ld_text(meta, "description"), "JSON-LD description")):
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
