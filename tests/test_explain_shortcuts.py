"""The explanation search's shortcuts give the answers the plain search gives.

Explanations ask "does this occurrence fit with these others placed?" many times over subsets of
one pool. explain/search.py answers them from one model of the pool (each other occurrence an
assumption), from the solver's cores (a superset of an impossible set is impossible) and from
models already solved. Each test asks the same questions with and without the shortcuts.
"""

from __future__ import annotations

import copy
import random
from datetime import date
from pathlib import Path

import pytest

from benchmarks import csplib
from scheduler import api
from scheduler.core.domain import DateRange
from scheduler.engine.solve import solve
from scheduler.explain import Explainer, annotate
from scheduler.explain.search import IMPOSSIBLE, Search, key_of
from scheduler.rules import RULES
from scheduler.world.calendar import occurrences


class Plain(Explainer):
    """The explanation search with every shortcut off: each question built and solved afresh."""

    def _optional_is_absent(self, merged):
        return False

    def _answer(self, ctx, target, optimise, assumed):
        return self._run(ctx, target, optimise, assumed)


@pytest.fixture(scope="module")
def csplib6(tmp_path_factory):
    folder = csplib.convert(csplib.load({6})[0], tmp_path_factory.mktemp("csplib") / "instance-6")
    return api.propose(folder, csplib.PLAN_FROM, csplib.PLAN_TO, time_limit=60)


def _unplaced(proposal) -> tuple:
    return next(key_of(p) for p in proposal.plan.placements if not p.scheduled)


def test_the_explanation_is_the_plain_searchs(csplib6):
    plan = csplib6.plan
    key = _unplaced(csplib6)
    fast = Explainer(csplib6.dataset, plan.planning, plan.placements)
    plain = Plain(csplib6.dataset, plan.planning, plan.placements)
    assert fast.explain_unplaced(key) == plain.explain_unplaced(key)
    assert fast.solves == plain.solves  # the same questions, so the same budget is spent
    assert fast.solver_runs < plain.solver_runs


def test_a_model_of_the_pool_answers_for_each_subset(csplib6):
    plan = csplib6.plan
    key = _unplaced(csplib6)
    pool = sorted(key_of(p) for p in plan.placements if p.scheduled)
    fast = Search(csplib6.dataset, plan.planning, plan.placements)
    rng = random.Random(46)
    statuses = set()
    for size in (len(pool), len(pool) - 1, len(pool) - 2, len(pool) // 2, 3, 1):
        free = sorted(rng.sample(pool, size))
        plain = Plain(csplib6.dataset, plan.planning, plan.placements)
        want = plain.solve(key, free=free).status
        assert fast.solve(key, free=free, within=pool).status == want
        statuses.add(want)
    assert IMPOSSIBLE in statuses and len(statuses) == 2  # both answers were asked for


def test_a_core_answers_for_its_supersets_without_solving(csplib6):
    plan = csplib6.plan
    key = _unplaced(csplib6)
    pool = sorted(key_of(p) for p in plan.placements if p.scheduled)
    fast = Search(csplib6.dataset, plan.planning, plan.placements)
    first = fast.solve(key, free=pool, within=pool)
    assert first.status == IMPOSSIBLE and first.core is not None and first.core <= set(pool)
    runs = fast.solver_runs
    between = sorted(first.core | set(pool[:2]))
    assert fast.solve(key, free=between, within=pool).status == IMPOSSIBLE
    assert fast.solver_runs == runs
    plain = Plain(csplib6.dataset, plan.planning, plan.placements)
    assert plain.solve(key, free=between).status == IMPOSSIBLE
    assert plain.solve(key, free=sorted(first.core)).status == IMPOSSIBLE


def test_the_same_model_is_solved_once(csplib6):
    plan = csplib6.plan
    key = _unplaced(csplib6)
    fast = Search(csplib6.dataset, plan.planning, plan.placements)
    a = fast.solve(key, optimise=True)
    runs = fast.solver_runs
    assert fast.solve(key, optimise=True) == a
    assert fast.solver_runs == runs


def test_an_unplaced_occurrence_of_a_series_constrains_nothing():
    """The rules between meetings of one series, made hard, skip an unplaced one: a model of the
    whole series with some left unplaced answers as a model of the placed ones alone."""
    ds = api.load(api.default_data_dir())
    window = api.planning_window(ds, date(2026, 9, 1), date(2027, 7, 31))
    occs = occurrences(ds, window)
    series = max({o.meeting_id for o in occs}, key=lambda mid: sum(o.meeting_id == mid for o in occs))
    keys = sorted(key_of(o) for o in occs if o.meeting_id == series)
    hard = {r.name: "hard" for r in RULES if r.within_series and not r.whole_series}
    target, pool = keys[len(keys) // 2], [k for k in keys if k != keys[len(keys) // 2]]
    fast = Search(ds, window, [], occs=occs)
    rng = random.Random(13)
    asked = 0
    for _ in range(6):
        free = sorted(rng.sample(pool, rng.randint(1, len(pool))))
        plain = Plain(ds, window, [], occs=occs)
        want = plain.solve(target, free=free, strengths=hard).status
        assert fast.solve(target, free=free, strengths=hard, within=pool).status == want
        asked += 1
    assert asked == 6


def test_a_rule_sized_by_the_whole_series_turns_the_pool_model_off(tmp_path: Path):
    ds = api.load(api.default_data_dir())
    window = api.planning_window(ds, date(2026, 9, 1), date(2027, 7, 31))
    s = Search(ds, window, [], occs=occurrences(ds, window))
    whole = [r.name for r in RULES if r.whole_series]
    assert whole, "no rule sizes its requirement by the whole series any more: drop this test"
    assert s._optional_is_absent({}) == all(s.strength[r] != "hard" for r in whole)
    assert not s._optional_is_absent({whole[0]: "hard"})


def test_annotating_only_some_rows_gives_them_the_whole_annotations_reasons(tmp_path: Path):
    folder = csplib.convert(csplib.load({18})[0], tmp_path / "instance-18")
    ds = api.load(folder)
    solved = solve(ds, DateRange(csplib.PLAN_FROM, csplib.PLAN_TO), time_limit=60)
    whole, part = copy.deepcopy(solved.plan), copy.deepcopy(solved.plan)
    annotate(ds, whole, solved.ctx)
    unplaced = [key_of(p) for p in whole.placements if not p.scheduled]
    assert len(unplaced) == 2
    annotate(ds, part, solved.ctx, only={unplaced[1]})
    reasons = {key_of(p): p.reason for p in part.placements}
    assert reasons[unplaced[1]] == {key_of(p): p.reason for p in whole.placements}[unplaced[1]] != ""
    assert reasons[unplaced[0]] == ""
