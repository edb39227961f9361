"""Write outputs safely: atomic replacement, paths kept inside the output folder, and dist/manifest.json."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

from .errors import LeafbindError

MANIFEST = "manifest.json"


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


def output_path(out_dir: Path, slug: str, edition: int, tail: str) -> Path:
    """dist/<slug>/<slug>-ed<edition><tail> (tail: ".pdf", "-booklet.pdf", ".epub" …), never outside `out_dir`."""
    path = (out_dir / slug / f"{slug}-ed{edition}{tail}").resolve()
    if not path.is_relative_to(out_dir.resolve()):
        raise LeafbindError(f"refusing to write {path}: it is outside {out_dir}")
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path` in one step.

    A reader (or a crash) sees either the old file or the new one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe(path: Path, out_dir: Path, data: bytes, leaflet, file) -> Output:
    """The manifest entry of an output file (`file`: the layouts.OutputFile it is)."""
    return Output(leaflet.slug, leaflet.title, leaflet.code, leaflet.edition, leaflet.last_changed.isoformat(),
                  leaflet.lang, path.suffix.lstrip("."), path.relative_to(out_dir.resolve()).as_posix(), len(data),
                  hashlib.sha256(data).hexdigest(), file.layout, file.imposed)


def update_manifest(out_dir: Path, outputs: list[Output]) -> Path:
    """Merge this build's outputs into dist/manifest.json: every edition of every leaflet, newest first.

    Outputs of earlier editions stay listed as long as their files are there; entries whose files are gone
    are dropped.
    """
    path = out_dir / MANIFEST
    entries = {entry.path: entry for entry in read_manifest(path)}
    entries.update({output.path: output for output in outputs})
    kept = sorted((entry for entry in entries.values() if (out_dir / entry.path).is_file()),
                  key=lambda entry: (entry.slug, -entry.edition, entry.format, entry.path))
    leaflets = []
    for slug, of_leaflet in groupby(kept, key=lambda entry: entry.slug):
        editions = []
        for edition, files in groupby(of_leaflet, key=lambda entry: entry.edition):
            files = list(files)
            newest = files[0]
            editions.append({"edition": edition, "title": newest.title, "code": newest.code, "date": newest.date,
                             "language": newest.language,
                             "outputs": [{key: getattr(entry, key) for key in OUTPUT_KEYS} for entry in files]})
        leaflets.append({"slug": slug, "editions": editions})
    document = {"generator": "leafbind", "manifest_version": 2, "leaflets": leaflets}
    write_atomically(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def _with_layout(entry: Output) -> Output:
    """Entries written before layouts existed: every PDF was the standard handout."""
    if entry.layout is None and entry.format == "pdf":
        return replace(entry, layout="standard")
    return entry


OUTPUT_KEYS = ("format", "layout", "imposed", "path", "bytes", "sha256")


def read_manifest(path: Path) -> list[Output]:
    """Every output a manifest lists; an unreadable manifest lists none (it is rebuilt from this build on)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        found = []
        for leaflet in document.get("leaflets", []):
            for edition in leaflet["editions"]:
                found.extend(Output(leaflet["slug"], edition["title"], edition.get("code"), edition["edition"],
                                    edition["date"], edition["language"],
                                    **{k: entry[k] for k in OUTPUT_KEYS if k in entry})
                             for entry in edition["outputs"])
        return [_with_layout(entry) for entry in found if isinstance(entry.path, str)]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return []
