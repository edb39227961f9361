"""publish import, saved web pages: leafbind/importing/webpage/ reads a page saved from a browser (the .html
file and its folder of images) into a Draft: the article's text, its metadata, authors and references, with
the site's chrome left behind and nothing fetched."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from markdownify import markdownify
from PIL import Image as Picture

from leafbind.importing.draft import Dated, ImportRefused
from leafbind.importing.webpage import find_date, read_webpage

PARAGRAPHS = [
    "Tinnitus is the name for hearing a sound that does not come from outside the body.",
    "Many people notice it at night, when the room is quiet and there is little else to hear.",
    "The sound is often described as ringing, buzzing, humming or a soft hiss in one or both ears.",
    "It can follow a cold, a build-up of ear wax, a loud concert or some gradual hearing loss with age.",
    "Sound therapy uses gentle background noise, such as a fan or quiet music, to make the tinnitus less "
    "noticeable.",
    "Talking therapies help some people to worry less about the sound, which often makes it fade into the "
    "background.",
    "See your doctor straight away if you hear a sound that beats in time with your pulse.",
]

ARTICLE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Living with tinnitus | Healthy Ears Magazine</title>
<meta name="description" content="What tinnitus is, why it happens and what helps you live with it.">
<meta name="keywords" content="tinnitus, hearing, ears">
<link rel="canonical" href="https://healthyears.example/articles/living-with-tinnitus">
<link rel="stylesheet" href="article_files/site.css">
<script src="article_files/tracker.js"></script>
<script>window.dataLayer = [{{"page": "article", "section": "hearing"}}];</script>
<style>.ad-slot {{ height: 250px; }}</style>
</head>
<body onload="startTracking()">
<div class="cookie-banner" role="region">We use biscuits to improve your visit.
  <button>Accept all</button></div>
<header class="site-header">
  <a href="/" class="logo"><img src="article_files/logo.png" alt="Healthy Ears Magazine"></a>
  <nav aria-label="Main"><ul><li><a href="/hearing">Hearing</a></li><li><a href="/balance">Balance</a></li>
  <li><a href="/shop">Shop our gadgets</a></li></ul></nav>
</header>
<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/hearing">Hearingzone</a></li></ol>
<main>
<article class="post">
  <header class="entry-header">
    <h1>Living with tinnitus</h1>
    <p class="byline">By Dr Priya Nair</p>
    <p class="post-meta">Updated 14 March 2026</p>
  </header>
  <div class="share-tools"><a href="https://social.example/share?u=x">Share on Chirper</a>
    <button onclick="window.print()">Print this page</button></div>
  <p>{PARAGRAPHS[0]}</p>
  <p onclick="track('intro')">{PARAGRAPHS[1]}</p>
  <div class="ad-slot">Advertisement: Buy QuietBuds earplugs today</div>
  <h2>What it sounds like</h2>
  <p>{PARAGRAPHS[2]}</p>
  <figure>
    <img src="article_files/ear-diagram.png" alt="A drawing of the inner ear" onload="lazy(this)">
    <figcaption>The inner ear, where most tinnitus begins.</figcaption>
  </figure>
  <h3>Common causes</h3>
  <p>{PARAGRAPHS[3]}</p>
  <ins class="adsbygoogle" data-ad-client="ca-pub-000">Sponsored hearing aids</ins>
  <h2>What helps</h2>
  <p>{PARAGRAPHS[4]}</p>
  <p><img src="https://cdn.example/photos/relaxing.jpg" alt="A person relaxing with headphones"></p>
  <p>{PARAGRAPHS[5]} Read the <a href="javascript:alert('hi')">therapy guide</a> or
     <a href="/articles/sleep">our sleep article</a>.</p>
  <h2>When to get help</h2>
  <p>{PARAGRAPHS[6]}</p>
  <h2>References</h2>
  <ol>
    <li>NHS. <a href="https://www.nhs.uk/conditions/tinnitus/">Tinnitus</a>. 2024.</li>
    <li>Smith J, Jones K. Sound therapy for chronic tinnitus. Journal of Hearing Care. 2023;12:40-48.
        <a href="https://journal.example/sound-therapy">Full text</a></li>
    <li>British Tinnitus Association. <em>Tinnitus and sleep</em>. 2022.
        <a href="https://tinnitus.example/sleep">https://tinnitus.example/sleep</a></li>
  </ol>
  <div class="cite-box">
    <h2>Cite this Article</h2>
    <p>Nair P. Living with tinnitus. Healthy Ears Magazine. Citekeeper edition, 2026.</p>
  </div>
  <section class="author-bio">
    <h2>About the Author</h2>
    <p>Priya Nair is an audiologist who has run a tinnitus clinic for twelve years.</p>
    <p>She writes about hearing health for patients and their families.</p>
  </section>
</article>
<aside class="related-articles"><h2>Related articles</h2><ul>
  <li><a href="/articles/ear-wax">Ear wax explained by Dr Waxley</a></li></ul></aside>
<section class="newsletter-signup"><h2>Get our newsletter</h2><form action="/subscribe">
  <input type="email" name="email"><button>Subscribe now</button></form></section>
</main>
<footer class="site-footer"><p>Copyright Healthy Ears Magazine Ltd. Footerville.</p></footer>
<script>loadComments();</script>
</body>
</html>
"""


