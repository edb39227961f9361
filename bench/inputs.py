"""How the time to check a leaflet grows with its size, for bodies shaped the ways that once went quadratic.

    python bench/inputs.py                       # 0.25, 0.5, 1 and 1.9 MB, and 2.5 MB (over the limit)
    python bench/inputs.py --sizes 0.1 0.2 --shapes one-paragraph
    python bench/inputs.py --publish "python /old/checkout/publish.py"   # measure another checkout

For each shape and size it writes a one-leaflet project and times `publish check` (reading, validation,
Markdown, the quality checks) as a subprocess, wall clock, best of --repeat runs. Linear time shows as a
steady seconds-per-MB column; the `x` column is the time over the time of the size before it, divided by the
size ratio (1.0 is linear, 2.0 quadratic). A size over the limit (2 MB, leafbind.load.MAX_SOURCE_BYTES) \
must be
refused at once. Never run in CI; see bench/README.md.
"""

# ruff: noqa: T201  (a benchmark: printing the table is its job)
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
FRONT = """---
title: A long leaflet
summary: A leaflet made long on purpose, to time the checks.
authors: [nurse]
published: 2026-01-05
review: 2028-01-05
---

"""
AUTHORS = "nurse:\n  name: Ada Lovelace\n  bio: Ada writes the practice's leaflets.\n"

# Each shape repeats a unit; `size` bytes of it make the body.
SHAPES = {
    "paragraphs": "Take your tablets at the same time every day. Ask your pharmacist if you miss one.\n\n",
    "one-paragraph": "Take your *tablets* at the same time every day, and tell us how you feel\n",
    "sections": "## Looking after yourself\n\nWalk a little every day. Rest when you need to.\n\n",
    "lists": "- Eat less salt\n  - Check the labels\n    - Choose the green ones\n",
    "links": "See [the NHS page on salt](https://www.nhs.uk/live-well/eat-well/salt/) and ask us. ",
    "table": "| Food | Salt |\n|---|---|\n" + "| Bread | 1 g |\n" * 40 + "\n",
    "long-token": "x" * 4000 + "\n\n",
}


def project(folder: Path, shape: str, size: float) -> Path:
    unit = SHAPES[shape]
    body = unit * max(1, int(size * MB) // len(unit))
    (folder / "leaflets").mkdir(parents=True)
    (folder / "leaflets" / "authors.yaml").write_text(AUTHORS, "utf-8")
    (folder / "leaflets" / "long.md").write_text(FRONT + body, "utf-8")
    return folder


def timed(command: list[str], repeat: int) -> tuple[float, int]:
    best, status = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        status = subprocess.run(command, capture_output=True).returncode
        best = min(best, time.perf_counter() - start)
    return best, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1.0, 1.9, 2.5], help="MB")
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--publish", default=f"{shlex.quote(sys.executable)} {REPO / 'publish.py'}")
    options = parser.parse_args()
    print(f"{'shape':<14} {'MB':>5} {'s':>7} {'s/MB':>6} {'x':>5}  exit")
    for shape in options.shapes:
        previous = None
        for size in options.sizes:
            with tempfile.TemporaryDirectory() as folder:
                root = project(Path(folder), shape, size)
                seconds, status = timed([*shlex.split(options.publish), "check", "--project", str(root)],
                                        options.repeat)
            growth = "" if previous is None else f"{(seconds / previous[1]) / (size / previous[0]):.2f}"
            print(f"{shape:<14} {size:>5.2f} {seconds:>7.2f} {seconds / size:>6.2f} {growth:>5}  {status}")
            previous = (size, seconds)


if __name__ == "__main__":
    main()
