"""Domain exceptions and the validation report.

Every error a user can cause ends up as one of these, so the CLI and the GUI only need to catch
:class:`EstatesError` at each action and show its text. Low-level failures (OSError, sqlite3,
pyogrio, OR-Tools) are converted at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as a spreadsheet user would look for it.

    ``row`` is the row number a spreadsheet shows (the header is row 1, the first data row is
    row 2); ``None`` when the problem concerns the whole file or a whole column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        parts = [", ".join(where)]
        if self.message:
            parts.append(self.message)
        if self.expected is not None:
            parts.append(f"expected {self.expected}, got {_show(self.value)}")
        return ": ".join(parts)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text) if isinstance(value, str) else text


@dataclass
class ValidationReport:
    """All problems found while reading one or more files: errors block, warnings do not."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def error(self, file: str, message: str, **where: object) -> None:
        self.problems.append(Problem(file, message, severity=Severity.ERROR, **where))

    def warning(self, file: str, message: str, **where: object) -> None:
        self.problems.append(Problem(file, message, severity=Severity.WARNING, **where))

    def extend(self, other: ValidationReport | Iterable[Problem]) -> None:
        items = other.problems if isinstance(other, ValidationReport) else other
        self.problems.extend(items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def format(self) -> str:
        lines = [f"error: {p}" for p in self.errors] + [f"warning: {p}" for p in self.warnings]
        return "\n".join(lines)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputValidationError(self)


class EstatesError(Exception):
    """Base of every error the user can cause; its text is shown to them as it is."""


class InputValidationError(EstatesError):
    """An input file has errors; ``report`` holds all of them (and any warnings)."""

    def __init__(self, report: ValidationReport):
        self.report = report
        n = len(report.errors)
        first = "\n".join(str(p) for p in report.errors[:20])
        more = f"\n... and {n - 20} more" if n > 20 else ""
        super().__init__(f"{n} error{'s' if n != 1 else ''} in the input:\n{first}{more}")


class ProjectFileError(EstatesError):
    """A project file cannot be opened or saved (not a project, newer version, disk problem)."""


class ScenarioError(EstatesError):
    """A scenario is inconsistent (unknown site in a pin, impossible setting)."""


class InfeasibleError(EstatesError):
    """Strict mode and no plan places every need; ``conflicts`` names the rules that bind."""

    def __init__(self, message: str, conflicts: list[str] | None = None):
        self.conflicts = list(conflicts or [])
        super().__init__(message)


class CancelledError(EstatesError):
    """The user cancelled a long operation."""


class ExportError(EstatesError):
    """An export cannot be written."""


class NetworkError(EstatesError):
    """A travel network is unusable (no CRS, no lines, disconnected where it matters)."""
