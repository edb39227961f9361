"""Also available in (issue 15, part 5): every output of a leaflet lists the other languages it exists in,
each named in its own language and script, linked to that version where its address is known; the web edition
cross-links the languages' pages, names them as `hreflang` alternates in each page and in the sitemap, and
filters its catalogue by language; the manifest groups a leaflet's languages under its code.

The project is written here: a hand-washing leaflet in English, its Polish translation and (where a test asks
for it) an Arabic one. The bundled typeface has no Arabic letters yet, so the Arabic scenario turns
`font-coverage` off, its PDFs take Arabic from the machine's fonts (Noto, on the test machines), and it makes
no e-books (their cover picture is drawn with the bundled fonts alone): the e-book is tested in English and
Polish.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import build, edit
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from webcheck import axe_violations, describe_violations, file_url, nu_errors

SLUG, POLISH, ARABIC = "hand-washing", "hand-washing.pl", "hand-washing.ar"
WEBSITE = "https://leaflets.example-clinic.example/"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

AUTHORS = """\
nurse:
  name: Sam Okoro
  bio: Sam is a practice nurse who runs the infection control clinic.
translator:
  name: Anna Nowak
  bio: Anna translates the practice's leaflets.
checker:
  name: Layla Haddad
  bio: Layla checks the practice's translated leaflets.
"""

ENGLISH = """\
---
title: Washing your hands
summary: Why clean hands stop germs spreading, and how to wash them well.
authors: [nurse]
published: 2026-02-16
id: PIL-0001
lang: en
---

Washing your hands is one of the best ways to stop colds and sickness bugs from spreading.

## How to wash your hands

Wet your hands and use soap. Rub your palms and the backs of your hands. Rinse, then dry your hands.
"""

POLISH_TEXT = """\
---
title: Mycie rąk
summary: Dlaczego czyste ręce chronią przed zarazkami i jak dobrze je myć.
authors: [nurse]
published: 2026-03-02
id: PIL-0001
lang: pl
translation_of: hand-washing
source_edition: 1
translated_by: [translator]
checked_by: [checker]
---

Mycie rąk to jeden z najlepszych sposobów, aby zatrzymać przeziębienia.

## Jak myć ręce

Zmocz ręce i użyj mydła. Pocieraj dłonie. Spłucz je, a potem wysusz.
"""

ARABIC_TEXT = """\
---
title: غسل اليدين
summary: لماذا تمنع اليدان النظيفتان انتشار الجراثيم، وكيف تغسلهما جيدا.
authors: [nurse]
published: 2026-03-09
id: PIL-0001
lang: ar
translation_of: hand-washing
source_edition: 1
translated_by: [translator]
checked_by: [checker]
---

غسل اليدين من أفضل الطرق لوقف انتشار نزلات البرد.

## كيف تغسل يديك

