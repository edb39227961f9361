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

This module holds read_webpage, which runs the steps; each has its module: page.py reads and parses the file
and holds the Page, its metadata (steps 1 and 2) and the helpers all share; blocks.py the blocks and lines of
the page the readers walk; chrome.py the chrome (step 3) and its removal (step 5); front.py the title,
language, keywords and summary; references.py, people.py and dates.py the rest of step 4; body.py writes the
body (step 5) and images.py reads its images.
"""

from __future__ import annotations

from pathlib import Path

from ..draft import Draft, ImportRefused
from .body import BodyWriter
from .chrome import apply_removals, dropped_lines, find_chrome
from .dates import find_date, read_dates
from .front import keywords, read_lang, read_summary, read_title
from .page import Page, drop_code, find_content, page_text
from .people import read_people
from .references import read_sources

__all__ = ["find_date", "read_webpage"]


def read_webpage(path: Path) -> Draft:
    """Read a saved web page (and the images saved beside it) into a Draft. Raise ImportRefused, with the
    reason only, when the file is not imported: too big, not HTML, declaring an entity."""
    text = page_text(path)
    try:
        return _read(path, text)
    except RecursionError:
        raise ImportRefused("nests its elements too deeply to be read") from None


def _read(path: Path, text: str) -> Draft:
    page = Page.parse(path, text)
    draft = Draft(origin=path, kind="web page")
    drop_code(page)
    find_content(page)
    find_chrome(page)
    read_title(page, draft)
    read_lang(page, draft)
    read_sources(page, draft)
    read_people(page, draft)
    read_dates(page, draft)
    draft.keywords = keywords(page.meta)
    apply_removals(page)
    draft.body_html, lead = BodyWriter(page, draft).write(page.content)
    read_summary(page, draft, lead)
    draft.dropped = dropped_lines(page)
    return draft
