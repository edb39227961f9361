"""Benchmark `publish build` on synthetic catalogues and check the performance targets.

    python bench/run.py --sizes 20 100 1000 --out bench/results.json [--skip-pandoc]
                        [--giant 5000 10000 25000 50000]

For each size N it writes a synthetic project (bench/catalogue.py) into a temporary folder and runs the real
`publish` command as a subprocess: a full build with --jobs 1, a no-op rebuild, a full build with --jobs 2,
and it times WeasyPrint alone on the same HTML in one process (the floor) and, when pandoc is installed, the
naive script (one pandoc and one weasyprint process per leaflet). It prints a table and writes JSON.
See bench/README.md.
"""

# ruff: noqa: T201  (a benchmark: printing the table is its job)
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import catalogue  # noqa: E402  (bench/catalogue.py, beside this file)

MIB = 1024 * 1024
SAMPLE_EVERY = 0.1  # seconds between samples of the process tree's memory
BUSY = 0.25  # cores used by other processes above which a measurement is flagged as unreliable

# The targets of the issue.
PDF_FLOOR_LIMIT = 1.15
NAIVE_LIMIT = 3.0
NOOP_LIMIT = 1.5
JOBS_LIMIT = 1.7
MEMORY_LIMIT = 1.3
GIANT_LIMIT = 1.5


# --- Running one command and measuring it ----------------------------------------------------------------


@dataclass
class Run:
    """One measured command: wall time (including Python start-up), exit status, memory, its output."""

    command: list[str]
    wall: float
    cpu: float  # user + system CPU seconds of the process and the children it waited for
    code: int
    max_rss_mib: float  # largest resident set of the process or any descendant it waited for (getrusage)
    rss_floor_mib: float  # the launcher's own peak: max_rss_mib can't read lower than this (see WRAPPER)
    tree_peak_mib: float | None  # largest sum over the whole process tree (proportional set size), sampled
    stdout: str
    stderr: str
    others_cores: float | None  # CPU other processes of the machine used meanwhile, in cores (noise)

    def report(self) -> dict | None:
        """The --json document on stdout, if there is one."""
        decoder = json.JSONDecoder()
        for start in [0] + [i + 1 for i, ch in enumerate(self.stdout) if ch == "\n"]:
            if self.stdout.startswith("{", start):
                try:
                    document, _ = decoder.raw_decode(self.stdout, start)
                except ValueError:
                    continue
                if isinstance(document, dict):
                    return document
        return None

    def summary(self) -> dict:
        found = {"command": shlex.join(self.command), "wall_s": round(self.wall, 3),
                 "cpu_s": round(self.cpu, 3), "exit": self.code, "max_rss_mib": round(self.max_rss_mib, 1),
                 "rss_floor_mib": round(self.rss_floor_mib, 1),
                 "tree_peak_mib": None if self.tree_peak_mib is None else round(self.tree_peak_mib, 1),
                 "others_cores": self.others_cores}
        if self.code != 0:
            found["stderr_tail"] = self.stderr[-2000:]
        return found


class TreeSampler(threading.Thread):
    """Samples the memory of a process's descendants (Linux /proc); keeps the largest sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.works = Path(f"/proc/{pid}/task").is_dir()

    def run(self) -> None:
        while self.works and not self.done.is_set():
            self.peak = max(self.peak, sum(self.memory(pid) for pid in self.tree()[1:]))
            self.done.wait(SAMPLE_EVERY)

    def tree(self) -> list[int]:
        """The process and all of its descendants, parents before children."""
        found, index = [self.pid], 0
        while index < len(found):
            pid, index = found[index], index + 1
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                    found.extend(int(child) for child in children)
            except OSError:
                continue
        return found

    @staticmethod
    def memory(pid: int) -> int:
        """Proportional set size in bytes (pages shared after fork count once overall), else resident size."""
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    def stop(self) -> float | None:
        self.done.set()
        self.join()
        return self.peak / MIB if self.works else None


class CpuWatch:
    """How much CPU the rest of the machine used while we measured: on a shared machine, a sign of noise.

    The machine's busy time (/proc/stat) minus this process's and its reaped children's, over the wall time.
    """

    def __init__(self) -> None:
        self.start = (self.machine(), self.ours(), time.perf_counter())

    @staticmethod
    def machine() -> float | None:
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return None
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # all but idle and iowait
        return busy / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def ours() -> float:
        return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))

    def others(self) -> float | None:
        """Cores' worth of CPU used by other processes since the start (0 on a quiet machine)."""
        machine, ours, wall = self.start
        now = self.machine()
        if machine is None or now is None:
            return None
        spent = (now - machine) - (self.ours() - ours)
        return round(max(0.0, spent) / max(time.perf_counter() - wall, 1e-6), 2)


