"""The web edition (leafbind/site.py), checked on the real files of a built scenario: a page per leaflet in
its language with its title and sections, download links to the very files the manifest lists, the QR code
of the printed handout leading to a page of the site, the sitemap, the Atom feed and the OPDS catalogue read
by an independent parser (feedparser), every page valid to the Nu HTML Checker, and, in a real browser opened
on the folder, a search that finds a leaflet, its page with its downloads, and no axe-core violation.

The clinic scenario (tests/roots/clinic) sets `website`, so `publish build` makes its site; tests that change
a project make their own copy.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
import zxingcpp
from conftest import build, edit
from lxml import etree
from lxml import html as lxml_html
from PIL import Image
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from webcheck import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe_violations,
    file_url,
    nu_errors,
    screenshot,
    set_viewport,
)

from leafbind import new_edition, open_project

GOLDEN_SITE = Path(__file__).resolve().parent / "golden" / "site"
WEBSITE = "https://leaflets.millbrook-health.example/"


def manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def page(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def headings(source: Path) -> list[str]:
    lines = source.read_text(encoding="utf-8").splitlines()
    return [line[3:].strip() for line in lines if line.startswith("## ")]


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


# --- What the site holds ------------------------------------------------------------------------------------

def test_every_leaflet_has_a_page_in_its_language_with_its_title_and_sections(built) -> None:
    dist = built("clinic")
    leaflets = manifest(dist)["leaflets"]
    assert {leaflet["slug"] for leaflet in leaflets} == {"ankle-sprain", "hay-fever"}
    for leaflet in leaflets:
        current = leaflet["editions"][0]
        document = page(dist / "site" / leaflet["slug"] / "index.html")
        assert document.get("lang") == current["language"]
        assert [h.text_content().strip() for h in document.iter("h1")] == [current["title"]]
        on_page = [h.text_content().strip() for h in document.iter("h2")]
        wanted = headings(Path(__file__).parent / "roots" / "clinic" / "leaflets" / f"{leaflet['slug']}.md")
        assert [h for h in on_page if h in wanted] == wanted, on_page
        # landmarks, the skip link, metadata for search engines and link previews
        assert document.find(".//main[@id='main']") is not None
        assert document.xpath("//a[@class='skip-link']/@href") == ["#main"]
        data = json.loads(document.xpath("//script[@type='application/ld+json']/text()")[0])
        assert data["@type"] == "MedicalWebPage" and data["name"] == current["title"]
        assert data["lastReviewed"] == current["date"] and data["inLanguage"] == current["language"]
        assert document.xpath("//meta[@property='og:title']/@content") == [current["title"]]
        assert document.xpath("//link[@rel='canonical']/@href") == [f"{WEBSITE}{leaflet['slug']}/"]


def test_each_download_link_leads_to_the_file_the_manifest_lists(built) -> None:
    dist = built("clinic")
    for leaflet in manifest(dist)["leaflets"]:
        slug, current = leaflet["slug"], leaflet["editions"][0]
        folder = dist / "site" / slug
        listed = {Path(o["path"]).name: o for o in current["outputs"]}
        links = page(folder / "index.html").xpath("//section[@class='downloads']//a/@href")
        assert links, slug
        for href in links:
            data = (folder / unquote(href)).read_bytes()
            assert hashlib.sha256(data).hexdigest() == listed[href]["sha256"], href
        offered = {name for name, o in listed.items() if o["layout"] != "press" and
                   not (o["format"] == "pdf" and not o["imposed"] and any(
                       other["imposed"] and other["layout"] == o["layout"] for other in listed.values()))}
        assert set(links) == offered  # the standard handout, large print, the booklet's sheets, the e-book
        text = page(folder / "index.html").xpath("string(//section[@class='downloads'])")
        assert re.search(r"PDF, \d+ pages?, \d+ kB", text) and "EPUB" in text


def test_the_qr_code_of_the_printed_handout_leads_to_a_page_of_the_site(built, tmp_path: Path) -> None:
    dist = built("clinic")
    for slug in ("ankle-sprain", "hay-fever"):
        pdf = next((dist / slug).glob(f"{slug}-ed*[0-9].pdf"))
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True, check=True).stdout)[1])
        found = []
        for number in range(1, pages + 1):
            out = tmp_path / f"{slug}-{number}"
            subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(number), "-l", str(number),
                            "-singlefile", str(pdf), str(out)], check=True)
            found += [r.text for r in zxingcpp.read_barcodes(Image.open(f"{out}.png"))]
        assert len(found) == 1, found
        address = urlsplit(found[0])
        assert found[0].startswith(WEBSITE)
        assert (dist / "site" / address.path.strip("/") / "index.html").is_file(), found[0]


def test_the_sitemap_lists_exactly_the_pages_built(built) -> None:
    dist = built("clinic")
    sitemap = (dist / "site" / "sitemap.xml").read_bytes()
    locations = re.findall(rb"<loc>([^<]+)</loc>", sitemap)
    slugs = [leaflet["slug"] for leaflet in manifest(dist)["leaflets"]]
    assert sorted(loc.decode() for loc in locations) == sorted([WEBSITE, *(f"{WEBSITE}{s}/" for s in slugs)])
    for location in locations:
        path = location.decode()[len(WEBSITE):]
        assert (dist / "site" / path / "index.html").is_file()


@pytest.mark.parametrize("name", ["feed.atom", "opds.xml"])
def test_the_feeds_have_one_entry_per_e_book_with_its_acquisition_link(built, name: str) -> None:
    dist = built("clinic")
    feed = feedparser.parse((dist / "site" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    books = {leaflet["slug"]: leaflet["editions"][0] for leaflet in manifest(dist)["leaflets"]
             if any(o["format"] == "epub" for o in leaflet["editions"][0]["outputs"])}
    assert len(feed.entries) == len(books) == 2
    updated = [entry.updated for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    for entry in feed.entries:
        slug = next(s for s in books if entry.link.rstrip("/").endswith(f"/{s}/index.html"))
        current = books[slug]
        assert entry.title == current["title"]
        assert entry.title_detail.language == entry.summary_detail.language == current["language"]
        assert entry.updated.startswith(current["date"])
        epub = next(o for o in current["outputs"] if o["format"] == "epub")
        acquisitions = [link for link in entry.links if link.rel == "http://opds-spec.org/acquisition/open-access"]
        assert [(a.type, a.href) for a in acquisitions] == [
            ("application/epub+zip", f"{WEBSITE}{slug}/{Path(epub['path']).name}")]
        if name == "opds.xml":
            thumbnail = next(link for link in entry.links if link.rel == "http://opds-spec.org/image/thumbnail")
            cover = dist / "site" / thumbnail.href[len(WEBSITE):]
            assert thumbnail.type == "image/png" and Image.open(cover).format == "PNG"
    languages = etree.fromstring((dist / "site" / name).read_bytes()).xpath(
        "//atom:entry/dcterms:language/text()", namespaces={"atom": "http://www.w3.org/2005/Atom",
                                                            "dcterms": "http://purl.org/dc/terms/"})
    assert sorted(languages) == sorted(book["language"] for book in books.values())
    if name == "opds.xml":
        self_link = next(link for link in feed.feed.links if link.rel == "self")
        assert "profile=opds-catalog" in self_link.type and "kind=acquisition" in self_link.type


def test_every_link_of_the_site_leads_to_a_file_of_it_or_a_web_address(built) -> None:
    site = built("clinic") / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 3
    for path in pages:
        document = page(path)
        for _element, _attribute, link, _ in document.iterlinks():
            if link.startswith(("http://", "https://", "mailto:", "tel:")):
                continue
            target, _, fragment = link.partition("#")
            resolved = (path.parent / unquote(target)).resolve() if target else path
            assert resolved.is_relative_to(site.resolve()) and resolved.is_file(), (path, link)
            if fragment and resolved == path:
                assert document.xpath(f"//*[@id='{fragment}']"), (path, link)
    css = (site / "site.css").read_text(encoding="utf-8")
    for link in re.findall(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""", css):
        assert (site / link).is_file(), link


