"""Problems an editor can fix, reported as `file:line: field: message` without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class LeafbindError(Exception):
    """An error caused by the project's input, shown to the user without a traceback."""


class ProblemReport(LeafbindError):
    """Every problem found in one or more files, collected before stopping."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
