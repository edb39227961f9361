"""The starter's sample texts, defined once: `publish new` (leafbind/starter.py) writes them into a new
leaflet and authors.yaml, and the `placeholder` quality check (rules.py) looks for them, stopping a build
until the editor has replaced them. Valid is not the same as written: without the check, a leaflet saying
"Write a short introduction here" would publish.
"""

from __future__ import annotations

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
