"""The new rows against the baseline: SEQUENCE, changes.csv rows, invites, cancellations and the summary."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from icalendar import vCalAddress

from scheduler.core.domain import Dataset, Placement, Plan, Status, sort_key
from scheduler.core.values import is_email
from scheduler.core.wording import hhmm, long_date, plural
from scheduler.engine.fixed import fixed_summary, note_fixed
from scheduler.engine.validate import Finding
from scheduler.explain.metrics import metrics
from scheduler.rules import RULE, rule_order
from scheduler.whatif.change import Change, Removed, lost_on
from scheduler.whatif.common import Key, key_of, label, slot_of, venue_name
from scheduler.whatif.search import Search

# ---------------------------------------------------------------------------------------------
# Reasons, in words safe for calendars: a venue and a rule, never a person
# ---------------------------------------------------------------------------------------------

def _venue_words(ds: Dataset, vid: str) -> str:
    v = ds.venues.get(vid)
    return f"{v.name} ({vid})" if v else vid


def why_affected(ds: Dataset, p: Placement, findings: list[Finding], change: Change,
                 rule_names: bool = True) -> str:
    """Why a kept placement no longer works; `rule_names` adds the rule (for the organiser)."""
    venue = _venue_words(ds, p.venue_id) if rule_names else venue_name(ds, p.venue_id)
    closed = [c for c in change.closures if c.venue_id == p.venue_id and (c.start is None or c.start <= p.day)]
    lost = lost_on(change.lost, p.day)
    # what the change itself did to this placement's day or venue, in words (venue_open says it)
    change_words = None
    if lost is not None:
        change_words = (f"no meeting can take place on {long_date(p.day)}" if lost.first == lost.last else
                        f"no meeting can take place from {long_date(lost.first)} to {long_date(lost.last)}")
    elif p.venue_id not in ds.venues:
        change_words = f"{venue} is no longer in venues.csv"
    elif closed:
        c = closed[0]
        if c.how == "dropped":
            change_words = f"{venue} is not in the new venue table"
        elif c.start is None:
            change_words = f"{venue} is closed for good"
        else:
            change_words = f"{venue} is closed from {c.start.isoformat()}"
    parts: list[str] = []
    for f in findings:
        if f.rule in RULE:
            text = RULE[f.rule].why_affected(venue, change_words)
        elif f.rule == "fixed":
            text = "the date, time or venue is now fixed elsewhere"
        else:
            text = f.rule
        if rule_names:
            text += f" ({f.rule})"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _was(ds: Dataset, p: Placement) -> str:
    return f"{long_date(p.day)} at {hhmm(p.start)}, {ds.venues[p.venue_id].name}" if p.venue_id in ds.venues \
        else f"{long_date(p.day)} at {hhmm(p.start)}"



# ---------------------------------------------------------------------------------------------
# The what-if
# ---------------------------------------------------------------------------------------------

@dataclass
class Invite:
    placement: Placement  # scheduled, SEQUENCE already raised
    notice: str  # for the attendees: why it changed, and when it was
    old: Placement  # the baseline row
    # None: every file (the invite for everyone else and each young person's own); otherwise
    # only these ("" for everyone else's, a participant id for a young person's): the slot did
    # not change, only people joined, so only they need the invite
    only: tuple[str, ...] | None = None


@dataclass
class Uninvite:
    """People who were sent a meeting and no longer attend: each gets a cancellation of their own."""

    placement: Placement  # as they were sent it
    addresses: list[vCalAddress]


@dataclass
class Cancellation:
    placement: Placement  # as it was invited, with SEQUENCE raised
    notice: str


@dataclass
class Withdrawal:
    """A meeting the edited data no longer has: its sent invites are cancelled as they were sent."""

    removed: Removed
    notice: str


@dataclass
class WhatIfResult:
    dataset: Dataset
    baseline: list[Placement]
    plan: Plan  # every row of the new proposals.csv
    changes: list[dict[str, str]]
    invites: list[Invite]
    cancellations: list[Cancellation]
    summary: list[str]
    applied: list[str]
    moved: int = 0
    cancelled: int = 0
    unchanged: int = 0
    newly_scheduled: int = 0
    rescue_moves: int = 0
    carried: int = 0
    solve_seconds: float = 0.0
    carried_at_closed: list[Key] = field(default_factory=list)
    minimal_status: str = ""
    free_status: str = ""
    added: list[str] = field(default_factory=list)  # venue ids added by --add-venues or --venues
    withdrawals: list[Withdrawal] = field(default_factory=list)
    uninvites: list[Uninvite] = field(default_factory=list)
    attendee_updates: int = 0
    added_occurrences: int = 0
    still: int = 0  # not placed before, and still not placed (added ones included)
    baseline_dir: Path | None = None



def compare(change: Change, found: Search, replan: bool) -> WhatIfResult:
    """The new rows with their SEQUENCE, and what changed, row by row."""
    ds = change.ds
    carried_keys = {key_of(p) for p in found.carried}
    affected, rescues = found.affected, found.rescues
    new_by_key = {key_of(p): p for p in found.chosen.placements}
    rows: list[Placement] = []
    changes: list[dict[str, str]] = []
    invites: list[Invite] = []
    cancellations: list[Cancellation] = []
    uninvites: list[Uninvite] = []
    counts = Counter()
    for b in change.base:
        k = key_of(b)
        if k in carried_keys:
            rows.append(b)
            counts["unchanged" if b.scheduled else "still"] += 1
            continue
        n = dataclasses.replace(new_by_key[k])
        why = why_affected(ds, b, affected[k], change) if k in affected else ""
        plain = why_affected(ds, b, affected[k], change, rule_names=False) if k in affected else ""
        joined, left = _who_changed(ds, b, change.sent.get(k, {})) if b.scheduled else ([], [])
        if left:
            uninvites.append(Uninvite(b, left))
        if b.scheduled and n.scheduled and slot_of(b) == slot_of(n):
            n.sequence = b.sequence
            if n.rules_relaxed == b.rules_relaxed:
                n.reason = b.reason  # read from a locked slot, the reason would lose its alternatives
            counts["unchanged"] += 1
            if joined or left:
                counts["attendees"] += 1
                young = {pid for pid in joined if ds.participants[pid].role == "young_person"}
                only = tuple(([""] if set(joined) - young else []) + sorted(young))
                if only:
                    invites.append(Invite(n, "", b, only))
                bits = []
                if joined:
                    bits.append(f"{', '.join(joined)} join{'s' if len(joined) == 1 else ''} (an invite goes to them)")
                if left:
                    bits.append(f"{plural(len(left), 'address', 'addresses')} no longer invited get a cancellation of their own")
                changes.append(_change_row(ds, b, n, "attendees", "Same date, time and venue; attendees changed: "
                                           + "; ".join(bits) + ".", "0"))
        elif b.scheduled and n.scheduled:
            n.sequence = b.sequence + 1
            counts["moved"] += 1
            if why:
                reason, notice = f"Had to move: {why}.", f"{plain[0].upper()}{plain[1:]}."
            elif k in rescues:
                counts["rescue"] += 1
                saved = ", ".join(label(ds, s) for s in rescues[k])
                reason = (f"Its old slot is still possible, but it moved to make room for {saved}, "
                          "which would otherwise have been cancelled.")
                notice = "The meeting moved to make room for another meeting that could not otherwise go ahead."
            else:
                reason = ("Moved by the free re-plan (--replan); its old slot is still possible"
                          + _better(b, n) + ".")
                notice = "The programme was re-planned to cut travel and compromises."
            notice += f" It was on {_was(ds, b)}."
            changes.append(_change_row(ds, b, n, "moved", reason, str(n.travel_total - b.travel_total)))
            invites.append(Invite(n, notice, b))
        elif b.scheduled:
            n.sequence = b.sequence + 1
            counts["cancelled"] += 1
            cause = why or "the re-plan found no place for it"
            period = f"{b.occurrence.period_label}"
            if "time limit" in n.reason and "before any plan" in n.reason:
                n.reason = f"Cancelled: {cause}, and the solver found no other slot in time. {n.reason}"
            else:
                n.reason = (f"Cancelled: {cause}; no other date, time and venue in {period} keeps every hard "
                            f"rule. {n.reason}").strip()
            changes.append(_change_row(ds, b, n, "cancelled", n.reason, ""))
            old = dataclasses.replace(b, sequence=b.sequence + 1)
            plain = plain or cause
            cancellations.append(Cancellation(old, f"{plain[0].upper()}{plain[1:]}, and no other date, time "
                                                   f"and venue in {period} works for everyone"))
        elif n.scheduled:
            n.sequence = b.sequence + 1
            counts["new"] += 1
            reason = "Could not be placed before; the change makes it possible."
            changes.append(_change_row(ds, b, n, "scheduled", reason, str(n.travel_total)))
            invites.append(Invite(n, "", b))
        else:
            n.sequence = b.sequence
            counts["still"] += 1
        rows.append(n)
    for o in change.new_occurrences:
        n = dataclasses.replace(new_by_key[(o.meeting_id, o.number)], sequence=0)
        counts["added"] += 1
        empty = Placement(n.occurrence, Status.UNSCHEDULED)
        if n.scheduled:
            reason = "New in the data: a meeting the baseline did not have, placed around the others."
            invites.append(Invite(n, "", empty))
            changes.append(_change_row(ds, empty, n, "added", reason, str(n.travel_total)))
        else:
            changes.append(_change_row(ds, empty, n, "added", f"New in the data, but not placed: {n.reason}", ""))
        rows.append(n)
    withdrawals = []
    for r in change.removed:
        counts["cancelled" if r.scheduled else "removed"] += 1
        changes.append({"meeting_id": r.meeting_id, "occurrence": str(r.number), "uid": r.uid,
                        "change": "cancelled" if r.scheduled else "removed",
                        "old_date": r.day.isoformat() if r.scheduled and r.day else "",
                        "old_start": hhmm(r.start) if r.scheduled and r.start is not None else "",
                        "old_venue": r.venue_id if r.scheduled else "",
                        "new_date": "", "new_start": "", "new_venue": "",
                        "reason": f"Cancelled: {r.why}." if r.scheduled else f"Removed: {r.why}.",
                        "travel_change_minutes": ""})
        if r.scheduled:
            withdrawals.append(Withdrawal(r, "This meeting is no longer part of the programme"))
    note_fixed(ds, [r for r in rows if key_of(r) not in carried_keys])
    plan = dataclasses.replace(found.chosen, placements=sorted(rows, key=sort_key(ds)))
    return WhatIfResult(dataset=ds, baseline=change.base, plan=plan, changes=changes, invites=invites,
                        cancellations=cancellations, summary=[], applied=[],
                        moved=counts["moved"], cancelled=counts["cancelled"],
                        unchanged=counts["unchanged"], newly_scheduled=counts["new"],
                        rescue_moves=counts["rescue"], withdrawals=withdrawals, uninvites=uninvites,
                        attendee_updates=counts["attendees"],
                        added_occurrences=counts["added"],
                        still=counts["still"] + sum(1 for o in change.new_occurrences
                                                    if not new_by_key[(o.meeting_id, o.number)].scheduled))


def _who_changed(ds: Dataset, b: Placement, sent: dict[str, vCalAddress]) -> tuple[list[str], list[vCalAddress]]:
    """Who joined since the baseline's invites were sent (participant ids), and who was sent them
    but no longer attends (their addresses as sent). Nothing when the baseline has no invites."""
    if not sent:
        return [], []
    now: dict[str, str] = {}
    for pid in ds.meetings[b.occurrence.meeting_id].everyone:
        person = ds.participants.get(pid)
        if person is not None and is_email(person.email):
            now.setdefault(person.email.strip().lower(), pid)
    joined = sorted({pid for address, pid in now.items() if address not in sent})
    left = [a for address, a in sorted(sent.items()) if address not in now]
    return joined, left


def _better(b: Placement, n: Placement) -> str:
    bits = []
    if n.travel_total != b.travel_total:
        bits.append(f"family travel {b.travel_total} -> {n.travel_total} minutes")
    if set(n.rules_relaxed) != set(b.rules_relaxed):
        bits.append(f"rules relaxed: {';'.join(b.rules_relaxed) or 'none'} -> {';'.join(n.rules_relaxed) or 'none'}")
    return ("; " + ", ".join(bits)) if bits else ""


def _change_row(ds: Dataset, b: Placement, n: Placement, change: str, reason: str, travel: str) -> dict[str, str]:
    return {
        "meeting_id": b.occurrence.meeting_id,
        "occurrence": str(b.occurrence.number),
        "uid": b.occurrence.uid,
        "change": change,
        "old_date": b.day.isoformat() if b.scheduled and b.day else "",
        "old_start": hhmm(b.start) if b.scheduled and b.start is not None else "",
        "old_venue": b.venue_id if b.scheduled else "",
        "new_date": n.day.isoformat() if n.scheduled and n.day else "",
        "new_start": hhmm(n.start) if n.scheduled and n.start is not None else "",
        "new_venue": n.venue_id if n.scheduled else "",
        "reason": reason,
        "travel_change_minutes": travel,
    }


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "no change"


def summarise(change: Change, found: Search, r: WhatIfResult, replan: bool) -> list[str]:
    """The what-if's summary lines: what changed, what moved, travel and relaxed rules before and after."""
    ds, minimal, free, base_by_key, added = change.ds, found.minimal, found.free, found.base_by_key, change.added_venues
    old_ds = dataclasses.replace(ds, venues={**ds.venues, **change.original.venues})
    before = metrics(old_ds, change.base)
    after = metrics(ds, r.plan.placements)
    lines = []
    if r.applied:
        lines.append("Changes: " + "; ".join(r.applied) + ".")
    else:
        lines.append("Changes: none were given, so the baseline is only checked against the data.")
    counts = f"Moved: {r.moved}; cancelled: {r.cancelled}; unchanged: {r.unchanged}"
    if r.newly_scheduled:
        counts += f"; newly scheduled: {r.newly_scheduled}"
    if r.added_occurrences:
        counts += f"; added: {r.added_occurrences}"
    if r.attendee_updates:
        counts += f"; same slot, attendees changed: {r.attendee_updates}"
    if r.still:
        counts += f"; still not placed: {r.still}"
    lines.append(counts + ".")
    lines += fixed_summary(ds, r.plan.placements)
    if r.rescue_moves:
        lines.append(f"{r.rescue_moves} of the moved meetings could have stayed, but moved to make room for a "
                     "meeting that would otherwise have been cancelled (changes.csv says which).")
    if r.carried:
        lines.append(f"{r.carried} meetings outside the planning window ({r.plan.planning.first} to "
                     f"{r.plan.planning.last}) are carried over unchanged.")
    if r.carried_at_closed:
        shown = ", ".join(f"{k[0]} #{k[1]}" for k in r.carried_at_closed)
        lines.append(f"Left as they are, outside the planning window, at a venue closed on their date: {shown}. "
                     "Give a wider --from/--to to move them too.")
    lines.append(f"Family travel: {before.travel_total} -> {after.travel_total} minutes in all "
                 f"({_signed(after.travel_total - before.travel_total)}); the most any one person travels over "
                 f"the year: {before.travel_worst} -> {after.travel_worst} minutes "
                 f"({_signed(after.travel_worst - before.travel_worst)}).")
    rules = sorted(set(before.relaxed) | set(after.relaxed), key=rule_order)
    detail = ", ".join(f"{x} {before.relaxed[x]} -> {after.relaxed[x]}" for x in rules
                       if before.relaxed[x] != after.relaxed[x])
    lines.append(f"Rules relaxed: {before.relaxed_count} -> {after.relaxed_count} "
                 f"({_signed(after.relaxed_count - before.relaxed_count)})" + (f": {detail}." if detail else "."))
    if free is not None and free.objective is None:
        lines.append(("The free re-plan (--replan)" if replan else "The free re-plan that weighs the new venue")
                     + " found no plan within the time limit, so this is the minimal change; give a longer "
                       "--time-limit to try again.")
    elif free is not None:
        lines.append(_gain(ds, minimal, free, base_by_key, added, replan))
    return lines


