"""A Draft written as leaflet source: YAML front matter the editor can read, and a Markdown body.

The body is the Draft's semantic HTML converted by markdownify, which escapes what Markdown would otherwise
read as markup ("1." or "#" at the start of a line, "*", "[") and writes nested lists and pipe tables as
CommonMark reads them. What the importer decided (slug, authors, dates, language) comes in as `Fields`.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from lxml import html as lxml_html

from ..load import FORBIDDEN

WIDTH = 78  # folded front-matter text and authors.yaml bios, as the sample leaflets are written


@dataclass(frozen=True)
class Fields:
    """The front matter the importer settled on for one document."""

    title: str
    summary: str
    authors: tuple[str, ...]  # authors.yaml keys
    published: date
    updated: date | None
    lang: str
    keywords: tuple[str, ...]
    sources: tuple[dict[str, Any], ...]  # entries in the fields of a leaflet's `sources`


def clean(text: str) -> str:
    """Text with the characters no source may hold taken out (pasted controls, line separators)."""
    return FORBIDDEN.sub("", text)


def one_line(text: str | None) -> str:
    """Text as one line of a source: its forbidden characters out, each run of white space one space."""
    return " ".join(clean(text or "").split())


def leaflet_source(fields: Fields, body: str) -> str:
    """The whole leaflet file: front matter between `---` lines, a blank line, the body."""
    return f"---\n{front_matter(fields)}---\n\n{body}"


def front_matter(fields: Fields) -> str:
    lines = [_plain("title", fields.title), folded("summary", fields.summary, indent=""),
             _plain("authors", list(fields.authors)), _plain("published", fields.published)]
    if fields.updated:
        lines.append(_plain("updated", fields.updated))
    lines += [_plain("edition", 1), _plain("lang", fields.lang), _plain("keywords", list(fields.keywords))]
    lines.append(_plain("sources", [dict(entry) for entry in fields.sources]))
    return "".join(lines)


def _plain(key: str, value: Any) -> str:
    """One key as PyYAML writes it (quoting what must be quoted); lists in block style."""
    if value == []:
        return f"{key}: []\n"
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=WIDTH,
                          default_flow_style=False)
    first, _, rest = text.partition("\n")
    return f"{first}\n{textwrap.indent(rest, '  ')}"  # list items indented under their key


def folded(key: str, text: str, indent: str) -> str:
    """`key: >-` and the text wrapped below it, as editors write long text. A folded scalar takes any
    character but leading spaces, which wrapping removes: the text is one paragraph."""
    wrapped = textwrap.fill(one_line(text), WIDTH - len(indent) - 2, break_long_words=False,
                            break_on_hyphens=False)
    body = textwrap.indent(wrapped, indent + "  ")
    return f"{indent}{key}: >-\n{body}\n"


def markdown_body(body_html: str, images: dict[str, str | None]) -> str:
    """The Markdown of a Draft's body. `images` maps each image's name in the HTML to its path from the
    leaflet (images/<slug>/image-1.png), or to None to leave it out (a dry run, or a body checked before its
    images are written)."""
    if not body_html.strip():
        return ""
    tree = lxml_html.fragment_fromstring(body_html, create_parent="div")
    for image in tree.iter("img"):
        target = images.get(image.get("src") or "")
        if target is None:
            image.drop_tree()
        else:
            image.set("src", target)
    html = lxml_html.tostring(tree, encoding="unicode")
    from markdownify import markdownify  # deferred: it brings BeautifulSoup, which only an import needs

    text = markdownify(html, heading_style="ATX", bullets="-", escape_misc=True, table_infer_header=True,
                       strip=["div", "span"])
    return _tidy(clean(text))


def _tidy(text: str) -> str:
    """No trailing spaces but Markdown's line breaks, one blank line between blocks, one final newline."""
    # markdownify escapes every "&"; only one that starts a character reference (&amp; &#38;) needs it
    text = re.sub(r"\\&(?![#A-Za-z0-9]+;)", "&", text)
    lines = [line if line.endswith("  ") and line.strip() else line.rstrip() for line in text.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""


def author_entry(key: str, name: str, bio: str, credentials: str | None) -> str:
    """One authors.yaml entry, written as the file's own entries are."""
    lines = [f"{key}:\n", textwrap.indent(_plain("name", clean(name)), "  ")]
    if credentials:
        lines.append(textwrap.indent(_plain("credentials", clean(credentials)), "  "))
    lines.append(folded("bio", bio, indent="  "))
    return "".join(lines)
