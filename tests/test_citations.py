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
    assert cited["mla"].startswith("van der Berg, Jan. ")  # MLA 9 writes given names in full
    assert cited["ama"].startswith("van der Berg J. ")
    assert cited["harvard"].startswith("van der Berg, J. ")


# --- As the style guides write them -------------------------------------------------------------------------

# A leaflet whose title is a question, cited as a web page (a first edition with no leaflet code, so that each
# style's own punctuation follows the title, as in the manuals' web page examples).
QUESTION = replace(LEAFLET, title="Is my knee pain serious?", authors=(replace(TEAM, name="Jane Smith"),),
                   edition=1, code=None)
QUESTION_URL = "https://leaflets.example/knee-pain/"
# Web-page sources: an organisation that is both author and publisher, and a team on its trust's website.
NHS_PAGE = Source("Knee pain: when to see a GP?", "NHS", None, 2025, "https://www.nhs.uk/conditions/knee-pain/",
                  date(2026, 9, 1))
TRUST_PAGE = Source("Ear drops: do they work?", "Riverbend Hearing Trust", "Riverbend Ear Care Team", 2024,
                    "https://hearing.riverbend.example/drops/", date(2026, 6, 20))

AS_THE_GUIDES_WRITE_THEM = {
    # APA 7 (Publication Manual §10.16, "Webpage on a website": Author, A. A. (Year, Month Day). *Title of
    # work*. Site Name. URL; the site name left out when it is the author, as in the manual's Centers for
    # Disease Control example). A title ending in ? keeps it, and the question mark takes the period's place.
    "apa": (
        "Smith, J. (2026, September 14). <i>Is my knee pain serious?</i> Riverside Community Health. "
        "https://leaflets.example/knee-pain/",
        ["NHS. (2025). <i>Knee pain: when to see a GP?</i> https://www.nhs.uk/conditions/knee-pain/",
         "Riverbend Ear Care Team. (2024). <i>Ear drops: do they work?</i> Riverbend Hearing Trust. "
         "https://hearing.riverbend.example/drops/"]),
    # MLA 9 (MLA Handbook, works-cited entries for a work on a website: Author, Given name. *Title in Title
    # Case*. Publisher, Day Mon. Year, URL.). Given names in full; after a title ending in ?, no period.
    "mla": (
        "Smith, Jane. <i>Is My Knee Pain Serious?</i> Riverside Community Health, 14 Sept. 2026, "
        "https://leaflets.example/knee-pain/.",
        ["NHS. <i>Knee Pain: When to See a GP?</i> 2025, https://www.nhs.uk/conditions/knee-pain/.",
         "Riverbend Ear Care Team. <i>Ear Drops: Do They Work?</i> Riverbend Hearing Trust, 2024, "
         "https://hearing.riverbend.example/drops/."]),
    # AMA 11 (§3.15.1, websites: Author. Title of item. Name of website. Date. Accessed Month Day, Year. URL,
    # no period after the URL). The website's name is the publisher's. The manual writes "Published" before
    # the date; the official CSL style leaves that word out, and so does this.
    "ama": (
        "Smith J. Is my knee pain serious? Riverside Community Health. September 14, 2026. "
        "https://leaflets.example/knee-pain/",
        ["NHS. Knee pain: when to see a GP? 2025. Accessed September 1, 2026. "
         "https://www.nhs.uk/conditions/knee-pain/",
         "Riverbend Ear Care Team. Ear drops: do they work? Riverbend Hearing Trust. 2024. "
         "Accessed June 20, 2026. https://hearing.riverbend.example/drops/"]),
    # Harvard, Cite Them Right 12th edition (web page: Author (Year) *Title*. Available at: URL (Accessed: day
    # Month year).). The leaflet has no date on which the reader opened it, so no "(Accessed: …)".
    "harvard": (
        "Smith, J. (2026) <i>Is my knee pain serious?</i> Riverside Community Health. "
        "Available at: https://leaflets.example/knee-pain/.",
        ["NHS (2025) <i>Knee pain: when to see a GP?</i> "
         "Available at: https://www.nhs.uk/conditions/knee-pain/ (Accessed: 1 September 2026).",
         "Riverbend Ear Care Team (2024) <i>Ear drops: do they work?</i> Riverbend Hearing Trust. "
         "Available at: https://hearing.riverbend.example/drops/ (Accessed: 20 June 2026)."]),
}


