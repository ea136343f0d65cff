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
    letter: str = ""  # the column's letter in a workbook (C), shown before its name

    def __str__(self) -> str:
        return self.located(None if self.row is None else str(self.row), plural=False)

    def located(self, rows: str | None, plural: bool) -> str:
        # A CSV file has rows and columns; settings.toml has lines and settings; the command
        # line has options; a workbook sheet has rows and lettered columns.
        toml = self.file.endswith(".toml")
        line, part = ("line", "setting") if toml else ("row", "column")
        if self.file == "command line":
            part = "option"
        where = self.file
        if rows is not None:
            where += f", {line}{'s' if plural else ''} {rows}"
        if self.column:
            where += f", {part} {self.letter} '{self.column}'" if self.letter else f", {part} '{self.column}'"
        return _visible(f"{where}: {self.message}")


class DataError(Exception):
    """Raised when input data cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_sort_key)
        super().__init__("\n".join(grouped_lines(self.problems)))


def _problem_sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


@dataclass
class Problems:
    """A collector: add problems as they are found, raise once at the end."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str | None, message: str, letter: str = "") -> None:
        self.items.append(Problem(file, row, column, message, letter))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)


_VALUE = re.compile(r"'[^']*'|[0-9]+")
GROUP_FROM = 3  # rows with the same mistake in one column before they share one line


def grouped_lines(problems: list[Problem]) -> list[str]:
    """One line per problem, except that one mistake repeated down a column (in three rows or
    more) is one line naming its rows ("rows 2-30"), so 29 copies do not bury the others."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.file, p.column, p.letter, _VALUE.sub("#", p.message)) if p.row is not None and p.column else (p,)
        groups.setdefault(key, []).append(p)
    lines = []
    for members in groups.values():
        rows = sorted({p.row for p in members if p.row is not None})
        if len(rows) < GROUP_FROM:
            lines.extend(str(p) for p in members)
            continue
        first = members[0]
        more = f" (the same mistake in {len(rows)} rows)" if len(members) == len(rows) else \
            f" (the same mistake {len(members)} times in {len(rows)} rows)"
        lines.append(first.located(row_ranges(rows), plural=True) + more)
    return lines


def row_ranges(rows: list[int]) -> str:
    """[2, 3, 4, 7, 9, 10] -> '2-4, 7 and 9-10'."""
    spans: list[list[int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in spans]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
