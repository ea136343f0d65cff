"""The model's rules, in the order they are built: the registry's, plus one redundant cut.

Each rule's constraints and share of the objective live in its own home (`scheduler/rules/`);
this module only orders them for `model.context.build`: every rule's value filter, then every
rule's constraints (which return their objective terms), by `Rule.model_order`.
"""

from __future__ import annotations

from scheduler.model.context import ModelContext, Penalty, RuleUnit
from scheduler.rules import MODEL_ORDER, VALUE_RULES
from scheduler.rules.base import Rule

# The least-compromise cut goes after the rules with this model_order or lower (the rules that
# price single values and (day, start) pairs), as it was measured.
LEAST_COMPROMISE_AFTER = 90


def least_compromise(ctx: ModelContext) -> list[Penalty]:
    """A redundant cut: the fewest single-occurrence compromises any placement must make.

    A mixed meeting of parent carers and young people cannot keep every time rule; saying so up
    front (computed here over the rules' values and (day kind, start) pairs) lets the solver prove
    optimality at once instead of discovering the bound by search.
    """
    slot_rules = [r for r in MODEL_ORDER if r.judges_slot]
    counted = {r.name for r in VALUE_RULES} | {r.name for r in slot_rules}
    by_occurrence: dict[tuple[str, int] | None, list] | None = None
    for c in ctx.choices:
        if c.fixed or not (c.days and c.times and c.venues):
            continue
        counts = {}
        for kind in ("day", "time", "venue"):
            rules = [r.name for r in VALUE_RULES if r.kind == kind]
            values = {"day": c.days, "time": c.times, "venue": c.venues}[kind]
            counts[kind] = [sum(1 for r in rules if v in c.soft_bad.get(r, ())) for v in values]
        soft = [r for r in slot_rules if r.applies(ctx.ds, c.meeting) and r.strength(ctx) == "soft"]
        keepers = [r.slot_keeper(ctx, c) for r in soft]
        # one day of each kind that the slot rules tell apart, with its count of value compromises
        kinds: dict[tuple, object] = {}
        for d, n in zip(c.days, counts["day"], strict=True):
            kinds.setdefault((tuple(r.day_class(ctx, d) for r in soft), n), d)
        best_dt = min(
            n_day + n_time + sum(not keeps(d, t) for keeps in keepers)
            for (_cls, n_day), d in kinds.items()
            for t, n_time in zip(c.times, counts["time"], strict=True)
        )
        bound = best_dt + min(counts["venue"])
        if bound <= 0:
            continue
        if by_occurrence is None:  # once, and only when some occurrence needs it (was a scan per occurrence)
            by_occurrence = {}
            for p in ctx.penalties:
                if p.rule in counted:
                    by_occurrence.setdefault(p.occurrence, []).append(p.expr)
        exprs = by_occurrence.get(c.key)
        if exprs:
            ctx.model.Add(sum(exprs) >= bound * c.placed)
    return []


def _units() -> list[tuple[str, RuleUnit]]:
    out: list[tuple[str, RuleUnit]] = []
    for rule in MODEL_ORDER:
        out.append((rule.name, rule.constrain))
        if rule.model_order == LEAST_COMPROMISE_AFTER:
            out.append(("(bound) least_compromise", least_compromise))
    return out


# What `model.context.build` is given: each rule's filter, then each rule's constraints.
FILTERS = [r.filter for r in MODEL_ORDER if type(r).filter is not Rule.filter]
RULE_UNITS: list[tuple[str, RuleUnit]] = _units()
