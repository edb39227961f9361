"""Start a new edition of a leaflet: raise `edition`, date it in `updated`, record what changed in `history`.

The front matter is edited as text, never dumped again from parsed YAML: its comments, key order, quoting,
blank lines and line endings are the editor's, and a new edition changes only the three keys it is about.
PyYAML's node marks say where each value stands in the text; everything outside those places is copied as it
was. Before anything is written, the edited text is parsed and validated again and compared with the old one.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from yaml.reader import Reader

from . import clock
from .catalogue import check_catalogue
from .errors import LeafbindError, ProblemReport
from .load import front_matter_end, parse_leaflet
from .model import Leaflet, Revision
from .output import write_atomically
from .project import Project
from .validate import load_authors, validate

EDITION_KEYS = ("edition", "updated", "history")  # the only keys a new edition may change
ENTRY_KEYS = ("edition", "date", "note")  # a history entry's keys, in this order unless the file shows one
DEFAULT_INDENT = 2  # a dash below its key, and an entry's keys after the dash, when the file shows no list

NOTE_IS = "the note for the new edition is"
Edit = tuple[int, int, str]  # replace front[start:end] with the text


@dataclass(frozen=True)
class EditionChange:
    """What `new_edition` wrote, for the command line to report."""

    path: Path
    old_edition: int
    new_edition: int
    date: date
    note: str


@dataclass(frozen=True)
class _Front:
    """A leaflet's front matter as text, with its parsed top-level keys, for editing in place."""

    text: str
    root: yaml.MappingNode
    keys: dict[str, tuple[yaml.Node, yaml.Node]]  # key → (key node, value node)
    newline: str

    def line_after(self, node: yaml.Node) -> int:
        """Where the line after `node` starts: the place to insert a key or list item that follows it."""
        found = self.text.find("\n", content_end(node, self.text))
        return len(self.text) if found < 0 else found + 1


def new_edition(project: Project, slug: str, note: str, when: date | None = None, *,
                same_day: bool = False) -> EditionChange:
    """Record a new edition of leaflet `slug` in its source file, dated `when` (default today).

    The leaflet must be valid first (else ProblemReport, and nothing is written). Raises UnknownLeaflet for an
    unknown slug, and LeafbindError for a blank or multi-paragraph note, a date before the last change, or
    (unless `same_day`) the date of the current edition: two editions on one day are nearly always one
    command run twice, and a second edition can't be taken back once it is printed.
    """
    leaflet = _valid_leaflet(project, slug)
    display = project.display(leaflet.path)
    note = _checked_note(note, display)
    when = when or clock.today()
    if when < leaflet.last_changed:
        raise LeafbindError(f"{display}: a new edition can't be dated {when}: the leaflet last changed on "
                            f"{leaflet.last_changed} (use that date or a later one)")
    if when == edition_date(leaflet) and not same_day:
        raise LeafbindError(_same_day(leaflet, when, display))
    data = _read_bytes(leaflet.path, display)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    old_text = data[len(bom):].decode("utf-8")
    revision = Revision(leaflet.edition + 1, when, note)
    new_text = edit_source(old_text, revision, display)
    _check_edit(project, leaflet, old_text, new_text, revision)
    write_atomically(leaflet.path, bom + new_text.encode("utf-8"))
    return EditionChange(leaflet.path, leaflet.edition, revision.edition, when, note)


def _valid_leaflet(project: Project, slug: str) -> Leaflet:
    """The leaflet, checked as `publish check` would; its problems (if any) are raised, not edited around."""
    checked = check_catalogue(project, (slug,))
    found = [leaflet for leaflet in checked.leaflets if leaflet.slug == slug]
    if not found:
        raise ProblemReport(checked.problems)
    return found[0]


def _checked_note(note: str, display: str) -> str:
    """The note as one line of text: the history shows it as one paragraph after the edition and date."""
    if not note.strip():
        raise LeafbindError(f"{display}: {NOTE_IS} empty: say in a sentence what changed")
    if re.search(r"\n\s*\n", note):
        raise LeafbindError(f"{display}: {NOTE_IS} more than one paragraph: remove the blank line")
    note = " ".join(note.split())
    if bad := Reader.NON_PRINTABLE.search(note):
        raise LeafbindError(f"{display}: {NOTE_IS} not plain text: remove the control character "
                            f"U+{ord(bad.group()):04X}")
    return note


def edition_date(leaflet: Leaflet) -> date:
    """The date of the leaflet's current edition: its `history` entry's, or `published` for edition 1. (Not
    `updated`: that also moves for a correction made within an edition.) An edition raised by hand, with no
    entry, has only `updated` to date it."""
    if leaflet.history and leaflet.history[-1].edition == leaflet.edition:
        return leaflet.history[-1].date
    return leaflet.published if leaflet.edition == 1 else leaflet.last_changed


