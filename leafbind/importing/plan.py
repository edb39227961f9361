"""A Draft settled into one leaflet: its slug and file, authors, dates, language and sources decided, its
source written, and what the editor must still do. Nothing is written here (importer.py does that)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import langcodes
from lxml import html as lxml_html
from pydantic import ValidationError

from .. import clock
from ..model import WEB_ADDRESS, SourceEntry
from ..project import Project
from ..quality.placeholders import AUTHOR_NAME, SUMMARY
from .authors import Chosen, Registry, slugify
from .draft import Dated, Draft, ImportRefused
from .writer import Fields, leaflet_source, markdown_body, one_line

MAX_KEYWORDS = 20
MAX_NAME = 120  # characters of a person's name: more is a sentence a byline caught by mistake


@dataclass(frozen=True)
class ImageFile:
    path: Path  # leaflets/images/<slug>/image-1.png
    href: str  # its path from the leaflet, as the body writes it
    data: bytes
    alt: str


@dataclass
class Plan:
    """One document as the leaflet it becomes."""

    draft: Draft
    slug: str
    path: Path
    shown: str  # the leaflet's path as the editor knows it
    fields: Fields
    authors: list[Chosen]
    images: list[ImageFile]
    source: str  # the leaflet's whole text
    dates: dict[str, str] = field(default_factory=dict)  # published/updated → where it came from
    lang_from: str = ""
    todo: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        if not self.draft.body_html.strip():
            return []
        tree = lxml_html.fragment_fromstring(self.draft.body_html, create_parent="div")
        return [" ".join(h2.text_content().split()) for h2 in tree.iter("h2")]

    def as_dict(self) -> dict:
        fields, draft = self.fields, self.draft
        return {
            "kind": draft.kind, "slug": self.slug, "leaflet": self.shown,
            "title": {"text": fields.title, "from": draft.title_from},
            "summary": {"text": fields.summary, "from": draft.summary_from},
            "sections": self.sections,
            "authors": [{"key": a.key, "name": a.name, "status": a.status, "from": a.origin}
                        for a in self.authors],
            "published": {"date": fields.published.isoformat(), "from": self.dates.get("published", "")},
            "updated": {"date": fields.updated.isoformat(), "from": self.dates.get("updated", "")}
            if fields.updated else None,
            "lang": {"tag": fields.lang, "from": self.lang_from},
            "keywords": list(fields.keywords), "sources": [dict(entry) for entry in fields.sources],
            "images": [{"file": image.href, "alt": image.alt} for image in self.images],
            "dropped": list(draft.dropped), "unknown_styles": list(draft.unknown_styles),
            "todo": list(self.todo),
        }


def settle(project: Project, draft: Draft, options, registry: Registry, taken: set[str]) -> Plan:
    """Decide the leaflet a Draft becomes. Raises ImportRefused (a leaflet in the way, a broken
    authors.yaml that would have to grow)."""
    todo: list[str] = []
    title = _title(draft, todo)
    slug = _slug(options.slug, title, draft.origin, taken, todo, project.leaflets_dir)
    path = project.leaflets_dir / f"{slug}.md"
    if path.exists() and not options.force:
        raise ImportRefused(f"would become {project.display(path)}, which exists: use --force to replace it, "
                            "or --slug to give it another name")
    _check_inside(project, [path, project.leaflets_dir / "images" / slug])
    summary = _summary(draft, todo)
    authors = _authors(draft, options, registry, todo)
    published, updated, dates = _dates(draft, todo)
    lang, lang_from = _lang(draft, options, todo)
    sources = _sources(draft, todo)
    images = [ImageFile(project.leaflets_dir / "images" / slug / image.name, f"images/{slug}/{image.name}",
                        image.data, image.alt) for image in draft.images]
    fields = Fields(title, summary, tuple(a.key for a in authors), published, updated, lang,
                    _keywords(draft), sources)
    body = markdown_body(draft.body_html, {image.path.name: image.href for image in images})
    if not body.strip():
        todo.append("the document has no text the import could keep: write the leaflet's body")
    todo = [*draft.todo, *todo, f"run `publish check {slug}` and fix what it reports (reading level, plain "
                                f"words …), then `publish build {slug}`"]
    return Plan(draft, slug, path, project.display(path), fields, authors, images,
                leaflet_source(fields, body), dates, lang_from, todo)


def _check_inside(project: Project, paths: list[Path]) -> None:
    """Refuse to write through a link that leads out of the project (leaflets/images → /somewhere)."""
    for path in paths:
        if not project.contains(path):
            raise ImportRefused(f"would be written to {project.display(path)}, which leads outside the "
                                "project (through a link): nothing was written")


def _title(draft: Draft, todo: list[str]) -> str:
    title = one_line(draft.title)
    if title:
        return title
    draft.title_from = "the file's name"
    todo.append("the document has no title: write one (it was named after the file)")
    return draft.origin.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled leaflet"


def _slug(chosen: str | None, title: str, origin: Path, taken: set[str], todo: list[str],
          leaflets: Path) -> str:
    """--slug; else the title's (or the file name's) letters and digits; else, for a title in a script without
    Latin letters, the first free imported-leaflet-N (a slug is a file name and a web address)."""
    if chosen:
        return chosen
    base = next((name for name in (slugify(title), slugify(origin.stem)) if re.search("[a-z]", name)), "")
    if not base:
        names = (f"imported-leaflet-{number}" for number in itertools.count(1))
        slug = next(name for name in names if name not in taken and not (leaflets / f"{name}.md").exists())
        todo.append(f"named {slug}, as its title has no Latin letters to name the file after: import it "
                    "again with --slug to choose the name (lowercase letters, digits and hyphens)")
        return slug
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    if slug != base:
        todo.append(f"named {slug}: another document of this import is {base}")
    return slug


def _summary(draft: Draft, todo: list[str]) -> str:
    summary = one_line(draft.summary)
    if summary:
        return summary
    draft.summary_from = "the starter's sample sentence"
    todo.append("the document has no summary: write one (`publish build` stops until it is written)")
    return SUMMARY


def _authors(draft: Draft, options, registry: Registry, todo: list[str]) -> list[Chosen]:
    if options.author:
        name = registry.book.authors[options.author].name
        return [Chosen(options.author, name, "chosen")]  # the report says "--author" for its status
    chosen: list[Chosen] = []
    for person in draft.people:
        name = one_line(person.name)[:MAX_NAME]
        key = registry.find(name) if name else None
        if key and key not in (c.key for c in chosen):
            chosen.append(Chosen(key, name, "existing", person.origin))
        elif name and not key:
            chosen.append(Chosen(_add(registry, name, person, todo), name, "new", person.origin))
    return chosen or [_assumed(registry, todo)]


def _add(registry: Registry, name: str, person, todo: list[str]) -> str:
    _check_readable(registry, name)
    bio, credentials = one_line(person.bio) or None, one_line(person.credentials) or None
    key = registry.add(name, bio, credentials)
    if not bio:
        todo.append(f"write the bio of {key} in {registry.book.display} (`publish build` stops until it is "
                    "written)")
    return key


def _check_readable(registry: Registry, name: str) -> None:
    """An entry is added only to an authors.yaml that reads as one: a broken file is never written over."""
    if not registry.book.readable:
        raise ImportRefused(f"needs {name} in {registry.book.display}, but that file has problems: fix them "
                            "(publish check shows them) and import again")


def _assumed(registry: Registry, todo: list[str]) -> Chosen:
    """No author named: the file's first author, or the starter's when the project has none."""
    if registry.book.authors:
        key, author = next(iter(registry.book.authors.items()))
        todo.append(f"the document names no author: {key} was put in `authors`; change it if need be")
        return Chosen(key, author.name, "assumed", "the first entry of " + registry.book.display)
    existing = registry.find(AUTHOR_NAME)
    if not existing:
        _check_readable(registry, AUTHOR_NAME)
    key = existing or registry.add(AUTHOR_NAME, None, None)
    todo.append(f"the document names no author: write who wrote it in {registry.book.display} ({key})")
    return Chosen(key, AUTHOR_NAME, "existing" if existing else "new", "the starter author")


def _dates(draft: Draft, todo: list[str]) -> tuple[date, date | None, dict[str, str]]:
    published, updated = draft.published, draft.updated
    if published is None and updated is not None:
        published = updated
        todo.append("the document gives only the date it was updated: `published` is that date too; "
                    "correct it if you know when the text first came out")
    if published is None:
        published = Dated(clock.today(), "today (the document gives no date)")
        todo.append("the document gives no date: `published` was set to today; correct it")
    if updated is not None and updated.value < published.value:
        updated = None
    dates = {"published": published.origin, **({"updated": updated.origin} if updated else {})}
    return published.value, updated.value if updated else None, dates


def _lang(draft: Draft, options, todo: list[str]) -> tuple[str, str]:
    if options.lang:
        return standard_tag(options.lang) or options.lang, "--lang"
    tag = standard_tag(draft.lang or "")
    if tag:
        return tag, draft.lang_from
    if draft.lang:
        todo.append(f'the document\'s language "{draft.lang}" is not a language tag: `lang` was set to en')
    return "en", "the default (the document does not say)"


def standard_tag(tag: str) -> str | None:
    """A well-formed tag in its standard form ("en_gb" → "en-GB"), or None."""
    tag = tag.strip().replace("_", "-")
    if not tag or not langcodes.tag_is_valid(tag):
        return None
    return langcodes.standardize_tag(tag)


def _keywords(draft: Draft) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for keyword in draft.keywords:
        text = one_line(keyword)
        if text and text.casefold() not in seen and len(seen) < MAX_KEYWORDS:
            seen[text.casefold()] = text
    return tuple(seen.values())


def _sources(draft: Draft, todo: list[str]) -> tuple[dict, ...]:
    entries = []
    for number, reference in enumerate(draft.sources, 1):
        entry = {key: value for key, value in (
            ("title", one_line(reference.title)),
            ("publisher", one_line(reference.publisher)), ("author", one_line(reference.author)),
            ("year", reference.year), ("url", reference.url if _web(reference.url) else None)) if value}
        if "publisher" not in entry and "author" not in entry and entry.get("url"):
            host = urlsplit(entry["url"]).hostname or ""
            entry = {key: entry[key] for key in ("title",) if key in entry} | {
                "publisher": host.removeprefix("www.")} | {k: v for k, v in entry.items() if k != "title"}
            todo.append(f"check the publisher of source {number} (taken from its web address)")
        reason = _invalid_source(entry)
        if reason:
            todo.append(f"reference {number} ({reference.title[:60]}) was left out of `sources` ({reason}): "
                        "add it by hand")
        else:
            entries.append(entry)
    return tuple(entries)


def _web(url: str | None) -> bool:
    return bool(url) and WEB_ADDRESS.match(url) is not None


def _invalid_source(entry: dict) -> str | None:
    if "publisher" not in entry and "author" not in entry:
        return "no author or publisher"
    try:
        SourceEntry.model_validate(entry)
    except ValidationError as error:
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
    return None
