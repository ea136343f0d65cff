"""Terms, holidays and periods: which days are school days, and when each occurrence may fall."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays

from scheduler.core.domain import Dataset, DateRange, Meeting, Occurrence, TermBlock


@dataclass(eq=False)
class SchoolCalendar:
    terms: list[TermBlock]
    non_school_days: dict[date, str]
    _due: dict[tuple[date, int], date | None] = field(default_factory=dict, repr=False)
    _school: dict[date, bool] = field(default_factory=dict, repr=False)

    @cached_property
    def _bank(self) -> holidays.HolidayBase:
        years = range(min(t.first_day.year for t in self.terms) - 1,
                      max(t.last_day.year for t in self.terms) + 3) if self.terms else range(2020, 2040)
        return holidays.country_holidays("GB", subdiv="ENG", years=years)

    def bank_holiday(self, d: date) -> str | None:
        """England and Wales share their bank holidays."""
        return self._bank.get(d)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and self.bank_holiday(d) is None

    def block_of(self, d: date) -> TermBlock | None:
        for t in self.terms:
            if t.first_day <= d <= t.last_day:
                return t
        return None

    def is_school_day(self, d: date) -> bool:
        if d not in self._school:
            self._school[d] = self._is_school_day(d)
        return self._school[d]

    def _is_school_day(self, d: date) -> bool:
        return (d.weekday() < 5 and self.block_of(d) is not None and self.bank_holiday(d) is None
                and d not in self.non_school_days)

    def why_not_school_day(self, d: date) -> str:
        if d.weekday() >= 5:
            return "a weekend"
        if (name := self.bank_holiday(d)) is not None:
            return f"a bank holiday ({name})"
        if d in self.non_school_days:
            return "an INSET day" if self.non_school_days[d] == "INSET" else "a school closure day"
        if self.block_of(d) is None:
            return "in the school holidays"
        return "a school day"

    @property
    def span(self) -> DateRange | None:
        if not self.terms:
            return None
        return DateRange(min(t.first_day for t in self.terms), max(t.last_day for t in self.terms))

    def papers_due(self, meeting_day: date, papers_days: int) -> date | None:
        """Papers go out `papers_days` before, moved earlier to a working day; 0 means no papers."""
        key = (meeting_day, papers_days)
        if key not in self._due:
            self._due[key] = self._papers_due(meeting_day, papers_days)
        return self._due[key]

    def _papers_due(self, meeting_day: date, papers_days: int) -> date | None:
        if papers_days <= 0:
            return None
        d = meeting_day - timedelta(days=papers_days)
        while not self.is_working_day(d):
            d -= timedelta(days=1)
        return d


def calendar_for(ds: Dataset) -> SchoolCalendar:
    return SchoolCalendar(ds.terms, ds.non_school_days)


def series_window(meeting: Meeting, cal: SchoolCalendar) -> DateRange | None:
    """The series' own window: its dates, or the span of the term dates where it has none."""
    span = cal.span
    start = meeting.window_start or (span.first if span else None)
    end = meeting.window_end or (span.last if span else None)
    if start is None or end is None or end < start:
        return None
    return DateRange(start, end)


def periods(meeting: Meeting, cal: SchoolCalendar) -> list[tuple[str, DateRange]]:
    """The periods of a series' own window, in date order, each clipped to the window."""
    window = series_window(meeting, cal)
    if window is None:
        return []
    raw: list[tuple[str, DateRange]] = []
    if meeting.recurrence == "once":
        raw = [("once", window)]
    elif meeting.recurrence == "half-termly":
        raw = [(_block_label(t), t.range) for t in cal.terms]
    elif meeting.recurrence == "termly":
        raw = _terms_of(cal.terms)
    elif meeting.recurrence == "monthly":
        raw = _months(window)
    elif meeting.recurrence == "quarterly":
        raw = _quarters(window)
    out = []
    for label, r in raw:
        clipped = r.intersect(window)
        if clipped is not None:
            out.append((label, clipped))
    return out


def _block_label(t: TermBlock) -> str:
    return f"{t.term} {t.first_day.year}" if str(t.first_day.year) not in t.term else t.term


def _terms_of(blocks: list[TermBlock]) -> list[tuple[str, DateRange]]:
    """Adjacent blocks whose names share their first word form one term."""
    terms: list[tuple[str, DateRange]] = []
    current_name, current = None, None
    for t in sorted(blocks, key=lambda b: b.first_day):
        if current is not None and t.term_name == current_name:
            current = DateRange(current.first, t.last_day)
        else:
            if current is not None:
                terms.append((f"{current_name.capitalize()} term {_academic_year(current.first)}", current))
            current_name, current = t.term_name, t.range
    if current is not None:
        terms.append((f"{current_name.capitalize()} term {_academic_year(current.first)}", current))
    return terms


def _academic_year(d: date) -> str:
    y = d.year if d.month >= 8 else d.year - 1
    return f"{y}/{str(y + 1)[2:]}"


def _months(window: DateRange) -> list[tuple[str, DateRange]]:
    out = []
    y, m = window.first.year, window.first.month
    while date(y, m, 1) <= window.last:
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append((date(y, m, 1).strftime("%B %Y"), DateRange(date(y, m, 1), date(ny, nm, 1) - timedelta(days=1))))
        y, m = ny, nm
    return out


def _quarters(window: DateRange) -> list[tuple[str, DateRange]]:
    out = []
    y, q = window.first.year, (window.first.month - 1) // 3
    while date(y, 3 * q + 1, 1) <= window.last:
        ny, nq = (y + 1, 0) if q == 3 else (y, q + 1)
        first = date(y, 3 * q + 1, 1)
        last = date(ny, 3 * nq + 1, 1) - timedelta(days=1)
        names = ("January to March", "April to June", "July to September", "October to December")
        out.append((f"{names[q]} {y}", DateRange(first, last)))
        y, q = ny, nq
    return out


def occurrence_uid(namespace: str, meeting_id: str, number: int, kind: str = "meeting") -> str:
    """Opaque and stable: the same meeting and occurrence always get the same UID."""
    ns = uuid.uuid5(uuid.NAMESPACE_DNS, namespace)
    u = uuid.uuid5(ns, f"{kind}/{meeting_id}/{number}")
    return f"{u}@{namespace}"


def occurrences(ds: Dataset, planning: DateRange, cal: SchoolCalendar | None = None) -> list[Occurrence]:
    """Every occurrence whose period overlaps the planning window, numbered within its series."""
    cal = cal or calendar_for(ds)
    out: list[Occurrence] = []
    for meeting in ds.meetings.values():
        for number, (label, period) in enumerate(periods(meeting, cal), start=1):
            planned = period.intersect(planning)
            if planned is None:
                continue
            out.append(Occurrence(meeting.meeting_id, number, label, period, planned,
                                  occurrence_uid(ds.settings.uid_namespace, meeting.meeting_id, number)))
    return out


def default_planning(ds: Dataset, start: date | None, end: date | None, today: date) -> DateRange | None:
    """From --from (default tomorrow) to --to (default the end of the programme's windows)."""
    cal = calendar_for(ds)
    first = start or (today + timedelta(days=1))
    if end is None:
        ends = [w.last for m in ds.meetings.values() if (w := series_window(m, cal)) is not None]
        end = max(ends) if ends else (cal.span.last if cal.span else first)
    if end < first:
        return None
    return DateRange(first, end)
