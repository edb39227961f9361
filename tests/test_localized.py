"""Leaflets in the patient's language (issue 15, part 2 and the right-to-left part of 3): everything the
layouts add around the text comes from the catalogue of the leaflet's language, dates as Babel writes them
for it, and a right-to-left leaflet is mirrored in the PDF and marked so in the e-book.

Most tests read the README's sample translations of `high-blood-pressure` (Arabic, Polish, Simplified Chinese
and Urdu) built once, with the standard handout and the e-book; the catalogue tests use small projects of
their own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date
from babel.messages.pofile import read_po
from click.testing import CliRunner
from conftest import REPO, build, edit, line_of
from lxml import etree
from pypdf import PdfReader

from leafbind import open_project
from leafbind.i18n import strings_for
from publish import cli

SOURCE = "high-blood-pressure"
LANGUAGES = {"ar": "ar", "pl": "pl", "zh-hans": "zh-Hans", "ur": "ur"}  # file suffix → lang
MM = 72 / 25.4
XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"


def copy_sample(root: Path, layouts: str = '["standard"]') -> Path:
    shutil.copytree(REPO / "leaflets", root / "leaflets")
    for folder in ("images", "logos"):
        shutil.copytree(REPO / "assets" / folder, root / "assets" / folder)
    settings = (REPO / "leafbind.toml").read_text(encoding="utf-8")
    (root / "leafbind.toml").write_text(re.sub(r"(?m)^layouts = .*$", f"layouts = {layouts}", settings),
                                        encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = copy_sample(tmp_path_factory.mktemp("localized") / "sample")
    result = build(root)
    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    # every string the layouts printed had its translation (the catalogues are complete)
    assert [str(f) for f in result.warnings if f.code == "missing-translation"] == []
    return root


def output(root: Path, suffix: str | None, extension: str) -> Path:
    slug = f"{SOURCE}.{suffix}" if suffix else SOURCE
    return root / "dist" / SOURCE / f"{slug}-ed1.{extension}"


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(path: Path) -> str:
    """The PDF's text layer in reading order, pages separated by form feeds (pypdf: poppler's pdftotext
    reorders right-to-left lines and wraps them in direction marks)."""
    return "\f".join(BIDI_CONTROLS.sub("", page.extract_text()) for page in PdfReader(path).pages)


def reads(text: str, phrase: str) -> bool:
    """Whether a line of `text` holds the words and numbers of `phrase` one after the other, in the order
    written or, as pypdf reads some lines mixing right-to-left words and numbers, in the reverse order."""
    wanted = re.findall(r"\d+|[^\W\d_]+", phrase)
    for line in text.splitlines():
        tokens = re.findall(r"\d+|[^\W\d_]+", line)
        for order in (wanted, wanted[::-1]):
            if any(tokens[i:i + len(order)] == order for i in range(len(tokens))):
                return True
    return False


def published(path: Path):
    """The `published` date of a leaflet file's front matter."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["published"]


def english_strings() -> list[str]:
    """The English pieces of every string of the layouts, between their placeholders: what must not show
    through in a translated leaflet."""
    with (REPO / "layouts" / "locale" / "leafbind.pot").open("rb") as file:
        template = read_po(file)
    pieces = set()
    for message in template:
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"%\(\w+\)s|\{\w+\}", text or ""):
                piece = piece.strip(" .,:;()—·")
                # a phrase, or a whole string of one word ("Sources"): not a lone word of a longer string
                # ("leaflet"), which the clinic's own English (an author's bio) may have
                if re.search(r"[a-z]{3}", piece) and (" " in piece or piece == text.strip(" .:")):
                    pieces.add(piece)
    return sorted(pieces)


def test_the_arabic_handout_says_everything_in_arabic(sample: Path) -> None:
    path = output(sample, "ar", "pdf")
    text = " ".join(pdf_text(path).split())
    strings = strings_for((REPO / "layouts", REPO / "layouts"), "ar")
    pages = len(PdfReader(path).pages)
    assert strings.gettext("Cite this leaflet") != "Cite this leaflet"
    assert strings.gettext("Cite this leaflet") in text
    first_page = pdf_text(path).split("\f")[0]
    assert reads(first_page, strings.gettext("Page {page} of {pages}").format(page=1, pages=pages))
    day = format_date(published(sample / "leaflets" / f"{SOURCE}.ar.md"), "long", locale="ar")
    assert reads(first_page, day), day  # in the edition line
    shown = [piece for piece in english_strings()
             if re.search(rf"(?<![\w-]){re.escape(piece)}(?![\w-])", text)]
    # the organisation and the sources' English titles are the clinic's own words, not the layouts'
    allowed = {"Riverside Community Health"}
    assert [piece for piece in shown if piece not in allowed] == []


