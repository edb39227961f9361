"""The asset gate: every file an output embeds — image, photo, logo, font — is found and checked here, once,
before any product uses it, and every product reads it back through here.

A file is found where its source says (relative to that file, or `assets/…` in the project, else in the
built-in assets), with every symbolic link resolved, and must then lie inside the project or the built-in
assets. It passes when it is what its name says: a PNG, JPEG, GIF or WebP that Pillow decodes completely,
within a size a leaflet needs; a font whose tables fontTools can read; an SVG that parses as XML without
entity declarations and holds no active content. SVGs are not copied as they are but written again from what
was parsed (`clean_svg`): no script, event handler, embedded HTML, external reference, comment or DOCTYPE
survives, so what a reading app or a browser gets is exactly what was checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .model import Asset
from .paths import builtin_dir, display, inside

MEDIA_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".webp": "image/webp",
    ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
    ".ttc": "font/collection", ".otc": "font/collection",  # read only to take one face out (fonts.py)
    ".icc": "application/vnd.iccprofile", ".icm": "application/vnd.iccprofile",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}
COLLECTION_SUFFIXES = {".ttc", ".otc"}  # font collections: only `[fonts]` in leafbind.toml names one
PROFILE_SUFFIXES = {".icc", ".icm"}  # the press PDF's output profile
ICC_CLASSES = {b"scnr": "an input (scanner)", b"mntr": "a display", b"link": "a device link",
               b"spac": "a colour space", b"abst": "an abstract", b"nmcl": "a named colour"}
RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
MAX_ASSET_BYTES = 20 * 1024 * 1024  # a photo for a leaflet needs a fraction of this
MAX_FONT_BYTES = 64 * 1024 * 1024  # a CJK font collection is 20 to 30 MB; its faces are subset (fonts.py)
MAX_DERIVED = 64  # files made from checked sources kept in memory (a leaflet's subset fonts)
MAX_SVG_DEPTH = 100  # groups inside groups: drawings need a handful
MAX_PIXELS = 40_000_000  # 40 megapixels: a full-page photo at 300 dpi is 9
SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def resolve_asset(root: Path, written: str, beside: Path, kinds: set[str] = IMAGE_SUFFIXES) -> Asset:
    """The checked Asset for a path written in a source file of the project at `root` (relative to that file,
    in `beside`, or `assets/…`).

    `written` may be percent-encoded, as Markdown writes a space (`my%20photo.png`). Symbolic links are
    resolved before the file is judged, and it must then lie inside the project or the built-in assets;
    `assets/…` missing from the project falls back to the built-in assets, so projects can override them by
    name. Raises ValueError with a message for the editor when the file is outside the project, missing, of
    the wrong kind, or not what its name says.
    """
    name = unquote(written)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) or name.startswith(("/", "\\")):
        raise ValueError(f'"{name}" must be a path to a file inside the project, such as assets/images/x.png')
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in kinds:
        raise ValueError(f'"{name}" is not a supported file type (use {", ".join(sorted(kinds))})')
    path = _locate(root, name, beside)
    if not inside(root, path):
        raise ValueError(f'"{name}" points outside the project (through a link or "..")')
    if not path.is_file():
        raise ValueError(f'"{name}" was not found (looked for {display(root, path)})')
    return check_file(path, safe_href(_project_path(root, path)), name)


def _locate(root: Path, name: str, beside: Path) -> Path:
    """The real path of a written file: beside the source, else (for `assets/…`) the first asset folder
    holding it, the project's before the built-in one."""
    path = Path(os.path.realpath(beside / name))
    if path.is_file() or not name.startswith("assets/"):
        return path
    relative = PurePosixPath(name).relative_to("assets")
    for folder in (root / "assets", builtin_dir("assets")):
        if (folder / relative).is_file():
            return Path(os.path.realpath(folder / relative))
    return path


def _project_path(root: Path, path: Path) -> str:
    """The project-relative path of a file; built-in assets appear under `assets/` (checked first: a virtual
    environment inside the project folder holds the built-in assets too)."""
    builtin = builtin_dir("assets")
    if path.is_relative_to(builtin):
        return "assets/" + path.relative_to(builtin).as_posix()
    if not path.is_relative_to(root):  # leafbind's own layouts: not an asset of the project
        raise ValueError(f'"{path.name}" is not a file of the project')
    return path.relative_to(root).as_posix()


