"""Data problems, collected so that one run reports every mistake at once."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the organiser's data, located as precisely as we can."""

    file: str
    row: int | None  # 1-based data row as a spreadsheet shows it (header is row 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Raised when input data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


@dataclass
class Problems:
    """A collector: add problems as they are found, raise once at the end."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(file, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)
