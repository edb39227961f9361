"""The leaflet's language for everything the layouts add around its text: the words (gettext catalogues,
managed with Babel), the dates, the names of languages, and the direction of writing.

The layouts are written in English. A catalogue gives each of their strings in one language: the built-in
ones are `layouts/locale/<locale>/LC_MESSAGES/leafbind.po`, and a project's own `layouts/locale/…` adds
languages or overrides single strings of a built-in catalogue. Catalogues are read as they are (Babel's PO
reader; there is no compiled `.mo` to keep in step), once per process, and chosen by the leaflet's `lang`:
`zh-Hans-CN` looks in `zh_Hans_CN`, then `zh_Hans`, then `zh`. A string that no catalogue of the language has
is printed in English and recorded (`Strings.missing`), so the build can warn, naming it.

    strings = strings_for(project.layout_dirs, "ar")
    strings.gettext("Cite this leaflet")        # "استشهد بهذه النشرة"
    strings.date(date(2026, 9, 14))             # "14 سبتمبر 2026", as Babel (CLDR) writes it for ar
    strings.direction                           # "rtl"
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.pofile import PoFileError, read_po
from babel.units import format_unit

from .errors import LeafbindError

DOMAIN = "leafbind"
LOCALE_DIR = "locale"  # inside a layouts folder
SOURCE_LANGUAGE = "en"  # the layouts' own language: English needs no catalogue
# A bare "en" is not the CLDR default (United States English: "September 14, 2026") but English as most of the
# world writes it, day before month ("14 September 2026"), as leafbind's leaflets have always been dated.
# "en-US" gets the American forms.
LOCALE_FOR = {"en": "en_001"}
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")  # %(name)s in the layouts' strings, {page} in the page counter
PO_LINE = re.compile(r'^(#.*|(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)\s+".*"|".*")$')


def N_(message: str) -> str:  # noqa: N802 (the name Babel's extractor knows: a string translated later)
    """Mark a string for the catalogues where it is written; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Catalogue:
    """The strings of one language, merged from its catalogues: msgid → text (a tuple of plural forms for a
    plural string), and how the language picks a plural form."""

    messages: dict
    plural: Callable[[int], int]

    def get(self, key):
        return self.messages.get(key)


@dataclass
class Strings:
    """The layouts' strings and formats in one language, for one leaflet (it records what it missed)."""

    lang: str  # the BCP 47 tag, as the leaflet gives it
    locale: Locale
    catalogue: Catalogue | None  # None for English, and for a language no catalogue has
    missing: set[str] = field(default_factory=set)

    @property
    def direction(self) -> str:
        """"rtl" for a language written right to left (Arabic, Urdu, Hebrew …), else "ltr"."""
        return self.locale.text_direction

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def start(self) -> str:
        """The side lines begin on, for stylesheets: "left", or "right" in a right-to-left language."""
        return "right" if self.rtl else "left"

    @property
    def end(self) -> str:
        return "left" if self.rtl else "right"

    @property
    def english(self) -> bool:
        return self.locale.language == SOURCE_LANGUAGE

    @property
    def name(self) -> str:
        """The language's name in English, with its tag: "Arabic (ar)"."""
        return f"{self.locale.get_display_name('en')} ({self.lang})"

    def printed_text(self) -> str:
        """Every translated string of the catalogues together: the letters the layouts may add in the
        language (for the fonts the outputs need)."""
        if self.catalogue is None:
            return ""
        return " ".join(text for value in self.catalogue.messages.values()
                        for text in (value if isinstance(value, tuple) else (value,)))

    def gettext(self, message: str) -> str:
        if self.english:
            return message
        found = self.catalogue.get(message) if self.catalogue else None
        if not found:
            self.missing.add(message)
            return message
        return found

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        english = singular if number == 1 else plural
        if self.english:
            return english
        forms = self.catalogue.get((singular, plural)) if self.catalogue else None
        if not forms or not all(forms):
            self.missing.add(singular)
            return english
        index = self.catalogue.plural(number)
        return forms[index] if index < len(forms) else forms[-1]

    def date(self, day: date) -> str:
        """A date written out in the language's long form: 14 September 2026, 14 września 2026."""
        return format_date(day, "long", locale=self.locale)

    def join(self, items: list[str]) -> str:
        """Names joined as the language lists them: "A and B", "A, B and C", "A i B", "A 和 B"."""
        return format_list([str(item) for item in items], locale=self.locale) if items else ""

    def file_size(self, size: int) -> str:
        """A file's size as readers read it, in their language: 84 kB, 1,2 MB."""
        if size < 1000 * 1000:
            return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                               locale=self.locale)
        return format_unit(round(size / 1000 / 1000, 1), "digital-megabyte", length="short", format="#,##0.0",
                           locale=self.locale)

    def month_year(self, day: date) -> str:
        return format_skeleton("yMMMM", day, locale=self.locale)

    def language_name(self, tag: str, regional: bool = False) -> str:
        """The name of the language `tag` in its own language and script: "العربية", "Polski", "English"."""
        return own_name(tag, regional)


UNCASED = {"ar", "ur", "fa", "he", "bn", "hi", "zh", "ja", "ko", "th"}  # scripts with no capital letters