def safe_href(relative: str) -> str:
    """The name a file has inside the outputs: its project path when that is plain ASCII without spaces (as
    EPUB readers and web servers need); else the path with those characters replaced and a short digest of the
    original path added, so two files never share a name."""
    parts = PurePosixPath(relative).parts
    if all(SAFE_PART.match(part) for part in parts):
        return relative
    cleaned = [re.sub(r"[^A-Za-z0-9._-]+", "-", part).lstrip("-.") or "file" for part in parts]
    stem, dot, suffix = cleaned[-1].rpartition(".")
    tag = hashlib.sha256(relative.encode()).hexdigest()[:8]
    cleaned[-1] = f"{stem.rstrip('-')}-{tag}.{suffix}" if dot and stem else f"{cleaned[-1]}-{tag}"
    return "/".join(cleaned)


def check_file(path: Path, href: str, written: str) -> Asset:
    """An Asset for a file that is what its name says; ValueError with a message for the editor otherwise."""
    suffix = path.suffix.lower()
    try:
        stat = path.stat()
    except OSError as error:
        raise ValueError(f'"{written}" can\'t be read ({error.strerror})') from None
    limit = MAX_FONT_BYTES if suffix in FONT_SUFFIXES | COLLECTION_SUFFIXES else MAX_ASSET_BYTES
    if stat.st_size > limit:
        raise ValueError(f'"{written}" is larger than {limit // 1024 // 1024} MB: make it smaller')
    digest = _checked(path, suffix, stat.st_size, stat.st_mtime_ns)
    if isinstance(digest, Exception):
        raise ValueError(f'"{written}" {digest}')
    return Asset(href, path, MEDIA_TYPES[suffix], digest)


