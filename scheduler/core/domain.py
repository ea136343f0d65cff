"""The domain: what organisers describe in their CSV files, and what the engine proposes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from scheduler.core.settings import Settings

FEATURES: tuple[str, ...] = (
    "step_free",
    "lift",
    "accessible_toilet",
    "hoist_toilet",
    "accessible_parking",
    "hearing_loop",
    "quiet_room",
    "public_transport",
)
FEATURE_LABELS: dict[str, str] = {
    "step_free": "step-free access",
    "lift": "lift",
    "accessible_toilet": "accessible toilet",
    "hoist_toilet": "hoist toilet (Changing Places)",
    "accessible_parking": "accessible parking",
    "hearing_loop": "hearing loop",
    "quiet_room": "quiet room",
    "public_transport": "bus or train stop nearby",
}
ROLES: tuple[str, ...] = ("parent_carer", "young_person", "professional")
FAMILY_ROLES: frozenset[str] = frozenset({"parent_carer", "young_person"})
RECURRENCES: tuple[str, ...] = ("once", "termly", "half-termly", "monthly", "quarterly")
PARTICIPATION_LEVELS: tuple[str, ...] = ("co-production", "participation", "consultation", "information")
TRAVEL_MODES: tuple[str, ...] = ("car", "public_transport", "taxi")
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MINUTES_PER_DAY = 24 * 60


class Strength(StrEnum):
    """How a rule binds: never broken, kept when possible, minimised, or left out of a model."""

    HARD = "hard"
    SOFT = "soft"
    OBJECTIVE = "objective"  # travel_time: not kept or broken, only made small
    OFF = "off"  # left out of one model (explanations, what-ifs), never set by an organiser


class Status(StrEnum):
    """An occurrence's status in proposals.csv."""

    SCHEDULED = "scheduled"
    UNSCHEDULED = "unscheduled"


class Kind(StrEnum):
    """What a rule that judges one value on its own looks at."""

    DAY = "day"
    TIME = "time"
    VENUE = "venue"