def parse_locale(tag: str) -> Locale:
    """Babel's Locale for a BCP 47 tag; for a language CLDR doesn't know, its language alone, else English
    (the layouts' strings stay English then, and the build warns)."""
    tag = LOCALE_FOR.get(tag, tag)
    for candidate in (tag, tag.split("-")[0]):
        try:
            return Locale.parse(candidate, sep="-" if "-" in candidate else "_")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en_001")


def own_name(tag: str, regional: bool = False) -> str:
    """The name of the language `tag` in its own language and script, as a list of languages shows it:
    "العربية", "Polski", "中文 (简体)", "English" — with its region only when `regional` ("English (United
    Kingdom)", for a leaflet in two Englishes)."""
    locale = Locale.parse(tag) if tag in LOCALE_FOR else parse_locale(tag)
    if locale.language != tag.split("-")[0].lower():  # a language CLDR doesn't know: its tag
        return tag
    shown = locale if regional else Locale(locale.language, script=locale.script)
    name = shown.get_display_name(locale) or tag
    return name[:1].upper() + name[1:] if locale.language not in UNCASED else name


def direction_of(tag: str) -> str:
    """The direction of writing of the language `tag`: "rtl" or "ltr" (for marking a word in another language,
    such as a language's own name)."""
    return parse_locale(tag).text_direction


def strings_for(layout_dirs: tuple[Path, ...], lang: str) -> Strings:
    """The layouts' strings in `lang`, from the catalogues in `layout_dirs` (the project's layouts, then the
    built-in ones). Raises LeafbindError naming the file and line of a catalogue that can't be read."""
    locale = parse_locale(lang)
    if locale.language == SOURCE_LANGUAGE:
        return Strings(lang, locale, None)
    return Strings(lang, locale, _catalogue(tuple(layout_dirs), _candidates(locale)))


def _candidates(locale: Locale) -> tuple[str, ...]:
    """The catalogue folders for a locale, most general first: ("zh", "zh_Hans", "zh_Hans_CN")."""
    parts = [locale.language]
    for extra in (locale.script, locale.territory, locale.variant):
        if extra:
            parts.append(f"{parts[-1]}_{extra}")
    return tuple(parts)


def _catalogue(layout_dirs: tuple[Path, ...], candidates: tuple[str, ...]) -> Catalogue | None:
    """Every catalogue of the language merged: the built-in ones first, then the project's, and within each
    the more specific locale over the more general. None when there is none."""
    project_dir, *builtin = layout_dirs
    found = [folder / LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
             for folder in (*builtin, project_dir) for name in candidates]
    files = [(path, _stamp(path)) for path in found if path.is_file()]
    return _merged(tuple(files)) if files else None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=64)
def _merged(files: tuple[tuple[Path, tuple[int, int]], ...]) -> Catalogue:
    """The catalogues (each with its size and time, so that a changed file is read again) merged in order,
    the later ones' strings and plural rule winning."""
    messages: dict = {}
    plural = None
    for path, _ in files:
        catalog = _read(path)
        plural = stdlib_gettext.c2py(catalog.plural_expr)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple | list):
                if message.string and all(message.string):
                    messages[tuple(message.id[:2])] = tuple(message.string)
            elif message.string:
                messages[message.id] = message.string
    return Catalogue(messages, plural)


def _read(path: Path):
    """The catalogue, checked: Babel's reader passes over a line it can't make sense of (a string without its
    opening quote loses its first letter), so every line is checked first; and each translation must use
    only the placeholders of its string, or the layout would fail (or print a wrong value) where it is used.
    Raises LeafbindError naming the file and line."""
    try:
        data = path.read_bytes()
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            if line.strip() and not PO_LINE.match(line.strip()):
                raise LeafbindError(f"{_shown(path)}:{number}: not a line of a PO catalogue: "
                                    f"{line.strip()[:60]} (a keyword — msgid, msgstr … — and a string in "
                                    "double quotes, a string continued, or a # comment)")
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        raise LeafbindError(f"{_shown(path)}: {error}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise LeafbindError(f"{_shown(path)}: the catalogue can't be read ({error})") from None
    for message in catalog:
        if message.id and message.string:
            _check_placeholders(path, message)
    return catalog


def _check_placeholders(path: Path, message) -> None:
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    allowed = {found for text in ids for found in PLACEHOLDER.findall(text)}
    for text in message.string if isinstance(message.string, tuple | list) else (message.string,):
        stray = [found for found in PLACEHOLDER.findall(text) if found not in allowed]
        bare = re.search(r"%(?!\(\w+\)s|%)", text)  # the layouts format every string with %
        if stray or bare:
            what = ", ".join(stray) if stray else 'a lone "%" (write "%%" for a percent sign)'
            has = ", ".join(sorted(allowed)) or "none"
            raise LeafbindError(f'{_shown(path)}:{message.lineno}: the translation of "{ids[0]}" has {what}, '
                                f"which the string does not have (its placeholders: {has})")


def _shown(path: Path) -> str:
    """A catalogue's path from its layouts folder: layouts/locale/ar/LC_MESSAGES/leafbind.po."""
    parts = path.parts
    index = len(parts) - 1 - parts[::-1].index(LOCALE_DIR)
    return "/".join(("layouts", *parts[index:]))
