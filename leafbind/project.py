"""A project's folders and settings: its root, leafbind.toml, and layouts and assets with built-in fallbacks."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from .errors import Problem, ProblemReport
from .load import read_text
from .model import Asset, ProjectConfig

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_NAME = "leafbind.toml"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
MEDIA_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".webp": "image/webp",
    ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
    ".css": "text/css",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def builtin_dir(name: str) -> Path:
    """The built-in `layouts` or `assets`: inside the installed package, or beside it in a source checkout."""
    installed = PACKAGE_DIR / "builtin" / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


@dataclass(frozen=True)
class Project:
    """A leafbind project: a folder with `leaflets/`, and optionally `layouts/`, `assets/` and leafbind.toml."""

    root: Path
    config: ProjectConfig
    config_source: str = ""  # the text of leafbind.toml, to locate a setting's line in later checks

    @property
    def leaflets_dir(self) -> Path:
        return self.root / "leaflets"

    @property
    def layout_dirs(self) -> tuple[Path, ...]:
        """Where templates and stylesheets are looked up, first match wins: the project's, then built-in."""
        return (self.root / "layouts", builtin_dir("layouts"))

    @property
    def asset_dirs(self) -> tuple[Path, ...]:
        return (self.root / "assets", builtin_dir("assets"))

    @property
    def allowed_dirs(self) -> tuple[Path, ...]:
        """The only folders an output may read files from."""
        return (self.root, builtin_dir("layouts"), builtin_dir("assets"))

    @property
    def page_size(self) -> str:
        return self.config.page_size

    def display(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project when inside it."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def leaflet_url(self, slug: str) -> str | None:
        """The leaflet's page on the organisation's website, when leafbind.toml gives one."""
        if not self.config.website:
            return None
        return self.config.website.rstrip("/") + f"/{slug}/"

    def find_asset(self, href: str) -> Path | None:
        """An `assets/…` file from the project, else from the built-in assets (so projects can override by name)."""
        relative = PurePosixPath(href).relative_to("assets")
        for folder in self.asset_dirs:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None

    def resolve_file(self, written: str, beside: Path, kinds: set[str] = IMAGE_SUFFIXES) -> Asset:
        """Resolve a path written in a source file (relative to that file, or `assets/…`) to an Asset.

        Raises ValueError with a message for the editor when the file is outside the project, missing or
        of the wrong kind.
        """
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", written) or written.startswith(("/", "\\")):
            raise ValueError(f'"{written}" must be a path to a file inside the project, such as assets/images/x.png')
        suffix = PurePosixPath(written).suffix.lower()
        if suffix not in kinds:
            raise ValueError(f'"{written}" is not a supported file type (use {", ".join(sorted(kinds))})')
        path = (beside / written).resolve()
        if not path.is_file() and written.startswith("assets/"):
            path = self.find_asset(written) or path
        if not any(path.is_relative_to(folder.resolve()) for folder in self.allowed_dirs):
            raise ValueError(f'"{written}" points outside the project')
        if not path.is_file():
            raise ValueError(f'"{written}" was not found (looked for {self.display(path)})')
        return Asset(self._href(path), path, MEDIA_TYPES[suffix])

    def _href(self, path: Path) -> str:
        """The project-relative path used in HTML; built-in assets appear under `assets/`."""
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return "assets/" + path.relative_to(builtin_dir("assets").resolve()).as_posix()


def open_project(root: Path, page_size: str | None = None) -> Project:
    """Read a project's leafbind.toml (if any) and return the Project. Raises ProblemReport for bad settings."""
    root = root.resolve()
    path = root / CONFIG_NAME
    raw: dict = {}
    text = ""
    if path.is_file():
        text = read_text(path, CONFIG_NAME)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"^(.*?)(?: \(at line (\d+), column \d+\))?$", str(error))
            line = int(found[2]) if found[2] else None
            raise ProblemReport([Problem(CONFIG_NAME, line, None, f"is not valid TOML: {found[1]}")]) from None
        config = _validate_config(raw, text)
    else:
        config = ProjectConfig()
    if page_size:
        config = config.model_copy(update={"page_size": page_size})
    return Project(root, config, text)


def _validate_config(raw: dict, text: str) -> ProjectConfig:
    problems: list[Problem] = []
    try:
        config = ProjectConfig.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else None
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                close = difflib.get_close_matches(key, ProjectConfig.model_fields, n=1)
                message = "is not a known setting" + (f' (did you mean "{close[0]}"?)' if close else "")
            problems.append(Problem(CONFIG_NAME, config_line(text, key), key, message))
        raise ProblemReport(problems) from None
    if config.page_size not in PAGE_SIZES:
        problems.append(Problem(CONFIG_NAME, config_line(text, "page_size"), "page_size",
                                f'"{config.page_size}" is not a page size (use a4 or letter)'))
    if problems:
        raise ProblemReport(problems)
    return config


def config_line(text: str, key: str | None) -> int | None:
    if key is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*(?:{re.escape(key)}\s*=|\[\s*{re.escape(key)}\s*\])", line):
            return number
    return None
