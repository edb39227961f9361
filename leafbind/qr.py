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

    _use_quick_mask_search(segno.encoder)
    code = segno.make(url, error="m", micro=False, boost_error=False)
    # 4 modules of quiet zone
    svg = code.svg_data_uri(border=4, dark="#000000", light="#ffffff", omitsize=True)
    return QrCode(url, short_url(url), svg)


# The mask search. ISO/IEC 18004 has the encoder try the eight data masks and keep the one with the lowest
# penalty (runs, blocks, finder-like patterns, dark share). segno scores each mask module by module in Python,
# which made the QR code two fifths of the render stage. The same scoring over whole rows at once (a row as
# an integer, a bit per module: one operation compares every module with its neighbour, or every module of
# a row with the one above) picks the same mask and the same modules (tests/test_qr.py compares the two), and
# segno.make takes a third of the time.

_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"  # dark:light:dark:light:dark in 1:1:3:1:1 (N3)
_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _use_quick_mask_search(encoder) -> None:
    """Let segno's encoder search masks with `_best_mask`; segno's own search still serves the cases it
    doesn't cover (Micro QR, a mask chosen by the caller)."""
    if getattr(encoder.find_and_apply_best_mask, "__wrapped__", None) is None:
        _best_mask.__wrapped__ = encoder.find_and_apply_best_mask
        encoder.find_and_apply_best_mask = _best_mask


def _best_mask(matrix, width, height, proposed_mask=None):
    """segno's `find_and_apply_best_mask`: the lowest-penalty mask (the first of equals) and the masked
    matrix."""
    modules = b"".join(matrix)
    # segno's own search for Micro QR, a mask chosen by the caller, or a module left unset
    if proposed_mask is not None or width != height or width < 21 or modules.translate(None, b"\x00\x01"):
        return _best_mask.__wrapped__(matrix, width, height, proposed_mask)
    unmasked = int.from_bytes(modules, "big")
    best = None
    for number, mask in enumerate(_mask_layers(width)):
        modules = (unmasked ^ mask).to_bytes(width * width, "big")
        rows = [modules[i:i + width] for i in range(0, width * width, width)]
        score = _penalty(rows, width)
        if best is None or score < best[0]:
            best = (score, number, rows)
    _, number, rows = best
    return number, tuple(bytearray(row) for row in rows)


@lru_cache(maxsize=40)
def _mask_layers(width: int) -> tuple[int, ...]:
    """For a symbol `width` modules wide, each mask as one integer of the whole matrix, a byte per module:
    1 where the mask flips a module of the encoding region, 0 elsewhere (finder, timing, alignment patterns,
    format and version areas, the dark module)."""
    from segno import encoder

    functions = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(functions, width, width)
    encoder.add_alignment_patterns(functions, width, width)
    functions[-8][8] = 0x1
    return tuple(
        int.from_bytes(bytes(int(functions[i][j] > 0x1 and bool(flips(i, j)))
                             for i in range(width) for j in range(width)), "big")
        for flips in encoder.get_data_mask_functions(False))


def _penalty(rows: list[bytes], size: int) -> int:
    """The penalty of a masked matrix, scored as segno scores it (encoder.mask_scores). Each row is also an
    integer (a bit per module, the row's first module the highest bit), so that one operation compares a
    module with its neighbour across a whole row, or with the module above it across all columns."""
    whole = (1 << size) - 1
    inner = whole >> 1  # leaves out a row's first module, which has no neighbour to its left
    runs = blocks = 0
    above = above_same = None
    up1 = up2 = up3 = down = 0  # where a module matches the 1, 2, 3 and 4 modules above it
    for row in rows:
        bits = int(row.translate(_AS_DIGITS), 2)
        same = ~(bits ^ (bits >> 1)) & inner  # the module is the colour of the one to its left
        across = same & (same >> 1) & (same >> 2) & (same >> 3)  # the fifth of five in a row of one colour
        # A run of n >= 5 scores n - 2: the n - 4 modules ending five in a row, and 2 for the run itself
        runs += across.bit_count() + 2 * (across & ~(across >> 1)).bit_count()
        if above is not None:
            vertical = ~(bits ^ above) & whole  # the module is the colour of the one above it
            blocks += (same & above_same & vertical).bit_count()  # a 2 x 2 block ends here
            ended = down
            up1, up2, up3, down = vertical, up1 & vertical, up2 & vertical, up3 & vertical
            runs += down.bit_count() + 2 * (down & ~ended).bit_count()
        above, above_same = bits, same
    columns = [bytes(column) for column in zip(*rows, strict=True)]
    finder_like = sum(_finder_like(line, size) for line in rows + columns)
    dark = sum(row.count(1) for row in rows) / (size * size)
    return runs + 3 * blocks + finder_like + 10 * int(abs(dark * 100 - 50) / 5)


def _finder_like(line: bytes, size: int) -> int:
    """40 for each finder-like pattern with four light modules (or the symbol's edge) on one side of it."""
    count = 0
    found = line.find(_FINDER_LIKE)
    while found != -1:
        after = found + 7
        if (found in (0, size - 7) or not any(line[max(found - 4, 0):found])
                or not any(line[after:min(after + 4, size)])):
            count += 40
        else:
            after = found + 4  # dark light dark [dark] dark light dark: the next match may start here
        found = line.find(_FINDER_LIKE, after)
    return count
