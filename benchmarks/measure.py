"""One benchmark run of one instance, in its own process (so peak memory is per run).

    python3 -m benchmarks.measure --data DIR --from DATE --to DATE --time-limit S --json OUT
        [--mip-time-limit S] [--no-mip] [--no-greedy] [--load-only] [--profile]

The engine runs exactly as `schedule propose` runs it: scheduler.api.propose, then
scheduler.outputs.folder.write_all into a temporary folder. Its phases are timed (time.perf_counter)
by wrapping, in this process only, the functions that solve.solve() and api.plan() call:
  load      scheduler.inputs.load.load (as api.load)
  build     scheduler.engine.solve.build_context (the engine's filters, variables and rule units)
  hint      solve.greedy_hint + solve.add_hint (the engine's starting plan, if it has one)
  solve     scheduler.engine.solve.run_solver (CP-SAT, the engine's own parameters)
  annotate  scheduler.engine.solve.extract + explain's annotate, as api.plan calls it (validate.check of the plan)
  write     scheduler.outputs.folder.write_all (proposals.csv, calendars, report), or proposals.csv
            alone while export_ics / report do not exist yet
Peak memory is resource.getrusage(RUSAGE_SELF).ru_maxrss read right after the engine's phases
(before the greedy and MIP peers run in the same process). CP-SAT's progress is recorded by
wrapping cp_model.CpSolver.Solve in this process only: a solution callback and a best-bound
callback note (seconds since Solve began, objective, bound); the engine's code is not changed.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import pstats
import resource
import sys
import tempfile
import threading
import time
import traceback
from datetime import date
from pathlib import Path

from ortools.sat.python import cp_model

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


class _Progress:
    """What the wrapped CP-SAT solver reports while it runs, one record per Solve call."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.started = time.perf_counter()
        self.solutions: list[tuple[float, float, float]] = []  # (s since Solve began, objective, bound)
        self.bounds: list[tuple[float, float]] = []  # (s, bound)


SOLVES: list[_Progress] = []
PHASE = ["engine"]  # the engine phase now running (set by the timing wrappers)
TIMES: dict[str, list[float]] = {}
CPU: dict[str, list[float]] = {}  # process CPU seconds (all threads) of each call
CAPTURED: dict[str, object] = {}
RSS: dict[str, list[float]] = {}  # peak resident MB so far at the end of each call of each phase


class _Recorder(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: _Progress) -> None:
        super().__init__()
        self.progress = progress

    def on_solution_callback(self) -> None:
        self.progress.solutions.append((time.perf_counter() - self.progress.started, self.ObjectiveValue(),
                                        self.BestObjectiveBound()))


def _install_recorder() -> None:
    original = cp_model.CpSolver.Solve

    def solve(self, model, solution_callback=None):
        progress = _Progress(PHASE[-1])
        progress.model = model
        SOLVES.append(progress)
        engine_callback = self.best_bound_callback  # the engine may watch the bound too

        def on_bound(bound: float) -> None:
            progress.bounds.append((time.perf_counter() - progress.started, float(bound)))
            if engine_callback is not None:
                engine_callback(bound)

        self.best_bound_callback = on_bound
        progress.started = time.perf_counter()
        return original(self, model, solution_callback or _Recorder(progress))

    cp_model.CpSolver.Solve = solve


