"""A project: its folder, its checked settings, and its layouts and assets with built-in fallbacks."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from .assets import IMAGE_SUFFIXES, resolve_asset
from .colours import Palette, make_palette
from .errors import Problem, ProblemReport
from .layouts import BUILTIN, Layout
from .model import Asset
from .paths import builtin_dir, display, inside
from .settings import CONFIG_NAME, ProjectConfig, Settings, read_settings


@dataclass(frozen=True)
class Project:
    """A leafbind project: a folder with `leaflets/`, and optionally `layouts/`, `assets/` and
    leafbind.toml."""

    root: Path  # resolved
    settings: Settings = Settings(ProjectConfig())

    @property
    def config(self) -> ProjectConfig:
        return self.settings.config

    @property
    def config_source(self) -> str:
        """The text of leafbind.toml (part of what every output is made from)."""
        return self.settings.source

    @property
    def logo(self) -> Asset | None:
        """The organisation's logo, found and checked when the settings were read."""
        return self.settings.logo

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

    def contains(self, path: Path) -> bool:
        """True when `path`, links resolved, lies inside the project or leafbind's built-in folders."""
        return inside(self.root, path)

    @property
    def page_size(self) -> str:
        """The paper of leafbind.toml (a build may choose another: see BuildOptions)."""
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
            if name in BUILTIN:  # only its citation styles (see citation_styles)
                continue
            base = BUILTIN[entry.based_on]
            found[name] = replace(base, name=name, description=entry.description, stylesheet=entry.stylesheet,
                                  origin=f"{CONFIG_NAME} line {self.settings.line(f'layout.{name}')}",
                                  based_on=base.name)
        return found

    def citation_styles(self, layout: str | None = None) -> list[str]:
        """The citation styles of a print layout: its own (`citation_styles` in `[layout.NAME]`), else the
        top-level `citation_styles`, which the e-book uses too (layout None)."""
        entry = self.config.layout.get(layout) if layout else None
        if entry is not None and entry.citation_styles is not None:
            return list(entry.citation_styles)
        return list(self.config.citation_styles)

    def overrides(self, layout: Layout) -> bool:
        """True when the project's own layouts/ folder holds the stylesheet of a built-in layout."""
        own = (self.root / "layouts" / layout.stylesheet).resolve()
        builtin = (builtin_dir("layouts") / layout.stylesheet).resolve()
        return layout.origin == "built-in" and own.is_file() and own != builtin

    def display(self, path: Path) -> str:
        """A path as the editor knows it: relative to the project when inside it."""
        return display(self.root, path)

    def leaflet_url(self, slug: str) -> str | None:
        """The leaflet's page on the organisation's website, when leafbind.toml gives one."""
        if not self.config.website:
            return None
        return self.config.website.rstrip("/") + f"/{slug}/"

    def check_inside(self, path: Path, display: str) -> None:
        """Raise ProblemReport unless the source file `path` (a leaflet, authors.yaml …) lies inside the
        project once links are resolved: a link to a file elsewhere would publish that file."""
        if not self.contains(path):
            raise ProblemReport([Problem(display, None, None,
                                         f"is a link to {os.path.realpath(path)}, outside the project: "
                                         "leafbind reads only the project's own files; copy the file into "
                                         "the project instead")])

    def resolve_file(self, written: str, beside: Path, kinds: set[str] = IMAGE_SUFFIXES) -> Asset:
        """A file written in a source of this project, found and checked by the asset gate (see assets.py).
        Raises ValueError with a message for the editor.

        A project is what one command reads, so each file is found once per project: the fonts a stylesheet
        names, an author's photo and the logo serve every leaflet of a build."""
        key = (written, beside, frozenset(kinds))
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = resolve_asset(self.root, written, beside, kinds)
        return found

    @cached_property
    def _found(self) -> dict[tuple, Asset]:
        return {}


def open_project(root: Path) -> Project:
    """The project in folder `root`, its leafbind.toml read and checked (every problem of the file reported at
    once, as a ProblemReport)."""
    root = root.resolve()
    return Project(root, read_settings(root))
