"""The CSPLib problem 046 part of the suite: the engine and the compact model side by side.

    python3 benchmarks/run.py --sizes none --csplib all         # only these instances
    python3 -m benchmarks.csplib_suite --only 6,18,26           # a quick look, printed

Each instance is converted (benchmarks/csplib.py) into a data folder, then measured in fresh
processes: the engine as `schedule propose` runs it (benchmarks/measure.py, which also writes the
outputs) and the independent compact CP-SAT model (benchmarks/compact.py), both with a 60 s limit
and two workers. The figures are compared with the proven optimum (csplib046/optima.json).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import csplib  # noqa: E402

UNPLACED = 1_000_000_000  # the engine's price of one unplaced occurrence (no other cost here)


def _run(cmd: list[str], root: Path, timeout: float) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout)
        err = proc.stderr[-1500:] if proc.returncode not in (0, 1) else ""
    except subprocess.TimeoutExpired:
        err = f"timed out after {timeout:.0f} s"
    return time.perf_counter() - started, err


def measure_instance(inst: csplib.Instance, folder: Path, time_limit: float, root: Path) -> dict:
    csplib.convert(inst, folder)
    best = csplib.optima()[str(inst.number)]["max_placed"]
    row: dict = {"instance": inst.number, "meetings": inst.meetings, "agents": len(inst.agents),
                 "pairs": len(inst.conflicts()), "optimum": best}
    eng_json, cmp_json = folder / "engine.json", folder / "compact.json"
    wall, err = _run([sys.executable, "-m", "benchmarks.measure", "--data", str(folder),
                      "--from", csplib.PLAN_FROM.isoformat(), "--to", csplib.PLAN_TO.isoformat(),
                      "--time-limit", str(time_limit), "--no-mip", "--no-greedy", "--json", str(eng_json)],
                     root, time_limit * 4 + 120)
    eng = json.loads(eng_json.read_text(encoding="utf-8")) if eng_json.exists() else {"ok": False}
    row["engine"] = _engine_figures(eng, inst.meetings, best, wall, err)
    wall, err = _run([sys.executable, "-m", "benchmarks.compact", "--data", str(folder),
                      "--time-limit", str(time_limit), "--json", str(cmp_json)], root, time_limit * 2 + 60)
    cmp_ = json.loads(cmp_json.read_text(encoding="utf-8")) if cmp_json.exists() else {}
    row["compact"] = {"ok": bool(cmp_), "error": err, "placed": cmp_.get("placed"), "status": cmp_.get("status"),
                      "e2e_s": cmp_.get("e2e_s"), "time_to_best_s": cmp_.get("time_to_best_s"),
                      "time_to_proof_s": cmp_.get("time_to_proof_s"), "process_s": wall}
    if cmp_.get("time_to_best_s") is not None:
        row["compact"]["time_to_best_s"] += cmp_.get("read_s", 0.0)
    if cmp_.get("time_to_proof_s") is not None:
        row["compact"]["time_to_proof_s"] = cmp_["e2e_s"]
    return row


def _engine_figures(r: dict, meetings: int, best: int, wall: float, err: str) -> dict:
    if not r.get("ok"):
        return {"ok": False, "error": err or r.get("error", "failed"), "process_s": wall}
    before = r["load_s"] + r["build_s"] + r["hint_s"]
    target = (meetings - best) * UNPLACED
    reached = None
    if r.get("hint_objective") is not None and r["hint_objective"] <= target:
        reached = before
    else:
        reached = next((before + t for t, obj, _ in r.get("solutions", []) if obj <= target), None)
    unplaced = r["engine_score"]["unplaced"]
    return {"ok": True, "placed": meetings - unplaced, "status": r["status"],
            "hard_broken": r["engine_score"]["hard_broken"],
            "time_to_best_s": reached, "time_to_proof_s": before + r["solve_s"] if r["status"] == "OPTIMAL" else None,
            "solve_s": r["solve_s"], "annotate_s": r["annotate_s"], "write_s": r["write_s"],
            "e2e_s": r["engine_total_s"], "process_s": wall, "peak_mb": r["rss_engine_mb"]}


def run_all(only: set[int] | None, time_limit: float, root: Path, keep: Path | None = None,
            echo: bool = True) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="csplib046-") as tmp:
        base = keep or Path(tmp)
        for inst in csplib.load(only):
            row = measure_instance(inst, base / f"instance-{inst.number:02d}", time_limit, root)
            rows.append(row)
            if echo:
                e, c = row["engine"], row["compact"]
                print(f"  CSPLib 046 #{inst.number}: optimum {row['optimum']}; engine {e.get('placed')} "
                      f"{e.get('status')} proof {_f(e.get('time_to_proof_s'))} e2e {_f(e.get('e2e_s'))}; compact "
                      f"{c.get('placed')} {c.get('status')} e2e {_f(c.get('e2e_s'))}", flush=True)
    return rows


def _f(x, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _ratio(a, b) -> str:
    return "-" if a is None or b is None or b <= 0 else f"{a / b:.1f}"


def section(rows: list[dict], time_limit: float) -> list[str]:
    """RESULTS.md's section for these instances."""
    if not rows:
        return []
    out = ["## CSPLib problem 046: meeting scheduling with travel between places (issue 17)", "",
           f"27 published instances (benchmarks/csplib.py; source and licence in README.md), {time_limit:g} s "
           "limit, two workers, engine and compact model each in a fresh process, one after the other. "
           "`optimum`: the most meetings that fit (csplib046/optima.json). Times in seconds: `to best` is "
           "from the start of loading to the first plan with the optimum placed, `to proof` to the proof; "
           "`e2e` is in-process end to end (engine: `api.propose` + writing every output, which includes "
           "explaining each unplaced meeting; compact: reading + building + solving); `process` is the "
           "whole child process, Python start-up and imports included.", ""]
    header = ["#", "meetings", "agents", "pairs", "optimum", "engine placed", "status", "to best", "to proof",
              "solve", "explain", "e2e", "process", "compact placed", "to proof", "e2e", "process",
              "e2e ratio", "process ratio"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        e, c = r["engine"], r["compact"]
        lines.append("| " + " | ".join([
            str(r["instance"]), str(r["meetings"]), str(r["agents"]), str(r["pairs"]), str(r["optimum"]),
            str(e.get("placed", "failed")), str(e.get("status", "-")), _f(e.get("time_to_best_s")),
            _f(e.get("time_to_proof_s")), _f(e.get("solve_s")), _f(e.get("annotate_s")), _f(e.get("e2e_s")),
            _f(e.get("process_s")), str(c.get("placed", "failed")), _f(c.get("time_to_proof_s")),
            _f(c.get("e2e_s")), _f(c.get("process_s")), _ratio(e.get("e2e_s"), c.get("e2e_s")),
            _ratio(e.get("process_s"), c.get("process_s"))]) + " |")
    out += lines
    reached = sum(1 for r in rows if r["engine"].get("placed") == r["optimum"])
    proven = sum(1 for r in rows if r["engine"].get("status") == "OPTIMAL")
    c_ok = sum(1 for r in rows if r["compact"].get("placed") == r["optimum"])
    broken = sum(r["engine"].get("hard_broken", 0) or 0 for r in rows)
    worst_proof = max((r["engine"].get("time_to_proof_s") or 0.0 for r in rows), default=0.0)
    out += ["", f"- The engine places the optimum on {reached} of {len(rows)} instances and proves it on {proven}; "
            f"the compact model on {c_ok}. validate.check finds {broken} broken hard rules in the engine's plans.",
            f"- The engine's slowest proof (load to proof): {worst_proof:.2f} s."]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None, help="instance numbers, such as 6,18,26 (default all)")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    only = {int(x) for x in args.only.split(",")} if args.only else None
    rows = run_all(only, args.time_limit, REPO, args.keep)
    print("\n".join(section(rows, args.time_limit)))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
