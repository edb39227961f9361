"""What a converter makes of one document: a Draft, the importer's document model.

A converter (docx.py for Word, the webpage/ package for saved web pages) reads one file and returns a Draft:
the leaflet's fields as far as the document gives them, its body as clean semantic HTML, the images it holds,
and what the import report must tell the editor (what was dropped, what to do next). It writes nothing and
reads nothing but that one file (and, for a web page, images saved beside it). writer.py turns a Draft into
leaflet source; importer.py writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import LeafbindError

# A document's XML or HTML may not declare entities: an external one reads a file or a web address, an
# internal one can expand a few bytes into gigabytes. No Word part or web article needs one.
ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class ImportRefused(LeafbindError):
    """A document that is not imported, and why (a message naming the file): not a Word document, too big,
    a zip bomb, an entity declaration …"""


def refuse_entities(data: bytes, where: str) -> None:
    """Raise ImportRefused when `data` (XML or HTML) declares an entity."""
    if ENTITY_DECLARATION.search(data):
        raise ImportRefused(f"{where} declares an XML entity (<!ENTITY …>), which could read other files or "
                            "expand without end: it was not imported. Save the document again without it.")


@dataclass(frozen=True)
class Dated:
    """A date the document gives, and where it was found (for the report)."""

    value: date
    origin: str  # e.g. "core property 'created'", "meta article:published_time", 'the line "Updated …"'


@dataclass(frozen=True)
class Person:
    """Someone the document names as its author: from a byline, an "About the author" block, or Word's
    core properties."""

    name: str
    bio: str | None = None  # one paragraph of plain text, when the document has one
    credentials: str | None = None
    origin: str = ""  # where the name was found


@dataclass(frozen=True)
class Reference:
    """One entry of a references or sources list, in the fields of a leaflet's `sources`."""

    title: str
    publisher: str | None = None
    author: str | None = None
    year: int | None = None
    url: str | None = None  # http(s) only


@dataclass(frozen=True)
class Image:
    """An image the document holds (or a file saved beside a web page), to be written beside the leaflet.
    The body HTML refers to it as <img src="{name}" alt="{alt}">."""

    name: str  # a safe file name, e.g. "image-1.png": [a-z0-9-] and a suffix leafbind prints
    data: bytes
    alt: str  # the document's description of the image; "" when it has none


@dataclass
class Draft:
    """One document read by a converter: a leaflet's fields, its body and the report's notes."""

    origin: Path  # the file read
    kind: str  # "Word document" or "web page"
    title: str | None = None
    title_from: str = ""  # e.g. "the Title paragraph", "<h1>"
    summary: str | None = None  # one paragraph of plain text
    summary_from: str = ""
    # The body as semantic HTML: the title is not in it; sections are <h2>, subsections <h3> (deeper headings
    # <h4>); <p>, <ul>/<ol> (nested), <table> (header row as <th>), <a href>, <strong>, <em>, <blockquote>,
    # <img src="Image.name" alt>. No scripts, styles, event handlers or classes.
    body_html: str = ""
    people: list[Person] = field(default_factory=list)
    published: Dated | None = None
    updated: Dated | None = None
    lang: str | None = None  # as the document gives it (not yet checked)
    lang_from: str = ""
    keywords: list[str] = field(default_factory=list)
    sources: list[Reference] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # e.g. "navigation (2 blocks)", "comments (3)"
    todo: list[str] = field(default_factory=list)  # what the editor must still do, e.g. "add image x by hand"
    unknown_styles: list[str] = field(default_factory=list)  # Word paragraph/character styles not mapped
