"""`publish import` end to end, on copies of the clinic scenario: what it writes, what it refuses, and that
the leaflets it writes validate and build.

The converters' own tests are test_import_docx.py (Word) and test_import_webpage.py (saved web pages)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import build, pdf_pages, snapshot
from docx import Document
from PIL import Image
from test_import_docx import IMAGE_ALT, make_docx, small_png
from test_import_webpage import ARTICLE, PARAGRAPHS

import leafbind.importing.importer as importer_module
from leafbind import FileFault, check_catalogue, open_project
from publish import cli

COLD = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title} | Example Health</title>
<meta name="description" content="How to look after yourself when you have a cold.">
<meta property="article:published_time" content="2025-10-01T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/az">Conditions A to Z</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}</p>
<p>A cold is a mild infection of the nose and throat. It usually gets better by itself in about a week.</p>
<h2>Looking after yourself</h2><p>Rest, drink plenty of water and keep warm.</p>
<h2>When to get help</h2><p>See a doctor if you feel no better after three weeks.</p>
<section class="about-author"><h2>About the Author</h2><p>{author} is a practice nurse who runs the
winter health clinic.</p></section></article></body></html>
"""


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def cold_page(folder: Path, name: str = "cold.html", title: str = "Looking after a cold",
              author: str = "Sam Carter") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(COLD.format(title=title, author=author), encoding="utf-8")
    return path


def word_document(path: Path, number: int, author: str = "Jo Bloggs") -> Path:
    """A small leaflet in Word: a Title, an introduction, two sections, core properties."""
    document = Document()
    document.add_paragraph(f"Caring for a grazed knee, part {number}", style="Title")
    document.add_paragraph("A graze is a scrape that takes off the top layer of skin. Most grazes heal in a "
                           "week or two.")
    document.add_heading("Cleaning the graze", level=1)
    document.add_paragraph("Wash your hands. Rinse the graze under running tap water.")
    document.add_heading("When to get help", level=1)
    document.add_paragraph("Ask a nurse if the skin around it turns red, hot or swollen.")
    document.core_properties.author = author
    document.core_properties.created = datetime(2025, 2, 3)
    document.core_properties.modified = datetime(2025, 6, 7)
    document.save(path)
    return path


def full_disk_for(monkeypatch, chosen) -> None:
    """The import's writes of the files `chosen(path)` picks fail as on a full disk; the others are made."""
    real = importer_module.write_atomically

    def failing(path: Path, data: bytes):
        if chosen(path):
            raise FileFault(path, OSError(28, "No space left on device"))
        return real(path, data)

    monkeypatch.setattr(importer_module, "write_atomically", failing)