def test_the_arabic_title_is_set_against_the_right_margin(sample: Path, tmp_path: Path) -> None:
    path = output(sample, "ar", "pdf")
    boxes = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    page = etree.fromstring(boxes.encode(), etree.XMLParser(recover=True))
    # the title is the tallest line of page 1 (the h1)
    title = max(page.iter("{*}line"), key=lambda line: float(line.get("yMax")) - float(line.get("yMin")))
    top, bottom = float(title.get("yMin")), float(title.get("yMax"))
    width = float(next(page.iter("{*}page")).get("width"))
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    image = Image.open(tmp_path / "page.png").convert("L")
    band = image.crop((0, int(top), image.width, int(bottom) + 1))
    ink = [x for x in range(band.width) if min(band.getpixel((x, y)) for y in range(band.height)) < 128]
    assert ink, "no ink in the title's band"
    right_margin = width - 18 * MM
    assert abs(max(ink) - right_margin) <= 3, (max(ink), right_margin)  # the rightmost ink at the margin
    assert min(ink) > 18 * MM + 40  # and the title, shorter than the line, leaves the left side empty


def test_the_arabic_handout_embeds_the_bundled_naskh_face(sample: Path) -> None:
    fonts = subprocess.run(["pdffonts", str(output(sample, "ar", "pdf"))], capture_output=True, text=True,
                           check=True).stdout
    naskh = [line for line in fonts.splitlines() if "Noto-Naskh-Arabic" in line]
    assert naskh and all(" yes " in line for line in naskh), fonts


def test_every_translation_names_its_language_and_the_arabic_one_reads_right_to_left(sample: Path) -> None:
    for suffix, lang in {None: "en-GB", **LANGUAGES}.items():
        with zipfile.ZipFile(output(sample, suffix, "epub")) as book:
            package = etree.fromstring(book.read("EPUB/content.opf"))
            assert package.findtext(".//{http://purl.org/dc/elements/1.1/}language") == lang
            spine = package.find(f"{{{OPF}}}spine")
            rtl = lang in ("ar", "ur")
            assert spine.get("page-progression-direction") == ("rtl" if rtl else "ltr")
            documents = [name for name in book.namelist() if name.endswith(".xhtml")]
            assert "EPUB/nav.xhtml" in documents and len(documents) >= 5
            for name in documents:
                root = etree.fromstring(book.read(name))
                assert root.get("dir") == ("rtl" if rtl else "ltr"), (lang, name)
                assert root.find(f"{{{XHTML}}}body").get("dir") == ("rtl" if rtl else "ltr"), (lang, name)


