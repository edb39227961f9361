"""Check sources against the schema: LeafletSource → Leaflet, or a ProblemReport listing every problem."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from .errors import Problem, ProblemReport, did_you_mean
from .load import LeafletSource, YamlDocument, load_yaml_file
from .markdown import render_body
from .model import (
    SLUG_PATTERN,
    Author,
    AuthorEntry,
    FrontMatter,
    HistoryEntry,
    Leaflet,
    Revision,
    Source,
    SourceEntry,
    Translation,
    shown,
)
from .project import Project

AUTHORS_FILE = "authors.yaml"
TRANSLATION_FIELDS = ("translation_of", "source_edition", "translated_by", "checked_by", "translated")
TRANSLATORS = ("translated_by", "checked_by")  # front-matter lists of authors.yaml keys, beside `authors`
LANGUAGE_SUFFIX = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")  # a language tag in a file name, lower case
LIST_ENTRIES = {"sources": SourceEntry, "history": HistoryEntry}  # front-matter lists whose items have fields


@dataclass(frozen=True)
class AuthorBook:
    """The entries of leaflets/authors.yaml that are valid, and the keys of those that are not."""

    display: str
    authors: dict[str, Author] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()
    problems: tuple[Problem, ...] = ()
    readable: bool = True  # False when the file itself is broken: then every key is in doubt
    # key → digest of its entry, for the build state
    fingerprints: dict[str, str] = field(default_factory=dict)


def load_authors(project: Project) -> AuthorBook:
    """Read and check leaflets/authors.yaml; its problems are kept, not raised, so good leaflets still
    build."""
    path = project.leaflets_dir / AUTHORS_FILE
    display = project.display(path)
    if not path.is_file():
        return AuthorBook(display)
    try:
        project.check_inside(path, display)
        document = load_yaml_file(path, display)
    except ProblemReport as report:
        return AuthorBook(display, problems=report.problems, readable=False)
    if not isinstance(document.data, dict):
        return AuthorBook(display, problems=(Problem(display, 1, None, "must map author keys to entries "
                                                      "(key: then name:, bio: … indented below it)"),),
                          readable=False)
    authors, broken, problems = {}, set(), []
    for key, raw in document.data.items():
        entry, found = check_schema(AuthorEntry, raw, document, (key,))
        photo = _photo(entry, project, document, key, found) if entry else None
        if found:
            broken.add(str(key))
            problems.extend(found)
        else:
            authors[str(key)] = Author(str(key), entry.name, entry.credentials, entry.bio, photo,
                                       entry.cite_as)
    fingerprints = {str(key): _fingerprint(raw) for key, raw in document.data.items()}
    return AuthorBook(display, authors, frozenset(broken), tuple(problems), fingerprints=fingerprints)


def _fingerprint(entry) -> str:
    """A digest of one entry as written: editing one author changes only that author's fingerprint."""
    return hashlib.sha256(json.dumps(entry, sort_keys=True, default=str).encode()).hexdigest()


def _photo(entry: AuthorEntry, project: Project, document: YamlDocument, key: str, found: list[Problem]):
    if entry.photo is None:
        return None
    try:
        return project.resolve_file(entry.photo, project.leaflets_dir)
    except ValueError as error:
        found.append(Problem(document.display, document.line_of((key, "photo")), f"{key}.photo", str(error)))
        return None


def validate(source: LeafletSource, book: AuthorBook, project: Project) -> Leaflet:
    """Check one leaflet completely and return it, or raise ProblemReport with all of its problems."""
    front, problems = check_schema(FrontMatter, source.front.data, source.front, ())
    family, language = split_slug(source.slug)
    if not SLUG_PATTERN.match(family) or (language is not None and not LANGUAGE_SUFFIX.match(language)):
        problems.append(Problem(source.display, None, None,
                                f'the file name "{source.slug}" is not a valid slug: '
                                "use lowercase letters, digits and hyphens only, e.g. knee-pain.md, and for "
                                "a translation the language after a dot, e.g. knee-pain.pl.md"))
    elif front is not None:
        problems.extend(_check_translation(front, source, family, language))
    body = render_body(source.body, source.body_line, source.path, source.display, project)
    problems.extend(body.problems)
    problems.extend(_check_authors(_author_keys(front, source), source, book))
    for role in TRANSLATORS:
        problems.extend(_check_authors(_author_keys(front, source, role), source, book, role))
    problems.extend(_check_links(body, source))
    if front is not None:
        problems.extend(_check_dates(front, source))
        problems.extend(_check_history(front, source))
    if problems:
        raise ProblemReport(sorted(problems, key=lambda p: (p.line or 0)))
    return Leaflet(
        slug=source.slug, path=source.path, title=front.title, summary=front.summary,
        authors=tuple(book.authors[key] for key in front.authors),
        published=front.published, updated=front.updated, review=front.review, edition=front.edition,
        code=front.id, lang=front.lang, keywords=tuple(front.keywords),
        sources=tuple(Source(**entry.model_dump()) for entry in front.sources),
        history=tuple(Revision(**entry.model_dump()) for entry in front.history),
        introduction=body.introduction, sections=body.sections, images=body.images, origin=source.front,
        body=source.body, body_line=source.body_line,
        translation=Translation(
            of=front.translation_of, source_edition=front.source_edition,
            translated_by=tuple(book.authors[key] for key in front.translated_by),
            checked_by=tuple(book.authors[key] for key in front.checked_by),
            translated=front.translated) if front.translation_of else None,
    )