def zip_bomb(path: Path) -> Path:
    """A .docx whose one extra part expands from a few hundred kilobytes to 300 MB of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as stream:
            block = bytes(1024 * 1024)
            for _ in range(300):
                stream.write(block)
    return path


def test_web_page_becomes_a_valid_leaflet_and_its_author_an_entry(project: Path, tmp_path: Path) -> None:
    authors = project / "leaflets" / "authors.yaml"
    before = authors.read_text(encoding="utf-8")
    page = cold_page(tmp_path / "saved")
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 0, result.output
    leaflet = project / "leaflets" / "looking-after-a-cold.md"
    text = leaflet.read_text(encoding="utf-8")
    assert "title: Looking after a cold\n" in text and "published: 2025-10-01\n" in text
    assert "  - sam-carter\n" in text and "lang: en-GB\n" in text
    body = text.split("---\n", 2)[2]
    assert body.index("A cold is a mild") < body.index("## Looking after yourself") < body.index(
        "## When to get help")
    for chrome in ("Conditions A to Z", "About the Author", "By Sam Carter"):
        assert chrome not in body
    after = authors.read_text(encoding="utf-8")
    assert after.startswith(before), "the file's own text must stay as it was"
    assert "sam-carter:\n  name: Sam Carter\n  bio: >-\n    Sam Carter is a practice nurse" in after
    assert check_catalogue(open_project(project)).problems == ()
    assert "looking-after-a-cold.md" in result.output and "1 of 1 document imported" in result.output


def test_the_same_author_again_is_matched_not_added(project: Path, tmp_path: Path) -> None:
    first = cold_page(tmp_path / "a", title="Looking after a cold")
    second = cold_page(tmp_path / "b", title="Colds in children", author="Sam  Carter")
    assert run("import", str(first), "--project", str(project)).exit_code == 0
    result = run("import", str(second), "--project", str(project), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["authors_added"] == [] and report["documents"][0]["status"] == "imported"
    assert report["summary"] == {"documents": 1, "failed": 0, "imported": 1}
    assert report["documents"][0]["authors"][0] | {"from": ""} == {
        "key": "sam-carter", "name": "Sam Carter", "status": "existing", "from": ""}
    assert (project / "leaflets" / "authors.yaml").read_text().count("sam-carter:") == 1


def test_author_option_names_an_existing_entry(project: Path, tmp_path: Path) -> None:
    page = cold_page(tmp_path)
    result = run("import", str(page), "--project", str(project), "--author", "practice-nurses",
                 "--slug", "colds", "--lang", "en-GB")
    assert result.exit_code == 0, result.output
    text = (project / "leaflets" / "colds.md").read_text()
    assert "authors:\n  - practice-nurses\n" in text
    assert "sam-carter" not in (project / "leaflets" / "authors.yaml").read_text()
    unknown = run("import", str(page), "--project", str(project), "--author", "nobody", "--force")
    assert unknown.exit_code == 1
    assert '--author "nobody" is not a key of leaflets/authors.yaml' in unknown.output


def test_an_existing_leaflet_is_refused_unless_forced(project: Path, tmp_path: Path) -> None:
    page = cold_page(tmp_path, title="Hay fever")
    before = snapshot(project)
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 1
    assert "would become leaflets/hay-fever.md, which exists: use --force" in result.output
    assert snapshot(project) == before
    forced = run("import", str(page), "--project", str(project), "--force")
    assert forced.exit_code == 0, forced.output
    assert "A cold is a mild infection" in (project / "leaflets" / "hay-fever.md").read_text()


def test_dry_run_reports_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    page = cold_page(tmp_path)
    before = snapshot(project)
    result = run("import", str(page), "--project", str(project), "--dry-run")
    assert result.exit_code == 0, result.output
    assert snapshot(project) == before
    assert "would become leaflets/looking-after-a-cold.md" in result.output
    assert "1 author would be added to leaflets/authors.yaml: sam-carter" in result.output
    report = json.loads(run("import", str(page), "--project", str(project), "--dry-run", "--json").output)
    assert report["dry_run"] and report["documents"][0]["status"] == "would-import"
    assert report["authors_added"] == ["sam-carter"] and snapshot(project) == before


def test_slug_names_one_document_only(project: Path, tmp_path: Path) -> None:
    pages = [cold_page(tmp_path, "a.html"), cold_page(tmp_path, "b.html", title="Flu")]
    result = run("import", *map(str, pages), "--slug", "colds", "--project", str(project))
    assert result.exit_code == 1 and "--slug names one leaflet, but 2 documents were given" in result.output


def test_hostile_documents_are_refused_and_nothing_is_written(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    zip_bomb(folder / "bomb.docx")
    (folder / "entity.html").write_text(
        '<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<html><body><article><h1>Hello'
        "</h1><p>&secret;</p></article></body></html>", encoding="utf-8")
    (folder / "fake.docx").write_text("this is not a Word document", encoding="utf-8")
    before = snapshot(project)
    result = run("import", str(folder), "--project", str(project))
    assert result.exit_code == 1
    assert snapshot(project) == before
    assert "bomb.docx: not imported: " in result.output and "zip bomb" in result.output
    assert "entity.html: not imported: " in result.output and "entity" in result.output
    assert "fake.docx: not imported: " in result.output
    assert "0 of 3 documents imported, 3 failed." in result.output
    assert "Traceback" not in result.output


def test_authors_file_written_last_and_a_failure_puts_everything_back(project: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    """All or nothing: if authors.yaml cannot be written, the leaflets already written are taken back (and a
    replaced one restored), since they name authors the file would not have."""
    hay_fever = project / "leaflets" / "hay-fever.md"
    original = hay_fever.read_bytes()
    pages = [cold_page(tmp_path, "a.html"),
             cold_page(tmp_path, "b.html", title="Hay fever", author="Ana Ruiz")]
    full_disk_for(monkeypatch, lambda path: path.name == "authors.yaml")
    before = snapshot(project)
    result = run("import", *map(str, pages), "--force", "--project", str(project))
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert snapshot(project) == before and hay_fever.read_bytes() == original


def test_a_folder_of_200_word_documents(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "word"
    folder.mkdir()
    for number in range(1, 201):
        word_document(folder / f"leaflet-{number:03}.docx", number, author=f"Writer {number % 3}")
    (folder / "notes.txt").write_text("not a document", encoding="utf-8")
    zip_bomb(folder / "zz-broken.docx")
    result = CliRunner().invoke(cli, ["import", str(folder), "--project", str(project)])
    assert result.exit_code == 1  # the broken one
    assert "[201/201]" in result.output  # progress (stderr, mixed in by CliRunner)
    assert ("200 of 201 documents imported, 1 failed; 3 authors added to leaflets/authors.yaml: writer-1, "
            "writer-2, writer-0; 1 other file skipped") in result.output
    written = sorted((project / "leaflets").glob("caring-for-a-grazed-knee-part-*.md"))
    assert len(written) == 200
    assert not (project / "leaflets" / "zz-broken.md").exists()
    assert not list((project / "leaflets").rglob("*.tmp"))
    checked = check_catalogue(open_project(project))
    assert checked.problems == ()


def test_imported_word_leaflet_builds(project: Path, tmp_path: Path) -> None:
    document = word_document(tmp_path / "graze.docx", 1)
    result = run("import", str(document), "--project", str(project), "--author", "practice-nurses")
    assert result.exit_code == 0, result.output
    text = (project / "leaflets" / "caring-for-a-grazed-knee-part-1.md").read_text()
    assert "published: 2025-02-03\nupdated: 2025-06-07\n" in text
    built = build(project, slugs=("caring-for-a-grazed-knee-part-1",))
    assert built.failed == (), [str(p) for p in built.problems]
    pdf = next((project / "dist").rglob("caring-for-a-grazed-knee-part-1-ed1.pdf"))
    words = " ".join(" ".join(pdf_pages(pdf)).split())
    assert "A graze is a scrape" in words and "Ask a nurse if the skin around it turns red" in words


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_saved_article_becomes_a_leaflet_that_builds(project: Path, tmp_path: Path) -> None:
    """The magazine-shaped article of test_import_webpage.py, saved with its folder of pictures: its text in
    order and nothing of the page around it; its author, bio, date and references where a leaflet keeps them;
    and a handout holding its first and last paragraphs and the author's bio."""
    files = tmp_path / "saved" / "article_files"
    files.mkdir(parents=True)
    (files / "ear-diagram.png").write_bytes(png())
    page = tmp_path / "saved" / "article.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 0, result.output
    leaflet = project / "leaflets" / "living-with-tinnitus.md"
    front, body = leaflet.read_text(encoding="utf-8").split("---\n", 2)[1:]
    positions = [body.find(paragraph) for paragraph in PARAGRAPHS]
    assert -1 not in positions and positions == sorted(positions), body
    for chrome in ("Hearingzone", "QuietBuds", "Sponsored", "dataLayer", "startTracking", "Citekeeper",
                   "Chirper", "Print this page", "Dr Waxley", "Subscribe", "Footerville", "biscuits",
                   "About the Author", "javascript"):
        assert chrome not in body and chrome not in front, chrome
    assert "updated: 2026-03-14\n" in front and "  - priya-nair\n" in front
    assert "![A drawing of the inner ear](images/living-with-tinnitus/image-1.png)" in body
    assert (project / "leaflets" / "images" / "living-with-tinnitus" / "image-1.png").read_bytes() == png()
    sources = yaml.safe_load(front)["sources"]
    assert [(s["title"], s.get("year"), s.get("url")) for s in sources] == [
        ("Tinnitus", 2024, "https://www.nhs.uk/conditions/tinnitus/"),
        ("Sound therapy for chronic tinnitus", 2023, "https://journal.example/sound-therapy"),
        ("Tinnitus and sleep", 2022, "https://tinnitus.example/sleep")]
    authors = yaml.safe_load((project / "leaflets" / "authors.yaml").read_text(encoding="utf-8"))
    bio = ("Priya Nair is an audiologist who has run a tinnitus clinic for twelve years. She writes about "
           "hearing health for patients and their families.")
    assert authors["priya-nair"]["bio"] == bio
    assert "add the image https://cdn.example/photos/relaxing.jpg" in result.output
    built = build(project, slugs=("living-with-tinnitus",))
    assert built.failed == (), [str(p) for p in built.problems]
    pdf = next((project / "dist").rglob("living-with-tinnitus-ed1.pdf"))
    words = " ".join(" ".join(pdf_pages(pdf)).split())
    for text in (PARAGRAPHS[0], PARAGRAPHS[-1], bio):
        assert text in words, text


