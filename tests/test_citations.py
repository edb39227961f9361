"""Citations: every value an editor writes comes out as text, never as markup, in every built-in style (and in
a style that upper-cases names), in the HTML the PDF and the EPUB show; people's names are cited as reference
styles cite them (particles, titles, suffixes), groups whole."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import build
from markupsafe import Markup

from leafbind.citations import STYLES, cite_leaflet, reference_list
from leafbind.model import Author, Leaflet, Source

UPPERCASE_STYLE = "iso690-author-date-en"  # a CSL style with text-case="uppercase" on family names
TEXT = 'Fish & Chips <script>alert("x")</script> <b>Bold</b> "Q" 1 < 2 > 0 &amp; Co'
URL = 'https://example.org/?a=1&b=<script>alert("x")</script>'
PERSON = "Amara <script>x=1</script><b>O&Kafor</b>"  # given "Amara", family the rest (quotes: a nickname)
MARKER, MARKER_URL, MARKER_PERSON = "Zanzibar Quay", "https://example.org/zanzibar", "Amara Zanzibar"

TEAM = Author("team", "Riverside Health Team", None, "The team that writes our leaflets.", None, None)
SOURCE = Source("Knee pain", "NHS", None, 2025, "https://www.nhs.uk/conditions/knee-pain/", date(2026, 9, 1))
LEAFLET = Leaflet(slug="knee-pain", path=Path("leaflets/knee-pain.md"), title="Knee pain",
                  summary="How to look after a sore knee.", authors=(TEAM,), published=date(2026, 1, 5),
                  updated=date(2026, 9, 14), review=None, edition=2, code="PIL-0042", lang="en", keywords=(),
                  sources=(SOURCE,), history=(), introduction=Markup(""), sections=(), images=(), origin=None)
ORGANISATION, ADDRESS = "Riverside Community Health", "https://leaflets.example/knee-pain/"

# field → (how to put a value there: (leaflet, organisation, url) → the same with the value, hostile value,
#          the part of it a reader should see, benign value)
FIELDS = {
    "title": (lambda v, leaflet, o, u: (replace(leaflet, title=v), o, u), TEXT, TEXT, MARKER),
    "author": (lambda v, leaflet, o, u: (replace(leaflet, authors=(replace(TEAM, name=v + " Team"),)), o, u),
               TEXT, TEXT + " Team", MARKER),
    "person": (lambda v, leaflet, o, u: (replace(leaflet, authors=(replace(TEAM, name=v),)), o, u),
               PERSON, PERSON.removeprefix("Amara "), MARKER_PERSON),
    "organisation": (lambda v, leaflet, o, u: (leaflet, v, u), TEXT, TEXT, MARKER),
    "url": (lambda v, leaflet, o, u: (leaflet, o, v), URL, URL, MARKER_URL),
    "source title": (lambda v, leaflet, o, u: (replace(leaflet, sources=(replace(SOURCE, title=v),)), o, u),
                     TEXT, TEXT, MARKER),
    "source author": (lambda v, leaflet, o, u: (replace(leaflet, sources=(replace(SOURCE, author=v),)), o, u),
                      TEXT, TEXT, MARKER),
    "source publisher": (lambda v, leaflet, o, u: (replace(leaflet,
                                                           sources=(replace(SOURCE, author="Jane Smith",
                                                                            publisher=v),)), o, u),
                         TEXT, TEXT, MARKER),
    "source url": (lambda v, leaflet, o, u: (replace(leaflet, sources=(replace(SOURCE, url=v),)), o, u),
                   URL, URL, MARKER_URL),
}


def rendered(style: str, field: str, value: str) -> str:
    """The leaflet's citation and its references in `style`, as the layouts show them, with
    `field` = `value`."""
    put = FIELDS[field][0]
    leaflet, organisation, url = put(value, LEAFLET, ORGANISATION, ADDRESS)
    [citation] = cite_leaflet(leaflet, [style], organisation, url)
    assert isinstance(citation.html, Markup)
    return " ".join([str(citation.html), *map(str, reference_list(leaflet.sources, style))])


def parsed(html: str) -> ET.Element:
    """The HTML as XML inside a wrapper element: it must be well-formed, as the EPUB's XHTML needs."""
    return ET.fromstring(f"<div>{html}</div>")


def visible(element: ET.Element) -> str:
    return "".join(element.itertext())


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("style", [*STYLES, UPPERCASE_STYLE])
def test_every_value_comes_out_as_text_in_every_style(style: str, field: str) -> None:
    _, hostile, seen, benign = FIELDS[field]
    html = rendered(style, field, hostile)
    assert "<script" not in html.lower() and "<b>bold" not in html.lower()
    tree, plain = parsed(html), parsed(rendered(style, field, benign))
    # The style's own formatting (<i>, <b>, small caps …) and nothing else:
    # the same tags as with a plain value.
    assert [node.tag for node in tree.iter()] == [node.tag for node in plain.iter()]
    text, plain_text = visible(tree), visible(plain)
    if style == UPPERCASE_STYLE:  # the style may upper-case a value; its characters must still be there
        text, plain_text, seen, benign = text.upper(), plain_text.upper(), seen.upper(), benign.upper()
    shown = (benign.removeprefix("AMARA ").removeprefix("Amara ")) in plain_text
    assert (seen in text) == shown  # a value the style shows is shown exactly as typed
    if field in ("title", "source title"):
        assert shown  # every style shows the titles, so the check above is not vacuous


