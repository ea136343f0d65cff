"""The greedy start and what the model caches per series: the same answers as asking one
(day, start, venue), one person or one venue at a time."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from conftest import BUNDLED

from scheduler import api
from scheduler.core.domain import DateRange
from scheduler.engine import hint, solve
from scheduler.engine.improve import objective_value
from scheduler.rules import RULES, travel_limit
from scheduler.rules.base import OPTIONAL, REQUIRED
from scheduler.rules.travel_time import family_minutes

PLANNING = DateRange(date(2026, 9, 1), date(2027, 7, 31))


@pytest.fixture(scope="module")
def bundled():
    ds = api.load(BUNDLED)
    return ds, solve.build_context(ds, PLANNING)


def naive_combos(ctx, c):
    """The (price, day, start) list as first written: every pair priced and sorted."""
    day_cost, time_cost, _ = hint._cost_tables(ctx, c)
    slot_costs = [f for r in hint.SLOT_COSTS if (f := r.hint_slot_cost(ctx, c)) is not None]
    return sorted((day_cost[d] + time_cost[t] + sum(f(d, t) for f in slot_costs), d, t)
                  for d in c.days for t in c.times)


def test_combos_are_every_slot_in_price_order(bundled):
    _ds, ctx = bundled
    checked = 0
    for c in ctx.choices:
        if not (c.days and c.times and c.venues):
            continue
        day_cost, time_cost, _ = hint._cost_tables(ctx, c)
        prices, day_at, time_at = hint._combos(ctx, c, day_cost, time_cost)
        ours = [(p, c.days[i], c.times[j]) for p, i, j in zip(prices, day_at, time_at, strict=True)]
        assert ours == naive_combos(ctx, c)
        checked += 1
    assert checked > 10


def test_greedy_start_asks_once_per_part_with_the_same_answer(bundled, monkeypatch):
    """Asking a rule once per day (or venue) it looks at places every meeting where asking it
    for every (day, start, venue) does."""
    _ds, ctx = bundled
    quick = hint.greedy_hint(ctx)
    everything = frozenset({"day", "time", "venue"})
    for rule in RULES:
        monkeypatch.setattr(rule, "hint_depends", everything, raising=False)
    assert hint.greedy_hint(ctx) == quick
    assert len(quick) > 0


def test_completed_start_keeps_the_greedy_placement_and_its_price(bundled):
    ds, _ctx = bundled
    ctx = solve.build_context(ds, PLANNING)
    start = hint.greedy_hint(ctx)
    values = hint.add_hint(ctx, start, 0, 30)
    assert values is not None
    for c in ctx.choices:
        chosen = c.extract(_Values(values))
        assert chosen == start.get(c.key)
    # the model keeps the completed plan as its hint, one value per variable
    h = ctx.model.Proto().solution_hint
    assert list(h.vars) == list(range(len(values))) and list(h.values) == values
    # solving the model from that hint with nothing better allowed gives the same price
    again = hint.add_hint(ctx, start, 0, 30)
    assert objective_value(ctx.model, again) == objective_value(ctx.model, values)


class _Values:
    def __init__(self, values):
        self.values = values

    def Value(self, var):  # noqa: N802 - the solver's name
        return self.values[var.Index()]


def test_series_tables_agree_with_single_journeys(bundled):
    ds, ctx = bundled
    venues = list(ds.venues.values())
    for mid, meeting in ds.meetings.items():
        family, rows = family_minutes(ctx, meeting)
        assert family == [p for p in meeting.everyone if p in ds.participants and ds.participants[p].is_family]
        for k, pid in enumerate(family):
            for i, v in enumerate(venues):
                assert rows[k, i] == (ctx.travel.person_to_venue(ds.participants[pid], v) or 0)
        c = next(c for c in ctx.choices if c.occ.meeting_id == mid)
        for v in venues:
            def far(pids, v=v):
                return any((m := ctx.travel.person_to_venue(ds.participants[p], v)) is not None
                           and m > ds.participants[p].max_travel_minutes for p in pids if p in ds.participants)
            expected = REQUIRED if far(meeting.attendees) else OPTIONAL if far(meeting.optional_attendees) else None
            assert travel_limit.RULE.verdict(ctx, c, v.venue_id) == expected


def test_series_are_grouped_once_in_occurrence_order(bundled):
    _ds, ctx = bundled
    groups = ctx.by_series()
    assert groups is ctx.by_series()
    assert sorted(c.key for g in groups.values() for c in g) == sorted(c.key for c in ctx.choices)
    for mid, group in groups.items():
        assert [c.occ.number for c in group] == sorted(c.occ.number for c in group)
        assert {c.occ.meeting_id for c in group} == {mid}
    assert np.all([len(g) > 0 for g in groups.values()])
