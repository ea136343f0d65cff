"""Run the benchmark suite and write benchmarks/RESULTS.md (and the raw figures as results.json).

    python3 benchmarks/run.py                       # S, M (3 seeds), L (2), what-if, CSPLib 046, 3,000 occ.
    python3 benchmarks/run.py --sizes S,M --seeds 1,2
    python3 benchmarks/run.py --sizes L --seeds-l 1,2 --time-limit 120

Every instance is generated (benchmarks/generate.py), then measured in a fresh Python process
(benchmarks/measure.py) so that memory is per run. See benchmarks/README.md for the columns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import csplib_suite, sections  # noqa: E402
from benchmarks.generate import SIZES, generate  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = {"S": (1, 2, 3), "M": (1, 2, 3), "L": (1, 2)}
# CP-SAT's limit per size: L and the 3,000-occurrence test at the product's default 60 s
LIMITS = {"S": 10.0, "M": 30.0, "L": 60.0, "X": 60.0}


# -- running ------------------------------------------------------------------------------------
ENGINE_ROOT = [REPO]  # where the measured `scheduler` package (and a copy of benchmarks/) lives


def snapshot(rev: str, into: Path) -> str:
    """Export scheduler/ of commit `rev` (read-only: git archive) beside a copy of benchmarks/, so
    the suite measures one commit even while the working tree is being edited."""
    import io
    import shutil
    import tarfile

    full = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if not full:
        raise SystemExit(f"--engine-commit: '{rev}' is not a commit of this repository")
    data = subprocess.run(["git", "archive", "--format=tar", full, "scheduler"], cwd=REPO,
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    (into / "benchmarks").mkdir(exist_ok=True)
    for py in HERE.glob("*.py"):
        shutil.copy2(py, into / "benchmarks" / py.name)
    return full


def measure(folder: Path, size: str, time_limit: float, mip_limit: float | None, extra: list[str],
            timeout: float, root: Path | None = None) -> dict:
    spec = SIZES[size]
    out_json = folder / "measure.json"
    cmd = [sys.executable, "-m", "benchmarks.measure", "--data", str(folder), "--from", str(spec.plan_from),
           "--to", str(spec.plan_to), "--time-limit", str(time_limit), "--json", str(out_json), *extra]
    if mip_limit is not None:
        cmd += ["--mip-time-limit", str(mip_limit)]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=root or ENGINE_ROOT[0], capture_output=True, text=True, timeout=timeout)
        failed = proc.returncode != 0
        stderr = proc.stderr[-2000:]
    except subprocess.TimeoutExpired:
        failed, stderr = True, f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - started
    if out_json.exists():
        result = json.loads(out_json.read_text(encoding="utf-8"))
    else:
        result = {"ok": False, "error": stderr if failed else "no output"}
    result["process_wall_s"] = wall
    return result


def measure_whatif(folder: Path, size: str, root: Path | None = None) -> dict:
    spec = SIZES[size]
    out_json = folder / "whatif.json"
    cmd = [sys.executable, "-m", "benchmarks.whatif_measure", "--data", str(folder), "--from", str(spec.plan_from),
           "--to", str(spec.plan_to), "--time-limit", str(LIMITS[size]), "--json", str(out_json)]
    try:
        proc = subprocess.run(cmd, cwd=root or ENGINE_ROOT[0], capture_output=True, text=True, timeout=900)
        err = proc.stderr[-2000:] if proc.returncode else ""
    except subprocess.TimeoutExpired:
        err = "timed out after 900 s"
    if out_json.exists() and not err:
        result = json.loads(out_json.read_text(encoding="utf-8"))
        result["ok"] = True
        return result
    return {"ok": False, "error": err or "no output"}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    import highspy
    import ortools

    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "ortools": ortools.__version__, "highspy": _highs_version(highspy), "os": platform.platform()}


def _highs_version(highspy) -> str:
    try:
        return f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    except AttributeError:
        return "?"


def instance_summary(made: dict) -> dict:
    sizes = made.get("group_sizes") or [0]
    out = {k: v for k, v in made.items() if k != "group_sizes"}
    out["group_size"] = [min(sizes), round(sum(sizes) / len(sizes), 1), max(sizes)]
    return out


# -- the progress of a solve ----------------------------------------------------------------------
def progress(r: dict) -> list[tuple[float, float | None, float | None]]:
    """(seconds since Solve began, best objective so far, best bound so far) at every event."""
    events = [(t, None if r.get("whole_model_relaxed") else obj, b) for t, obj, b in r.get("solutions", [])]
    events += [(t, None, b) for t, b in r.get("bounds", [])]
    # plans bettered a few series at a time (improve.py, large programmes), timed the same way
    events += [(t, obj, None) for t, obj in r.get("progress", [])]
    if r.get("hint_objective") is not None:
        events.append((0.0, r["hint_objective"], None))  # the completed starting plan
    events.sort(key=lambda e: e[0])
    best_obj, best_bound, out = None, None, []
    for t, obj, b in events:
        if obj is not None:
            best_obj = obj if best_obj is None else min(best_obj, obj)
        if b is not None:
            best_bound = b if best_bound is None else max(best_bound, b)
        out.append((t, best_obj, best_bound))
    return out


def improvements(r: dict) -> list[tuple[float, float]]:
    """(seconds since the search began, objective) of each better plan: CP-SAT's solutions and
    improve.py's accepted moves (its first entry is the starting plan, not an improvement)."""
    # a relaxed whole model (large programmes) gives only its bound: its solutions are not plans
    cpsat = [] if r.get("whole_model_relaxed") else [(t, obj) for t, obj, _b in r.get("solutions", [])]
    return sorted(cpsat + [(t, obj) for t, obj in r.get("progress", [])[1:]])


