"""DAISY Ace finds nothing to report in the scenarios' e-books, of any impact: the ground on which each e-book
declares that it conforms to EPUB Accessibility 1.1 at WCAG 2.2 Level AA. And Ace, run as these tests run it,
does report what it should, so that a clean result means something.

Ace takes about 20 seconds a book, so the e-books of three scenarios are checked: `clinic` (a logo, a contact
box, one author and two, an image and a table), `every-key` (every front-matter key, an author photo, nested
lists) and `minimal` (no organisation, no sources); the README sample's, by tests/test_sample.py."""

from __future__ import annotations

from pathlib import Path

import conftest
import pytest
from conftest import ACE_INSTALL, ace_violations, assert_accessible, damaged_copy

SCENARIOS = ("clinic", "every-key", "minimal")


def test_ace_reports_nothing_in_the_e_books_of_the_scenarios(built, tmp_path: Path) -> None:
    books = [book for name in SCENARIOS for book in sorted(built(name).rglob("*.epub"))
             if "site" not in book.relative_to(built(name)).parts]  # not the web edition's copies
    assert len(books) == 4, books  # ankle-sprain, hay-fever, ear-wax, hand-washing
    assert_accessible(books, tmp_path)


def test_ace_reports_violations_of_every_impact(built, tmp_path: Path) -> None:
    """Faults these e-books once had, put back: each comes out of Ace's report as a violation."""
    source = built("clinic") / "ankle-sprain" / "ankle-sprain-ed2.epub"
    damaged = damaged_copy(source, tmp_path / "damaged.epub", [
        ("content.opf", b' xml:lang="en-GB"', b""),  # serious: the package's language
        ("content.opf", b">readingOrder<", b">table<"),  # minor: a feature not in the vocabulary
        ("cite.xhtml", b' role="doc-appendix"', b""),  # moderate: an epub:type without its ARIA role
    ])

    violations = ace_violations(damaged, tmp_path / "ace")

    impacts_and_rules = {" ".join(line.split()[:2]) for line in violations}
    assert impacts_and_rules == {"serious epub-lang", "minor metadata-accessibilityfeature-invalid",
                                 "moderate epub-type-has-matching-role"}, violations
    assert [line for line in violations if "matching-role" in line][0].startswith(
        "moderate epub-type-has-matching-role cite.xhtml: "), violations


def test_a_missing_ace_fails_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "ACE", tmp_path / "node_modules" / ".bin" / "ace-puppeteer")
    monkeypatch.setattr(conftest, "REPO", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="DAISY Ace is not installed") as failure:
        ace_violations(tmp_path / "any.epub", tmp_path / "ace")
    assert ACE_INSTALL in str(failure.value)
