"""Writing and printing a what-if: the files to send, the organiser's own updates, and the terminal summary."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from icalendar import Calendar, Event
from rich.markup import escape
from rich.table import Table

from scheduler.core.clock import now_utc
from scheduler.core.errors import DataError, Problem
from scheduler.core.wording import long_date, plural
from scheduler.outputs.export_csv import write_table
from scheduler.outputs.export_ics import (
    calendar_bytes,
    invite_filename,
    meeting_event,
    new_calendar,
    papers_event,
    write_cancellations,
    write_invites,
)
from scheduler.outputs.folder import write_all
from scheduler.outputs.write import OUTPUT_NAMES
from scheduler.whatif.common import CHANGE_COLUMNS, CLI, label, venue_name
from scheduler.whatif.compare import WhatIfResult

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

ORGANISER_UPDATES = "organiser-updates.ics"


# ---------------------------------------------------------------------------------------------
# Where the outputs go: never into the baseline
# ---------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.") or "change"


def default_out(baseline: Path, close: tuple[str, ...] = (), close_dates: tuple[str, ...] = (),
                add_venues: Path | None = None, venues_file: Path | None = None, data: Path | None = None,
                replan: bool = False) -> Path:
    """A new folder beside the baseline, named after it and the change (never an existing one).

    For example out-whatif-close-WSV08, or out-whatif-data-edited-2 when that name is taken.
    """
    baseline = Path(baseline)
    parts = [f"close-{_slug(c)}" for c in close] + [f"lose-{_slug(d)}" for d in close_dates]
    if add_venues is not None:
        parts.append(f"add-{_slug(Path(add_venues).stem)}")
    if venues_file is not None:
        parts.append(f"venues-{_slug(Path(venues_file).stem)}")
    if data is not None:
        parts.append(f"data-{_slug(Path(data).stem or Path(data).resolve().name)}")
    if replan:
        parts.append("replan")
    name = f"{baseline.resolve().name}-whatif-" + ("-".join(parts) or "check")
    name = name[:120].rstrip("-.")
    parent = baseline.resolve().parent
    candidate, n = parent / name, 2
    while candidate.exists():
        candidate, n = parent / f"{name}-{n}", n + 1
    return candidate


def check_out(baseline: Path, out: Path) -> None:
    """--out may not be the baseline, inside it, or a folder whose outputs would replace it."""
    base, target = Path(baseline).resolve(), Path(out).resolve()
    inside = target == base or base in target.parents
    replaced = any(base == target / name or (target / name) in base.parents for name in OUTPUT_NAMES)
    if inside or replaced:
        where = "is the baseline folder" if target == base else (
            "is inside the baseline folder" if inside else "would replace the baseline folder")
        raise DataError([Problem(CLI, None, "--out",
                                 f"{out} {where} ({baseline}); the baseline is the record of what was sent "
                                 "and is never changed. Give another --out folder, or leave --out out to write "
                                 "to a new folder beside the baseline")])


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def _sent_files(baseline: Path | None, meeting_id: str, number: int) -> list[Path]:
    """The invite files the baseline holds for one occurrence: for everyone, and any per person."""
    if baseline is None:
        return []
    folder = Path(baseline) / "invites"
    main = folder / invite_filename(meeting_id, number)
    more = sorted(folder.glob(f"{meeting_id}-{number}-*.ics")) if folder.is_dir() else []
    return ([main] if main.is_file() else []) + [p for p in more if not p.name.endswith("-papers.ics")]


def _programme_events(baseline: Path | None) -> dict[str, Event]:
    path = Path(baseline) / "programme.ics" if baseline is not None else None
    if path is None or not path.is_file():
        return {}
    try:
        cal = Calendar.from_ical(path.read_bytes())
    except ValueError:
        return {}
    return {str(e.get("UID")): e for e in cal.walk("VEVENT")}


def organiser_updates(r: WhatIfResult) -> Calendar:
    """The organiser's own calendar updates: moved and added meetings with their papers-due
    entries (higher SEQUENCE), cancelled ones with STATUS:CANCELLED. METHOD:PUBLISH: no attendees.
    """
    ds = r.dataset
    cal = new_calendar("PUBLISH", ds.settings.calendar_name)
    for inv in r.invites:
        p = inv.placement
        if inv.only is not None:
            continue  # only the attendees changed: the organiser's entry is the same
        cal.add_component(meeting_event(ds, p, "PUBLISH", f"This meeting has changed: {inv.notice}" if inv.notice else ""))
        if p.papers_due is not None:
            note = ""
            if inv.old.scheduled and inv.old.papers_due != p.papers_due:
                note = (f"The papers date has changed: the meeting is now on {long_date(p.day)}, so the papers are "
                        f"due on {long_date(p.papers_due)}.")
            cal.add_component(papers_event(ds, p, note=note))
        elif inv.old.scheduled and inv.old.papers_due is not None:
            cal.add_component(papers_event(ds, dataclasses.replace(inv.old, sequence=p.sequence), cancelled=True,
                                           note="These papers are no longer needed."))
    for c in r.cancellations:
        p = c.placement
        event = meeting_event(ds, p, "PUBLISH", f"This meeting has been cancelled: {c.notice}.")
        event["STATUS"] = "CANCELLED"
        cal.add_component(event)
        if p.papers_due is not None:
            cal.add_component(papers_event(ds, p, cancelled=True,
                                           note="These papers are no longer needed: the meeting has been cancelled."))
    sent = _programme_events(r.baseline_dir) if r.withdrawals else {}
    for w in r.withdrawals:
        old = sent.get(w.removed.uid)
        if old is not None:
            cal.add_component(_cancelled_copy(old, w.removed.sequence + 1, w.notice + "."))
        for event in sent.values():
            if str(event.get("RELATED-TO", "")) == w.removed.uid:
                cal.add_component(_cancelled_copy(event, w.removed.sequence + 1,
                                                  "These papers are no longer needed: the meeting has been cancelled."))
    return cal


def _cancelled_copy(event: Event, sequence: int, note: str) -> Event:
    """A sent event again, cancelled: same UID, higher SEQUENCE, STATUS:CANCELLED, no reminder."""
    copy = Event.from_ical(event.to_ical())
    copy.subcomponents = [c for c in copy.subcomponents if c.name != "VALARM"]
    for prop in ("SEQUENCE", "STATUS", "DTSTAMP"):
        copy.pop(prop, None)
    copy.add("sequence", sequence)
    copy.add("status", "CANCELLED")
    copy.add("dtstamp", now_utc())
    old = str(event.get("DESCRIPTION", ""))
    copy.pop("DESCRIPTION", None)
    copy.add("description", f"{note}\n\n{old}".strip() if old else note)
    return copy


def withdrawal_calendar(path: Path, sequence: int, note: str) -> Calendar | None:
    """A sent invite cancelled as it was sent (the same attendees): for a meeting the data dropped."""
    try:
        sent = Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError):
        return None
    events = sent.walk("VEVENT")
    if len(events) != 1:
        return None
    cal = new_calendar("CANCEL")
    cal.add_component(_cancelled_copy(events[0], sequence, f"This meeting has been cancelled: {note}."))
    return cal


def uninvite_calendar(ds, p, address) -> Calendar:
    """A cancellation for one person who no longer attends: METHOD:CANCEL naming them alone."""
    cal = new_calendar("CANCEL")
    event = meeting_event(ds, p, "CANCEL", "You are no longer on the list of attendees for this meeting, so it "
                                           "is taken out of your calendar. If that is a mistake, please contact "
                                           "the organiser", audience="")
    event.pop("ATTENDEE", None)
    event.add("attendee", address)
    cal.add_component(event)
    return cal


def write_whatif(out: Path, r: WhatIfResult) -> None:
    """proposals.csv, changes.csv, programme.ics, invites/ and cancellations/ (only files to send),
    organiser-updates.ics (the organiser's own calendar) and report.html."""
    ds = r.dataset

    def extra(stage: Path) -> None:
        write_table(stage / "changes.csv", CHANGE_COLUMNS, r.changes)
        (stage / ORGANISER_UPDATES).write_bytes(calendar_bytes(organiser_updates(r)))
        if r.invites:
            folder = stage / "invites"
            folder.mkdir(exist_ok=True)
            for inv in r.invites:
                write_invites(folder, ds, inv.placement, reason=inv.notice, only=inv.only)
        withdrawn = [(w, path) for w in r.withdrawals
                     for path in _sent_files(r.baseline_dir, w.removed.meeting_id, w.removed.number)]
        if r.cancellations or withdrawn or r.uninvites:
            folder = stage / "cancellations"
            folder.mkdir(exist_ok=True)
            sequence = {(p.occurrence.meeting_id, p.occurrence.number): p.sequence for p in r.plan.placements}
            for u in r.uninvites:
                occ = u.placement.occurrence
                at = dataclasses.replace(u.placement, sequence=max(u.placement.sequence,
                                                                   sequence.get((occ.meeting_id, occ.number), 0)))
                for i, address in enumerate(u.addresses, start=1):
                    (folder / f"{occ.meeting_id}-{occ.number}-left-{i}.ics").write_bytes(
                        calendar_bytes(uninvite_calendar(ds, at, address)))
            for c in r.cancellations:
                write_cancellations(folder, ds, c.placement, c.notice)
            for w, path in withdrawn:
                cal = withdrawal_calendar(path, w.removed.sequence + 1, w.notice)
                if cal is not None:
                    (folder / path.name).write_bytes(calendar_bytes(cal))

    write_all(out, ds, r.plan, extra, changes=r.changes, what_if_summary="\n".join(r.summary),
              all_invites=False)


def print_whatif(console, r: WhatIfResult, out: Path) -> None:
    ds = r.dataset
    if r.changes:
        table = Table(title="What changes", header_style="bold")
        for col in ("Meeting", "Before", "After", "Why", "Family travel"):
            table.add_column(col, overflow="fold")
        for c in r.changes:
            k = (c["meeting_id"], int(c["occurrence"]))
            before = " ".join(x for x in (c["old_date"], c["old_start"], venue_name(ds, c["old_venue"])) if x) or "not placed"
            if c["change"] == "cancelled":
                after = "[red]cancelled[/]"
            else:
                after = escape(" ".join(x for x in (c["new_date"], c["new_start"], venue_name(ds, c["new_venue"])) if x))
            travel = c["travel_change_minutes"]
            travel = f"{int(travel):+d} min" if travel else "-"
            table.add_row(escape(label(ds, k)), escape(before), after, escape(c["reason"]), travel)
        console.print(table)
    else:
        console.print("Nothing changes: every meeting stays where and when it was.")
    console.print()
    for line in r.summary:
        console.print(escape(line))
    words = {"OPTIMAL": "proven the best", "FEASIBLE": "stopped by the time limit before it was proven the best",
             "UNKNOWN": "no plan found within the time limit", "INFEASIBLE": "no plan keeps the locked meetings"}
    status = f"Solver: minimal change {words.get(r.minimal_status, r.minimal_status)}"
    if r.free_status:
        status += f"; free re-plan {words.get(r.free_status, r.free_status)}"
    console.print(escape(f"{status}; {r.solve_seconds:.1f} s in all"))
    files = ["proposals.csv", "changes.csv", "programme.ics", ORGANISER_UPDATES]
    if r.invites:
        files.append(f"invites/ ({plural(len(r.invites), 'updated meeting')})")
    cancelled = len(r.cancellations) + len(r.withdrawals) + sum(len(u.addresses) for u in r.uninvites)
    if cancelled:
        files.append(f"cancellations/ ({plural(cancelled, 'cancellation')})")
    files.append("report.html")
    console.print(escape(f"Written to {out}/: " + ", ".join(files)))
    folders = " and ".join(f for f, n in (("invites/", r.invites), ("cancellations/", cancelled)) if n)
    if folders:
        console.print(escape(f"Send the files in {folders} to the attendees: their calendars update the entries "
                             "they already have (same UID, higher SEQUENCE). Each young person has a file of their "
                             "own (named with their participant id), so nobody sees a young person's address. "
                             f"Import {ORGANISER_UPDATES} into your own calendar: it updates the meetings and "
                             "papers-due entries there."))
    console.print(escape(f"The baseline {r.baseline_dir} is unchanged; use {out} as the baseline of the next "
                         "what-if once you have sent these updates."))
    used = sorted({p.venue_id for p in r.plan.scheduled if p.venue_id in r.added})
    if used:
        console.print(escape(f"The new plan uses {', '.join(used)}: add {'it' if len(used) == 1 else 'them'} to "
                             "venues.csv before 'schedule check' or another what-if on these outputs."))


