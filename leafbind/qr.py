"""A QR code linking a printed leaflet to its page online, drawn by segno as vector SVG (sharp at any
size)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class QrCode:
    url: str  # what the code encodes: the leaflet's page on the organisation's website
    short_url: str  # the same address as printed beside the code, for typing in: no scheme, no trailing slash
    svg: str  # a data: URI of the SVG image, as <img src> takes it


def short_url(url: str) -> str:
    """leaflets.example.org/calcium-deposits: what a patient types, with nothing they can leave out."""
    return url.split("://", 1)[-1].rstrip("/")


@lru_cache(maxsize=256)
def qr_code(url: str) -> QrCode:
    """The code for `url`, with error correction level M (15 % of it may be scuffed or folded and still
    read)."""
    import segno  # imported here: only builds with a website and a printed layout need it

    code = segno.make(url, error="m", micro=False, boost_error=False)
    # 4 modules of quiet zone
    svg = code.svg_data_uri(border=4, dark="#000000", light="#ffffff", omitsize=True)
    return QrCode(url, short_url(url), svg)
