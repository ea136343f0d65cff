"""Calendar files' bytes: content lines folded at 75 octets exactly as icalendar 7 folds them.

icalendar folds each line one character at a time (encoding every character to count its
octets); for a programme of a few hundred meetings that was most of the time spent writing the
calendar files. A line of ASCII text, nearly every line, is cut here by slicing; any other line
goes through the same per-character rule. tests/test_ics.py checks the bytes against
icalendar's own `to_ical()`.
"""

from __future__ import annotations

from icalendar import Calendar

LIMIT = 75  # octets per line, the line break excluded (RFC 5545 section 3.1)
SEP = "\r\n "
ESCAPES = "\\^"  # never left at the end of a folded line: kept with the character it escapes


def fold(line: str) -> str:
    """The line folded as icalendar's `_foldline` folds it."""
    if line.isascii():
        width = LIMIT - 1
        if len(line) <= width:
            return line
        parts = []
        start, n = 0, len(line)
        while n - start > width:
            end = start + width
            if line[end - 1] in ESCAPES:
                end -= 1
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return SEP.join(parts)
    return _fold_octets(line)


def _fold_octets(line: str) -> str:
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= LIMIT:
            if len(current) > 1 and current[-1] in ESCAPES:
                carried = current.pop()
                parts.append("".join(current))
                current, count = [carried], len(carried.encode("utf-8"))
            else:
                parts.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        parts.append("".join(current))
    return SEP.join(parts)


def calendar_bytes(cal: Calendar) -> bytes:
    """The file's bytes: UTF-8, CRLF line ends, lines folded at 75 octets."""
    data = b"\r\n".join(fold(line).encode("utf-8") for line in cal.content_lines() if line) + b"\r\n"
    return data
