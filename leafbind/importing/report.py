"""The import report as text: for each document, what became what, what was dropped, what is left to do."""

from __future__ import annotations

from ..errors import plural
from .importer import Imported, ImportResult

LABEL = 11  # the width of the report's labels


def _line(label: str, text: str) -> str:
    return f"  {label:<{LABEL}}{text}"


def describe(document: Imported, dry_run: bool) -> list[str]:
    """The lines of one document's report."""
    if not document.ok:
        return [f"{document.file}: not imported: {document.error}"]
    plan = document.plan.as_dict()
    verb = "would become" if dry_run else "→" if document.written else "not written:"
    lines = [f"{document.file} ({plan['kind']}) {verb} {plan['leaflet']}",
             _line("title", f"{plan['title']['text']} ({plan['title']['from']})"),
             _line("summary", f"{_short(plan['summary']['text'])} ({plan['summary']['from']})"),
             _line("sections", f"{len(plan['sections'])}: {' · '.join(plan['sections'])}"
                   if plan["sections"] else "none (the text has no headings)"),
             _line("authors", "; ".join(f"{a['key']} ({_author_status(a)})" for a in plan["authors"])),
             _line("dates", _dates(plan)),
             _line("language", f"{plan['lang']['tag']} ({plan['lang']['from']})")]
    if plan["sources"]:
        lines.append(_line("sources", f"{len(plan['sources'])}: "
                           + " · ".join(_short(s["title"], 40) for s in plan["sources"])))
    if plan["images"]:
        lines.append(_line("images", ", ".join(image["file"] for image in plan["images"])))
    lines += _listed("dropped", plan["dropped"])
    if plan["unknown_styles"]:
        lines.append(_line("styles", "unknown, kept as plain text: " + ", ".join(plan["unknown_styles"])))
    lines += _listed("to do", plan["todo"], bullet="- ")
    return lines


def _listed(label: str, items: list[str], bullet: str = "") -> list[str]:
    return [_line(label if index == 0 else "", bullet + item) for index, item in enumerate(items)]


def _author_status(author: dict) -> str:
    status = {"new": "new in authors.yaml", "existing": "already in authors.yaml", "chosen": "--author",
              "assumed": "assumed"}[author["status"]]
    return f"{author['name']}, {status}" + (f", from {author['from']}" if author["from"] else "")


def _dates(plan: dict) -> str:
    text = f"published {plan['published']['date']} ({plan['published']['from']})"
    if plan["updated"]:
        text += f" · updated {plan['updated']['date']} ({plan['updated']['from']})"
    return text


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def summary(result: ImportResult) -> str:
    """The last line: how many documents became leaflets, and the authors added."""
    total, failed = len(result.documents), len(result.failed)
    done = total - failed
    verb = "would be imported" if result.dry_run else "imported"
    text = f"{done} of {plural(total, 'document')} {verb}"
    if failed:
        text += f", {failed} failed"
    if result.authors_added:
        added = "would be added to" if result.dry_run else "added to"
        text += f"; {plural(len(result.authors_added), 'author')} {added} {result.authors_file}: " + \
            ", ".join(result.authors_added)
    if result.skipped:
        text += f"; {plural(len(result.skipped), 'other file')} skipped (not .docx, .html or .htm)"
    return text + "."
