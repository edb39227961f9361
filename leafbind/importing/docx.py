"""Word documents (.docx) read into a Draft: the body by mammoth, the rest from the package's own parts.

read_docx() checks the file before anything parses it (its size, that it is a zip and not a zip bomb, no
entity declaration in any XML part), converts the body to semantic HTML with mammoth and a style map of our
own (Title and Subtitle taken out for the leaflet's fields, headings moved one level down so that sections
are <h2>), decodes every embedded image with Pillow, cleans the HTML down to the tags Draft.body_html allows,
and reads the title, author, dates, language and keywords from the core properties (docProps/core.xml).
What mammoth leaves out (comments, deleted text, page headers and footers, text boxes, charts) is counted for
the import report; footnotes and endnotes become plain "[1]" references and a last "Notes" section.
Nothing is written, and no file but the document itself is read (mammoth's external file access is off).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from xml.parsers.expat import ExpatError

from lxml import etree
from lxml import html as lxml_html

from ..assets import MAX_PIXELS
from ..errors import plural
from ..markdown import LINK_SCHEMES
from .draft import Dated, Draft, Image, ImportRefused, Person, refuse_entities

KIND = "Word document"
MAX_FILE_BYTES = 50 * 1024 * 1024  # a leaflet with photos is a few MB
MAX_EXPANDED_BYTES = 256 * 1024 * 1024  # all parts together, as actually decompressed
MAX_ENTRIES = 5000
MAX_RATIO = 100  # expanded ÷ compressed size, for a part over RATIO_FROM_BYTES (text compresses ~10×)
RATIO_FROM_BYTES = 1024 * 1024
CHUNK = 1024 * 1024
MAX_SUMMARY = 300
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: a .doc, or an encrypted .docx
UTF16_STARTS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}
XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)")
# encodings in which "<!ENTITY" is those bytes
ASCII_BASED = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1",
               b"windows-1252", b"cp1252"}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"w": W, "a": A, "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
      "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
# The parts read here besides mammoth (kept in memory while the package is checked).
WANTED_PART = re.compile(r"^(docProps/core\.xml|word/(document|styles|comments|footnotes|endnotes)\.xml|"
                         r"word/(header|footer)\d*\.xml)$")

# Word's style names (mammoth matches them case-insensitively) → HTML. Our own map replaces mammoth's default
# one, so that the order is ours: a style rule before the numbering rules wins over them. The Title and
# Subtitle classes only mark those paragraphs until they are taken out; every class is removed afterwards.
STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h1.title:fresh",
    "p[style-name='Subtitle'] => p.subtitle:fresh",
    *(f"p[style-name='Heading {level}'] => {tag}:fresh\np.Heading{level} => {tag}:fresh"
      for level, tag in [(1, "h2"), (2, "h2"), (3, "h3"), (4, "h4"), (5, "h4"), (6, "h4")]),
    "p[style-name='Quote'] => blockquote > p:fresh",
    "p[style-name='Intense Quote'] => blockquote > p:fresh",
    "p[style-name^='TOC'] => p.toc:fresh",  # a table of contents: the leaflet makes its own
    # Word's "List Bullet 2", "List Number 3" … take their numbering from the style, at level 1 of a list of
    # their own (only the indent shows the depth): mammoth would make them flat lists.
    *(f"p[style-name='List {name} {depth}'] => {'ul|ol > li > ' * (depth - 1)}{tag} > li:fresh"
      for depth in range(2, 6) for name, tag in [("Bullet", "ul"), ("Number", "ol")]),
    *(f"p:{kind}-list({depth}) => {'ul|ol > li > ' * (depth - 1)}{tag} > li:fresh"
      for depth in range(1, 6) for kind, tag in [("unordered", "ul"), ("ordered", "ol")]),
    "p[style-name='List Bullet'] => ul > li:fresh",  # when the style has no numbering of its own
    "p[style-name='List Number'] => ol > li:fresh",
    # Styles that are ordinary paragraphs (not "unknown"): Word's and LibreOffice's body and note styles.
    *(f"p[style-name='{name}'] => p:fresh" for name in [
        "Normal", "Normal (Web)", "Body Text", "Body Text 2", "Body Text 3", "Body Text First Indent",
        "No Spacing", "List Paragraph", "List", "List Continue", "Caption", "Plain Text", "Body",
        "footnote text", "endnote text", "annotation text", "Footnote", "Endnote", "Text Body"]),
    # the same by style ID, for styles a document uses without defining them
    *(f"p.{style} => p:fresh" for style in ["Normal", "CommentText", "FootnoteText", "EndnoteText"]),
    *(f"r.{style} =>" for style in
      ["CommentReference", "FootnoteReference", "EndnoteReference", "Hyperlink"]),
    "r[style-name='Strong'] => strong",
    "r[style-name='Emphasis'] => em",
    *(f"r[style-name='{name}'] =>" for name in [
        "Hyperlink", "FollowedHyperlink", "Default Paragraph Font", "footnote reference", "endnote reference",
        "annotation reference", "Footnote anchor", "Endnote anchor", "Internet Link"]),
])

UNRECOGNISED = re.compile(r"^Unrecognised (?:paragraph|run) style: (.*) \(Style ID: (.*)\)$")
ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
                "strong", "em", "blockquote", "img"}
REMOVED_TAGS = {"script", "style", "dl"}  # dropped with their content (mammoth's comment list is a <dl>)
# the links a leaflet's body may hold (markdown.py), but "#section": Word's bookmarks are not its sections
KEPT_LINKS = tuple(scheme for scheme in LINK_SCHEMES if scheme != "#")
KEPT_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
# Authors that programs fill in by themselves, not people
PLACEHOLDER_AUTHORS = {"", "user", "windows user", "microsoft office user", "admin", "administrator",
                       "author", "python-docx"}
# a space after a full stop (or ! ? …), perhaps closing quotes, and before what can start a sentence
SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)]))\s+(?=[A-Z0-9\"'“‘(])")


def read_docx(path: Path) -> Draft:
    """The Draft of one Word document, or ImportRefused with the reason (the caller names the file)."""
    data = _read_file(path)
    parts = _check_package(data)
    draft = Draft(origin=path, kind=KIND)
    images = _ImageCollector()
    body_html, messages = _convert(data, images)
    draft.images, draft.todo = images.images, images.todo
    draft.unknown_styles = _unknown_styles(messages)
    body = lxml_html.fragment_fromstring(body_html, create_parent="div")
    titles, subtitles = _take_out(body, "title"), _take_out(body, "subtitle")
    _clean_body(body, draft, {image.name for image in images.images})
    _read_core_properties(parts.get("docProps/core.xml"), draft)
    _choose_title(body, titles, draft)
    _choose_summary(body, subtitles, draft)
    if draft.lang is None:
        _read_default_language(parts.get("word/styles.xml"), draft)
    draft.dropped += _dropped(parts, body.text_content())
    draft.body_html = _serialise(body)
    return draft


# --- The file and its package, checked before anything parses them -----------------------------------------

def _read_file(path: Path) -> bytes:
    """The file's bytes, when it can be a .docx at all."""
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)  # no more, even if the file grew since it was listed
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(f"is over {MAX_FILE_BYTES // 1024 // 1024} MB: a Word document to import may be "
                            "at most that (make its pictures smaller)")
    if data.startswith(OLE_MAGIC):
        raise ImportRefused(_ole_reason(data))
    if data.lstrip().startswith(b"{\\rtf"):
        raise ImportRefused("is an RTF file, not a Word document (.docx): open it in Word and save it as "
                            "a Word document (.docx)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused("is not a Word document (.docx): it is not a zip file")
    return data


def _ole_reason(data: bytes) -> str:
    """Why an OLE compound file is refused: its directory names its streams (in UTF-16)."""
    if "WordDocument".encode("utf-16-le") in data and "EncryptedPackage".encode("utf-16-le") not in data:
        return ("is an old Word 97–2003 document (.doc): open it in Word and save it as a Word document "
                "(.docx), then import that")
    return ("is password-protected or not a .docx (it is an OLE compound file, not a zip): remove the "
            "password in Word (File → Info → Protect Document) and save it again as .docx")


def _check_package(data: bytes) -> dict[str, bytes]:
    """Check every part of the zip by decompressing it (the sizes its headers give are not trusted), and
    return the parts read here besides mammoth."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ENTRIES:
                raise ImportRefused(f"has {len(members)} parts: a Word document has a few dozen (at most "
                                    f"{MAX_ENTRIES} are read)")
            if "word/document.xml" not in archive.namelist():
                raise ImportRefused("is not a Word document (.docx): it has no word/document.xml (is it "
                                    "another kind of zip file, such as an .odt or .xlsx?)")
            return _expand_all(archive, members)
    except zipfile.BadZipFile as error:
        raise ImportRefused(f"is damaged: its zip structure cannot be read ({error})") from None


def _expand_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    wanted: dict[str, bytes] = {}
    total = 0
    for member in members:
        _check_name(member.filename)
        chunks = []
        for chunk in _expand(archive, member, total):
            total += len(chunk)
            if WANTED_PART.match(member.filename):
                chunks.append(chunk)
        if chunks:
            wanted[member.filename] = b"".join(chunks)
    return wanted


def _check_name(name: str) -> None:
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise ImportRefused(f'has a part named "{name}", which points outside the document: it was not '
                            "imported")


def _expand(archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int) -> Iterator[bytes]:
    """The member's bytes, chunk by chunk, counted as they come and checked for entity declarations."""
    expanded, scanner = 0, _EntityScanner(member.filename)
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                expanded += len(chunk)
                _check_bomb(member, expanded, total + expanded)
                scanner.feed(chunk)
                yield chunk
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError, OSError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile lacks
        raise ImportRefused(f"is damaged or protected: its part {member.filename} cannot be read "
                            f"({error})") from None


def _check_bomb(member: zipfile.ZipInfo, expanded: int, total: int) -> None:
    if total > MAX_EXPANDED_BYTES:
        raise ImportRefused(f"is a zip bomb: its parts would expand to more than "
                            f"{MAX_EXPANDED_BYTES // 1024 // 1024} MB")
    if expanded > RATIO_FROM_BYTES and expanded > MAX_RATIO * max(member.compress_size, 1):
        raise ImportRefused(f"is a zip bomb: its part {member.filename} expands more than {MAX_RATIO} times")


class _EntityScanner:
    """refuse_entities on one part, chunk by chunk (the end of the previous chunk joined on, so that no
    declaration is split unseen). Every part is scanned, whatever its name: mammoth finds its parts through
    the relationships, not by name. A part in UTF-16 (which Word does not write, but expat reads) is decoded
    first, so that "<!ENTITY" shows; one declaring an encoding in which it would not show is refused."""

    def __init__(self, name: str) -> None:
        self.name, self.tail = name, b""
        self.decoder: codecs.IncrementalDecoder | None = None
        self.started = False

    def feed(self, chunk: bytes) -> None:
        if not self.started:
            self.started, self.decoder = True, _decoder_for(chunk[:200], self.name)
        text = self.decoder.decode(chunk).encode("utf-8") if self.decoder else chunk
        refuse_entities(self.tail + text, self.name)
        self.tail = text[-16:]


def _decoder_for(head: bytes, name: str) -> codecs.IncrementalDecoder | None:
    for start, encoding in UTF16_STARTS.items():
        if head.startswith(start):
            return codecs.getincrementaldecoder(encoding)(errors="replace")
    declared = XML_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in ASCII_BASED:
        raise ImportRefused(f"{name} declares the encoding {declared.group(1).decode()}, which Word does not "
                            "write: it was not imported")
    return None


# --- The body, by mammoth ----------------------------------------------------------------------------------

def _convert(data: bytes, images: _ImageCollector) -> tuple[str, list[str]]:
    """mammoth's HTML of the body, and its messages."""
    try:
        import mammoth  # deferred: every publish command imports this module, few convert Word files
        import mammoth.images

        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, include_default_style_map=False,
            include_embedded_style_map=False,  # a style map inside the document could make any HTML
            convert_image=mammoth.images.img_element(images), external_file_access=False)
    except ExpatError as error:  # mammoth parses with minidom
        raise ImportRefused(f"is damaged: its XML cannot be read ({error})") from None
    except (ValueError, KeyError, AttributeError, IndexError, RecursionError) as error:
        raise ImportRefused(f"could not be read as a Word document ({type(error).__name__}: "
                            f"{error})") from None
    return result.value, [message.message for message in result.messages]


