"""Time leafbind's render stage alone, in one process, on a synthetic catalogue (or any project).

    python bench/render_stage.py --count 100                  # a fresh 100-leaflet catalogue, seed 2026
    python bench/render_stage.py --project DIR                # an existing project
    python bench/render_stage.py --count 100 --profile cprofile  # and where the time goes

The build's `--json` timings report the same stage (`render`, summed over leaflets) but as wall time inside a
whole build, which a busy machine inflates. This renders each leaflet with the layouts the build would print
(leafbind.toml's), the same call `make_outputs` makes, and reports wall and CPU milliseconds per leaflet. The
first leaflet is reported on its own: it pays for what a process does once (templates compiled, citation
styles parsed), which a build of many leaflets spreads over all of them. Each of the others is rendered once,
as in a build: a second pass would be helped by what is kept per leaflet (QR codes, for one), which a build
never has. For steadier numbers, run it again (a fresh process) rather than looping in one.
"""

# ruff: noqa: T201  (a benchmark: printing its numbers is its job)
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import catalogue  # noqa: E402  (bench/catalogue.py, beside this file)

from leafbind.catalogue import check_catalogue  # noqa: E402
from leafbind.project import open_project  # noqa: E402
from leafbind.render import render  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="catalogue size (default 100)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--project", type=Path, help="render this project instead of a synthetic catalogue")
    parser.add_argument("--profile", choices=("cprofile",), help="profile one pass and print the top calls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leafbind-render-") as temporary:
        folder = args.project
        if folder is None:
            folder = Path(temporary) / "project"
            catalogue.generate(folder, args.count, args.seed)
        print(json.dumps(measure(folder, args.profile), indent=2))


def measure(folder: Path, profile: str | None) -> dict:
    project = open_project(folder)
    checked = check_catalogue(project)
    if checked.problems:
        raise SystemExit("the project has problems: " + "; ".join(map(str, checked.problems[:5])))
    first, *others = checked.leaflets
    if not others:
        raise SystemExit("the project needs two leaflets or more")
    layouts = tuple(project.layouts[name] for name in project.config.layouts)
    first_wall, first_cpu = _timed(lambda: render(first, project, layouts))
    profiler = cProfile.Profile() if profile == "cprofile" else None
    if profiler:
        profiler.enable()
    wall, cpu = _timed(lambda: [render(leaflet, project, layouts) for leaflet in others])
    if profiler:
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    return {"leaflets": len(checked.leaflets), "layouts": [layout.name for layout in layouts],
            "profiled": bool(profiler), "first_leaflet_ms": {"wall": _ms(first_wall), "cpu": _ms(first_cpu)},
            "ms_per_leaflet": {"wall": _ms(wall / len(others)), "cpu": _ms(cpu / len(others))}}


def _timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


if __name__ == "__main__":
    main()
