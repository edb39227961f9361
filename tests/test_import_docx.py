"""publish import, Word documents: leafbind/importing/docx.py reads a .docx into a Draft, and refuses what is
not a Word document or could harm the machine reading it (zip bombs, entity declarations).

The documents are made here with python-docx (make_docx, which end-to-end tests may import too), with a
little OXML for what python-docx has no API for (links, header rows, tracked changes, footnotes).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import html as lxml_html
from markdownify import markdownify
from PIL import Image as PillowImage

from leafbind.importing.docx import read_docx
from leafbind.importing.draft import ImportRefused, Person

# --- Word documents made for the tests ----------------------------------------------------------------------

INTRO = ("A sprain is an injury to the tough bands that hold the bones of your wrist together. Most sprained "
         "wrists get better on their own within two to six weeks. You can do a lot to help it heal.")
STEPS = [("Rest your wrist for the first two or three days.", []),
         ("Put an ice pack on it for up to 20 minutes every few hours.",
          ["Wrap the ice pack in a towel.", "Never put ice straight on your skin."]),
         ("Raise your wrist on a pillow when you sit or lie down.", [])]
HELP_TABLE = [["Sign", "What to do"],
              ["You cannot move your fingers", "Go to A&E now"],
              ["The pain is no better after a week", "See your GP"]]
IMAGE_ALT = "A wrist wrapped in a support bandage"
SAMPLE = {
    "title": "Looking after a sprained wrist",
    "subtitle": None,
    "author": "Dr Ann Lee",
    "created": datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
    "modified": datetime(2024, 6, 1, 14, 0, tzinfo=UTC),
    "core": {},  # other core properties by python-docx's names: keywords, language, subject, comments …
    "intro": INTRO,
    "steps": STEPS,
    "link": "https://www.nhs.uk/conditions/sprains-and-strains/",
    "table": HELP_TABLE,
    "table_header": True,  # mark the table's first row as its header row (w:tblHeader)
    "image": "png",  # a small PNG made here; or bytes; or None
    "image_alt": IMAGE_ALT,
    "warning": "Do not wear rings or a watch on that hand until the swelling has gone down.",
    "comment": None,  # text of a Word comment on the first paragraph
    "tracked": False,  # an insertion and a deletion, as Word's Track Changes records them
    "footnote": None,  # text of a footnote on the first paragraph
}


def small_png(colour: tuple[int, int, int] = (200, 60, 60)) -> bytes:
    """A 24 × 16 pixel PNG."""
    out = io.BytesIO()
    PillowImage.new("RGB", (24, 16), colour).save(out, "PNG")
    return out.getvalue()


def make_docx(path: Path, **parts) -> Path:
    """Write a Word document about a sprained wrist to `path`: SAMPLE's parts, each overridden by `parts`
    (None leaves a part out). In order: a Title paragraph, an introduction (with bold text and a web link), a
    "Warning Box" paragraph (a custom style), Heading 1 "Caring for your wrist at home" with a numbered list
    (nested bullets under step 2), Heading 2 "When to get help" with a table, Heading 3 "Support bandages"
    with a picture, and Word's core properties (author, created, modified, …)."""
    unknown = set(parts) - set(SAMPLE)
    assert not unknown, f"make_docx has no part {unknown}"
    part = {**SAMPLE, **parts}
    document = docx.Document()
    _add_front(document, part)
    _add_steps(document, part["steps"])
    _add_table(document, part["table"], part["table_header"])
    _add_image(document, part["image"], part["image_alt"])
    _set_core_properties(document, part)
    document.save(path)
    return path