def save(folder: Path, page: str, name: str = "article.html") -> Path:
    path = folder / name
    path.write_text(page, encoding="utf-8")
    return path


def png(width: int = 40, height: int = 30, colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Picture.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def article(tmp_path: Path):
    """The sample article saved with its folder of files, read."""
    files = tmp_path / "article_files"
    files.mkdir()
    (files / "ear-diagram.png").write_bytes(png())
    (files / "logo.png").write_bytes(png(20, 20, "red"))
    return read_webpage(save(tmp_path, ARTICLE))


def test_article_text_in_order(article):
    body = article.body_html
    positions = [body.find(paragraph) for paragraph in PARAGRAPHS]
    assert -1 not in positions, body
    assert positions == sorted(positions)
    assert "<h2>What it sounds like</h2>" in body
    assert "<h3>Common causes</h3>" in body
    assert "<h1" not in body and "Living with tinnitus</h" not in body
    assert article.kind == "web page"


def test_chrome_left_behind(article):
    body = article.body_html
    for word in ("Shop our gadgets", "Hearingzone", "QuietBuds", "Sponsored", "dataLayer", "startTracking",
                 "Citekeeper", "Cite this", "Chirper", "Print this page", "biscuits", "Dr Waxley",
                 "Subscribe now", "Footerville", "By Dr Priya Nair", "Updated 14 March", "twelve years",
                 "Tinnitus and sleep", "onclick", "onload", "class=", "style"):
        assert word not in body, word
    dropped = " / ".join(article.dropped)
    for words in ("navigation", "adverts (2)", "scripts (3)", 'the "Cite this Article" box',
                  "share and print", "cookie banner", "related articles", "newsletter sign-up",
                  "the site footer", "event handlers (onclick, onload)"):
        assert words in dropped, (words, article.dropped)


def test_metadata(article):
    assert (article.title, article.title_from) == ("Living with tinnitus", "the article's <h1>")
    assert article.updated.value == date(2026, 3, 14)
    assert "Updated 14 March 2026" in article.updated.origin
    assert article.published is None  # only an updated date: the importer decides
    assert (article.lang, article.lang_from) == ("en-GB", "<html lang>")
    assert article.summary == "What tinnitus is, why it happens and what helps you live with it."
    assert article.summary_from == "meta description"
    assert article.keywords == ["tinnitus", "hearing", "ears"]


def test_author_with_bio(article):
    [person] = article.people
    assert person.name == "Dr Priya Nair"
    assert person.bio == ("Priya Nair is an audiologist who has run a tinnitus clinic for twelve years. "
                          "She writes about hearing health for patients and their families.")
    assert "byline" in person.origin and "About the author" in person.origin


def test_references(article):
    first, second, third = article.sources
    assert (first.title, first.publisher, first.year, first.url) == (
        "Tinnitus", "NHS", 2024, "https://www.nhs.uk/conditions/tinnitus/")
    assert (second.title, second.author, second.year, second.url) == (
        "Sound therapy for chronic tinnitus", "Smith J, Jones K", 2023, "https://journal.example/sound-therapy")
    assert (third.title, third.publisher, third.year, third.url) == (
        "Tinnitus and sleep", "British Tinnitus Association", 2022, "https://tinnitus.example/sleep")


def test_images(article):
    [image] = article.images  # the site's logo is not the article's
    assert (image.name, image.alt) == ("image-1.png", "A drawing of the inner ear")
    assert image.data == png()
    assert '<img src="image-1.png" alt="A drawing of the inner ear">' in article.body_html
    assert "The inner ear, where most tinnitus begins." in article.body_html
    assert "relaxing.jpg" not in article.body_html
    [remote] = [line for line in article.todo if "https://cdn.example/photos/relaxing.jpg" in line]
    assert "A person relaxing with headphones" in remote and "by hand" in remote


def test_links(article):
    body = article.body_html
    assert "javascript" not in body.lower()
    assert "therapy guide" in body  # the link's words stay, unlinked
    assert '<a href="https://healthyears.example/articles/sleep">our sleep article</a>' in body
    assert any("script" in line for line in article.dropped if "link" in line)


def test_markdown(article):
    markdown = markdownify(article.body_html, heading_style="ATX", bullets="-", escape_misc=True,
                           table_infer_header=True)
    assert markdown.lstrip().startswith(PARAGRAPHS[0])
    assert "## What helps" in markdown and "### Common causes" in markdown
    assert "![A drawing of the inner ear](image-1.png)" in markdown


# --- Refusals and what is never read ------------------------------------------------------------------------

def test_entity_declaration_refused(tmp_path: Path):
    page = ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            "<html><body><article><h1>Hi</h1><p>&xxe;</p></article></body></html>")
    with pytest.raises(ImportRefused, match="entity"):
        read_webpage(save(tmp_path, page))