def gap(obj: float | None, bound: float | None, constant: float = 0.0) -> float | None:
    """Relative gap; with `constant` (the cost of occurrences that have no candidate at all, the
    same in every plan) taken off both, so it is not hidden by a billion-point offset."""
    if obj is None or bound is None:
        return None
    return max(obj - bound, 0.0) / max(abs(obj - constant), 1.0)


def final_objective(r: dict) -> float | None:
    """The objective of the plan the engine returned: CP-SAT's, or its completed starting plan's
    when the search found nothing better (the engine then reports no objective)."""
    if r.get("objective") is not None:
        return r["objective"]
    if r.get("status") == "FEASIBLE":
        return r.get("hint_objective")
    return None


def offset(r: dict) -> float:
    """Seconds from the start of the run to the start of the CP-SAT search."""
    return r.get("load_s", 0) + r.get("build_s", 0) + r.get("hint_s", 0)


def time_to_gap(r: dict, target: float) -> float | None:
    c = r.get("forced_unplaced_constant", 0)
    for t, obj, b in progress(r):
        g = gap(obj, b, c)
        if g is not None and g <= target:
            return offset(r) + t
    if r.get("status") == "OPTIMAL":
        return offset(r) + r.get("solve_s", 0)
    return None


def gap_at(r: dict, seconds_e2e: float) -> float | None:
    c = r.get("forced_unplaced_constant", 0)
    t_limit = seconds_e2e - offset(r)
    state = None
    for t, obj, b in progress(r):
        if t <= t_limit:
            state = (obj, b)
    if r.get("status") == "OPTIMAL" and offset(r) + r.get("solve_s", 0) <= seconds_e2e:
        return 0.0
    return gap(*state, c) if state else None


def first_plan(r: dict) -> float | None:
    """End to end to the first whole plan: the completed starting plan, or CP-SAT's first solution."""
    if r.get("hint_objective") is not None:
        return offset(r)
    sols = r.get("solutions") or []
    return offset(r) + sols[0][0] if sols else None


def cpsat_time_to(r: dict, objective: float) -> float | None:
    for t, obj in improvements(r):
        if obj <= objective + 0.5:
            return t
    return None


def highs_time_to(mip: dict, objective: float) -> float | None:
    for t, obj in mip.get("trajectory", []):
        if obj <= objective + 0.5:
            return t
    return None


# -- formatting ---------------------------------------------------------------------------------
def f(x, digits: int = 2, unit: str = "") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}f}{unit}"
    return f"{x}{unit}"