def _same_day(leaflet: Leaflet, when: date, display: str) -> str:
    """Why a second edition on the day of the current one is refused, and the ways on."""
    current = leaflet.edition
    recorded = bool(leaflet.history) and leaflet.history[-1].edition == current
    change = (f"to change its note, edit edition {current}'s entry under 'history' in the file" if recorded
              else f"to change edition {current}, edit the leaflet itself")
    return (f"{display}: edition {current} is already dated {when}, so a new edition that day would be a "
            f"second one (was the command run twice?). Nothing was changed: {change}; for edition "
            f"{current + 1}, give a later day with --date YYYY-MM-DD, or add --same-day if it really is a "
            f"second edition on {when}")


def _read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise LeafbindError(f"{display} can't be read ({error.strerror})") from None


# --- Editing the text -------------------------------------------------------------------------------------


def edit_source(text: str, revision: Revision, display: str) -> str:
    """A leaflet's text (without BOM) with `revision` recorded: `edition` and `updated` set, and an entry
    appended to `history`. Only those values change; every other character stays as it was."""
    lines = text.splitlines(keepends=True)
    start = len(lines[0])
    stop = start + sum(len(line) for line in lines[1:front_matter_end(lines, display)])
    front = _compose(text[start:stop], lines[0], display)
    edits = [*_edition_edits(front, revision), *_history_edits(front, revision)]
    return text[:start] + apply_edits(front.text, edits) + text[stop:]


def _compose(text: str, first_line: str, display: str) -> _Front:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise LeafbindError(f"{display}: the front matter is not written one 'key: value' per line, so a new "
                            "edition can't be added to it: write each key on a line of its own")
    keys = {key.value: (key, value) for key, value in root.value}
    newline = "\r\n" if first_line.endswith("\r\n") else "\n"
    return _Front(text, root, keys, newline)


def _edition_edits(front: _Front, revision: Revision) -> list[Edit]:
    """Set `edition` and `updated` where they are, or add them on lines after `published` (and `updated`)."""
    edits = []
    published_key, published = front.keys["published"]
    day = _date_text(revision.date, published)
    lines = []
    if "updated" in front.keys:
        edits.append(_replace_scalar(front.keys["updated"][1], revision.date.isoformat()))
    else:
        lines.append(f"updated: {day}")
    if "edition" in front.keys:
        edits.append(_replace_scalar(front.keys["edition"][1], str(revision.edition)))
    else:
        lines.append(f"edition: {revision.edition}")
    if lines:
        key, value = front.keys.get("updated", (published_key, published))
        at, indent = front.line_after(value), " " * key.start_mark.column
        edits.append((at, at, "".join(indent + line + front.newline for line in lines)))
    return edits


def _history_edits(front: _Front, revision: Revision) -> list[Edit]:
    """Append the entry to `history`, in the style of its last entry; start the list when there is none."""
    if "history" not in front.keys:
        at, indent = len(front.text), " " * front.root.start_mark.column
        lead = "" if front.text.endswith(("\n", "\r")) else front.newline
        return [(at, at, lead + indent + "history:" + front.newline + _first_entry(front, revision, indent))]
    key, history = front.keys["history"]
    if not history.value:  # history: [] becomes a block list, which the next edition can extend
        at = front.line_after(history)
        return [(key.end_mark.index, history.end_mark.index, ":"),
                (at, at, _first_entry(front, revision, " " * key.start_mark.column))]
    last = history.value[-1]
    if history.flow_style:
        at = content_end(last, front.text)
        return [(at, at, ", " + _flow_entry(revision, last))]
    at = front.line_after(last)
    return [(at, at, _block_entry(revision, last, history, front))]


def _first_entry(front: _Front, revision: Revision, indent: str) -> str:
    """The first entry of a new `history` list whose key is indented by `indent`, laid out like the file's
    other lists; dates quoted like `published`."""
    dash, gap = _list_style(front)
    lines = _entry_lines(revision, ENTRY_KEYS, _date_text(revision.date, front.keys["published"][1]))
    return _entry_block(lines, indent + " " * dash, indent + " " * (dash + gap), True, front.newline)


def _list_style(front: _Front) -> tuple[int, int]:
    """(columns from a key to its list's dash, columns from the dash to the item) of the first block list."""
    for key, value in front.keys.values():
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            item = value.value[0]
            gap = item.start_mark.column - value.start_mark.column
            if item.start_mark.line != value.start_mark.line:
                gap = DEFAULT_INDENT  # `-` alone on its line: no gap to copy
            return value.start_mark.column - key.start_mark.column, gap
    return DEFAULT_INDENT, DEFAULT_INDENT


def _block_entry(revision: Revision, last: yaml.Node, history: yaml.SequenceNode, front: _Front) -> str:
    """A new `- edition: …` entry laid out like the last one: dash column, key column, keys on the dash line
    or below it, key order, date quoting; a last entry written as {…} gets a {…} entry."""
    dash = " " * history.start_mark.column  # every dash of a block list stands in one column
    if last.flow_style or not isinstance(last, yaml.MappingNode):
        return f"{dash}- {_flow_entry(revision, last)}{front.newline}"
    lines = _entry_lines(revision, _key_order(last), _date_text(revision.date, _entry_value(last, "date")))
    same_line = "\n" not in front.text[front.text.rfind("-", 0, last.start_mark.index):last.start_mark.index]
    return _entry_block(lines, dash, " " * last.start_mark.column, same_line, front.newline)


