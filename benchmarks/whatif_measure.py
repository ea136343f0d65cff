"""Time one what-if in its own process: a plan, then the busiest venue closes from the start.

    python3 -m benchmarks.whatif_measure --data DIR --from DATE --to DATE --json OUT

The baseline is planned and written as `schedule propose` does; then `scheduler.whatif.whatif`
closes the venue that hosts the most scheduled occurrences (`--close-venue ID`) and the result is
written as `schedule whatif` does. Only the what-if (re-plan plus writing) is timed.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def run(data: Path, start: date, end: date, time_limit: float) -> dict:
    from scheduler import api, whatif
    from scheduler.outputs.folder import write_all

    out: dict = {"data": str(data)}
    with tempfile.TemporaryDirectory(prefix="whatif-") as tmp:
        base_dir, new_dir = Path(tmp) / "baseline", Path(tmp) / "after"
        proposal = api.propose(data, start, end, time_limit=time_limit)
        write_all(base_dir, proposal.dataset, proposal.plan)
        used = Counter(p.venue_id for p in proposal.plan.placements if p.scheduled)
        venue = used.most_common(1)[0][0]
        out.update(baseline_status=proposal.plan.solver_status, closed_venue=venue, closed_uses=used[venue])
        t0 = time.perf_counter()
        result = whatif.whatif(base_dir, data, start, end, close=[venue])
        t1 = time.perf_counter()
        whatif.write_whatif(new_dir, result)
        t2 = time.perf_counter()
    out.update(whatif_s=t1 - t0, write_s=t2 - t1, total_s=t2 - t0, solve_s=result.solve_seconds,
               moved=result.moved, cancelled=result.cancelled, unchanged=result.unchanged,
               minimal_status=result.minimal_status,
               peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--time-limit", type=float, default=30.0, help="the baseline plan's limit")
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    r = run(args.data, date.fromisoformat(args.start), date.fromisoformat(args.end), args.time_limit)
    args.json.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