def test_every_page_and_stylesheet_of_the_site_is_valid(built) -> None:
    """The Nu HTML Checker, over the pages and the stylesheet (the clinic's own SVG logo is its asset, not
    leafbind's page)."""
    site = built("clinic") / "site"
    assert nu_errors([*sorted(site.rglob("*.html")), site / "site.css"], relative_to=site) == []


# --- In a browser -------------------------------------------------------------------------------------------

def test_a_reader_searches_the_catalogue_from_the_folder_and_finds_the_downloads(built, browser,
                                                                                 request) -> None:
    dist = built("clinic")
    site = dist / "site"
    browser.get(file_url(site / "index.html"))
    box = browser.find_element(By.ID, "search-box")
    assert box.is_displayed()

    def visible() -> list[str]:
        entries = browser.find_elements(By.CSS_SELECTOR, "#leaflets > li h2")
        return [entry.text for entry in entries if entry.is_displayed()]

    assert visible() == ["Living with hay fever", "Sprained ankle"]
    for query, expected in (("ALLÉRGY", ["Living with hay fever"]),  # a keyword only, any case and accents
                            ("sprained", ["Sprained ankle"]), ("pil-0042", ["Sprained ankle"]),
                            ("pollen ankle", []), ("", ["Living with hay fever", "Sprained ankle"])):
        box.send_keys(Keys.CONTROL, "a")  # as a reader types over what is there (clear() types nothing)
        box.send_keys(Keys.BACKSPACE, query)
        assert visible() == expected, query
    box.send_keys("allergy")
    assert browser.find_element(By.ID, "search-status").text == "1 leaflet matches."
    assert axe_violations(browser, None) == [], describe_violations(axe_violations(browser, None))

    browser.find_element(By.LINK_TEXT, "Living with hay fever").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Living with hay fever"
    links = browser.find_elements(By.CSS_SELECTOR, ".downloads a")
    listed = {Path(o["path"]).name: o["sha256"] for leaflet in manifest(dist)["leaflets"]
              if leaflet["slug"] == "hay-fever" for o in leaflet["editions"][0]["outputs"]}
    assert [link.text for link in links] == [  # not the press PDF
        "PDF handout", "Large print (PDF)", "Booklet to print and fold (PDF)", "Waiting room (PDF)",
        "E-book (EPUB)"]
    for link in links:
        target = Path(unquote(urlsplit(link.get_attribute("href")).path))
        assert hashlib.sha256(target.read_bytes()).hexdigest() == listed[target.name]
    page_url = browser.current_url
    violations = axe_violations(browser, page_url)
    assert violations == [], describe_violations(violations)
    update = request.config.getoption("--update-golden")
    for name, url in (("catalogue", file_url(site / "index.html")), ("leaflet", page_url)):
        for size, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
            set_viewport(browser, width, height)
            try:
                browser.get(url)
                scroll = browser.execute_script("return document.documentElement.scrollWidth")
                assert scroll <= width, f"{name} at {width} px is {scroll} px wide"
                violations = axe_violations(browser, None)
                assert violations == [], f"{name} at {width} px: " + describe_violations(violations)
            finally:
                set_viewport(browser, *DESKTOP)
            if update:  # the screenshots README shows
                screenshot(browser, url, width, height, GOLDEN_SITE / f"{name}-{size}.png")