def _entry_block(lines: list[str], dash: str, keys: str, same_line: bool, newline: str) -> str:
    """`- key: value` lines: the dash indented by `dash`, keys by `keys`, the first key after the dash or
    (when not `same_line`) on the line below it."""
    if same_line:
        first, *lines = lines
        head = dash + "-" + " " * (len(keys) - len(dash) - 1) + first
    else:
        head = dash + "-"
    return "".join(line + newline for line in [head] + [keys + line for line in lines])


def _flow_entry(revision: Revision, last: yaml.Node) -> str:
    """A new entry written {edition: …, date: …, note: …}, its keys ordered like the last entry's."""
    day = _date_text(revision.date, _entry_value(last, "date"))
    return "{" + ", ".join(_entry_lines(revision, _key_order(last), day)) + "}"


def _entry_lines(revision: Revision, order: tuple[str, ...], day: str) -> list[str]:
    values = {"edition": str(revision.edition), "date": day, "note": yaml_string(revision.note)}
    return [f"{key}: {values[key]}" for key in order]


def _key_order(entry: yaml.Node) -> tuple[str, ...]:
    """The order of the keys in an existing entry, when it has exactly the usual keys."""
    if isinstance(entry, yaml.MappingNode):
        order = tuple(key.value for key, _ in entry.value)
        if sorted(order) == sorted(ENTRY_KEYS):
            return order
    return ENTRY_KEYS


def _entry_value(entry: yaml.Node, name: str) -> yaml.Node | None:
    if isinstance(entry, yaml.MappingNode):
        return next((value for key, value in entry.value if key.value == name), None)
    return None


def _date_text(day: date, like: yaml.Node | None) -> str:
    """A date written as the editor writes dates nearby: quoted ('…' or "…") or plain."""
    quote = like.style if like is not None and like.style in ("'", '"') else ""
    return f"{quote}{day.isoformat()}{quote}"


def _replace_scalar(node: yaml.Node, value: str) -> Edit:
    """Replace a scalar's value, keeping its quotes if it has them. An empty value (`updated:` and nothing)
    starts right after the colon, so the new value needs a space before it."""
    quote = node.style if node.style in ("'", '"') else ""
    space = " " if node.start_mark.index == node.end_mark.index else ""
    return (node.start_mark.index, node.end_mark.index, f"{space}{quote}{value}{quote}")


def yaml_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar: JSON strings are a subset of YAML's double-quoted style."""
    return json.dumps(text, ensure_ascii=False)


def content_end(node: yaml.Node, text: str) -> int:
    """Just after the last character of `node`'s own text.

    A block list or mapping ends, for PyYAML, where the next key starts (after any comments and blank lines
    between), so look at its last item instead; a block scalar's span ends with its trailing blank lines.
    """
    if isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return content_end(last[1] if isinstance(last, tuple) else last, text)
    start, end = node.start_mark.index, node.end_mark.index
    return start + len(text[start:end].rstrip())


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits; insertions at one place keep the order in which they were listed."""
    pieces, at = [], 0
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < at:
            raise LeafbindError(f"internal error: overlapping edits at character {start} of the front matter")
        pieces += [text[at:start], new]
        at = end
    return "".join(pieces) + text[at:]


# --- The safety net ---------------------------------------------------------------------------------------


def _check_edit(project: Project, leaflet: Leaflet, old_text: str, new_text: str, revision: Revision) -> None:
    """Parse and validate the edited text, and prove it differs from the old one only as intended."""
    display = project.display(leaflet.path)
    try:
        old = parse_leaflet(old_text, leaflet.path, display)
        new = parse_leaflet(new_text, leaflet.path, display)
        edited = validate(new, load_authors(project), project)
    except ProblemReport as report:
        raise _bug(display, f"the edited file would not be valid:\n{report}") from None
    if _without_edition(old.front.data) != _without_edition(new.front.data) or old.body != new.body:
        raise _bug(display, "keys other than edition, updated and history would have changed")
    old_history, new_history = old.front.data.get("history") or [], new.front.data.get("history") or []
    if new_history[:-1] != old_history or (edited.edition, edited.updated, edited.history) != (
            revision.edition, revision.date, leaflet.history + (revision,)):
        raise _bug(display, "the new edition would not have been recorded as intended")


def _without_edition(data: dict) -> list[tuple]:
    """The front matter's other keys, in order, with their values."""
    return [(key, value) for key, value in data.items() if key not in EDITION_KEYS]


def _bug(display: str, what: str) -> LeafbindError:
    return LeafbindError(f"{display} was not changed: leafbind could not edit it safely ({what}). "
                         "This is a bug in leafbind; please report it with the file")