def test_no_file_is_written_through_a_link_out_of_the_project(project: Path, tmp_path: Path) -> None:
    files = tmp_path / "saved" / "article_files"
    files.mkdir(parents=True)
    (files / "ear-diagram.png").write_bytes(png())
    page = tmp_path / "saved" / "article.html"
    page.write_text(ARTICLE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "leaflets" / "images").symlink_to(elsewhere)
    before = snapshot(project)
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 1
    assert "leads outside the project (through a link)" in result.output
    assert list(elsewhere.iterdir()) == [] and snapshot(project) == before


def test_options_are_checked_before_any_document_is_read(project: Path, tmp_path: Path) -> None:
    page = cold_page(tmp_path)
    result = run("import", str(page), "--lang", "english", "--project", str(project))
    assert result.exit_code == 1 and '--lang "english" is not a language tag' in result.output
    result = run("import", str(page), "--slug", "Colds!", "--project", str(project))
    assert result.exit_code == 1 and '--slug "Colds!" is not a valid slug' in result.output
    assert not (project / "leaflets" / "looking-after-a-cold.md").exists()
    document = tmp_path / "leaflet.pdf"
    document.write_bytes(b"%PDF-1.7")
    result = run("import", str(document), "--project", str(project))
    assert result.exit_code == 1
    assert "leaflet.pdf: not imported: is not a document leafbind imports" in result.output


