"""The words of report.html: labels, money, months, and engine messages in plain words.

Partners read the report, so rule names become their plain-English summaries (from the rule
registry) and venue feature names their labels, and sentences that tell the organiser to run a
command are left out of it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from scheduler.core.domain import FEATURE_LABELS, FEATURES
from scheduler.core.wording import MONTH_NAMES
from scheduler.rules import BY_NAME

GRID_KM = 10.0  # people with a map position but no postcode district are counted in cells this big
SPREAD_FROM = 4  # county_spread applies to a series with this many occurrences in the plan
# The defaults of venue_rotation's near_km and county_spread's place_km and min_places (PRODUCT.md).
NEAR_KM, PLACE_KM, MIN_PLACES = 3.0, 5.0, 3
MIN_PEOPLE_PER_CELL = 3  # a cell with fewer people is not drawn or listed

ROLE_LABELS = {"parent_carer": "parent carer", "young_person": "young person", "professional": "professional"}
RECURRENCE_LABELS = {"once": "once", "termly": "once a term", "half-termly": "once every half term",
                     "monthly": "once a month", "quarterly": "once a quarter"}
LEVEL_MEANINGS = {
    "co-production": "Parent carers and young people are equal members of the team that designs, "
                     "develops and improves services with professionals.",
    "participation": "Parent carers and young people work with the groups that make decisions, to "
                     "decide what should happen and shape services.",
    "consultation": "Parent carers and young people are asked what they think about particular "
                    "plans or issues.",
    "information": "Parent carers and young people are told what is happening.",
    "": "No participation level is given for these series in the list of meetings.",
}
SHORT_FEATURES = {"step_free": "Step-free", "lift": "Lift", "accessible_toilet": "Accessible toilet",
                  "hoist_toilet": "Hoist toilet", "accessible_parking": "Accessible parking",
                  "hearing_loop": "Hearing loop", "quiet_room": "Quiet room",
                  "public_transport": "Bus or train nearby"}
SOLVER_QUALITY = {
    "OPTIMAL": "This is the best possible plan under the rules (the solver proved it).",
    "FEASIBLE": "This is a good plan, but not proven the best: the solver's time limit stopped the "
                "search. A longer time limit may find a better one.",
    "UNKNOWN": "The solver found no plan within its time limit. Try a longer time limit.",
    "INFEASIBLE": "No plan can keep every hard rule for these meetings together.",
}


# --- words ----------------------------------------------------------------------------------------

def month_year(d: date) -> str:
    """'January 2027'."""
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def money(value: Decimal) -> str:
    """'£1,234.50'."""
    return f"£{value:,.2f}"


def rule_info(rule: str) -> dict:
    """A rule's name (for organisers) and its plain-English summary (for everyone)."""
    info = BY_NAME.get(rule)
    summary = info.summary if info else "a rule of the framework"
    return {"name": rule, "summary": summary, "sentence": summary[:1].upper() + summary[1:],
            "known": info is not None}


_RULE_NAME = re.compile(r"\b(" + "|".join(sorted(map(re.escape, BY_NAME), key=len, reverse=True)) + r")\b")
_FEATURE_NAME = re.compile(r"\b(" + "|".join(sorted(FEATURES, key=len, reverse=True)) + r")\b")
_COMMAND = re.compile(r"\bschedule (?:explain|propose|whatif|check|init|serve)\b|(?:^|[\s(])--[a-z]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def rules_named(text: str) -> list[str]:
    """The rule names that a message of the engine mentions, in order of first mention."""
    return list(dict.fromkeys(_RULE_NAME.findall(text or "")))


def for_partners(text: str) -> str:
    """An engine message as partners read it: rules in plain words, no command lines.

    Each rule name becomes its summary in quotation marks and each venue feature its label
    (hoist_toilet: hoist toilet (Changing Places)); a sentence that tells the organiser
    to run a command is left out (the organiser finds those in the terminal and in explain).
    """
    sentences = [x for x in _SENTENCE_END.split((text or "").strip()) if x and not _COMMAND.search(x)]
    text = _RULE_NAME.sub(lambda m: f"\u201c{BY_NAME[m.group(1)].summary}\u201d", " ".join(sentences))
    return _FEATURE_NAME.sub(lambda m: FEATURE_LABELS[m.group(1)], text)


def one_year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def iso_or_text(value) -> tuple[date | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, date):
        return value, value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text), text
    except ValueError:
        return None, text
