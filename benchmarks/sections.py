"""RESULTS.md sections for the targets of issue 17: the targets table, the 3,000-occurrence
scale test and the what-if timing (the CSPLib section is in csplib_suite.py)."""

from __future__ import annotations

TARGETS = {"S_e2e": 1.0, "M_proof_s": 3.0, "L_gap": 0.001, "L_gap_s": 60.0, "L_first_s": 15.0,
           "L_mem_mb": 2048.0, "X_first_s": 30.0, "X_mem_mb": 3072.0, "whatif_s": 1.0}


def _f(x, digits: int = 1, unit: str = "") -> str:
    return "-" if x is None else f"{x:.{digits}f}{unit}"


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.4f}%"


def verdict(flags: list[bool]) -> str:
    if not flags:
        return "not measured"
    return "met" if all(flags) else ("NOT met" if not any(flags) else f"met on {sum(flags)} of {len(flags)}")


def targets(runs: list[dict], big: dict | None, whatifs: list[dict], csplib_rows: list[dict], fns) -> list[str]:
    """`fns` holds run.py's helpers: first_plan, gap_at (seconds end to end)."""
    ok = [r for r in runs if r.get("ok")]
    by = {s: [r for r in ok if r["size"] == s] for s in ("S", "M", "L")}
    rows = []
    if by["S"]:
        vals = [r["engine_total_s"] for r in by["S"]]
        procs = ", ".join(f"{r['process_wall_s']:.1f}" for r in by["S"])
        rows.append([f"S end to end < {TARGETS['S_e2e']:g} s", ", ".join(f"{v:.2f} s" for v in vals)
                     + f" (whole process incl. Python start-up and the peers: {procs} s)",
                     verdict([v < TARGETS["S_e2e"] for v in vals])])
    if by["M"]:
        proof = [(r["load_s"] + r["build_s"] + r["hint_s"] + r["solve_s"]) if r["status"] == "OPTIMAL" else None
                 for r in by["M"]]
        rows.append([f"M proven optimal < {TARGETS['M_proof_s']:g} s (load to proof), every seed",
                     ", ".join(f"seed {r['seed']}: " + (f"{p:.1f} s" if p is not None else r["status"])
                               for r, p in zip(by["M"], proof, strict=True))
                     + " (end to end with explanations and outputs: "
                     + ", ".join(f"{r['engine_total_s']:.1f}" for r in by["M"]) + " s)",
                     verdict([p is not None and p < TARGETS["M_proof_s"] for p in proof])])
    if by["L"]:
        vals = [fns["first_plan"](r) for r in by["L"]]
        rows.append([f"L first plan < {TARGETS['L_first_s']:g} s", ", ".join(_f(v, 1, " s") for v in vals),
                     verdict([v is not None and v < TARGETS["L_first_s"] for v in vals])])
        vals = [fns["gap_at"](r, TARGETS["L_gap_s"]) for r in by["L"]]
        rows.append([f"L gap* < {100 * TARGETS['L_gap']:g}% by {TARGETS['L_gap_s']:g} s",
                     ", ".join(_pct(v) for v in vals),
                     verdict([v is not None and v < TARGETS["L_gap"] for v in vals])])
        vals = [r["rss_engine_mb"] for r in by["L"]]
        rows.append(["L peak memory < 2 GB", ", ".join(f"{v:.0f} MB" for v in vals),
                     verdict([v < TARGETS["L_mem_mb"] for v in vals])])
    if big is not None:
        if big.get("ok"):
            fp = fns["first_plan"](big)
            rows.append([f"3,000-occurrence load test: first plan < {TARGETS['X_first_s']:g} s, peak < 3 GB",
                         f"first plan {_f(fp, 1, ' s')}, peak {big['rss_engine_mb']:.0f} MB",
                         verdict([fp is not None and fp < TARGETS["X_first_s"] and big["rss_engine_mb"] < TARGETS["X_mem_mb"]])])
        else:
            rows.append(["3,000-occurrence load test", "failed: " + str(big.get("error", ""))[-200:], "NOT met"])
    if whatifs:
        good = [w for w in whatifs if w.get("ok")]
        rows.append([f"what-if on M < {TARGETS['whatif_s']:g} s (re-plan and write)",
                     ", ".join(f"seed {w['seed']}: {w['total_s']:.2f} s" if w.get("ok") else f"seed {w['seed']}: failed"
                               for w in whatifs),
                     verdict([w["total_s"] < TARGETS["whatif_s"] for w in good] + [False] * (len(whatifs) - len(good)))])
    flags, notes = [], []
    for r in ok:
        gs = r.get("greedy_score")
        if gs:
            better = r["engine_score"]["objective"] <= gs["objective"]
            flags.append(better)
            if not better:
                notes.append(f"{r['size']} seed {r['seed']}")
    rows.append(["engine never worse than greedy", "worse on " + ", ".join(notes) if notes else "never worse",
                 verdict(flags)])
    if csplib_rows:
        same = [r["engine"].get("placed") == r["optimum"] for r in csplib_rows]
        rows.append(["CSPLib 046: the proven optimum placed on every instance",
                     f"{sum(same)} of {len(same)}", verdict(same)])
        ratio = [(r["engine"].get("time_to_proof_s"), r["compact"].get("time_to_proof_s")) for r in csplib_rows]
        flags = [a is not None and b is not None and a <= 1.25 * b for a, b in ratio]
        rows.append(["CSPLib 046: engine's load-to-proof <= 1.25 x the compact model's read-to-proof",
                     f"on {sum(flags)} of {len(flags)} instances", verdict(flags)])
        e2e = [(r["engine"].get("e2e_s"), r["compact"].get("e2e_s")) for r in csplib_rows]
        flags = [a is not None and b is not None and a <= 1.25 * b for a, b in e2e]
        rows.append(["CSPLib 046: engine end to end (outputs and explanations included) <= 1.25 x the compact "
                     "model's", f"on {sum(flags)} of {len(flags)} instances", verdict(flags)])
    out = ["## Targets (issue 17, with every organiser rule as landed)", "",
           "| target | measured | verdict |", "|---|---|---|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def scale_section(big: dict | None, fns) -> list[str]:
    if big is None:
        return []
    out = ["## The 3,000-occurrence load test", ""]
    if not big.get("ok"):
        return out + ["The run failed: " + str(big.get("error", ""))[-500:], ""]
    fp = fns["first_plan"](big)
    out.append(f"Generated size X seed 1 ({big['counts']['participants']:,} participants, "
               f"{big['counts']['venues']:,} venues, {big['counts']['series']} series, "
               f"{big['occurrences']:,} occurrences), `benchmarks.measure` with a {big.get('time_limit', 60):g} s "
               f"limit: load {big['load_s']:.1f} s, build {big['build_s']:.1f} s, starting plan {big['hint_s']:.1f} s, "
               f"first plan at {_f(fp, 1, ' s')}, search {big['solve_s']:.1f} s, annotate {big['annotate_s']:.1f} s, "
               f"write {big['write_s']:.1f} s; status {big['status']}, gap* "
               f"{_pct(fns['gap_at'](big, 1e9))}; peak memory {big['rss_engine_mb']:.0f} MB "
               f"(after each phase: " + ", ".join(f"{k} {v:.0f}" for k, v in big.get("rss_after_phase_mb", {}).items())
               + " MB).")
    out.append("")
    return out


def whatif_section(whatifs: list[dict]) -> list[str]:
    if not whatifs:
        return []
    out = ["## What-if on M", "",
           "`benchmarks.whatif_measure`: M is planned (30 s limit) and written as a baseline, then the venue "
           "that hosts the most scheduled occurrences closes (`schedule whatif --close-venue`); the what-if's "
           "re-plan and its outputs are timed in the same process.", "",
           "| seed | closed venue (occurrences there) | what-if s | of which solving | write s | total s | moved | "
           "cancelled | status |", "|---|---|---|---|---|---|---|---|---|"]
    for w in whatifs:
        if not w.get("ok"):
            out.append(f"| {w['seed']} | failed: {str(w.get('error', ''))[-150:]} | | | | | | | |")
            continue
        out.append(f"| {w['seed']} | {w['closed_venue']} ({w['closed_uses']}) | {w['whatif_s']:.2f} | "
                   f"{w['solve_s']:.2f} | {w['write_s']:.2f} | {w['total_s']:.2f} | {w['moved']} | "
                   f"{w['cancelled']} | {w['minimal_status']} |")
    out.append("")
    return out
