"""What every rule of PRODUCT.md section 2 is made of, so that one file holds one rule.

A rule is a `Rule` (or a `ValueRule`, for rules that judge one day, start time or venue on its
own). Its home `scheduler/rules/<name>.py` holds, top to bottom:

- what it is: `info` (name, default strength and weight, plain-English summary);
- when it applies: `applies(ds, meeting)`;
- how it enters the model: `filter` (a value rule drops what it forbids, before the variables
  are made) and `constrain(ctx)`, which adds its constraints and RETURNS its share of the
  objective as a list of `Penalty` terms (the engine sums them; nothing is pushed behind its back);
- how the independent validator checks it: `check_placement` / `check_plan`, solver-free code
  over plain placements that yields `Breach`es (they become `validate.Finding`s);
- the sentences that explain it: `fact` (explain's facts), `gist` (the short `reason`),
  `relaxed_reason` (why a placed meeting relaxes it), `why_affected` (a what-if), `report_why`.

The registry (`scheduler/rules/__init__.py: RULES`) lists the rules in order; every other module
loops over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from scheduler.core.domain import Dataset, DateRange, Kind, Meeting, Placement, Settings, Strength
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.model.weights import HIGH_WEIGHT
from scheduler.world import facts
from scheduler.world.calendar import SchoolCalendar
from scheduler.world.travel import Travel

if TYPE_CHECKING:  # the explanations are a layer above: rules only receive their view
    from scheduler.explain.facts import Facts

__all__ = ["HIGH_WEIGHT", "OPTIONAL", "REQUIRED", "Breach", "CheckContext", "Key", "Rule", "RuleInfo", "Slot",
           "ValueRule"]

REQUIRED, OPTIONAL = "required", "optional"
Key = tuple[str, int]
Slot = tuple[date, int, str]


@dataclass(frozen=True)
class RuleInfo:
    name: str
    strength: Strength  # the default
    weight: int
    summary: str  # plain English, used in explanations and the report
    may_be_soft: bool = True
    time_rule: bool = False  # made hard by --strict
    # hard for required attendees, a penalty only where optional attendees alone are let down
    split_by_attendance: bool = False
    # the table of this rule's own keys in [rules.NAME] (core/settings.py), if it has any
    keys: type | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "strength", Strength(self.strength))  # "soft" -> Strength.SOFT


@dataclass(frozen=True)
class Breach:
    """One way a plan breaks a rule, found by the validator (no solver involved)."""

    key: Key  # (meeting_id, occurrence number)
    message: str
    optional_only: bool = False  # only optional attendees are let down
    hard: bool | None = None  # None: as the rule's strength says


@dataclass
class CheckContext:
    """What the validator's rule checks see: the data, the calendar, journeys, the window, and
    the registry (a rule may ask the others, e.g. which venues the hard rules leave a series)."""

    ds: Dataset
    cal: SchoolCalendar
    travel: Travel
    planning: DateRange
    rules: tuple[Rule, ...] = ()


def roles(ds: Dataset, meeting: Meeting) -> set[str]:
    """The roles attending (required or optional)."""
    return {p.role for p in facts.attendees(ds, meeting)}


def key_of(p: Placement) -> Key:
    return (p.occurrence.meeting_id, p.occurrence.number)


def series_choices(ctx: ModelContext) -> dict[str, list[Choice]]:
    """The model's occurrences by series, in occurrence order (made once per model: read-only)."""
    return ctx.by_series()


def scheduled_series(rows: list[Placement]) -> dict[str, list[Placement]]:
    """A plan's scheduled placements by series, in date order (for the validator)."""
    out: dict[str, list[Placement]] = {}
    for p in rows:
        if p.scheduled:
            out.setdefault(p.occurrence.meeting_id, []).append(p)
    for group in out.values():
        group.sort(key=lambda p: (p.day, p.start))
    return out


def same_day_pairs(rows: list[Placement]) -> Iterable[tuple[Placement, Placement]]:
    """Every pair of scheduled placements on one day, the earlier start first (for the validator)."""
    by_day: dict[date, list[Placement]] = {}
    for p in rows:
        if p.scheduled:
            by_day.setdefault(p.day, []).append(p)
    for same_day in by_day.values():
        same_day.sort(key=lambda p: (p.start, p.occurrence.meeting_id, p.occurrence.number))
        for i, a in enumerate(same_day):
            for b in same_day[i + 1:]:
                yield a, b