def _add_front(document, part: dict) -> None:
    if part["title"]:
        document.add_paragraph(part["title"], style="Title")
    if part["subtitle"]:
        document.add_paragraph(part["subtitle"], style="Subtitle")
    if part["intro"]:
        paragraph = document.add_paragraph(part["intro"] + " ")
        paragraph.add_run("Call 999 if the bone looks out of shape.").bold = True
        _add_extras(document, paragraph, part)
    if part["warning"]:
        document.styles.add_style("Warning Box", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph(part["warning"], style="Warning Box")


def _add_extras(document, paragraph, part: dict) -> None:
    if part["link"]:
        paragraph.add_run(" Read more on ")
        add_link(paragraph, "the NHS website", part["link"])
        paragraph.add_run(".")
    if part["footnote"]:
        add_footnote(document, paragraph, part["footnote"])
    if part["comment"]:
        document.add_comment(paragraph.runs[0], text=part["comment"], author="Sam Reviewer", initials="SR")
    if part["tracked"]:
        add_tracked_changes(paragraph)


def _add_steps(document, steps) -> None:
    if not steps:
        return
    document.add_heading("Caring for your wrist at home", level=1)
    for step, details in steps:
        document.add_paragraph(step, style="List Number")
        for detail in details:
            document.add_paragraph(detail, style="List Bullet 2")


def _add_table(document, rows, header: bool) -> None:
    if not rows:
        return
    document.add_heading("When to get help", level=2)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    if header:
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _add_image(document, image, alt: str | None) -> None:
    if image is None:
        return
    document.add_heading("Support bandages", level=3)
    data = small_png() if image == "png" else image
    document.add_paragraph("A bandage can support your wrist for the first few days.")
    document.add_paragraph().add_run().add_picture(io.BytesIO(data))
    document.inline_shapes[-1]._inline.docPr.set("descr", alt or "")


def _set_core_properties(document, part: dict) -> None:
    properties = document.core_properties
    properties.author, properties.comments = part["author"] or "", ""
    properties.last_modified_by = "Pat Typist"  # not an author
    for name, value in part["core"].items():
        setattr(properties, name, value)
    for name in ("created", "modified"):
        if part[name] is None:
            element = properties._element.find(qn(f"dcterms:{name}"))
            properties._element.remove(element)
        else:
            setattr(properties, name, part[name])


def add_link(paragraph, text: str, url: str) -> None:
    """A hyperlink run, as Word writes it (python-docx has no API for one)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = text
    run.append(run_text)
    link.append(run)
    paragraph._p.append(link)


def add_tracked_changes(paragraph) -> None:
    """An insertion ("Keep it still.") and a deletion ("Move it a lot."), by Track Changes."""
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="901" w:author="Sam Reviewer" w:date="2024-05-01T10:00:00Z">'
        '<w:r><w:t xml:space="preserve"> Keep it still.</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="902" w:author="Sam Reviewer" w:date="2024-05-01T10:00:00Z">'
        '<w:r><w:delText xml:space="preserve"> Move it a lot.</w:delText></w:r></w:del>'))


FOOTNOTES = ('<w:footnotes {ns}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
             '</w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             '<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r>'
             '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
             '</w:footnotes>')


def add_footnote(document, paragraph, text: str) -> None:
    """Footnote 1 with `text`, referred to at the end of `paragraph` (a footnotes part of its own)."""
    xml = FOOTNOTES.format(ns=nsdecls("w"), text=text).encode()
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", xml,
                document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))


def rewrite_docx(path: Path, edit) -> Path:
    """Rewrite the zip at `path`: `edit(name, data)` gives each member's new (name, data), or None to leave
    it out."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if (changed := edit(name, data)) is not None:
                archive.writestr(*changed)
    return path


def body(draft) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(draft.body_html, create_parent="div")


def as_markdown(html: str) -> str:
    """The Markdown the importer's writer makes of body HTML (its markdownify options)."""
    return markdownify(html, heading_style="ATX", bullets="-", escape_misc=True, table_infer_header=True)


# --- A Word leaflet -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = make_docx(tmp_path_factory.mktemp("word") / "sprained-wrist.docx")
    return read_docx(path)


def test_the_title_dates_and_author_come_from_the_document(sample) -> None:
    assert sample.kind == "Word document"
    assert (sample.title, sample.title_from) == ("Looking after a sprained wrist", "the Title paragraph")
    assert "sprained wrist</" not in sample.body_html.split("<h2>")[0]  # the title is not in the body
    assert sample.published.value.isoformat() == "2024-03-05"
    assert sample.updated.value.isoformat() == "2024-06-01"
    assert "created" in sample.published.origin and "modified" in sample.updated.origin
    assert sample.people == [Person(name="Dr Ann Lee", origin="Word's Author property")]  # not Pat Typist
    assert (sample.lang, sample.lang_from) == ("en-US", "the document's default language (styles)")


def test_the_summary_is_the_first_two_sentences_for_the_editor_to_check(sample) -> None:
    assert sample.summary == ("A sprain is an injury to the tough bands that hold the bones of your wrist "
                              "together. Most sprained wrists get better on their own within two to six "
                              "weeks.")
    assert sample.summary_from == "the first paragraph"
    assert any("check the summary" in line for line in sample.todo)


def test_headings_become_sections_and_subsections_in_order(sample) -> None:
    headings = [(element.tag, element.text_content()) for element in body(sample) if element.tag[0] == "h"]
    assert headings == [("h2", "Caring for your wrist at home"), ("h2", "When to get help"),
                        ("h3", "Support bandages")]


def test_a_numbered_list_keeps_its_nested_bullets(sample) -> None:
    steps = body(sample).find("ol")
    assert [len(item.findall("ul")) for item in steps.findall("li")] == [0, 1, 0]
    assert [item.text_content() for item in steps.find("li/ul").findall("li")] == STEPS[1][1]
    markdown = as_markdown(sample.body_html)
    nested = re.compile(r"^2\. Put an ice pack.*\n(\s*\n)?   +- Wrap the ice pack in a towel\.$", re.M)
    assert nested.search(markdown), markdown


def test_bold_text_and_a_web_link_are_kept(sample) -> None:
    first = body(sample).find("p")
    assert first.find("strong").text == "Call 999 if the bone looks out of shape."
    assert first.find("a").attrib == {"href": "https://www.nhs.uk/conditions/sprains-and-strains/"}
    assert first.find("a").text == "the NHS website"


def test_the_table_keeps_its_header_row(sample) -> None:
    table = body(sample).find("table")
    assert [cell.text_content() for cell in table.iter("th")] == HELP_TABLE[0]
    assert [[cell.text_content() for cell in row.findall("td")] for row in table.iter("tr")][1:] == \
        HELP_TABLE[1:]
    assert not any("header row" in line for line in sample.todo)
    assert "| Sign | What to do |" in as_markdown(sample.body_html)


def test_the_picture_is_kept_with_its_description(sample) -> None:
    assert [(image.name, image.data, image.alt) for image in sample.images] == [
        ("image-1.png", small_png(), IMAGE_ALT)]
    assert body(sample).find(".//img").attrib == {"src": "image-1.png", "alt": IMAGE_ALT}
    assert not any("alt text" in line for line in sample.todo)


def test_an_unknown_style_is_reported_and_its_text_kept(sample) -> None:
    assert sample.unknown_styles == ["Warning Box"]
    assert "<p>Do not wear rings or a watch on that hand" in sample.body_html


def test_the_body_holds_only_plain_semantic_html(sample) -> None:
    tags = {element.tag for element in body(sample).iter()} - {"div"}
    assert tags <= {"h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
                    "strong", "em", "blockquote", "img"}
    assert not re.search(r'\s(class|id|style)="', sample.body_html)
    assert "<p></p>" not in sample.body_html
    assert sample.dropped == []


# --- Other documents, other fields --------------------------------------------------------------------------

def test_without_a_title_paragraph_the_first_heading_is_the_title(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx", title=None, intro=None, warning=None)
    draft = read_docx(path)
    assert (draft.title, draft.title_from) == ("Caring for your wrist at home", "the first heading")
    assert "Caring for your wrist" not in draft.body_html


def test_a_body_that_does_not_begin_with_a_heading_takes_the_title_property(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", title=None, core={"title": "Sprained wrist"}))
    assert (draft.title, draft.title_from) == ("Sprained wrist", "the Title property")
    assert "<h2>Caring for your wrist at home</h2>" in draft.body_html


def test_a_document_without_a_title_gets_a_note(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", title=None, steps=None, table=None, image=None))
    assert draft.title is None


def test_the_subtitle_is_the_summary_and_core_properties_fill_the_rest(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx", subtitle="How to help your wrist heal after a fall.",
                     core={"keywords": "wrist; sprain, first aid", "language": "en-GB"},
                     created=datetime(1601, 1, 1, tzinfo=UTC), modified=datetime(2024, 6, 1, tzinfo=UTC))
    draft = read_docx(path)
    assert (draft.summary, draft.summary_from) == ("How to help your wrist heal after a fall.",
                                                   "the Subtitle paragraph")
    assert "How to help your wrist" not in draft.body_html
    assert draft.keywords == ["wrist", "sprain", "first aid"]
    assert (draft.lang, draft.lang_from) == ("en-GB", "the Language property")
    assert draft.published is None and draft.updated.value.isoformat() == "2024-06-01"


def test_a_modified_date_before_the_created_one_is_no_update(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx", created=datetime(2024, 6, 1, tzinfo=UTC),
                     modified=datetime(2024, 6, 1, 18, 0, tzinfo=UTC), core={"subject": "Wrist sprains"})
    draft = read_docx(path)
    assert draft.published.value.isoformat() == "2024-06-01" and draft.updated is None
    assert draft.summary_from == "the first paragraph"  # the Subject property is a topic, seldom a summary


def test_a_table_without_a_header_row_gets_one_and_a_note(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", table_header=False))
    assert [cell.text_content() for cell in body(draft).iter("th")] == HELP_TABLE[0]
    assert "check the header row of table 1" in " ".join(draft.todo)


def test_a_picture_without_a_description_gets_a_note(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", image_alt=None))
    assert draft.images[0].alt == ""
    assert "write a description (alt text) for image-1.png" in draft.todo


def test_a_tiff_picture_becomes_a_png(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx")
    tiff = io.BytesIO()
    PillowImage.new("RGB", (8, 8), (0, 90, 0)).save(tiff, "TIFF")
    rewrite_docx(path, lambda name, data: (name, tiff.getvalue()) if name.startswith("word/media/") else
                 (name, data))
    draft = read_docx(path)
    assert draft.images[0].name == "image-1.png"
    with PillowImage.open(io.BytesIO(draft.images[0].data)) as picture:
        assert (picture.format, picture.size) == ("PNG", (8, 8))


# The header of an enhanced metafile (a drawing Pillow can size but not draw on Linux): bounds and frame
EMF = struct.pack("<2I4i4i", 1, 108, 0, 0, 100, 100, 0, 0, 2540, 2540) + b" EMF" + bytes(64)


def test_a_picture_pillow_cannot_read_is_left_to_the_editor(tmp_path) -> None:
    def emf(name: str, data: bytes):
        if name.startswith("word/media/"):
            return "word/media/image1.emf", EMF
        if name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            data = re.sub(rb"media/image1\.png", b"media/image1.emf", data)
            data = data.replace(b"</Types>", b'<Default Extension="emf" ContentType="image/x-emf"/></Types>')
        return name, data

    draft = read_docx(rewrite_docx(make_docx(tmp_path / "a.docx"), emf))
    assert draft.images == [] and "<img" not in draft.body_html
    assert any(line.startswith("image 1 (EMF) could not be imported") and "add it by hand" in line
               for line in draft.todo), draft.todo


def test_links_that_are_not_to_the_web_are_unwrapped_with_a_note(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", link="file:///C:/Users/ann/secret.docx"))
    assert "file:" not in draft.body_html.split("Read more on")[0] + str(body(draft).find(".//a"))
    assert "the NHS website" in draft.body_html
    assert any("file:///C:/Users/ann/secret.docx" in line for line in draft.todo)


def test_footnotes_become_plain_references_and_a_notes_section(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", footnote="Ligaments join bone to bone."))
    assert "#footnote" not in draft.body_html and " id=" not in draft.body_html
    assert "[1]" in body(draft).find("p").text_content()
    last = list(body(draft))[-2:]
    assert [element.tag for element in last] == ["h2", "ol"] and last[0].text == "Notes"
    assert last[1].text_content().strip() == "Ligaments join bone to bone."


def test_comments_and_tracked_changes_are_reported_as_dropped(tmp_path) -> None:
    draft = read_docx(make_docx(tmp_path / "a.docx", comment="Is two to six weeks right?", tracked=True))
    assert "Keep it still." in draft.body_html  # the insertion, as if accepted
    assert "Move it a lot." not in draft.body_html  # the deletion left out
    assert "Is two to six weeks right?" not in draft.body_html
    assert draft.dropped == ["comments (1)", "tracked changes (2): accepted, as if in Word — 1 insertion "
                                             "kept, 1 deletion left out"]


def test_page_headers_and_footers_are_reported_as_dropped(tmp_path) -> None:
    path = tmp_path / "a.docx"
    document = docx.Document()
    document.add_paragraph("Rest your wrist.")
    document.sections[0].footer.paragraphs[0].text = "Wrist clinic, version 3"
    document.sections[0].header.paragraphs[0].text = "12"  # a page number alone is no loss
    document.save(path)
    draft = read_docx(path)
    assert "Wrist clinic" not in draft.body_html
    assert draft.dropped == ["page headers and footers (1)"]


# --- Refused ------------------------------------------------------------------------------------------------

def refusal(path: Path) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_docx(path)
    return str(refused.value)


def test_a_zip_bomb_is_refused(tmp_path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            zeros = bytes(1024 * 1024)
            for _ in range(300):
                member.write(zeros)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert "zip bomb" in refusal(path)


def test_a_part_that_expands_too_many_times_is_a_zip_bomb(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx")
    rewrite_docx(path, lambda name, data: (name, bytes(4 * 1024 * 1024) if name.startswith("word/media/")
                                           else data))
    assert "expands more than 100 times" in refusal(path)


def test_an_entity_declaration_is_refused(tmp_path) -> None:
    def declare(name: str, data: bytes):
        if name == "word/document.xml":
            data = re.sub(rb"^(<\?xml[^>]*\?>)", rb'\1<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                          data)
        return name, data

    message = refusal(rewrite_docx(make_docx(tmp_path / "a.docx"), declare))
    assert message.startswith("word/document.xml declares an XML entity")


def test_an_entity_declaration_in_utf_16_is_refused_too(tmp_path) -> None:
    def utf16(name: str, data: bytes):
        if name == "docProps/core.xml":
            data = data.decode().replace("UTF-8", "UTF-16")
            data = data.replace("?>", '?><!DOCTYPE x [<!ENTITY e "e">]>', 1).encode("utf-16")
        return name, data

    message = refusal(rewrite_docx(make_docx(tmp_path / "a.docx"), utf16))
    assert message.startswith("docProps/core.xml declares an XML entity")


def test_an_xml_part_in_an_encoding_word_does_not_write_is_refused(tmp_path) -> None:
    def ebcdic(name: str, data: bytes):
        if name == "word/styles.xml":
            data = data.replace(b"UTF-8", b"cp037", 1)
        return name, data

    message = refusal(rewrite_docx(make_docx(tmp_path / "a.docx"), ebcdic))
    assert message.startswith("word/styles.xml declares the encoding cp037")


def test_a_text_file_named_docx_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("Rest, ice, compression, elevation.\n")
    assert refusal(path) == "is not a Word document (.docx): it is not a zip file"


def test_an_old_word_file_and_an_encrypted_one_are_refused_with_what_to_do(tmp_path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    (tmp_path / "old.doc").write_bytes(ole + "WordDocument".encode("utf-16-le"))
    (tmp_path / "locked.docx").write_bytes(ole + "EncryptedPackage".encode("utf-16-le"))
    assert "save it as a Word document (.docx)" in refusal(tmp_path / "old.doc")
    assert refusal(tmp_path / "locked.docx").startswith("is password-protected or not a .docx")


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path) -> None:
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
    assert "it has no word/document.xml" in refusal(path)


def test_a_part_named_outside_the_document_is_refused(tmp_path) -> None:
    path = make_docx(tmp_path / "a.docx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../.bashrc", "echo hello")
    assert "points outside the document" in refusal(path)


def test_a_zip_of_too_many_parts_is_refused(tmp_path) -> None:
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(5000):
            archive.writestr(f"word/media/{number}.bin", b"")
    assert refusal(path).startswith("has 5001 parts")


TEXT_BOX = ('<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="5" '
            'name="Text Box 5"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
            'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            '</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
            '</mc:Choice>{fallback}</mc:AlternateContent></w:r>')
VML_FALLBACK = ('<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r>'
                '</w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>')
BOX_NAMESPACES = ('xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
                  'xmlns:v="urn:schemas-microsoft-com:vml"')


@pytest.mark.parametrize("fallback", [True, False])
def test_a_text_box_is_kept_when_mammoth_can_read_it_and_reported_when_not(tmp_path, fallback) -> None:
    path = tmp_path / "a.docx"
    document = docx.Document()
    text = "Ask for a wrist splint at the pharmacy."
    run = TEXT_BOX.format(ns=f'{nsdecls("w", "wp", "a")} {BOX_NAMESPACES}', text=text,
                          fallback=VML_FALLBACK.format(text=text) if fallback else "")
    document.add_paragraph("Rest your wrist.")._p.append(parse_xml(run))
    document.save(path)
    draft = read_docx(path)
    assert (text in draft.body_html) == fallback
    assert draft.dropped == ([] if fallback else ["text boxes (1)"])
