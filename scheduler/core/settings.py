"""The settings schema: each table of settings.toml, its keys, their defaults and allowed values.

Adding a setting is one line in the table it belongs to, for example

    public_transport_wait_minutes: whole(0, 600) = 15

(name, what it accepts, default). The reader (`inputs/settings.py`) validates every table with
pydantic against these declarations and turns any mistake into a plain-English problem naming
the table and key; the engine reads the merged, flat `Settings`. A table of its own is one
class here, listed in `TABLES` and among the bases of `Settings`.

The bounds are sensible limits, not the framework's: values beyond them are typing mistakes,
and would overflow the solver (CP-SAT seeds are 32-bit, weights multiply minutes) or the
calendar (reminder offsets).

This module deliberately does not use `from __future__ import annotations`: pydantic reads the
`Annotated` declarations below as live objects.
"""

from dataclasses import dataclass, field, fields
from typing import Annotated, Literal, Protocol, get_args, get_type_hints

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict, with_config
from pydantic.fields import FieldInfo

from scheduler.core.values import is_domain, is_email, parse_hhmm

MAX_WEIGHT = 100_000_000
TEXT_MAX = 200
_CONTROL = "".join(map(chr, range(32))) + "\x7f"

# Unknown keys are mistakes; a number written as text ("5") is a mistake too, not a guess.
_TABLE = ConfigDict(extra="forbid", allow_inf_nan=False)


def whole(low: int, high: int, key: str | None = None):
    """A whole number from low to high (key: its name in settings.toml when that differs)."""
    return Annotated[int, Strict(), Field(ge=low, le=high, alias=key,
                                          description=f"a whole number from {low:,} to {high:,}")]


def number(low: float, high: float):
    """Any number from low to high (a whole number is accepted: 45 means 45.0)."""
    return Annotated[float, Field(ge=low, le=high, description=f"a number from {low:g} to {high:g}"),
                     BeforeValidator(_numeric)]


def _numeric(value):
    # Before pydantic's own float check, which would also take True or the text "5".
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    return value


def _clock(value) -> int:
    minutes = parse_hhmm(value) if isinstance(value, str) else None
    if minutes is None:
        raise ValueError(f'expected a time as "HH:MM" in quotes, got {value!r}')
    return minutes


def _yearly_window(value) -> tuple[tuple[int, int], tuple[int, int]]:
    """A window of each year, "MM-DD..MM-DD" (it may run over the new year: "12-24..01-01")."""
    parts = value.split("..") if isinstance(value, str) else []
    out = []
    for part in parts:
        bits = part.strip().split("-")
        if len(bits) != 2 or not all(b.isdigit() and len(b) == 2 for b in bits):
            break
        month, day = int(bits[0]), int(bits[1])
        if not 1 <= month <= 12 or not 1 <= day <= (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]:
            break
        out.append((month, day))
    if len(parts) != 2 or len(out) != 2:
        raise ValueError(f'expected a window of each year as "MM-DD..MM-DD" in quotes, such as "12-24..01-01", '
                         f"got {value!r}")
    return out[0], out[1]