def test_the_catalogue_lists_every_leaflet_without_javascript(built) -> None:
    document = page(built("clinic") / "site" / "index.html")
    assert [a.text_content() for a in document.xpath("//ul[@id='leaflets']//h2/a")] == [
        "Living with hay fever", "Sprained ankle"]
    assert document.xpath("//search/@hidden") == [""]  # the box shows only where the script runs
    index = json.loads(document.xpath("//script[@id='search-index']/text()")[0])
    assert [entry["page"] for entry in index] == ["hay-fever/index.html", "ankle-sprain/index.html"]


# --- Rebuilds -----------------------------------------------------------------------------------------------

def test_a_rebuild_rewrites_only_what_changed_and_is_byte_identical(scenario) -> None:
    root = scenario("clinic", layouts=("standard",))
    site = root / "dist" / "site"
    build(root)
    before, times = site_files(site), mtimes(site)

    build(root)  # nothing changed
    assert site_files(site) == before and mtimes(site) == times

    shutil.rmtree(root / "dist" / "site")  # the same site again, from nothing
    build(root)
    assert site_files(site) == before

    times = mtimes(site)
    edit(root / "leaflets" / "ankle-sprain.md", "title: Sprained ankle", "title: A sprained ankle")
    build(root)
    changed = {name for name, time in mtimes(site).items() if times.get(name) != time}
    assert "ankle-sprain/index.html" in changed and "index.html" in changed
    assert not any(name.startswith("hay-fever/") for name in changed), changed
    assert not any(name.startswith("assets/") for name in changed), changed
    assert "A sprained ankle" in (site / "index.html").read_text(encoding="utf-8")


