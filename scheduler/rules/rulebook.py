"""The framework's rules by name: the one ordered list of what the engine enforces.

Each rule's behaviour lives in `constraints.py` (the solver) and `validate.py` (the
independent checker); this table holds what both, the settings and the explanations share.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH_WEIGHT = 100_000


@dataclass(frozen=True)
class RuleInfo:
    name: str
    strength: str  # default: "hard", "soft" or "objective"
    weight: int
    summary: str  # plain English, used in explanations and the report
    may_be_soft: bool = True
    time_rule: bool = False  # made hard by --strict


RULES: tuple[RuleInfo, ...] = (
    RuleInfo("parent_term_time", "soft", HIGH_WEIGHT,
             "parent carers meet on school days (term time, not a bank holiday or INSET day)",
             time_rule=True),
    RuleInfo("parent_core_hours", "soft", HIGH_WEIGHT,
             "parent carers meet between 10:00 and 14:00", time_rule=True),
    RuleInfo("young_people_hours", "soft", HIGH_WEIGHT,
             "young people meet after school or college on school days, or 10:00 to 16:00 on other days",
             time_rule=True),
    RuleInfo("venue_access", "hard", 0,
             "the venue has every access feature that an attendee needs"),
    RuleInfo("young_people_venue", "soft", HIGH_WEIGHT,
             "venues for young people are step-free and have a hoist toilet"),
    RuleInfo("venue_capacity", "hard", 0, "the venue holds everyone invited"),
    RuleInfo("venue_open", "hard", 0,
             "the venue is open on that day for the whole meeting", may_be_soft=False),
    RuleInfo("venue_clash", "hard", 0, "a venue hosts one meeting at a time", may_be_soft=False),
    RuleInfo("attendee_clash", "hard", 0,
             "nobody is in two meetings at once, and there is time to travel between same-day meetings",
             may_be_soft=False),
    RuleInfo("attendee_unavailable", "hard", 10_000,
             "people are not booked on days they said they cannot come"),
    RuleInfo("travel_limit", "hard", 10_000,
             "each person's journey from home is within their travel limit"),
    RuleInfo("travel_time", "objective", 1,
             "families' total travel is as low as possible and shared fairly over the year"),
    RuleInfo("venue_rotation", "soft", 10_000,
             "a series moves between venues rather than always meeting in one place"),
    RuleInfo("papers_ahead", "hard", 0,
             "papers can go out on a working day before the meeting, after planning starts"),
    RuleInfo("series_spacing", "hard", 0,
             "one meeting per period of a series, at least the minimum gap apart"),
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)
BY_NAME: dict[str, RuleInfo] = {r.name: r for r in RULES}
TIME_RULES: tuple[str, ...] = tuple(r.name for r in RULES if r.time_rule)

# Rules whose hard form binds required attendees while optional attendees only add a penalty.
SPLIT_BY_ATTENDANCE: frozenset[str] = frozenset({"attendee_unavailable", "travel_limit"})