def test_entity_declaration_in_utf16_refused(tmp_path: Path):
    page = '<!DOCTYPE html [<!ENTITY big "lots">]><html><body><p>&big;</p></body></html>'
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("utf-16"))
    with pytest.raises(ImportRefused, match="entity"):
        read_webpage(path)


def test_binary_refused(tmp_path: Path):
    path = tmp_path / "photo.html"
    path.write_bytes(png() * 20)
    with pytest.raises(ImportRefused, match="not an HTML page"):
        read_webpage(path)


def test_too_large_refused(tmp_path: Path):
    path = tmp_path / "huge.html"
    with path.open("wb") as file:
        file.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(ImportRefused, match="larger than 20 MB"):
        read_webpage(path)


def test_images_outside_the_folder_not_read(tmp_path: Path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(png(10, 10, "black"))
    folder = tmp_path / "saved" / "page"
    folder.mkdir(parents=True)
    (folder / "link.png").symlink_to(outside)
    page = f"""<html><body><article><h1>Secrets</h1>
      <p><img src="../../secret.png" alt="one"><img src="{outside}" alt="two">
      <img src="file://{outside}" alt="three"><img src="link.png" alt="four">
      <img src="data:image/png;base64,iVBORw0KGgo=" alt="five"><img src="missing.png" alt="six"></p>
      <p>{PARAGRAPHS[0] * 4}</p></article></body></html>"""
    draft = read_webpage(save(folder, page))
    assert draft.images == []
    assert "<img" not in draft.body_html
    for alt in ("one", "two", "three", "four", "five", "six"):
        assert any(f'alt: "{alt}"' in line for line in draft.todo), (alt, draft.todo)


def test_unreadable_image_and_pixel(tmp_path: Path):
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "pixel.gif").write_bytes(png(1, 1))
    (tmp_path / "photo.png").write_bytes(png())
    page = f"""<html><body><article><h1>Pictures</h1><p>{PARAGRAPHS[0] * 4}</p>
      <p><img src="broken.jpg" alt="broken"><img src="pixel.gif"><img src="https://t.example/p.gif" width="1"
      height="1"><img src="photo.png"><img src="photo.png" alt="again"></p></article></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    assert [image.name for image in draft.images] == ["image-1.png"]
    assert any("broken.jpg" in line and "not a readable" in line for line in draft.todo)
    assert not any("pixel" in line or "t.example" in line for line in draft.todo)
    assert any("alt text" in line and "image-1.png" in line for line in draft.todo)
    assert draft.body_html.count('src="image-1.png"') == 2


# --- Metadata from elsewhere on the page --------------------------------------------------------------------

def test_json_ld_metadata(tmp_path: Path):
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Healthy Ears"},
        {"@type": "MedicalWebPage", "headline": "Ear wax explained", "datePublished": "2025-11-02T09:00:00Z",
         "dateModified": "2026-01-20", "inLanguage": "en-US", "keywords": ["ear wax", "hearing"],
         "author": {"@id": "#tom"}},
        {"@type": "Person", "@id": "#tom", "name": "Tom Reid", "description": "Tom is a practice nurse."}]}
    page = f"""<html><head><script type="application/ld+json">{json.dumps(data)}</script></head>
      <body><div class="content"><p>{PARAGRAPHS[3]} Ear wax moves out of the ear by itself.</p>
      <p>{PARAGRAPHS[0]}</p></div></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    assert (draft.title, draft.title_from) == ("Ear wax explained", "JSON-LD headline")
    assert draft.published.value == date(2025, 11, 2) and draft.published.origin == "JSON-LD datePublished"
    assert draft.updated.value == date(2026, 1, 20) and draft.updated.origin == "JSON-LD dateModified"
    assert (draft.lang, draft.lang_from) == ("en-US", "JSON-LD inLanguage")
    assert draft.keywords == ["ear wax", "hearing"]
    assert [(p.name, p.bio) for p in draft.people] == [("Tom Reid", "Tom is a practice nurse.")]
    assert draft.summary == PARAGRAPHS[3] + " Ear wax moves out of the ear by itself."
    assert any("summary" in line for line in draft.todo)


