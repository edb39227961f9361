"""The people an import names, matched to leaflets/authors.yaml or added to it.

A person the file already holds (the same name, with or without a title such as "Dr") keeps their entry.
Anyone else gets a new entry, appended after the file's own text, so that its comments, order and wrapping
stay as the editors wrote them. The file is written once, at the end of an import, and only if the whole new
text still reads as a valid authors.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..load import parse_yaml
from ..model import Author
from ..quality.placeholders import AUTHOR_BIO
from ..validate import AuthorBook
from .writer import author_entry


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case ASCII letters, digits and single hyphens: "Dr Priya Nair" → "dr-priya-nair". Letters with
    accents lose them; other scripts give "" (the caller falls back on another name)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


# Words before a name that are not part of it. (nameparser's list of titles is far longer — "Writer",
# "Nurse", "Chef" — and would make "Nurse Amy Lee" and "Amy Lee" one person but also "Writer 1" plain "1".)
HONORIFICS = re.compile(r"^(?:(?:dr|doctor|prof|professor|mr|mrs|ms|miss|mx|sir|dame|rev|revd)\.?\s+)+",
                        re.IGNORECASE)


def bare_name(name: str) -> str:
    """A name without the honorific before it or the letters after a comma: "Dr Priya Nair, RN" → "Priya
    Nair"."""
    return HONORIFICS.sub("", name.split(",")[0].strip()).strip() or name.strip()


def _folded_name(name: str) -> str:
    """A name compared without titles, punctuation or case: "Dr. Priya Nair" and "priya nair" match."""
    return " ".join(re.sub(r"[^\w\s]", " ", bare_name(name).casefold()).split())


@dataclass(frozen=True)
class Chosen:
    """An author of one imported leaflet: the key, and how it was found (for the report)."""

    key: str
    name: str
    status: str  # "chosen" (--author), "existing" (matched by name), "new" (added to authors.yaml)
    origin: str = ""


@dataclass
class Registry:
    """authors.yaml as an import sees it: the entries it holds, and the ones this import adds."""

    book: AuthorBook
    text: str  # the file as it is ("" when there is none)
    added: dict[str, Author] = field(default_factory=dict)  # key → the author this import adds, in order

    def find(self, name: str) -> str | None:
        """The key of the entry with this person's name, already in the file or added by this import."""
        wanted = _folded_name(name)
        for key, author in {**self.book.authors, **self.added}.items():
            if _folded_name(author.name) == wanted:
                return key
        return None

    def add(self, name: str, bio: str | None, credentials: str | None) -> str:
        """A new entry for this person; a missing bio gets the starter's, which the `placeholder` check
        stops a build on until the editor writes one."""
        base = slugify(bare_name(name)) or "author"
        key, number = base, 2
        while key in self.book.authors or key in self.book.broken or key in self.added:
            key, number = f"{base}-{number}", number + 1
        self.added[key] = Author(key, name, credentials, bio or AUTHOR_BIO, None, None)
        return key

    def forget(self, count: int) -> None:
        """Take back the authors added after the first `count` (those of a document that failed)."""
        for key in list(self.added)[count:]:
            del self.added[key]

    def authors(self) -> AuthorBook:
        """The book leaflets are checked against: the file's entries and the added ones."""
        return AuthorBook(self.book.display, {**self.book.authors, **self.added}, self.book.broken)

    def new_text(self) -> str:
        """authors.yaml with the added entries after its own text. Raises ProblemReport if the result would
        not read back (the caller then writes nothing)."""
        text = self.text
        if text and not text.endswith("\n"):
            text += "\n"
        entries = [author_entry(a.key, a.name, a.bio, a.credentials) for a in self.added.values()]
        text += "".join(f"\n{entry}" if text or index else entry for index, entry in enumerate(entries))
        parse_yaml(text, self.book.display, 0)
        return text