def split_slug(slug: str) -> tuple[str, str | None]:
    """A file name's slug → (the leaflet's slug, the language of a translation or None): knee-pain.pl → (
    knee-pain, pl)."""
    family, dot, language = slug.partition(".")
    return family, (language if dot else None)


def _check_translation(front: FrontMatter, source: LeafletSource, family: str,
                       language: str | None) -> list[Problem]:
    """A translation's file is named <slug>.<lang>.md and says what it was translated from, who translated it
    and who checked it; a leaflet that is not a translation says none of that."""
    def problem(key: str, message: str) -> Problem:  # a missing key: at the line of translation_of, or lang
        at = next(k for k in (key, "translation_of", "lang") if k in source.front.data or k == "lang")
        return Problem(source.display, source.front.line_of((at,)), key, message)

    if language is None:
        return [problem(key, f"only a translation has {key}: name its file after the leaflet and the "
                             f"language, e.g. {family}.{front.lang.lower()}.md")
                for key in TRANSLATION_FIELDS if source.front.data.get(key) not in (None, [], "")]
    problems = []
    if front.lang.lower() != language:
        problems.append(problem("lang", f'"{front.lang}" is not the language of the file name '
                                        f'("{language}"): rename the file '
                                        f"{family}.{front.lang.lower()}.md, or correct lang"))
    if front.translation_of is not None and front.translation_of != family:
        problems.append(problem("translation_of", f'"{front.translation_of}" is not the leaflet the file '
                                                  f'name gives ("{family}")'))
    needed = {"translation_of": f"the leaflet it was translated from ({family})",
              "source_edition": "the edition of that leaflet it was translated from",
              "translated_by": "who translated it (authors.yaml keys)",
              "checked_by": "who checked the translation: a second translator (authors.yaml keys)"}
    problems.extend(problem(key, f"a translation needs {key}: {meaning}")
                    for key, meaning in needed.items() if not getattr(front, key))
    if same := sorted(set(front.translated_by) & set(front.checked_by)):
        problems.append(problem("checked_by", f"{', '.join(same)} also translated it: a translation is "
                                              "checked by someone else"))
    return problems


def _check_dates(front: FrontMatter, source: LeafletSource) -> list[Problem]:
    problems = []
    if front.updated and front.updated < front.published:
        problems.append(Problem(source.display, source.front.line_of(("updated",)), "updated",
                                f"{front.updated} is before the published date {front.published}"))
    if front.review and front.review <= front.published:
        problems.append(Problem(source.display, source.front.line_of(("review",)), "review",
                                f"{front.review} must be after the published date {front.published}"))
    for index, entry in enumerate(front.sources):
        if not (entry.publisher or entry.author):
            problems.append(Problem(source.display, source.front.line_of(("sources", index)),
                                    f"sources[{index + 1}]", "needs a publisher or an author"))
    return problems


def _check_history(front: FrontMatter, source: LeafletSource) -> list[Problem]:
    """The history tells the leaflet's story in order: editions up to the current one, dated from first
    publication to the latest change (`updated`, or `published` when the leaflet was never updated)."""
    problems, previous = [], None
    for index, entry in enumerate(front.history):
        found = {"edition": _edition_order(entry, previous, front),
                 "date": _date_order(entry, previous, front)}
        problems.extend(Problem(source.display, source.front.line_of(("history", index, key)),
                                f"history[{index + 1}].{key}", message)
                        for key, message in found.items() if message)
        previous = entry
    return problems


def _edition_order(entry: HistoryEntry, previous: HistoryEntry | None, front: FrontMatter) -> str | None:
    if previous and entry.edition <= previous.edition:
        return (f"{entry.edition} must be higher than the edition before it ({previous.edition}): "
                "list the editions oldest first")
    if entry.edition > front.edition:
        return f"{entry.edition} is later than this leaflet's edition, {front.edition}"
    return None