def test_meta_dates_and_title_suffix(tmp_path: Path):
    page = f"""<html><head><title>Balance problems - Healthy Ears</title>
      <meta property="article:published_time" content="2024-05-01T08:00:00+01:00">
      <meta property="article:modified_time" content="2025-02-03T10:00:00+00:00">
      <meta property="og:locale" content="en_GB"></head>
      <body><main><p>{PARAGRAPHS[0]}</p><p>Last updated: March 3, 2025</p></main></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    assert (draft.title, draft.title_from) == ("Balance problems", "the page's <title>")
    assert draft.published.value == date(2024, 5, 1)
    assert (draft.updated.value, draft.updated.origin) == (date(2025, 2, 3), "meta article:modified_time")
    assert (draft.lang, draft.lang_from) == ("en-GB", "meta og:locale")
    assert "Last updated" not in draft.body_html


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-14", date(2026, 3, 14)),
    ("2026-03-14T09:30:00Z", date(2026, 3, 14)),
    ("3 March 2026", date(2026, 3, 3)),
    ("3rd March 2026", date(2026, 3, 3)),
    ("March 3, 2026", date(2026, 3, 3)),
    ("Mar 3 2026", date(2026, 3, 3)),
    ("Tuesday, 3 Mar. 2026", date(2026, 3, 3)),
    ("03/04/2026", None),  # 3 April or 4 March: not guessed
    ("31 February 2026", None),
])
def test_find_date(text, expected):
    found = find_date(text)
    assert (found[0] if found else None) == expected


def test_byline_credentials_and_named_bio(tmp_path: Path):
    page = f"""<html><body><article><h1>Hearing aids</h1>
      <p>Written by Sam Okafor, RN, MSc and Lena Berg | Published 2nd June 2025</p>
      <p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
      <h3>About Sam Okafor</h3><p>Sam is a nurse who fits hearing aids in community clinics.</p>
      </article></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    sam, lena = draft.people
    assert (sam.name, sam.credentials, sam.bio) == (
        "Sam Okafor", "RN, MSc", "Sam is a nurse who fits hearing aids in community clinics.")
    assert (lena.name, lena.bio) == ("Lena Berg", None)
    assert draft.published.value == date(2025, 6, 2) and draft.updated is None
    assert "community clinics" not in draft.body_html and "Written by" not in draft.body_html
    assert draft.body_html.startswith(f"<p>{PARAGRAPHS[0]}</p>")


