"""Where things are: leafbind's built-in layouts and assets, which folders a project may read from, and paths
shown as an editor knows them."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache  # the package does not move while leafbind runs; asked three times for each asset a leaflet uses
def builtin_dir(name: str) -> Path:
    """The built-in `layouts` or `assets`: inside the installed package, or beside it in a source checkout."""
    installed = PACKAGE_DIR / "builtin" / name
    return (installed if installed.is_dir() else PACKAGE_DIR.parent / name).resolve()


def readable_folders(root: Path) -> tuple[Path, ...]:
    """The only folders leafbind reads a project's files from: the project and leafbind's built-in folders."""
    return (root, builtin_dir("layouts"), builtin_dir("assets"))


def inside(root: Path, path: Path) -> bool:
    """True when `path`, with every symbolic link resolved, lies inside the project (`root`, resolved) or the
    built-in folders. Checked before any file is read, so a link (to a file or a folder) can't bring a file
    from elsewhere on the machine into an output or the build state."""
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(folder) for folder in readable_folders(root))


def display(root: Path, path: Path) -> str:
    """A path as the editor knows it: relative to the project when inside it (a link shown by its own
    name)."""
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return str(path)