def test_entities_typed_in_a_value_are_shown_as_typed_not_decoded() -> None:
    [citation] = cite_leaflet(replace(LEAFLET, title="Salt &lt; 6 g &amp; less"),
                              ["apa"], ORGANISATION, ADDRESS)
    assert "Salt &lt; 6 g &amp; less" in visible(parsed(str(citation.html)))
    [upper] = cite_leaflet(replace(LEAFLET, authors=(replace(TEAM, name="Smith & Jones Clinic"),)),
                           [UPPERCASE_STYLE], ORGANISATION, ADDRESS)
    assert "SMITH & JONES CLINIC" in visible(parsed(str(upper.html)))
    assert "&AMP;" not in str(upper.html)


def test_hostile_values_make_a_valid_epub_whose_citation_shows_them_as_text(scenario) -> None:
    root = scenario("clinic", layouts=("standard",))  # a clinic, its organisation made hostile too
    settings = root / "leafbind.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'organisation = "', 'organisation = "<b>Bold</b> & ', 1), encoding="utf-8")
    authors = root / "leaflets" / "authors.yaml"
    authors.write_text(authors.read_text(encoding="utf-8") + (
        "hostile:\n  name: 'Jan <script>x</script> van der Berg'\n  bio: Writes <i>leaflets</i> & more.\n"),
        encoding="utf-8")
    leaflet = root / "leaflets" / "knee-pain.md"
    leaflet.write_text(f"""---
title: '{TEXT}'
summary: How to look after a sore knee at home.
authors: [hostile]
published: 2026-01-05
sources:
  - title: '{TEXT}'
    publisher: 'NHS <b>&</b> friends'
    url: '{URL}'
---

Rest your knee.

## When to get help

See a doctor if the pain is bad.
""", encoding="utf-8")
    result = build(root, slugs=("knee-pain",), formats=("epub",), lint=False)  # EPUBCheck runs on the EPUB
    assert result.problems == ()
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(root / "dist" / "knee-pain" / "knee-pain-ed1.epub") as archive:
        pages = {name.rsplit("/", 1)[-1]: ET.fromstring(archive.read(name)) for name in archive.namelist()
                 if name.endswith(("cite.xhtml", "sources.xhtml"))}
    for page in pages.values():
        tags = {node.tag.split("}")[1] for node in page.iter()}
        assert "script" not in tags
    cite = " ".join(visible(pages["cite.xhtml"].find("x:body", ns)).split())
    assert TEXT in cite and "van der Berg, J." in cite
    assert "<b>Bold</b> & " in cite  # the organisation, as publisher
    sources = " ".join(visible(pages["sources.xhtml"].find("x:body", ns)).split())
    assert TEXT in sources and URL in sources and "NHS <b>&</b> friends" in sources


# --- Names --------------------------------------------------------------------------------------------------


def apa(name: str, cite_as: str | None = None) -> str:
    [citation] = cite_leaflet(replace(LEAFLET, authors=(replace(TEAM, name=name, cite_as=cite_as),)), ["apa"],
                              ORGANISATION, ADDRESS)
    return str(citation.html)


@pytest.mark.parametrize(("name", "cite_as", "cited"), [
    ("Jan van der Berg", None, "van der Berg, J."),  # the particle stays with the family name
    ("Maria de la Cruz", None, "de la Cruz, M."),
    ("Dr Amara Okafor", None, "Okafor, A."),  # titles are left out
    ("Prof. Amara Okafor", None, "Okafor, A."),
    ("John Smith Jr", None, "Smith, J., Jr."),  # generational suffixes are kept …
    ("Amara Okafor PhD", None, "Okafor, A."),  # … degrees are credentials, not names
    ("Mary Anne Jones", None, "Jones, M. A."),
    ("Riverside Health Team", None, "Riverside Health Team."),  # a group: whole
    ("Prince", None, "Prince."),  # a single name: whole
    ("Jane Smith", "Smith-Jones, Jane", "Smith-Jones, J."),  # cite_as "Family, Given" wins
    ("Jane Smith", "The Smith Partnership", "The Smith Partnership."),  # any other cite_as: whole
])
def test_names_are_cited_as_reference_styles_cite_them(name: str, cite_as: str | None, cited: str) -> None:
    html = apa(name, cite_as)
    assert html.startswith(cited + " (2026, September 14)"), html


def test_particles_are_never_initials_in_any_style() -> None:
    leaflet = replace(LEAFLET, authors=(replace(TEAM, name="Jan van der Berg"),))
    cited = {citation.style: str(citation.html)
             for citation in cite_leaflet(leaflet, list(STYLES), ORGANISATION, ADDRESS)}
    assert cited["apa"].startswith("van der Berg, J. ")
    assert cited["mla"].startswith("van der Berg, J. ")
    assert cited["ama"].startswith("van der Berg J. ")
    assert cited["harvard"].startswith("van der Berg, J. ")
