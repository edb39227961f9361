"""The starter leaflet `publish new SLUG` writes: valid as it stands, with every field shown to the editor.

Its sample text is defined once, in leafbind/quality/placeholders.py: written into the new files here, and
looked for by the `placeholder` quality check, which stops a build until the editor has replaced it. Valid is
not the same as written: without the check, a leaflet saying "Write a short introduction here" would publish.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import clock
from .errors import LeafbindError
from .model import SLUG_PATTERN
from .output import write_atomically
from .project import Project
from .quality.placeholders import AUTHOR_BIO, AUTHOR_KEY, AUTHOR_NAME, HELP, INTRODUCTION, SECTION, SUMMARY
from .validate import AUTHORS_FILE

STARTER = """\
---
title: {title}
summary: >-
  {summary}
authors:
  - {author}
published: {today}
# updated: {today}        # the date of the latest change, if any
# review: {review}        # when the leaflet is next due for review
edition: 1
# id: PIL-0000            # your leaflet code, if you use them
lang: en
keywords: []
sources: []
# sources:
#   - title: Title of the page or document
#     publisher: Who published it
#     year: {year}
#     url: https://example.org/page
#     accessed: {today}
---

{introduction}

## What you need to know

{section}

## When to get help

{help}
"""

STARTER_AUTHORS = f"""\
# Authors of this project's leaflets: key → name, credentials (optional), bio, photo (optional).
{AUTHOR_KEY}:
  name: {AUTHOR_NAME}
  credentials: Clinicians and patient reviewers
  bio: >-
    {AUTHOR_BIO}
"""


def new_leaflet(project: Project, slug: str, today: date | None = None) -> Path:
    """Write leaflets/<slug>.md (and a starter authors.yaml if there is none). Raises LeafbindError."""
    if not SLUG_PATTERN.match(slug):
        raise ValueError(f'"{slug}" is not a valid slug: use lowercase letters, digits and hyphens, '
                         "e.g. knee-pain")
    path = project.leaflets_dir / f"{slug}.md"
    if path.exists():
        raise LeafbindError(f"{project.display(path)} already exists; it was left unchanged")
    authors = project.leaflets_dir / AUTHORS_FILE
    if not authors.exists():
        write_atomically(authors, STARTER_AUTHORS.encode())
    project.check_inside(authors, project.display(authors))  # its first key is read below
    today = today or clock.today()
    text = STARTER.format(title=slug.replace("-", " ").capitalize(), author=_first_author(authors),
                          today=today, review=date(today.year + 2, today.month, min(today.day, 28)),
                          year=today.year, summary=SUMMARY, introduction=INTRODUCTION,
                          section=" ".join(SECTION), help=HELP)
    write_atomically(path, text.encode())
    return path


def _first_author(authors: Path) -> str:
    for line in authors.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and line.rstrip().endswith(":"):
            return line.rstrip()[:-1].strip()
    return AUTHOR_KEY
