"""Data problems, collected so that one run reports every mistake at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Control and bidirectional-override characters echoed from a bad value are shown escaped, so a
# message cannot move the terminal cursor, clear the screen or reorder the text around it.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    return _UNSAFE.sub(lambda m: "\\n" if m.group() == "\n" else f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the organiser's data, located as precisely as we can."""

    file: str
    row: int | None  # 1-based data row as a spreadsheet shows it (header is row 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        # A CSV file has rows and columns; settings.toml has lines and settings; the command
        # line has options.
        toml = self.file.endswith(".toml")
        line, part = ("line", "setting") if toml else ("row", "column")
        if self.file == "command line":
            part = "option"
        where = self.file
        if self.row is not None:
            where += f", {line} {self.row}"
        if self.column:
            where += f", {part} '{self.column}'"
        return _visible(f"{where}: {self.message}")


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
