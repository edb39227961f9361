"""leafbind's QR mask search (leafbind/qr.py) against segno's own: the same mask and the same modules for
any address, at every error correction level, and segno's own search where leafbind's has nothing to add."""

from __future__ import annotations

import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from segno import encoder

from leafbind import qr

SEGNO_SEARCH = encoder.find_and_apply_best_mask  # before leafbind puts its own in its place


def both(content: str, **options) -> tuple[segno.QRCode, segno.QRCode]:
    """The code segno makes with its own mask search, and with leafbind's."""
    encoder.find_and_apply_best_mask = getattr(SEGNO_SEARCH, "__wrapped__", SEGNO_SEARCH)
    try:
        theirs = segno.make(content, **options)
    finally:
        qr._use_quick_mask_search(encoder)
    assert encoder.find_and_apply_best_mask is qr._best_mask
    return theirs, segno.make(content, **options)


@settings(max_examples=150, deadline=None)
@given(content=st.one_of(
    st.from_regex(r"https://[a-z0-9.-]{1,40}/[a-z0-9-]{1,80}/", fullmatch=True),
    st.text(min_size=1, max_size=300),
), error=st.sampled_from("lmqh"))
def test_quick_search_chooses_the_mask_segno_chooses(content: str, error: str) -> None:
    theirs, ours = both(content, error=error, micro=False, boost_error=False)
    assert (ours.version, ours.mask) == (theirs.version, theirs.mask)
    assert ours.matrix == theirs.matrix


def test_every_symbol_size_is_searched_like_segno() -> None:
    """One code of each of the 40 versions, from 21 to 177 modules wide (alignment and version areas)."""
    for version in range(1, 41):
        theirs, ours = both(f"leaflet {version}", version=version, error="l", boost_error=False)
        assert (ours.version, ours.mask, ours.matrix) == (theirs.version, theirs.mask, theirs.matrix)


def test_micro_codes_and_chosen_masks_are_left_to_segno() -> None:
    for options in (dict(micro=True), dict(mask=5, micro=False), dict(mask=0, micro=False)):
        theirs, ours = both("leaflet 7", **options)
        assert (ours.designator, ours.mask, ours.matrix) == (theirs.designator, theirs.mask, theirs.matrix)


def test_a_leaflets_code_carries_the_address_typed_beside_it() -> None:
    """(tests/test_products.py reads printed codes back from the PDF with zbar.)"""
    code = qr.qr_code("https://leaflets.example.org/minor-burns/")
    assert code.short_url == "leaflets.example.org/minor-burns"
    assert code.svg.startswith("data:image/svg+xml")
