"""The registry: every rule of PRODUCT.md section 2, one module each, in the order outputs list them.

Everything else (the model, the validator, the starting plan, explanations, what-ifs, the
report) loops over `RULES`; nothing else branches on a rule's name. To add a rule, write its
module (see `base.py` and any rule here) and add it below; `tests/test_rules_registry.py` checks
that it has every part.
"""

from __future__ import annotations

from scheduler.model.context import ModelContext
from scheduler.rules import (
    attendee_clash,
    attendee_unavailable,
    closure_days,
    county_spread,
    even_rhythm,
    notice,
    one_meeting_a_day,
    papers_ahead,
    parent_core_hours,
    parent_term_time,
    series_spacing,
    travel_limit,
    travel_time,
    venue_access,
    venue_capacity,
    venue_clash,
    venue_open,
    venue_rotation,
    young_people_hours,
    young_people_venue,
)
from scheduler.rules.base import Rule, RuleInfo, ValueRule

RULES: tuple[Rule, ...] = (
    parent_term_time.RULE,
    parent_core_hours.RULE,
    young_people_hours.RULE,
    venue_access.RULE,
    young_people_venue.RULE,
    venue_capacity.RULE,
    venue_open.RULE,
    venue_clash.RULE,
    attendee_clash.RULE,
    attendee_unavailable.RULE,
    travel_limit.RULE,
    travel_time.RULE,
    venue_rotation.RULE,
    county_spread.RULE,
    papers_ahead.RULE,
    series_spacing.RULE,
    even_rhythm.RULE,
    closure_days.RULE,
    one_meeting_a_day.RULE,
    notice.RULE,
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)
BY_NAME: dict[str, RuleInfo] = {r.name: r.info for r in RULES}
RULE: dict[str, Rule] = {r.name: r for r in RULES}
TIME_RULES: tuple[str, ...] = tuple(r.name for r in RULES if r.info.time_rule)
# Rules whose hard form binds required attendees while optional attendees only add a penalty.
SPLIT_BY_ATTENDANCE: frozenset[str] = frozenset(r.name for r in RULES if r.info.split_by_attendance)
# The order the model is built in (filters, then constraints): see `Rule.model_order`.
MODEL_ORDER: tuple[Rule, ...] = tuple(sorted(RULES, key=lambda r: r.model_order))
VALUE_RULES: tuple[ValueRule, ...] = tuple(r for r in MODEL_ORDER if isinstance(r, ValueRule))


def strength(ctx: ModelContext, name: str) -> str:
    """A rule's strength in this model (hard, soft or off)."""
    return RULE[name].strength(ctx)


def rule_order(name: str) -> int:
    """Position in the registry (outputs list rules in this order); unknown names last."""
    return RULE_NAMES.index(name) if name in RULE else 99