def test_headings_promoted_and_structure_kept(tmp_path: Path):
    page = f"""<html><body><article><h1>Ear care</h1>
      <div><p>{PARAGRAPHS[0]}</p>Loose text in a div.<br><br>After a gap.</div>
      <h3>Cleaning</h3><ul><li>Do <b>not</b> use cotton buds</li><li><i>Do</i> see a nurse</li></ul>
      <h4>Drops</h4><table><tr><th>Drop</th><th>Days</th></tr><tr><td>Olive oil</td><td>3</td></tr></table>
      <blockquote><p>It took a month, but it worked.</p></blockquote>
      <p><span style="color:red" class="x" id="y">Plain</span> <a href="mailto:clinic@example.org">email</a>
      <a href="#top">top</a></p></article></body></html>"""
    body = read_webpage(save(tmp_path, page)).body_html
    assert "<h2>Cleaning</h2>" in body and "<h3>Drops</h3>" in body
    assert "<p>Loose text in a div.</p>" in body and "<p>After a gap.</p>" in body
    assert "<li>Do <strong>not</strong> use cotton buds</li>" in body and "<em>Do</em>" in body
    assert "<th>Drop</th>" in body and "<td>Olive oil</td>" in body
    assert "<blockquote><p>It took a month, but it worked.</p></blockquote>" in body
    assert '<a href="mailto:clinic@example.org">email</a>' in body and 'href="#top"' not in body
    assert "style" not in body and "class" not in body and "id=" not in body


