"""Plain-English explanations: why each occurrence sits where it does, and what stops the rest.

Every explanation is checked by the solver itself, on small models of one occurrence (the
"target") with the meetings around it either locked where the plan put them or free to move:

- An occurrence that cannot be placed gets a minimal set of rules that together rule out every
  day, time and venue (a deletion filter: switch one rule off at a time and leave it off while
  the occurrence stays impossible, after trying the single rules and pairs that empty a whole
  choice), the facts behind each rule, and the nearest ways out: each rule of the set relaxed on
  its own, solved again to say where the meeting would then go.
- An occurrence that could be placed on its own but not with the rest of the programme gets the
  minimal set of other occurrences it collides with, found the same way, and the rules that
  make them collide.
- A placed occurrence gets the rules it keeps, why it relaxes any (the rules that no day, time
  and venue keeps together), the families' travel, and the next-best venue and day with what
  each would cost.

`annotate` (run by every plan) fills the `reason` column: the short form of the same
explanation for occurrences that cannot be placed, and a one-line reason, read from the
occurrence's choices without solving, for placed ones that relax a rule. The short form never
names a participant, their needs or their travel: the report, which partners read, shows it.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from scheduler.core.domain import (
    FEATURE_LABELS,
    Dataset,
    DateRange,
    Meeting,
    Occurrence,
    Placement,
    Plan,
    hhmm,
    sort_key,
)
from scheduler.engine.solve import build_context, family_travel
from scheduler.engine.validate import check, relaxed_rules
from scheduler.model.context import Choice, ModelContext, Options
from scheduler.model.weights import HIGH_WEIGHT
from scheduler.rules import BY_NAME, RULE, RULE_NAMES, SPLIT_BY_ATTENDANCE, TIME_RULES, VALUE_RULES
from scheduler.rules.base import OPTIONAL, REQUIRED
from scheduler.rules.parent_core_hours import core_ok
from scheduler.rules.young_people_hours import after_school_start, hours_ok
from scheduler.world import facts
from scheduler.world.calendar import occurrences

Key = tuple[str, int]
Slot = tuple[date, int, str]

PLACED, IMPOSSIBLE, UNKNOWN = "placed", "impossible", "unknown"
CONSISTENT = "consistent"  # the meetings around it fit; nothing was asked of the target
PAIRWISE = ("venue_clash", "attendee_clash", "series_spacing", "venue_rotation")
UNARY_KIND = {r.name: r.kind for r in VALUE_RULES if r.pure}  # pure value filters
KIND_WORDS = {"day": "day", "time": "start time", "venue": "venue"}
# Explanation solves are tiny; a deterministic limit keeps their answers the same on every run.
STEP_DETERMINISTIC_LIMIT = 5.0
STEP_WALL_LIMIT = 30.0
# annotate() explains at most this many unplaced occurrences in full, with this many solves each.
ANNOTATE_MAX_OCCURRENCES = 40
ANNOTATE_SOLVES_EACH = 120


def _key(p: Placement | Occurrence) -> Key:
    o = p.occurrence if isinstance(p, Placement) else p
    return (o.meeting_id, o.number)


def day_text(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _join(items: Iterable[str], word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _rule_list(rules: Iterable[str]) -> str:
    return _join(list(rules))


@dataclass
class Outcome:
    status: str
    slots: dict[Key, Slot] = field(default_factory=dict)
    cost: float | None = None

    @property
    def placed(self) -> bool:
        return self.status == PLACED


@dataclass
class Domain:
    """One occurrence with every rule off: its whole choice, and what each value rule removes."""

    occ: Occurrence
    meeting: Meeting
    ctx: ModelContext
    choice: Choice
    removes: dict[str, set]  # rule -> values it removes for required attendees
    optional: dict[str, set]  # rule -> values it removes only for optional attendees

    def values(self, kind: str) -> list:
        return {"day": self.choice.days, "time": self.choice.times, "venue": self.choice.venues}[kind]

    def removed(self, rule: str, promote: bool = False) -> set:
        out = set(self.removes.get(rule, set()))
        if promote:
            out |= self.optional.get(rule, set())
        return out


class Explainer:
    """Answers "why?" about one plan by solving small models around each occurrence."""

    def __init__(self, ds: Dataset, planning: DateRange, placements: list[Placement], *,
                 occs: list[Occurrence] | None = None, options: Options | None = None,
                 seed: int | None = None, budget: int | None = None):
        self.ds = ds
        self.planning = planning
        base = options or Options()
        self.strict = base.strict
        self.base_strength = dict(base.rule_strength)
        self.occs = list(occs) if occs is not None else occurrences(ds, planning)
        self.occ_by_key = {_key(o): o for o in self.occs}
        self.placements = {_key(p): p for p in placements}
        self.slots: dict[Key, Slot] = {k: (p.day, p.start, p.venue_id) for k, p in self.placements.items()
                                       if p.scheduled and p.day is not None and p.start is not None}
        probe = ModelContext(ds, planning, [], Options(strict=self.strict, rule_strength=self.base_strength))
        self.cal = probe.cal
        self.travel = probe.travel
        self.strength = {r: RULE[r].strength(probe) for r in RULE_NAMES}
        self.seed = ds.settings.seed if seed is None else seed
        self.budget = budget
        self.solves = 0
        self._variants: dict[tuple, Dataset] = {}
        self._domains: dict[Key, Domain] = {}

    # -- the solver ------------------------------------------------------------------------
    def _variant(self, strengths: dict[str, str], promote: frozenset[str]) -> Dataset:
        """The data with heavier weights for hard rules made soft, and optional attendees promoted."""
        bump = tuple(sorted(r for r, s in strengths.items()
                            if s == "soft" and self.ds.settings.rules[r].weight == 0))
        if not bump and not promote:
            return self.ds
        key = (bump, promote)
        if key not in self._variants:
            rules = dict(self.ds.settings.rules)
            for r in bump:
                rules[r] = dataclasses.replace(rules[r], weight=HIGH_WEIGHT)
            meetings = dict(self.ds.meetings)
            for mid in promote:
                m = meetings[mid]
                meetings[mid] = dataclasses.replace(m, attendees=m.everyone, optional_attendees=())
            settings = dataclasses.replace(self.ds.settings, rules=rules)
            self._variants[key] = dataclasses.replace(self.ds, settings=settings, meetings=meetings)
        return self._variants[key]

    def solve(self, target: Key, *, free: Iterable[Key] = (), locked: dict[Key, Slot] | None = None,
              strengths: dict[str, str] | None = None, promote: Iterable[str] = (), require: bool = True,
              optimise: bool = False, forbid_venue: str | None = None, forbid_day: date | None = None,
              pin: Slot | None = None) -> Outcome:
        """Place `target` (and every `free` occurrence) around the `locked` ones.

        `pin` places the target at one slot while still pricing it (a lock would not).
        """
        if self.budget is not None and self.solves >= self.budget:
            return Outcome(UNKNOWN)
        self.solves += 1
        free = [k for k in free if k != target]
        locked = {k: v for k, v in (locked or {}).items() if k not in free}
        merged = {**self.base_strength, **(strengths or {})}
        ds = self._variant(merged, frozenset(promote))
        opts = Options(strict=self.strict, rule_strength=merged, only={target, *free, *locked}, lock=dict(locked))
        ctx = self._build(ds, opts)
        model = ctx.model
        c = ctx.by_key.get(target)
        if c is None:
            return Outcome(UNKNOWN)
        if require and not c.fixed:
            model.Add(c.placed == 1)
        for k in free:
            if k in ctx.by_key:
                model.Add(ctx.by_key[k].placed == 1)
        if forbid_venue is not None and (y := c.venue_var(forbid_venue)) is not None:
            model.Add(y == 0)
        if forbid_day is not None and forbid_day in c.days:
            model.Add(c.x_day[c.days.index(forbid_day)] == 0)
        if pin is not None:
            d, t, v = pin
            if d not in c.days or t not in c.times or v not in c.venues:
                return Outcome(UNKNOWN)
            model.Add(c.x_day[c.days.index(d)] == 1)
            model.Add(c.x_time[c.times.index(t)] == 1)
            model.Add(c.y[c.venues.index(v)] == 1)
        if not optimise:
            model.ClearObjective()
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        p.random_seed = self.seed
        p.max_deterministic_time = STEP_DETERMINISTIC_LIMIT
        p.max_time_in_seconds = STEP_WALL_LIMIT
        # Probing in presolve costs more than it saves on these small models: about a quarter of
        # the explanations' solving time on CSPLib problem 046 (benchmarks/RESULTS.md).
        p.cp_model_probing_level = 0
        status = solver.Solve(model)
        if status == cp_model.INFEASIBLE:
            return Outcome(IMPOSSIBLE)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Outcome(UNKNOWN)
        slots = {}
        for ch in ctx.choices:
            if ch.fixed or not solver.Value(ch.placed):
                continue
            slots[ch.key] = (_pick(solver, ch.days, ch.x_day), _pick(solver, ch.times, ch.x_time),
                             _pick(solver, ch.venues, ch.y))
        cost = solver.ObjectiveValue() if optimise else None
        if target not in slots and not c.fixed:
            if not optimise:
                return Outcome(CONSISTENT, slots)
            # Allowed to stay unplaced and left so: with an optimal answer that means impossible.
            return Outcome(IMPOSSIBLE if status == cp_model.OPTIMAL else UNKNOWN, slots, cost)
        return Outcome(PLACED, slots, cost)

    def _build(self, ds: Dataset, opts: Options) -> ModelContext:
        """solve.build_context, sharing one journey-time cache and one calendar across the many
        small models (the journeys are the same in every variant of the data)."""
        return build_context(ds, self.planning, self.occs, opts, travel=self.travel, cal=self.cal)

    # -- what one occurrence could be --------------------------------------------------------
    def domain(self, key: Key) -> Domain:
        if key not in self._domains:
            occ = self.occ_by_key[key]
            off = {r: "off" for r in RULE_NAMES}
            ctx = ModelContext(self.ds, self.planning, [occ], Options(strict=self.strict, rule_strength=off),
                               travel=self.travel, cal=self.cal)
            c = ctx.choices[0]
            removes: dict[str, set] = {}
            optional: dict[str, set] = {}
            for rule in VALUE_RULES:
                if not rule.pure or not rule.relevant(ctx, c):
                    continue
                verdicts = {v: rule.verdict(ctx, c, v) for v in rule.values(c)}
                removes[rule.name] = {v for v, x in verdicts.items() if x == REQUIRED}
                optional[rule.name] = {v for v, x in verdicts.items() if x == OPTIONAL}
            self._domains[key] = Domain(occ, self.ds.meetings[occ.meeting_id], ctx, c, removes, optional)
        return self._domains[key]

    def roles(self, meeting: Meeting) -> set[str]:
        return {p.role for p in facts.attendees(self.ds, meeting)}

    def applicable(self, meeting: Meeting) -> list[str]:
        """The rules that bear on this meeting at all."""
        roles = self.roles(meeting)
        out = []
        for r in RULE_NAMES:
            if r in ("parent_term_time", "parent_core_hours") and "parent_carer" not in roles:
                continue
            if r in ("young_people_hours", "young_people_venue") and "young_person" not in roles:
                continue
            if r in ("venue_rotation", "series_spacing") and meeting.recurrence == "once":
                continue
            if r == "papers_ahead" and meeting.papers_days <= 0:
                continue
            out.append(r)
        return out

    def hard_rules(self) -> set[str]:
        return {r for r in RULE_NAMES if self.strength[r] == "hard"}

    def candidates(self, keys: Iterable[Key], rules: Iterable[str], *, others: bool,
                   promote: bool = False) -> list[str]:
        """The rules that can bear on these occurrences (a rule that removes nothing cannot)."""
        keys = list(keys)
        doms = [self.domain(k) for k in keys]
        applicable = set().union(*(self.applicable(d.meeting) for d in doms))
        out = []
        for r in RULE_NAMES:
            if r not in rules or r not in applicable or r == "travel_time":
                continue
            if r in PAIRWISE and not others:
                continue
            if r in UNARY_KIND and not any(d.removed(r, promote) for d in doms):
                continue
            out.append(r)
        return out

    # -- minimal sets ---------------------------------------------------------------------------
    def _impossible(self, target: Key, active: Iterable[str], free=(), locked=None, promote=()) -> str:
        active = set(active)
        strengths = {r: ("hard" if r in active else "off") for r in RULE_NAMES}
        return self.solve(target, free=free, locked=locked, strengths=strengths, promote=promote).status

    def minimal_rules(self, target: Key, candidates: list[str], *, free: list[Key] = (),
                      locked: dict[Key, Slot] | None = None, promote: Iterable[str] = (),
                      last: Iterable[str] = ()) -> list[str] | None:
        """A minimal subset of `candidates` that keeps `target` impossible, or None if it is not."""
        free = list(free)
        promote = tuple(promote)
        if self._impossible(target, candidates, free, locked, promote) != IMPOSSIBLE:
            return None
        if locked:
            strengths = {r: ("hard" if r in candidates else "off") for r in RULE_NAMES}
            if self.solve(target, free=free, locked=locked, strengths=strengths, promote=promote,
                          require=False).status == IMPOSSIBLE:
                # The meetings around it cannot stay as planned under these rules (they relax one
                # among themselves): judge the occurrence without them.
                return self.minimal_rules(target, [r for r in candidates if r not in PAIRWISE or free],
                                          free=free, promote=promote, last=last)
        dom = self.domain(target)
        if not all(dom.values(kind) for kind in ("day", "time", "venue")) and \
                self._impossible(target, [], free, None, promote) == IMPOSSIBLE:
            return []  # nothing fits whatever the rules: the meeting is longer than any venue opens
        best = self._small_cover(target, candidates, free, locked, promote)
        if best is not None:
            return best
        last = set(last)

        def score(r: str) -> float:
            kind = UNARY_KIND.get(r)
            if kind is None or free:
                return 0.5
            values = dom.values(kind)
            return len(dom.removed(r, bool(promote))) / max(len(values), 1)

        active = list(candidates)
        for r in sorted(candidates, key=lambda r: (r in last, score(r), RULE_NAMES.index(r))):
            trial = [x for x in active if x != r]
            if self._impossible(target, trial, free, locked, promote) == IMPOSSIBLE:
                active = trial
        return [r for r in RULE_NAMES if r in active]

    def _small_cover(self, target, candidates, free, locked, promote) -> list[str] | None:
        """One rule, or two rules of one kind, that together empty a whole choice of the target."""
        if free:
            return None
        dom = self.domain(target)
        unary = [r for r in candidates if r in UNARY_KIND]
        for kind in ("venue", "day", "time"):
            values = set(dom.values(kind))
            rules = [r for r in unary if UNARY_KIND[r] == kind]
            for r in rules:
                if values <= dom.removed(r, bool(promote)) and \
                        self._impossible(target, [r], free, locked, promote) == IMPOSSIBLE:
                    return [r]
        # A single rule that needs the solver (venue_open, young_people_hours, the pairwise rules).
        for r in candidates:
            if r not in UNARY_KIND and self._impossible(target, [r], free, locked, promote) == IMPOSSIBLE:
                return [r]
        for kind in ("venue", "day", "time"):
            values = set(dom.values(kind))
            rules = [r for r in unary if UNARY_KIND[r] == kind]
            for i, a in enumerate(rules):
                for b in rules[i + 1:]:
                    if values <= dom.removed(a, bool(promote)) | dom.removed(b, bool(promote)) and \
                            self._impossible(target, [a, b], free, locked, promote) == IMPOSSIBLE:
                        return [x for x in RULE_NAMES if x in (a, b)]
        return None

    def minimal_others(self, target: Key, pool: list[Key], *, free: bool) -> list[Key]:
        """A minimal set of other occurrences (locked where planned, or free) that blocks `target`."""
        active = list(pool)
        for k in sorted(pool, key=lambda k: (-self._distance(target, k), k)):
            trial = [x for x in active if x != k]
            if free:
                status = self.solve(target, free=trial).status
            else:
                status = self.solve(target, locked={x: self.slots[x] for x in trial}).status
            if status == IMPOSSIBLE:
                active = trial
        return sorted(active)

    def _distance(self, a: Key, b: Key) -> int:
        """How loosely b bears on a: same series first, then shared people, then shared venues."""
        ma, mb = self.ds.meetings[a[0]], self.ds.meetings[b[0]]
        if a[0] == b[0]:
            return abs(a[1] - b[1])
        return 10 if set(ma.everyone) & set(mb.everyone) else 20

    # -- what is around an occurrence -----------------------------------------------------
    def interactors(self, keys: Iterable[Key], exclude: Iterable[Key] = ()) -> list[Key]:
        """Placed occurrences that can constrain any of `keys` wherever in their periods they go."""
        keys = set(keys)
        exclude = set(exclude) | keys
        out: set[Key] = set()
        for key in keys:
            occ = self.occ_by_key[key]
            m = self.ds.meetings[key[0]]
            people = set(m.everyone)
            venues = set(m.venues) if m.venues is not None else set(self.ds.venues)
            same = sorted(k for k in self.slots if k[0] == key[0] and k != key)
            before = [k for k in same if k[1] < key[1]]
            after = [k for k in same if k[1] > key[1]]
            gap = timedelta(days=m.min_gap_days)
            for k2, (d, _t, v) in self.slots.items():
                if k2 in exclude:
                    continue
                if k2[0] == key[0]:
                    near = occ.planned.first - gap < d < occ.planned.last + gap
                    if near or (before and k2 == before[-1]) or (after and k2 == after[0]):
                        out.add(k2)
                elif d in occ.planned and (people & set(self.ds.meetings[k2[0]].everyone) or v in venues):
                    out.add(k2)
        return sorted(out)

    def context(self, keys: Iterable[Key], exclude: Iterable[Key] = ()) -> dict[Key, Slot]:
        return {k: self.slots[k] for k in self.interactors(keys, exclude)}

    def _hardened_context(self, key: Key, context: dict[Key, Slot]) -> dict[Key, Slot]:
        """The context without other series' meetings whose own series relaxes rotation or
        spacing between them: made hard, that would rule out everything, whatever the target."""
        findings = self._plan_findings()
        out = {}
        for k, slot in context.items():
            series_rule = any((k[0], k[1], r) in findings for r in ("venue_rotation", "series_spacing"))
            partner = any(o[0] == k[0] and o != k for o in context)
            if k[0] != key[0] and series_rule and partner:
                continue
            out[k] = slot
        return out

    # -- facts about a placement --------------------------------------------------------------
    def placement_at(self, key: Key, slot: Slot) -> Placement:
        occ = self.occ_by_key[key]
        m = self.ds.meetings[key[0]]
        d, t, v = slot
        total, worst = family_travel(self.ds, self.travel, m.everyone, v)
        return Placement(occ, "scheduled", d, t, t + m.duration_minutes, v, self.cal.papers_due(d, m.papers_days),
                         travel_total=total, travel_max=worst)

    def broken_at(self, key: Key, slot: Slot, moves: dict[Key, Slot] | None = None,
                  drop: Key | None = None) -> tuple[list[str], list[str]]:
        """(soft rules relaxed, hard rules broken) by `key` at `slot` and by the `moves` it needs,
        the rest of the plan as it is (without `drop`); the independent checker decides."""
        moved = {key: slot, **(moves or {})}
        rows = []
        for k, p in self.placements.items():
            if k == drop:
                rows.append(Placement(p.occurrence, "unscheduled"))
            else:
                rows.append(self.placement_at(k, moved[k]) if k in moved else p)
        before = self._plan_findings()
        findings = [f for f in check(self.ds, rows, self.planning, strict=self.strict)
                    if (f.meeting_id, f.occurrence) in moved and "missing from the proposals" not in f.message
                    and ((f.meeting_id, f.occurrence) == key or (f.meeting_id, f.occurrence, f.rule) not in before)]
        soft = {f.rule for f in findings if not f.hard}
        hard = {f.rule for f in findings if f.hard}
        return sorted(soft, key=RULE_NAMES.index), sorted(hard, key=RULE_NAMES.index)

    def _plan_findings(self) -> set[tuple[str, int, str]]:
        if not hasattr(self, "_findings"):
            rows = list(self.placements.values())
            self._findings = {(f.meeting_id, f.occurrence, f.rule)
                              for f in check(self.ds, rows, self.planning, strict=self.strict)}
        return self._findings

    def travel_summary(self, meeting: Meeting, vid: str) -> dict:
        venue = self.ds.venues[vid]
        per = {}
        for pid in meeting.everyone:
            person = self.ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            minutes = self.travel.person_to_venue(person, venue)
            if minutes is not None:
                per[pid] = minutes
        worst = max(per.values(), default=0)
        return {"total_minutes": sum(per.values()), "worst_minutes": worst,
                "furthest": sorted(p for p, v in per.items() if v == worst and per),
                "families_counted": len(per)}

    def slot_json(self, key: Key, slot: Slot) -> dict:
        d, t, v = slot
        m = self.ds.meetings[key[0]]
        return {"date": d.isoformat(), "start": hhmm(t), "end": hhmm(t + m.duration_minutes),
                "venue_id": v, "venue_name": self.ds.venues[v].name}

    def slot_text(self, key: Key, slot: Slot) -> str:
        d, t, v = slot
        m = self.ds.meetings[key[0]]
        return f"{day_text(d)}, {hhmm(t)}-{hhmm(t + m.duration_minutes)}, at {self.ds.venues[v].name} ({v})"

    def label(self, key: Key) -> str:
        return f"{self.ds.meetings[key[0]].title} ({key[0]} #{key[1]})"

    def period_text(self, key: Key) -> str:
        return period_words(self.occ_by_key[key])

    # -- explanations -------------------------------------------------------------------------
    def explain_unplaced(self, key: Key, *, ways_out: bool = True) -> dict:
        """What stops `key` being placed: minimal rules (and other occurrences), and ways out."""
        hard = self.hard_rules()
        rules = self.minimal_rules(key, self.candidates([key], hard, others=False))
        result: dict = {"kind": "alone", "rules": rules or [], "others": []}
        context = self.context([key])
        if rules is None:
            result = self._programme_conflict(key, hard, context)
        result["facts"] = self.facts_for(key, result["rules"], result["others"], context)
        result["text"] = self._blocking_text(key, result)
        result["short"] = self.short_unplaced(key, result)
        if ways_out:
            result["ways_out"] = self.ways_out(key, result, context)
        return result

    def _programme_conflict(self, key: Key, hard: set[str], context: dict[Key, Slot]) -> dict:
        here = self.solve(key, locked=context, optimise=True)
        if here.placed:
            return {"kind": "solver", "rules": [], "others": [], "slot": here.slots[key]}
        if here.status != IMPOSSIBLE:
            return {"kind": "undecided", "rules": [], "others": []}
        blockers = self.minimal_others(key, sorted(context), free=False)
        group = list(blockers)
        while True:
            status = self.solve(key, free=group).status
            if status == IMPOSSIBLE:
                break
            grown = sorted(set(group) | set(self.interactors([key, *group])))
            if grown == group or status == UNKNOWN:
                joint = self.solve(key, free=group, locked=self.context([key, *group], exclude=group),
                                   optimise=True)
                if joint.placed:
                    return {"kind": "solver", "rules": [], "others": [], "slot": joint.slots[key],
                            "moves": {k: v for k, v in joint.slots.items() if k != key and v != self.slots.get(k)}}
                return {"kind": "undecided", "rules": [], "others": blockers}
            group = grown
        others = self.minimal_others(key, group, free=True)
        rules = self.minimal_rules(key, self.candidates([key, *others], hard, others=True), free=others)
        return {"kind": "together", "rules": rules or [], "others": others}

    def ways_out(self, key: Key, result: dict, context: dict[Key, Slot]) -> list[dict]:
        out = []
        kind = result["kind"]
        if kind == "solver":
            slot = result["slot"]
            out.append(self._way(key, None, "none", Outcome(PLACED, {key: slot, **result.get("moves", {})})))
            return out
        others = result["others"]
        locked = self.context([key, *others], exclude=others) if others else context
        for rule in result["rules"]:
            change = "soft" if BY_NAME[rule].may_be_soft else "off"
            outcome = self.solve(key, free=others, locked=locked, strengths={rule: change}, optimise=True)
            out.append(self._way(key, rule, change, outcome))
        for other in others:
            rest = [k for k in others if k != other]
            outcome = self.solve(key, free=rest, locked={k: v for k, v in locked.items() if k != other},
                                 optimise=True)
            out.append(self._way(key, None, "without", outcome, without=other))
        return out

    def _way(self, key: Key, rule: str | None, change: str, outcome: Outcome, without: Key | None = None) -> dict:
        way: dict = {"rule": rule, "change": change, "works": outcome.placed,
                     "without": {"meeting_id": without[0], "occurrence": without[1]} if without else None}
        way["apply"] = None
        if rule is not None:
            info = BY_NAME[rule]
            if change == "soft":
                weight = self.ds.settings.rules[rule].weight or HIGH_WEIGHT
                rules = {rule: {"strength": "soft", "weight": weight}}
                by_strict = self.strict and info.time_rule and rule not in self.base_strength
                if by_strict:
                    # settings.toml cannot soften a rule --strict hardens: drop --strict, keep the others hard
                    rules.update({r: {"strength": "hard"} for r in TIME_RULES if r != rule})
                toml = "; ".join(f"[rules.{r}] " + ", ".join(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}"
                                                             for k, v in conf.items())
                                 for r, conf in rules.items())
                way["how"] = ("run without --strict, with settings.toml: " if by_strict else "settings.toml: ") + toml
                way["apply"] = {"settings_rules": rules, "strict": self.strict and not by_strict}
            else:
                way["how"] = {
                    "venue_open": "change the venue's open_days, open_from, open_until or closed_dates in venues.csv",
                    "venue_clash": "move or drop the other meeting that uses the venue then",
                    "attendee_clash": "move the other meeting, or take the shared attendees off one of them",
                }.get(rule, f"{rule} cannot be soft: {info.summary}")
        elif without is not None:
            way["how"] = (f"move {self.label(without)} to another period (window_start/window_end in "
                          "meetings.csv) or drop it")
        else:
            way["how"] = "run again with a longer --time-limit"
        if outcome.placed:
            slot = outcome.slots[key]
            moves = {k: v for k, v in outcome.slots.items() if k != key and v != self.slots.get(k)}
            soft, hard = self.broken_at(key, slot, moves, drop=without)
            way["placement"] = self.slot_json(key, slot)
            way["breaks"] = sorted(set(soft) | set(hard), key=RULE_NAMES.index)
            way["moves"] = [{"meeting_id": k[0], "occurrence": k[1], **self.slot_json(k, v)} for k, v in sorted(moves.items())]
        else:
            way["placement"] = None
            way["breaks"] = []
            way["moves"] = []
        way["text"] = self._way_text(key, way, outcome)
        return way

    def _way_text(self, key: Key, way: dict, outcome: Outcome) -> str:
        rule, change = way["rule"], way["change"]
        if rule is not None and change == "soft":
            lead = f"If {rule} were a preference (soft) rather than a must"
        elif rule is not None:
            lead = {"venue_open": "If a venue were open then (venue_open)",
                    "venue_clash": "If a venue could host two meetings at once (venue_clash)",
                    "attendee_clash": "If the shared attendees did not have to be at both meetings (attendee_clash)",
                    }.get(rule, f"If {rule} were switched off")
        elif way["without"]:
            lead = f"Without {self.label((way['without']['meeting_id'], way['without']['occurrence']))}"
        else:
            lead = "Without changing anything"
        if not outcome.placed:
            return (f"{lead}, it still could not be placed: "
                    + ("the search gave up." if outcome.status == UNKNOWN
                       else "other rules or other meetings would still rule out every slot."))
        slot = outcome.slots[key]
        text = f"{lead}, it could go on {self.slot_text(key, slot)}"
        others = [r for r in way["breaks"] if r != rule]
        if rule is not None:
            text += f", breaking {rule}" if rule in way["breaks"] else f" (keeping {rule} there)"
        if others:
            text += f"; it would also break {_rule_list(others)}"
        if way["moves"]:
            moved = [f"{self.label((m['meeting_id'], m['occurrence']))} to {day_text(date.fromisoformat(m['date']))} "
                     f"{m['start']} at {m['venue_name']}" for m in way["moves"]]
            text += f"; this moves {_join(moved)}"
        text += f". How: {way['how']}."
        return text

    def explain_placed(self, key: Key, *, alternatives: bool = True) -> dict:
        p = self.placements[key]
        m = self.ds.meetings[key[0]]
        slot = self.slots[key]
        relaxed = list(p.rules_relaxed)
        out: dict = {
            "rules_kept": [r for r in self.applicable(m) if r not in relaxed and r != "travel_time"],
            "rules_relaxed": relaxed,
            "travel": self.travel_summary(m, p.venue_id),
        }
        context = self.context([key])
        if relaxed:
            out["why_relaxed"] = self.why_relaxed(key, relaxed, context)
        if alternatives:
            out["alternatives"] = [self.alternative(key, slot, "venue", context),
                                   self.alternative(key, slot, "day", context)]
        return out

    def why_relaxed(self, key: Key, relaxed: list[str], context: dict[Key, Slot]) -> dict:
        m = self.ds.meetings[key[0]]
        rules = [r for r in self.applicable(m) if r != "travel_time"]
        promote = (key[0],) if set(relaxed) & SPLIT_BY_ATTENDANCE else ()
        context = self._hardened_context(key, context)
        cands = self.candidates([key], set(rules), others=bool(context), promote=bool(promote))
        found = self.minimal_rules(key, cands, locked=context, promote=promote, last=relaxed)
        if found is None:
            every = self.solve(key, locked=context, strengths={r: "hard" for r in rules}, promote=promote,
                               optimise=True)
            res: dict = {"unavoidable": False, "rules": []}
            if every.placed:
                alt = every.slots[key]
                here = self.travel_summary(m, self.slots[key][2])["total_minutes"]
                there = self.travel_summary(m, alt[2])["total_minutes"]
                cost_here = self.solve(key, locked=context, optimise=True, pin=self.slots[key]).cost
                cost_there = self.solve(key, locked=context, optimise=True, pin=alt).cost
                res["keeps_all_at"] = self.slot_json(key, alt)
                if cost_here is not None and cost_there is not None and cost_there < cost_here:
                    res["text"] = (f"Every rule could be kept on {self.slot_text(key, alt)}, which is better "
                                   "overall: the solver's time limit stopped the search before it found it; run "
                                   "again with a longer --time-limit.")
                else:
                    res["text"] = (f"Every rule could be kept on {self.slot_text(key, alt)}, but that costs more"
                                   + (f": {there - here} more minutes of family travel" if there > here else
                                      " in travel fairness over the year")
                                   + "; the plan chose the lower total cost of rules and travel.")
            else:
                res["text"] = "The solver could not settle whether every rule could be kept."
            return res
        res = {"unavoidable": True, "rules": found,
               "facts": self.facts_for(key, found, [], context, promote=bool(promote))}
        gave = [r for r in relaxed if r in found] or relaxed
        which = found[0] if len(found) == 1 else f"{_rule_list(found)} all at once"
        counting = " (counting the optional attendees too)" if promote else ""
        res["text"] = (f"No day, time and venue in {self.period_text(key)} keeps {which}{counting}: "
                       + " ".join(f["text"] for f in res["facts"])
                       + f" So {_rule_list(gave)} had to give way: the plan breaks the fewest and lightest rules.")
        return res

    def alternative(self, key: Key, slot: Slot, kind: str, context: dict[Key, Slot]) -> dict:
        d, t, v = slot
        m = self.ds.meetings[key[0]]
        here_cost = self.solve(key, locked=context, optimise=True, pin=slot).cost
        outcome = self.solve(key, locked=context, optimise=True,
                             forbid_venue=v if kind == "venue" else None, forbid_day=d if kind == "day" else None)
        res: dict = {"kind": kind, "found": outcome.placed}
        what = "venue" if kind == "venue" else "day"
        if not outcome.placed:
            res["text"] = (f"No other {what} is possible: the hard rules and the meetings around it leave only this one."
                           if outcome.status == IMPOSSIBLE else f"The search for another {what} gave up.")
            return res
        alt = outcome.slots[key]
        soft, hard = self.broken_at(key, alt)
        now = set(self.placements[key].rules_relaxed)
        here_travel = self.travel_summary(m, v)
        there_travel = self.travel_summary(m, alt[2])
        res.update({
            "placement": self.slot_json(key, alt),
            "rules_relaxed": soft,
            "newly_relaxed": [r for r in soft if r not in now],
            "no_longer_relaxed": [r for r in RULE_NAMES if r in now and r not in soft],
            "travel_total_minutes": there_travel["total_minutes"],
            "extra_travel_minutes": there_travel["total_minutes"] - here_travel["total_minutes"],
            "worst_minutes": there_travel["worst_minutes"],
            "extra_cost": (None if outcome.cost is None or here_cost is None
                           else round(outcome.cost - here_cost)),
        })
        res["text"] = self._alternative_text(key, res, kind, alt)
        return res

    def _alternative_text(self, key: Key, res: dict, kind: str, alt: Slot) -> str:
        lead = "Next-best venue" if kind == "venue" else "Next-best day"
        worse = []
        if res["newly_relaxed"]:
            worse.append(f"it would relax {_rule_list(res['newly_relaxed'])}")
        extra = res["extra_travel_minutes"]
        if extra > 0:
            worse.append(f"{extra} more minutes of family travel (longest journey {res['worst_minutes']} minutes)")
        better = []
        if res["no_longer_relaxed"]:
            better.append(f"it would keep {_rule_list(res['no_longer_relaxed'])}")
        if extra < 0:
            better.append(f"{-extra} fewer minutes of family travel")
        text = f"{lead}: {self.slot_text(key, alt)}"
        if worse:
            text += ": worse because " + "; ".join(worse)
            if better:
                text += " (though " + "; ".join(better) + ")"
        elif better:
            text += ": " + "; ".join(better) + ", but it costs more in the plan's balance of rules and travel"
        elif res["extra_cost"]:
            text += ": worse on the year's travel fairness or venue rotation"
        else:
            text += ": just as good; the plan's choice between them is a tie"
        return text + "."

    # -- facts in words -------------------------------------------------------------------------
    def facts_for(self, key: Key, rules: list[str], others: list[Key], context: dict[Key, Slot],
                  promote: bool = False) -> list[dict]:
        """One sentence per rule, with the numbers that matter, for the target and its partners."""
        out = []
        dom = self.domain(key)
        keys = [key, *others]

        def add(group: list[str]) -> None:
            for r in group:
                for k in keys:
                    text = self._fact(k, r, rules, keys, context, promote)
                    if text:
                        prefix = "" if k == key or len(keys) == 1 else f"{self.label(k)}: "
                        out.append({"rule": r, "meeting_id": k[0], "occurrence": k[1], "text": prefix + text})

        # The value rules first (what each removes), then what they leave, then the rest.
        add([r for r in rules if r in UNARY_KIND])
        left = self._left(key, rules, promote) if not others else ""
        if left:
            out.append({"rule": "", "meeting_id": key[0], "occurrence": key[1], "text": left})
        add([r for r in rules if r not in UNARY_KIND])
        if others:
            out.extend(self._shared_facts(key, others))
        if not rules and not others and not dom.choice.times:
            out.append({"rule": "venue_open", "meeting_id": key[0], "occurrence": key[1],
                        "text": f"The meeting lasts {dom.meeting.duration_minutes} minutes, longer than any venue is open."})
        return out

    def _remaining(self, key: Key, rules: Iterable[str], promote: bool) -> dict[str, list]:
        dom = self.domain(key)
        left = {}
        for kind in ("day", "time", "venue"):
            values = dom.values(kind)
            gone = set().union(*(dom.removed(r, promote) for r in rules if UNARY_KIND.get(r) == kind))
            left[kind] = [v for v in values if v not in gone]
        return left

    def _left(self, key: Key, rules: list[str], promote: bool) -> str:
        if not any(r in UNARY_KIND for r in rules):
            return ""
        left = self._remaining(key, rules, promote)
        dom = self.domain(key)
        parts = []
        for kind in ("venue", "day", "time"):
            if not any(UNARY_KIND.get(r) == kind for r in rules):
                continue
            values = left[kind]
            if not values:
                return ""  # the fact that emptied it already says so
            if kind == "venue":
                parts.append(self._venues_phrase(values))
            elif kind == "day":
                parts.append(self._days_phrase(values, len(dom.choice.days)))
            else:
                parts.append(self._times_phrase(values, dom.meeting))
        if not parts:
            return ""
        return f"That leaves {_join(parts)}."

    def _venues_phrase(self, vids: list[str]) -> str:
        if len(vids) <= 4:
            return _plural(len(vids), "venue") + ": " + _join(f"{self.ds.venues[v].name} ({v})" for v in vids)
        return _plural(len(vids), "venue")

    def _days_phrase(self, days: list[date], of: int | None = None) -> str:
        if not days:
            return "no day"
        weekdays = sorted({d.weekday() for d in days})
        count = (f"{len(days)} of the {of} days" if of is not None and of != len(days)
                 else _plural(len(days), "day"))
        if len(days) <= 4:
            return f"{count}: {_join(day_text(d) for d in days)}"
        text = f"{count}, from {day_text(days[0])} to {day_text(days[-1])}"
        if len(weekdays) < 5:
            text += f" ({_join(_weekday_plural(w) for w in weekdays)} only)"
        return text

    def _times_phrase(self, times: list[int], meeting: Meeting) -> str:
        if not times:
            return "no start time"
        if len(times) == 1:
            return f"one start time, {hhmm(times[0])}"
        return f"start times from {hhmm(min(times))} to {hhmm(max(times))}"

    def _fact(self, k: Key, rule: str, rules: list[str], keys: list[Key], context: dict[Key, Slot],
              promote: bool) -> str:
        ds, s = self.ds, self.ds.settings
        dom = self.domain(k)
        m = dom.meeting
        c = dom.choice
        people = facts.attendees(ds, m)
        n_days, n_venues = len(c.days), len(c.venues)
        removed = dom.removed(rule, promote)
        if rule == "papers_ahead":
            if not removed:
                return ""
            ok = [d for d in c.days if d not in removed]
            head = (f"Papers go out {m.papers_days} days before the meeting, on a working day, and not before "
                    f"planning starts on {self.planning.first}")
            if not ok:
                return f"{head}: no day in the period leaves time for them."
            return f"{head}: so the meeting cannot be before {day_text(ok[0])} ({len(removed)} of the {n_days} days are too early)."
        if rule == "attendee_unavailable":
            who = m.everyone if promote else m.attendees
            day_core = self._day_core(k, rules, promote)
            parts = []
            for pid in who:
                person = ds.participants.get(pid)
                if person is None or (day_core is not None and pid not in day_core):
                    continue
                blocked = [d for d in c.days if person.unavailable.blocks(d)]
                if blocked:
                    kind = "required" if pid in m.attendees else "optional"
                    parts.append(f"{pid} ({kind}) cannot come {_unavailable_text(person.unavailable, c.days)}")
            if not parts:
                return ""
            gone = set().union(*({d for d in c.days if ds.participants[p].unavailable.blocks(d)}
                                 for p in who if p in ds.participants and (day_core is None or p in day_core)))
            text = "; ".join(parts)
            return f"{text[0].upper()}{text[1:]}: that rules out {len(gone)} of the {n_days} days in the period."
        if rule == "parent_term_time":
            ids = sorted(p.participant_id for p in people if p.role == "parent_carer")
            why = Counter(_why_word(self.cal.why_not_school_day(d)) for d in sorted(removed))
            detail = ", ".join(f"{w}: {n}" for w, n in sorted(why.items()))
            head = f"{_who(ids, 'A parent carer attends', 'Parent carers attend')}, so the meeting must be on a school day"
            if len(removed) == n_days:
                return f"{head}; none of the {n_days} days in the period is one ({detail})."
            return f"{head}; {len(removed)} of the {n_days} days in the period are not ({detail})."
        if rule == "parent_core_hours":
            dur = m.duration_minutes
            latest = s.parent_end - dur
            n_pc = sum(1 for p in people if p.role == "parent_carer")
            head = (f"{'A parent carer attends' if n_pc == 1 else 'Parent carers attend'}, so the meeting must "
                    f"start at or after {hhmm(s.parent_start)} "
                    f"and end by {hhmm(s.parent_end)}")
            if latest < s.parent_start:
                return f"{head}, but it lasts {dur} minutes, longer than that."
            return f"{head}: for {dur} minutes, a start between {hhmm(s.parent_start)} and {hhmm(latest)}."
        if rule == "young_people_hours":
            ids = sorted(p.participant_id for p in people if p.role == "young_person")
            lo = after_school_start(ds, m)
            dur = m.duration_minutes
            days = self._remaining(k, rules, promote)["day"]
            school = sum(1 for d in days if self.cal.is_school_day(d))
            text = (f"{_who(ids, 'A young person attends', 'Young people attend')}, so on school days the meeting must run between "
                    f"{hhmm(lo)} and {hhmm(s.young_after_school_end)} (after school or college)")
            if lo + dur > s.young_after_school_end:
                text += f", too short for {dur} minutes"
            text += f", and on other days between {hhmm(s.young_non_school_start)} and {hhmm(s.young_non_school_end)}"
            if s.young_non_school_start + dur > s.young_non_school_end:
                text += ", also too short"
            return text + f"; {school} of the {len(days)} days left are school days."
        core = self._venue_core(k, rules, promote)
        if rule == "venue_access":
            needs: dict[str, list[str]] = {}
            for p in people:
                for need in sorted(p.needs):
                    needs.setdefault(need, []).append(p.participant_id)
            parts = []
            for need, pids in sorted(needs.items()):
                have = [v for v in c.venues if ds.venues[v].has(need)]
                if len(have) == n_venues or (core is not None and ("venue_access", need) not in core):
                    continue
                label = FEATURE_LABELS.get(need, need)
                verb = "needs" if len(pids) == 1 else "need"
                if have:
                    parts.append(f"{_ids(pids)} {verb} {label}; {_of(len(have), n_venues, 'venue')} {_verb(len(have), 'confirms', 'confirm')} it"
                                 + (f" ({', '.join(have)})" if len(have) <= 6 else ""))
                else:
                    parts.append(f"{_ids(pids)} {verb} {label}; none of the {n_venues} venues confirms it")
            return ("; ".join(parts) + ".") if parts else ""
        if rule == "young_people_venue":
            ok = [v for v in c.venues if v not in removed]
            if not removed:
                return ""
            return ("A young person attends, so the venue must be step-free with a hoist toilet; "
                    + (f"{_of(len(ok), n_venues, 'venue')} {_verb(len(ok), 'is', 'are')}" + (f" ({', '.join(ok)})." if len(ok) <= 6 else ".")
                       if ok else f"none of the {n_venues} venues is."))
        if rule == "venue_capacity":
            if not removed:
                return ""
            n = len(m.everyone)
            ok = [v for v in c.venues if v not in removed]
            if not ok:
                biggest = max((ds.venues[v].capacity for v in c.venues), default=0)
                return f"{n} people are invited, but the largest of the {n_venues} venues holds {biggest}."
            return (f"{n} people are invited; {_of(len(ok), n_venues, 'venue')} {_verb(len(ok), 'holds', 'hold')} that many"
                    + (f" ({', '.join(ok)})." if len(ok) <= 6 else "."))
        if rule == "travel_limit":
            who = m.everyone if promote else m.attendees
            parts = []
            limited = []
            for pid in who:
                person = ds.participants.get(pid)
                if person is None or (core is not None and ("travel_limit", pid) not in core):
                    continue
                times = {v: self.travel.person_to_venue(person, ds.venues[v]) for v in c.venues}
                ok = [v for v in c.venues if times[v] is None or times[v] <= person.max_travel_minutes]
                if len(ok) < n_venues:
                    limited.append((len(ok), pid, person, times, ok))
            for _n, pid, person, times, ok in sorted(limited, key=lambda x: (x[0], x[1]))[:5]:
                tag = "" if pid in m.attendees else " (optional)"
                head = f"{pid}{tag} can travel at most {_plural(person.max_travel_minutes, 'minute')}"
                if ok:
                    near = sorted(ok, key=lambda v: (times[v] or 0, v))
                    listed = ", ".join(f"{v} ({times[v]} min)" for v in near[:6])
                    parts.append(f"{head}, which reaches {_of(len(ok), n_venues, 'venue')}: {listed}"
                                 + ("" if len(ok) <= 6 else ", ..."))
                else:
                    nearest = min(c.venues, key=lambda v: (times[v] or 0, v))
                    parts.append(f"{head}, and the nearest venue, {nearest}, is {times[nearest]} minutes away")
            if len(limited) > 5:
                parts.append(f"and {len(limited) - 5} more people can reach only some of the venues")
            return ("; ".join(parts) + ".") if parts else ""
        if rule == "venue_open":
            return self._open_fact(k, rules, promote)
        if rule in ("venue_clash", "attendee_clash", "series_spacing", "venue_rotation"):
            if k != keys[0]:
                return ""
            return self._pair_fact(k, rule, keys[1:], context)
        return ""

    def _venue_restrictions(self, k: Key, rules: list[str], promote: bool) -> list[tuple[str, str, set]]:
        """(rule, need or person, the venues it allows) for the venue rules among `rules`."""
        dom = self.domain(k)
        m, ds = dom.meeting, self.ds
        venues = set(dom.choice.venues)
        out = []
        if "venue_access" in rules:
            needs = sorted({n for p in facts.attendees(ds, m) for n in p.needs})
            out += [("venue_access", n, {v for v in venues if ds.venues[v].has(n)}) for n in needs]
        if "travel_limit" in rules:
            for pid in (m.everyone if promote else m.attendees):
                person = ds.participants.get(pid)
                if person is None:
                    continue
                ok = set()
                for v in venues:
                    minutes = self.travel.person_to_venue(person, ds.venues[v])
                    if minutes is None or minutes <= person.max_travel_minutes:
                        ok.add(v)
                out.append(("travel_limit", pid, ok))
        for r in ("young_people_venue", "venue_capacity"):
            if r in rules:
                out.append((r, "", venues - dom.removed(r, promote)))
        return [x for x in out if x[2] != venues]

    def _day_core(self, k: Key, rules: list[str], promote: bool) -> set[str] | None:
        """When the day rules alone leave no day: the fewest unavailable people that do it."""
        dom = self.domain(k)
        days = set(dom.choice.days)
        restrictions: list[tuple[str, set]] = []
        for r in ("papers_ahead", "parent_term_time"):
            if r in rules:
                restrictions.append((r, days - dom.removed(r, promote)))
        if "attendee_unavailable" in rules:
            for pid in (dom.meeting.everyone if promote else dom.meeting.attendees):
                person = self.ds.participants.get(pid)
                if person is not None:
                    restrictions.append((pid, {d for d in days if not person.unavailable.blocks(d)}))
        restrictions = [x for x in restrictions if x[1] != days]
        if not restrictions or set.intersection(days, *(x[1] for x in restrictions)):
            return None
        active = list(restrictions)
        for x in sorted(restrictions, key=lambda x: (-len(x[1]), x[0])):
            trial = [y for y in active if y is not x]
            if trial and not set.intersection(days, *(y[1] for y in trial)):
                active = trial
        return {x[0] for x in active}

    def _venue_core(self, k: Key, rules: list[str], promote: bool) -> set[tuple[str, str]] | None:
        """When the venue rules alone leave no venue: the fewest needs and people that do it."""
        venues = set(self.domain(k).choice.venues)
        restrictions = self._venue_restrictions(k, rules, promote)
        if not restrictions or set.intersection(venues, *(x[2] for x in restrictions)):
            return None
        active = list(restrictions)
        for x in sorted(restrictions, key=lambda x: (-len(x[2]), x[0], x[1])):
            trial = [y for y in active if y is not x]
            if trial and not set.intersection(venues, *(y[2] for y in trial)):
                active = trial
        return {(x[0], x[1]) for x in active}

    def _open_fact(self, k: Key, rules: list[str], promote: bool) -> str:
        dom = self.domain(k)
        m = dom.meeting
        left = self._remaining(k, rules, promote)
        vids = left["venue"]
        if not vids:
            return ""
        days = left["day"]
        parts = []
        for vid in vids[:6]:
            v = self.ds.venues[vid]
            open_days = [w for w in range(7) if w in v.open_days]
            when = ("every day" if len(open_days) == 7 else _join(_weekday_plural(w) for w in open_days)
                    if open_days else "no day")
            closed = [r for r in v.closed if any(d in r for d in days)]
            text = f"{v.name} ({vid}) is open {when}, {hhmm(v.open_from)}-{hhmm(v.open_until)}"
            if closed:
                text += ", closed " + ", ".join(str(r.first) if r.first == r.last else f"{r.first} to {r.last}" for r in closed)
            usable = [d for d in days if not v.is_closed_on(d)]
            if not usable:
                text += " (so on none of the days left)"
            elif v.open_until - v.open_from < m.duration_minutes:
                text += f" (too short for {m.duration_minutes} minutes)"
            parts.append(text)
        more = f"; and {len(vids) - 6} more" if len(vids) > 6 else ""
        return "Opening times: " + "; ".join(parts) + more + "."

    def _pair_fact(self, k: Key, rule: str, others: list[Key], context: dict[Key, Slot]) -> str:
        m = self.ds.meetings[k[0]]
        dom = self.domain(k)
        lines = []
        people = set(m.everyone)
        venues = set(dom.choice.venues)
        around = [(o, self.slots.get(o), True) for o in others] + [(o, s, False) for o, s in sorted(context.items())]
        seen = set()
        for o, slot, free in around:
            if o in seen:
                continue
            seen.add(o)
            mo = self.ds.meetings[o[0]]
            where = (f"in {self.period_text(o)} (it can move)" if free or slot is None
                     else f"on {self.slot_text(o, slot)}")
            if rule == "venue_clash":
                if o[0] == k[0] and not free:
                    continue
                shared_v = venues & (set(mo.venues) if mo.venues is not None else set(self.ds.venues))
                if free and shared_v or (slot is not None and slot[2] in venues and slot[0] in dom.occ.planned):
                    lines.append(f"{self.label(o)} uses the same venues {where}")
            elif rule == "attendee_clash":
                shared = sorted(people & set(mo.everyone))
                if o[0] != k[0] and shared and (free or (slot is not None and slot[0] in dom.occ.planned)):
                    lines.append(f"{_ids(shared)} also {'attend' if len(shared) > 1 else 'attends'} {self.label(o)} {where}")
            elif rule == "series_spacing" and o[0] == k[0]:
                lines.append(f"{self.label(o)} is {where}")
            elif rule == "venue_rotation" and o[0] == k[0] and abs(o[1] - k[1]) == 1 and slot is not None:
                lines.append(f"{self.label(o)} is at {self.ds.venues[slot[2]].name} ({slot[2]})")
        if not lines:
            return ""
        lead = {
            "venue_clash": "A venue hosts one meeting at a time",
            "attendee_clash": ("Nobody can be in two meetings at once, and same-day meetings need time to travel "
                               "between venues"),
            "series_spacing": f"Meetings of this series must be at least {m.min_gap_days} days apart",
            "venue_rotation": "Consecutive meetings of a series must be at different venues",
        }[rule]
        return f"{lead}: " + "; ".join(lines) + "."

    def _shared_facts(self, key: Key, others: list[Key]) -> list[dict]:
        out = []
        m = self.ds.meetings[key[0]]
        for o in others:
            mo = self.ds.meetings[o[0]]
            shared = sorted(set(m.attendees) & set(mo.attendees))
            if shared and o[0] != key[0]:
                out.append({"rule": "", "meeting_id": o[0], "occurrence": o[1],
                            "text": f"{self.label(key)} and {self.label(o)} both need {_ids(shared)} (required)."})
        return out

    def _blocking_text(self, key: Key, result: dict) -> str:
        kind = result["kind"]
        period = self.period_text(key)
        if kind == "solver":
            return (f"It can be placed on {self.slot_text(key, result['slot'])}, but the solver's time limit "
                    "stopped the search before it found that; run again with a longer --time-limit.")
        if kind == "undecided":
            return ("It can be placed on its own, but the search could not settle which other meetings stop it "
                    "within its limits; run schedule explain with a longer --time-limit.")
        rules = result["rules"]
        body = " ".join(f["text"] for f in result["facts"])
        if kind == "together":
            names = _join(self.label(o) for o in result["others"])
            verb = "rules" if len(rules) == 1 else "together rule"
            return (f"It can be placed on its own, but not together with {names}: {_rule_list(rules)} "
                    f"{verb} out every day, time and venue that would hold them all. {body}").strip()
        if not rules:
            return f"Nothing in {period} can hold it. {body}".strip()
        verb = "rules" if len(rules) == 1 else "together rule"
        return f"{_rule_list(rules)} {verb} out every day, time and venue in {period}. {body}".strip()

    # -- the short form, for the reason column (no participant ids, needs or travel) -------------
    def short_unplaced(self, key: Key, result: dict) -> str:
        kind = result["kind"]
        occ = self.occ_by_key[key]
        period = period_words(occ)
        more = f" Run 'schedule explain {key[0]}' for the details and the nearest ways out."
        if kind == "solver":
            d, t, v = result["slot"]
            return (f"Not placed, but it could go on {d} at {v}: the solver's time limit stopped the search first; "
                    "run again with a longer --time-limit.")
        if kind == "undecided":
            return "Not placed: it fits on its own, but not with the other meetings around it." + more
        rules = result["rules"]
        gist = "; ".join(x for x in (self._gist(key, r, result["others"]) for r in rules) if x)
        if kind == "together":
            names = _join(f"{o[0]} #{o[1]}" for o in result["others"])
            verb = "rules" if len(rules) == 1 else "together rule"
            text = (f"Not placed: it fits on its own, but not together with {names}; "
                    f"{_rule_list(rules)} {verb} out every slot for them all")
        elif rules:
            verb = "rules" if len(rules) == 1 else "together rule"
            text = f"Not placed: {_rule_list(rules)} {verb} out every day, time and venue in {period}"
        else:
            text = f"Not placed: no start time in {period} fits the meeting's length in any venue's opening hours"
        return text + (f" ({gist})" if gist else "") + "." + more

    def _gist(self, key: Key, rule: str, others: list[Key]) -> str:
        dom = self.domain(key)
        c = dom.choice
        removed = dom.removed(rule)
        n_days, n_venues = len(c.days), len(c.venues)
        ok_v = n_venues - len(removed)
        s = self.ds.settings
        if rule == "papers_ahead":
            return f"papers cannot go out in time for {len(removed)} of the {n_days} days"
        if rule == "attendee_unavailable":
            return f"required attendees are unavailable on {len(removed)} of the {n_days} days"
        if rule == "parent_term_time":
            return f"{len(removed)} of the {n_days} days are not school days"
        if rule == "parent_core_hours":
            return f"parent carers meet {hhmm(s.parent_start)}-{hhmm(s.parent_end)}"
        if rule == "young_people_hours":
            lo = after_school_start(self.ds, dom.meeting)
            return (f"young people meet {hhmm(lo)}-{hhmm(s.young_after_school_end)} on school days and "
                    f"{hhmm(s.young_non_school_start)}-{hhmm(s.young_non_school_end)} on other days")
        of = _of(ok_v, n_venues, "venue")
        if rule == "venue_access":
            return f"{of} {_verb(ok_v, 'has', 'have')} the access features needed"
        if rule == "young_people_venue":
            return f"{of} {_verb(ok_v, 'is', 'are')} step-free with a hoist toilet"
        if rule == "venue_capacity":
            return f"{of} {_verb(ok_v, 'holds', 'hold')} the {len(dom.meeting.everyone)} invited"
        if rule == "travel_limit":
            return f"{of} {_verb(ok_v, 'is', 'are')} within every required attendee's travel limit"
        if rule == "venue_open":
            return "the venues left are closed on the days and times left"
        if rule == "venue_clash":
            return "the venues left are booked by other meetings"
        if rule == "attendee_clash":
            return "attendees are at other meetings then"
        if rule == "series_spacing":
            return f"meetings of the series must be {dom.meeting.min_gap_days} days apart"
        if rule == "venue_rotation":
            return "consecutive meetings of the series must change venue"
        return ""


def _pick(solver: cp_model.CpSolver, values: list, xs: list):
    for v, x in zip(values, xs, strict=True):
        if solver.Value(x):
            return v
    raise ValueError("no value chosen")


def period_words(occ: Occurrence) -> str:
    if occ.period_label == "once":
        return f"its window ({occ.planned.first} to {occ.planned.last})"
    return f"{occ.period_label} ({occ.planned.first} to {occ.planned.last})"


def _who(ids: list[str], one: str, many: str) -> str:
    return f"{one if len(ids) == 1 else many} ({_ids(ids)})"


def _of(n: int, total: int, word: str) -> str:
    if n == 0:
        return f"none of the {_plural(total, word)}"
    if n == total:
        return f"all {_plural(total, word)}" if total > 1 else f"the one {word}"
    return f"{n} of the {_plural(total, word)}"


def _verb(n: int, one: str, many: str) -> str:
    return one if n <= 1 else many


def _ids(ids: Iterable[str]) -> str:
    ids = list(ids)
    if len(ids) > 6:
        return ", ".join(ids[:6]) + f" and {len(ids) - 6} more"
    return _join(ids)


def _weekday_plural(w: int) -> str:
    return ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")[w]


def _why_word(why: str) -> str:
    if why.startswith("a bank holiday"):
        return "bank holidays"
    return {"a weekend": "weekends", "in the school holidays": "school holidays", "an INSET day": "INSET days",
            "a school closure day": "closure days"}.get(why, why)


def _unavailable_text(u, days: list[date]) -> str:
    parts = []
    if u.weekdays:
        parts.append("on " + _join(_weekday_plural(w) for w in sorted(u.weekdays)))
    for r in u.dates:
        if not any(d in r for d in days):
            continue
        parts.append(f"on {day_text(r.first)}" if r.first == r.last else f"from {day_text(r.first)} to {day_text(r.last)}")
    return _join(parts) if parts else "on some days"



# -- one occurrence, the whole plan ----------------------------------------------------------------
def explain_occurrence(ex: Explainer, p: Placement, *, detail: bool) -> dict:
    key = _key(p)
    occ = p.occurrence
    m = ex.ds.meetings[key[0]]
    out: dict = {
        "meeting_id": key[0], "occurrence": key[1], "title": m.title, "status": p.status,
        "period": occ.period_label, "period_words": period_words(occ), "period_first": occ.planned.first.isoformat(),
        "period_last": occ.planned.last.isoformat(), "rules_relaxed": list(p.rules_relaxed),
        "placement": ex.slot_json(key, ex.slots[key]) if p.scheduled else None,
    }
    if p.scheduled:
        out.update(ex.explain_placed(key, alternatives=detail))
        out["reason"] = p.reason
        return out
    result = ex.explain_unplaced(key, ways_out=True)
    blocking = {
        "kind": result["kind"],
        "rules": result["rules"],
        "others": [{"meeting_id": o[0], "occurrence": o[1], "title": ex.ds.meetings[o[0]].title}
                   for o in result["others"]],
        "facts": result["facts"],
        "text": result["text"],
    }
    if "slot" in result:
        blocking["placeable_at"] = ex.slot_json(key, result["slot"])
    out["blocking"] = blocking
    out["ways_out"] = result["ways_out"]
    out["reason"] = result["short"]
    return out


def explain_plan(ds: Dataset, plan: Plan, meeting_id: str | None = None, *, strict: bool = False,
                 options: Options | None = None, seed: int | None = None) -> dict:
    """The explanation of a plan: every relaxed and unplaced occurrence, or every one of a series."""
    ex = Explainer(ds, plan.planning, plan.placements, options=options or Options(strict=strict), seed=seed)
    rows = sorted(plan.placements, key=sort_key(ds))
    if meeting_id is not None:
        chosen = [p for p in rows if p.occurrence.meeting_id == meeting_id]
    else:
        chosen = [p for p in rows if not p.scheduled or p.rules_relaxed]
    scheduled = [p for p in rows if p.scheduled]
    relaxed = [p for p in scheduled if p.rules_relaxed]
    note = None
    if rows and plan.solver_status not in ("OPTIMAL", "FEASIBLE"):
        # No plan to explain: every occurrence is unplaced only because the search stopped.
        chosen = []
        note = ("The solver's time limit ended before any plan was found, so there is nothing to explain yet; "
                "run again with a longer --time-limit.")
    return {
        "note": note,
        "planning": {"from": plan.planning.first.isoformat(), "to": plan.planning.last.isoformat()},
        "solver": {"status": plan.solver_status, "proven_optimal": plan.proven_optimal,
                   "stopped_by_time_limit": plan.stopped_by_time_limit},
        "meeting_id": meeting_id,
        "summary": {"occurrences": len(rows), "scheduled": len(scheduled), "unscheduled": len(rows) - len(scheduled),
                    "relaxed": len(relaxed), "no_compromise": len(scheduled) - len(relaxed)},
        "occurrences": [explain_occurrence(ex, p, detail=meeting_id is not None) for p in chosen],
    }


def to_json(report: dict) -> str:
    return json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False)


SOLVER_WORDS = {"OPTIMAL": "the best possible plan (proven optimal)",
                "FEASIBLE": "a good plan, not proven the best: the time limit stopped the search",
                "UNKNOWN": "no plan found within the time limit"}


def render_text(report: dict) -> list[str]:
    """The explanation as plain lines for the terminal."""
    s = report["summary"]
    first, last = report["planning"]["from"], report["planning"]["to"]
    if last < first:
        return [f"Nothing of the programme falls on or after {first}, so there is nothing to explain."]
    lines = [f"Planning window: {first} to {last}; {s['scheduled']} of {s['occurrences']} meetings placed, "
             f"{SOLVER_WORDS.get(report['solver']['status'], report['solver']['status'])}."]
    if report["note"]:
        return [*lines, report["note"]]
    if report["meeting_id"] is None:
        lines.append(f"Placed, no compromise: {s['no_compromise']}. Placed, relaxing a rule: {s['relaxed']}. "
                     f"Not placed: {s['unscheduled']}.")
        if not report["occurrences"]:
            lines.append("Every meeting is placed and keeps every rule; nothing needs explaining.")
    elif not report["occurrences"]:
        lines.append(f"{report['meeting_id']} has no meeting in this planning window.")
    for o in report["occurrences"]:
        lines.append("")
        lines.append(f"{o['title']} ({o['meeting_id']} #{o['occurrence']}), {o['period_words']}")
        if o["status"] == "scheduled":
            pl = o["placement"]
            lines.append(f"  Placed: {day_text(date.fromisoformat(pl['date']))}, {pl['start']}-{pl['end']}, "
                         f"at {pl['venue_name']} ({pl['venue_id']})")
            lines.append(f"  Keeps: {', '.join(o['rules_kept'])}")
            if o["rules_relaxed"]:
                lines.append(f"  Relaxes: {', '.join(o['rules_relaxed'])}")
                why = o.get("why_relaxed")
                if why:
                    lines.append(f"  Why: {why['text']}")
            t = o["travel"]
            if t["families_counted"]:
                lines.append(f"  Family travel: {t['total_minutes']} minutes in all for {t['families_counted']} "
                             f"parent carers and young people; the longest journey is {t['worst_minutes']} minutes "
                             f"({', '.join(t['furthest'])}).")
            else:
                lines.append("  Family travel: none counted (no parent carer or young person with a known home).")
            for alt in o.get("alternatives", []):
                lines.append(f"  {alt['text']}")
        else:
            b = o["blocking"]
            lines.append("  NOT PLACED.")
            lines.append(f"  Why: {b['text']}")
            if o["ways_out"]:
                lines.append("  Nearest ways out:")
                for w in o["ways_out"]:
                    lines.append(f"    - {w['text']}")
    return lines


# -- the reason column -----------------------------------------------------------------------------
def annotate(ds: Dataset, plan: Plan, ctx: ModelContext) -> None:
    """Fill rules_relaxed (from the independent checker) and the short reason of each row."""
    findings = check(ds, plan.placements, plan.planning, strict=ctx.options.strict)
    relaxed = relaxed_rules(findings)
    for p in plan.placements:
        if p.scheduled:
            p.rules_relaxed = relaxed.get(_key(p), ())
    ex: Explainer | None = None
    explained = 0
    # Without a plan (the search stopped before finding one) there is nothing to explain against.
    found = plan.solver_status in ("OPTIMAL", "FEASIBLE")
    # A search that ended with no plan at all: the engine's own reason (its time limit) stands.
    searched = found or plan.solver_status == "INFEASIBLE"
    for p in plan.placements:
        key = _key(p)
        c = ctx.by_key.get(key)
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
    """One line on why a placed occurrence relaxes rules, read from its choices without solving."""
    ds, s = ctx.ds, ctx.ds.settings
    relaxed = list(relaxed)
    roles = {p.role for p in facts.attendees(ds, c.meeting)}
    parts = []
    time_rules = [r for r in relaxed if r in TIME_RULES]
    if time_rules:
        applicable = [r for r in TIME_RULES
                      if (r.startswith("parent") and "parent_carer" in roles)
                      or (r == "young_people_hours" and "young_person" in roles)]
        dur = c.meeting.duration_minutes
        lo = after_school_start(ds, c.meeting)
        kinds = {}
        for d in c.days:
            kinds.setdefault(ctx.cal.is_school_day(d), d)

        def broken(school: bool, d: date, t: int) -> int:
            n = 0
            if "parent_carer" in roles:
                n += (not school) + (not core_ok(s, t, t + dur))
            if "young_person" in roles:
                n += not hours_ok(ds, ctx.cal, c.meeting, d, t, t + dur, lo)
            return n

        best = min((broken(school, d, t) for school, d in kinds.items() for t in c.times), default=0)
        if best >= 1 and len(applicable) > 1:
            who = ("parent carers and young people meet together, and "
                   if {"parent_carer", "young_person"} <= roles else "")
            parts.append(f"{who}no day and time in the period keeps {_rule_list(applicable)} all at once, "
                         f"so {_rule_list(time_rules)} gave way")
        elif best >= 1:
            parts.append(f"no day and time in the period keeps {_rule_list(time_rules)}")
        else:
            parts.append(f"the days and times that keep {_rule_list(time_rules)} are ruled out by the venues' "
                         "opening hours, other meetings or heavier rules")
    for r in relaxed:
        if r in TIME_RULES:
            continue
        kind = UNARY_KIND.get(r)
        if kind is not None:
            values = {"day": c.days, "time": c.times, "venue": c.venues}[kind]
            bad = set(c.soft_bad.get(r, ()))
            word = KIND_WORDS[kind]
            if values and all(v in bad for v in values):
                parts.append(f"no {word} left by the hard rules keeps {r}")
            else:
                parts.append(f"the {word}s that keep {r} are taken by other meetings or break heavier rules")
        elif r == "venue_rotation":
            parts.append("no other suitable venue was free, or moving would break heavier rules")
        else:
            parts.append(f"keeping {r} would break heavier rules")
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
    return (f"Every remaining day, time and venue in {period} is ruled out by venue_open, venue_clash, "
            "attendee_clash or series_spacing together with the other meetings.")