# A small launcher between the benchmark and each measured command. Linux starts a child by vfork or fork
# and exec, and exec records the peak resident set of the memory the child had before it: the launcher's.
# Launched from the benchmark itself, every command would read at least the benchmark's own size; launched
# from this (no site-packages, a few modules) the floor is a few MiB, and the launcher reports it.
WRAPPER = r"""
import json, os, sys, time
result, command = sys.argv[1], sys.argv[2:]
floor = 0
if os.path.exists("/proc/self/status"):
    with open("/proc/self/status") as status:
        floor = next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
start = time.perf_counter()
pid = os.posix_spawnp(command[0], command, os.environ)
_, code, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(result, "w") as out:
    json.dump({"wall": wall, "code": os.waitstatus_to_exitcode(code), "maxrss": usage.ru_maxrss,
               "utime": usage.ru_utime, "stime": usage.ru_stime, "floor_kib": floor}, out)
"""


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Run `command` to the end through WRAPPER; wall time from just before its spawn to its reaped exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json") as result:
        watch = CpuWatch()
        launcher = subprocess.Popen([sys.executable, "-I", "-S", "-c", WRAPPER, result.name, *command],
                                    stdout=out, stderr=err, cwd=cwd)
        sampler = TreeSampler(launcher.pid)
        sampler.start()
        launcher.wait()
        tree_peak = sampler.stop()
        others = watch.others()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        try:
            found = json.loads(Path(result.name).read_text() or "null")
        except (OSError, ValueError):
            found = None
    if not found:
        raise SystemExit(f"could not run {shlex.join(command)}:\n{stderr[-2000:]}")
    unit = MIB if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(command, found["wall"], found["utime"] + found["stime"], found["code"], found["maxrss"] / unit,
               found["floor_kib"] / 1024, tree_peak, stdout, stderr, others)


# --- The publish command and what it offers ---------------------------------------------------------------


def publish_command(override: str | None) -> list[str]:
    """The repository's publish.py with this interpreter: the code in this checkout, whatever is installed."""
    if override:
        return shlex.split(override)
    if (REPO / "publish.py").is_file():
        return [sys.executable, str(REPO / "publish.py")]
    return [sys.executable, "-m", "publish"]


def build_options(publish: list[str]) -> set[str]:
    """Which of the newer `publish build` options this version has (--jobs, --json, --force, --quiet)."""
    result = subprocess.run([*publish, "build", "--help"], capture_output=True, text=True, check=False)
    return {name for name in ("jobs", "json", "force", "quiet") if f"--{name}" in result.stdout}


@dataclass
class Publisher:
    command: list[str]
    options: set[str]

    def build(self, project: Path, out: Path, fmt: str = "all", jobs: int | None = None) -> list[str]:
        args = [*self.command, "build", "--project", str(project), "--out", str(out), "--format", fmt]
        if jobs is not None and "jobs" in self.options:
            args += ["--jobs", str(jobs)]
        args += [f"--{name}" for name in ("quiet", "json") if name in self.options]
        return args

    def run_build(self, project: Path, out: Path, fmt: str = "all", jobs: int | None = None) -> Run:
        run = measure(self.build(project, out, fmt, jobs))
        if run.code != 0:
            last = (run.stderr.strip().splitlines() or [""])[-1]
            print(f"    ! exit {run.code}: {last}", file=sys.stderr)
        return run


# --- The floor: WeasyPrint alone, in one process ---------------------------------------------------------


