"""What the organiser sees in the terminal: the table of meetings and the summary."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scheduler.core.domain import Dataset, Plan, hhmm, sort_key
from scheduler.engine.fixed import fixed_summary
from scheduler.engine.validate import relaxed_rules
from scheduler.explain.expenses import expenses_line
from scheduler.explain.metrics import family_totals, stale_access_warnings
from scheduler.outputs.export_ics import uninvitable
from scheduler.rules import BY_NAME


def print_plan(console: Console, ds: Dataset, plan: Plan, out: Path) -> None:
    table = Table(title="Proposed meetings", show_lines=False, header_style="bold")
    for col in ("Meeting", "No.", "Date", "Time", "Venue", "Rules relaxed / reason"):
        table.add_column(col, overflow="fold")
    for p in sorted(plan.placements, key=sort_key(ds)):
        m = ds.meetings[p.occurrence.meeting_id]
        if p.scheduled:
            v = ds.venues[p.venue_id]
            table.add_row(escape(m.title), str(p.occurrence.number), p.day.strftime("%a %d %b %Y"),
                          f"{hhmm(p.start)}-{hhmm(p.end)}", escape(v.name), ", ".join(p.rules_relaxed) or "-")
        else:
            table.add_row(escape(m.title), str(p.occurrence.number), "[red]not placed[/]", "", "", escape(p.reason))
    if plan.placements:
        console.print(table)
    n, placed = len(plan.placements), len(plan.scheduled)
    relaxed: dict[str, int] = {}
    for p in plan.scheduled:
        for r in p.rules_relaxed:
            relaxed[r] = relaxed.get(r, 0) + 1
    totals = family_totals(ds, plan)
    console.print()
    console.print(f"Planning window: {plan.planning.first} to {plan.planning.last}")
    if not n:
        console.print("There are no meetings to plan in this window.")
    console.print(f"Scheduled: {placed} of {n} meetings" + (f"; [red]not placed: {n - placed}[/]" if n - placed else ""))
    if relaxed:
        console.print("Rules relaxed: " + "; ".join(f"{r} ({c}x: {BY_NAME[r].summary})" for r, c in sorted(relaxed.items())))
    else:
        console.print("Rules relaxed: none")
    for line in fixed_summary(ds, plan.placements):
        console.print(escape(line))
    if totals:
        worst = max(totals.items(), key=lambda kv: (kv[1], kv[0]))
        console.print(f"Family travel: {sum(totals.values())} minutes in all (one way); the most any one person travels over the year is {worst[1]} minutes ({worst[0]})")
    if plan.scheduled:
        console.print(expenses_line(ds, plan))
    status = {"OPTIMAL": "the best possible plan (proven optimal)",
              "FEASIBLE": "a good plan, but not proven the best: the time limit stopped the search",
              "UNKNOWN": "no plan found within the time limit"}.get(plan.solver_status, plan.solver_status)
    console.print(f"Solver: {status}, in {plan.solve_seconds:.1f} s")
    for w in plan.warnings + stale_access_warnings(ds, plan):
        console.print(f"[yellow]Note:[/] {escape(w)}")

    no_email = uninvitable(ds, plan)
    if no_email:
        people = ", ".join(f"{ds.participants[pid].name} ({pid})" for pid in no_email)
        console.print(f"[yellow]No email address:[/] {len(no_email)} attendee{'s' if len(no_email) != 1 else ''} "
                      f"will get no calendar invite: {escape(people)}. Invite them another way (post, phone or "
                      "their school or organisation), or add their email to participants.csv and run again.")
    console.print(f"Written to {escape(str(out))}/: proposals.csv, programme.ics, invites/, report.html")


def print_findings(console: Console, hard, soft, rows: int) -> None:
    if not hard and not soft:
        console.print(f"All {rows} rows of proposals.csv keep every hard rule, and rules_relaxed is truthful.")
        return
    if hard:
        console.print(f"[bold red]{len(hard)} hard rule{'s' if len(hard) != 1 else ''} broken:[/]")
        for f in hard:
            console.print(f"  - {f}", markup=False)
    else:
        console.print("No hard rule is broken.")
    if soft:
        console.print(f"[yellow]{len(soft)} soft rule note{'s' if len(soft) != 1 else ''} about rules_relaxed:[/]")
        for f in soft:
            console.print(f"  - {f}", markup=False)


def print_check_summary(console: Console, ds: Dataset, rows: list, findings: list) -> None:
    """What `schedule check` found besides broken rules: what is missing and what is relaxed.

    Exit status stays about hard rules only; this says what the programme lacks.
    """
    unplaced = [p for p in sorted(rows, key=sort_key(ds)) if not p.scheduled]
    placed = len(rows) - len(unplaced)
    console.print(f"Summary: {placed} of {len(rows)} meetings are scheduled"
                  + (f"; [red]not placed: {len(unplaced)}[/]" if unplaced else "") + ".")
    for p in unplaced:
        m = ds.meetings[p.occurrence.meeting_id]
        why = f": {p.reason}" if p.reason else ""
        console.print(f"  - {escape(m.title)} ({p.occurrence.meeting_id} #{p.occurrence.number}, "
                      f"{escape(p.occurrence.period_label)}) is not placed{escape(why)}")
    counts: dict[str, int] = {}
    for relaxed in relaxed_rules(findings).values():
        for r in relaxed:
            counts[r] = counts.get(r, 0) + 1
    if counts:
        console.print("Rules relaxed: " + "; ".join(
            f"{r} ({c}x: {BY_NAME[r].summary})" if r in BY_NAME else f"{r} ({c}x)" for r, c in sorted(counts.items())))
    else:
        console.print("Rules relaxed: none")
    if unplaced:
        console.print("What to do: run 'schedule explain MEETING_ID' to see what stops a meeting that is not "
                      "placed, change the data, and run 'schedule propose' (or 'schedule whatif') again.")