def pct(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def num(x) -> str:
    return "-" if x is None else f"{x:,.0f}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def write_results(path: Path, meta: dict, runs: list[dict], big: dict | None, profiles: dict,
                  baselines: list[dict] | None = None, whatifs: list[dict] | None = None,
                  csplib_rows: list[dict] | None = None) -> None:
    L: list[str] = []
    L.append("# Benchmark results")
    L.append("")
    how = ("scheduler/ exported from that commit with git archive" if meta.get("snapshot") else
           f"the working tree, with uncommitted changes in {meta['dirty']}" if meta["dirty"] else
           "the working tree, scheduler/ unchanged from that commit")
    L.append(f"Measured {meta['date']} on engine commit `{meta['commit']}` ({meta['commit_date']}: "
             f"\"{meta['commit_subject']}\"); {how}.")
    m = meta["machine"]
    L.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM; Python {m['python']}, OR-Tools "
             f"{m['ortools']}, HiGHS {m['highspy']}; {m['os']}. Load average before / after the suite: "
             f"{meta['load_before']} / {meta['load_after']} (other work on the machine adds noise to timings).")
    L.append(f"Command: `{meta['command']}`; the whole suite took {meta['suite_minutes']:.1f} minutes.")
    L.append("")
    L.append("Every figure below is from this one run. Times are wall-clock seconds inside the measuring "
             "process (Python start-up and imports are in `process` only); memory is the peak resident "
             "set of that process after the engine's phases. `gap*` is the relative gap with the cost of "
             "occurrences that have no possible slot at all (the same billion points in every plan) taken "
             "off both sides; CP-SAT's own gap is the `raw gap`. See README.md for every column.")
    L.append("")

    # targets
    fns = {"first_plan": first_plan, "gap_at": gap_at}
    L += sections.targets(runs, big if big and "build_s" in big else None, whatifs or [], csplib_rows or [], fns)
    L.append("")
    L += csplib_suite.section(csplib_rows or [], meta.get("csplib_limit", 60.0))
    L += _instances(runs)
    L.append("")
    L.append("## Engine runs")
    L.append("")
    rows = []
    for r in runs:
        if not r.get("ok"):
            rows.append([r["size"], str(r["seed"]), "failed: " + (r.get("error", "")[-200:].replace("\n", " ").replace("|", "/"))]
                        + [""] * 18)
            continue
        es = r["engine_score"]
        rows.append([
            r["size"], str(r["seed"]), str(r["occurrences"]), f"{es['placed']}", str(r["model"]["no_candidate"]),
            str(es["relaxed"]), r["status"] + ("" if r["objective"] is not None or final_objective(r) is None
                                              else " (starting plan)"),
            num(final_objective(r)), num(r["bound"]),
            pct(gap(r["objective"], r["bound"]), 3), pct(gap(r["objective"], r["bound"], r["forced_unplaced_constant"])),
            f(r["engine_total_s"]), f(r["load_s"]), f(r["build_s"]), f(r["hint_s"]), f(r["solve_s"]),
            f(r["annotate_s"]), f(r["write_s"]), f(r.get("engine_cpu_s"), 1), f(r["process_wall_s"], 1),
            f(r["rss_engine_mb"], 0),
        ])
    L += table(["size", "seed", "occ.", "placed", "no slot", "relaxed", "status", "objective", "bound", "raw gap",
                "gap*", "e2e s", "load", "build", "hint", "solve", "annotate", "write", "cpu s", "process", "peak MB"], rows)
    L.append("")
    writes = {r.get("write_mode") for r in runs if r.get("ok")}
    if "proposals_only" in writes:
        L.append("`write` timed proposals.csv only: scheduler.outputs.export_ics / scheduler.outputs.report were not there yet.")
    else:
        L.append("`write` is present.write_all: proposals.csv, programme.ics, invites/ and report.html.")
    L.append("")
    L.append("Model size and search progress (times end to end, from the start of loading):")
    L.append("")
    rows = []
    for r in runs:
        if not r.get("ok"):
            continue
        mdl = r["model"]
        sols = improvements(r)
        rows.append([r["size"], str(r["seed"]), num(mdl["variables"]), num(mdl["constraints"]),
                     f"{mdl['mean_days']:.0f} x {mdl['mean_times']:.0f} x {mdl['mean_venues']:.1f}",
                     f(first_plan(r), 1), str(len(sols)), f(offset(r) + sols[-1][0], 1) if sols else "-",
                     f(time_to_gap(r, 0.02), 1), f(time_to_gap(r, 0.01), 1),
                     pct(gap_at(r, 10.0)), pct(gap_at(r, 120.0))])
    L += table(["size", "seed", "variables", "constraints", "days x starts x venues per occ.", "first plan s",
                "solutions", "last improvement s", "gap* <= 2% at s", "gap* <= 1% at s", "gap* at 10 s",
                "gap* at 120 s"], rows)
    L.append("")

    # peers
    L.append("## Side by side: greedy first-fit and a HiGHS MIP")
    L.append("")
    L.append("All three plans are scored by benchmarks/evaluate.py: the engine's objective recomputed from "
             "`validate.check` findings, the settings' weights and families' travel. `ratio` is greedy / "
             "engine on the full objective, `ratio*` on the objective without the no-slot constant "
             "(above 1: the engine's plan is better). The MIP is the engine's model on the same candidate "
             "domains (benchmarks/mip.py), with the same time limit as CP-SAT; `time ratio` is HiGHS's "
             "time to reach CP-SAT's final objective over CP-SAT's time to reach it (search time only, "
             "CP-SAT starting from the engine's hint).")
    L.append("")
    rows = []
    for r in runs:
        if not r.get("ok"):
            continue
        es, c = r["engine_score"], r["forced_unplaced_constant"]
        gs = r.get("greedy_score")
        mip = r.get("mip") or {}
        ratio = ratio_star = "-"
        if gs:
            ratio = f"{gs['objective'] / max(es['objective'], 1):.4f}"
            ratio_star = f"{(gs['objective'] - c) / max(es['objective'] - c, 1):.3f}"
        if "skipped" in mip:
            mip_cells = [mip["skipped"], "", "", "", "", ""]
        elif mip:
            target = final_objective(r)
            t_cp = cpsat_time_to(r, target) if target is not None else None
            if t_cp is None and target is not None:
                t_cp = 0.0  # the engine's plan is its starting plan: the search began with it
            t_h = highs_time_to(mip, target) if target is not None else None
            if target is None:
                reached = "the engine found no plan"
            elif t_h is None:
                reached = f"not reached in {mip['solve_seconds']:.0f} s"
            else:
                reached = f"{t_h / max(t_cp, 1e-3):.2f} ({t_h:.1f} s vs {t_cp:.1f} s)"
            ms = mip.get("score") or {}
            mip_cells = [mip["status"], num(mip["objective"]), pct(gap(mip["objective"], mip["bound"], c)),
                         reached, num(ms.get("objective")),
                         f"{mip['rows']:,} x {mip['columns']:,}, {mip['build_seconds']:.1f} s"]
        else:
            mip_cells = ["not run", "", "", "", "", ""]
        rows.append([r["size"], str(r["seed"]), num(es["objective"]), num(gs["objective"]) if gs else "-",
                     f"{gs['unplaced']}/{gs['relaxed']}" if gs else "-", f"{es['unplaced']}/{es['relaxed']}",
                     ratio, ratio_star, f(r.get("greedy_s"), 2), *mip_cells])
    L += table(["size", "seed", "engine (scored)", "greedy (scored)", "greedy unplaced/relaxed",
                "engine unplaced/relaxed", "ratio", "ratio*", "greedy s", "HiGHS status", "HiGHS objective",
                "HiGHS gap*", "time ratio", "HiGHS plan (scored)", "MIP rows x cols, build"], rows)
    L.append("")
    hard = [(r["size"], r["seed"], who, s["hard_broken"]) for r in runs if r.get("ok")
            for who, s in (("engine", r["engine_score"]), ("greedy", r.get("greedy_score") or {}),
                           ("HiGHS", (r.get("mip") or {}).get("score") or {})) if s.get("hard_broken")]
    if hard:
        L.append("Hard rules broken (validate.check): " + "; ".join(f"{s} seed {n} {w}: {k}" for s, n, w, k in hard) + ".")
    else:
        L.append("validate.check finds no broken hard rule in any engine, greedy or HiGHS plan.")
    mism = [(r["size"], r["seed"], r["objective"], r["engine_score"]["objective"]) for r in runs
            if r.get("ok") and r["objective"] is not None and abs(r["objective"] - r["engine_score"]["objective"]) > 0.5]
    if mism:
        L.append("")
        L.append("CP-SAT's objective and the checker's score of the same plan differ on: " + "; ".join(
            f"{s} seed {n} ({num(a)} vs {num(b)})" for s, n, a, b in mism)
                 + ". See 'Findings' for why.")
    L.append("")

    if big and "build_s" in big:
        L += sections.scale_section(big, fns)
    L += sections.whatif_section(whatifs or [])
    L += _findings(runs, profiles)
    L += _growth(runs)
    L += _profile_section(profiles)
    L += _baseline_section(meta, runs, baselines or [])
    path.write_text("\n".join(L) + "\n", encoding="utf-8")