def _one_line(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text in quotes, got {value!r}")
    if any(c in _CONTROL for c in value) or len(value.strip()) > TEXT_MAX:
        raise ValueError(f"expected one line of text of at most {TEXT_MAX} characters, without line "
                         "breaks or control characters")
    return value


def _email(value: str) -> str:
    text = value.strip()
    if text and not is_email(text):
        raise ValueError(f"'{text}' is not an email address such as name@example.org")
    return text


def _domain(value: str) -> str:
    if not is_domain(value.strip()):
        raise ValueError("expected a domain name such as send.example.org (letters, digits, '-' and "
                         f"'.'), got {value!r}")
    return value


# A window of each year, written "MM-DD..MM-DD", kept as ((month, day), (month, day)).
YearlyWindow = Annotated[tuple[tuple[int, int], tuple[int, int]], BeforeValidator(_yearly_window)]
# A time of day written "HH:MM", kept as minutes after midnight.
Clock = Annotated[int, BeforeValidator(_clock)]
# One line of text, without control characters.
Text = Annotated[str, BeforeValidator(_one_line)]
Email = Annotated[str, BeforeValidator(_one_line), AfterValidator(_email)]
DomainName = Annotated[str, BeforeValidator(_one_line), AfterValidator(_domain)]


def _strip(value: str) -> str:
    return value.strip()


@with_config(_TABLE)
@dataclass
class OrganiserTable:
    organiser_name: Annotated[Text, AfterValidator(_strip), Field(alias="name")] = ""
    organiser_email: Annotated[Email, Field(alias="email")] = ""


@with_config(_TABLE)
@dataclass
class WindowsTable:
    """Time windows, in minutes after midnight."""

    parent_start: Clock = 10 * 60
    parent_end: Clock = 14 * 60
    young_after_school_offset: whole(0, 600, "young_after_school_offset_minutes") = 30
    young_after_school_default_start: Clock = 16 * 60
    young_after_school_end: Clock = 19 * 60
    young_non_school_start: Clock = 10 * 60
    young_non_school_end: Clock = 16 * 60
    default_education_ends: Clock = 15 * 60 + 30
    # closure_days: the Christmas closure, when offices and most venues are shut
    closure: YearlyWindow = ((12, 24), (1, 1))


@with_config(_TABLE)
@dataclass
class TravelTable:
    default_max_travel_minutes: whole(1, 1440, "default_max_minutes") = 60
    winding_factor: number(1, 5) = 1.3
    car_kmh: number(1, 300) = 45.0
    public_transport_kmh: number(1, 300) = 25.0
    taxi_kmh: number(1, 300) = 45.0
    public_transport_wait_minutes: whole(0, 600) = 15

    @property
    def speed_kmh(self) -> dict[str, float]:
        """Average speed by travel mode (the modes of participants.csv)."""
        return {"car": self.car_kmh, "public_transport": self.public_transport_kmh, "taxi": self.taxi_kmh}


@with_config(_TABLE)
@dataclass
class SolverTable:
    time_limit_seconds: number(0.01, 86_400) = 60.0
    seed: whole(0, 2**31 - 1) = 0
    workers: whole(1, 64) = 2
    time_step_minutes: whole(5, 60) = 15


@with_config(_TABLE)
@dataclass
class CalendarTable:
    reminder_minutes: whole(0, 40_320) = 1440
    calendar_name: Text = "SEND co-production programme"
    uid_namespace: DomainName = "send-coproduction.invalid"


# A stated default, not a sourced figure: taxi tariffs are set by each licensing council.
TAXI_RATE_PER_MILE = 3.0


@with_config(_TABLE)
@dataclass
class ExpensesTable:
    """[expenses]: what parent carers and young people can claim, in pounds (for the estimate).

    mileage_rate: HMRC's approved mileage rate for a car, 45p a mile for the first 10,000 business
    miles (GOV.UK, "Travel - mileage and fuel rates and allowances"). public_transport_fare: one
    single journey; the default is England's bus fare cap of 3 pounds (from 1 January 2025).
    taxi_rate_per_mile: see TAXI_RATE_PER_MILE. hourly_rate: paid for meeting and travel time
    where the area pays for involvement (0: it does not).
    """

    mileage_rate: number(0, 10) = 0.45
    public_transport_fare: number(0, 1000) = 3.0
    taxi_rate_per_mile: number(0, 100) = TAXI_RATE_PER_MILE
    hourly_rate: number(0, 1000) = 0.0
    how_to_claim: Annotated[Text, AfterValidator(_strip)] = ""


@with_config(_TABLE)
@dataclass
class RuleTable:
    """`[rules.NAME]`: how strongly a rule binds. Absent keys keep the rule's default."""

    strength: Literal["hard", "soft"] | None = None  # checked against the rule by the reader
    weight: whole(0, MAX_WEIGHT) | None = None


# A rule with keys of its own beside strength and weight ([rules.venue_rotation] near_km): a
# table class with just those keys, like the ones above, named by the rule's home (RuleInfo.keys)
# and among the bases of Settings (so the key reads as settings.near_km). The reader checks both.
@with_config(_TABLE)
@dataclass
class VenueRotationKeys:
    near_km: number(0.1, 100) = 3.0  # venues closer than this are one place


@with_config(_TABLE)
@dataclass
class CountySpreadKeys:
    place_km: number(0.1, 200) = 5.0  # venues this far apart or more are different places
    min_places: whole(1, 20) = 3


@with_config(_TABLE)
@dataclass
class NoticeKeys:
    notice_days: whole(0, 365) = 14




class RuleDefaults(Protocol):
    """What the settings reader needs to know of each rule (the registry's RuleInfo has it).

    The registry sits layers above the readers, so it is handed down to them (api.load) rather
    than imported by them.
    """

    name: str
    strength: str
    weight: int
    summary: str
    may_be_soft: bool
    keys: type | None  # the table of the rule's own keys, if any


@dataclass(frozen=True)
class RuleSetting:
    strength: str  # a Strength: "hard" or "soft" ("objective" for travel_time)
    weight: int


def _field_info(table: type, name: str) -> FieldInfo:
    """The pydantic Field declared for one attribute (merged, so alias and description are found)."""
    found = [m for m in _metadata(get_type_hints(table, include_extras=True)[name]) if isinstance(m, FieldInfo)]
    return FieldInfo.merge_field_infos(*found) if found else FieldInfo()


def _metadata(hint) -> list:
    extras = list(getattr(hint, "__metadata__", ()))
    for arg in get_args(hint):
        extras += _metadata(arg)
    return extras


def keys(table: type) -> dict[str, str]:
    """{key as written in settings.toml: attribute of Settings} for one table."""
    return {(_field_info(table, f.name).alias or f.name): f.name for f in fields(table)}


def expects(table: type, name: str) -> str | None:
    """What a numeric setting accepts, in words ("a whole number from 1 to 64"); None for others."""
    return _field_info(table, name).description


# settings.toml's tables in the order the reader reports them; `rules` is read by rule name.
TABLES: dict[str, type] = {
    "organiser": OrganiserTable,
    "rules": RuleTable,
    "windows": WindowsTable,
    "travel": TravelTable,
    "solver": SolverTable,
    "calendar": CalendarTable,
    "expenses": ExpensesTable,
}


@dataclass
class Settings(NoticeKeys, CountySpreadKeys, VenueRotationKeys, ExpensesTable, CalendarTable, SolverTable,
               TravelTable, WindowsTable, OrganiserTable):
    """Every setting, flat: `settings.parent_start`, `settings.seed`, `settings.rules[name]`."""

    rules: dict[str, RuleSetting] = field(default_factory=dict)
    organiser_is_placeholder: bool = True