def _timed(module, name: str, phase: str) -> None:
    """Wrap module.name so each call is timed under `phase` (its first result is kept)."""
    fn = getattr(module, name, None)
    if fn is None:
        return

    def wrapper(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return fn(*args, **kwargs)  # inside a phase already timed (solve._search_large)
        PHASE.append(phase)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            result = fn(*args, **kwargs)
        finally:
            TIMES.setdefault(phase, []).append(time.perf_counter() - started)
            CPU.setdefault(phase, []).append(time.process_time() - cpu)
            RSS.setdefault(phase, []).append(rss_mb())
            PHASE.pop()
        CAPTURED.setdefault(phase, result)
        return result

    setattr(module, name, wrapper)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _top(profile: cProfile.Profile, n: int = 25) -> list[dict]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        where = file.replace(str(REPO) + "/", "")
        if "site-packages/" in where:
            where = where.split("site-packages/", 1)[1]
        rows.append({"function": f"{where}:{line}({func})", "calls": calls,
                     "tottime": round(tottime, 3), "cumtime": round(cumtime, 3)})
    rows.sort(key=lambda r: -r["cumtime"])
    return rows[:n]


def run(args) -> dict:
    out: dict = {"data": str(args.data), "ok": False}
    t_import = time.perf_counter()
    from scheduler import api
    from scheduler.engine import solve
    from scheduler.model.context import UNPLACED_WEIGHT
    from scheduler.world.calendar import occurrences

    out["import_s"] = time.perf_counter() - t_import
    out["rss_after_import_mb"] = rss_mb()
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    if args.load_only:
        from scheduler.api import load

        t0 = time.perf_counter()
        ds = load(args.data)
        out["load_s"] = time.perf_counter() - t0
        out["occurrences"] = len(occurrences(ds, api.planning_window(ds, start, end)))
        out["counts"] = {"venues": len(ds.venues), "participants": len(ds.participants), "series": len(ds.meetings)}
        out["rss_engine_mb"] = rss_mb()
        out["ok"] = True
        return out

    # The engine runs exactly as `schedule propose` runs it (api.propose, then outputs.folder.write_all);
    # its phases are timed by wrapping the functions plan() calls.
    _install_recorder()
    _timed(api, "load", "load")
    _timed(solve, "build_context", "build")
    _timed(solve, "greedy_hint", "hint")
    _timed(solve, "add_hint", "hint")
    _timed(solve, "run_solver", "solve")
    _timed(solve, "_search_large", "solve")
    _timed(solve, "extract", "annotate")
    _timed(api, "annotate", "annotate")
    profile = cProfile.Profile() if args.profile else None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_before_s"] = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    if profile:
        profile.enable()
    proposal = api.propose(args.data, start, end, time_limit=args.time_limit)
    if profile:
        profile.disable()
    out["propose_s"] = time.perf_counter() - t0
    ds, plan = proposal.dataset, proposal.plan
    t1 = time.perf_counter()
    out["write_mode"] = _write(ds, plan)
    out["write_s"] = time.perf_counter() - t1
    out["rss_engine_mb"] = rss_mb()
    out["engine_total_s"] = out["propose_s"] + out["write_s"]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["engine_cpu_s"] = usage.ru_utime + usage.ru_stime - out.pop("cpu_before_s")
    for phase in ("load", "build", "hint", "solve", "annotate"):
        first_only = 1 if phase in ("load", "build", "solve") else None
        out[f"{phase}_s"] = sum(TIMES.get(phase, [0.0])[:first_only])
        out[f"{phase}_cpu_s"] = sum(CPU.get(phase, [0.0])[:first_only])
    out["other_s"] = out["propose_s"] - sum(out[f"{p}_s"] for p in ("load", "build", "hint", "solve", "annotate"))
    out["phase_calls"] = {k: len(v) for k, v in TIMES.items()}
    out["rss_after_phase_mb"] = {k: (v[0] if k in ("load", "build", "solve") else v[-1]) for k, v in RSS.items()}

    ctx = CAPTURED["build"]
    planning = plan.planning
    out["occurrences"] = len(plan.placements)
    out["counts"] = {"venues": len(ds.venues), "participants": len(ds.participants), "series": len(ds.meetings)}
    proto = ctx.model.Proto()
    out["model"] = {"variables": len(proto.variables), "constraints": len(proto.constraints),
                    "choices": len(ctx.choices),
                    "no_candidate": sum(1 for c in ctx.choices if not (c.days and c.times and c.venues)),
                    "mean_days": _mean(len(c.days) for c in ctx.choices),
                    "mean_times": _mean(len(c.times) for c in ctx.choices),
                    "mean_venues": _mean(len(c.venues) for c in ctx.choices)}
    out["status"] = plan.solver_status
    out["objective"] = plan.objective
    out["bound"] = plan.best_bound
    out["forced_unplaced_constant"] = UNPLACED_WEIGHT * out["model"]["no_candidate"]
    # the whole model's search (improve.py's small models are solved in the same phase)
    main = [p for p in SOLVES if p.phase == "solve" and p.model is ctx.model]
    out["solutions"] = main[0].solutions if main else []
    out["bounds"] = main[0].bounds if main else []
    out["other_solves"] = {p.phase: len(p.solutions) for p in SOLVES if p.phase != "solve"}
    out["improve_solves"] = sum(1 for p in SOLVES if p.phase == "solve" and p.model is not ctx.model)
    out["progress"] = getattr(plan, "progress", [])  # engines before improve.py have none
    # the whole model left rules out (large programmes): its solutions are not plans, only its bound counts
    out["whole_model_relaxed"] = bool(getattr(ctx, "relaxed", ()))
    # The engine's starting plan: CP-SAT completes the greedy hint before the search (in the
    # hint phase); when that succeeds a whole plan exists from the end of that phase on.
    hint_sols = [s for p in SOLVES if p.phase == "hint" for s in p.solutions]
    out["hint_objective"] = min(o for _, o, _ in hint_sols) if hint_sols else None
    if plan.best_bound is None and main and main[0].bounds:
        out["bound"] = main[0].bounds[-1][1]

    from benchmarks.evaluate import score

    t4 = time.perf_counter()
    out["engine_score"] = score(ds, plan.placements, planning).as_dict()
    out["evaluate_s"] = time.perf_counter() - t4
    if profile:
        out["profile"] = _top(profile, 30)

    if not args.no_greedy:
        from benchmarks.greedy import greedy_plan

        t5 = time.perf_counter()
        greedy = greedy_plan(ds, planning)
        out["greedy_s"] = time.perf_counter() - t5
        out["greedy_score"] = score(ds, greedy, planning).as_dict()

    if not args.no_mip:
        out["mip"] = _mip(ctx, ds, planning, args.mip_time_limit or args.time_limit, score)
    out["rss_end_mb"] = rss_mb()
    out["ok"] = True
    return out


def _mip(ctx, ds, planning, time_limit: float, score) -> dict:
    from benchmarks import mip
    from scheduler.core.domain import Placement
    from scheduler.engine.solve import scheduled_placement

    refused = _mip_guard(ctx)
    if refused is not None:
        return {"skipped": refused}
    res = mip.solve(ctx, time_limit)
    result = {k: getattr(res, k) for k in ("status", "objective", "bound", "gap", "build_seconds",
                                           "solve_seconds", "columns", "rows", "nonzeros", "trajectory")}
    if res.placements:
        by_key = {c.key: c for c in ctx.choices}
        chosen = {key: (d, t, vid) for key, d, t, vid in res.placements}
        rows = []
        for c in ctx.choices:
            if c.key in chosen:
                d, t, vid = chosen[c.key]
                rows.append(scheduled_placement(ctx, by_key[c.key], d, t, vid))
            else:
                rows.append(Placement(c.occ, "unscheduled"))
        result["score"] = score(ds, rows, planning).as_dict()
    return result


def _mip_guard(ctx) -> str | None:
    """The MIP has one pair block per two occurrences that can meet on a day: refuse a model that
    would not fit in memory or could not be built in minutes (said plainly in the results)."""
    pairs = 0
    sets = [set(c.days) for c in ctx.choices if c.days and c.times and c.venues]
    for i, a in enumerate(sets):
        for b in sets[i + 1:]:
            if not a.isdisjoint(b):
                pairs += 1
    if pairs > 400_000:
        return f"not built: {pairs:,} pairs of occurrences can fall on a common day (limit 400,000)"
    return None


def _write(ds, plan) -> str:
    from scheduler.outputs.folder import write_all
    from scheduler.outputs.write import write_outputs

    have = all(importlib.util.find_spec(m) is not None for m in ("scheduler.outputs.export_ics", "scheduler.outputs.report"))
    with tempfile.TemporaryDirectory(prefix="bench-out-") as tmp:
        if have:
            write_all(Path(tmp) / "out", ds, plan)
            return "write_all"
        from scheduler.outputs.export_csv import write_proposals

        write_outputs(Path(tmp) / "out", lambda stage: write_proposals(stage / "proposals.csv", ds, plan))
        return "proposals_only"


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 1) if values else 0.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="one benchmark run, in its own process")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--mip-time-limit", type=float, default=None)
    ap.add_argument("--no-mip", action="store_true")
    ap.add_argument("--no-greedy", action="store_true")
    ap.add_argument("--load-only", action="store_true")
    ap.add_argument("--profile", action="store_true", help="cProfile the Python phases (build, annotate)")
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    try:
        out = run(args)
    except Exception:  # the parent reports the failure in RESULTS.md
        out = {"data": str(args.data), "ok": False, "error": traceback.format_exc()}
    out["rss_peak_mb"] = rss_mb()
    args.json.write_text(json.dumps(out, default=str, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
