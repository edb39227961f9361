"""Operating faults become messages: a file in the way, a name too long, a full disk, a stopped or killed
build, two builds at once, a wrong --project. Real faults on real temporary projects (CI runs as root, so
permission bits stop nothing: these are faults root meets too). Each test runs on a copy of the `clinic`
scenario (tests/roots/clinic: ankle-sprain and hay-fever), standard handout and EPUB only."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LOCK_FILE, REPO, STATE_FILE, BuildStopped, FileFault, build

from leafbind import Problem
from publish import cli

ANKLE, HAY_FEVER = SLUGS = ("ankle-sprain", "hay-fever")
FAST = ("--format", "epub", "--jobs", "1")  # the quickest build there is: no PDF, no worker processes


@pytest.fixture
def project(scenario) -> Path:
    return scenario("clinic", layouts=("standard",))


def run(*args: str):
    """`publish …` in this process; an exception escaping the command fails the test with its traceback."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def start(project: Path, *args: str) -> subprocess.Popen:
    """`python publish.py build …` in its own process, in its own process group."""
    return subprocess.Popen([sys.executable, str(REPO / "publish.py"), "build", *args,
                             "--project", str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def recorded(project: Path) -> tuple[list[str], list[str]]:
    """The slugs listed in dist/manifest.json, and those recorded in the build state."""
    dist = project / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())
    state = json.loads((dist / STATE_FILE).read_text())
    return [leaflet["slug"] for leaflet in manifest["leaflets"]], sorted(state["leaflets"])


def add_copies(project: Path, count: int) -> None:
    """More leaflets, so that a build lasts long enough to be stopped in the middle."""
    text = (project / "leaflets" / f"{ANKLE}.md").read_text("utf-8")
    for number in range(count):
        copy = text.replace("id: PIL-0042", f"id: PIL-{9000 + number}")
        (project / "leaflets" / f"copy-{number}.md").write_text(copy, "utf-8")


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (zombies, which have exited, don't count)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_until(stream, text: str, seen: list[str], seconds: float = 120) -> None:
    """Read lines from a build's stderr until one contains `text`, keeping them in `seen`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = stream.readline()
        assert line, "the build ended early:\n" + "".join(seen)
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"no {text!r} in time:\n" + "".join(seen))


# Faults writing a leaflet's files: that leaflet fails, the others build, everything is saved.


def test_a_file_where_the_leaflets_folder_must_go_fails_only_that_leaflet(project: Path) -> None:
    (project / "dist").mkdir()
    (project / "dist" / HAY_FEVER).write_text("not a folder")
    result = run("build", *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert (f"dist/{HAY_FEVER}/{HAY_FEVER}-ed1.epub: could not write this file: dist/{HAY_FEVER} is a file "
            "where a folder must go: remove or rename it") in result.stderr.splitlines()
    assert "1 built (1 file), 0 unchanged and skipped, 1 failed" in result.stdout
    assert recorded(project) == ([ANKLE], [ANKLE])


def test_a_file_name_too_long_for_the_file_system_fails_only_that_leaflet(project: Path) -> None:
    # leaflets/<slug>.md fits in 255 bytes; <slug>-ed1.epub doesn't
    slug = "-".join([HAY_FEVER] * 30)[:250].rstrip("-")
    (project / "leaflets" / f"{HAY_FEVER}.md").rename(project / "leaflets" / f"{slug}.md")
    result = run("build", *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert (f"dist/{slug}/{slug}-ed1.epub: could not write this file: the file name is too long for this "
            "file system: use a shorter slug") in result.stderr.splitlines()
    assert recorded(project) == ([ANKLE], [ANKLE])


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds a descriptor's file through /proc")
def test_a_full_disk_fails_only_that_leaflet_and_the_next_build_retries_it(project: Path,
                                                                           monkeypatch) -> None:
    real_fsync = os.fsync

    def full_disk(descriptor: int) -> None:
        if HAY_FEVER in os.readlink(f"/proc/self/fd/{descriptor}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", full_disk)
    result = run("build", *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert (f"dist/{HAY_FEVER}/{HAY_FEVER}-ed1.epub: could not write this file: the disk is full: free some "
            "space and try again") in result.stderr.splitlines()
    assert recorded(project) == ([ANKLE], [ANKLE])
    assert not list((project / "dist").rglob("*.tmp")), "the temporary file was left behind"

    monkeypatch.setattr(os, "fsync", real_fsync)
    again = run("build", *FAST, "--json", "--quiet", "--project", str(project))
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["built"], json.loads(again.stdout)["skipped"]) == ([HAY_FEVER], [ANKLE])


# Faults saving the records: a problem, exit status 1, never a traceback.


def test_a_manifest_that_cant_be_read_is_kept_and_its_leaflets_are_made_again(project: Path) -> None:
    (project / "dist" / "manifest.json").mkdir(parents=True)
    result = run("build", HAY_FEVER, *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert ("dist/manifest.json: could not read this file: dist/manifest.json is a folder where a file must "
            "go: remove or rename it") in result.stderr.splitlines()
    assert (project / "dist" / HAY_FEVER / f"{HAY_FEVER}-ed1.epub").is_file()
    state = json.loads((project / "dist" / STATE_FILE).read_text())
    assert state["leaflets"] == {}, "a leaflet the manifest doesn't list must be made (and listed) next time"


def test_a_build_state_that_cant_be_saved_is_a_problem(project: Path) -> None:
    (project / "dist" / STATE_FILE).mkdir(parents=True)
    result = run("build", HAY_FEVER, *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert (f"dist/{STATE_FILE}: could not write this file: dist/{STATE_FILE} is a folder where a file must "
            "go: remove or rename it") in result.stderr.splitlines()
    manifest = json.loads((project / "dist" / "manifest.json").read_text())
    assert [leaflet["slug"] for leaflet in manifest["leaflets"]] == [HAY_FEVER]


def test_an_output_folder_that_cant_be_made_stops_the_build_with_a_message(project: Path) -> None:
    (project / "dist").write_text("not a folder")
    result = run("build", *FAST, "--project", str(project))
    assert result.exit_code == 1
    assert ("dist: could not write into this folder: dist is a file where a folder must go: remove or "
            "rename it" in result.stderr.splitlines())
    report = run("check", HAY_FEVER, "--report", "--project", str(project))
    assert report.exit_code == 1
    assert "dist: could not write into this folder: dist is a file where a folder must go" in report.stderr


@pytest.mark.parametrize(("code", "reason"), [
    (errno.EACCES, "permission denied: check that you may write to this folder"),
    (errno.EPERM, "permission denied: check that you may write to this folder"),
    (errno.EROFS, "the disk is read-only: check that you may write to this folder"),
    (errno.EDQUOT, "the disk is full: free some space and try again"),
    (errno.EIO, os.strerror(errno.EIO)),
])
def test_each_fault_says_what_to_do(tmp_path: Path, code: int, reason: str) -> None:
    fault = FileFault(tmp_path / "dist" / "knee-pain" / "knee-pain-ed1.pdf", OSError(code, os.strerror(code)))
    shown = fault.problem(lambda path: path.relative_to(tmp_path).as_posix())
    assert shown == Problem("dist/knee-pain/knee-pain-ed1.pdf", None, None,
                            f"could not write this file: {reason}")


# Builds into one folder take turns, and clean up after an interrupted one.


def test_two_builds_at_once_into_one_folder_both_end_up_in_the_records(project: Path) -> None:
    dist = project / "dist"
    dist.mkdir()
    held = os.open(dist / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)  # both builds must wait: then they overlap for sure
    builds = [start(project, slug, *FAST) for slug in SLUGS]
    seen = {build.pid: [] for build in builds}
    try:
        for build in builds:
            read_until(build.stderr, "waiting for another build into dist/ to finish…", seen[build.pid])
    finally:
        fcntl.flock(held, fcntl.LOCK_UN)
        os.close(held)
    for build in builds:
        out, err = build.communicate(timeout=120)
        assert build.returncode == 0, "".join(seen[build.pid]) + err
        assert "Traceback" not in err
    assert recorded(project) == (list(SLUGS), sorted(SLUGS))
    assert not (dist / LOCK_FILE).exists()


def test_temporary_files_left_by_an_interrupted_build_are_removed(project: Path) -> None:
    dist = project / "dist"
    (dist / ANKLE).mkdir(parents=True)
    stale = [dist / ANKLE / ".x.pdf.abc.tmp", dist / ".manifest.json.k2j4x9ab.tmp",
             dist / f".{STATE_FILE}.1.tmp"]
    for path in stale:
        path.write_bytes(b"half a file")
    kept = dist / ANKLE / "notes.tmp"  # not a temporary file of leafbind's
    kept.write_text("mine")
    result = run("build", HAY_FEVER, *FAST, "--project", str(project))
    assert result.exit_code == 0, result.output
    assert [path for path in stale if path.exists()] == []
    assert kept.read_text() == "mine"
    assert not (dist / LOCK_FILE).exists()
    manifest = (dist / "manifest.json").read_text()
    assert LOCK_FILE not in manifest and ".tmp" not in manifest


# Stopped and killed builds: no traceback, the records saved, no worker left behind.


def test_a_build_stopped_with_ctrl_c_saves_what_it_made(project: Path) -> None:
    def stop_after_the_first(step) -> None:
        if step.status == "built":
            raise KeyboardInterrupt

    with pytest.raises(BuildStopped) as stopped:
        build(project, formats=("epub",), progress=stop_after_the_first)
    assert stopped.value.result.built == (ANKLE,)
    assert recorded(project) == ([ANKLE], [ANKLE])
    assert not (project / "dist" / LOCK_FILE).exists()


def test_sigterm_stops_the_build_saves_the_records_and_exits_143(project: Path) -> None:
    add_copies(project, 6)
    build = start(project, "--format", "epub", "--jobs", "2")
    seen = []
    read_until(build.stderr, " built ", seen)
    workers = children(build.pid)
    build.send_signal(signal.SIGTERM)
    out, err = build.communicate(timeout=60)
    lines = "".join(seen) + err
    assert build.returncode == 143, lines
    assert "Traceback" not in lines
    assert "Stopped (SIGTERM): " in err and "run publish build again to make the rest." in err
    built = {line.split()[-1] for line in lines.splitlines() if line.startswith("[") and " built " in line}
    listed, kept = recorded(project)
    assert listed == kept and built <= set(kept) and 1 <= len(kept) < 8
    assert not [pid for pid in workers if alive(pid)]


def test_a_killed_build_leaves_no_worker_behind_and_the_next_build_works(project: Path) -> None:
    add_copies(project, 4)
    build = start(project, "--format", "epub", "--jobs", "2")
    read_until(build.stderr, "[1/", [])
    workers = children(build.pid)
    assert workers, "the build should have started its worker processes"
    build.kill()
    build.wait()
    deadline = time.monotonic() + 5
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # not to leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, "worker processes outlived the build"
    result = run("build", HAY_FEVER, *FAST, "--project", str(project))
    assert result.exit_code == 0, result.output


# --project: a folder that isn't there, or isn't a project.


def test_a_missing_project_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("build", "--project", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "nowhere" in result.stderr and "does not exist" in result.stderr


@pytest.mark.parametrize("command", [["build"], ["check"], ["list"],
                                     ["edition", "knee-pain", "--note", "New."]])
def test_a_folder_without_leaflets_is_not_a_project(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    result = run(*command, "--project", str(folder))
    assert result.exit_code == 1
    assert result.stderr == (f"error: {folder} has no leaflets/ folder: is this a leafbind project? "
                             "(publish new SLUG starts one)\n")
    assert list(folder.iterdir()) == []
