"""Benchmark `publish serve`: the time from saving a leaflet to the reload event of the live preview.

    python bench/serve_reload.py [--words 1000] [--others 20] [--repeat 7] [--out FILE]

Writes a synthetic project (bench/catalogue.py): one leaflet of about WORDS words and OTHERS ordinary
leaflets. Starts the checkout's `publish serve --port 0` on it as a subprocess, as an editor would, waits for
its first build, opens the reload channel (`/__leafbind__/events`) like a browser and then, REPEAT times,
saves an edit to the big leaflet and times the save to the `event: reload`. The first save is a warm-up and is
reported alone. Each reload is checked: the page then holds the edit. See bench/README.md.
"""

# ruff: noqa: T201  (a benchmark: printing the table is its job)
from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import catalogue  # noqa: E402  (bench/catalogue.py, beside this file)

GOAL_SECONDS = 1.5  # the goal for the median, on 2 cores, the standard PDF included
START_SECONDS = 600  # the first build of the whole catalogue
RELOAD_SECONDS = 30
QUIET_SECONDS = 1.0  # between two saves, so that each is a save of its own


class Serve:
    """`publish serve --port 0` in a subprocess: its address, and its output lines as they come."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "publish.py"), "serve", "--port", "0", "--project", str(project)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        found = self.line(r"^Serving .* at (http://([\d.]+):(\d+)/)", START_SECONDS)
        self.url, self.host, self.port = found[1], found[2], int(found[3])

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, pattern: str, seconds: float) -> re.Match:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if found := re.search(pattern, line):
                return found
        raise SystemExit(f"publish serve: no line matching {pattern!r} within {seconds} s")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)


class Channel:
    """The reload channel, read as a browser's EventSource reads it."""

    def __init__(self, host: str, port: int) -> None:
        self.socket = socket.create_connection((host, port), timeout=RELOAD_SECONDS)
        self.socket.sendall(b"GET /__leafbind__/events HTTP/1.1\r\nHost: preview\r\n\r\n")
        self.data = b""
        self.wait(b"retry: ")

    def wait(self, text: bytes) -> None:
        """Read until `text` has come, then forget what was read."""
        deadline = time.monotonic() + RELOAD_SECONDS
        while text not in self.data:
            self.socket.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = self.socket.recv(4096)
            if not chunk:
                raise SystemExit("the reload channel closed")
            self.data += chunk
        self.data = self.data.partition(text)[2]

    def close(self) -> None:
        self.socket.close()


def save_and_time(serve: Serve, path: Path, text: str, marker: str, slug: str) -> dict:
    """Save `text` to `path`; the seconds to the reload event, and the build's own seconds as it reports."""
    channel = Channel(serve.host, serve.port)
    try:
        time.sleep(QUIET_SECONDS)
        saved = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        channel.wait(b"event: reload\n")
        seconds = time.perf_counter() - saved
    finally:
        channel.close()
    build = serve.line(r"^Build \d+: (.*) \(([\d.]+) s\)", RELOAD_SECONDS)
    with urllib.request.urlopen(f"{serve.url}{slug}/index.html", timeout=RELOAD_SECONDS) as response:
        page = response.read().decode()
    if marker not in page or 'role="alert"' in page:
        raise SystemExit(f"after the reload, {slug}'s page does not show the edit (or shows problems)")
    return {"seconds": round(seconds, 3), "build_s": float(build[2]), "built": build[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1000, help="words of the leaflet edited (default 1000)")
    parser.add_argument("--others", type=int, default=20,
                        help="ordinary leaflets in the catalogue besides it (default 20)")
    parser.add_argument("--repeat", type=int, default=7, help="timed saves, after one warm-up (default 7)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--workdir", type=Path, default=None, help="where the project goes (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the project afterwards")
    args = parser.parse_args()
    if args.repeat < 1 or args.words < 100 or args.others < 0:
        parser.error("--repeat must be at least 1, --words at least 100 and --others at least 0")

    work = Path(tempfile.mkdtemp(prefix="leafbind-serve-bench-", dir=args.workdir))
    project = work / "project"
    try:
        made = catalogue.generate(project, args.others, args.seed, giant=args.words)
        big = made[-1]  # the leaflet of about --words words comes last
        path = project / "leaflets" / f"{big.slug}.md"
        original = path.read_text(encoding="utf-8")
        print(f"{len(made)} leaflets; editing {big.slug} ({big.words} words). Starting publish serve …",
              flush=True)
        started = time.perf_counter()
        serve = Serve(project)
        first_build = time.perf_counter() - started
        runs = []
        try:
            for number in range(args.repeat + 1):
                marker = f"We checked this leaflet again in review {number + 1}."
                text = f"{original.rstrip()}\n\n{marker}\n"
                runs.append(save_and_time(serve, path, text, marker, big.slug))
                label = "warm-up" if number == 0 else f"save {number}"
                print(f"  {label:8} {runs[-1]['seconds']:6.3f} s to the reload event "
                      f"(the build itself: {runs[-1]['build_s']:.1f} s)", flush=True)
        finally:
            code = serve.stop()
        timed = [run["seconds"] for run in runs[1:]]
        median = statistics.median(timed)
        results = {
            "cores": len(os.sched_getaffinity(0)), "python": sys.version.split()[0],
            "leaflets": len(made), "words": big.words, "first_build_s": round(first_build, 2),
            "warm_up_s": runs[0]["seconds"], "median_s": round(median, 3), "min_s": min(timed),
            "max_s": max(timed), "goal_s": GOAL_SECONDS, "meets_goal": median < GOAL_SECONDS,
            "exit_status": code, "runs": runs,
        }
        print(f"\nsave to reload, {len(timed)} saves of a {big.words}-word leaflet in a catalogue of "
              f"{len(made)}, {results['cores']} cores:")
        print(f"  median {median:.3f} s, min {min(timed):.3f} s, max {max(timed):.3f} s "
              f"(first build {first_build:.1f} s, warm-up save {runs[0]['seconds']:.3f} s)")
        print(f"  goal: median under {GOAL_SECONDS} s: {'met' if results['meets_goal'] else 'NOT met'}")
        if args.out:
            args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.keep:
            print(f"project kept in {project}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
