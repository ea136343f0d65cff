"""CSPLib problem 046 (meeting scheduling with travel between places) in this product's formats.

    python3 benchmarks/csplib.py --out /tmp/csplib046            # every instance, one folder each
    python3 benchmarks/csplib.py --out /tmp/csplib046 --only 6,19
    python3 benchmarks/csplib.py --check                          # the published solutions hold

The instances are read from `benchmarks/csplib046/instances.md`, a verbatim copy of CSPLib's
`Problems/prob046/data/instances.md` (CC BY 4.0; see benchmarks/README.md for the source and the
attribution). Each instance becomes a data folder:

- every meeting `m<i>` is a `once` series on one day, attended by the agents that attend it in
  CSPLib (role `professional`, no home: no time rule, travel cost or travel limit applies), held
  at its own place `L<i>` (the `venues` column);
- the day has DomainSize one-hour slots (venues open 09:00 to 09:00 + DomainSize hours, time step
  60 minutes) and every meeting lasts one slot;
- the distance between two meetings' places, in slots, is a measured journey in
  `travel_times.csv` of 60 minutes per slot. CSPLib's arrival-time constraint
  (|t_i - t_j| - duration < distance is a conflict) is then exactly `attendee_clash`: a shared
  attendee needs the travel time between the end of one meeting and the start of the next.

So the engine's objective on these folders is the number of meetings left unplaced: the
question "how many meetings fit". `check_published` verifies that reading against the
solutions CSPLib publishes (`csplib046/results.md`).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "csplib046"
SLOT_MINUTES = 60
DAY = date(2027, 1, 13)  # a Wednesday in term time, not a bank holiday
PLAN_FROM = date(2026, 12, 1)  # more than the notice period before DAY
PLAN_TO = date(2027, 1, 31)
FIRST_HOUR = 9


@dataclass(frozen=True)
class Instance:
    number: int
    meetings: int
    slots: int
    agents: tuple[tuple[int, ...], ...]  # agent -> the meetings it attends
    distance: tuple[tuple[int, ...], ...]  # meeting x meeting, in slots

    def attendees(self, meeting: int) -> list[int]:
        return [a for a, ms in enumerate(self.agents) if meeting in ms]

    def conflicts(self) -> dict[tuple[int, int], int]:
        """Pairs of meetings sharing an agent -> the slots needed from one start to the other."""
        out = {}
        for ms in self.agents:
            for x in ms:
                for y in ms:
                    if x < y:
                        out[(x, y)] = 1 + self.distance[x][y]
        return out


_PARAM = re.compile(r"^\s*(\w+)\s*=\s*(\d+)\s*$")
_AGENT = re.compile(r"^\s*Agents\s*\((\d+)\)\s*:\s*([\d\s]*)$")
_ROW = re.compile(r"^\s*(\d+)\s*:\s*([\d\s]+)$")
_HEAD = re.compile(r"^\s*(?:\*\*|__)Instance\s*#(\d+)(?:\*\*|__)\s*$")


def parse(text: str) -> list[Instance]:
    """Read CSPLib's instances.md (markdown with tabs and trailing spaces, as published)."""
    blocks: list[tuple[int, list[str]]] = []
    for line in text.splitlines():
        head = _HEAD.match(line)
        if head:
            blocks.append((int(head.group(1)), []))
        elif blocks:
            blocks[-1][1].append(line)
    out = []
    for number, lines in blocks:
        params: dict[str, int] = {}
        agents: dict[int, tuple[int, ...]] = {}
        rows: dict[int, tuple[int, ...]] = {}
        for line in lines:
            if m := _PARAM.match(line):
                params[m.group(1)] = int(m.group(2))
            elif m := _AGENT.match(line):
                agents[int(m.group(1))] = tuple(int(x) for x in m.group(2).split())
            elif m := _ROW.match(line):
                rows[int(m.group(1))] = tuple(int(x) for x in m.group(2).split())
        n = params["NumberOfMeetings"]
        if sorted(agents) != list(range(params["NumberOfAgents"])):
            raise ValueError(f"instance {number}: agents {sorted(agents)} do not match NumberOfAgents")
        if sorted(rows) != list(range(n)) or any(len(r) != n for r in rows.values()):
            raise ValueError(f"instance {number}: the distance matrix is not {n} x {n}")
        dist = tuple(rows[i] for i in range(n))
        if any(dist[i][j] != dist[j][i] for i in range(n) for j in range(n)):
            raise ValueError(f"instance {number}: the distance matrix is not symmetric")
        out.append(Instance(number, n, params["DomainSize"], tuple(agents[a] for a in sorted(agents)), dist))
    return out


def load(only: set[int] | None = None) -> list[Instance]:
    found = parse((SOURCE / "instances.md").read_text(encoding="utf-8"))
    return [i for i in found if only is None or i.number in only]


def published() -> dict[int, dict[int, int] | None]:
    """CSPLib's results.md: instance -> {meeting: slot} for a published solution, None if infeasible."""
    text = (SOURCE / "results.md").read_text(encoding="utf-8")
    out: dict[int, dict[int, int] | None] = {}
    current = None
    for line in text.splitlines():
        if m := _HEAD.match(line):
            current = int(m.group(1))
            out[current] = {}
        elif current is not None and "infeasible" in line:
            out[current] = None
        elif current is not None and (m := re.match(r"^\s*Meeting (\d+) scheduled at time (\d+)", line)):
            slots = out[current]
            assert slots is not None
            slots[int(m.group(1))] = int(m.group(2))
    return out