def test_earlier_editions_stay_reachable_and_listed(scenario) -> None:
    root = scenario("clinic", layouts=("standard",))
    build(root)
    new_edition(open_project(root), "hay-fever", "Treatments brought up to date.", date(2026, 11, 2))
    build(root)
    folder = root / "dist" / "site" / "hay-fever"
    assert (folder / "hay-fever-ed1.pdf").is_file() and (folder / "hay-fever-ed2.pdf").is_file()
    document = page(folder / "index.html")
    downloads = document.xpath("//section[@class='downloads']//a/@href")
    assert downloads == ["hay-fever-ed2.pdf", "hay-fever-ed2.epub"]
    older = document.xpath("//ul[@class='older-editions']//a/@href")
    assert older == ["hay-fever-ed1.pdf", "hay-fever-ed1.epub"]
    assert "Treatments brought up to date." in document.text_content()


def test_a_broken_leaflet_keeps_its_page_and_a_removed_one_leaves_the_catalogue(scenario) -> None:
    root = scenario("clinic", layouts=("standard",))
    site = root / "dist" / "site"
    build(root)
    kept = (site / "hay-fever" / "index.html").read_bytes()

    edit(root / "leaflets" / "hay-fever.md", "published: 2026-06-02", "published: 2026-13-02")
    result = build(root)
    assert result.failed == ("hay-fever",)
    assert (site / "hay-fever" / "index.html").read_bytes() == kept
    assert "Living with hay fever" in (site / "index.html").read_text(encoding="utf-8")

    (root / "leaflets" / "hay-fever.md").unlink()
    build(root)
    catalogue = (site / "index.html").read_text(encoding="utf-8")
    assert "Living with hay fever" not in catalogue and "Sprained ankle" in catalogue
    assert "hay-fever" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "hay-fever" not in (site / "feed.atom").read_text(encoding="utf-8")
    assert (site / "hay-fever" / "index.html").read_bytes() == kept  # printed QR codes still lead somewhere


def test_the_site_is_made_when_the_website_is_set_or_asked_for(scenario) -> None:
    root = scenario("minimal")
    settings = root / "leafbind.toml"
    assert "website" not in (settings.read_text(encoding="utf-8") if settings.exists() else "")
    result = build(root)
    assert result.site is None and not (root / "dist" / "site").exists()

    result = build(root, formats=("site",))  # from the files already built; nothing else is made
    assert result.built == () and result.site == root / "dist" / "site"
    site = root / "dist" / "site"
    assert (site / "index.html").is_file() and not (site / "sitemap.xml").exists()  # no address, no sitemap
    feed = feedparser.parse((site / "feed.atom").read_bytes())
    assert not feed.bozo and feed.entries


def test_what_a_leaflet_says_stays_text_in_every_file_of_the_site(scenario) -> None:
    root = scenario("clinic", layouts=("standard",))
    hostile = 'Hay fever </script><script>alert(1)</script> & "pollen" <b>'
    edit(root / "leaflets" / "hay-fever.md", "title: Living with hay fever", f"title: '{hostile}'")
    build(root)
    site = root / "dist" / "site"
    for path in (site / "index.html", site / "hay-fever" / "index.html"):
        document = page(path)
        assert not [s for s in document.iter("script") if "alert(1)" in (s.text or "") and
                    s.get("type") not in ("application/json", "application/ld+json")]
        assert hostile in document.text_content()
        for script in document.xpath("//script[@type='application/json' or @type='application/ld+json']"):
            assert "</script" not in script.text
            json.loads(script.text)
    for name in ("feed.atom", "opds.xml", "sitemap.xml"):
        assert not feedparser.parse((site / name).read_bytes()).bozo or name == "sitemap.xml"


def test_making_the_site_leaves_the_pdf_metadata_alone(scenario) -> None:
    """The feeds' XML namespaces stay the feeds' own: a PDF made after a site, in the same process, still
    names its XMP title `dc:title` (ElementTree's prefixes are shared by everything in a process)."""
    root = scenario("minimal")
    for _ in range(2):  # the second PDF is made after the first build's site
        result = build(root, formats=("pdf", "site"), force=True)
        assert result.problems == () and (root / "dist" / "site" / "feed.atom").is_file()
    pdf = next((root / "dist").glob("*/*-ed*.pdf"))
    metadata = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<dc:title>" in metadata, metadata