def _instances(runs: list[dict]) -> list[str]:
    rows = []
    for r in runs:
        i = r.get("instance")
        if not i:
            continue
        roles = i.get("roles", {})
        aud = i.get("audiences", {})
        rec = i.get("recurrences", {})
        rows.append([r["size"], str(r["seed"]), str(i["venues"]), f"{100 * i['hoist_share']:.0f}% / {100 * i['step_free_share']:.0f}%",
                     str(i["people"]), " / ".join(str(roles.get(k, 0)) for k in ("parent_carer", "young_person", "professional")),
                     str(i["series"]), " / ".join(str(aud.get(k, 0)) for k in ("parent", "young", "mixed", "professional")),
                     ", ".join(f"{k} {v}" for k, v in rec.items()),
                     "{} / {} / {}".format(*i["group_size"]), str(r.get("occurrences", "-"))])
    if not rows:
        return []
    out = ["", "## Instances", "",
           "Generated by benchmarks/generate.py (seeded; see its docstring for how they are made).", ""]
    out += table(["size", "seed", "venues", "hoist / step-free", "people", "parents / young / prof.", "series",
                  "audience parent / young / mixed / prof.", "recurrence", "group min / mean / max", "occurrences"], rows)
    return out


def _growth(runs: list[dict]) -> list[str]:
    ok = [r for r in runs if r.get("ok")]
    sizes = [s for s in ("S", "M", "L") if any(r["size"] == s for r in ok)]
    if len(sizes) < 2:
        return []

    def mean(key, s):
        vals = [key(r) for r in ok if r["size"] == s]
        vals = [v for v in vals if v is not None]
        return sum(vals) / len(vals) if vals else None

    cols = {
        "occurrences": lambda r: r["occurrences"],
        "variables": lambda r: r["model"]["variables"],
        "constraints": lambda r: r["model"]["constraints"],
        "load s": lambda r: r["load_s"],
        "build s": lambda r: r["build_s"],
        "build CPU s": lambda r: r.get("build_cpu_s"),
        "hint s": lambda r: r["hint_s"],
        "solve s": lambda r: r["solve_s"],
        "annotate + write s": lambda r: r["annotate_s"] + r["write_s"],
        "end to end s": lambda r: r["engine_total_s"],
        "peak MB": lambda r: r["rss_engine_mb"],
        "first plan s": first_plan,
    }
    rows = []
    for name, key in cols.items():
        vals = [mean(key, s) for s in sizes]
        growth = []
        for a, b, sa, sb in zip(vals, vals[1:], sizes, sizes[1:], strict=False):
            growth.append(f"{sa}->{sb} x{b / a:.1f}" if a and b else "")
        rows.append([name] + [num(v) if name in ("occurrences", "variables", "constraints", "peak MB")
                              else f(v, 2) for v in vals] + ["; ".join(g for g in growth if g)])
    out = ["## Growth", "", "Means over the seeds of each size.", ""]
    out += table(["", *sizes, "growth"], rows)
    out.append("")
    return out