class Rule:
    """One rule of the framework. Subclasses fill in the parts; the registry test checks them."""

    info: RuleInfo
    # Where this rule's filter and constraints go as the model is built (lower first). The
    # framework's rules keep the order the engine was measured with; a new rule takes the default
    # and goes after them.
    model_order: int = 1000
    # Relates occurrences to each other (pairs or series) rather than judging one on its own.
    between: bool = False
    # Relates occurrences of one series (a what-if or explanation of another series ignores it).
    within_series: bool = False
    # A broken rule of this kind makes a kept (baseline) placement move in a what-if.
    reason_to_move: bool = True
    # Only forbids two occurrences at once and prices nothing: a large programme's whole model
    # may leave it out for its bound (engine/solve.py), as plans come from models that keep it.
    clash: bool = False
    # Judged over a whole series (county_spread): explanations quote the validator's finding
    # instead of solving for one meeting, which cannot show it.
    whole_series: bool = False

    @property
    def name(self) -> str:
        return self.info.name

    # -- when it applies ---------------------------------------------------------------------
    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        """Whether the rule bears on this meeting at all (PRODUCT.md's "applies when")."""
        return True

    # -- settings ----------------------------------------------------------------------------
    def strength(self, ctx: ModelContext) -> str:
        """hard, soft or off in this model: per-model overrides, then --strict, then settings."""
        if self.name in ctx.options.rule_strength:
            return ctx.options.rule_strength[self.name]
        if ctx.options.strict and self.info.time_rule:
            return Strength.HARD
        setting = ctx.ds.settings.rules.get(self.name)
        return setting.strength if setting else self.info.strength

    def is_hard(self, settings: Settings, strict: bool) -> bool:
        """The validator's view of the same (no per-model overrides)."""
        if strict and self.info.time_rule:
            return True
        setting = settings.rules.get(self.name)
        return (setting.strength if setting else self.info.strength) == Strength.HARD

    def weight(self, settings: Settings) -> int:
        setting = settings.rules.get(self.name)
        return setting.weight if setting else self.info.weight

    def penalty(self, ctx: ModelContext, choice: Choice | None, expr, label: str,
                weight: int | None = None) -> Penalty:
        """One term of this rule's share of the objective (returned by `constrain`)."""
        w = ctx.weight(self.name) if weight is None else weight
        return Penalty(self.name, choice.key if choice else None, expr, w, label)

    # -- the model -----------------------------------------------------------------------------
    def filter(self, ctx: ModelContext, c: Choice) -> None:
        """Drop the values of `c` this rule forbids, before its variables are made (optional)."""

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """Add this rule's constraints to `ctx.model`; return its share of the objective."""
        raise NotImplementedError

    # -- rules on a (day, start time) pair, and the framework's time rules ------------------------
    # A rule whose verdict needs the day and the start together (not a `ValueRule`).
    judges_slot: bool = False

    def slot_keeper(self, ctx: ModelContext, c: Choice) -> Callable[[date, int], bool] | None:
        """For time rules: a test of (day, start) for `c`, set up once (None: not a time rule)."""
        return None

    def day_class(self, ctx: ModelContext, d: date) -> object:
        """What of a day a `judges_slot` rule looks at (days alike here are judged alike)."""
        return d

    # -- the greedy starting plan (engine/hint.py) ----------------------------------------------
    def hint_costs(self, ctx: ModelContext, c: Choice, tables: dict[str, dict]) -> None:
        """Add this rule's price of each day, start and venue of `c` to `tables[kind][value]`."""

    def hint_slot_cost(self, ctx: ModelContext, c: Choice) -> Callable[[date, int], int] | None:
        """For `judges_slot` rules: the price of a (day, start), 10**12 where it is forbidden."""
        return None

    def hint_allows(self, ctx: ModelContext, c: Choice, d: date, t: int, vid: str) -> bool:
        """A hard test of one (day, start, venue) that the value filters cannot make alone."""
        return True

    def hint_cost(self, ctx: ModelContext, c: Choice, neighbours: list[Slot], vid: str) -> int:
        """What choosing `vid` costs next to the series' placed neighbours."""
        return 0

    # The parts of a (day, start, venue) that this rule's hint_collides and hint_diary_cost look
    # at: the greedy start asks once per distinct part while it places one occurrence.
    hint_depends: frozenset[str] = frozenset({"day", "time", "venue"})

    def hint_collides(self, ctx: ModelContext, c: Choice, diary: Any, d: date, t: int, vid: str) -> bool:
        """Whether (d, t, vid) collides with what the greedy diary has placed already."""
        return False

    def hint_diary_cost(self, ctx: ModelContext, c: Choice, diary: Any, d: date, t: int, vid: str) -> int:
        """What (d, t, vid) costs next to what the greedy diary has placed already (a soft rule
        between occurrences: a price, not a collision, so heavier rules still come first)."""
        return 0

    # -- the validator (no solver code) ---------------------------------------------------------
    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting) -> Iterable[Breach]:
        """Breaches by one scheduled placement on its own."""
        return ()

    def check_plan(self, ck: CheckContext, rows: list[Placement]) -> Iterable[Breach]:
        """Breaches between placements (every row, scheduled or not, of the meetings known)."""
        return ()

    def cost(self, ck: CheckContext, rows: list[Placement], relaxed: set[Key]) -> int:
        """This rule's share of the objective, recomputed by the validator from its findings:
        its weight once for each occurrence that relaxes it."""
        return self.weight(ck.ds.settings) * len(relaxed)

    # -- sentences ------------------------------------------------------------------------------
    def fact(self, fx: Facts, key: Key, rules: list[str], keys: list[Key], context: dict[Key, Slot],
             promote: bool) -> str:
        """The facts behind this rule for one occurrence, with the numbers that matter."""
        raise NotImplementedError

    def gist(self, fx: Facts, key: Key, others: list[Key]) -> str:
        """A few words for the `reason` column: never a participant, their needs or travel."""
        raise NotImplementedError

    def relaxed_reason(self, ctx: ModelContext, c: Choice) -> str:
        """Why a placed occurrence relaxes this rule, read from its choices without solving."""
        return f"keeping {self.name} would break heavier rules"

    def why_affected(self, venue: str, change_words: str | None) -> str:
        """Why a kept placement no longer works after a what-if (a venue and a rule, no person);
        `change_words` says what the change did to its day or venue, if anything."""
        return f"it breaks the rule that {self.info.summary}"

    def report_why(self, ds: Dataset, p: Placement) -> str:
        """The report's plain words on why this relaxed rule had to give way ("" to use the reason).

        A time rule relaxed at a meeting of parent carers and young people together gave way to
        the other group's time rules."""
        if self.info.time_rule and {"parent_carer", "young_person"} <= roles(ds, ds.meetings[p.occurrence.meeting_id]):
            return ("Parent carers and young people meet together, and no time keeps both groups' "
                    "time rules, so one had to give way.")
        return ""

    # How to lift the rule where it cannot be made soft, and how a way out that does so begins.
    way_out_how: str | None = None
    way_out_lead: str | None = None

    # Rules between occurrences word their facts as a lead and one line per meeting around
    # (`Facts.pair_fact`).
    def pair_lead(self, meeting: Meeting) -> str:
        return self.info.summary[:1].upper() + self.info.summary[1:]

    def pair_line(self, fx: Facts, key: Key, other: Key, slot: Slot | None, free: bool, where: str) -> str | None:
        return None

    def no_time_fits(self, meeting: Meeting) -> str | None:
        """The fact when no start time fits a meeting at all (None: not this rule's to say)."""
        return None


