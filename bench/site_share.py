"""Benchmark the web edition's share of a full build.

    python bench/site_share.py [--count 100] [--jobs 2] [--repeat 1] [--out FILE]

Writes the benchmark catalogue (bench/catalogue.py, `website` set, every print layout) and builds it from
nothing twice with the checkout's `publish.py`, as a subprocess: once without the site (`--format pdf --format
epub`) and once with everything (`--format all`, the default of a project with a website). The site's share is
the extra wall time of the second build over the first; the build's own `site` timing (`--json`) is reported
beside it. With `--repeat K` each build runs K times, interleaved, and the fastest counts. The goal: at most
10 % more. See bench/README.md.
"""

# ruff: noqa: T201  (a benchmark: printing the table is its job)
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import catalogue  # noqa: E402  (bench/catalogue.py, beside this file)

GOAL = 0.10  # the web product adds at most 10 % to a full build
WITHOUT_SITE = ("--format", "pdf", "--format", "epub")
WITH_SITE = ("--format", "all")


def build(project: Path, formats: tuple[str, ...], jobs: int) -> tuple[float, dict]:
    """Build `project` from nothing; the wall seconds and the build's --json report."""
    shutil.rmtree(project / "dist", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(REPO / "publish.py"), "build", "--project", str(project), "--jobs", str(jobs),
         "--json", *formats], capture_output=True, text=True, encoding="utf-8", check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"publish build {' '.join(formats)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description="The web edition's share of a full build.")
    parser.add_argument("--count", type=int, default=100, help="leaflets in the catalogue (default 100)")
    parser.add_argument("--jobs", type=int, default=2, help="publish build --jobs (default 2)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each kind; the fastest counts")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="leafbind-site-share-") as folder:
        project = Path(folder) / "catalogue"
        catalogue.generate(project, args.count, args.seed)
        without: list[float] = []
        with_site: list[tuple[float, dict]] = []
        for round_ in range(1, args.repeat + 1):
            seconds, _ = build(project, WITHOUT_SITE, args.jobs)
            without.append(seconds)
            print(f"round {round_}: without the site {seconds:7.2f} s", flush=True)
            seconds, report = build(project, WITH_SITE, args.jobs)
            with_site.append((seconds, report))
            site_stage = report.get("timings", {}).get("site")
            print(f"round {round_}: with the site    {seconds:7.2f} s  (its own timing: {site_stage} s, "
                  f"{len(list((project / 'dist' / 'site').rglob('*')))} files)", flush=True)
        base = min(without)
        best, report = min(with_site, key=lambda pair: pair[0])
        site_stage = report.get("timings", {}).get("site") or 0.0
        share_wall, share_stage = (best - base) / base, site_stage / base
        verdict = "meets" if max(share_wall, share_stage) <= GOAL else "misses"
        print(f"\n{args.count} leaflets, --jobs {args.jobs}: {base:.2f} s without the site, "
              f"{best:.2f} s with it: +{share_wall:.1%} wall, site stage {site_stage:.2f} s = "
              f"{share_stage:.1%} ({verdict} the goal of at most {GOAL:.0%})")
        if args.out:
            args.out.write_text(json.dumps({
                "count": args.count, "jobs": args.jobs, "repeat": args.repeat, "without_site_s": without,
                "with_site_s": [seconds for seconds, _ in with_site], "site_stage_s": site_stage,
                "share_wall": round(share_wall, 4), "share_stage": round(share_stage, 4),
                "goal": GOAL}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