def _findings(runs: list[dict], profiles: dict) -> list[str]:
    """Plain statements computed from the figures above (nothing here is typed by hand)."""
    ok = [r for r in runs if r.get("ok")]
    out = ["## Findings (computed from the figures above)", ""]
    for size in ("S", "M", "L"):
        rs = [r for r in ok if r["size"] == size]
        if not rs:
            continue
        share = sum(r["build_s"] + r["hint_s"] for r in rs) / max(sum(r["engine_total_s"] for r in rs), 1e-9)
        out.append(f"- {size}: model building and the starting plan (build + hint) take {100 * share:.0f}% of "
                   f"end-to-end time (build {_mean([r['build_s'] for r in rs]):.1f} s, hint "
                   f"{_mean([r['hint_s'] for r in rs]):.1f} s, search {_mean([r['solve_s'] for r in rs]):.1f} s on average).")
    busy = [f"{r['size']} seed {r['seed']} ({100 * r['build_cpu_s'] / r['build_s']:.0f}%)" for r in ok
            if r.get("build_cpu_s") and r["build_s"] > 0.5 and r["build_cpu_s"] < 0.8 * r["build_s"]]
    if busy:
        out.append("- The machine was shared: model building (one thread) got less than 80% of a core on "
                   + ", ".join(busy) + "; those wall times are inflated by other work, CPU seconds are not.")
    for r in ok:
        tag = f"{r['size']} seed {r['seed']}"
        if r["hint_s"] + r["solve_s"] > r["time_limit"] * 1.05 + 1:
            out.append(f"- {tag}: the solver phases ran {r['hint_s'] + r['solve_s']:.1f} s (starting plan "
                       f"{r['hint_s']:.1f} s + search {r['solve_s']:.1f} s) against a time limit of "
                       f"{r['time_limit']:.0f} s (PRODUCT.md: the solver always stops within its time limit).")
        if r["status"] == "FEASIBLE" and not improvements(r) and not r.get("bounds"):
            out.append(f"- {tag}: CP-SAT's search ({r['solve_s']:.0f} s) reported neither a solution nor a bound: "
                       f"the plan returned is the engine's completed starting plan (ready {first_plan(r):.0f} s in), "
                       "unproven, with no gap to report.")
        if r["status"] not in ("OPTIMAL", "FEASIBLE"):
            out.append(f"- {tag}: no plan at all within the limit (status {r['status']}): every one of the "
                       f"{r['occurrences']} occurrences is left unscheduled, while the greedy planner places "
                       f"{(r.get('greedy_score') or {}).get('placed', '?')}.")
        gs = r.get("greedy_score")
        if gs and r["engine_score"]["objective"] > gs["objective"]:
            c = r["forced_unplaced_constant"]
            out.append(f"- {tag}: the engine's plan scores worse than greedy first-fit "
                       f"({num(r['engine_score']['objective'] - c)} vs {num(gs['objective'] - c)} without the "
                       f"no-slot constant; engine {r['engine_score']['unplaced']} unplaced / "
                       f"{r['engine_score']['relaxed']} relaxed, greedy {gs['unplaced']} / {gs['relaxed']}).")
        mip = r.get("mip") or {}
        mine = final_objective(r)
        if mip.get("objective") is not None and (mine is None or mip["objective"] < mine - 0.5):
            out.append(f"- {tag}: HiGHS found a better plan than the engine within the same limit "
                       f"({num(mip['objective'])} vs {num(mine)}, HiGHS {mip['status']} "
                       f"in {mip['solve_seconds']:.1f} s).")
        elif mip.get("status") and mine is not None and "skipped" not in mip and mip.get("status") != "Optimal":
            out.append(f"- {tag}: HiGHS did not reach the engine's objective in {mip['solve_seconds']:.0f} s "
                       f"(best {num(mip.get('objective'))}, a {mip['rows']:,}-row model).")
        if mip.get("status") == "Optimal" and mip.get("objective") is not None:
            same = [name for name, v in (("CP-SAT's best bound", r.get("bound")),
                                         ("CP-SAT's proven optimum", r["objective"] if r["status"] == "OPTIMAL" else None))
                    if v is not None and abs(v - mip["objective"]) < 0.5]
            if same:
                out.append(f"- {tag}: HiGHS's proven optimum equals {' and '.join(same)} "
                           f"({num(mip['objective'])}): the two formulations agree.")
        if mip.get("solve_seconds", 0) > r["time_limit"] * 1.05 + 1:
            out.append(f"- {tag}: HiGHS ran {mip['solve_seconds']:.0f} s against its {r['time_limit']:.0f} s limit.")
        if r["objective"] is not None and abs(r["objective"] - r["engine_score"]["objective"]) > 0.5:
            diff = r["engine_score"]["objective"] - r["objective"]
            out.append(f"- {tag}: validate.check scores the engine's plan {num(diff)} points "
                       f"{'above' if diff > 0 else 'below'} CP-SAT's own objective for it.")
        phases = r.get("rss_after_phase_mb") or {}
        if r["size"] == "L" and phases:
            steps = ", ".join(f"{k} {v:.0f} MB" for k, v in phases.items())
            out.append(f"- {tag}: peak memory after each phase: {steps}.")
    for size, prof in profiles.items():
        top = [e for e in prof.get("profile", []) if e["function"].startswith(("scheduler/constraints", "scheduler/travel",
                                                                              "scheduler/hint", "scheduler/model",
                                                                              "geopy/"))][:4]
        if top:
            out.append(f"- {size} profile: the heaviest engine functions are " + "; ".join(
                f"`{e['function']}` {e['cumtime']:.1f} s over {e['calls']:,} calls" for e in top) + ".")
    out.append("")
    return out


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _baseline_section(meta: dict, runs: list[dict], baselines: list[dict]) -> list[str]:
    if not baselines:
        return []
    base = meta.get("baseline", {})
    out = ["## What the engine's changes gained", "",
           f"The same instances run on the earlier engine commit `{base.get('commit')}` ({base.get('date')}: "
           f"\"{base.get('subject')}\") and on `{meta['commit']}`, in the same suite run:", ""]
    rows = []
    for b in baselines:
        now = next((r for r in runs if r["size"] == b["size"] and r["seed"] == b["seed"] and r.get("ok")), None)
        for label, r in (("before", b), ("after", now)):
            if r is None or not r.get("ok"):
                rows.append([b["size"], str(b["seed"]), label, "failed" if r else "not run"] + [""] * 9)
                continue
            rows.append([b["size"], str(b["seed"]), label, f(r["build_s"]), f(r.get("build_cpu_s")),
                         f(r["hint_s"]), f(r["solve_s"]),
                         f(r["engine_total_s"]), f(first_plan(r), 1), r["status"],
                         pct(gap(r["objective"], r["bound"], r["forced_unplaced_constant"])),
                         num(r["engine_score"]["objective"]), f(r["rss_engine_mb"], 0)])
    out += table(["size", "seed", "engine", "build s", "build CPU s", "hint s", "solve s", "e2e s", "first plan s", "status",
                  "gap*", "scored objective", "peak MB"], rows)
    out.append("")
    return out