def _moves(plan: Plan, base_by_key: dict[Key, Placement]) -> int:
    return sum(1 for p in plan.placements
               if key_of(p) in base_by_key and base_by_key[key_of(p)].scheduled
               and slot_of(p) != slot_of(base_by_key[key_of(p)]))




def _gain(ds: Dataset, minimal: Plan, free: Plan, base_by_key: dict[Key, Placement], added: list[str],
          replan: bool) -> str:
    m, f = metrics(ds, minimal.placements), metrics(ds, free.placements)
    travel, worst = m.travel_total - f.travel_total, m.travel_worst - f.travel_worst
    relaxed, placed = m.relaxed_count - f.relaxed_count, f.placed - m.placed
    moves_min, moves_free = _moves(minimal, base_by_key), _moves(free, base_by_key)
    gains = []
    if placed:
        gains.append(f"{'place' if placed > 0 else 'leave out'} {plural(abs(placed), 'more meeting')}")
    if travel:
        gains.append(f"{'save' if travel > 0 else 'add'} {plural(abs(travel), 'minute')} of family travel")
    if worst:
        gains.append(f"{'cut' if worst > 0 else 'raise'} the most any one person travels by {plural(abs(worst), 'minute')}")
    if relaxed:
        gains.append(f"relax {abs(relaxed)} {'fewer' if relaxed > 0 else 'more'} rule{'s' if abs(relaxed) != 1 else ''}")
    gained = ", ".join(gains) if gains else "gain nothing in travel or relaxed rules"
    stopped = (" (the time limit stopped that search, so it may gain more: give a longer --time-limit)"
               if free.stopped_by_time_limit else "")
    if replan:
        return (f"Free re-plan (--replan): compared with the minimal change, it would {gained}{stopped}, "
                f"and it moves {plural(moves_free, 'meeting')} where the minimal change moves {moves_min}.")
    names = ", ".join(f"{ds.venues[v].name} ({v})" for v in added)
    used_free = sum(1 for p in free.scheduled if p.venue_id in added)
    used_min = sum(1 for p in minimal.scheduled if p.venue_id in added)
    return (f"What the new venue would gain: this minimal change uses {names} for {plural(used_min, 'meeting')}. "
            f"A free re-plan that may use it everywhere would hold {plural(used_free, 'meeting')} there and, compared "
            f"with the minimal change, {gained}{stopped}; it would move {plural(moves_free, 'meeting')} where the "
            f"minimal change moves {moves_min}."
            + (" Run again with --replan to get that plan." if gains else ""))


