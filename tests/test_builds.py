"""Catalogue builds: the same bytes on any day, only what changed is made again, many leaflets at once.

Each test builds a copy of the `clinic` scenario (tests/roots/clinic: two leaflets, two authors, one image),
standard handout and EPUB only."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import dask
import pytest
import time_machine
from click.testing import CliRunner
from conftest import STATE_FILE, build, pdf_pages, pretend_leafbind_version, snapshot
from distributed import LocalCluster  # imported early, so its settings are in Dask's config before any change

from publish import cli

SITE = "site"  # the web edition's folder in the output folder

# ankle-sprain: edition 2, by the editorial team; hay-fever: edition 1, by the practice nurses and the
# editorial team, showing assets/images/pollen-outdoors.svg
ANKLE, HAY_FEVER = SLUGS = ("ankle-sprain", "hay-fever")


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def outputs(folder: Path) -> dict[str, bytes]:
    """The PDFs and e-books built (not the web edition's copies of them)."""
    return {name: data for name, data in snapshot(folder).items()
            if name.endswith((".pdf", ".epub")) and not name.startswith(f"{SITE}/")}


def made(result) -> set[tuple[str, str]]:
    return {(output.slug, output.format) for output in result.outputs}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- Reproducible outputs --------------------------------------------------------------------------------


@pytest.mark.parametrize("variant, layouts, files", [
    ("pdf/ua-1", ("standard",), 4),
    ("pdf/x-4", ("standard",), 4),
    ("pdf/ua-1", ("booklet", "large-print", "press"), 10),  # imposed sheets too; press is PDF/X-4 with bleed
])
def test_the_same_sources_give_the_same_bytes_on_another_day(project: Path, variant: str, layouts: tuple,
                                                              files: int) -> None:
    with time_machine.travel(datetime(2030, 1, 2, 9, 30, tzinfo=UTC), tick=False):
        first = build(project, project / "first", variant=variant, layouts=layouts)
    with time_machine.travel(datetime(2031, 7, 15, 23, 59, tzinfo=UTC), tick=False):
        second = build(project, project / "second", variant=variant, layouts=layouts)

    assert first.problems == second.problems == ()
    assert len(outputs(project / "first")) == files
    assert outputs(project / "first") == outputs(project / "second")
    for data in outputs(project / "second").values():
        assert b"2031" not in data and b"2030" not in data  # no trace of either clock
    site = snapshot(project / "second" / SITE)  # the web edition too (the project sets its website)
    assert "index.html" in site and site == snapshot(project / "first" / SITE)
    assert not any(b"2031" in data or b"2030" in data for data in site.values())


def test_a_process_pool_gives_the_same_bytes_as_one_process(project: Path) -> None:
    build(project, project / "one", jobs=1)
    pooled = build(project, project / "two", jobs=2)
    assert sorted(pooled.built) == sorted(SLUGS)
    assert outputs(project / "one") == outputs(project / "two")


# --- Incremental builds ----------------------------------------------------------------------------------


def test_a_second_build_skips_every_unchanged_output(project: Path) -> None:
    first = build(project)
    before = {path: path.stat().st_mtime_ns for path in (project / "dist").rglob("*.*")}
    second = build(project)
    assert made(first) == {(slug, fmt) for slug in SLUGS for fmt in ("pdf", "epub")}
    assert (second.built, second.skipped, second.outputs) == ((), SLUGS, ())
    assert {path: path.stat().st_mtime_ns for path in (project / "dist").rglob("*.*")} == before


def test_editing_one_leaflet_rebuilds_only_it(project: Path) -> None:
    build(project)
    edit(project / "leaflets" / f"{HAY_FEVER}.md", "## ",
         "## Checking at home\n\nWrite each reading down.\n\n## ")
    result = build(project)
    assert (result.built, result.skipped) == ((HAY_FEVER,), (ANKLE,))
    assert made(result) == {(HAY_FEVER, "pdf"), (HAY_FEVER, "epub")}


def test_editing_a_shared_layout_rebuilds_every_leaflet(project: Path) -> None:
    build(project)
    (project / "layouts" / "print.css").write_text('{% include "base/print.css" %}\nh2 { color: #1a1a1a; }\n')
    result = build(project)
    assert result.built == SLUGS and result.skipped == ()


def test_editing_one_author_rebuilds_only_that_authors_leaflets(project: Path) -> None:
    build(project)
    authors = project / "leaflets" / "authors.yaml"
    text = authors.read_text("utf-8")
    nurses = text.index("practice-nurses:")
    authors.write_text(text[:nurses]
                       + text[nurses:].replace("bio: >-", "bio: >-\n    Based at the allergy clinic.", 1))
    assert build(project).built == (HAY_FEVER,)
    edit(authors, "bio: >-", "bio: >-\n    Reviewed every year.")  # the first entry: the editorial team
    assert build(project).built == SLUGS  # both leaflets name the editorial team


def test_editing_an_image_rebuilds_the_leaflets_showing_it(project: Path) -> None:
    build(project)
    image = project / "assets" / "images" / "pollen-outdoors.svg"
    image.write_text(image.read_text().replace("</svg>", "<!-- redrawn -->\n</svg>"))
    assert build(project).built == (HAY_FEVER,)


def test_settings_options_and_leafbind_version_are_inputs(project: Path, monkeypatch) -> None:
    build(project)
    letter = build(project, page_size="letter")
    # the PDFs, and the EPUBs, whose page list follows the standard handout on that paper
    assert made(letter) == {(slug, kind) for slug in SLUGS for kind in ("pdf", "epub")}
    edit(project / "leafbind.toml", "organisation = ", 'organisation = "Millbrook Surgery" #')
    assert build(project).built == SLUGS
    pretend_leafbind_version(monkeypatch, "99.0")
    assert build(project).built == SLUGS
    assert build(project).built == ()


def test_a_deleted_or_altered_output_is_made_again(project: Path) -> None:
    build(project)
    dist = project / "dist"
    (dist / ANKLE / f"{ANKLE}-ed2.epub").unlink()
    with open(dist / HAY_FEVER / f"{HAY_FEVER}-ed1.pdf", "ab") as pdf:
        pdf.write(b"%% appended by hand\n")
    result = build(project)
    assert made(result) == {(ANKLE, "epub"), (HAY_FEVER, "pdf")}


def test_force_makes_everything_again_with_the_same_bytes(project: Path) -> None:
    build(project)
    before = outputs(project / "dist")
    result = build(project, force=True)
    assert result.built == SLUGS and result.skipped == ()
    assert outputs(project / "dist") == before


def test_a_failed_leaflet_is_checked_again_next_time(project: Path) -> None:
    build(project)
    source = project / "leaflets" / f"{HAY_FEVER}.md"
    good = source.read_text("utf-8")
    edit(source, "published: 2026-06-02", "published: soon")
    assert build(project).failed == (HAY_FEVER,)
    state = json.loads((project / "dist" / STATE_FILE).read_text())
    assert sorted(state["leaflets"]) == [ANKLE]
    source.write_text(good, "utf-8")
    assert build(project).built == (HAY_FEVER,)  # its outputs are unchanged, but it is checked and made again


def test_a_broken_state_file_means_a_full_build(project: Path) -> None:
    build(project)
    (project / "dist" / STATE_FILE).write_text("{ not json")
    assert build(project).built == SLUGS


# --- Batch builds from the command line ------------------------------------------------------------------


def add_leaflet_with_a_broken_image(project: Path) -> None:
    """A leaflet that passes every check but that WeasyPrint can't draw: a character of Unicode's private use
    area, which no font has. It fails in the PDF stage. (A broken image file no longer gets that far: the
    asset gate refuses it when the leaflet is checked; nor does such a character, unless the project turns
    font-coverage off, as here.)"""
    settings = project / "leafbind.toml"
    settings.write_text(settings.read_text("utf-8") + '\n[check]\ndisable = ["font-coverage"]\n', "utf-8")
    text = (project / "leaflets" / f"{ANKLE}.md").read_text("utf-8")
    text = text.replace("id: PIL-0042", "id: PIL-0999").replace("## ", "Look for the \ue000 sign.\n\n## ", 1)
    (project / "leaflets" / "broken-image.md").write_text(text, "utf-8")


def test_one_broken_leaflet_never_stops_the_others(project: Path) -> None:
    add_leaflet_with_a_broken_image(project)
    result = run("build", "--jobs", "2", "--json", "--project", str(project))
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert sorted(summary["built"]) == sorted(SLUGS)
    assert [failure["slug"] for failure in summary["failed"]] == ["broken-image"]
    reason = summary["failed"][0]["problems"][0]
    assert reason.startswith("leaflets/broken-image.md: while making the PDF: .notdef glyph rendered")
    assert ({(o["slug"], o["format"]) for o in summary["outputs"]}
            == {(s, f) for s in SLUGS for f in ("pdf", "epub")})
    assert not (project / "dist" / "broken-image").exists()


def test_json_summary_has_the_documented_keys(project: Path) -> None:
    result = run("build", "--json", "--project", str(project))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {"built", "skipped", "failed", "problems", "warnings", "outputs", "timings",
                            "jobs", "executor", "site"}
    assert summary["site"] == str(project / "dist" / SITE)  # the project sets its website
    assert set(summary["timings"]) == {"validate", "lint", "setup", "render", "pdf", "epub", "text_layer",
                                       "write", "site", "total"}
    assert set(summary["outputs"][0]) == {"slug", "edition", "format", "layout", "imposed", "path", "bytes",
                                          "sha256"}
    again = json.loads(run("build", "--json", "--project", str(project)).stdout)
    assert (again["built"], again["skipped"], again["outputs"]) == ([], list(SLUGS), [])


def test_progress_lines_off_a_terminal_and_silence_with_quiet(project: Path) -> None:
    result = run("build", "--jobs", "1", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"[1/2] built {ANKLE}", f"[2/2] built {HAY_FEVER}"]
    assert "2 built (4 files), 0 unchanged and skipped, 0 failed" in result.stdout
    quiet = run("build", "--force", "--quiet", "--project", str(project))
    assert (quiet.exit_code, quiet.output) == (0, "")


def test_dask_options_go_together(project: Path) -> None:
    assert run("build", "--executor", "dask", "--project", str(project)).exit_code == 2
    assert run("build", "--scheduler", "tcp://127.0.0.1:1", "--project", str(project)).exit_code == 2
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        unreachable = run("build", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                          "--project", str(project))
    assert unreachable.exit_code == 1 and "could not reach the Dask scheduler" in unreachable.output


def test_a_dask_cluster_builds_exactly_as_local_processes(project: Path) -> None:
    add_leaflet_with_a_broken_image(project)
    local = json.loads(run("build", "--jobs", "2", "--json", "--out", str(project / "local"),
                           "--project", str(project)).stdout)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        result = run("build", "--executor", "dask", "--scheduler", cluster.scheduler_address, "--json",
                     "--out", str(project / "dask"), "--project", str(project))
    assert result.exit_code == 1
    remote = json.loads(result.stdout)
    for key in ("built", "skipped", "failed", "problems", "outputs"):
        assert remote[key] == local[key], key
    assert remote["executor"] == "dask"
    assert snapshot(project / "dask") == snapshot(project / "local")  # outputs and manifest
    for folder in ("local", "dask"):
        state = json.loads((project / folder / STATE_FILE).read_text())
        for record in state["leaflets"].values():
            for output in record["outputs"].values():
                output.pop("mtime_ns")
        assert sorted(state["leaflets"]) == sorted(SLUGS)
        if folder == "local":
            local_state = state
    assert state == local_state
    rebuilt = build(project, project / "dask")
    assert rebuilt.skipped == SLUGS and rebuilt.failed == ("broken-image",)


# --- Editions ----------------------------------------------------------------------------------------------


def test_a_new_edition_keeps_the_earlier_files_and_the_manifest_lists_both(project: Path,
                                                                             monkeypatch) -> None:
    dist = project / "dist"
    build(project)
    earlier = outputs(dist)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795651200")  # 2026-11-26 UTC: the date --date defaults to
    result = run("edition", ANKLE, "--note", "Added advice on ankle supports.", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"leaflets/{ANKLE}.md: edition 2 → 3, updated 2026-11-26.")

    rebuilt = build(project)

    assert rebuilt.built == (ANKLE,) and made(rebuilt) == {(ANKLE, "pdf"), (ANKLE, "epub")}
    now = outputs(dist)
    assert {name: now[name] for name in earlier} == earlier  # edition 2's files untouched
    assert sorted(set(now) - set(earlier)) == [f"{ANKLE}/{ANKLE}-ed3.epub", f"{ANKLE}/{ANKLE}-ed3.pdf"]
    manifest = json.loads((dist / "manifest.json").read_text())
    ankle = next(leaflet for leaflet in manifest["leaflets"] if leaflet["slug"] == ANKLE)
    assert [(e["edition"], e["date"]) for e in ankle["editions"]] == [(3, "2026-11-26"), (2, "2026-08-20")]
    for edition in ankle["editions"]:
        for entry in edition["outputs"]:
            assert entry["sha256"] == hashlib.sha256(now[entry["path"]]).hexdigest()
    text = " ".join(pdf_pages(dist / ANKLE / f"{ANKLE}-ed3.pdf"))
    assert "Edition 3 — 26 November 2026: Added advice on ankle supports." in text


def test_edition_refuses_a_date_before_the_last_change(project: Path) -> None:
    source = project / "leaflets" / f"{ANKLE}.md"
    before = source.read_bytes()
    result = run("edition", ANKLE, "--note", "Typo fixed.", "--date", "2026-01-01", "--project", str(project))
    assert result.exit_code == 1
    assert f"leaflets/{ANKLE}.md: a new edition can't be dated 2026-01-01" in result.output
    assert "Traceback" not in result.output and source.read_bytes() == before
    assert run("edition", "no-such-leaflet", "--note", "x", "--project", str(project)).exit_code == 2


def test_two_files_with_one_slug_are_never_skipped(project: Path) -> None:
    build(project)
    (project / "leaflets" / "a-first").mkdir()
    copy = project / "leaflets" / "a-first" / f"{HAY_FEVER}.md"  # found before leaflets/hay-fever.md
    copy.write_text((project / "leaflets" / f"{HAY_FEVER}.md").read_text("utf-8")
                    .replace("PIL-0107", "PIL-0108"))
    result = build(project)
    assert result.failed == (HAY_FEVER,) and result.skipped == (ANKLE,)
    assert any(f'has the same slug "{HAY_FEVER}"' in str(problem) for problem in result.problems)
