"""The `text-layer` check: does the PDF's text layer hold the words the leaflet says?

A PDF keeps, beside the glyphs it draws, the text they stand for (each font's ToUnicode map): what screen
readers read aloud, what search finds and what copy-and-paste gives. With some faces that text is wrong though
the page looks right: set in Noto Nastaliq Urdu, a third of an Urdu leaflet's words come out as other words
(WeasyPrint issue #2841), while the same text in Noto Naskh Arabic comes out exactly; Bengali conjuncts can
come out wrong too. So after a leaflet's PDF is made, its text is extracted (pypdf, which gives right-to-left
lines in reading order and keeps Arabic vowel marks with their letters) and the words the leaflet prints —
title, summary, headings, paragraphs, lists and tables — are looked for in it.

Both sides are normalised the same way: Unicode NFKC (ligatures such as "ﬁ" and Arabic presentation forms
become their letters), no format characters (direction marks, joiners, soft hyphens) or tatweel, case folded.
Words are runs of letters, marks and digits (punctuation and hyphens split them); in scripts written without
spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) each character with its marks is compared instead. A
word the layer splits at a line end (a hyphen, or a break inside a long word) is still found: a word missing
from the layer's words is looked for again in the layer's letters run together. Words the PDF adds (the page
furniture, "Page 1 of 4", the citation page, the QR code's caption) don't matter: only source words missing
from the layer are reported, as one warning per leaflet.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..model import Leaflet
from .prose import read_prose
from .rules import WARNING, Finding

CODE = "text-layer"
WORDS_LISTED = 10  # the affected words a warning names; the rest are counted
TATWEEL = "\u0640"
# Scripts written without spaces between words: compared character by character (with the marks on each).
NO_SPACES = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x2E80, 0x2FDF),
             (0x3040, 0x30FF), (0x3100, 0x312F), (0x31A0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
             (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3FFFF))


@dataclass(frozen=True)
class Layer:
    """The words of a text, normalised, and its letters run together (to find words split across lines)."""

    words: Counter
    letters: str


def normalise(text: str) -> str:
    """NFKC, case folded, with no format characters (direction marks, joiners, soft hyphen) or tatweel."""
    text = unicodedata.normalize("NFKC", text).replace(TATWEEL, "")
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFKC", text.casefold())


def _no_spaces(character: str) -> bool:
    code = ord(character)
    return any(start <= code <= end for start, end in NO_SPACES)


def words(text: str) -> list[str]:
    """The words of a normalised text: runs of letters, marks and digits; in scripts without spaces, each
    character with its marks."""
    found: list[str] = []
    current: list[str] = []
    for character in text:
        kind = unicodedata.category(character)[0]
        if kind == "M" and current:  # a mark stays with its letter
            current.append(character)
        elif kind in "LN" and _no_spaces(character):
            if current:
                found.append("".join(current))
            current = [character]
        elif kind in "LNM":
            if current and _no_spaces(current[0]):
                found.append("".join(current))
                current = []
            current.append(character)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def layer_of(text: str) -> Layer:
    text = normalise(text)
    found = words(text)
    return Layer(Counter(found), "".join(found))


def printed_words(leaflet: Leaflet) -> list[str]:
    """The words the leaflet prints from its source, in reading order: title, summary, then the body's
    headings, paragraphs, list items and table cells (not image alt text, which is no printed text)."""
    prose = read_prose(leaflet.body, leaflet.body_line)
    body = sorted((*prose.headings, *prose.blocks, *prose.tables), key=lambda passage: passage.line)
    texts = [leaflet.title, leaflet.summary, *(passage.text for passage in body)]
    return [word for text in texts for word in words(normalise(text))]


def extract_text(pdf: bytes) -> str:
    """The PDF's text layer, page by page (pypdf: right-to-left lines in reading order)."""
    from pypdf import PdfReader  # imported here: only a build that checks text layers needs it

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def missing_words(source: list[str], layer: Layer) -> list[str]:
    """The source words the layer lacks, in source order, each once (the multiset of source words less the
    layer's; one still missing is looked for in the layer's letters run together)."""
    wanted = Counter(source)
    short = wanted - layer.words
    return [word for word in wanted if short[word] and layer.letters.count(word) < wanted[word]]


def text_layer_findings(leaflet: Leaflet, display: str, pdf: bytes) -> tuple[Finding, ...]:
    """A warning when words of the leaflet come out of its PDF's text layer as other words."""
    source = printed_words(leaflet)
    if not source:
        return ()
    missing = missing_words(source, layer_of(extract_text(pdf)))
    if not missing:
        return ()
    listed = ", ".join(f'"{word}"' for word in missing[:WORDS_LISTED])
    more = f" and {len(missing) - WORDS_LISTED} more" if len(missing) > WORDS_LISTED else ""
    line = leaflet.origin.lines.get(("lang",), 1)
    message = (f"{len(missing)} of the leaflet's {len(set(source))} different words come out of the PDF's "
               f"text layer as other text: {listed}{more}. Screen readers, search and copy-and-paste use the "
               "text layer, not what the page shows, so they get other words: set the text in a face whose "
               "text layer is right (for Urdu, the bundled Noto Naskh Arabic rather than a Nastaliq face) "
               "and build again")
    return (Finding(display, line, CODE, WARNING, message),)
