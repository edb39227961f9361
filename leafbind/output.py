"""Write outputs safely: atomic replacement, paths kept inside the output folder, and dist/manifest.json; the
output folder's lock; and faults of the file system (a full disk, a file in the way) as plain messages."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

from .errors import LeafbindError, Problem

try:
    import fcntl
except ImportError:  # Windows: no lock (see output_lock)
    fcntl = None

MANIFEST = "manifest.json"
LOCK_FILE = ".leafbind.lock"
TEMPORARY = ".*.tmp"  # write_atomically's temporary files: .<name>.<random>.tmp
WRITE, READ, FOLDER = "write this file", "read this file", "write into this folder"  # FileFault actions


@dataclass(frozen=True)
class Output:
    """One file a build wrote, as listed in the manifest."""

    slug: str
    title: str
    code: str | None
    edition: int
    date: str  # the edition's date: when its text last changed (ISO 8601)
    language: str
    format: str
    path: str  # relative to the output folder, POSIX
    bytes: int
    sha256: str
    layout: str | None = None  # the print layout; None for the EPUB
    imposed: bool = False  # a booklet's sheets, to print duplex and fold (its pages are in another file)


def output_path(out_dir: Path, slug: str, edition: int, file) -> Path:
    """dist/<slug>/<the file's name> (`file`: the products.OutputFile it is), never outside `out_dir`. A
    translation's files sit beside its leaflet's: dist/knee-pain/knee-pain.pl-ed1.pdf."""
    path = (out_dir / slug.partition(".")[0] / file.name(slug, edition)).resolve()
    if not path.is_relative_to(out_dir.resolve()):
        raise LeafbindError(f"refusing to write {path}: it is outside {out_dir}")
    return path


def write_atomically(path: Path, data: bytes) -> os.stat_result:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path` in one step.

    A reader (or a crash) sees either the old file or the new one, never half of one. Returns the file's
    status (its size and modification time, for the build state). Raises FileFault — a full disk, a read-only
    folder, a file in the way — naming `path`, so every caller reports a fault the same way.
    """
    try:
        return _replace(path, data)
    except OSError as error:
        raise FileFault(path, error) from error


def _replace(path: Path, data: bytes) -> os.stat_result:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            status = os.fstat(stream.fileno())  # the renamed file's: renaming keeps its size and time
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return status


class FileFault(LeafbindError):
    """A file or folder the operating system would not let leafbind write (or read): a full disk, a read-only
    folder, a file where a folder must go … Shown as a problem naming the path and what to do, never a
    traceback.
    """

    def __init__(self, path: Path, error: OSError, action: str = WRITE) -> None:
        self.path, self.error, self.action = Path(path), error, action
        super().__init__(str(self.problem(str)))

    def problem(self, shown: Callable[[Path], str]) -> Problem:
        """The fault as a problem, each path shown by `shown`: as the editor knows it (Project.display)."""
        return Problem(shown(self.path), None, None, f"could not {self.action}: {self.reason(shown)}")

    def reason(self, shown: Callable[[Path], str]) -> str:
        """What went wrong, in plain words, and what to do about it."""
        code = self.error.errno
        if code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR) and (blocker := self.in_the_way()):
            return f"{shown(blocker[0])} is {blocker[1]}: remove or rename it"
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            what = "the disk is read-only" if code == errno.EROFS else "permission denied"
            return (f"{what}: check that you may "
                    f"{'read it' if self.action == READ else 'write to this folder'}")
        if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return "the disk is full: free some space and try again"
        if code == errno.ENAMETOOLONG:
            return "the file name is too long for this file system: use a shorter slug"
        return self.error.strerror or str(self.error)

    def in_the_way(self) -> tuple[Path, str] | None:
        """The file standing where a folder of the path must go, or the folder standing where its file must
        go."""
        folders = [*reversed(self.path.parents), *([self.path] if self.action == FOLDER else [])]
        for folder in folders:
            if folder.exists() and not folder.is_dir():
                return folder, "a file where a folder must go"
        if self.action != FOLDER and self.path.is_dir():
            return self.path, "a folder where a file must go"
        return None


@contextmanager
def output_lock(out_dir: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock (`LOCK_FILE` in it), so that one build at a time writes into it: two
    builds of different leaflets into one folder then both end up in its manifest and build state, rather than
    the last one to save undoing the other's records.

    `waiting` is called once if another build holds the lock, before waiting for it to finish. The lock file
    is removed on release, and so is `out_dir` if it was made only for the lock and is still empty. Where
    Python has no fcntl (Windows) there is no lock: builds into one folder must then not overlap. Raises
    FileFault if the folder can't be made or written.
    """
    if fcntl is None:
        yield
        return
    try:
        made = not out_dir.is_dir()
        descriptor = _acquire(out_dir / LOCK_FILE, waiting)
    except OSError as error:
        raise FileFault(out_dir, error, FOLDER) from error
    try:
        yield
    finally:
        _release(descriptor, out_dir, made)


def _acquire(path: Path, waiting: Callable[[], None] | None) -> int | None:
    """An open descriptor of the lock file, locked; None on a file system that can't lock (no lock, as
    before)."""
    told = False
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:
            continue  # the build we waited for removed the folder, empty: make it again
        try:
            if not _locked(descriptor, None if told else waiting):
                os.close(descriptor)
                return None
        except BaseException:  # Ctrl-C while waiting
            os.close(descriptor)
            raise
        told = True
        if _same_file(descriptor, path):
            return descriptor
        os.close(descriptor)  # the build we waited for removed this lock file on release: lock the new one


def _locked(descriptor: int, waiting: Callable[[], None] | None) -> bool:
    """Lock without waiting if free; else say so through `waiting` and wait. False if locks aren't
    supported."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if waiting:
            waiting()
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:  # ENOLCK, EINVAL: a file system (some network shares) that has no locks
        return False
    return True


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(descriptor), os.stat(path))
    except FileNotFoundError:
        return False


