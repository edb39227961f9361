"""Paper: the back matter (sources, citation, about this edition, authors, QR link, contact box) follows the
article and starts a new page only where a block does not fit, so a short leaflet takes few pages and no page
before the last is left half empty; and the citation block is there only when the project cites in some style.

The fill of a page is how far down its lowest line of text goes above the running footer (`page_fills`, read
with pdftotext -bbox). A purpose-made leaflet of about 450 words (`tests/paper/minor-burns.md`: one author,
two sources) is printed in the `clinic` scenario, whose back matter is the fullest: four citation styles, a
logo, a QR code and a contact box."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import HERE, MM, ROOTS, build, edit, page_fills, page_words, pdf_pages

from leafbind import ProblemReport, check_catalogue, open_project

ARTICLE = HERE / "paper" / "minor-burns.md"
SCENARIOS = sorted(path.name for path in ROOTS.iterdir() if path.is_dir())
STYLE_LABELS = ("APA (7th edition)", "MLA (9th edition)", "AMA (11th edition)", "Harvard (Cite Them Right)")


def standard_pdfs(dist: Path) -> list[Path]:
    return sorted(path for path in dist.glob("*/*.pdf") if re.fullmatch(r".*-ed\d+\.pdf", path.name))


def half_empty_pages(path: Path) -> list[str]:
    """Each page but the last whose text stops above the middle of its text area."""
    fills = page_fills(path)
    return [f"{path.name} page {number} of {len(fills)}: {fill:.0%} filled"
            for number, fill in enumerate(fills[:-1], start=1) if fill < 0.5]


def with_article(scenario) -> Path:
    root = scenario("clinic", layouts=("standard",))
    shutil.copy(ARTICLE, root / "leaflets" / ARTICLE.name)
    return root


def test_a_450_word_leaflet_with_one_author_and_two_sources_prints_on_three_pages(scenario) -> None:
    root = with_article(scenario)
    [leaflet] = [leaflet for leaflet in check_catalogue(open_project(root)).leaflets
                 if leaflet.slug == "minor-burns"]
    body = ARTICLE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert 420 <= len(re.findall(r"[A-Za-z0-9]+(?:['’-][A-Za-z]+)*", body)) <= 480
    assert len(leaflet.authors) == 1 and len(leaflet.sources) == 2

    result = build(root, slugs=("minor-burns",), formats=("pdf",))

    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    path = root / "dist" / "minor-burns" / "minor-burns-ed1.pdf"
    pages = pdf_pages(path)
    assert len(pages) <= 3, [f"{fill:.0%}" for fill in page_fills(path)]
    text = " ".join(pages)
    for part in ("Sources", "Cite this leaflet", *STYLE_LABELS, "About this edition", "About the author",
                 "Read this leaflet online.", "Questions about this leaflet?", "0113 496 0218"):
        assert part in text, part  # nothing was left out to make it fit
    assert half_empty_pages(path) == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_page_of_a_standard_handout_but_the_last_is_at_least_half_filled(scenario, name: str) -> None:
    root = scenario(name, layouts=("standard",))
    result = build(root, formats=("pdf",), lint=False)
    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    pdfs = standard_pdfs(root / "dist")
    assert len(pdfs) == len(result.built) > 0
    assert [page for path in pdfs for page in half_empty_pages(path)] == []


def words_past_the_margins(path: Path, side: float = 18 * MM) -> list[str]:
    """Each word reaching into the left or right margin (the standard layout's are 18 mm), with its page: a
    web address or an e-mail address too long for its line or box must break, not run off the paper."""
    return [f"page {number}: {word.text!r} at {word.x_min / MM:.1f}-{word.x_max / MM:.1f} mm"
            for number, (width, _, words) in enumerate(page_words(path), start=1) for word in words
            if word.x_min < side - 0.5 or word.x_max > width - side + 0.5]


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_word_of_a_standard_handout_runs_into_the_side_margins(scenario, name: str) -> None:
    root = scenario(name, layouts=("standard",))
    settings = root / "leafbind.toml"
    text = settings.read_text(encoding="utf-8")
    email = 'email = "patient-information-enquiries@leaflets.very-long-practice-name.example"'
    if "[contact]" in text:  # a long address in the contact box the scenario has, else in one of its own
        text = re.sub(r"(?m)^email = .*$", email, text) if "\nemail = " in text else \
            text.replace("[contact]\n", f"[contact]\n{email}\n")
    else:
        text += f"\n[contact]\n{email}\n"
    settings.write_text(text, encoding="utf-8")
    result = build(root, formats=("pdf",), lint=False)
    assert result.problems == () and result.failed == (), [str(problem) for problem in result.problems]
    assert [word for path in standard_pdfs(root / "dist") for word in words_past_the_margins(path)] == []


def test_the_fill_measure_sees_a_page_the_back_matter_leaves_nearly_empty(scenario) -> None:
    """The measure can fail: with the sources, the citation and the authors each forced onto a new page, the
    page of the sources is mostly empty."""
    root = with_article(scenario)
    with (root / "layouts" / "print.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write(".sources, .cite, .author-bio { break-before: page; }\n")
    build(root, slugs=("minor-burns",), formats=("pdf",))
    path = root / "dist" / "minor-burns" / "minor-burns-ed1.pdf"
    fills = page_fills(path)
    assert len(fills) == 5 and fills[2] < 0.25, [f"{fill:.0%}" for fill in fills]
    assert half_empty_pages(path) == [f"minor-burns-ed1.pdf page 3 of 5: {fills[2]:.0%} filled"]


def test_the_back_matter_runs_on_after_the_article_and_ends_with_the_contact_box(scenario) -> None:
    root = with_article(scenario)
    build(root, slugs=("minor-burns",), formats=("pdf",))
    path = root / "dist" / "minor-burns" / "minor-burns-ed1.pdf"
    pages = pdf_pages(path)
    # in reading order by position on the page: the QR link is a float, which the PDF draws before the text
    # in the flow (its tags keep the document's order)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    order = [text.find(part) for part in ("Preventing burns at home", "Sources", "Cite this leaflet",
                                          "About this edition", "About the author",
                                          "Read this leaflet online.", "Questions about this leaflet?")]
    assert -1 not in order and order == sorted(order)
    # page 2 is full with the article and its sources; the rest of the back matter shares the last page
    assert "Cite this leaflet" in pages[-1] and "About the author" in pages[-1]
    assert "Questions about this leaflet?" in pages[-1]


def test_no_citation_styles_leave_out_the_citation_block_heading_and_all(scenario) -> None:
    root = with_article(scenario)
    edit(root / "leafbind.toml", 'citation_styles = ["apa", "mla", "ama", "harvard"]', "citation_styles = []")

    result = build(root, slugs=("minor-burns",))

    assert result.problems == () and result.failed == ()
    printed = " ".join(pdf_pages(root / "dist" / "minor-burns" / "minor-burns-ed1.pdf"))
    assert "Cite this leaflet" not in printed and "To refer to this leaflet" not in printed
    assert not any(label in printed for label in STYLE_LABELS)
    assert "About this edition This is edition 1 of leaflet PIL-0131" in printed
    with zipfile.ZipFile(root / "dist" / "minor-burns" / "minor-burns-ed1.epub") as book:
        pages = {name: book.read(name).decode() for name in book.namelist() if name.endswith("html")}
    everything = " ".join(pages.values())
    assert "Cite this leaflet" not in everything and "<dl" not in everything
    [cite] = [page for name, page in pages.items() if name.endswith("/cite.xhtml")]
    assert re.search(r"<h2[^>]*>About this edition</h2>", cite)
    [nav] = [page for name, page in pages.items() if name.endswith("/nav.xhtml")]
    assert re.search(r'<a href="cite.xhtml">About this edition</a>', nav)  # the contents name it so


def test_a_layout_may_choose_its_own_citation_styles(scenario) -> None:
    root = scenario("clinic", layouts=("standard", "large-print"))
    with (root / "leafbind.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[layout.large-print]\ncitation_styles = ["apa"]\n')
    assert open_project(root).citation_styles("large-print") == ["apa"]

    result = build(root, slugs=("ankle-sprain",), formats=("pdf",))

    assert result.problems == () and result.failed == ()
    large = " ".join(pdf_pages(root / "dist" / "ankle-sprain" / "ankle-sprain-ed2-large-print.pdf"))
    standard = " ".join(pdf_pages(root / "dist" / "ankle-sprain" / "ankle-sprain-ed2.pdf"))
    assert "Cite this leaflet" in large and "APA (7th edition)" in large
    assert not any(label in large for label in STYLE_LABELS[1:])
    assert all(label in standard for label in STYLE_LABELS)


def test_a_layouts_citation_styles_are_checked_with_their_line(scenario) -> None:
    root = scenario("minimal")
    (root / "leafbind.toml").write_text(
        'citation_styles = ["apa"]\n\n[layout.large-print]\ncitation_styles = ["apa", "vancouver-ish"]\n'
        'stylesheet = "large.css"\n\n[layout.rack]\nbased_on = "booklet"\ncitation_styles = ["mla"]\n',
        encoding="utf-8")
    with pytest.raises(ProblemReport) as report:
        open_project(root)
    assert [str(problem) for problem in report.value.problems] == [
        'leafbind.toml:4: layout.large-print.citation_styles: "vancouver-ish" is not a known citation style '
        "(use apa, mla, ama, harvard or a CSL style name)",
        "leafbind.toml:5: layout.large-print.stylesheet: is not a setting of the built-in layout "
        '"large-print" (only citation_styles is): to restyle it, put your own large-print.css in layouts/',
        "leafbind.toml:7: layout.rack.stylesheet: Field required",
    ]