@pytest.mark.parametrize("style", STYLES)
def test_each_style_cites_a_leaflet_and_its_web_sources_as_its_manual_does(style: str) -> None:
    leaflet_entry, source_entries = AS_THE_GUIDES_WRITE_THEM[style]
    [citation] = cite_leaflet(QUESTION, [style], ORGANISATION, QUESTION_URL)
    assert str(citation.html) == leaflet_entry
    assert list(map(str, reference_list((NHS_PAGE, TRUST_PAGE), style))) == source_entries


def test_ama_names_the_website_and_harvard_the_edition_as_their_guides_do() -> None:
    citations = cite_leaflet(LEAFLET, list(STYLES), ORGANISATION, ADDRESS)
    cited = {citation.style: str(citation.html) for citation in citations}
    assert "Knee pain. Riverside Community Health. September 14, 2026." in cited["ama"]
    assert "<i>Knee pain</i>. 2nd edn. Riverside Community Health." in cited["harvard"]  # CTR: "edn"


DOUBLED = ("?.", "!.", "..", "?,", "!,")


@pytest.mark.parametrize("mark", ["?", "!", "."])
@pytest.mark.parametrize("style", [*STYLES, UPPERCASE_STYLE, "chicago-author-date", "ieee"])
def test_a_title_keeps_its_own_mark_and_the_style_adds_none_after_it(style: str, mark: str) -> None:
    title = f"Can I exercise with a sore knee{mark}"
    leaflet = replace(LEAFLET, title=title, sources=(
        replace(SOURCE, title=title),  # a web page
        replace(SOURCE, title=title, url=None, accessed=None),  # a book
        replace(SOURCE, title=title, author="Jane Smith", publisher="Riverbend Hearing Trust"),
    ))
    entries = [*(citation.html for citation in cite_leaflet(leaflet, [style], ORGANISATION, ADDRESS)),
               *reference_list(leaflet.sources, style)]
    for entry in (visible(parsed(str(html))) for html in entries):
        assert f"exercise with a sore knee{mark}".lower() in entry.lower(), entry  # the title's mark stays
        assert not any(doubled in entry for doubled in DOUBLED), entry


def test_a_period_before_a_comma_stays_where_the_style_guides_keep_it() -> None:
    # "Jr." and an organisation's "Ltd." end in a period that is part of the name, and the style's comma
    # still follows it
    [citation] = cite_leaflet(replace(LEAFLET, authors=(replace(TEAM, name="John Smith Jr"),)), ["apa"],
                              "Knee Care Ltd.", ADDRESS)
    assert str(citation.html).startswith("Smith, J., Jr. (2026, September 14).")
    [citation] = cite_leaflet(LEAFLET, ["mla"], "Knee Care Ltd.", ADDRESS)
    assert "Knee Care Ltd., 14 Sept. 2026" in str(citation.html)


@pytest.mark.parametrize("style", STYLES)
def test_citing_again_gives_the_same_and_leaves_the_parsed_style_as_it_was(style: str) -> None:
    # The style is parsed once per process and keeps what it works out about itself; nothing of one leaflet
    # may stay in it. (citeproc-py itself added an element to the style for each name list it formatted.)
    from leafbind.citations import _style

    def cite() -> list[str]:
        citations = cite_leaflet(QUESTION, [style], ORGANISATION, QUESTION_URL)
        references = reference_list((NHS_PAGE, TRUST_PAGE, SOURCE), style)
        return [str(citation.html) for citation in citations] + list(map(str, references))

    first = cite()
    size = len(list(_style(style).root.iter()))
    cite_leaflet(replace(LEAFLET, authors=(TEAM, replace(TEAM, name="Jan van der Berg"))), [style], "", None)
    assert cite() == first
    assert len(list(_style(style).root.iter())) == size