def test_charset_honoured(tmp_path: Path):
    page = ('<html><head><meta charset="windows-1252"></head><body><article><h1>Caf\u00e9 noise</h1>'
            f"<p>It\u2019s {PARAGRAPHS[0] * 4}</p></article></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("cp1252"))
    draft = read_webpage(path)
    assert draft.title == "Caf\u00e9 noise"
    assert "It\u2019s" in draft.body_html


def test_wordpress_shape(tmp_path: Path):
    """A blog's article: its header's meta line, share and related blocks inside the article's text, and a
    footer of categories and tags; the author's bio in JSON-LD."""
    data = {"@graph": [{"@type": "BlogPosting", "author": {"@id": "#anna"}},
                       {"@type": "Person", "@id": "#anna", "name": "Anna Kowalski",
                        "description": "Anna is a physiotherapist."}]}
    page = f"""<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body>
      <main><article class="post type-post category-health">
      <header class="entry-header"><h1 class="entry-title">Coping with vertigo</h1>
        <div class="entry-meta"><span class="posted-on">Posted on <time datetime="2025-09-01">September 1,
        2025</time></span><span class="byline"> by <span class="author vcard"><a href="/a/">Anna Kowalski</a>
        </span></span></div>
        <p class="standfirst">Vertigo makes the world seem to spin, but exercises and a few changes help.</p>
      </header>
      <div class="entry-content"><p>{PARAGRAPHS[0]}</p>
        <div class="sharedaddy"><h3>Share this:</h3>
          <ul><li><a href="https://x.example/share">Xshare</a></li></ul></div>
        <div id="jp-relatedposts"><h3>Related</h3><p>Dizziness after a cold</p></div></div>
      <footer class="entry-footer">Posted in <a href="/c/">Health</a>
        Tagged <a href="/t/">vertigo</a></footer>
      </article></main></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    standfirst = "Vertigo makes the world seem to spin, but exercises and a few changes help."
    assert draft.body_html == f"<p>{standfirst}</p>\n<p>{PARAGRAPHS[0]}</p>"
    assert [(p.name, p.bio) for p in draft.people] == [("Anna Kowalski", "Anna is a physiotherapist.")]
    assert draft.published == Dated(date(2025, 9, 1), 'the line "Posted on September 1, 2025"')
    dropped = " / ".join(draft.dropped)
    assert "share and print buttons" in dropped and "related articles" in dropped
    assert "the article's footer" in dropped and "Tagged vertigo" in dropped


def test_harvard_references_and_dated_byline(tmp_path: Path):
    page = f"""<html><body><div id="content"><div class="info">By Maria Lopez &middot; 5 February 2026</div>
      <p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
      <h4>Sources</h4><ul>
      <li>Ear Trust (2021) Tinnitus at night. Available at: www.eartrust.example/night
          (Accessed: 1 March 2026).</li>
      <li>Lopez M, Perez A et al. Bedtime noise and sleep. Sleep Med. 2019. doi:10.1000/sleep.2019.7</li></ul>
      </div></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    assert draft.published == Dated(date(2026, 2, 5), 'the byline "By Maria Lopez · 5 February 2026"')
    first, second = draft.sources
    assert (first.title, first.publisher, first.year, first.url) == (
        "Tinnitus at night", "Ear Trust", 2021, None)
    assert (second.title, second.author, second.year, second.url) == (
        "Bedtime noise and sleep", "Lopez M, Perez A et al", 2019, "https://doi.org/10.1000/sleep.2019.7")
    assert "Sources" not in draft.body_html and "Maria" not in draft.body_html


def test_updated_before_published(tmp_path: Path):
    page = f"""<html><head><meta property="article:published_time" content="2026-02-01">
      <meta property="article:modified_time" content="2025-01-01"></head>
      <body><article><h1>Dates</h1><p>{PARAGRAPHS[0] * 3}</p></article></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    assert draft.published.value == date(2026, 2, 1) and draft.updated is None
    assert any("check the dates" in line for line in draft.todo)


def test_too_deep_refused_and_deep_quotes_read(tmp_path: Path):
    deep = "<html><body><article><h1>Deep</h1>" + "<div>" * 300 + "text" + "</div>" * 300 + "</article>"
    with pytest.raises(ImportRefused, match="256 deep"):
        read_webpage(save(tmp_path, deep + "</body></html>"))
    quotes = f"<html><body><article><h1>Quotes</h1><p>{PARAGRAPHS[0]}</p>" + "<blockquote>" * 240 + "said" \
             + "</blockquote>" * 240 + "</article></body></html>"
    assert "said" in read_webpage(save(tmp_path, quotes)).body_html


def test_script_links_never_survive(tmp_path: Path):
    page = f"""<html><body><article><h1>Links</h1><p>{PARAGRAPHS[0]}
      <a href=" JaVaScRiPt:alert(1)">one</a> <a href="java&#x09;script:alert(2)">two</a>
      <a href="&#106;avascript:alert(3)">three</a> <a href="vbscript:x">four</a>
      <a href="data:text/html,<script>alert(5)</script>">five</a> <a href="//cdn.example/x y">six</a>
      <a href="http://[bad">seven</a> <a href="https://ok.example/a?b=1&amp;c=2">eight</a></p>
      </article></body></html>"""
    draft = read_webpage(save(tmp_path, page))
    body = draft.body_html.lower()
    assert "script" not in body and "alert" not in body and "data:" not in body
    assert "one two three four five" in body
    assert '<a href="https://cdn.example/x%20y">six</a>' in body
    assert '<a href="https://ok.example/a?b=1&amp;c=2">eight</a>' in body
    assert "links that run a script (4)" in draft.dropped