def _unknown_styles(messages: list[str]) -> list[str]:
    """The paragraph and character styles mammoth had no rule for, each once, in the order met."""
    names: list[str] = []
    for message in messages:
        if found := UNRECOGNISED.match(message):
            name = found.group(1) if found.group(1) != "None" else found.group(2)
            if name not in names:
                names.append(name)
    return names


class _ImageCollector:
    """mammoth's image converter: decodes each image, names it image-N.suffix (N counts every image met, so
    the report's "image 3" is the third picture in the document), and notes what the editor must do."""

    def __init__(self) -> None:
        self.images: list[Image] = []
        self.todo: list[str] = []
        self.count = 0
        self._by_data: dict[bytes, str] = {}

    def __call__(self, image) -> dict[str, str]:
        self.count += 1
        kind = _image_kind(image.content_type)
        try:
            with image.open() as stream:
                data = stream.read()
        except (ValueError, KeyError, OSError):  # a linked (not embedded) or missing picture
            self.todo.append(f"image {self.count} is linked to a file outside the document, not held in it: "
                             "add it by hand")
            return {"src": "#unreadable"}
        return {"src": self._keep(data, kind, _alt(image.alt_text))}

    def _keep(self, data: bytes, kind: str, alt: str) -> str:
        if data in self._by_data:  # the same picture again
            return self._by_data[data]
        try:
            kept, suffix = _decode_image(data)
        except ValueError as error:
            self.todo.append(f"image {self.count} ({kind}) could not be imported ({error}): save it as PNG "
                             "and add it by hand")
            return "#unreadable"
        name = f"image-{self.count}{suffix}"
        self.images.append(Image(name=name, data=kept, alt=alt))
        self._by_data[data] = name
        self._note_alt(name, alt)
        return name

    def _note_alt(self, name: str, alt: str) -> None:
        if not alt:
            self.todo.append(f"write a description (alt text) for {name}")
        elif alt.lower().rstrip(".").endswith("description automatically generated"):
            self.todo.append(f"check the description (alt text) of {name}: Word wrote it automatically")


