"""The images of the body: read only from the files saved inside the page's own folder (symlinks resolved),
each once, decoded in full by Pillow and named image-1.jpg …; an image on the web, in a data: address, outside
the folder or unreadable becomes a `todo` line, and a tracking pixel is left out."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from ..draft import Draft, Image
from .page import Page, norm, shorten

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # as the asset gate (assets.py): a full-page photo at 300 dpi is 9 megapixels
RASTER = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}  # Pillow's format → the file's suffix


class Images:
    """The images of the body: read from the files saved beside the page, each once, named image-1.jpg …"""

    def __init__(self, page: Page, draft: Draft) -> None:
        self.folder = page.path.parent.resolve()
        self.draft = draft
        self.by_file: dict[Path, Image | None] = {}

    def element(self, img):
        """The new body's <img>, or None (a todo line says what to do, unless it was a tracking pixel)."""
        if _is_pixel(img):
            return None
        source = _image_source(img)
        alt = norm(img.get("alt") or "")
        found = self.find(source, alt)
        if isinstance(found, str):
            note = f'alt: "{alt}"' if alt else "no alt text"
            self.draft.todo.append(f"add the image {_shown(source)} ({note}) by hand: {found}")
            return None
        if found is None:
            return None  # a pixel for counting visits
        if not alt:
            self.draft.todo.append(f"write a description (alt text) for the image {found.name} "
                                   f"(from {source})")
        return html.Element("img", src=found.name, alt=alt)

    def find(self, source: str, alt: str) -> Image | str | None:
        """The image a src names, or why it is not imported."""
        if not source:
            return "the page gives no file for it"
        reason = _not_beside(source)
        if reason:
            return reason
        path = (self.folder / unquote(urlsplit(source).path))
        try:
            path = path.resolve()
        except (OSError, ValueError, RuntimeError):
            return "its file name could not be read"
        if not path.is_relative_to(self.folder):
            return "it is outside the page's folder, which is all the import reads"
        if path not in self.by_file:
            self.by_file[path] = self.load(path, alt)
        return self.by_file[path]

    def load(self, path: Path, alt: str) -> Image | str | None:
        try:
            if not path.is_file():
                return "its file was not saved beside the page"
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return "it is larger than 20 MB"
            data = path.read_bytes()
        except OSError as error:
            return f"its file could not be read ({error.strerror or error})"
        decoded = _decode_image(data)
        if isinstance(decoded, str):
            return decoded
        kind, (width, height) = decoded
        if width <= 2 and height <= 2:
            return None
        image = Image(name=f"image-{len(self.draft.images) + 1}.{RASTER[kind]}", data=data, alt=alt)
        self.draft.images.append(image)
        return image


def _not_beside(source: str) -> str | None:
    """Why an image's address is not a file in the page's folder, or None when it may be."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return "its address could not be read"
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") or source.startswith("//"):
        return "it is on the web, and the import fetches nothing"
    if scheme == "data":
        return "it is inside the page as a data: address, which the import does not read"
    if re.match(r"^[A-Za-z]:[\\/]", source) or source.startswith(("/", "\\")) or "\\" in source:
        return "its address is an absolute path, outside the page's folder"
    if scheme:
        return f"its address is a {scheme}: address, not a file saved beside the page"
    if unquote(parts.path).startswith("/") or not parts.path:
        return "its address is not a file saved beside the page"
    return None


def _image_source(img) -> str:
    """The img's address: its src, or the address a lazy-loading script would have put there."""
    source = (img.get("src") or "").strip()
    if not source or source.startswith("data:"):
        lazy = img.get("data-src") or img.get("data-lazy-src") or img.get("data-original")
        if lazy and lazy.strip():
            return lazy.strip()
    return source


def _is_pixel(img) -> bool:
    for name in ("width", "height"):
        match = re.match(r"\s*(\d+)", img.get(name) or "")
        if match and int(match.group(1)) <= 2:
            return True
    return False


def _shown(source: str) -> str:
    if source.startswith("data:"):
        return f"{source[:30]}… ({len(source)} characters)"
    return source if len(source) <= 160 else source[:159] + "…"


def _decode_image(data: bytes) -> tuple[str, tuple[int, int]] | str:
    """(format, size) of a PNG, JPEG, GIF or WebP decoded in full, or why it is not imported."""
    from PIL import Image as Picture  # imported only when a page has an image (Pillow comes with WeasyPrint)
    from PIL import ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Picture.DecompressionBombWarning)
            with Picture.open(io.BytesIO(data), formats=list(RASTER)) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    return (f"it is {width} × {height} pixels, more than the "
                            f"{MAX_PIXELS // 1_000_000} megapixels leafbind accepts")
                picture.load()  # every pixel: a truncated or corrupt file fails here
                return picture.format, picture.size
    except (OSError, SyntaxError, EOFError, ValueError, Picture.DecompressionBombError,
            Picture.DecompressionBombWarning) as error:
        reason = str(error).strip() or type(error).__name__
        return f"it is not a readable PNG, JPEG, GIF or WebP image ({shorten(reason, 100)})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
