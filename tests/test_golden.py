"""Golden files: each scenario's outputs, as text a person can review, compared with tests/golden/.

Every scenario in tests/roots/ is built once (with its own settings) and each of its products — the standard
PDF and the EPUB of every scenario, and every print product of `clinic` — is turned into text
(conftest.describe_pdf, conftest.describe_epub) and compared with its reviewed golden file. A change of a
leaflet, a layout, the metadata or the e-book's structure shows as a unified diff.
`python -m pytest --update-golden` rewrites them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOTS, compare_golden, describe_epub, describe_pdf

# scenario → the products whose golden files it keeps (product: the file name's tail after <slug>-ed<N>)
PRODUCTS = {
    "minimal": ("standard", "epub"),
    "every-key": ("standard", "epub"),
    "editions": ("standard", "epub"),
    "quality": ("standard", "epub"),
    "clinic": ("standard", "epub", "booklet", "booklet-pages", "large-print", "press", "waiting-room",
               "waiting-room-pages"),
}
CASES = [(scenario, product) for scenario, products in PRODUCTS.items() for product in products]


def product_of(entry: dict, slug: str) -> str:
    """The product an output of the manifest is: standard, epub, booklet, booklet-pages, press …"""
    name = Path(entry["path"]).name
    tail = name.removeprefix(f"{slug}-ed{entry['edition']}")
    return "epub" if tail == ".epub" else tail.removesuffix(".pdf").removeprefix("-") or "standard"


def outputs(dist: Path) -> list[tuple[str, str, Path]]:
    """(slug, product, path) of every output of the newest edition of every leaflet, from
    dist/manifest.json."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for leaflet in manifest["leaflets"]:
        edition = leaflet["editions"][0]
        for entry in edition["outputs"]:
            found.append((leaflet["slug"],
                          product_of({**entry, "edition": edition["edition"]}, leaflet["slug"]),
                          dist / entry["path"]))
    return found


def golden_name(scenario: str, path: Path) -> str:
    return f"{scenario}/{path.name}." + ("json" if path.suffix == ".epub" else "txt")


def test_every_scenario_has_golden_files() -> None:
    assert sorted(PRODUCTS) == sorted(path.name for path in ROOTS.iterdir() if path.is_dir())


def test_scenarios_are_never_built_in_place() -> None:
    """Tests copy a scenario before they change or build it: tests/roots/ holds sources only."""
    made = [path.relative_to(ROOTS).as_posix() for path in ROOTS.rglob("*")
            if path.name in ("dist", "manifest.json", ".leafbind-state.json", ".leafbind.lock",
                             "quality.html")]
    assert made == []


@pytest.mark.parametrize(("scenario", "product"), CASES, ids=[f"{s}-{p}" for s, p in CASES])
def test_output_matches_its_golden_file(built, golden, scenario: str, product: str) -> None:
    found = [(slug, path) for slug, made, path in outputs(built(scenario)) if made == product]
    assert found, f"{scenario} built no {product}"
    differences = []
    for _, path in found:
        text = describe_epub(path) if path.suffix == ".epub" else describe_pdf(path)
        try:
            golden(golden_name(scenario, path), text)
        except AssertionError as difference:  # show every leaflet's difference at once, not just the first
            differences.append(str(difference))
    assert not differences, "\n\n".join(differences)


@pytest.mark.parametrize("scenario", PRODUCTS)
def test_each_output_has_one_golden_file_and_each_golden_file_an_output(built, request,
                                                                        scenario: str) -> None:
    made = outputs(built(scenario))
    assert {product for _, product, _ in made} == set(PRODUCTS[scenario]), "a product without a golden test"
    expected = {golden_name(scenario, path) for _, _, path in made}
    folder = GOLDEN / scenario
    present = {f"{scenario}/{path.name}" for path in folder.iterdir()} if folder.is_dir() else set()
    stale = sorted(present - expected)
    if stale and request.config.getoption("--update-golden"):
        for name in stale:
            (GOLDEN / name).unlink()
        stale = []
    assert stale == [], "golden files of outputs no longer made (remove them, or run --update-golden)"


def test_a_changed_output_fails_with_a_unified_diff() -> None:
    """The comparison itself must be able to fail, and say what changed, line by line."""
    name = "minimal/hand-washing-ed1.pdf.txt"
    reviewed = (GOLDEN / name).read_text(encoding="utf-8")
    assert "Wash your hands after you use the toilet" in reviewed
    changed = reviewed.replace("Wash your hands after you use the toilet",
                               "Wash your hands after you use the loo")
    with pytest.raises(AssertionError) as caught:
        compare_golden(name, changed, update=False)
    message = str(caught.value)
    assert f"--- tests/golden/{name} (reviewed)" in message and f"+++ {name} (this build)" in message
    removed = [line for line in message.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in message.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1  # only the line that changed
    assert "use the toilet" in removed[0] and "use the loo" in added[0]
    with pytest.raises(pytest.fail.Exception, match="does not exist: run python -m pytest --update-golden"):
        compare_golden("minimal/no-such-output.pdf.txt", changed, update=False)