def _image_kind(content_type: str | None) -> str:
    subtype = (content_type or "").rpartition("/")[2].removeprefix("x-")
    return subtype.upper() or "of an unknown kind"


def _alt(text: str | None) -> str:
    return " ".join((text or "").split())


def _decode_image(data: bytes) -> tuple[bytes, str]:
    """The picture as leafbind prints it, and its suffix: PNG, JPEG, GIF and WebP as they are, other formats
    Pillow reads converted to PNG. ValueError when it cannot be decoded completely."""
    from PIL import Image as PillowImage  # Pillow is slow to import
    from PIL import ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False  # set by WeasyPrint
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            with PillowImage.open(io.BytesIO(data)) as picture:
                return _decoded(picture, data)
    except ValueError:
        raise
    # A damaged picture makes some of Pillow's readers fail in their own ways (a ZeroDivisionError for an
    # EMF header with an empty frame, struct.error for a short one …).
    except (OSError, SyntaxError, EOFError, ArithmeticError, IndexError, KeyError, TypeError, struct.error,
            PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as error:
        raise ValueError(str(error) or type(error).__name__) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _decoded(picture, data: bytes) -> tuple[bytes, str]:
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise ValueError(f"it is {width} × {height} pixels, more than {MAX_PIXELS // 1_000_000} megapixels")
    picture.load()  # every pixel: a truncated or corrupt picture fails here
    if picture.format in KEPT_FORMATS:
        return data, KEPT_FORMATS[picture.format]
    if picture.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        picture = picture.convert("RGBA" if "A" in picture.mode else "RGB")
    converted = io.BytesIO()
    picture.save(converted, "PNG")
    return converted.getvalue(), ".png"


# --- The body cleaned ---------------------------------------------------------------------------------------

def _clean_body(body: lxml_html.HtmlElement, draft: Draft, image_names: set[str]) -> None:
    """mammoth's HTML (in a <div>) made into what Draft.body_html allows; notes for the report added to the
    draft."""
    _move_notes(body)
    _drop_table_of_contents(body, draft)
    _fix_links(body, draft)
    for img in list(body.iter("img")):
        if img.get("src") not in image_names:
            _remove_keeping_tail(img)
        else:
            img.set("alt", _alt(img.get("alt")))
    _fix_scripts(body)
    _fix_tables(body, draft)
    _keep_allowed(body)
    _drop_empty(body)


def _move_notes(body: lxml_html.HtmlElement) -> None:
    """Footnote and endnote references become plain "[1]" text, and the notes a list under a last "Notes"
    heading: leafbind refuses links to anchors that are not sections, and mammoth links both ways."""
    for link in list(body.iter("a")):
        href = link.get("href") or ""
        if re.match(r"^#(footnote|endnote)-ref-", href):  # the note's link back to its reference
            _remove_keeping_tail(link)
        elif re.match(r"^#(footnote|endnote)-", href):
            reference = link.getparent() if link.getparent().tag == "sup" else link
            _replace_with_text(reference, link.text_content())
    notes = [item for item in body.iter("li") if re.match(r"^(footnote|endnote)-", item.get("id") or "")]
    if notes:
        holder = notes[0].getparent()
        heading = lxml_html.Element("h2")
        heading.text = "Notes"
        body.append(heading)
        body.append(holder)


def _drop_table_of_contents(body: lxml_html.HtmlElement, draft: Draft) -> None:
    entries = body.find_class("toc")
    for entry in entries:
        entry.drop_tree()
    if entries:
        draft.dropped.append("a table of contents")


def _fix_links(body: lxml_html.HtmlElement, draft: Draft) -> None:
    """Keep http(s), mailto: and tel: links; unwrap the rest (bookmarks, links inside the document or to
    files) and list those that pointed somewhere."""
    unwrapped = []
    for link in list(body.iter("a")):
        href = (link.get("href") or "").strip()
        if href.lower().startswith(KEPT_LINKS):
            link.attrib.clear()
            link.set("href", href)
            continue
        if href:
            unwrapped.append(f'"{" ".join(link.text_content().split())}" ({href})')
        link.drop_tag()
    if unwrapped:
        draft.todo.append("check the text of links that were removed (they pointed inside the document or "
                          "to a file, not to a web page, e-mail address or phone number): "
                          + ", ".join(unwrapped))


def _fix_scripts(body: lxml_html.HtmlElement) -> None:
    """Superscript and subscript digits (m², H₂O) as Unicode characters; other text simply unwrapped."""
    for element in list(body.iter("sup", "sub")):
        text = element.text_content()
        table = SUPERSCRIPT if element.tag == "sup" else SUBSCRIPT
        if len(element) == 0 and text and all(ord(ch) in table for ch in text):
            _replace_with_text(element, text.translate(table))
        else:
            element.drop_tag()


def _fix_tables(body: lxml_html.HtmlElement, draft: Draft) -> None:
    """Every table with a header row (Markdown needs one), a cell's single paragraph unwrapped."""
    for number, table in enumerate(body.iter("table"), start=1):
        if not any(True for _ in table.iter("th")):
            _make_header_row(table, number, draft)
        if any(cell.get("colspan") or cell.get("rowspan") for cell in table.iter("td", "th")):
            draft.todo.append(f"check table {number}: it has merged cells, which a leaflet's table "
                              "cannot have")
        for cell in table.iter("td", "th"):
            paragraphs = [child for child in cell if child.tag == "p"]
            if len(cell) == 1 and len(paragraphs) == 1 and not (cell.text or "").strip():
                paragraphs[0].drop_tag()


def _make_header_row(table: lxml_html.HtmlElement, number: int, draft: Draft) -> None:
    first = next(table.iter("tr"), None)
    if first is None:
        return
    for cell in first.iter("td"):
        cell.tag = "th"
    head = lxml_html.Element("thead")
    first.addprevious(head)
    head.append(first)
    draft.todo.append(f"check the header row of table {number}: the document did not mark one, so its first "
                      "row was taken as the header")


def _keep_allowed(body: lxml_html.HtmlElement) -> None:
    """Only Draft.body_html's tags and attributes: other elements unwrapped (their text kept), a line break
    made a space, and no class, id or style."""
    for element in list(body.iter()):
        if not isinstance(element.tag, str):  # a comment or processing instruction
            _remove_keeping_tail(element)
        elif element.tag in REMOVED_TAGS:
            _remove_keeping_tail(element)
        elif element.tag == "br":
            _replace_with_text(element, " ")
        elif element is not body and element.tag not in ALLOWED_TAGS:
            element.drop_tag()
        else:
            kept = {"a": ("href",), "img": ("src", "alt")}.get(element.tag, ())
            for name in list(element.attrib):
                if name not in kept:
                    del element.attrib[name]


def _drop_empty(body: lxml_html.HtmlElement) -> None:
    """Paragraphs, list items and emphasis with no text or picture, innermost first."""
    for element in reversed(list(body.iter("p", "strong", "em", "li", "ul", "ol", "blockquote", "h2", "h3",
                                           "h4"))):
        if not element.text_content().strip() and element.find(".//img") is None:
            _remove_keeping_tail(element)


def _replace_with_text(element: lxml_html.HtmlElement, text: str) -> None:
    element.tail = text + (element.tail or "")
    _remove_keeping_tail(element)


def _remove_keeping_tail(element) -> None:
    """Remove an element but not the text that follows it."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _serialise(body: lxml_html.HtmlElement) -> str:
    blocks = [lxml_html.tostring(child, encoding="unicode").strip() for child in body]
    lead = (body.text or "").strip()
    return "\n".join(([f"<p>{lead}</p>"] if lead else []) + blocks)


def _plain(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


# --- The leaflet's fields -----------------------------------------------------------------------------------

def _take_out(body: lxml_html.HtmlElement, mark: str) -> list[str]:
    """The plain text of the paragraphs the style map marked (Title, Subtitle), taken out of the body."""
    texts = []
    for element in body.find_class(mark):
        texts.append(_plain(element))
        _remove_keeping_tail(element)
    return [text for text in texts if text]


def _choose_title(body: lxml_html.HtmlElement, titles: list[str], draft: Draft) -> None:
    """The Title paragraph(s); else a heading the body begins with; else the Title property (read before);
    else the first heading anywhere. A heading taken for the title is taken out of the body."""
    if titles:
        draft.title, draft.title_from = " ".join(titles), "the Title paragraph"
        return
    heading = next((element for element in body if element.tag in {"h2", "h3", "h4"}), None)
    if heading is not None and (heading is body[0] or draft.title is None):
        draft.title, draft.title_from = _plain(heading), "the first heading"
        _remove_keeping_tail(heading)


def _choose_summary(body: lxml_html.HtmlElement, subtitles: list[str], draft: Draft) -> None:
    """The Subtitle paragraph; else the first paragraph's first sentence or two, for the editor to check;
    else the Comments or Subject property (read before: in most documents they hold a note, not a summary,
    so they come last)."""
    if subtitles:
        draft.summary, draft.summary_from = subtitles[0], "the Subtitle paragraph"
        return
    first = next((p for p in body if p.tag == "p" and _plain(p)), None)
    summary = _first_sentences(_plain(first)) if first is not None else ""
    if summary:
        draft.summary, draft.summary_from = summary, "the first paragraph"
        draft.todo.append("check the summary: it is the opening of the first paragraph, as the document "
                          "gives none")
    elif draft.summary:
        draft.todo.append(f"check the summary: it is {draft.summary_from}")


def _first_sentences(text: str) -> str:
    """The first sentence, with the second when both fit in MAX_SUMMARY characters (a short paragraph
    without a full stop whole); "" when even the first does not fit."""
    if len(text) <= MAX_SUMMARY and not SENTENCE_END.search(text):
        return text
    summary = ""
    for sentence in SENTENCE_END.split(text)[:2]:
        joined = f"{summary} {sentence}".strip()
        if len(joined) > MAX_SUMMARY or not re.search(r"[.!?…][\"'”’)]*$", sentence):
            break
        summary = joined
    return summary


def _parse_xml(data: bytes | None, name: str) -> etree._Element | None:
    """A part mammoth does not read, parsed without DTDs, entities or the network (entities were refused
    already); None when the document has no such part."""
    if data is None:
        return None
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ImportRefused(f"is damaged: its part {name} is not well-formed XML ({error})") from None


def _read_core_properties(data: bytes | None, draft: Draft) -> None:
    """Title, author, dates, summary, language and keywords from Word's document properties."""
    core = _parse_xml(data, "docProps/core.xml")
    if core is None:
        return

    def value(path: str) -> str:
        return " ".join(core.findtext(path, "", NS).split())

    if value("dc:title"):
        draft.title, draft.title_from = value("dc:title"), "the Title property"
    for name in re.split(r"\s*;\s*", value("dc:creator")):  # Word joins several authors with ";"
        if name.lower() not in PLACEHOLDER_AUTHORS:
            draft.people.append(Person(name=name, origin="Word's Author property"))
    for path, origin in [("dc:description", "the Comments property"), ("dc:subject", "the Subject property")]:
        if value(path) and not draft.summary and not value(path).lower().startswith("generated by"):
            draft.summary, draft.summary_from = value(path), origin
    if value("dc:language"):
        draft.lang, draft.lang_from = value("dc:language"), "the Language property"
    draft.keywords = list(dict.fromkeys(word.strip() for word in re.split(r"[,;]", value("cp:keywords"))
                                        if word.strip()))
    _read_dates(value("dcterms:created"), value("dcterms:modified"), draft)


def _read_dates(created: str, modified: str, draft: Draft) -> None:
    published, updated = _date(created), _date(modified)
    if published:
        draft.published = Dated(published, "core property 'created'")
    if updated and (published is None or updated > published):
        draft.updated = Dated(updated, "core property 'modified'")


def _date(text: str) -> date | None:
    """A W3CDTF date ("2024-03-05T10:00:00Z"), or None when it is missing, unreadable or one of the dates
    programs write for "no date" (1601, 1899, 1900)."""
    try:
        day = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None
    return None if day.year in {1601, 1899, 1900} else day


def _read_default_language(data: bytes | None, draft: Draft) -> None:
    styles = _parse_xml(data, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS) if styles is not None else None
    if lang is not None and lang.get(f"{{{W}}}val"):
        draft.lang, draft.lang_from = lang.get(f"{{{W}}}val"), "the document's default language (styles)"


# --- What the import leaves out -----------------------------------------------------------------------------

def _dropped(parts: dict[str, bytes], body_text: str) -> list[str]:
    """The report's lines on what mammoth does not carry over, each only when the document has it."""
    document = _parse_xml(parts["word/document.xml"], "word/document.xml")
    comments = _parse_xml(parts.get("word/comments.xml"), "word/comments.xml")
    lines = [_count("comments", len(comments.findall("w:comment", NS)) if comments is not None else 0),
             _tracked_changes(document), _headers_and_footers(parts),
             _count("text boxes", _lost_text_boxes(document, body_text)),
             _count("charts and diagrams (SmartArt)", _charts(document)),
             _count("equations", len(document.findall(".//{*}oMathPara")) + len(
                 [m for m in document.iter("{*}oMath") if m.getparent().tag != m.tag + "Para"]))]
    return [line for line in lines if line]


def _count(what: str, count: int) -> str:
    return f"{what} ({count})" if count else ""


def _tracked_changes(document: etree._Element) -> str:
    """mammoth reads a document as if every tracked change were accepted: insertions (w:ins, w:moveTo) kept,
    deletions (w:del, w:moveFrom) left out."""
    inserted = len(document.findall(".//w:ins", NS)) + len(document.findall(".//w:moveTo", NS))
    deleted = len(document.findall(".//w:del", NS)) + len(document.findall(".//w:moveFrom", NS))
    if not inserted + deleted:
        return ""
    return (f"tracked changes ({inserted + deleted}): accepted, as if in Word — "
            f"{plural(inserted, 'insertion')} kept, {plural(deleted, 'deletion')} left out")


def _headers_and_footers(parts: dict[str, bytes]) -> str:
    """Headers and footers with words in them (one with only a page number is no loss)."""
    with_text = [name for name, data in parts.items() if re.match(r"word/(header|footer)\d*\.xml$", name)
                 and re.search(r"[^\W\d_]", "".join(_parse_xml(data, name).itertext(f"{{{W}}}t")))]
    return _count("page headers and footers", len(with_text))


def _lost_text_boxes(document: etree._Element, body_text: str) -> int:
    """Text boxes whose text is not in the body: mammoth reads a box's VML fallback, not its DrawingML."""
    seen = " ".join(body_text.split())
    texts = {" ".join("".join(box.itertext()).split()) for box in document.iter(f"{{{W}}}txbxContent")}
    return len([text for text in texts if text and text not in seen])


def _charts(document: etree._Element) -> int:
    """Charts and SmartArt: drawings that are neither pictures nor shapes, which mammoth does not read."""
    uris = [data.get("uri", "") for data in document.iter(f"{{{A}}}graphicData")]
    return len([uri for uri in uris if uri.endswith(("/chart", "/diagram"))])
