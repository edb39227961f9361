"""Write outputs safely: atomic replacement, paths kept inside the output folder, and dist/manifest.json."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import LeafbindError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    """One file a build wrote, as listed in the manifest."""

    slug: str
    title: str
    edition: int
    language: str
    format: str
    path: str  # relative to the output folder, POSIX
    bytes: int
    sha256: str


def output_path(out_dir: Path, slug: str, edition: int, extension: str) -> Path:
    """dist/<slug>/<slug>-ed<edition>.<extension>, refusing anything that would land outside `out_dir`."""
    path = (out_dir / slug / f"{slug}-ed{edition}.{extension}").resolve()
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


def describe(path: Path, out_dir: Path, data: bytes, leaflet, fmt: str) -> Output:
    return Output(leaflet.slug, leaflet.title, leaflet.edition, leaflet.lang, fmt,
                  path.relative_to(out_dir.resolve()).as_posix(), len(data), hashlib.sha256(data).hexdigest())


def update_manifest(out_dir: Path, outputs: list[Output]) -> Path:
    """Merge this build's outputs into dist/manifest.json; entries whose files are gone are dropped."""
    path = out_dir / MANIFEST
    entries = {entry["path"]: entry for entry in _read_manifest(path)}
    entries.update({output.path: asdict(output) for output in outputs})
    kept = [entry for key, entry in entries.items() if (out_dir / key).is_file()]
    kept.sort(key=lambda entry: (entry["slug"], -entry["edition"], entry["format"], entry["path"]))
    document = {"generator": "leafbind", "outputs": kept}
    write_atomically(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def _read_manifest(path: Path) -> list[dict]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("path"), str)]