def _date_order(entry: HistoryEntry, previous: HistoryEntry | None, front: FrontMatter) -> str | None:
    if entry.date < front.published:
        return f"{entry.date} is before the published date {front.published}"
    if previous and entry.date < previous.date:
        return (f"{entry.date} is before the date of the edition before it ({previous.date}): "
                "list the editions oldest first")
    if front.updated and entry.date > front.updated:
        return (f"{entry.date} is after the updated date {front.updated} "
                "(updated is the date of the latest change)")
    if not front.updated and entry.date > front.published:
        return (f"{entry.date} is after the published date {front.published} and there is no updated date: "
                f"add 'updated: {entry.date}'")
    return None


def _author_keys(front: FrontMatter | None, source: LeafletSource, role: str = "authors"
                 ) -> list[tuple[int, str]]:
    """The author keys to look up (of `authors`, or of a translator's role): from the valid front matter, or,
    when another field has a problem, every key written as text, so that a bad date does not hide an unknown
    author until the next run."""
    keys = getattr(front, role) if front is not None else source.front.data.get(role)
    if not isinstance(keys, list):
        return []
    return [(index, key) for index, key in enumerate(keys) if isinstance(key, str) and key.strip()]


def _check_links(body, source: LeafletSource) -> list[Problem]:
    """`#section` links must lead to a section of this leaflet: an e-book with a broken one is invalid."""
    anchors = [section.anchor for section in body.sections]
    return [Problem(source.display, line, "body", f'the link "#{target}" leads to no section of this leaflet'
                    + (did_you_mean(target, anchors) or _anchor_list(anchors)))
            for line, target in body.fragments if target not in anchors]


def _anchor_list(anchors: list[str]) -> str:
    if not anchors:
        return " (it has no '##' sections to link to)"
    return " (its sections are " + ", ".join(f"#{anchor}" for anchor in anchors) + ")"


def _check_authors(keys: list[tuple[int, str]], source: LeafletSource, book: AuthorBook,
                   role: str = "authors") -> list[Problem]:
    problems = []
    for index, key in keys:
        line = source.front.line_of((role, index))
        if key in book.broken or not book.readable:
            problems.append(Problem(source.display, line, role,
                                    f'author "{key}" has problems in {book.display}'))
        elif key not in book.authors:
            hint = did_you_mean(key, book.authors) or f" (add it to {book.display})"
            problems.append(Problem(source.display, line, role,
                                    f'"{key}" is not an author in {book.display}{hint}'))
    return problems


def check_schema(schema: type[BaseModel], raw: object, document: YamlDocument, prefix: tuple) -> tuple:
    """Validate `raw` against `schema`; return (model or None, problems) with lines from `document`."""
    if not isinstance(raw, dict):
        where = ".".join(map(str, prefix)) or None
        return None, [Problem(document.display, document.line_of(prefix), where,
                              "must be a set of 'key: value' lines indented below it")]
    try:
        return schema.model_validate(raw), []
    except ValidationError as error:
        return None, [_problem(item, document, prefix, schema) for item in error.errors()]


def _problem(item: dict, document: YamlDocument, prefix: tuple, schema: type[BaseModel]) -> Problem:
    location = prefix + tuple(item["loc"])
    return Problem(document.display, document.line_of(location), _field_name(location),
                   _message(item, schema))


def _field_name(location: tuple) -> str:
    """('sources', 0, 'title') → 'sources[1].title': list items counted from 1, as editors count."""
    name = ""
    for part in location:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _message(item: dict, schema: type[BaseModel]) -> str:
    kind, value = item["type"], item.get("input")
    field = item["loc"][-1] if item["loc"] else ""
    if kind == "missing":
        return f"is required: add a line '{field}: …'"
    if kind == "extra_forbidden":
        fields = _known_fields(schema, item["loc"])
        return "is not a known field" + (did_you_mean(field, fields) or
                                         f" (known fields: {', '.join(fields)})")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number (got {shown(value)})"
    if kind == "greater_than_equal":
        return f"must be {item['ctx']['ge']} or more (got {shown(value)})"
    if kind == "less_than_equal":
        return f"must be {item['ctx']['le']} or less (got {shown(value)})"
    if kind == "list_type":
        return f"must be a list, one '- item' per line (got {shown(value)})"
    if kind == "too_short":
        return "must list at least one entry"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a set of 'key: value' lines"
    return item["msg"][0].lower() + item["msg"][1:]


def _known_fields(schema: type[BaseModel], location: tuple) -> list[str]:
    """The fields allowed where an unknown key was found (top level or inside a list such as `sources`)."""
    if len(location) > 1 and location[0] in LIST_ENTRIES:
        return list(LIST_ENTRIES[location[0]].model_fields)
    return list(schema.model_fields)