def floor_worker(project_dir: Path, variant: str | None, html_dir: Path | None) -> None:
    """Render every leaflet's print HTML with leafbind, then time only WeasyPrint on it. Prints JSON.

    `pdf_s` is CSS(), HTML() and write_pdf() summed over the leaflets; importing WeasyPrint (`import_s`) and
    making the one FontConfiguration (`fonts_s`) happen once, before, and are reported on their own.
    """
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    import_s = time.perf_counter() - started

    from leafbind.catalogue import check_catalogue
    from leafbind.project import open_project
    from leafbind.render import render

    try:
        from leafbind.pdf import DEFAULT_VARIANT  # the variant `publish build` writes by default
    except ImportError:
        DEFAULT_VARIANT = "pdf/ua-1"  # noqa: N806
    variant = variant or DEFAULT_VARIANT
    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage().splitlines()[0]
            if "HarfBuzz-Subset" not in message:  # leafbind ignores this one too (see leafbind/pdf.py)
                warnings.append(message)

    logger = logging.getLogger("weasyprint")
    logger.addHandler(Collect(logging.WARNING))
    logger.propagate = False

    project = open_project(project_dir)
    checked = check_catalogue(project)
    if checked.problems:
        shown = "\n".join(str(problem) for problem in checked.problems[:20])
        raise SystemExit(f"the synthetic catalogue has problems:\n{shown}")
    base_url = project.root.as_uri() + "/"
    started = time.perf_counter()
    fonts = FontConfiguration()
    fonts_s = time.perf_counter() - started
    render_s = pdf_s = 0.0
    sizes = 0
    for leaflet in checked.leaflets:
        started = time.perf_counter()
        rendered = render(leaflet, project, (project.layouts["standard"],))
        printed = rendered.prints[0]
        render_s += time.perf_counter() - started
        started = time.perf_counter()
        stylesheet = CSS(string=printed.css, base_url=base_url, font_config=fonts)
        data = HTML(string=printed.html, base_url=base_url).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant)
        pdf_s += time.perf_counter() - started
        sizes += len(data)
        if html_dir is not None:  # for the naive script: the same HTML and CSS, as files
            (html_dir / f"naive-{leaflet.slug}.html").write_text(printed.html, encoding="utf-8")
            (html_dir / f"naive-{leaflet.slug}.css").write_text(printed.css, encoding="utf-8")
    print(json.dumps({"leaflets": len(checked.leaflets), "variant": variant, "render_s": round(render_s, 3),
                      "pdf_s": round(pdf_s, 3), "import_s": round(import_s, 3), "fonts_s": round(fonts_s, 3),
                      "pdf_bytes": sizes, "warnings": warnings[:20],
                      "warning_count": len(warnings)}))


