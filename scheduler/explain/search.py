"""Searching small models around one occurrence: what it could be, and what stops it.

Every explanation is checked by the solver itself, on small models of one occurrence (the
"target") with the meetings around it either locked where the plan put them or free to move:
a minimal set of rules that together rule out every day, time and venue (a deletion filter:
switch one rule off at a time and leave it off while the occurrence stays impossible, after
trying the single rules and pairs that empty a whole choice), and the minimal set of other
occurrences it collides with, found the same way. `answers.py` turns these into explanations;
each rule's own sentences live in its home (`scheduler/rules/`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ortools.sat.python import cp_model

from scheduler.core.domain import Dataset, DateRange, Meeting, Occurrence, Placement, hhmm
from scheduler.core.wording import short_date
from scheduler.engine.solve import build_context, family_travel
from scheduler.engine.validate import check
from scheduler.model.context import Choice, ModelContext, Options
from scheduler.model.weights import HIGH_WEIGHT
from scheduler.rules import RULE, RULE_NAMES, RULES, VALUE_RULES
from scheduler.rules.base import OPTIONAL, REQUIRED
from scheduler.world.calendar import occurrences

Key = tuple[str, int]
Slot = tuple[date, int, str]

PLACED, IMPOSSIBLE, UNKNOWN = "placed", "impossible", "unknown"
CONSISTENT = "consistent"  # the meetings around it fit; nothing was asked of the target
# Rules between occurrences: they bear on a target only with other meetings around it.
PAIRWISE = tuple(r.name for r in RULES if r.between)
# Rules between occurrences of one series.
WITHIN_SERIES = tuple(r.name for r in RULES if r.within_series)
# Rules that price the plan without ever ruling a slot out (travel_time).
OBJECTIVE_ONLY = frozenset(r.name for r in RULES if r.info.strength == "objective")
UNARY_KIND = {r.name: r.kind for r in VALUE_RULES if r.pure}  # pure value filters
# Explanation solves are tiny; a deterministic limit keeps their answers the same on every run.
STEP_DETERMINISTIC_LIMIT = 5.0
STEP_WALL_LIMIT = 30.0


def key_of(p: Placement | Occurrence) -> Key:
    o = p.occurrence if isinstance(p, Placement) else p
    return (o.meeting_id, o.number)


def period_words(occ: Occurrence) -> str:
    if occ.period_label == "once":
        return f"its window ({occ.planned.first} to {occ.planned.last})"
    return f"{occ.period_label} ({occ.planned.first} to {occ.planned.last})"


@dataclass(frozen=True)
class Outcome:
    status: str
    slots: dict[Key, Slot] = field(default_factory=dict)
    cost: float | None = None
    # IMPOSSIBLE with `free` occurrences: some of them that are impossible together with the
    # target already (the solver's core; not necessarily minimal), or None when not asked.
    core: frozenset[Key] | None = None

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


class Search:
    """Solves small models around the occurrences of one plan (answers.Explainer explains)."""

    def __init__(self, ds: Dataset, planning: DateRange, placements: list[Placement], *,
                 occs: list[Occurrence] | None = None, options: Options | None = None,
                 seed: int | None = None, budget: int | None = None):
        self.ds = ds
        self.planning = planning
        base = options or Options()
        self.strict = base.strict
        self.base_strength = dict(base.rule_strength)
        self.occs = list(occs) if occs is not None else occurrences(ds, planning)
        self.occ_by_key = {key_of(o): o for o in self.occs}
        self.placements = {key_of(p): p for p in placements}
        self.slots: dict[Key, Slot] = {k: (p.day, p.start, p.venue_id) for k, p in self.placements.items()
                                       if p.scheduled and p.day is not None and p.start is not None}
        probe = ModelContext(ds, planning, [], Options(strict=self.strict, rule_strength=self.base_strength))
        self.cal = probe.cal
        self.travel = probe.travel
        self.strength = {r: RULE[r].strength(probe) for r in RULE_NAMES}
        self.seed = ds.settings.seed if seed is None else seed
        self.budget = budget
        self.solves = 0
        self.solver_runs = 0  # solves that reached CP-SAT (the rest were answered from what is known)
        # The same model always gets the same answer: models already solved, by their bytes.
        self._outcomes: dict[tuple, Outcome] = {}
        # (target, locked, strengths, promote) -> (core, pool): free occurrences that cannot all be
        # placed with the target, found in a model of the pool (see _question).
        self._cores: dict[tuple, list[tuple[frozenset[Key], frozenset[Key]]]] = {}
        self._pools: dict[tuple, ModelContext] = {}
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
              pin: Slot | None = None, within: Iterable[Key] = ()) -> Outcome:
        """Place `target` (and every `free` occurrence) around the `locked` ones.

        `pin` places the target at one slot while still pricing it (a lock would not). `within`
        (a superset of `free`) lets a run of feasibility questions about subsets of one pool share
        one model of the whole pool; it never changes an answer.
        """
        if self.budget is not None and self.solves >= self.budget:
            return Outcome(UNKNOWN)
        self.solves += 1
        free = [k for k in free if k != target]
        locked = {k: v for k, v in (locked or {}).items() if k not in free}
        merged = {**self.base_strength, **(strengths or {})}
        promote = frozenset(promote)
        question = require and not optimise and forbid_venue is None and forbid_day is None and pin is None
        if question and free and self._optional_is_absent(merged):
            return self._question(target, free, locked, merged, promote, within)
        ctx = self._build(self._variant(merged, promote),
                          Options(strict=self.strict, rule_strength=merged, only={target, *free, *locked},
                                  lock=dict(locked)))
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
        return self._answer(ctx, target, optimise, None)

    # -- feasibility questions about a set of required occurrences ---------------------------
    # Whether `target` fits with every `free` occurrence placed is asked many times over subsets
    # of one pool (the minimal sets below). Three facts make that cheap without changing any
    # answer: an occurrence in the model but left unplaced constrains nothing (the rules enforce
    # only between placed occurrences, and the rules between consecutive meetings of a series
    # skip unplaced ones), so one model of the pool with each free occurrence an assumption
    # answers every subset; requiring more occurrences of one model never makes it feasible, so a
    # subset CP-SAT names as enough for infeasibility (its core) answers every query between it
    # and the pool; and the same model always gets the same answer.
    def _optional_is_absent(self, merged: dict[str, str]) -> bool:
        """False when a hard rule sizes its requirement by the whole series in the model, so an
        unplaced occurrence still counts (county_spread's number of places)."""
        return not any(r.whole_series and merged.get(r.name, self.strength[r.name]) == "hard" for r in RULES)

    def _question(self, target: Key, free: list[Key], locked: dict[Key, Slot], merged: dict[str, str],
                  promote: frozenset[str], within: Iterable[Key]) -> Outcome:
        have = frozenset(free)
        pool = frozenset(within) | have
        setting = (target, frozenset(locked.items()), tuple(sorted(merged.items())), promote)
        for core, universe in self._cores.get(setting, ()):
            if core <= have <= universe:
                return Outcome(IMPOSSIBLE, core=core)
        model_key = (setting, pool)
        if model_key not in self._pools:
            ctx = self._build(self._variant(merged, promote),
                              Options(strict=self.strict, rule_strength=merged, only={target, *pool, *locked},
                                      lock=dict(locked)))
            c = ctx.by_key.get(target)
            if c is not None:
                if not c.fixed:
                    ctx.model.Add(c.placed == 1)
                ctx.model.ClearObjective()
            self._pools[model_key] = ctx
        ctx = self._pools[model_key]
        if target not in ctx.by_key:
            return Outcome(UNKNOWN)
        ctx.model.clear_assumptions()
        assumed = {}
        for k in sorted(have):
            if k in ctx.by_key:
                assumed[ctx.by_key[k].placed.Index()] = k
                ctx.model.AddAssumption(ctx.by_key[k].placed)
        out = self._answer(ctx, target, False, assumed)
        if out.core is not None and (out.core, pool) not in self._cores.get(setting, ()):
            self._cores.setdefault(setting, []).append((out.core, pool))
        return out

    def _answer(self, ctx: ModelContext, target: Key, optimise: bool, assumed: dict[int, Key] | None) -> Outcome:
        digest = (hashlib.blake2b(str(ctx.model.Proto()).encode()).digest(), target, optimise)
        if digest not in self._outcomes:
            self._outcomes[digest] = self._run(ctx, target, optimise, assumed)
        return self._outcomes[digest]

    def _run(self, ctx: ModelContext, target: Key, optimise: bool, assumed: dict[int, Key] | None) -> Outcome:
        self.solver_runs += 1
        model = ctx.model
        c = ctx.by_key[target]
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.num_workers = 1
        p.random_seed = self.seed
        p.max_deterministic_time = STEP_DETERMINISTIC_LIMIT
        p.max_time_in_seconds = STEP_WALL_LIMIT
        # Probing in presolve costs more than it saves on these small models: about a quarter of
        # the explanations' solving time on CSPLib problem 046 (benchmarks/RESULTS.md).
        p.cp_model_probing_level = 0
        if assumed is not None:
            # A yes/no question (only the status is read): no LP, one presolve pass
            p.linearization_level = 0
            p.max_presolve_iterations = 1
            p.symmetry_level = 0
        status = solver.Solve(model)
        if status == cp_model.INFEASIBLE:
            if not assumed:
                return Outcome(IMPOSSIBLE, core=frozenset())
            core = frozenset(assumed[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in assumed)
            return Outcome(IMPOSSIBLE, core=core)
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

    def applicable(self, meeting: Meeting) -> list[str]:
        """The rules that bear on this meeting at all."""
        return [r.name for r in RULES if r.applies(self.ds, meeting)]

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
            if r not in rules or r not in applicable or r in OBJECTIVE_ONLY:
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
                status = self.solve(target, free=trial, within=pool).status
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
            series_rule = any((k[0], k[1], r) in findings for r in WITHIN_SERIES)
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
        return f"{short_date(d)}, {hhmm(t)}-{hhmm(t + m.duration_minutes)}, at {self.ds.venues[v].name} ({v})"

    def label(self, key: Key) -> str:
        return f"{self.ds.meetings[key[0]].title} ({key[0]} #{key[1]})"

    def period_text(self, key: Key) -> str:
        return period_words(self.occ_by_key[key])

    # -- explanations -------------------------------------------------------------------------


def _pick(solver: cp_model.CpSolver, values: list, xs: list):
    for v, x in zip(values, xs, strict=True):
        if solver.Value(x):
            return v
    raise ValueError("no value chosen")

