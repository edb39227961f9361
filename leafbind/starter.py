"""The starter leaflet `publish new SLUG` writes: valid as it stands, with every field shown to the editor.

Its sample text is defined here once: written into the new files, and looked for by the `placeholder` quality
check (leafbind/lint.py), which stops a build until the editor has replaced it. Valid is not the same as
written: without the check, a leaflet saying "Write a short introduction here" would publish.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from . import clock
from .errors import LeafbindError
from .model import SLUG_PATTERN
from .output import write_atomically
from .project import Project
from .validate import AUTHORS_FILE

# The starter leaflet's sample sentences, each to be replaced by the leaflet's own text.
SUMMARY = "One short paragraph saying who this leaflet is for and what it explains."
INTRODUCTION = "Write a short introduction here: what the condition or treatment is, in plain words."
SECTION = ("Start each section with a '##' heading.", "Use '###' for a smaller heading inside a section.")
HELP = "Say when and how to get help."
PLACEHOLDERS = (SUMMARY, INTRODUCTION, *SECTION, HELP)

# The starter author of a new project, to be replaced by the people or team who write the leaflets.
AUTHOR_KEY = "editorial-team"
AUTHOR_NAME = "Editorial Team"
AUTHOR_BIO = "The editorial team writes and reviews this organisation's patient leaflets."

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
        raise ValueError(f'"{slug}" is not a valid slug: use lowercase letters, digits and hyphens, e.g. knee-pain')
    path = project.leaflets_dir / f"{slug}.md"
    if path.exists():
        raise LeafbindError(f"{project.display(path)} already exists; it was left unchanged")
    authors = project.leaflets_dir / AUTHORS_FILE
    if not authors.exists():
        write_atomically(authors, STARTER_AUTHORS.encode())
    project.check_inside(authors, project.display(authors))  # its first key is read below
    today = today or clock.today()
    text = STARTER.format(title=slug.replace("-", " ").capitalize(), author=_first_author(authors), today=today,
                          review=date(today.year + 2, today.month, min(today.day, 28)), year=today.year,
                          summary=SUMMARY, introduction=INTRODUCTION, section=" ".join(SECTION), help=HELP)
    write_atomically(path, text.encode())
    return path


def _first_author(authors: Path) -> str:
    for line in authors.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and line.rstrip().endswith(":"):
            return line.rstrip()[:-1].strip()
    return AUTHOR_KEY


def placeholder_in(text: str) -> str | None:
    """The first of the starter's sample sentences that `text` still holds (ignoring case and line breaks), or
    None. A sentence anywhere in the text counts: an editor who writes after the sample text, rather than
    over it, has not replaced it."""
    folded = _folded(text)
    return next((sentence for sentence in PLACEHOLDERS if _folded(sentence) in folded), None)


def is_starter_author(name: str) -> bool:
    """Whether `name` is the starter author's, compared whole: "Riverside Editorial Team" is a real name."""
    return _folded(name) == _folded(AUTHOR_NAME)


def is_starter_bio(bio: str) -> bool:
    """Whether `bio` still holds the starter's bio sentence, even with the editor's own words added to it."""
    return _folded(AUTHOR_BIO) in _folded(bio)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()