class ValueRule(Rule):
    """A rule that judges one day, one start time or one venue of one occurrence on its own.

    `verdict` says who is let down by a value (REQUIRED, OPTIONAL or None). Where the rule is
    hard, values that let required attendees down are removed before the solver; the rest of
    the values it judges are priced.
    """

    kind: Kind  # "day", "time" or "venue" in a rule's home; made a Kind below

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            cls.kind = Kind(cls.kind)  # a misspelt kind fails at import, not in a run
    # The verdict depends only on the meeting and the value, so a series shares it.
    per_meeting: bool = True
    # Its verdict alone decides (explanations may reason on removed values without solving).
    pure: bool = True

    def verdict(self, ctx: ModelContext, c: Choice, value) -> str | None:
        raise NotImplementedError

    def relevant(self, ctx: ModelContext, c: Choice) -> bool:
        """A quick test that the rule can judge anything of `c` at all (a saving, not a rule)."""
        return self.applies(ctx.ds, c.meeting)

    def values(self, c: Choice) -> list:
        return {Kind.DAY: c.days, Kind.TIME: c.times, Kind.VENUE: c.venues}[self.kind]

    def variables(self, c: Choice) -> list:
        return {Kind.DAY: c.x_day, Kind.TIME: c.x_time, Kind.VENUE: c.y}[self.kind]

    def filter(self, ctx: ModelContext, c: Choice) -> None:
        strength = self.strength(ctx)
        if strength == Strength.OFF or not self.relevant(ctx, c):
            return
        values = self.values(c)
        cache = ctx.verdicts
        # The occurrences of a series usually offer the same start times and venues: their
        # filtering is done once per series (at 3,000 occurrences the per-value loop was the
        # largest part of model building; benchmarks/RESULTS.md).
        outcome_key = (self.name, c.occ.meeting_id, strength, self.kind, tuple(values)) \
            if self.per_meeting and self.kind != Kind.DAY else None
        outcome = cache.get(outcome_key) if outcome_key is not None else None
        if outcome is None:
            keep, soft_bad, dropped = [], [], []
            for value in values:
                if self.per_meeting:
                    key = (self.name, c.occ.meeting_id, value)
                    if key not in cache:
                        cache[key] = self.verdict(ctx, c, value)
                    verdict = cache[key]
                else:
                    verdict = self.verdict(ctx, c, value)
                if verdict == REQUIRED and strength == Strength.HARD:
                    dropped.append(value)
                    continue
                if verdict is not None:
                    soft_bad.append(value)
                keep.append(value)
            outcome = (keep, soft_bad, dropped)
            if outcome_key is not None:
                cache[outcome_key] = outcome
        keep, soft_bad, dropped = outcome
        removed = {Kind.DAY: c.removed_days, Kind.TIME: c.removed_times, Kind.VENUE: c.removed_venues}[self.kind]
        for value in dropped:
            removed.setdefault(value, []).append(self.name)
        setattr(c, {Kind.DAY: "days", Kind.TIME: "times", Kind.VENUE: "venues"}[self.kind], list(keep))
        if soft_bad:
            c.soft_bad[self.name] = list(soft_bad)

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """Price the values the filter kept but judged (soft, or optional attendees only)."""
        out = []
        for c in ctx.choices:
            bad = c.soft_bad.get(self.name)
            if not bad or c.fixed:
                continue
            values = self.values(c)
            xs = self.variables(c)
            expr = sum(xs[values.index(v)] for v in bad if v in values)
            out.append(self.penalty(ctx, c, expr, f"{c.name}.{self.name}"))
        return out

    def hint_costs(self, ctx: ModelContext, c: Choice, tables: dict[str, dict]) -> None:
        table = tables[self.kind]
        for v in c.soft_bad.get(self.name, ()):
            if v in table:  # a later hard rule may have removed it
                table[v] += ctx.weight(self.name)

    def restrictions(self, fx: Facts, key: Key, promote: bool) -> list[tuple[str, set]]:
        """(who or what, the values it leaves) for the explanations' smallest cores."""
        dom = fx.domain(key)
        values = set(dom.values(self.kind))
        return [("", values - dom.removed(self.name, promote))]

    def relaxed_reason(self, ctx: ModelContext, c: Choice) -> str:
        if not self.pure:
            return super().relaxed_reason(ctx, c)
        values = self.values(c)
        bad = set(c.soft_bad.get(self.name, ()))
        word = {Kind.DAY: "day", Kind.TIME: "start time", Kind.VENUE: "venue"}[self.kind]
        if values and all(v in bad for v in values):
            return f"no {word} left by the hard rules keeps {self.name}"
        return f"the {word}s that keep {self.name} are taken by other meetings or break heavier rules"