def violations(inst: Instance, slots: dict[int, int]) -> list[str]:
    """What breaks CSPLib's rules in a (partial) assignment of meetings to slots."""
    bad = [f"meeting {m} at slot {s} is outside 0..{inst.slots - 1}" for m, s in slots.items()
           if not 0 <= s < inst.slots]
    for (x, y), need in inst.conflicts().items():
        if x in slots and y in slots and abs(slots[x] - slots[y]) < need:
            bad.append(f"meetings {x} and {y} share an agent: slots {slots[x]} and {slots[y]}, need {need} apart")
    return bad


def check_published() -> list[str]:
    """Every published solution keeps the rules as read here (and covers every meeting)."""
    problems = []
    by_number = {i.number: i for i in load()}
    for number, slots in sorted(published().items()):
        if slots is None:
            continue
        inst = by_number[number]
        if sorted(slots) != list(range(inst.meetings)):
            problems.append(f"instance {number}: the published solution does not place every meeting")
        problems += [f"instance {number}: {v}" for v in violations(inst, slots)]
    return problems


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def convert(inst: Instance, folder: Path) -> Path:
    """Write one instance as a data folder (see the module docstring for the mapping)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = inst.meetings
    opens, closes = FIRST_HOUR * 60, FIRST_HOUR * 60 + inst.slots * SLOT_MINUTES
    # Places on a small grid in mid Sussex; their coordinates only need to be in the UK, since
    # every journey between them is given in travel_times.csv.
    _write(folder / "venues.csv",
           ["venue_id", "name", "latitude", "longitude", "capacity", "open_days", "open_from", "open_until"],
           [[f"L{i:02d}", f"Place {i}", f"{50.90 + 0.01 * (i // 8):.2f}", f"{-0.40 + 0.02 * (i % 8):.2f}",
             max(1, len(inst.agents) + 1), "Mon-Sun", hhmm(opens), hhmm(closes)] for i in range(n)])
    people = [[f"A{a:02d}", f"Agent {a}", "professional"] for a in range(len(inst.agents))]
    rows = []
    for i in range(n):
        attending = [f"A{a:02d}" for a in inst.attendees(i)]
        if not attending:
            # A meeting no agent attends (a few in CSPLib's instances) still needs someone in
            # the `attendees` column: a host who attends nothing else adds no constraint.
            attending = [f"H{i:02d}"]
            people.append([attending[0], f"Host of meeting {i}", "professional"])
        rows.append([f"m{i:02d}", f"Meeting {i}", ";".join(attending), SLOT_MINUTES, "once",
                     DAY.isoformat(), DAY.isoformat(), 0, f"L{i:02d}"])
    _write(folder / "participants.csv", ["participant_id", "name", "role"], people)
    _write(folder / "meetings.csv", ["meeting_id", "title", "attendees", "duration_minutes", "recurrence",
                                     "window_start", "window_end", "papers_days", "venues"], rows)
    _write(folder / "term_dates.csv", ["term", "first_day", "last_day", "status"],
           [["Autumn 2", "2026-11-02", "2026-12-18", "confirmed"],
            ["Spring 1", "2027-01-04", "2027-02-12", "confirmed"]])
    _write(folder / "travel_times.csv", ["from", "to", "minutes"],
           [[f"L{i:02d}", f"L{j:02d}", SLOT_MINUTES * inst.distance[i][j]]
            for i in range(n) for j in range(i + 1, n)])
    (folder / "settings.toml").write_text(
        f"# CSPLib problem 046, instance {inst.number}: one-hour slots (benchmarks/csplib.py)\n"
        "[organiser]\nname = \"CSPLib 046 benchmark\"\nemail = \"benchmark@example.org\"\n\n"
        f"[solver]\ntime_step_minutes = {SLOT_MINUTES}\n", encoding="utf-8")
    meta = {"source": f"CSPLib prob046 instance {inst.number}", "instance": inst.number,
            "meetings": n, "agents": len(inst.agents), "slots": inst.slots, "day": DAY.isoformat(),
            "plan_from": PLAN_FROM.isoformat(), "plan_to": PLAN_TO.isoformat(),
            "published": "infeasible" if published().get(inst.number, {}) is None else "feasible"}
    known = optima().get(str(inst.number))
    if known is not None:
        meta["max_placed"] = known["max_placed"]
    (folder / "instance.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return folder


def optima() -> dict[str, dict]:
    """The largest number of meetings that fit, per instance (csplib046/optima.json)."""
    path = SOURCE / "optima.json"
    return json.loads(path.read_text(encoding="utf-8"))["instances"] if path.exists() else {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write one data folder per instance here (instance-NN)")
    ap.add_argument("--only", default=None, help="instance numbers, such as 6,19")
    ap.add_argument("--check", action="store_true", help="check CSPLib's published solutions against the rules")
    args = ap.parse_args(argv)
    only = {int(x) for x in args.only.split(",")} if args.only else None
    if args.check:
        problems = check_published()
        for p in problems:
            print(p)
        sols = published()
        print(f"{sum(1 for s in sols.values() if s)} published solutions checked, "
              f"{sum(1 for s in sols.values() if s is None)} instances published as infeasible: "
              f"{'all hold' if not problems else f'{len(problems)} problems'}")
        if problems:
            return 1
    if args.out:
        for inst in load(only):
            folder = convert(inst, args.out / f"instance-{inst.number:02d}")
            print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