@lru_cache(maxsize=256)  # an author's photo or the logo serves many leaflets: checked once per process
def _checked(path: Path, suffix: str, size: int, mtime_ns: int) -> str | ValueError:
    """The file's SHA-256 once it is checked, or the problem found (returned, so that it is cached too)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return ValueError(f"can't be read ({error.strerror})")
    try:
        if suffix == ".svg":
            clean_svg(data)
        elif suffix in FONT_SUFFIXES | COLLECTION_SUFFIXES:
            _check_font(path)
        elif suffix in PROFILE_SUFFIXES:
            check_cmyk_profile(data)
        else:
            _check_raster(path, suffix)
    except ValueError as error:
        return error
    return hashlib.sha256(data).hexdigest()


_DERIVED: dict[str, bytes] = {}  # SHA-256 → bytes leafbind made in this process from a checked file


def register_derived(data: bytes) -> str:
    """Keep bytes made from a checked file (a face taken out of a font collection and subset, fonts.py) for
    the outputs of this process; returns their SHA-256, the digest of the Asset that names them. The files of
    the leaflet being made are always kept: it registers them as it is rendered, and only the longest unused
    are forgotten (a later leaflet registers them again)."""
    digest = hashlib.sha256(data).hexdigest()
    _DERIVED.pop(digest, None)  # the newest last: a leaflet's files are never the ones forgotten
    while len(_DERIVED) >= MAX_DERIVED:
        del _DERIVED[next(iter(_DERIVED))]
    _DERIVED[digest] = data
    return digest


def asset_bytes(asset: Asset) -> bytes:
    """The bytes an output embeds for `asset`: an SVG as cleaned, a derived file as made, anything else as
    checked. Raises ValueError if the file changed since it was checked, so nothing unchecked reaches an
    output."""
    if asset.digest in _DERIVED:
        return _DERIVED[asset.digest]
    try:
        data = asset.path.read_bytes()
    except OSError as error:
        raise ValueError(f'"{asset.href}" can\'t be read ({error.strerror})') from None
    if hashlib.sha256(data).hexdigest() != asset.digest:
        raise ValueError(f'"{asset.href}" changed while the build was running: build again')
    return _clean_svg_cached(data) if asset.media_type == "image/svg+xml" else data


@lru_cache(maxsize=64)
def _clean_svg_cached(data: bytes) -> bytes:
    return clean_svg(data)


def _check_raster(path: Path, suffix: str) -> None:
    """Decode the whole picture, strictly: WeasyPrint, once imported, tells Pillow to accept truncated files
    (ImageFile.LOAD_TRUNCATED_IMAGES), which would let a damaged photo into the e-book."""
    from PIL import ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        _decode(path, RASTER_FORMATS[suffix])
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _decode(path: Path, expected: str) -> None:
    from PIL import Image  # Pillow comes with WeasyPrint; imported only when there is an image to check

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != expected:
                    raise ValueError(f"is a {image.format} image, not {expected} as its name says: "
                                     f"save it as {expected} or rename it")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValueError(f"is {width} × {height} pixels: scale it down to at most "
                                     f"{MAX_PIXELS // 1_000_000} megapixels")
                # decode every pixel: a truncated or corrupt file fails here, not in a reader's app
                image.load()
    except ValueError:
        raise
    except (OSError, SyntaxError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise ValueError(f"is not a readable {expected} image ({_reason(error)})") from None


def _check_font(path: Path) -> None:
    from fontTools.ttLib import TTFont, TTLibError  # fontTools comes with WeasyPrint

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            font["cmap"], font["head"]  # noqa: B018 (reading the tables is the check)
    except (TTLibError, OSError, KeyError, AssertionError, ValueError, EOFError) as error:
        raise ValueError(f"is not a readable font ({_reason(error)})") from None


def check_cmyk_profile(data: bytes) -> None:
    """An ICC profile a press PDF can name as its output intent: whole, CMYK, of a printer (output) class."""
    if len(data) < 132 or data[36:40] != b"acsp" or int.from_bytes(data[:4], "big") != len(data):
        raise ValueError("is not an ICC profile (its header is missing or gives another size): use the .icc "
                         "file your print shop supplies")
    space, device = data[16:20].decode("latin-1").strip(), data[12:16]
    if space != "CMYK":
        raise ValueError(f"is an ICC profile for {space or 'an unknown colour space'}, not CMYK: the press "
                         "PDF needs the CMYK profile of the printing condition (ask your print shop)")
    if device != b"prtr":
        kind = ICC_CLASSES.get(device, "an unknown")
        raise ValueError(f"is {kind} profile, not a printer (output) profile: the press PDF needs the "
                         "printing condition's output profile")


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 120 else text[:117] + "…"


# --- SVG ----------------------------------------------------------------------------------------------------

ACTIVE_ELEMENTS = {"script": "a script", "foreignObject": "embedded HTML (foreignObject)",
                   "handler": "an event handler", "listener": "an event listener"}
ANIMATIONS = {"set", "animate", "animateColor", "animateMotion", "animateTransform"}
URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
LOCAL_REFERENCE = re.compile(r"^(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)


def clean_svg(data: bytes) -> bytes:
    """The SVG written again from its parsed elements, keeping what draws the picture (SVG elements, their
    attributes and text, `xlink:href` to its own parts). Raises ValueError, naming the line, for an entity
    declaration, a script, event handler, embedded HTML or any reference outside the file. Comments, DOCTYPE,
    processing instructions and other programs' data (Inkscape's, metadata) are left out."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import XMLParser

    builder = _SvgBuilder()
    parser = XMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise ValueError(f"declares entities (line {builder.line}): leafbind does not read SVGs with "
                         "<!ENTITY …> declarations; export the image again without them") from None
    except ET.ParseError as error:
        raise ValueError(f"is not a valid SVG image (line {error.position[0]}: {_reason(error)})") from None
    if root is None or root.tag != f"{{{SVG}}}svg":
        raise ValueError("is not an SVG image (its outermost element is not <svg>)")
    return _serialise(root)


