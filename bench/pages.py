"""How many pages each print layout takes, and how long it takes to make, before and after a change.

    python bench/pages.py --before /tmp/before [--count 20] [--out bench/pages.json]

builds the README's sample project, every test scenario (tests/roots/*) and a benchmark catalogue of COUNT
leaflets (bench/catalogue.py) in every built-in print layout, with this checkout and with the checkout at
--before (a `git worktree add` of the earlier revision), and prints a table: pages per leaflet and layout,
before and now, then the build seconds per leaflet for each project and layout. Each build runs the checkout's
own publish.py as a subprocess with --jobs 1 and --force, into a fresh copy of the project. The booklet counts
its A5 pages (`-booklet-pages.pdf`), which its sheets are a quarter of. See bench/README.md.
"""

# ruff: noqa: T201  (a benchmark: printing the table is its job)
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import catalogue  # noqa: E402  (bench/catalogue.py, beside this file)

LAYOUTS = ("standard", "booklet", "large-print", "press")
SUFFIX = {"standard": "", "booklet": "-booklet-pages", "large-print": "-large-print", "press": "-press"}


def projects(work: Path, count: int) -> dict[str, Path]:
    """The projects measured, each written once into `work`: the sample, the scenarios, the catalogue."""
    found = {}
    sample = work / "sample"
    sample.mkdir()
    for part in ("leaflets", "assets", "leafbind.toml"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, sample / part)
    found["sample"] = sample
    for root in sorted((REPO / "tests" / "roots").iterdir()):
        if root.is_dir():
            found[root.name] = root
    if count:
        catalogue_root = work / "catalogue"
        catalogue.generate(catalogue_root, count, 2026)
        found["catalogue"] = catalogue_root
    return found


def build(checkout: Path, project: Path, layout: str, work: Path) -> tuple[dict[str, int], float, float]:
    """Build `project` (copied) in one layout with the code of `checkout`: pages per leaflet, the CPU seconds
    of the whole command (user + system, start-up included: much less disturbed than wall time by other work
    on the machine) and the build's render + PDF seconds (wall, summed over leaflets, from its --json)."""
    copy = Path(tempfile.mkdtemp(dir=work))
    shutil.copytree(project, copy / "p", ignore=shutil.ignore_patterns("dist", "__pycache__"))
    command = [sys.executable, str(checkout / "publish.py"), "build", "--project", str(copy / "p"),
               "--format", "pdf", "--layout", layout, "--force", "--jobs", "1", "--no-lint", "--json",
               "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(checkout), SOURCE_DATE_EPOCH="1795651200")  # 2026-11-26
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    report = json.loads(done.stdout)
    if report["failed"]:
        raise SystemExit(f"{project.name} ({layout}) failed with {checkout}: {report['failed']}")
    pages = {}
    for output in report["outputs"]:
        name = Path(output["path"]).name
        if name.endswith(f"-ed{output['edition']}{SUFFIX[layout]}.pdf"):
            pages[output["slug"]] = len(PdfReader(copy / "p" / "dist" / output["path"]).pages)
    timings = report["timings"]
    shutil.rmtree(copy)
    return pages, cpu, timings["render"] + timings["pdf"]


def measure(checkouts: dict[str, Path], found: dict[str, Path], work: Path, repeat: int) -> dict:
    """Each project in each layout with each checkout, `repeat` times, interleaved; the fastest run kept."""
    results: dict = {}
    for name, project in found.items():
        for layout in LAYOUTS:
            for run in range(repeat):
                for label, checkout in (checkouts.items() if run % 2 == 0 else reversed(checkouts.items())):
                    pages, cpu, stages = build(checkout, project, layout, work)
                    entry = results.setdefault(name, {}).setdefault(layout, {}).setdefault(label, {})
                    if pages != entry.setdefault("pages", pages):
                        raise SystemExit(f"{name} ({layout}, {label}): the pages differ between builds")
                    entry["cpu"] = min(cpu, entry.get("cpu", cpu))
                    entry["stages"] = min(stages, entry.get("stages", stages))
                    print(f"  {name} {layout} {label}: {sum(pages.values())} pages, {cpu:.2f} s CPU",
                          file=sys.stderr)
    return results


def table(results: dict) -> str:
    """Markdown: pages per leaflet (before → now) in each layout, the catalogue summed, then seconds."""
    head = "| project | leaflet | " + " | ".join(LAYOUTS) + " |"
    lines = ["Pages, before → now (booklet: A5 pages before padding to a multiple of four)", "", head,
             "| --- | --- |" + " --- |" * len(LAYOUTS)]
    for name, layouts in results.items():
        slugs = sorted(layouts["standard"]["now"]["pages"])
        rows = [(slug, [(layouts[layout]["before"]["pages"][slug], layouts[layout]["now"]["pages"][slug])
                        for layout in LAYOUTS]) for slug in slugs]
        if name == "catalogue":
            columns = zip(*(cells for _, cells in rows), strict=True)
            total = [(sum(b for b, _ in column), sum(n for _, n in column)) for column in columns]
            rows = [(f"{len(slugs)} leaflets, total", total)]
        for slug, cells in rows:
            lines.append(f"| {name} | {slug} | " + " | ".join(f"{b} → {n}" for b, n in cells) + " |")
    lines += ["", "CPU seconds per leaflet of a --jobs 1 build (start-up included), before → now", "",
              "| project | leaflets | " + " | ".join(LAYOUTS) + " |",
              "| --- | --- |" + " --- |" * len(LAYOUTS)]
    for name, layouts in results.items():
        count = len(layouts["standard"]["now"]["pages"])
        cells = [(layouts[layout]["before"]["cpu"] / count, layouts[layout]["now"]["cpu"] / count)
                 for layout in LAYOUTS]
        lines.append(f"| {name} | {count} | " + " | ".join(f"{b:.2f} → {n:.2f}" for b, n in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Pages and build time per print layout, before and now.")
    parser.add_argument("--before", type=Path, required=True,
                        help="a checkout of the earlier revision (git worktree add --detach DIR REV)")
    parser.add_argument("--count", type=int, default=20,
                        help="leaflets in the benchmark catalogue (default 20)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="build each project this many times with each checkout, keeping the fastest")
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leafbind-pages-") as temporary:
        work = Path(temporary)
        found = projects(work, args.count)
        results = measure({"before": args.before.resolve(), "now": REPO}, found, work, args.repeat)
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
