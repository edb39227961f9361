"""A project's folders and settings: its root, leafbind.toml, and layouts and assets with built-in fallbacks."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from pydantic import ValidationError

from .assets import IMAGE_SUFFIXES, check_file, safe_href
from .colours import Palette, check_palette, make_palette, parse_colour
from .errors import Problem, ProblemReport, did_you_mean
from .layouts import BUILTIN, EPUB, Layout
from .load import read_text
from .model import SLUG_PATTERN, Asset, CheckConfig, ContactEntry, LayoutEntry, ProjectConfig, plural

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_NAME = "leafbind.toml"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


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
        """The only folders leafbind reads a project's files from: the project and leafbind's built-in folders."""
        return (self.root, builtin_dir("layouts").resolve(), builtin_dir("assets").resolve())

    def contains(self, path: Path) -> bool:
        """True when `path`, with every symbolic link resolved, lies inside the project or the built-in folders.

        Checked before any file is read, so a link (to a file or a folder) can't bring a file from elsewhere on
        the machine into an output or the build state.
        """
        real = Path(os.path.realpath(path))
        return any(real.is_relative_to(folder) for folder in self.allowed_dirs)

    @property
    def page_size(self) -> str:
        return self.config.page_size

    @property
    def palette(self) -> Palette:
        """The colours of the layouts, from `accent` (checked for contrast when the settings were read)."""
        return make_palette(self.config.accent)

    @cached_property  # read for every output file of a build; the settings never change within one
    def layouts(self) -> dict[str, Layout]:
        """Every layout this project can build: the built-in ones, then its own from `[layout.NAME]`."""
        found = dict(BUILTIN)
        for name, entry in self.config.layout.items():
            base = BUILTIN[entry.based_on]
            found[name] = replace(base, name=name, description=entry.description, stylesheet=entry.stylesheet,
                                  origin=f"{CONFIG_NAME} line {config_line(self.config_source, f'layout.{name}')}",
                                  based_on=base.name)
        return found

    def overrides(self, layout: Layout) -> bool:
        """True when the project's own layouts/ folder holds the stylesheet of a built-in layout."""
        own = (self.root / "layouts" / layout.stylesheet).resolve()
        builtin = (builtin_dir("layouts") / layout.stylesheet).resolve()
        return layout.origin == "built-in" and own.is_file() and own != builtin

    def display(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project when inside it."""
        for candidate in (Path(os.path.abspath(path)), path.resolve()):  # the link's own name first
            if candidate.is_relative_to(self.root):
                return candidate.relative_to(self.root).as_posix()
        return str(path)

    def leaflet_url(self, slug: str) -> str | None:
        """The leaflet's page on the organisation's website, when leafbind.toml gives one."""
        if not self.config.website:
            return None
        return self.config.website.rstrip("/") + f"/{slug}/"

    def check_inside(self, path: Path, display: str) -> None:
        """Raise ProblemReport unless the source file `path` (a leaflet, authors.yaml …) lies inside the project
        once links are resolved: a link to a file elsewhere would publish that file."""
        if not self.contains(path):
            raise ProblemReport([Problem(display, None, None, f"is a link to {os.path.realpath(path)}, outside the "
                                         "project: leafbind reads only the project's own files; copy the file into "
                                         "the project instead")])

    def resolve_file(self, written: str, beside: Path, kinds: set[str] = IMAGE_SUFFIXES) -> Asset:
        """Resolve a path written in a source file (relative to that file, or `assets/…`) to a checked Asset.

        `written` may be percent-encoded, as Markdown writes a space (`my%20photo.png`). Symbolic links are
        resolved before the file is judged, and the file must then lie inside the project or the built-in
        assets; `assets/…` missing from the project falls back to the built-in assets, so projects can override
        them by name. Raises ValueError with a message for the editor when the file is outside the project,
        missing, of the wrong kind, or not what its name says.
        """
        name = unquote(written)
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", name) or name.startswith(("/", "\\")):
            raise ValueError(f'"{name}" must be a path to a file inside the project, such as assets/images/x.png')
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in kinds:
            raise ValueError(f'"{name}" is not a supported file type (use {", ".join(sorted(kinds))})')
        path = self._locate(name, beside)
        if not self.contains(path):
            raise ValueError(f'"{name}" points outside the project (through a link or "..")')
        if not path.is_file():
            raise ValueError(f'"{name}" was not found (looked for {self.display(path)})')
        return check_file(path, safe_href(self._href(path)), name)

    def _locate(self, name: str, beside: Path) -> Path:
        """The real path of a written file: beside the source, else (for `assets/…`) the first asset folder
        holding it."""
        path = Path(os.path.realpath(beside / name))
        if path.is_file() or not name.startswith("assets/"):
            return path
        relative = PurePosixPath(name).relative_to("assets")
        for folder in self.asset_dirs:
            if (folder / relative).is_file():
                return Path(os.path.realpath(folder / relative))
        return path

    def _href(self, path: Path) -> str:
        """The project-relative path of a file; built-in assets appear under `assets/` (checked first: a
        virtual environment inside the project folder holds the built-in assets too)."""
        builtin = builtin_dir("assets").resolve()
        if path.is_relative_to(builtin):
            return "assets/" + path.relative_to(builtin).as_posix()
        if not path.is_relative_to(self.root):  # leafbind's own layouts: not an asset of the project
            raise ValueError(f'"{path.name}" is not a file of the project')
        return path.relative_to(self.root).as_posix()


def open_project(root: Path, page_size: str | None = None) -> Project:
    """Read a project's leafbind.toml (if any) and return the Project. Raises ProblemReport for bad settings."""
    root = root.resolve()
    path = root / CONFIG_NAME
    raw: dict = {}
    text = ""
    if path.is_file():
        if not Path(os.path.realpath(path)).is_relative_to(root):
            raise ProblemReport([Problem(CONFIG_NAME, None, None, "is a link to a file outside the project: copy "
                                         "the settings into the project folder instead")])
        text = read_text(path, CONFIG_NAME)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            found = re.search(r"^(.*?)(?: \(at line (\d+), column \d+\))?$", str(error))
            line = int(found[2]) if found[2] else None
            raise ProblemReport([Problem(CONFIG_NAME, line, None, f"is not valid TOML: {found[1]}")]) from None
        config = _validate_config(raw, text, root)
    else:
        config = ProjectConfig()
    if page_size:
        config = config.model_copy(update={"page_size": page_size})
    return Project(root, config, text)


def _validate_config(raw: dict, text: str, root: Path) -> ProjectConfig:
    problems: list[Problem] = []
    try:
        config = ProjectConfig.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            key = ".".join(str(part) for part in item["loc"] if not isinstance(part, int)) or None
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                message = "is not a known setting" + _did_you_mean(key)
            problems.append(Problem(CONFIG_NAME, config_line(text, key), key, message))
        raise ProblemReport(problems) from None
    if config.page_size not in PAGE_SIZES:
        problems.append(Problem(CONFIG_NAME, config_line(text, "page_size"), "page_size",
                                f'"{config.page_size}" is not a page size (use a4 or letter)'))
    problems += _colour_problems(config, text) + _layout_problems(config, text, root) + _contact_problems(config, text)
    from .lint import config_problems  # noqa: PLC0415 (the quality checks read projects, so they import this module)

    problems += config_problems(config.check, text)
    if problems:
        raise ProblemReport(problems)
    return config


def _did_you_mean(key: str) -> str:
    *table, name = key.split(".")
    known = {"": ProjectConfig.model_fields, "contact": ContactEntry.model_fields,
             "check": CheckConfig.model_fields}.get(".".join(table))
    if known is None and table and table[0] == "layout":
        known = LayoutEntry.model_fields
    return did_you_mean(name, known or ())


def _colour_problems(config: ProjectConfig, text: str) -> list[Problem]:
    """The accent must keep every text readable, in colour and printed in greyscale (WCAG AA)."""
    line = config_line(text, "accent")
    try:
        parse_colour(config.accent)
    except ValueError as error:
        return [Problem(CONFIG_NAME, line, "accent", str(error))]
    failed = check_palette(make_palette(config.accent))
    if not failed:
        return []
    more = f" ({plural(len(failed) - 1, 'more contrast check')} fail too.)" if len(failed) > 1 else ""
    return [Problem(CONFIG_NAME, line, "accent", failed[0].message + more)]


def _layout_problems(config: ProjectConfig, text: str, root: Path) -> list[Problem]:
    problems = []
    for name, entry in config.layout.items():
        key = f"layout.{name}"
        if name in (*BUILTIN, EPUB) or not SLUG_PATTERN.match(name):
            reason = "is not a layout name (lower-case words and -)" if not SLUG_PATTERN.match(name) else \
                "is a built-in name"
            problems.append(Problem(CONFIG_NAME, config_line(text, key), key,
                                    f'"{name}" {reason}: choose another name for your own layout'))
        if entry.based_on not in BUILTIN:
            problems.append(Problem(CONFIG_NAME, config_line(text, f"{key}.based_on"), f"{key}.based_on",
                                    f'"{entry.based_on}" is not a built-in layout (use {_names(BUILTIN)})'))
        if message := _stylesheet_problem(entry.stylesheet, root):
            problems.append(Problem(CONFIG_NAME, config_line(text, f"{key}.stylesheet"), f"{key}.stylesheet",
                                    message))
    known = {*BUILTIN, *config.layout}
    for name in config.layouts:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"use {_names(known)}"
            problems.append(Problem(CONFIG_NAME, config_line(text, "layouts"), "layouts",
                                    f'"{name}" is not a layout ({hint})'))
    return problems


def _stylesheet_problem(written: str, root: Path) -> str | None:
    folder = (root / "layouts").resolve()
    path = (folder / written).resolve()
    if PurePosixPath(written).suffix != ".css":
        return f'"{written}" is not a stylesheet (name a .css file in layouts/)'
    if not path.is_relative_to(folder):
        return f'"{written}" must be a file inside the project\'s layouts/ folder'
    if not path.is_file():
        return f'"{written}" was not found in layouts/'
    return None


def _contact_problems(config: ProjectConfig, text: str) -> list[Problem]:
    contact = config.contact
    if contact is None or contact.phone or contact.email:
        return []
    return [Problem(CONFIG_NAME, config_line(text, "contact"), "contact",
                    "gives neither a phone number nor an email address (add phone = \"…\" or email = \"…\")")]


def _names(names) -> str:
    return ", ".join(sorted(names))


def config_line(text: str, key: str | None) -> int | None:
    """The line of a setting: `key = …` at the top, `[table]` itself, or `name = …` inside `[table]`."""
    if key is None:
        return None
    *table, name = key.split(".")
    wanted, current, table_line = ".".join(table), "", None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = re.sub(r"[\s\"']", "", header[1])
            if current == key:
                return number
            if current == wanted:
                table_line = number
        elif current == wanted and re.match(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", line):
            return number
    return table_line