def test_the_web_page_of_a_translation_is_in_its_language_and_direction(sample: Path) -> None:
    page = (sample / "dist" / "site" / f"{SOURCE}.ar" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    strings = strings_for((REPO / "layouts", REPO / "layouts"), "ar")
    assert strings.gettext("Download this leaflet") in page


def test_urdu_citations_say_they_are_written_in_english(sample: Path) -> None:
    strings = strings_for((REPO / "layouts", REPO / "layouts"), "ur")
    english = ("Reference styles have no rules for this language yet, so these references are written in "
               "English.")
    note = strings.gettext(english)
    assert note != english  # the catalogue has it
    assert " ".join(note.split()) in " ".join(pdf_text(output(sample, "ur", "pdf")).split())
    polish = " ".join(pdf_text(output(sample, "pl", "pdf")).split())
    assert "Reference styles" not in polish and "Pobrano" in polish  # pl-PL's CSL term for "retrieved"


def test_a_new_english_edition_puts_every_translation_out_of_date(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    runner = CliRunner()
    result = runner.invoke(cli, ["edition", SOURCE, "--note", "New target readings.", "--project", str(root)])
    assert result.exit_code == 0, result.output
    check = runner.invoke(cli, ["check", "--project", str(root)])
    for suffix in LANGUAGES:
        path = root / "leaflets" / f"{SOURCE}.{suffix}.md"
        line = line_of(path, "source_edition:")
        assert f"leaflets/{SOURCE}.{suffix}.md:{line}: translation-outdated: warning" in check.output
    listing = runner.invoke(cli, ["list", "--translations", "--project", str(root)])
    rows = [row for row in listing.output.splitlines() if f"{SOURCE}." in row]
    assert len(rows) == len(LANGUAGES) and all("out of date" in row for row in rows), listing.output


def small_project(root: Path, lang: str, suffix: str) -> Path:
    """The sample's leaflet alone, and a translation of it into `lang` that is the English text (enough to
    test the words the layouts add)."""
    copy_sample(root)
    for path in (root / "leaflets").glob(f"{SOURCE}.*.md"):
        path.unlink()
    (root / "leaflets" / "calcium-deposits.md").unlink()
    text = (root / "leaflets" / f"{SOURCE}.md").read_text(encoding="utf-8")
    text = text.replace("lang: en-GB\n", f"lang: {lang}\ntranslation_of: {SOURCE}\nsource_edition: 1\n"
                        "translated_by: [translator-ar]\nchecked_by: [reviewer-ar]\n")
    (root / "leaflets" / f"{SOURCE}.{suffix}.md").write_text(text, encoding="utf-8")
    return root


def test_a_language_without_a_catalogue_is_printed_in_english_with_a_warning(tmp_path: Path) -> None:
    root = small_project(tmp_path / "de", "de", "de")
    result = build(root)
    assert result.failed == ()
    warnings = [str(f) for f in result.warnings if f.code == "missing-translation"]
    assert len(warnings) == 1, [str(f) for f in result.warnings]
    line = line_of(root / "leaflets" / f"{SOURCE}.de.md", "lang:")
    assert warnings[0].startswith(f"leaflets/{SOURCE}.de.md:{line}: missing-translation: warning: ")
    assert "German (de)" in warnings[0] and '"About this edition"' in warnings[0]
    assert "layouts/locale/de/LC_MESSAGES/leafbind.po" in warnings[0]
    text = pdf_text(root / "dist" / SOURCE / f"{SOURCE}.de-ed1.pdf")
    assert "Cite this leaflet" in text
    assert format_date(published(root / "leaflets" / f"{SOURCE}.de.md"), "long",
                       locale="de") in " ".join(text.split())  # dates are German all the same


def test_a_project_catalogue_overrides_single_strings_and_adds_languages(tmp_path: Path) -> None:
    root = small_project(tmp_path / "pl", "pl", "pl")
    folder = root / "layouts" / "locale" / "pl" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "leafbind.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: pl\\n"\n\n'
        'msgid "Cite this leaflet"\nmsgstr "Jak powołać się na tę ulotkę"\n', encoding="utf-8")
    result = build(root)
    assert result.failed == () and [f for f in result.warnings if f.code == "missing-translation"] == []
    text = " ".join(pdf_text(root / "dist" / SOURCE / f"{SOURCE}.pl-ed1.pdf").split())
    builtin = strings_for((REPO / "layouts", REPO / "layouts"), "pl")
    assert "Jak powołać się na tę ulotkę" in text
    assert builtin.gettext("About this edition") in text  # the others still from the built-in catalogue

    edit(folder / "leafbind.po", 'msgstr "Jak', 'msgstr Jak')  # a broken catalogue: its file and line
    result = build(root, force=True)
    assert result.failed == (f"{SOURCE}.pl",)
    message = str(result.problems[0])
    assert "layouts/locale/pl/LC_MESSAGES/leafbind.po" in message and "Traceback" not in message


def test_the_built_in_catalogues_are_complete_and_keep_their_placeholders() -> None:
    with (REPO / "layouts" / "locale" / "leafbind.pot").open("rb") as file:
        template = {m.id for m in read_po(file) if m.id}
    for locale in ("ar", "ur", "bn", "pl", "es", "zh_Hans"):
        path = REPO / "layouts" / "locale" / locale / "LC_MESSAGES" / "leafbind.po"
        with path.open("rb") as file:
            catalogue = read_po(file)
        messages = {m.id: m for m in catalogue if m.id}
        assert set(messages) == template, (locale, set(template) ^ set(messages))
        for message in messages.values():
            assert not message.fuzzy, (locale, message.id)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), (locale, message.id)
            wanted = set(re.findall(r"%\(\w+\)s|\{\w+\}", ids[-1]))
            for string in strings:
                # a plural form may leave the number out ("one leaflet"), never add or misspell a placeholder
                found = set(re.findall(r"%\(\w+\)s|\{\w+\}", string))
                assert found <= wanted | set(re.findall(r"%\(\w+\)s|\{\w+\}", ids[0])), (locale, message.id)
                if "num" not in "".join(wanted):
                    assert found == wanted, (locale, message.id, string)


def test_english_leaflets_keep_their_english_and_need_no_catalogue() -> None:
    project = open_project(REPO)
    strings = strings_for(project.layout_dirs, "en-GB")
    assert strings.gettext("Cite this leaflet") == "Cite this leaflet" and strings.catalogue is None
    from datetime import date

    assert strings_for(project.layout_dirs, "en").date(date(2026, 9, 14)) == "14 September 2026"
    assert strings_for(project.layout_dirs, "en-US").date(date(2026, 9, 14)) == "September 14, 2026"