class _SvgBuilder:
    """Builds the cleaned tree while the parser reads, refusing active content with its line."""

    def __init__(self) -> None:
        self.tree = ET.TreeBuilder()
        self.parser = None
        self.skipping = 0  # depth inside an element of another program's namespace, left out with its content
        self.started = False
        self.depth = 0

    @property
    def line(self) -> int:
        return self.parser.parser.CurrentLineNumber if self.parser else 0

    def refuse(self, what: str) -> None:
        raise ValueError(f"contains {what} (line {self.line}): leafbind never puts active content or "
                         "outside references into a leaflet; remove it and export the image again")

    def start(self, tag, attributes):
        namespace, name = _split(tag)
        if namespace not in (SVG, "") or self.skipping:
            if not self.started:
                raise ValueError("is not an SVG image (its outermost element is not <svg>)")
            self.skipping += 1
            return None
        if name in ACTIVE_ELEMENTS:
            self.refuse(ACTIVE_ELEMENTS[name])
        if name in ANIMATIONS and _animates_reference(attributes):
            self.refuse("an animation that changes a link or an event handler")
        self.depth += 1
        if self.depth > MAX_SVG_DEPTH:
            raise ValueError(f"has elements nested more than {MAX_SVG_DEPTH} deep (line {self.line}): "
                             "simplify it")
        self.started = True
        return self.tree.start(f"{{{SVG}}}{name}", self.attributes(attributes))

    def attributes(self, attributes: dict) -> dict:
        kept = {}
        for key, value in attributes.items():
            namespace, name = _split(key)
            if name.lower().startswith("on"):
                self.refuse(f'an event handler ({name}="…")')
            if name == "href" and namespace in ("", XLINK):
                self.check_reference(value.strip())
            if any(word in value.lower() for word in ("url(", "@import", "javascript:")):
                self.check_style(value)
            if namespace in ("", XLINK) or (namespace == XML and name in ("space", "lang")):
                kept[key] = value
        return kept

    def check_reference(self, target: str) -> None:
        if not LOCAL_REFERENCE.match(target):
            self.refuse(f'a reference to "{_reason(ValueError(target))}", outside the image')

    def check_style(self, css: str) -> None:
        if "@import" in css.lower() or "javascript:" in css.lower():
            self.refuse("a style that loads something from outside the image")
        for _, target in URL.findall(css):
            self.check_reference(target.strip())

    def end(self, tag):
        if self.skipping:
            self.skipping -= 1
            return None
        self.depth -= 1
        element = self.tree.end(f"{{{SVG}}}{_split(tag)[1]}")
        if element.tag == f"{{{SVG}}}style":
            self.check_style(element.text or "")
        return element

    def data(self, text):
        if not self.skipping:
            self.tree.data(text)

    def close(self):
        if not self.started:
            raise ValueError("is not an SVG image (it has no <svg> element)")
        return self.tree.close()

    def pi(self, target, text=None):
        if target.lower() == "xml-stylesheet":
            self.refuse("a link to an outside stylesheet (<?xml-stylesheet …?>)")

    def comment(self, text):
        return None


ATTRIBUTE_PREFIXES = {"": "", XLINK: "xlink:", XML: "xml:"}


def _serialise(root: ET.Element) -> bytes:
    """The cleaned tree as SVG: SVG elements unprefixed, `xlink:` and `xml:` attributes. Written here rather
    than by ElementTree, whose prefixes come from a registry every library in the process can change."""
    uses_xlink = any(_split(key)[0] == XLINK for element in root.iter() for key in element.attrib)
    declarations = f' xmlns="{SVG}"' + (f' xmlns:xlink="{XLINK}"' if uses_xlink else "")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _element(root, declarations)).encode("utf-8")


def _element(element: ET.Element, declarations: str = "") -> str:
    name = _split(element.tag)[1]
    attributes = "".join(f' {ATTRIBUTE_PREFIXES[_split(key)[0]]}{_split(key)[1]}="{_escape(value, True)}"'
                         for key, value in element.attrib.items())
    inside = _escape(element.text or "") + "".join(
        _element(child) + _escape(child.tail or "") for child in element)
    if not inside:
        return f"<{name}{declarations}{attributes}/>"
    return f"<{name}{declarations}{attributes}>{inside}</{name}>"


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") if attribute else text


def _split(tag: str) -> tuple[str, str]:
    """'{namespace}name' → (namespace, name); 'name' → ('', name)."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _animates_reference(attributes: dict) -> bool:
    animated = next((value for key, value in attributes.items() if _split(key)[1] == "attributeName"), "")
    return animated.split(":")[-1] == "href" or animated.lower().startswith("on")
