"""An independent, compact CP-SAT model of how many meetings fit, read straight from a data folder.

    python3 -m benchmarks.compact --data /tmp/c46/instance-06 --time-limit 60 [--json out.json]

It shares no code with the engine (no `scheduler` import): it reads the CSV files itself and
models only the rules that bind on programmes of one-off meetings of professionals, which is
what the CSPLib problem 046 folders (benchmarks/csplib.py) hold:

- each meeting is placed at most once, on a day of its window, at a start on the time grid,
  in one of its venues, open that weekday and for the whole meeting (`venue_open`), big enough
  (`venue_capacity`);
- a venue hosts one meeting at a time (`venue_clash`);
- two meetings sharing an attendee on the same day do not overlap, and the attendee has the
  journey between the two venues from `travel_times.csv` between them (`attendee_clash`);
- the objective is the number of meetings placed (maximised).

A folder using anything else (parent carers or young people, access needs, unavailable dates,
recurring series, fixed placements, journeys it would have to estimate) is refused, because the
engine would then apply rules this model does not have and the two would not be comparable.
It is the side-by-side peer of the engine in the suite (benchmarks/run.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

from ortools.sat.python import cp_model

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Refused(Exception):
    """The folder uses a rule this model does not have."""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _minutes(text: str, default: int) -> int:
    if not text:
        return default
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _open_days(text: str) -> set[int]:
    if not text:
        return set(range(7))
    out: set[int] = set()
    for part in text.replace(",", ";").split(";"):
        part = part.strip().lower()[:7]
        if "-" in part:
            a, b = (DAYS.index(x.strip()[:3]) for x in part.split("-"))
            out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        elif part:
            out.add(DAYS.index(part[:3]))
    return out


def read(folder: Path) -> dict:
    """The instance as plain data; raises Refused when the folder needs rules not modelled here."""
    for optional in ("fixed.csv",):
        if (folder / optional).exists():
            raise Refused(f"{optional} is not modelled")
    settings = tomllib.loads((folder / "settings.toml").read_text(encoding="utf-8")) \
        if (folder / "settings.toml").exists() else {}
    step = int(settings.get("solver", {}).get("time_step_minutes", 15))
    people = {r["participant_id"]: r for r in _rows(folder / "participants.csv")}
    for pid, r in people.items():
        if r.get("role") != "professional":
            raise Refused(f"{pid} is a {r.get('role')}: family rules are not modelled")
        if r.get("needs") or r.get("unavailable"):
            raise Refused(f"{pid} has needs or unavailable dates: not modelled")
    venues = {}
    for r in _rows(folder / "venues.csv"):
        if r.get("closed_dates"):
            raise Refused("closed dates are not modelled")
        venues[r["venue_id"]] = {"capacity": int(r["capacity"]), "days": _open_days(r.get("open_days", "")),
                                 "from": _minutes(r.get("open_from", ""), 9 * 60),
                                 "until": _minutes(r.get("open_until", ""), 21 * 60)}
    travel: dict[tuple[str, str], int] = {}
    if (folder / "travel_times.csv").exists():
        for r in _rows(folder / "travel_times.csv"):
            travel[(r["from"], r["to"])] = travel[(r["to"], r["from"])] = int(r["minutes"])
    meetings = []
    for r in _rows(folder / "meetings.csv"):
        if r["recurrence"].lower() != "once":
            raise Refused(f"{r['meeting_id']} recurs: series rules are not modelled")
        ids = [x.strip() for x in r["attendees"].split(";") if x.strip()]
        ids += [x.strip() for x in r.get("optional_attendees", "").split(";") if x.strip()]
        if any(x not in people for x in ids):
            raise Refused(f"{r['meeting_id']}: only participant ids are modelled as attendees")
        if not (r.get("window_start") and r.get("window_end")):
            raise Refused(f"{r['meeting_id']}: a window is needed")
        first, last = date.fromisoformat(r["window_start"]), date.fromisoformat(r["window_end"])
        allowed = [v.strip() for v in r.get("venues", "").split(";") if v.strip()] or list(venues)
        meetings.append({"id": r["meeting_id"], "people": set(ids), "duration": int(r["duration_minutes"]),
                         "days": [first + timedelta(days=k) for k in range((last - first).days + 1)],
                         "venues": [v for v in allowed if venues[v]["capacity"] >= len(ids)]})
    for a in meetings:
        for b in meetings:
            if a is not b and a["people"] & b["people"]:
                for va in a["venues"]:
                    for vb in b["venues"]:
                        if va != vb and (va, vb) not in travel:
                            raise Refused(f"no measured journey {va} -> {vb}: estimates are not modelled")
    return {"step": step, "venues": venues, "meetings": meetings, "travel": travel}


def solve(inst: dict, time_limit: float, workers: int = 2, seed: int = 0) -> dict:
    started = time.perf_counter()
    m = cp_model.CpModel()
    venues, step = inst["venues"], inst["step"]
    origin = min((d for mt in inst["meetings"] for d in mt["days"]), default=date.today())
    placed, start, options = [], [], []
    by_venue: dict[str, list] = {}
    by_person: dict[str, list] = {}
    for i, mt in enumerate(inst["meetings"]):
        dur = mt["duration"]
        # every (day, start, venue) the meeting may take, as an absolute start in minutes
        opts = []
        for d in mt["days"]:
            for v in mt["venues"]:
                vv = venues[v]
                if d.weekday() not in vv["days"]:
                    continue
                first = -(-vv["from"] // step) * step
                for t in range(first, vv["until"] - dur + 1, step):
                    opts.append(((d - origin).days * 1440 + t, v))
        p = m.new_bool_var(f"placed{i}")
        s = m.new_int_var_from_domain(cp_model.Domain.from_values(sorted({o[0] for o in opts}) or [0]), f"start{i}")
        if not opts:
            m.add(p == 0)
        chosen = {}
        for v in sorted({o[1] for o in opts}):
            lit = m.new_bool_var(f"at{i}_{v}") if len(mt["venues"]) > 1 else p
            chosen[v] = lit
            starts = sorted(o[0] for o in opts if o[1] == v)
            if len(mt["venues"]) > 1:
                m.add_linear_expression_in_domain(s, cp_model.Domain.from_values(starts)).only_enforce_if(lit)
            by_venue.setdefault(v, []).append(m.new_optional_fixed_size_interval_var(s, dur, lit, f"iv{i}_{v}"))
        if len(chosen) > 1:
            m.add(sum(chosen.values()) == p)
        for person in mt["people"]:
            by_person.setdefault(person, []).append(i)
        placed.append(p)
        start.append(s)
        options.append(chosen)
    for ivs in by_venue.values():
        if len(ivs) > 1:
            m.add_no_overlap(ivs)
    pairs = set()
    for idx in by_person.values():
        pairs.update((a, b) for a in idx for b in idx if a < b)
    for a, b in sorted(pairs):
        ma, mb = inst["meetings"][a], inst["meetings"][b]
        if not set(ma["days"]) & set(mb["days"]):
            continue
        ta = max((inst["travel"].get((va, vb), 0) for va in options[a] for vb in options[b] if va != vb), default=0)
        exact = len(options[a]) == 1 and len(options[b]) == 1
        if not exact:
            raise Refused("meetings with a choice of venues sharing people are not modelled")
        before = m.new_bool_var(f"before{a}_{b}")
        m.add(start[b] >= start[a] + ma["duration"] + ta).only_enforce_if([before, placed[a], placed[b]])
        m.add(start[a] >= start[b] + mb["duration"] + ta).only_enforce_if([~before, placed[a], placed[b]])
    m.maximize(sum(placed))
    built = time.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    progress: list[tuple[float, float, float]] = []

    class Progress(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            progress.append((time.perf_counter() - started, self.ObjectiveValue(), self.BestObjectiveBound()))

    status = solver.solve(m, Progress())
    wall = time.perf_counter() - started
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    n = len(inst["meetings"])
    best = int(solver.objective_value) if found else None
    first_best = next((t for t, v, _ in progress if best is not None and v >= best), None)
    return {"status": solver.status_name(status), "meetings": n, "placed": best,
            "unplaced": n - best if best is not None else None,
            "bound_placed": int(solver.best_objective_bound + 1e-6) if found else None,
            "proven": status == cp_model.OPTIMAL, "build_s": built, "e2e_s": wall,
            "time_to_best_s": first_best, "time_to_proof_s": wall if status == cp_model.OPTIMAL else None,
            "progress": progress,
            "plan": {inst["meetings"][i]["id"]: solver.value(start[i]) for i in range(n)
                     if found and solver.value(placed[i])}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    try:
        inst = read(args.data)
    except Refused as exc:
        print(f"not comparable: {exc}", file=sys.stderr)
        return 2
    result = solve(inst, args.time_limit, args.workers, args.seed)
    result["read_s"] = time.perf_counter() - started - result["e2e_s"]
    result["e2e_s"] += result["read_s"]
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{args.data.name}: {result['status']} placed {result['placed']} of {result['meetings']} "
          f"(bound {result['bound_placed']}), {result['e2e_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
