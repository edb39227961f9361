"""Plain words: the shipped list of hard terms with plainer ones, the project's additions, and abbreviations.

A project's file (default `plain-words.yaml` beside leafbind.toml) has four optional keys:

    terms:            # medical terms → plain words (a term explained in brackets beside them is fine)
      haemorrhage: bleeding
    words:            # formal words → plain words to use instead
      in receipt of: given
    allow:            # terms of the shipped list this project's leaflets may use
      - chronic
    abbreviations:    # abbreviations its readers know, which need no spelling out
      - ECG
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from ..errors import Problem, ProblemReport
from ..load import YamlDocument, load_yaml_file
from ..model import Schema, Text
from ..validate import check_schema

SHIPPED = Path(__file__).with_name("plain-words.yaml")
ABBREVIATION = re.compile(r"(?<![\w&])([A-Z][A-Z0-9&]*[A-Z0-9])(s?)(?![\w&])")
ROMAN = re.compile(r"^[IVXLC]+$")
# Everyday words written in capitals for emphasis ("Do NOT drive"), which are not abbreviations.
EMPHASIS = {"NOT", "NO", "DO", "DON'T", "NEVER", "ALWAYS", "STOP", "CALL", "NOW", "ONLY", "MUST", "ALL",
            "AND", "OR", "IF", "IMPORTANT", "WARNING", "URGENT", "YES", "NOTE", "OFF", "ON", "IN", "OUT",
            "UP", "BEFORE", "AFTER", "ANY", "ONCE", "TODAY", "WAIT", "STILL", "EVERY", "SAME", "DAY", "AT",
            "TO", "BE"}


Entries = dict[Annotated[str, Field(min_length=1)], Text]


class PlainWordsFile(Schema):
    terms: Entries = {}
    words: Entries = {}
    allow: list[Text] = []
    abbreviations: list[Text] = []


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    found: str  # as written in the text
    term: str  # as listed
    plain: str
    explainable: bool  # a medical term, which may stay if explained; else a formal word to replace


@dataclass(frozen=True)
class PlainWords:
    words: dict[str, str]  # term (lower case) → plainer words
    terms: frozenset[str]  # those of `words` that are medical terms
    abbreviations: frozenset[str]
    pattern: re.Pattern[str] | None

    def hits(self, text: str) -> list[Hit]:
        """Each listed term in `text` that is not explained in brackets beside its plainer words."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            term = next(term for term, group in zip(self.words, match.groups(), strict=True)
                        if group is not None)
            explainable = term in self.terms
            if not (explainable and _explained(text, match, self.words[term])):
                found.append(Hit(match.start(), match.end(), match.group(), term, self.words[term],
                                 explainable))
        return found

    def known(self, abbreviation: str) -> bool:
        return abbreviation in self.abbreviations or ROMAN.match(abbreviation) is not None


def bracketed(text: str, match: re.Match[str]) -> tuple[str | None, str | None]:
    """Brackets beside a match: (the text before "(match)", None) when it stands in brackets, (None, the text
    from inside "match (…") when brackets follow it, else (None, None)."""
    before, after = text[:match.start()].rstrip(), text[match.end():].lstrip()
    if before.endswith("(") and after.startswith(")"):
        return before[:-1].rstrip(), None
    return None, after[1:].lstrip() if after.startswith("(") else None


def _explained(text: str, match: re.Match[str], plain: str) -> bool:
    """"heart attack (myocardial infarction)" or "myocardial infarction (heart attack)" teach the term."""
    options = [option.strip().lower() for option in plain.split(",")]
    before, inside = bracketed(text, match)
    if before is not None:
        return any(before.lower().endswith(option) for option in options)
    return inside is not None and any(inside.lower().startswith(option) for option in options)


def spelled_out(text: str, match: re.Match[str]) -> bool:
    """"blood pressure (BP)" or "BP (blood pressure)": the abbreviation is explained where it stands."""
    before, inside = bracketed(text, match)
    if before is not None:
        return bool(before)
    return inside is not None and re.match(r"[a-z]", inside, re.IGNORECASE) is not None


def _term_pattern(term: str) -> str:
    """A term and its simple endings: commence → commences, commenced, commencing; lists → list, lists."""
    words = [re.escape(word) for word in term.lower().split()]
    last = words[-1]
    if last.endswith("e"):
        words[-1] = last[:-1] + r"(?:e|es|ed|ing)"
    elif last.endswith("y") and len(last) > 2:
        words[-1] = last[:-1] + r"(?:y|ies|ied|ying)"
    else:
        words[-1] = last + r"(?:s|es|ed|ing)?"
    return r"\s+".join(words)


def make_plain_words(words: dict[str, str], terms: set[str], abbreviations: set[str]) -> PlainWords:
    # longest first: "adverse event" before "adverse"
    ordered = dict(sorted(words.items(), key=lambda item: -len(item[0])))
    pattern = None
    if ordered:
        alternatives = "|".join(f"({_term_pattern(term)})" for term in ordered)
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
    return PlainWords(ordered, frozenset(terms) & set(ordered), frozenset(abbreviations), pattern)


def read_file(path: Path, display: str) -> tuple[PlainWordsFile, YamlDocument]:
    """Read and check one plain-words file. Raises ProblemReport naming the file, line and field."""
    document = load_yaml_file(path, display)
    entry, problems = check_schema(PlainWordsFile, document.data if document.data is not None else {},
                                   document, ())
    if problems:
        raise ProblemReport(problems)
    return entry, document


def load_plain_words(path: Path | None, display: str | None) -> PlainWords:
    """The shipped list, with the project's file (if it exists) added to it. Raises ProblemReport."""
    shipped, _ = read_file(SHIPPED, "leafbind/quality/plain-words.yaml")
    words = _lower(shipped.terms) | _lower(shipped.words)
    terms = set(_lower(shipped.terms))
    abbreviations = set(shipped.abbreviations)
    if path is not None and path.is_file():
        own, document = read_file(path, display or path.name)
        unknown = [(index, term) for index, term in enumerate(own.allow) if term.lower() not in words]
        if unknown:
            index, term = unknown[0]
            raise ProblemReport([Problem(document.display, document.line_of(("allow", index)),
                                         f"allow[{index + 1}]",
                                         f'"{term}" is not in the shipped list, so there is nothing '
                                         "to allow")])
        for term in own.allow:
            words.pop(term.lower(), None)
        words.update(_lower(own.terms) | _lower(own.words))
        terms = (terms | set(_lower(own.terms))) - set(_lower(own.words))
        abbreviations.update(own.abbreviations)
    return make_plain_words(words, terms, abbreviations)


def _lower(entries: dict[str, str]) -> dict[str, str]:
    return {term.lower(): plain for term, plain in entries.items()}


def abbreviations(text: str) -> list[re.Match[str]]:
    """Words in capitals that look like abbreviations ("ECG", "GPs", "A&E"), not shouting ("DO NOT")."""
    found = []
    for match in ABBREVIATION.finditer(text):
        neighbours = text[max(0, match.start() - 12):match.start()].split()[-1:] + \
            text[match.end():match.end() + 12].split()[:1]
        if match.group(1) in EMPHASIS or any(word.strip(".,;:!?\"'()").isupper() and
                                              len(word.strip(".,;:!?\"'()")) > 1 for word in neighbours):
            continue
        found.append(match)
    return found