def hhmm(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    def __contains__(self, d: date) -> bool:
        return self.first <= d <= self.last

    def days(self) -> list[date]:
        n = (self.last - self.first).days
        return [self.first + timedelta(days=i) for i in range(n + 1)]

    def overlaps(self, other: DateRange) -> bool:
        return self.first <= other.last and other.first <= self.last

    def intersect(self, other: DateRange) -> DateRange | None:
        lo, hi = max(self.first, other.first), min(self.last, other.last)
        return DateRange(lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class Venue:
    venue_id: str
    name: str
    latitude: float
    longitude: float
    capacity: int
    features: dict[str, bool | None]
    address: str = ""
    postcode: str = ""
    open_days: frozenset[int] = frozenset(range(7))  # 0 = Monday
    open_from: int = 9 * 60
    open_until: int = 21 * 60
    closed: tuple[DateRange, ...] = ()
    access_checked: date | None = None
    notes: str = ""

    def has(self, feature: str) -> bool:
        """Only a confirmed 'yes' satisfies a need; unknown never does."""
        return self.features.get(feature) is True

    def is_closed_on(self, d: date) -> bool:
        return d.weekday() not in self.open_days or any(d in r for r in self.closed)

    def location_line(self) -> str:
        parts = [self.name, self.address, self.postcode]
        return ", ".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class Unavailability:
    dates: tuple[DateRange, ...] = ()
    weekdays: frozenset[int] = frozenset()

    def blocks(self, d: date) -> bool:
        return d.weekday() in self.weekdays or any(d in r for r in self.dates)

    def __bool__(self) -> bool:
        return bool(self.dates or self.weekdays)


@dataclass(frozen=True)
class Participant:
    participant_id: str
    name: str
    role: str
    email: str = ""
    home_postcode: str = ""
    home_district: str = ""  # postcode district, the only home detail that may be shown
    home: tuple[float, float] | None = None
    needs: frozenset[str] = frozenset()
    travel_mode: str = "car"
    max_travel_minutes: int = 60
    unavailable: Unavailability = field(default_factory=Unavailability)
    groups: frozenset[str] = frozenset()
    education_ends: int | None = None  # minutes after midnight, young people only
    organisation: str = ""

    @property
    def is_family(self) -> bool:
        return self.role in FAMILY_ROLES


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    title: str
    attendees: tuple[str, ...]  # resolved participant ids, required
    optional_attendees: tuple[str, ...]
    duration_minutes: int
    recurrence: str
    window_start: date | None = None
    window_end: date | None = None
    papers_days: int = 7
    chair: str = ""
    venues: tuple[str, ...] | None = None  # allowed venue ids; None means all
    min_gap_days: int = 14
    participation_level: str = ""
    description: str = ""

    @cached_property  # asked for millions of times while a large model is built
    def everyone(self) -> tuple[str, ...]:
        return self.attendees + tuple(p for p in self.optional_attendees if p not in self.attendees)

    @cached_property
    def everyone_set(self) -> frozenset[str]:
        return frozenset(self.everyone)


@dataclass(frozen=True)
class TermBlock:
    term: str
    first_day: date
    last_day: date
    status: str = "confirmed"

    @property
    def range(self) -> DateRange:
        return DateRange(self.first_day, self.last_day)

    @property
    def term_name(self) -> str:
        """Blocks whose names share their first word form one term (Autumn 1 + Autumn 2)."""
        return self.term.split()[0].lower() if self.term.split() else self.term


@dataclass(frozen=True)
class Fixed:
    """A placement the organiser has already decided (fixed.csv): each given value is a hard rule."""

    meeting_id: str
    number: int
    day: date | None = None  # None: free to choose
    start: int | None = None  # minutes after midnight
    venue_id: str | None = None
    row: int | None = None  # its row in fixed.csv (or the workbook's fixed sheet), for messages
    file: str = "fixed.csv"

    def keeps(self, day: date | None, start: int | None, venue_id: str | None) -> bool:
        return ((self.day is None or self.day == day) and (self.start is None or self.start == start)
                and (self.venue_id is None or self.venue_id == venue_id))

    def restrict(self, days: list, times: list, venues: list) -> tuple[list, list, list]:
        """An occurrence's candidate values, narrowed to the fixed ones (empty when not among them)."""
        return ([d for d in days if self.day is None or d == self.day],
                [t for t in times if self.start is None or t == self.start],
                [v for v in venues if self.venue_id is None or v == self.venue_id])

    def describe(self) -> str:
        bits = []
        if self.day is not None:
            bits.append(f"on {self.day.isoformat()}")
        if self.start is not None:
            bits.append(f"at {hhmm(self.start)}")
        if self.venue_id is not None:
            bits.append(f"at venue {self.venue_id}")
        return " ".join(bits) or "with nothing fixed"

    @property
    def where(self) -> str:
        return f"{self.file}, row {self.row}" if self.row is not None else self.file


@dataclass
class Dataset:
    """Everything read from one data folder, validated and cross-referenced."""

    venues: dict[str, Venue]
    participants: dict[str, Participant]
    meetings: dict[str, Meeting]
    terms: list[TermBlock]
    non_school_days: dict[date, str]  # INSET and closure days
    travel_overrides: dict[tuple[str, str], int]  # unordered pair (sorted) -> minutes
    settings: Settings
    districts: dict[str, tuple[float, float]]
    warnings: list[str] = field(default_factory=list)
    source: Path | None = None
    fixed: dict[tuple[str, int], Fixed] = field(default_factory=dict)  # (meeting_id, occurrence) -> fixed.csv


@dataclass(frozen=True)
class Occurrence:
    meeting_id: str
    number: int
    period_label: str
    period: DateRange  # the whole period of the series' own window
    planned: DateRange  # the part of the period inside the planning window
    uid: str


@dataclass
class Placement:
    """One row of proposals.csv."""

    occurrence: Occurrence
    status: Status
    day: date | None = None
    start: int | None = None  # minutes after midnight, local time
    end: int | None = None
    venue_id: str = ""
    papers_due: date | None = None
    rules_relaxed: tuple[str, ...] = ()
    reason: str = ""
    travel_total: int = 0
    travel_max: int = 0
    sequence: int = 0

    @property
    def scheduled(self) -> bool:
        return self.status == Status.SCHEDULED


@dataclass
class Plan:
    placements: list[Placement]
    planning: DateRange
    solver_status: str = "NOT_RUN"  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, NOT_RUN
    proven_optimal: bool = False
    stopped_by_time_limit: bool = False
    objective: float | None = None
    best_bound: float | None = None
    solve_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # (seconds into the search, objective) each time the plan improved, for benchmarks and logs
    progress: list[tuple[float, float]] = field(default_factory=list)

    @property
    def scheduled(self) -> list[Placement]:
        return [p for p in self.placements if p.scheduled]

    @property
    def unscheduled(self) -> list[Placement]:
        return [p for p in self.placements if not p.scheduled]


def sort_key(ds: Dataset) -> Callable[[Placement], tuple[int, int]]:
    """The order every output lists placements in: series as in meetings.csv, then occurrence number."""
    order = {mid: i for i, mid in enumerate(ds.meetings)}
    return lambda p: (order.get(p.occurrence.meeting_id, 1 << 30), p.occurrence.number)