بلل يديك واستخدم الصابون. افرك راحتي يديك. اشطفهما ثم جففهما.
"""


def write_project(root: Path, *, website: bool = True, arabic: bool = False) -> Path:
    leaflets = root / "leaflets"
    leaflets.mkdir(parents=True)
    settings = ['layouts = ["standard"]']
    if website:
        settings.append(f'website = "{WEBSITE}"')
    if arabic:  # no bundled Arabic typeface yet: the machine's fonts draw it
        settings.append('[check]\ndisable = ["font-coverage"]')
    (root / "leafbind.toml").write_text("\n".join(settings) + "\n", encoding="utf-8")
    (leaflets / "authors.yaml").write_text(AUTHORS, encoding="utf-8")
    (leaflets / f"{SLUG}.md").write_text(ENGLISH, encoding="utf-8")
    (leaflets / f"{POLISH}.md").write_text(POLISH_TEXT, encoding="utf-8")
    if arabic:
        (leaflets / f"{ARABIC}.md").write_text(ARABIC_TEXT, encoding="utf-8")
    return root


def built_ok(root: Path, **options):
    result = build(root, **options)
    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    return result


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_links(path: Path) -> list[str]:
    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def page(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def languages_nav(document):
    navs = document.xpath("//nav[contains(@class, 'languages')]")
    assert len(navs) == 1
    return navs[0]


# --- Print and the e-book -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def arabic_project(tmp_path_factory) -> Path:
    """English, Polish and Arabic, with the website, as PDFs and the web edition: built once for the tests
    that only read it."""
    root = write_project(tmp_path_factory.mktemp("languages") / "clinic", arabic=True)
    built_ok(root, formats=("pdf", "site"))  # no e-book: its cover picture has no Arabic letters yet
    return root


def test_the_english_pdf_names_the_other_languages_in_their_own_script_and_links_them(arabic_project) -> None:
    pdf = arabic_project / "dist" / SLUG / f"{SLUG}-ed1.pdf"
    text = pdf_text(pdf)
    assert "Also available in:" in text and "Polski" in text
    assert "العربية" in text
    assert "English" not in text.split("Also available in:")[1]  # not its own language
    links = pdf_links(pdf)
    assert f"{WEBSITE}{POLISH}/" in links and f"{WEBSITE}{ARABIC}/" in links
    assert f"{WEBSITE}{SLUG}/" not in links  # not a link to itself

    polish = pdf_text(arabic_project / "dist" / SLUG / f"{POLISH}-ed1.pdf")
    assert "English" in polish and "العربية" in polish and "Polski" not in polish


def test_the_e_book_lists_the_languages_marked_with_their_language_and_direction(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clinic")
    built_ok(root, formats=("epub",))
    with zipfile.ZipFile(root / "dist" / SLUG / f"{SLUG}-ed1.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("title-page.xhtml"))
        document = etree.fromstring(epub.read(name))
    links = [(a.text, a.get("lang"), a.get("hreflang"), a.get("dir"), a.get("href"))
             for a in document.iter(f"{XHTML}a") if a.get("hreflang")]
    assert links == [("Polski", "pl", "pl", "ltr", f"{WEBSITE}{POLISH}/")]
    with zipfile.ZipFile(root / "dist" / SLUG / f"{POLISH}-ed1.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("title-page.xhtml"))
        document = etree.fromstring(epub.read(name))
    links = [(a.text, a.get("lang"), a.get("href")) for a in document.iter(f"{XHTML}a") if a.get("hreflang")]
    assert links == [("English", "en", f"{WEBSITE}{SLUG}/")]


def test_without_a_website_print_and_e_book_name_the_languages_without_links(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clinic", website=False)
    built_ok(root)
    pdf = root / "dist" / SLUG / f"{SLUG}-ed1.pdf"
    assert "Also available in: Polski" in pdf_text(pdf)
    assert pdf_links(pdf) == []
    with zipfile.ZipFile(root / "dist" / SLUG / f"{SLUG}-ed1.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("title-page.xhtml"))
        document = etree.fromstring(epub.read(name))
    names = [(s.text, s.get("lang"), s.get("dir")) for s in document.iter(f"{XHTML}span") if s.get("lang")]
    assert names == [("Polski", "pl", "ltr")]
    assert not [a for a in document.iter(f"{XHTML}a") if a.get("hreflang")]


def test_a_leaflet_in_one_language_lists_none(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clinic")
    (root / "leaflets" / f"{POLISH}.md").unlink()
    built_ok(root)
    assert "Also available in" not in pdf_text(root / "dist" / SLUG / f"{SLUG}-ed1.pdf")
    document = page(root / "dist" / "site" / SLUG / "index.html")
    assert document.xpath("//nav[contains(@class, 'languages')]") == []
    assert document.xpath("//link[@hreflang]") == []


# --- The web edition ----------------------------------------------------------------------------------------

def test_each_language_s_page_links_the_others_by_their_own_names(arabic_project) -> None:
    site = arabic_project / "dist" / "site"
    expected = {SLUG: ("en", "English"), POLISH: ("pl", "Polski"), ARABIC: ("ar", "العربية")}
    for slug in expected:
        path = site / slug / "index.html"
        links = languages_nav(page(path)).xpath(".//a")
        shown = {}
        for link in links:
            target = (path.parent / link.get("href")).resolve()
            assert target.is_file(), link.get("href")
            assert link.get("lang") == link.get("hreflang")
            assert link.get("dir") == ("rtl" if link.get("lang") == "ar" else "ltr")
            shown[target.parent.name] = (link.get("lang"), link.text_content())
            assert page(target).get("lang") == link.get("lang")  # the page it leads to is in that language
        assert shown == {other: value for other, value in expected.items() if other != slug}
    arabic = page(site / ARABIC / "index.html")
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")


def test_hreflang_alternates_are_in_every_page_and_reciprocal(arabic_project) -> None:
    site = arabic_project / "dist" / "site"
    alternates = {}
    for slug in (SLUG, POLISH, ARABIC):
        document = page(site / slug / "index.html")
        alternates[slug] = {link.get("hreflang"): link.get("href")
                            for link in document.xpath("//head/link[@rel='alternate'][@hreflang]")}
        canonical = document.xpath("//head/link[@rel='canonical']/@href")[0]
        assert alternates[slug][document.get("lang")] == canonical  # itself among them
    expected = {"en": f"{WEBSITE}{SLUG}/", "pl": f"{WEBSITE}{POLISH}/", "ar": f"{WEBSITE}{ARABIC}/",
                "x-default": f"{WEBSITE}{SLUG}/"}
    assert alternates == {slug: expected for slug in (SLUG, POLISH, ARABIC)}


def test_the_sitemap_names_each_page_s_languages_as_xhtml_alternates(arabic_project) -> None:
    sitemap = etree.parse(str(arabic_project / "dist" / "site" / "sitemap.xml"))
    urls = {url.findtext(f"{SITEMAP}loc"): url for url in sitemap.getroot().iter(f"{SITEMAP}url")}
    pages = {f"{WEBSITE}{slug}/" for slug in (SLUG, POLISH, ARABIC)}
    assert set(urls) == {WEBSITE, *pages}
    assert urls[WEBSITE].findall(f"{XHTML}link") == []
    for loc in pages:
        links = urls[loc].findall(f"{XHTML}link")
        assert {link.get("rel") for link in links} == {"alternate"}
        found = {link.get("hreflang"): link.get("href") for link in links}
        assert found == {"en": f"{WEBSITE}{SLUG}/", "pl": f"{WEBSITE}{POLISH}/", "ar": f"{WEBSITE}{ARABIC}/",
                         "x-default": f"{WEBSITE}{SLUG}/"}
        assert loc in found.values()  # each page among its own alternates


def test_the_catalogue_marks_each_entry_with_its_language_and_offers_a_filter(arabic_project) -> None:
    document = page(arabic_project / "dist" / "site" / "index.html")
    entries = document.xpath("//ul[@id='leaflets']/li")
    marks = {(li.get("data-lang"), li.xpath("h2/@lang")[0], li.xpath("h2/@dir")[0],
              li.xpath("p[@class='summary']/@lang")[0], li.xpath("p[@class='summary']/@dir")[0])
             for li in entries}
    assert marks == {("en", "en", "ltr", "en", "ltr"), ("pl", "pl", "ltr", "pl", "ltr"),
                     ("ar", "ar", "rtl", "ar", "rtl")}
    choices = document.xpath("//nav[@id='language-filter']//a")
    assert [(a.get("href"), a.get("lang"), a.text_content()) for a in choices] == [
        ("#leaflets", None, "All languages"), ("#lang-en", "en", "English"), ("#lang-pl", "pl", "Polski"),
        ("#lang-ar", "ar", "العربية")]
    for choice in choices[1:]:  # each filter link has its target before the list
        assert document.xpath(f"//*[@id='{choice.get('href')[1:]}']")


def test_the_site_with_languages_is_valid(arabic_project) -> None:
    site = arabic_project / "dist" / "site"
    assert nu_errors([site / "index.html", *(site / slug / "index.html" for slug in (SLUG, POLISH, ARABIC)),
                      site / "site.css"], relative_to=site) == []


def test_a_reader_filters_the_catalogue_by_language_with_and_without_the_script(arabic_project,
                                                                                browser) -> None:
    site = arabic_project / "dist" / "site"
    url = file_url(site / "index.html")

    def visible() -> list[str]:
        entries = browser.find_elements(By.CSS_SELECTOR, "#leaflets > li")
        return sorted(entry.get_attribute("data-lang") for entry in entries if entry.is_displayed())

    browser.get(url)
    assert visible() == ["ar", "en", "pl"]
    browser.find_element(By.CSS_SELECTOR, "#language-filter a[data-lang='pl']").click()
    assert visible() == ["pl"]
    current = browser.find_element(By.CSS_SELECTOR, "#language-filter a[aria-current]")
    assert current.get_attribute("data-lang") == "pl"
    violations = axe_violations(browser, None)
    assert violations == [], describe_violations(violations)

    box = browser.find_element(By.ID, "search-box")  # the search searches within the language chosen
    box.send_keys("washing")
    assert visible() == []
    browser.find_element(By.CSS_SELECTOR, "#language-filter a[data-lang='']").click()
    assert visible() == ["en"]
    box.clear()
    box.send_keys(" ")
    assert visible() == ["ar", "en", "pl"]

    browser.get(urljoin(url, "#lang-ar"))  # opened at a language: filtered as it loads
    browser.refresh()
    assert visible() == ["ar"]

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:  # without JavaScript, the page's own style rules filter it
        browser.get(url)
        browser.find_element(By.CSS_SELECTOR, "#language-filter a[data-lang='ar']").click()
        assert visible() == ["ar"]
        browser.find_element(By.CSS_SELECTOR, "#language-filter a[data-lang='']").click()
        assert visible() == ["ar", "en", "pl"]
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


# --- The manifest -------------------------------------------------------------------------------------------

def test_the_manifest_groups_a_leaflet_s_languages_under_its_code(arabic_project) -> None:
    manifest = json.loads((arabic_project / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert {leaflet["slug"] for leaflet in manifest["leaflets"]} == {SLUG, POLISH, ARABIC}  # as before
    assert manifest["families"] == [{"slug": SLUG, "code": "PIL-0001", "languages": [
        {"language": "en", "slug": SLUG, "translation": False},
        {"language": "ar", "slug": ARABIC, "translation": True},
        {"language": "pl", "slug": POLISH, "translation": True}]}]


# --- Rebuilds -----------------------------------------------------------------------------------------------

def test_adding_or_removing_a_translation_remakes_the_other_languages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clinic")
    polish = root / "leaflets" / f"{POLISH}.md"
    polish.rename(tmp_path / "polish.md")
    assert set(built_ok(root).built) == {SLUG}
    english = root / "dist" / SLUG / f"{SLUG}-ed1.pdf"
    assert "Also available in" not in pdf_text(english)
    assert built_ok(root).skipped == (SLUG,)

    (tmp_path / "polish.md").rename(polish)  # a translation added: the English outputs must name it
    result = built_ok(root)
    assert set(result.built) == {SLUG, POLISH}
    assert "Also available in: Polski" in pdf_text(english)
    page_links = languages_nav(page(root / "dist" / "site" / SLUG / "index.html")).xpath(".//a/@href")
    assert page_links == [f"../{POLISH}/index.html"]
    assert set(built_ok(root).skipped) == {SLUG, POLISH}  # and then nothing more to do

    edit(polish, "Pocieraj dłonie.", "Pocieraj dłonie i palce.")  # its text alone: the English stays
    result = built_ok(root)
    assert (result.built, result.skipped) == ((POLISH,), (SLUG,))

    edit(polish, "lang: pl", "lang: de")  # no longer a valid Polish translation: the English forgets it
    result = build(root)
    assert POLISH in result.failed and SLUG in result.built
    assert "Also available in" not in pdf_text(english)
    edit(polish, "lang: de", "lang: pl")
    assert set(built_ok(root).built) == {SLUG, POLISH}
    assert "Also available in: Polski" in pdf_text(english)

    polish.unlink()  # a translation removed
    result = built_ok(root)
    assert result.built == (SLUG,)
    assert "Also available in" not in pdf_text(english)
    english_page = page(root / "dist" / "site" / SLUG / "index.html")
    assert english_page.xpath("//nav[contains(@class, 'languages')]") == []


def test_a_build_of_the_leaflet_alone_still_lists_its_translations(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clinic")
    result = built_ok(root, slugs=(SLUG,))
    assert result.built == (SLUG,)
    english = root / "dist" / SLUG / f"{SLUG}-ed1.pdf"
    assert "Also available in: Polski" in pdf_text(english)
    assert f"{WEBSITE}{POLISH}/" in pdf_links(english)
    result = built_ok(root, slugs=(POLISH,))  # then the translation alone: the English is as it should be
    assert result.built == (POLISH,)
    assert set(built_ok(root).skipped) == {SLUG, POLISH}
