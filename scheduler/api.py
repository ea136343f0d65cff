"""The library API: load a data folder, plan a programme, check a plan. No click here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from scheduler.core.clock import today_london
from scheduler.core.domain import Dataset, DateRange, Occurrence, Plan
from scheduler.core.errors import DataError, Problem
from scheduler.engine import progress, solve
from scheduler.engine.fixed import check_fixed, note_fixed
from scheduler.explain import annotate
from scheduler.inputs.load import read_data
from scheduler.model.context import Options
from scheduler.rules import BY_NAME
from scheduler.world.calendar import default_planning

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"


def load(folder: Path | str) -> Dataset:
    """Read and check a data folder (every problem at once, as a DataError), with the rules' settings."""
    return read_data(folder, tuple(BY_NAME.values()))


def default_data_dir() -> Path:
    return BUNDLED_DATA


def planning_window(ds: Dataset, start: date | None, end: date | None, today: date | None = None) -> DateRange:
    if start and end and end < start:
        raise DataError([Problem("command line", None, "--to", f"--to {end} is before --from {start}")])
    window = default_planning(ds, start, end, today or today_london())
    if window is None:
        # Nothing of the programme is left to plan: an empty window holds no occurrence.
        first = start or (today or today_london())
        return DateRange(first, first - timedelta(days=1))
    return window


def plan(ds: Dataset, window: DateRange, *, strict: bool = False, time_limit: float | None = None,
         seed: int | None = None, options: Options | None = None,
         occs: list[Occurrence] | None = None) -> Plan:
    """The pipeline: the engine places every occurrence, then explain says why each sits where it does."""
    solved = solve.solve(ds, window, strict=strict, time_limit=time_limit, seed=seed, options=options, occs=occs)
    progress.phase("Explaining the compromises")
    annotate(ds, solved.plan, solved.ctx)
    note_fixed(ds, solved.plan.placements)
    return solved.plan


@dataclass
class Proposal:
    dataset: Dataset
    plan: Plan


def propose(data: Path | str | None = None, start: date | None = None, end: date | None = None,
            strict: bool = False, time_limit: float | None = None, seed: int | None = None,
            today: date | None = None, loaded: Callable[[Dataset], None] | None = None) -> Proposal:
    """Load, validate and plan; raises DataError (with every problem) for bad input.

    `loaded` is told the data as soon as it is read (the terminal warns about it before planning)."""
    ds = load(Path(data) if data else default_data_dir())
    if loaded is not None:
        loaded(ds)
    window = planning_window(ds, start, end, today)
    check_fixed(ds, window, strict)  # a fixed placement that breaks a hard rule is a data error
    result = plan(ds, window, strict=strict, time_limit=time_limit, seed=seed)
    return Proposal(ds, result)
