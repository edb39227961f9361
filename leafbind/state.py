"""The build state: what each output was made from, so that a build skips every output whose inputs are
unchanged.

`dist/.leafbind-state.json` keeps, per leaflet, the SHA-256 of each input its outputs depended on: the leaflet
file, each of its authors' entries in authors.yaml, every file its outputs embed (images, photos, logo,
fonts), the languages of its family (each output lists the leaflet's other languages, so a translation added
or removed makes them again), and — shared by all leaflets — leafbind's version, leafbind.toml, the layouts
and the fonts. Each output also keeps the options it was made with and the size and modification time of the
file written, so a deleted or hand-edited output is made again.

A build checks an unchanged leaflet from these records alone, without parsing it (its record keeps its
language, so its family's languages are known without reading its siblings either): that keeps a no-op rebuild
of a large catalogue to a file read and a hash per leaflet.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .output import write_atomically
from .project import Project

STATE_FILE = ".leafbind-state.json"
WEB_LAYOUTS = "web"  # the web edition's layouts, which no PDF or e-book uses
STATE_VERSION = 2  # 2: outputs are recorded per file of each layout


def digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


class Fingerprints:
    """The SHA-256 of the files a build reads, each file hashed at most once per build."""

    def __init__(self, project: Project, version: str) -> None:
        self._files: dict[str, str | None] = {}
        self._project = project
        self.shared = self._shared(project, version)

    def file(self, path: Path | str) -> str | None:
        """The hash of the file's bytes, or None if it can't be read or is a link to a file outside the
        project (never read: such a leaflet or layout fails its check, and so is never skipped as
        unchanged)."""
        key = str(path)
        if key not in self._files:
            try:
                inside = self._project.contains(Path(key))
                self._files[key] = hashlib.sha256(Path(key).read_bytes()).hexdigest() if inside else None
            except OSError:
                self._files[key] = None
        return self._files[key]

    def _shared(self, project: Project, version: str) -> str:
        """What every leaflet depends on: leafbind itself, its settings, and every layout and font file but
        the web edition's layouts (`web/`), which only the site depends on (`web`)."""
        parts = [f"leafbind {version}", project.config_source]
        if project.settings.output_profile:  # the press PDF embeds it
            parts.append(f"output profile {project.settings.output_profile.digest}")
        for font in project.settings.fonts:  # `[fonts]`: an installed font file is outside the project
            parts.append(f"font {font.tag} {font.source.digest} {font.face}")
        folders = (*project.layout_dirs, *(folder / "fonts" for folder in project.asset_dirs))
        for folder in folders:
            for name, path in self._files_in(folder):
                if not name.startswith(f"{WEB_LAYOUTS}/"):
                    parts.append(f"{name} {self.file(path)}")
        return digest(*parts)

    def web(self) -> str:
        """The web edition's own layouts (`layouts/web/`, the project's and the built-in ones)."""
        return digest(*(f"{name} {self.file(path)}" for folder in self._project.layout_dirs
                        for name, path in self._files_in(folder / WEB_LAYOUTS)))

    @staticmethod
    def _files_in(folder: Path) -> list[tuple[str, Path]]:
        if not folder.is_dir():
            return []
        return [(path.relative_to(folder).as_posix(), path) for path in sorted(folder.rglob("*"))
                if path.is_file() and "__pycache__" not in path.parts]


@dataclass
class OutputRecord:
    path: str  # relative to the output folder
    inputs: str  # digest of everything the output was made from, including its options
    sha256: str
    bytes: int
    mtime_ns: int


@dataclass
class LeafletRecord:
    source: str  # the leaflet file, as displayed (project-relative)
    source_sha256: str
    code: str | None
    edition: int
    authors: dict[str, str]  # author key → digest of its authors.yaml entry
    files: dict[str, str]  # absolute path → SHA-256 of every file its outputs embed
    outputs: dict[str, OutputRecord] = field(default_factory=dict)  # by output kind (format and options)
    lang: str = ""  # the leaflet's language, so a build finds its family's languages without reading it

    def inputs(self, fingerprints: Fingerprints, authors: dict[str, str], languages: str = "") -> str | None:
        """The digest of this leaflet's recorded inputs as they are now, with its family's `languages` (as
        `languages_key` writes them); None when one of them is gone."""
        parts = [fingerprints.shared, self.source_sha256]
        if languages:
            parts.append(f"languages {languages}")
        for key in sorted(self.authors):
            if key not in authors:
                return None
            parts.append(f"author {key} {authors[key]}")
        for path in sorted(self.files):
            current = fingerprints.file(path)
            if current is None:
                return None
            parts.append(f"file {path} {current}")
        return digest(*parts)


def languages_key(versions) -> str:
    """The languages of a leaflet's family (model.Version each) as its inputs record them: "en:knee-pain
    pl:knee-pain.pl"; "" for a leaflet in one language, whose inputs are then as before translations."""
    return " ".join(f"{version.lang}:{version.slug}" for version in versions) if len(versions) > 1 else ""


def output_inputs(leaflet_inputs: str, kind: str) -> str:
    return digest(leaflet_inputs, kind)


def is_current(record: OutputRecord | None, inputs: str, out_dir: Path) -> bool:
    """True when the output on disk is the one made from exactly these inputs."""
    if record is None or record.inputs != inputs:
        return False
    try:
        stat = (out_dir / record.path).stat()
    except OSError:
        return False
    return stat.st_size == record.bytes and stat.st_mtime_ns == record.mtime_ns


class BuildState:
    """The records of one output folder; read at the start of a build, written once at its end (whatever ended
    it), both with the folder's lock held."""

    def __init__(self, out_dir: Path, leaflets: dict[str, LeafletRecord] | None = None) -> None:
        self.path = out_dir / STATE_FILE
        self.leaflets = leaflets or {}
        self.changed = False

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        """The saved state; an unreadable or older-format state counts as empty (everything is rebuilt)."""
        try:
            document = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
            if document.get("version") != STATE_VERSION:
                return cls(out_dir)
            leaflets = {}
            for slug, raw in document["leaflets"].items():
                outputs = {kind: OutputRecord(**entry) for kind, entry in raw.pop("outputs").items()}
                leaflets[slug] = LeafletRecord(**raw, outputs=outputs)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(out_dir)
        return cls(out_dir, leaflets)

    def record(self, slug: str, record: LeafletRecord) -> None:
        self.leaflets[slug] = record
        self.changed = True

    def forget(self, slug: str) -> None:
        """A leaflet that failed is checked in full at the next build."""
        if self.leaflets.pop(slug, None) is not None:
            self.changed = True

    def save(self) -> None:
        """Write the records if they changed. Raises output.FileFault (a full disk …): the caller reports
        it."""
        if not self.changed:
            return
        document = {"version": STATE_VERSION, "generator": "leafbind",
                    "leaflets": {slug: asdict(record) for slug, record in sorted(self.leaflets.items())}}
        write_atomically(self.path, (json.dumps(document, indent=1, sort_keys=True) + "\n").encode())
        self.changed = False