def run_floor(project: Path, html_dir: Path | None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--floor-worker", str(project)]
    if html_dir is not None:
        command += ["--html-dir", str(html_dir)]
    run = measure(command)
    found = run.report() or {}
    if run.code != 0 or not found:
        raise SystemExit(f"the floor measurement failed (exit {run.code}):\n{run.stderr[-3000:]}")
    if found.get("warning_count"):
        print(f"    ! WeasyPrint warned {found['warning_count']} times in the floor run, e.g. "
              f"{found['warnings'][0]}: the floor may not match the build", file=sys.stderr)
    return {**found, "wall_s": round(run.wall, 3), "max_rss_mib": round(run.max_rss_mib, 1),
            "others_cores": run.others_cores}


# --- The naive script: one pandoc and one weasyprint process per leaflet ---------------------------------


def weasyprint_command() -> list[str]:
    beside = Path(sys.executable).parent / "weasyprint"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("weasyprint")
    return [found] if found else [sys.executable, "-m", "weasyprint"]


def run_naive(project: Path, out: Path, variant: str) -> dict:
    """The script a user would otherwise write: per leaflet `pandoc x.md -o x.epub` and `weasyprint …`.

    The HTML and CSS files were written beforehand (by the floor run, into the project folder so their
    relative URLs resolve); only the commands are timed, run one after the other.
    """
    out.mkdir(parents=True, exist_ok=True)
    weasyprint = weasyprint_command()
    pandoc_s = weasy_s = 0.0
    failures: list[str] = []
    sources = sorted(p for p in (project / "leaflets").glob("*.md"))
    watch = CpuWatch()
    for source in sources:
        slug = source.stem
        started = time.perf_counter()
        epub = subprocess.run(["pandoc", source.name, "-o", str(out / f"{slug}.epub")], cwd=source.parent,
                              capture_output=True, check=False)
        pandoc_s += time.perf_counter() - started
        started = time.perf_counter()
        pdf = subprocess.run([*weasyprint, "--pdf-variant", variant, "-s", f"naive-{slug}.css",
                              f"naive-{slug}.html", str(out / f"{slug}.pdf")], cwd=project,
                             capture_output=True, check=False)
        weasy_s += time.perf_counter() - started
        for name, done in (("pandoc", epub), ("weasyprint", pdf)):
            if done.returncode != 0:
                message = done.stderr.decode(errors="replace")[-300:]
                failures.append(f"{slug}: {name} exit {done.returncode}: {message}")
    return {"leaflets": len(sources), "wall_s": round(pandoc_s + weasy_s, 3), "pandoc_s": round(pandoc_s, 3),
            "weasyprint_s": round(weasy_s, 3), "failures": failures[:10], "failure_count": len(failures),
            "others_cores": watch.others()}


def pandoc_version() -> str | None:
    if not shutil.which("pandoc"):
        return None
    result = subprocess.run(["pandoc", "--version"], capture_output=True, text=True, check=False)
    return result.stdout.splitlines()[0] if result.returncode == 0 and result.stdout else None


# --- One catalogue size ----------------------------------------------------------------------------------


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def per_leaflet(report: dict | None, key: str, count: int) -> float | None:
    if not report or count == 0:
        return None
    value = (report.get("timings") or {}).get(key)
    return None if value is None else value / count


def bench_size(n: int, args, publisher: Publisher, work: Path, pandoc: str | None) -> dict:
    folder = work / f"n{n}"
    project = folder / "project"
    note(f"N={n}: writing the catalogue")
    made = catalogue.generate(project, n, args.seed)
    result: dict = {"n": n, "catalogue": catalogue.describe(made), "load_before": _load()}

    check = measure([*publisher.command, "check", "--project", str(project)])
    if check.code != 0:
        raise SystemExit(f"the synthetic catalogue does not pass publish check:\n{check.stderr[-3000:]}")
    result["check"] = check.summary()

    note(f"N={n}: full build --jobs 1")
    full1 = publisher.run_build(project, folder / "out-1", jobs=1)
    report1 = full1.report()
    result["full_jobs1"] = {**full1.summary(), "timings": (report1 or {}).get("timings"),
                            "built": len(report1.get("built", [])) if report1 else None,
                            "pdf_bytes": sum(o.get("bytes", 0) for o in report1.get("outputs", [])
                                             if o.get("format") == "pdf") if report1 else None}

    note(f"N={n}: no-op rebuild")
    noop = publisher.run_build(project, folder / "out-1")  # what the user types: default options
    noop_report = noop.report()
    result["noop"] = {**noop.summary(), "timings": (noop_report or {}).get("timings"),
                      "skipped": len(noop_report.get("skipped", [])) if noop_report else None,
                      "rebuilt": len(noop_report.get("built", [])) if noop_report else None}

    if "jobs" in publisher.options:
        note(f"N={n}: full build --jobs 2")
        full2 = publisher.run_build(project, folder / "out-2", jobs=2)
        report2 = full2.report()
        result["full_jobs2"] = {**full2.summary(), "timings": (report2 or {}).get("timings")}
        both_built = full1.code == 0 and full2.code == 0
        result["jobs_speedup"] = round(full1.wall / full2.wall, 3) if both_built else None
    else:
        result["full_jobs2"] = None
        result["jobs_speedup"] = None

    costs = {"method": "json timings of the --jobs 1 build (work inside the build, summed over leaflets)"}
    if report1 and report1.get("timings"):
        for key in ("validate", "lint", "render", "pdf", "epub", "write"):
            costs[f"{key}_s"] = per_leaflet(report1, key, n)
        pdf_stage = (report1.get("timings") or {}).get("pdf")
    else:
        costs["method"] = ("wall time of a --format pdf and of a --format epub build / N "
                           "(start-up, checks and layout included)")
        for fmt in ("pdf", "epub"):
            note(f"N={n}: --format {fmt} build (no --json timings in this publish)")
            single = publisher.run_build(project, folder / f"out-{fmt}", fmt=fmt, jobs=1)
            costs[f"{fmt}_s"] = single.wall / n
            costs[f"{fmt}_build"] = single.summary()
        pdf_stage = costs["pdf_s"] * n
    costs["full_s"] = full1.wall / n
    result["per_leaflet"] = costs

    naive_wanted = pandoc and not args.skip_pandoc and n <= args.naive_max
    note(f"N={n}: WeasyPrint alone (floor)")
    result["floor"] = run_floor(project, project if naive_wanted else None)
    floor = result["floor"]
    result["pdf_vs_floor"] = round(pdf_stage / floor["pdf_s"], 3) if pdf_stage else None
    # The same with the floor's one-time set-up counted in (a PDF stage that imports WeasyPrint lazily,
    # on its first leaflet, pays for that import inside its timing).
    setup = floor["pdf_s"] + floor["import_s"] + floor["fonts_s"]
    result["pdf_vs_floor_with_setup"] = round(pdf_stage / setup, 3) if pdf_stage else None
    result["pdf_vs_floor_exact"] = bool(report1 and report1.get("timings"))
    built_bytes, floor_bytes = result["full_jobs1"]["pdf_bytes"], result["floor"]["pdf_bytes"]
    if built_bytes and abs(floor_bytes / built_bytes - 1) > 0.1:
        note(f"    ! the floor's PDFs are {floor_bytes / built_bytes:.2f}x the size of the build's: "
             "they may not hold the same content (fonts, images)")

    if naive_wanted:
        note(f"N={n}: naive script (pandoc + weasyprint per leaflet)")
        result["naive"] = run_naive(project, folder / "out-naive", result["floor"]["variant"])
        result["naive_vs_full"] = round(result["naive"]["wall_s"] / full1.wall, 3)
    else:
        reason = ("--skip-pandoc" if args.skip_pandoc else "pandoc is not installed" if not pandoc
                  else f"N > --naive-max {args.naive_max}")
        result["naive"] = {"not_measured": reason}
        result["naive_vs_full"] = None
    result["load_after"] = _load()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def best_of(runs: list[dict]) -> dict:
    """One row from repeated runs of a size: each measure's fastest run, and the ratios recomputed from those.

    The fastest run is the one least disturbed by the rest of the machine; every run's numbers are kept under
    `runs` so the spread can be seen.
    """
    if len(runs) == 1:
        return runs[0]

    def fastest(key: str, measure) -> dict | None:
        measured = [run[key] for run in runs
                    if isinstance(run.get(key), dict) and measure(run[key]) is not None]
        return min(measured, key=measure) if measured else runs[0].get(key)

    # its per-leaflet costs go in the table
    best = dict(min(runs, key=lambda run: run["full_jobs1"]["wall_s"]))
    best["full_jobs1"] = fastest("full_jobs1", lambda m: (m.get("timings") or {}).get("pdf") and m["wall_s"])
    best["noop"] = fastest("noop", lambda m: m.get("wall_s"))
    best["full_jobs2"] = fastest("full_jobs2", lambda m: m.get("wall_s"))
    best["floor"] = fastest("floor", lambda m: m.get("pdf_s"))
    best["naive"] = fastest("naive", lambda m: m.get("wall_s"))
    full1, full2 = best["full_jobs1"]["wall_s"], (best["full_jobs2"] or {}).get("wall_s")
    pdf_stage = min((run["full_jobs1"].get("timings") or {}).get("pdf") or float("inf") for run in runs)
    best["jobs_speedup"] = round(full1 / full2, 3) if full2 else None
    best["pdf_vs_floor"] = round(pdf_stage / best["floor"]["pdf_s"], 3) if pdf_stage < float("inf") else None
    floor = best["floor"]
    with_setup = floor["pdf_s"] + floor["import_s"] + floor["fonts_s"]
    best["pdf_vs_floor_with_setup"] = round(pdf_stage / with_setup, 3) if pdf_stage < float("inf") else None
    best["naive_vs_full"] = (round(best["naive"]["wall_s"] / full1, 3)
                             if best["naive"] and "wall_s" in best["naive"] else None)
    best["runs"] = [{"full_jobs1_s": run["full_jobs1"]["wall_s"],
                     "pdf_stage_s": (run["full_jobs1"].get("timings") or {}).get("pdf"),
                     "full_jobs2_s": (run.get("full_jobs2") or {}).get("wall_s"),
                     "floor_pdf_s": run["floor"].get("pdf_s"),
                     "naive_s": (run.get("naive") or {}).get("wall_s"),
                     "noop_s": run["noop"]["wall_s"]} for run in runs]
    return best


def bench_giant(words: int, args, publisher: Publisher, work: Path) -> dict:
    folder = work / f"giant-{words}"
    note(f"giant leaflet of {words} words")
    made = catalogue.generate(folder / "project", 0, args.seed, giant=words)
    run = publisher.run_build(folder / "project", folder / "out", jobs=1)
    report = run.report()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    actual = made[0].words
    return {"words": actual, "sections": made[0].sections, **run.summary(),
            "timings": (report or {}).get("timings"), "s_per_1000_words": round(run.wall / actual * 1000, 4),
            "cpu_s_per_1000_words": round(run.cpu / actual * 1000, 4)}


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --- Targets, table, JSON --------------------------------------------------------------------------------


def target(name: str, value: float | None, limit: float, compare: str, unit: str, missing: str) -> dict:
    """One target's verdict: pass, fail, or not measured (with why) when its sizes were not run."""
    if value is None:
        return {"target": name, "value": None, "limit": limit, "compare": compare, "unit": unit,
                "verdict": "not measured", "note": missing}
    ok = {"<": value < limit, "<=": value <= limit, ">=": value >= limit}[compare]
    return {"target": name, "value": round(value, 3), "limit": limit, "compare": compare, "unit": unit,
            "verdict": "pass" if ok else "fail"}


def targets(sizes: list[dict], giants: list[dict], cores: int | None) -> list[dict]:
    by_n = {row["n"]: row for row in sizes}
    found = []

    row = by_n.get(100)
    item = target("PDF stage / WeasyPrint floor, N=100, --jobs 1", row and row["pdf_vs_floor"],
                  PDF_FLOOR_LIMIT, "<=", "x", "needs N=100")
    if row and not row["pdf_vs_floor_exact"] and item["value"] is not None:
        item["note"] = "approximate: no --json timings, so the whole --format pdf build was compared"
    found.append(item)

    missing = row["naive"].get("not_measured", "") if row else "needs N=100"
    found.append(target("naive pandoc+weasyprint / full build, N=100", row and row["naive_vs_full"],
                        NAIVE_LIMIT, ">=", "x", missing))

    row = by_n.get(1000)
    item = target("no-op rebuild of 1,000 leaflets, wall time", row and row["noop"]["wall_s"], NOOP_LIMIT,
                  "<", "s", "needs N=1000")
    if row and row["noop"].get("skipped") != 1000:
        item["note"] = f"skipped {row['noop'].get('skipped')} of 1000: not a no-op"
        item["verdict"] = "fail"
    found.append(item)

    speedups = [r["jobs_speedup"] for r in sizes if r["n"] >= 100 and r["jobs_speedup"] is not None]
    item = target("--jobs 2 speedup over --jobs 1 (worst of N>=100)", min(speedups, default=None), JOBS_LIMIT,
                  ">=", "x", "needs N>=100 and a publish with --jobs")
    if cores != 2:
        item["note"] = f"this machine has {cores} cores; the target is for 2"
    found.append(item)

    small, large = by_n.get(100), by_n.get(1000)
    ratio = None
    if small and large:
        ratio = large["full_jobs1"]["max_rss_mib"] / small["full_jobs1"]["max_rss_mib"]
    found.append(target("peak memory N=1000 / N=100, --jobs 1", ratio, MEMORY_LIMIT, "<=", "x",
                        "needs N=100 and N=1000"))

    ratio, missing = None, "needs --giant with 3 or more sizes"
    if len(giants) >= 3:
        # CPU seconds per extra word between the smallest and the middle size, and between the middle and
        # the largest: equal for linear cost (fixed costs cancel out), 2.5x apart for quadratic cost at
        # 5,000/10,000/25,000/50,000 words. CPU time is much less disturbed by other work than wall time.
        points = sorted((g["words"], g["cpu_s"]) for g in giants)
        (w0, t0), (w1, t1), (w2, t2) = points[0], points[len(points) // 2], points[-1]
        lower, upper = (t1 - t0) / (w1 - w0), (t2 - t1) / (w2 - w1)
        if lower > 0:
            ratio = upper / lower
        else:
            missing = "the smaller sizes differ by less than the noise: use larger --giant sizes"
    found.append(target("giant leaflet: CPU per extra word, upper / lower half", ratio, GIANT_LIMIT, "<=",
                        "x", missing))
    return found


def busiest(row: dict) -> float | None:
    """The most CPU other processes used during any measurement of a row, in cores."""
    parts = [row.get(key) for key in ("check", "full_jobs1", "noop", "full_jobs2", "floor", "naive")]
    found = [part.get("others_cores") for part in parts if part]
    return max((value for value in found if value is not None), default=None)


def fmt(value, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def ms(value) -> str:
    return "n/a" if value is None else f"{value * 1000:.0f}"


COLUMNS = [("N", 5), ("words", 6), ("full j1 s", 10), ("ms/leaf", 8), ("pdf ms", 7), ("epub ms", 8),
           ("render ms", 10), ("no-op s", 8), ("j2 s", 7), ("j2 x", 6), ("peak MiB", 9), ("j2 MiB", 7),
           ("floor s", 8), ("pdf/floor", 10), ("naive s", 8), ("naive x", 8)]


def size_row(row: dict) -> list[str]:
    costs, full1, full2 = row["per_leaflet"], row["full_jobs1"], row["full_jobs2"] or {}
    return [str(row["n"]), str(row["catalogue"]["words_mean"]), fmt(full1["wall_s"]), ms(costs.get("full_s")),
            ms(costs.get("pdf_s")), ms(costs.get("epub_s")), ms(costs.get("render_s")),
            fmt(row["noop"]["wall_s"]), fmt(full2.get("wall_s")), fmt(row["jobs_speedup"]),
            fmt(full1["max_rss_mib"], 0), fmt(full2.get("tree_peak_mib"), 0), fmt(row["floor"]["pdf_s"]),
            fmt(row["pdf_vs_floor"]), fmt(row["naive"].get("wall_s")), fmt(row["naive_vs_full"])]


def size_notes(row: dict) -> list[str]:
    n, notes = row["n"], []
    if not row["pdf_vs_floor_exact"]:
        notes.append(f"N={n}: per-format costs and pdf/floor come from whole --format builds (no --json)")
    skipped = row["noop"].get("skipped")
    if skipped is None:
        notes.append(f"N={n}: no --json, so it is unknown whether the no-op rebuild skipped the leaflets")
    elif skipped != n:
        notes.append(f"N={n}: the no-op rebuild skipped only {skipped} of {n} leaflets")
    busy = busiest(row)
    if busy is not None and busy > BUSY:
        notes.append(f"N={n}: other processes used up to {busy:.1f} cores during these measurements: "
                     "the times are not reliable")
    return notes


def print_table(results: dict) -> None:
    if results["sizes"]:
        print()
        print("  ".join(name.rjust(width) for name, width in COLUMNS))
        for row in results["sizes"]:
            cells = zip(size_row(row), COLUMNS, strict=True)
            print("  ".join(cell.rjust(width) for cell, (_, width) in cells))
        for row in results["sizes"]:
            for line in size_notes(row):
                print(f"  {line}")
    if results["giant"]:
        print()
        print("giant leaflet   words  sections   wall s  s/1000 words    CPU s  CPU s/1000 words  peak MiB")
        for g in results["giant"]:
            busy = "  (machine busy: wall times not reliable)" if (g.get("others_cores") or 0) > BUSY else ""
            print(f"{'':13}{g['words']:>8}{g['sections']:>10}{g['wall_s']:>9.2f}{g['s_per_1000_words']:>14.3f}"
                  f"{g['cpu_s']:>9.2f}{g['cpu_s_per_1000_words']:>18.3f}{g['max_rss_mib']:>10.0f}{busy}")
    print()
    print(f"{'target':58}{'measured':>10}  {'limit':>8}  verdict")
    for t in results["targets"]:
        value = "-" if t["value"] is None else f"{t['value']:.2f}{t['unit']}"
        limit = f"{t['compare']} {t['limit']}{t['unit']}"
        extra = f"  ({t['note']})" if t.get("note") else ""
        print(f"{t['target']:58}{value:>10}  {limit:>8}  {t['verdict']}{extra}")


def machine(publisher: Publisher, pandoc: str | None) -> dict:
    version = subprocess.run([*publisher.command, "--version"], capture_output=True, text=True, check=False)
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=False)
    try:
        weasyprint_version = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        weasyprint_version = None
    startup = min(measure([*publisher.command, "--version"]).wall for _ in range(3))
    return {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "weasyprint": weasyprint_version, "leafbind": version.stdout.strip(), "pandoc": pandoc,
            "git_commit": commit.stdout.strip() or None, "git_dirty": bool(dirty.stdout.strip()),
            "publish_command": shlex.join(publisher.command), "build_options": sorted(publisher.options),
            "publish_startup_s": round(startup, 3), "load": _load()}


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark publish build on synthetic catalogues.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 100, 1000],
                        help="catalogue sizes N (none: only the --giant leaflets)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json", help="JSON results file")
    parser.add_argument("--skip-pandoc", action="store_true",
                        help="don't time the naive pandoc + weasyprint script")
    parser.add_argument("--naive-max", type=int, default=100, help="time the naive script only up to this N")
    parser.add_argument("--giant", type=int, nargs="*", default=[], metavar="WORDS",
                        help="also build single leaflets of these word counts (linearity)")
    parser.add_argument("--seed", type=int, default=2026, help="catalogue seed")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="measure each size up to --repeat-max K times and keep each measure's best run "
                             "(a shared machine's speed drifts by 20%% between runs)")
    parser.add_argument("--repeat-max", type=int, default=100, help="repeat only sizes up to this N")
    parser.add_argument("--publish", default=None, help="publish command to run (default: this interpreter + "
                        "the repository's publish.py)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the temporary projects go")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects and outputs")
    parser.add_argument("--floor-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--variant", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--html-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if any(n < 1 for n in args.sizes) or any(w < 100 for w in args.giant):
        parser.error("sizes must be at least 1 and giant word counts at least 100")
    if args.floor_worker:
        floor_worker(args.floor_worker, args.variant, args.html_dir)
        return

    publisher = Publisher(publish_command(args.publish), set())
    publisher.options = build_options(publisher.command)
    pandoc = pandoc_version()
    results: dict = {"machine": machine(publisher, pandoc), "seed": args.seed, "sizes": [], "giant": [],
                     "targets": []}
    missing = {"jobs", "json", "force"} - publisher.options
    if missing:
        note(f"note: this publish build has no {', '.join('--' + m for m in sorted(missing))}: "
             "measuring what it offers (see bench/README.md)")
    work = Path(tempfile.mkdtemp(prefix="leafbind-bench-", dir=args.workdir))
    try:
        for n in args.sizes:
            times = args.repeat if n <= args.repeat_max else 1
            runs = []
            for number in range(times):
                if times > 1:
                    note(f"N={n}: run {number + 1} of {times}")
                runs.append(bench_size(n, args, publisher, work, pandoc))
            results["sizes"].append(best_of(runs))
            write(args.out, results)
        for words in args.giant:
            results["giant"].append(bench_giant(words, args, publisher, work))
            write(args.out, results)
    except KeyboardInterrupt:
        note("interrupted: the table and JSON hold what was measured so far")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            note(f"kept the projects and outputs in {work}")
    write(args.out, results)
    print_table(results)
    print(f"\nwrote {args.out}")


def write(path: Path, results: dict) -> None:
    """Write the results (with the targets as far as measured) atomically, so a stopped run keeps them."""
    results["targets"] = targets(results["sizes"], results["giant"], os.cpu_count())
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


if __name__ == "__main__":
    main()
