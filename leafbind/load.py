"""Read source files: a leaflet's front matter and body, and YAML files, keeping a map from keys to lines.

Every source is bounded before it is parsed, so no input can take the machine down: at most MAX_SOURCE_BYTES
per file, no YAML anchors or aliases (nine lines of nested aliases expand to gigabytes), YAML nested at most
MAX_YAML_DEPTH levels, and no control characters (they are invisible in an editor, break the e-book's XML and
cut messages short).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ProblemReport, visible

FENCE = "---"
Location = tuple[str | int, ...]
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a leaflet, authors.yaml, a plain-words list or leafbind.toml
MAX_YAML_DEPTH = 20  # lists and mappings inside each other; the front matter needs 3
# Characters no source may contain: C0 and C1 controls but tab and line breaks, DEL, the Unicode line and
# paragraph separators (which YAML and Python count as line breaks but Markdown does not) and non-characters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the line on which each key or list item starts, for messages."""

    display: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    first_line: int = 1

    def line_of(self, location: Location) -> int:
        """The line of `location`, or of its nearest enclosing key when it is missing."""
        for end in range(len(location), 0, -1):
            if location[:end] in self.lines:
                return self.lines[location[:end]]
        return self.first_line


@dataclass(frozen=True)
class LeafletSource:
    """A leaflet file split into front matter and Markdown body; nothing checked yet."""

    slug: str
    path: Path
    display: str
    front: YamlDocument
    body: str
    body_line: int  # line number of the body's first line in the file


class _Refused(yaml.composer.ComposerError):
    """YAML that parses but that leafbind does not read (anchors, aliases, deep nesting)."""


class _Loader(yaml.SafeLoader):
    """The safe loader, keeping dates as written (the schema checks them and says which line is wrong:
    PyYAML's own date parsing raises a bare ValueError for 2026-02-30), refusing anchors and aliases, and
    refusing nesting deeper than MAX_YAML_DEPTH before PyYAML's recursive composer runs out of stack."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                None, None,
                "anchors and aliases (&name, *name) are not allowed: write each value out in full",
                event.start_mark)
        if self.depth >= MAX_YAML_DEPTH:
            raise _Refused(
                None, None, f"lists and keys are nested more than {MAX_YAML_DEPTH} levels deep",
                event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def read_text(path: Path, display: str) -> str:
    """The file's text, checked to be text a person wrote: at most MAX_SOURCE_BYTES of UTF-8 without control
    characters. Raises ProblemReport naming the file, and the line of the first bad byte or character."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        raise ProblemReport([Problem(display, None, None, f"can't be read ({error.strerror})")]) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise ProblemReport([Problem(display, None, None,
                                     f"is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB: split it into "
                                     "several files (a leaflet this long is too long to read)")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ProblemReport([Problem(display, line, None, f"is not UTF-8 text ({error.reason})")]) from None
    if bad := FORBIDDEN.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        raise ProblemReport([Problem(display, line, None,
                                     f"has the invisible character {visible(bad.group())} at column "
                                     f"{column}: delete it (it often comes from text pasted from Word or "
                                     "a web page)")])
    return text


def load_leaflet(path: Path, display: str) -> LeafletSource:
    """Split a leaflet file into front matter (parsed, with line map) and body. Raises ProblemReport."""
    return parse_leaflet(read_text(path, display), path, display)


def parse_leaflet(text: str, path: Path, display: str) -> LeafletSource:
    """Split a leaflet's text, already read, into front matter and body (so that an edit can be checked
    before it is written). Raises ProblemReport."""
    lines = text.splitlines(keepends=True)
    end = front_matter_end(lines, display)
    front = parse_yaml("".join(lines[1:end]), display, line_offset=1)
    if not isinstance(front.data, dict):
        raise ProblemReport([Problem(display, 2, None,
                                     "the front matter must be a list of 'key: value' lines")])
    return LeafletSource(path.stem, path, display, front, "".join(lines[end + 1 :]), end + 2)


def front_matter_end(lines: list[str], display: str) -> int:
    """The index of the line closing the front matter that `lines[0]` opens. Raises ProblemReport."""
    if not lines or lines[0].strip() != FENCE:
        raise ProblemReport([Problem(display, 1, None,
                                     "has no front matter: start the file with a line '---', "
                                     "then the leaflet's keys (title, summary, …), then another '---'")])
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        raise ProblemReport([Problem(display, 1, None,
                                     "the front matter never ends: add a line '---' after its last key")])
    return end


def load_yaml_file(path: Path, display: str) -> YamlDocument:
    """Parse a whole YAML file (such as authors.yaml) with its line map. Raises ProblemReport."""
    return parse_yaml(read_text(path, display), display, line_offset=0)


def parse_yaml(text: str, display: str, line_offset: int) -> YamlDocument:
    """Safe-load YAML text; lines are reported as in the file (`line_offset` lines come before `text`)."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError as error:  # a character YAML refuses that FORBIDDEN allows
        raise ProblemReport([_yaml_problem(error, text, display, line_offset)]) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        raise ProblemReport([_yaml_problem(error, text, display, line_offset)]) from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    duplicates: list[Problem] = []
    if node is not None:
        _map_lines(node, (), lines, duplicates, display, line_offset)
    if duplicates:
        raise ProblemReport(duplicates)
    return YamlDocument(display, data, lines, line_offset + 1)


def _yaml_problem(error: yaml.YAMLError, text: str, display: str, line_offset: int) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1 + line_offset
        return Problem(display, line, None, f"has the character {visible(chr(error.character))}, which YAML "
                       "does not allow: delete it")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    context = getattr(error, "context_mark", None)
    if context and mark and mark.index >= len(text.rstrip()):
        mark = context  # an unclosed bracket or quote: point at where it was opened, not at the end
    line = mark.line + 1 + line_offset if mark else None
    what = getattr(error, "problem", None) or str(error)
    if isinstance(error, _Refused):
        return Problem(display, line, None, what)
    return Problem(display, line, None,
                   f"is not valid YAML here: {what} (check the indentation, colons and quotes)")


def _map_lines(node: yaml.Node, here: Location, lines: dict, duplicates: list, display: str,
               offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if here + (key,) in lines:
                name = ".".join(str(part) for part in here + (key,))
                duplicates.append(Problem(display, line, name,
                                          f"is given twice (first on line {lines[here + (key,)]})"))
                continue
            lines[here + (key,)] = line
            _map_lines(value_node, here + (key,), lines, duplicates, display, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[here + (index,)] = item.start_mark.line + 1 + offset
            _map_lines(item, here + (index,), lines, duplicates, display, offset)
