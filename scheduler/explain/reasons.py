"""The reason column: rules_relaxed from the independent checker, and a short reason per row.

`annotate` (run by every plan) fills `reason`: the short form of the full explanation for
occurrences that cannot be placed, and a one-line reason, read from the occurrence's choices
without solving, for placed ones that relax a rule. The short form never names a participant,
their needs or their travel: the report, which partners read, shows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from scheduler.core.domain import Dataset, Plan
from scheduler.core.wording import join
from scheduler.engine.validate import check, relaxed_rules
from scheduler.explain.answers import Explainer
from scheduler.explain.search import key_of
from scheduler.model.context import Choice, ModelContext, Options
from scheduler.rules import RULE, RULES, TIME_RULES
from scheduler.rules.base import roles as roles_of

# annotate() explains at most this many unplaced occurrences in full, with this many solves each.
ANNOTATE_MAX_OCCURRENCES = 40
ANNOTATE_SOLVES_EACH = 120
# Rules that rule a slot out only together with the other meetings (named when nothing else is).
TOGETHER = tuple(r.name for r in RULES if r.info.strength == "hard"
                 and (r.between or getattr(r, "pure", True) is False))


def annotate(ds: Dataset, plan: Plan, ctx: ModelContext, only: set[tuple[str, int]] | None = None) -> None:
    """Fill rules_relaxed (from the independent checker) and the short reason of each row.

    `only` limits the reasons filled to those rows (a what-if keeps a few rows of a plan it
    otherwise drops); each is the reason the whole annotation would give it.
    """
    findings = check(ds, plan.placements, plan.planning, strict=ctx.options.strict)
    relaxed = relaxed_rules(findings)
    for p in plan.placements:
        if p.scheduled:
            p.rules_relaxed = relaxed.get(key_of(p), ())
    ex: Explainer | None = None
    explained = 0
    # Without a plan (the search stopped before finding one) there is nothing to explain against.
    found = plan.solver_status in ("OPTIMAL", "FEASIBLE")
    # A search that ended with no plan at all: the engine's own reason (its time limit) stands.
    searched = found or plan.solver_status == "INFEASIBLE"
    for p in plan.placements:
        key = key_of(p)
        c = ctx.by_key.get(key)
        if only is not None and key not in only:
            explained += not p.scheduled and searched and found  # as if explained: the same cap
            continue
        if p.scheduled:
            p.reason = relaxed_reason(ctx, c, p.rules_relaxed) if (p.rules_relaxed and c) else ""
            continue
        if not searched:
            continue
        if found and explained < ANNOTATE_MAX_OCCURRENCES:
            if ex is None:
                ex = Explainer(ds, plan.planning, plan.placements, occs=ctx.all_occurrences,
                               options=Options(strict=ctx.options.strict,
                                               rule_strength=dict(ctx.options.rule_strength)))
            ex.budget = ex.solves + ANNOTATE_SOLVES_EACH
            p.reason = ex.explain_unplaced(key, ways_out=False)["short"]
            explained += 1
        else:
            p.reason = short_reason(c) if c else "Not placed."


def relaxed_reason(ctx: ModelContext, c: Choice, relaxed: Iterable[str]) -> str:
    """One line on why a placed occurrence relaxes rules, read from its choices without solving.

    The framework's time rules are judged together (a mixed meeting cannot keep them all); each
    other rule says why in its own words (`Rule.relaxed_reason`).
    """
    ds = ctx.ds
    relaxed = list(relaxed)
    roles = roles_of(ds, c.meeting)
    parts = []
    time_rules = [r for r in relaxed if r in TIME_RULES]
    if time_rules:
        applicable = [r for r in TIME_RULES if RULE[r].applies(ds, c.meeting)]
        keepers = [RULE[r].slot_keeper(ctx, c) for r in applicable]
        # the time rules judge a day by whether it is a school day: one day of each kind will do
        kinds: dict[bool, object] = {}
        for d in c.days:
            kinds.setdefault(ctx.cal.is_school_day(d), d)
        best = min((sum(not keeps(d, t) for keeps in keepers) for d in kinds.values() for t in c.times), default=0)
        if best >= 1 and len(applicable) > 1:
            who = ("parent carers and young people meet together, and "
                   if {"parent_carer", "young_person"} <= roles else "")
            parts.append(f"{who}no day and time in the period keeps {join(applicable)} all at once, "
                         f"so {join(time_rules)} gave way")
        elif best >= 1:
            parts.append(f"no day and time in the period keeps {join(time_rules)}")
        else:
            parts.append(f"the days and times that keep {join(time_rules)} are ruled out by the venues' "
                         "opening hours, other meetings or heavier rules")
    for r in relaxed:
        if r not in TIME_RULES:
            parts.append(RULE[r].relaxed_reason(ctx, c) if r in RULE else f"keeping {r} would break heavier rules")
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _counts(removed: dict) -> str:
    counter = Counter(rule for rules in removed.values() for rule in rules)
    return ", ".join(f"{rule} rules out {n}" for rule, n in counter.most_common())


def short_reason(c: Choice) -> str:
    """The cheapest reason, from the occurrence's filtered choices alone."""
    period = f"{c.occ.period_label} ({c.occ.planned.first} to {c.occ.planned.last})"
    if not c.days:
        return f"No day in {period} is possible: {_counts(c.removed_days)}."
    if not c.venues:
        return f"No venue is possible: {_counts(c.removed_venues)}."
    if not c.times:
        return f"No start time is possible: {_counts(c.removed_times)}."
    return (f"Every remaining day, time and venue in {period} is ruled out by {join(TOGETHER, 'or')} "
            "together with the other meetings.")