def _profile_section(profiles: dict) -> list[str]:
    if not profiles:
        return []
    out = ["## Profile", "",
           "cProfile of `api.propose` (Python phases; CP-SAT's search is one C++ call), one seed per size, "
           "in separate runs from the timings above (the profiler roughly doubles Python time). "
           "Top functions by cumulative time:", ""]
    for size, prof in profiles.items():
        if not prof.get("ok"):
            out.append(f"{size}: profile run failed: {str(prof.get('error', ''))[-300:]}")
            continue
        out.append(f"### {size} (seed {prof['seed']}): propose {prof['propose_s']:.1f} s under the profiler, "
                   f"of which build {prof['build_s']:.1f} s, hint {prof['hint_s']:.1f} s, solve {prof['solve_s']:.1f} s")
        out.append("")
        rows = []
        for e in prof.get("profile", []):
            fn = e["function"]
            if not (fn.startswith("scheduler/") or fn.startswith("geopy/") or fn.startswith("geographiclib/")
                    or "cp_model" in fn):
                continue
            rows.append([f"`{fn}`", num(e["calls"]), f(e["tottime"], 2), f(e["cumtime"], 2)])
        out += table(["function", "calls", "own s", "cumulative s"], rows[:22])
        out.append("")
    return out


# -- main ----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="S,M,L")
    ap.add_argument("--seeds", default=None, help="seeds for S and M (default 1,2,3)")
    ap.add_argument("--seeds-l", default=None, help="seeds for L (default 1,2)")
    ap.add_argument("--time-limit", type=float, default=None,
                    help="CP-SAT time limit for every size (default: S 10, M 30, L 120 s)")
    ap.add_argument("--mip-time-limit", type=float, default=None, help="HiGHS time limit (default: CP-SAT's)")
    ap.add_argument("--no-mip", action="store_true")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-big-load", action="store_true", help="skip the 3,000-occurrence load test")
    ap.add_argument("--no-whatif", action="store_true", help="skip the what-if timing on M")
    ap.add_argument("--csplib", default="all", help="CSPLib 046 instances: all, none, or numbers such as 6,18,26")
    ap.add_argument("--csplib-time-limit", type=float, default=60.0)
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated instances in this folder")
    ap.add_argument("--engine-commit", default=None,
                    help="measure scheduler/ as committed at this revision (e.g. HEAD) instead of the working tree")
    ap.add_argument("--baseline-commit", default=None,
                    help="also run the engine of this earlier revision on the first seed of M and L (no peers), "
                         "to show what the engine's changes gained")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--raw", type=Path, default=HERE / "results.json")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite --out from the figures already in --raw, without running anything")
    args = ap.parse_args(argv)
    if args.report_only:
        raw = json.loads(args.raw.read_text(encoding="utf-8"))
        write_results(args.out, raw["meta"], raw["runs"], raw.get("big_load"), raw.get("profiles", {}),
                      raw.get("baselines", []), raw.get("whatifs", []), raw.get("csplib", []))
        print(f"wrote {args.out} from {args.raw}")
        return

    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip() and s.strip().lower() != "none"]
    seeds = {s: DEFAULT_SEEDS[s] for s in sizes}
    if args.seeds:
        for s in sizes:
            if s != "L":
                seeds[s] = tuple(int(x) for x in args.seeds.split(","))
    if args.seeds_l and "L" in sizes:
        seeds["L"] = tuple(int(x) for x in args.seeds_l.split(","))

    started = time.perf_counter()
    engine_ctx = None
    rev = "HEAD"
    if args.engine_commit:
        engine_ctx = tempfile.TemporaryDirectory(prefix="bench-engine-")
        rev = snapshot(args.engine_commit, Path(engine_ctx.name))
        ENGINE_ROOT[0] = Path(engine_ctx.name)
    meta = {
        "date": datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short=12", rev),
        "commit_date": _git("log", "-1", "--format=%ad", "--date=iso", rev),
        "commit_subject": _git("log", "-1", "--format=%s", rev),
        "dirty": "" if args.engine_commit else ", ".join(
            line[2:].strip() for line in _git("status", "--porcelain", "--", "scheduler").splitlines()),
        "snapshot": bool(args.engine_commit),
        "machine": machine(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "command": "python3 benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    work_ctx = tempfile.TemporaryDirectory(prefix="bench-") if args.keep is None else None
    work = Path(work_ctx.name) if work_ctx else args.keep
    work.mkdir(parents=True, exist_ok=True)
    runs: list[dict] = []
    profiles: dict = {}
    baselines: list[dict] = []
    big = None
    whatifs: list[dict] = []
    csplib_rows: list[dict] = []
    meta["csplib_limit"] = args.csplib_time_limit
    try:
        for size in sizes:
            limit = args.time_limit or LIMITS[size]
            for seed in seeds[size]:
                folder = work / f"{size}-{seed}"
                made = generate(size, seed, folder)
                print(f"[{time.perf_counter() - started:6.0f}s] {size} seed {seed} ...", flush=True)
                extra = ["--no-mip"] if args.no_mip else []
                r = measure(folder, size, limit, args.mip_time_limit, extra, timeout=limit * 3 + 900)
                r.update(size=size, seed=seed, time_limit=limit, instance=instance_summary(made))
                runs.append(r)
                _echo(r)
        if not args.no_profile:
            for size in [s for s in ("M", "L") if s in sizes]:
                seed = seeds[size][0]
                folder = work / f"{size}-{seed}"
                print(f"[{time.perf_counter() - started:6.0f}s] profile {size} seed {seed} ...", flush=True)
                p = measure(folder, size, 5.0, None, ["--no-mip", "--no-greedy", "--profile"], timeout=1800)
                p.update(size=size, seed=seed)
                profiles[size] = p
        if args.baseline_commit:
            base_ctx = tempfile.TemporaryDirectory(prefix="bench-base-")
            try:
                base_rev = snapshot(args.baseline_commit, Path(base_ctx.name))
                meta["baseline"] = {"commit": _git("rev-parse", "--short=12", base_rev),
                                    "subject": _git("log", "-1", "--format=%s", base_rev),
                                    "date": _git("log", "-1", "--format=%ad", "--date=iso", base_rev)}
                for size in [s for s in ("M", "L") if s in sizes]:
                    seed = seeds[size][0]
                    limit = args.time_limit or LIMITS[size]
                    print(f"[{time.perf_counter() - started:6.0f}s] baseline {size} seed {seed} ...", flush=True)
                    b = measure(work / f"{size}-{seed}", size, limit, None, ["--no-mip", "--no-greedy"],
                                timeout=limit * 3 + 900, root=Path(base_ctx.name))
                    b.update(size=size, seed=seed, time_limit=limit)
                    baselines.append(b)
                    _echo(b)
            finally:
                base_ctx.cleanup()
        if not args.no_whatif and "M" in sizes:
            for seed in seeds["M"][:1]:  # one what-if: each costs a full M plan first
                print(f"[{time.perf_counter() - started:6.0f}s] what-if M seed {seed} ...", flush=True)
                w = measure_whatif(work / f"M-{seed}", "M")
                w.update(seed=seed)
                whatifs.append(w)
                print(f"   {w.get('total_s', 'failed')}", flush=True)
        if args.csplib.lower() != "none":
            only = None if args.csplib.lower() == "all" else {int(x) for x in args.csplib.split(",")}
            print(f"[{time.perf_counter() - started:6.0f}s] CSPLib 046 ...", flush=True)
            csplib_rows = csplib_suite.run_all(only, args.csplib_time_limit, ENGINE_ROOT[0],
                                               work / "csplib046")
        if not args.no_big_load:
            folder = work / "X-1"
            generate("X", 1, folder)
            print(f"[{time.perf_counter() - started:6.0f}s] load test: 3,000 occurrences ...", flush=True)
            big = measure(folder, "X", LIMITS["X"], None, ["--no-mip", "--no-greedy"], timeout=1800)
            big.update(size="X", seed=1, time_limit=LIMITS["X"])
            _echo(big)
    finally:
        if work_ctx:
            work_ctx.cleanup()
        if engine_ctx:
            engine_ctx.cleanup()
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    meta["suite_minutes"] = (time.perf_counter() - started) / 60
    args.raw.write_text(json.dumps({"meta": meta, "runs": runs, "big_load": big, "profiles": profiles,
                                    "baselines": baselines, "whatifs": whatifs, "csplib": csplib_rows},
                                   indent=1, default=str) + "\n", encoding="utf-8")
    write_results(args.out, meta, runs, big, profiles, baselines, whatifs, csplib_rows)
    print(f"wrote {args.out} and {args.raw} in {meta['suite_minutes']:.1f} min")


def _echo(r: dict) -> None:
    if not r.get("ok"):
        print("   failed:", str(r.get("error", ""))[-400:], flush=True)
        return
    gs = r.get("greedy_score") or {}
    mip = r.get("mip") or {}
    print(f"   {r['occurrences']} occ, {r['status']}, e2e {r['engine_total_s']:.1f} s (build {r['build_s']:.1f}, "
          f"solve {r['solve_s']:.1f}), peak {r['rss_engine_mb']:.0f} MB, engine {num(r['engine_score']['objective'])}, "
          f"greedy {num(gs.get('objective'))}, HiGHS {mip.get('status', mip.get('skipped', '-'))} "
          f"{num(mip.get('objective'))}", flush=True)


if __name__ == "__main__":
    main()
