"""A leaflet's text as a reader meets it: blocks of prose with file lines, its sections, images and links.

The quality checks (rules.py) read this instead of HTML: headings, list markers, tables and code are not
prose, and every piece of text keeps the line it was written on.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it.token import Token

from ..markdown import PARSER

WORD = re.compile(r"[^\W_](?:[\w'’/.,:-]*[^\W_])?")
# A sentence ends at . ! or ? — or the Arabic question mark ؟, the Urdu full stop ۔, the danda । or ॥
# of Devanagari and Bengali, the Ethiopic ። or the Armenian ։ — (perhaps with a closing quote or bracket)
# before a space, unless the word before the full stop is a short form such as "e.g." or "Dr."; or at the
# full-width 。！？ of Chinese and Japanese, which no space follows.
SENTENCE_END = re.compile(r"[.!?\u061f\u06d4\u0964\u0965\u1362\u0589]+[\"'”’)\]]*(?=\s+|$)"
                          r"|[\u3002\uff01\uff1f\uff61]+[\u300d\u300f\uff09”’\"']*")
SENTENCE_MARKS = ".!?:;\u061f\u06d4\u0964\u0965\u1362\u0589\u3002\uff01\uff1f\uff61"  # a list item ends
SHORT_FORMS = {"e.g", "i.e", "etc", "eg", "ie", "dr", "mr", "mrs", "ms", "st", "vs", "approx", "no", "cf"}
# Languages written without spaces between words: their lengths are counted in characters.
CHARACTER_LANGUAGES = {"zh", "ja", "yue", "cmn", "lzh", "wuu", "hak", "nan"}
# Han ideographs, kana, bopomofo and their punctuation-free neighbours: one character each
IDEOGRAPHS = re.compile("[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3040-\u30ff\u3100-\u312f"
                        "\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
                        "\U00020000-\U0003ffff]")
CHARACTERS_PER_WORD = 1.6  # a word limit for a language counted in characters (a Chinese word averages 1.6)


@lru_cache(maxsize=1)
def _marks() -> re.Pattern:
    """Combining marks and format characters (zero-width joiners, direction marks, soft hyphen), which a word
    keeps inside it: the vowel signs and viramas of Devanagari and Bengali, Arabic vowel marks."""
    ranges: list[list[int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code))[0] == "M" or unicodedata.category(chr(code)) == "Cf":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    spans = "".join(re.escape(chr(start)) + ("-" + re.escape(chr(end)) if end > start else "")
                    for start, end in ranges)
    return re.compile(f"[{spans}\U000e0000-\U000e01ef]")


def count_words(text: str) -> int:
    """Words as a reader counts them: "128/82", "don't" and "follow-up" are one word each; so is a word of a
    script whose vowel signs or joiners are marks ("नमस्ते", "می‌خواہم")."""
    if not text.isascii():
        text = _marks().sub("", text)
    return len(WORD.findall(text))


def count_characters(text: str) -> int:
    """The length of a text in a language without spaces: each Han or kana character, and each word of
    another script in it ("COVID-19", "5"), counts one; punctuation and spaces count nothing."""
    return len(IDEOGRAPHS.findall(text)) + count_words(IDEOGRAPHS.sub(" ", text))


def counts_characters(lang: str) -> bool:
    """Whether lengths in the language `lang` (a BCP 47 tag) are counted in characters, not words."""
    return lang.split("-")[0].lower() in CHARACTER_LANGUAGES


def length(text: str, lang: str) -> int:
    """The length of `text` in the unit of its language: characters for Chinese and Japanese, else words."""
    return count_characters(text) if counts_characters(lang) else count_words(text)


def unit(lang: str) -> str:
    return "characters" if counts_characters(lang) else "words"


@dataclass(frozen=True)
class Passage:
    """A run of text with the file line of each character (through the line breaks it had in the source)."""

    text: str
    line: int
    breaks: tuple[int, ...] = ()  # offsets in `text` where a new source line starts

    def line_at(self, offset: int) -> int:
        return self.line + bisect.bisect_right(self.breaks, offset)

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int

    @property
    def words(self) -> int:
        return count_words(self.text)


def sentences(text: Passage) -> list[Sentence]:
    """Split a block into sentences, each with the line it starts on."""
    found, start = [], 0
    for end in SENTENCE_END.finditer(text.text):
        before = text.text[start:end.start()].rsplit(None, 1)
        if end.group().startswith(".") and before and before[-1].lower().rstrip(".") in SHORT_FORMS:
            continue
        if text.text[start:end.end()].strip():
            found.append(_sentence(text, start, end.end()))
        start = end.end()
    if text.text[start:].strip():
        found.append(_sentence(text, start, len(text.text)))
    return found


def _sentence(text: Passage, start: int, end: int) -> Sentence:
    lead = len(text.text[start:end]) - len(text.text[start:end].lstrip())
    return Sentence(text.text[start:end].strip(), text.line_at(start + lead))


@dataclass(frozen=True)
class Image:
    alt: str
    src: str
    line: int


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    line: int


@dataclass
class ProseSection:
    """The introduction (no heading) or one `##` section, with its `###` headings and prose blocks."""

    heading: str | None
    line: int  # of the heading; of the first block for the introduction
    blocks: list[Passage] = field(default_factory=list)  # paragraphs and list items, in order
    subheadings: list[Passage] = field(default_factory=list)
    has_content: bool = False  # any text at all: prose, a table, code

    @property
    def words(self) -> int:
        return sum(block.words for block in self.blocks)


@dataclass
class Prose:
    """Everything the quality checks read from a Markdown body."""

    sections: list[ProseSection] = field(default_factory=list)
    headings: list[Passage] = field(default_factory=list)  # every heading, `##` and below
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tables: list[Passage] = field(default_factory=list)  # cell text, checked for plain words but not scored

    @property
    def blocks(self) -> list[Passage]:
        return [block for section in self.sections for block in section.blocks]

    def reading_text(self, blocks: list[Passage] | None = None) -> str:
        """The prose as one text for the readability formulas. A list item with no full stop is still a
        sentence to the reader, so one is added; otherwise a list would read as one long sentence."""
        parts = []
        for block in self.blocks if blocks is None else blocks:
            text = " ".join(block.text.split())
            if text:
                parts.append(text if text[-1] in SENTENCE_MARKS else text + ".")
        return " ".join(parts)


def read_prose(body: str, first_line: int) -> Prose:
    """The prose of a Markdown body whose first line is line `first_line` of the file."""
    prose = Prose()
    section = ProseSection(None, first_line)
    in_table = 0
    tokens = PARSER.parse(body)
    for index, token in enumerate(tokens):
        line = first_line + token.map[0] if token.map else None
        if token.type == "table_open":
            in_table += 1
            section.has_content = True
        elif token.type == "table_close":
            in_table -= 1
        elif token.type in ("fence", "code_block"):
            section.has_content = True
        elif token.type == "inline" and line is not None:
            text, images, links = _inline(token, line)
            prose.images.extend(images)
            prose.links.extend(links)
            opener = tokens[index - 1]
            if opener.type == "heading_open":
                prose.headings.append(text)
                if opener.tag == "h2":
                    prose.sections.append(section)
                    section = ProseSection(text.text, line)
                else:
                    section.subheadings.append(text)
            elif in_table:
                prose.tables.append(text)
            elif text.text.strip():
                if not section.blocks and section.heading is None:
                    section.line = line
                section.blocks.append(text)
                section.has_content = True
    prose.sections.append(section)
    if prose.sections[0].heading is None and not prose.sections[0].has_content:
        prose.sections.pop(0)
    return prose


def _inline(token: Token, line: int) -> tuple[Passage, list[Image], list[Link]]:
    """The text of an inline token (images left out: their alt text is not read as prose), with its links."""
    parts: list[str] = []
    breaks: list[int] = []
    images, links = [], []
    here, link, length = line, None, 0  # length: of the text so far, kept as it grows (linear in the text)
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
            here += 1
            length += 1
            breaks.append(length)
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            length += len(child.content)
            if link is not None:
                link[0].append(child.content)
        elif child.type == "image":
            images.append(Image(child.content, str(child.attrGet("src") or ""), here))
        elif child.type == "link_open":
            link = ([], str(child.attrGet("href") or ""), here)
        elif child.type == "link_close" and link is not None:
            links.append(Link("".join(link[0]).strip(), link[1], link[2]))
            link = None
    return Passage("".join(parts), line, tuple(breaks)), images, links
