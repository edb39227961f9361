"""The EPUBCheck fixture itself must be able to fail, or every EPUB test would pass vacuously."""

from pathlib import Path

import pytest
from conftest import await_epubchecks, check_valid_epub_later, damaged_copy, epubcheck_messages


def test_epubcheck_reports_a_broken_epub(built, tmp_path: Path) -> None:
    source = built("clinic") / "ankle-sprain" / "ankle-sprain-ed2.epub"
    # without its closing </article>, the page is no longer well-formed XHTML
    broken = damaged_copy(source, tmp_path / "broken.epub", [("leaflet.xhtml", b"</article>", b"")])
    assert any("ERROR" in message or "FATAL" in message for message in epubcheck_messages(broken))


def test_a_book_checked_in_the_background_fails_the_test_that_built_it(built, tmp_path: Path) -> None:
    """conftest.build leaves EPUBCheck running while the test goes on: its report must still fail the test."""
    source = built("clinic") / "ankle-sprain" / "ankle-sprain-ed2.epub"
    # mismatched tags: not well-formed
    broken = damaged_copy(source, tmp_path / "broken.epub", [("cite.xhtml", b"</h2>", b"</h3>")])
    check_valid_epub_later(broken)
    broken.write_bytes(source.read_bytes())  # the check reads the bytes as they were when it started
    with pytest.raises(AssertionError,
                       match=r"EPUBCheck reported:\s+\S*broken\.epub:\s+(ERROR|FATAL) \S+ broken\.epub/"):
        await_epubchecks()