def test_titles_without_latin_letters_get_free_names(project: Path, tmp_path: Path) -> None:
    """A slug is a file name and a web address: an Arabic title (and file name) gives none, so the leaflet is
    imported-leaflet-N, the first N free, and the report says how to choose another."""
    page = ('<html lang="ar" dir="rtl"><head><meta charset="utf-8"></head><body><article><h1>{title}</h1>'
            "<p>يساعدك قياس ضغط الدم في المنزل على معرفة مدى نجاح العلاج.</p></article></body></html>")
    folder = tmp_path / "arabic"
    folder.mkdir()
    for number, title in enumerate(("قياس ضغط الدم", "الحمى عند الأطفال"), 1):
        (folder / f"صفحة-{number}.html").write_text(page.format(title=title), encoding="utf-8")
    (project / "leaflets" / "imported-leaflet-1.md").write_text(
        (project / "leaflets" / "hay-fever.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("import", str(folder), "--project", str(project))
    assert result.exit_code == 0, result.output
    for slug, title in (("imported-leaflet-2", "قياس ضغط الدم"), ("imported-leaflet-3", "الحمى عند الأطفال")):
        text = (project / "leaflets" / f"{slug}.md").read_text(encoding="utf-8")
        assert f"title: {title}\n" in text and "lang: ar\n" in text
    assert "import it again with --slug to choose the name" in result.output


def test_word_document_becomes_a_valid_leaflet(project: Path, tmp_path: Path) -> None:
    """The Word document of test_import_docx.py (Title, Heading 1 and 2, a numbered list with a bulleted one
    inside, bold, a link, a table with a header row, a picture with a description, core properties, and a
    paragraph style of its own) through `publish import`: what the leaflet and the report say."""
    document = make_docx(tmp_path / "sprained-wrist.docx")
    result = run("import", str(document), "--project", str(project))
    assert result.exit_code == 0, result.output
    leaflet = project / "leaflets" / "looking-after-a-sprained-wrist.md"
    front, body = leaflet.read_text(encoding="utf-8").split("---\n", 2)[1:]
    fields = yaml.safe_load(front)
    assert (fields["title"], str(fields["published"]), str(fields["updated"])) == (
        "Looking after a sprained wrist", "2024-03-05", "2024-06-01")
    assert fields["authors"] == ["ann-lee"]
    assert body.index("## Caring for your wrist at home") < body.index("## When to get help") < body.index(
        "### Support bandages")
    assert ("1. Rest your wrist for the first two or three days.\n"
            "2. Put an ice pack on it for up to 20 minutes every few hours.\n"
            "   - Wrap the ice pack in a towel.\n"
            "   - Never put ice straight on your skin.\n"
            "3. Raise your wrist on a pillow when you sit or lie down.") in body
    assert ("| Sign | What to do |\n| --- | --- |\n| You cannot move your fingers | Go to A&E now |") in body
    assert "**Call 999 if the bone looks out of shape.**" in body
    assert "[the NHS website](https://www.nhs.uk/conditions/sprains-and-strains/)" in body
    image = "images/looking-after-a-sprained-wrist/image-1.png"
    assert f"![{IMAGE_ALT}]({image})" in body
    assert (project / "leaflets" / image).read_bytes() == small_png()
    assert "styles     unknown, kept as plain text: Warning Box" in result.output
    checked = check_catalogue(open_project(project), ("looking-after-a-sprained-wrist",))
    assert checked.problems == () and [leaflet.slug for leaflet in checked.leaflets] == [
        "looking-after-a-sprained-wrist"]


def test_an_import_opens_no_connection(project: Path, tmp_path: Path, monkeypatch) -> None:
    """The article links a picture on the web and scripts, stylesheets and pages elsewhere: none is fetched
    (any attempt to connect fails the test), and the report lists the picture to add by hand."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"the import tried to connect: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page = tmp_path / "article.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 0, result.output
    assert "add the image https://cdn.example/photos/relaxing.jpg" in result.output
    assert "add the image article_files/ear-diagram.png" in result.output  # not saved beside the page here


def test_a_broken_authors_file_is_never_written_over(project: Path, tmp_path: Path) -> None:
    authors = project / "leaflets" / "authors.yaml"
    authors.write_text("editorial-team: [this is not: valid\n", encoding="utf-8")
    pages = [cold_page(tmp_path, "named.html"), cold_page(tmp_path, "anonymous.html", title="Flu", author="")]
    before = snapshot(project)
    result = run("import", *map(str, pages), "--project", str(project))
    assert result.exit_code == 1
    assert result.output.count("in leaflets/authors.yaml, but that file has problems: fix them") == 2
    assert snapshot(project) == before


def test_a_failed_write_takes_back_the_pictures_and_their_folders(project: Path, tmp_path: Path,
                                                                   monkeypatch) -> None:
    """The picture is written before its leaflet: when the leaflet then cannot be (a full disk), the picture
    and the folders made for it go too, and the project is as it was."""
    files = tmp_path / "saved" / "article_files"
    files.mkdir(parents=True)
    (files / "ear-diagram.png").write_bytes(png())
    page = tmp_path / "saved" / "article.html"
    page.write_text(ARTICLE, encoding="utf-8")
    full_disk_for(monkeypatch, lambda path: path.suffix == ".md")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run("import", str(page), "--project", str(project))
    assert result.exit_code == 1 and "nothing was written" in result.output
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
