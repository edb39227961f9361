"""Markdown body → safe HTML split into introduction and sections, with every problem located by line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from .errors import Problem
from .model import Asset, Section
from .project import Project

LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#")
MAX_DEPTH = 8  # lists and quotes inside each other; a leaflet rarely needs more than 3
CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}


def _parser() -> MarkdownIt:
    # html=True only so raw HTML shows up as tokens we can refuse with a line number; a body containing
    # any is rejected before rendering, so no raw HTML ever reaches an output. markdown-it silently drops
    # blocks nested deeper than maxNesting (20 in CommonMark mode, about 9 lists): with room for 24 lists,
    # anything deeper than MAX_DEPTH is seen, and refused, before any of it could be lost.
    return MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "maxNesting": 50}).enable("table")


PARSER = _parser()


@dataclass(frozen=True)
class Body:
    introduction: Markup
    sections: tuple[Section, ...]
    images: tuple[Asset, ...]
    problems: tuple[Problem, ...]
    fragments: tuple[tuple[int | None, str], ...] = ()  # (file line, target) of each `#target` link


@dataclass
class _Checker:
    """Walks a body's tokens, fixing up image paths and collecting problems."""

    project: Project
    leaflet: Path
    display: str
    first_line: int
    problems: list[Problem]
    images: dict[str, Asset]
    fragments: list[tuple[int | None, str]]
    depth: int = 0

    def problem(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.display, self.first_line + line if line is not None else None,
                                     field, message))

    def check_block(self, token: Token) -> None:
        line = token.map[0] if token.map else None
        if token.type in CONTAINERS:
            self.depth += 1
            if self.depth == MAX_DEPTH + 1:
                self.problem(line, "body", f"lists and quotes are nested more than {MAX_DEPTH} levels deep "
                             "here: no reader can follow that; use fewer levels")
        elif token.type.replace("_close", "_open") in CONTAINERS:
            self.depth -= 1
        if token.type == "html_block":
            self.problem(line, "body", "raw HTML is not allowed in a leaflet; write it in Markdown instead")
        elif token.type == "heading_open" and token.tag == "h1":
            self.problem(line, "body", "'#' headings are not used in the body (the title comes from the "
                         "front matter): start sections with '##'")
        for child, child_line in _with_lines(token.children or (), line):
            self.check_inline(child, child_line)

    def check_inline(self, token: Token, line: int | None) -> None:
        if token.type == "html_inline":
            self.problem(line, "body",
                         f"raw HTML ({token.content.strip()}) is not allowed; write it in Markdown instead")
        elif token.type == "image":
            self.check_image(token, line)
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if not href.lower().startswith(LINK_SCHEMES):
                self.problem(line, "body",
                             f'link "{href}" must be a web address (https://…), mailto:, tel: or #section')
            elif href.startswith("#"):
                self.fragments.append((None if line is None else self.first_line + line, unquote(href[1:])))

    def check_image(self, token: Token, line: int | None) -> None:
        written = str(token.attrGet("src") or "")  # its alt text is a quality check (lint: image-alt)
        try:
            asset = self.project.resolve_file(written, self.leaflet.parent)
        except ValueError as error:
            self.problem(line, "body", f"image {error}")
            return
        token.attrSet("src", asset.href)
        self.images[asset.href] = asset


def _with_lines(children, line: int | None):
    """Each inline token with the body line it stands on (None when the block has no line)."""
    breaks = 0
    for child in children:
        yield child, None if line is None else line + breaks
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1


def render_body(text: str, first_line: int, leaflet: Path, display: str, project: Project) -> Body:
    """Parse and check a leaflet body; `first_line` is the file line of the body's first line."""
    tokens = PARSER.parse(text)
    checker = _Checker(project, leaflet, display, first_line, [], {}, [])
    for token in tokens:
        checker.check_block(token)
    groups = _split_sections(tokens)
    introduction = _render(groups[0][1]) if groups and groups[0][0] is None else Markup("")
    sections = _sections([g for g in groups if g[0] is not None])
    return Body(introduction, sections, tuple(checker.images.values()), tuple(checker.problems),
                tuple(checker.fragments))


def _split_sections(tokens: list[Token]) -> list[tuple[Token | None, list[Token]]]:
    """Groups of (h2 inline token or None for the introduction, tokens after it)."""
    groups: list[tuple[Token | None, list[Token]]] = [(None, [])]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.tag == "h2":
            groups.append((tokens[index + 1], []))
            index += 3  # heading_open, inline, heading_close
            continue
        groups[-1][1].append(token)
        index += 1
    return groups if groups[0][1] else groups[1:]


def _sections(groups: list[tuple[Token | None, list[Token]]]) -> tuple[Section, ...]:
    taken: set[str] = set()
    counters: dict[str, int] = {}
    sections = []
    for heading, tokens in groups:
        title = "".join(child.content for child in heading.children or ()
                        if child.type in ("text", "code_inline"))
        sections.append(Section(title, _anchor(title, taken, counters), _render(tokens)))
    return tuple(sections)


def _anchor(title: str, taken: set[str], counters: dict[str, int]) -> str:
    """section-<title>, numbered from 2 when the title comes again. `counters` keeps the next number of each
    title, so that a thousand sections of one title take linear time, not quadratic."""
    anchor = base = "section-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "untitled")
    if anchor in taken:
        number = counters.get(base, 2)
        while f"{base}-{number}" in taken:
            number += 1
        anchor, counters[base] = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


def _render(tokens: list[Token]) -> Markup:
    # The one place rendered Markdown becomes trusted markup: raw HTML was refused above and
    # markdown-it escapes all text, so the result is safe to insert unescaped into the layouts.
    return Markup(PARSER.renderer.render(tokens, PARSER.options, {}))