def _release(descriptor: int | None, out_dir: Path, made: bool) -> None:
    """Remove the lock file while still holding it (a build waiting on it then finds it gone and locks a new
    one), and the folder if it was made for the lock alone; then unlock."""
    try:
        (out_dir / LOCK_FILE).unlink(missing_ok=True)
        if made and not any(out_dir.iterdir()):
            out_dir.rmdir()
    except OSError:
        pass  # a lock file left behind does no harm: the next build locks it again
    finally:
        if descriptor is not None:
            fcntl.flock(descriptor, fcntl.LOCK_UN)  # also for the workers that inherited it
            os.close(descriptor)


def remove_temporaries(out_dir: Path) -> None:
    """Delete the temporary files (`.<name>.<random>.tmp`) an interrupted build left in the output folder and
    in its leaflets' folders, where write_atomically writes.

    Called with the folder's lock held, before a build writes anything: no other build is writing there, so
    each one is a leftover. Folders starting with "." (no slug does) are not searched.
    """
    for folder in [out_dir, *_leaflet_folders(out_dir)]:
        try:
            names = fnmatch.filter(os.listdir(folder), TEMPORARY)
        except OSError:
            continue
        for name in names:
            with suppress(OSError):  # a leftover does no harm: a later build tries again
                os.unlink(os.path.join(folder, name))


def _leaflet_folders(out_dir: Path) -> list[str]:
    try:
        with os.scandir(out_dir) as entries:
            return [entry.path for entry in entries
                    if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def describe(path: Path, out_dir: Path, data: bytes, leaflet, file) -> Output:
    """The manifest entry of an output file (`file`: the products.OutputFile it is)."""
    return Output(leaflet.slug, leaflet.title, leaflet.code, leaflet.edition,
                  leaflet.last_changed.isoformat(), leaflet.lang, file.format,
                  path.relative_to(out_dir.resolve()).as_posix(), len(data),
                  hashlib.sha256(data).hexdigest(), file.layout, file.imposed)


def update_manifest(out_dir: Path, outputs: list[Output]) -> Path:
    """Merge this build's outputs into dist/manifest.json: every edition of every leaflet, newest first.

    Outputs of earlier editions stay listed as long as their files are there; entries whose files are gone
    are dropped.
    """
    path = out_dir / MANIFEST
    try:
        entries = {entry.path: entry for entry in read_manifest(path)}
    except OSError as error:  # there but unreadable: rewriting it would lose its other entries
        raise FileFault(path, error, READ) from error
    entries.update({output.path: output for output in outputs})
    kept = sorted((entry for entry in entries.values() if _is_file(out_dir / entry.path)),
                  key=lambda entry: (entry.slug, -entry.edition, entry.format, entry.path))
    leaflets = []
    for slug, of_leaflet in groupby(kept, key=lambda entry: entry.slug):
        editions = []
        for edition, files in groupby(of_leaflet, key=lambda entry: entry.edition):
            files = list(files)
            newest = files[0]
            editions.append({"edition": edition, "title": newest.title, "code": newest.code,
                             "date": newest.date, "language": newest.language,
                             "outputs": [{key: getattr(entry, key) for key in OUTPUT_KEYS}
                                         for entry in files]})
        leaflets.append({"slug": slug, "editions": editions})
    document = {"generator": "leafbind", "manifest_version": 2, "leaflets": leaflets,
                "families": _families(leaflets)}
    write_atomically(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def _families(leaflets: list[dict]) -> list[dict]:
    """Each leaflet with its languages, under its code: the leaflet (slug knee-pain) and its translations
    (knee-pain.pl …), each language as its current edition gives it, the leaflet first. A family whose leaflet
    is not in the manifest (only its translations) is listed under its slug all the same."""
    grouped: dict[str, list[dict]] = {}
    for leaflet in leaflets:
        grouped.setdefault(leaflet["slug"].partition(".")[0], []).append(leaflet)
    families = []
    for family, members in sorted(grouped.items()):
        members.sort(key=lambda one: (one["slug"] != family, one["editions"][0]["language"].lower()))
        code = next((one["editions"][0]["code"] for one in members if one["editions"][0]["code"]), None)
        families.append({"slug": family, "code": code,
                         "languages": [{"language": one["editions"][0]["language"], "slug": one["slug"],
                                        "translation": one["slug"] != family} for one in members]})
    return families


def _with_layout(entry: Output) -> Output:
    """Entries written before layouts existed: every PDF was the standard handout."""
    if entry.layout is None and entry.format == "pdf":
        return replace(entry, layout="standard")
    return entry


OUTPUT_KEYS = ("format", "layout", "imposed", "path", "bytes", "sha256")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name the file system refuses, in a hand-edited manifest: no such file
        return False


def read_manifest(path: Path) -> list[Output]:
    """Every output a manifest lists; a missing or malformed manifest lists none (it is rebuilt from this
    build on). Raises OSError if the manifest is there but can't be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    try:
        document = json.loads(data.decode("utf-8"))
        found = []
        for leaflet in document.get("leaflets", []):
            for edition in leaflet["editions"]:
                found.extend(Output(leaflet["slug"], edition["title"], edition.get("code"),
                                    edition["edition"], edition["date"], edition["language"],
                                    **{k: entry[k] for k in OUTPUT_KEYS if k in entry})
                             for entry in edition["outputs"])
        return [_with_layout(entry) for entry in found if isinstance(entry.path, str)]
    except (ValueError, AttributeError, KeyError, TypeError):
        return []
