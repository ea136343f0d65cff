"""Reading the change: venue changes, lost days, the edited data, and the baseline it is applied to."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from icalendar import vCalAddress
from icalendar.parser import Contentline

from scheduler.api import default_data_dir, load, planning_window
from scheduler.core.domain import Dataset, DateRange, Occurrence, Placement, Venue, sort_key
from scheduler.core.errors import DataError, Problem, Problems
from scheduler.engine.fixed import check_fixed
from scheduler.inputs.load import _venues
from scheduler.inputs.tables import date_problem, read_csv
from scheduler.inputs.timeparse import parse_date, parse_hhmm, parse_range
from scheduler.outputs.export_csv import read_proposals
from scheduler.whatif.common import CLI, PROPOSALS, Key, key_of
from scheduler.world.calendar import occurrence_uid, occurrences

# ---------------------------------------------------------------------------------------------
# Venue changes
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Closure:
    venue_id: str
    start: date | None  # None: closed for good
    how: str  # "closed" (--close-venue) or "dropped" (missing from --venues)


def parse_closures(values: tuple[str, ...] | list[str], problems: Problems) -> list[tuple[str, date | None]]:
    """'V1' (closed for good) or 'V1@2027-03-01' (closed from that date)."""
    out: list[tuple[str, date | None]] = []
    for value in values:
        vid, at, when = value.strip().partition("@")
        vid, when = vid.strip(), when.strip()
        day = None
        if at:
            day = parse_date(when)
            if day is None:
                problems.add(CLI, None, "--close-venue",
                             f"'{value}': {date_problem(when)} after the '@' (for example {vid or 'WSV01'}@2027-03-01)")
                continue
        if not vid:
            problems.add(CLI, None, "--close-venue",
                         f"'{value}' names no venue; give a venue_id from venues.csv, such as WSV01 or WSV01@2027-03-01")
            continue
        out.append((vid, day))
    return out


def _read_venue_file(path: Path, option: str, problems: Problems) -> dict[str, tuple[Venue, int | None]] | None:
    path = Path(path)
    if not path.is_file():
        problems.add(CLI, None, option, f"{path} is not a file; give a CSV file with the columns of venues.csv")
        return None
    rows = read_csv(path.parent, path.name, problems, ("venue_id", "name", "latitude", "longitude", "capacity"))
    if rows is None:
        return None
    if not rows:
        problems.add(path.name, None, None, "has a header but no venues; add at least one venue")
        return None
    venues = _venues(rows)
    rows_of = {r.get("venue_id"): r.number for r in rows}
    return {vid: (v, rows_of.get(vid)) for vid, v in venues.items()}


def apply_venue_changes(ds: Dataset, close: list[tuple[str, date | None]] | tuple = (),
                        add_venues: Path | None = None, venues_file: Path | None = None,
                        problems: Problems | None = None) -> tuple[Dataset, list[Closure], list[str]]:
    """The data with the venue changes applied: (dataset, closures, ids of added venues).

    A venue dropped from a --venues table stays known (so the baseline can still name it) but is
    closed for good, as is one closed by --close-venue without a date. Problems are added to
    `problems` (raised by the caller with the baseline's, so one run reports them all).
    """
    problems = problems if problems is not None else Problems()
    venues = dict(ds.venues)
    closures: list[Closure] = []
    added: list[str] = []
    if venues_file is not None:
        table = _read_venue_file(venues_file, "--venues", problems)
        if table is not None:
            for vid in ds.venues:
                if vid not in table:
                    closures.append(Closure(vid, None, "dropped"))
            venues = {**{vid: v for vid, v in ds.venues.items() if vid not in table},
                      **{vid: v for vid, (v, _) in table.items()}}
            added += [vid for vid in table if vid not in ds.venues]
    if add_venues is not None:
        extra = _read_venue_file(add_venues, "--add-venues", problems)
        if extra is not None:
            name = Path(add_venues).name
            for vid, (v, row) in extra.items():
                if vid in venues:
                    problems.add(name, row, "venue_id",
                                 f"'{vid}' is already a venue ({venues[vid].name}); an added venue needs a new venue_id "
                                 "(to change an existing venue, use --venues with the whole new table)")
                else:
                    venues[vid] = v
                    added.append(vid)
    for vid, day in close:
        if vid not in venues:
            near = difflib.get_close_matches(vid, list(venues), n=3)
            hint = f"; did you mean {' or '.join(near)}?" if near else "; check the venue_id column of venues.csv"
            problems.add(CLI, None, "--close-venue", f"'{vid}' is not a venue_id in venues.csv{hint}")
            continue
        closures.append(Closure(vid, day, "closed"))
    for c in closures:
        v = venues[c.venue_id]
        venues[c.venue_id] = dataclasses.replace(
            v, closed=v.closed + (DateRange(c.start or date.min, date.max),))
    changed = dataclasses.replace(ds, venues=venues, warnings=list(ds.warnings))
    return changed, closures, added


def describe_changes(ds: Dataset, closures: list[Closure], added: list[str], venues_file: Path | None) -> list[str]:
    out = []
    for c in closures:
        name = f"{ds.venues[c.venue_id].name} ({c.venue_id})"
        if c.how == "dropped":
            out.append(f"{name} is not in the new venue table, so it counts as closed")
        elif c.start is None:
            out.append(f"{name} closes for good")
        else:
            out.append(f"{name} closes from {c.start.isoformat()}")
    for vid in added:
        out.append(f"{ds.venues[vid].name} ({vid}) is added")
    if venues_file is not None:
        out.append(f"the venue table is replaced by {Path(venues_file).name}")
    return out


# ---------------------------------------------------------------------------------------------
# The baseline
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Removed:
    """A baseline row whose meeting or occurrence the edited data no longer has."""

    meeting_id: str
    number: int
    uid: str
    title: str
    scheduled: bool
    day: date | None
    start: int | None
    end: int | None
    venue_id: str
    venue_name: str
    sequence: int
    why: str


def _removed(row, ds: Dataset) -> Removed:
    mid, number = row.get("meeting_id"), int(row.get("occurrence"))
    if mid not in ds.meetings:
        why = f"{mid} is no longer in meetings.csv"
    else:
        why = (f"{mid} no longer has an occurrence {number}: its window or the term dates changed, so the "
               "series has fewer meetings")
    seq = row.get("sequence")
    return Removed(mid, number, row.get("uid"), row.get("title") or mid, row.get("status").lower() == "scheduled",
                   parse_date(row.get("date")), parse_hhmm(row.get("start")), parse_hhmm(row.get("end")),
                   row.get("venue_id"), row.get("venue_name"), int(seq) if seq.isdigit() else 0, why)


def read_baseline(folder: Path, ds: Dataset, problems: Problems) -> tuple[list[Placement], list[Removed]]:
    """The baseline's rows, checked against the data; every mismatch is added to `problems`.

    Rows of meetings or occurrences the (edited) data no longer has come back apart, as removed.
    """
    folder = Path(folder)
    path = folder / PROPOSALS
    if not folder.is_dir():
        problems.add(CLI, None, "--baseline", f"{folder} is not a folder; give the --out folder of the earlier 'schedule propose' run")
    elif not path.is_file():
        problems.add(CLI, None, "--baseline", f"there is no proposals.csv in {folder}; give the --out folder of the earlier 'schedule propose' run")
    if not path.is_file():
        return [], []
    wide = DateRange(date.min, date.max)
    unknown: list = []
    rows = read_proposals(path, ds, wide, problems, unknown=unknown)
    known = {(o.meeting_id, o.number): o for o in occurrences(ds, wide)}
    seen: dict[Key, int] = {}
    for row in read_csv(folder, PROPOSALS, Problems(), ("meeting_id", "occurrence")) or []:
        text = row.get("occurrence")
        if not text.isdigit():
            continue
        k = (row.get("meeting_id"), int(text))
        if k in seen:
            problems.add(PROPOSALS, row.number, "occurrence",
                         f"{k[0]} occurrence {k[1]} is listed twice (first on row {seen[k]}); keep one row per occurrence")
        seen.setdefault(k, row.number)
        uid = row.get("uid")
        if k in known and uid and uid != known[k].uid:
            problems.add(PROPOSALS, row.number, "uid",
                         f"'{uid}' is not the calendar UID this data gives {k[0]} occurrence {k[1]} ({known[k].uid}); "
                         "was the baseline made from another data folder, or another [calendar] uid_namespace in settings.toml?")
    genuine = []
    for r in unknown:
        mid, number = r.get("meeting_id"), int(r.get("occurrence"))
        if r.get("uid") == occurrence_uid(ds.settings.uid_namespace, mid, number):
            genuine.append(r)  # a row as written by an earlier run: the data dropped it
        elif mid not in ds.meetings:
            r.error("meeting_id", f"'{mid}' is not a meeting_id in meetings.csv, and the row's uid is not the one "
                                  "this data's settings give it; is this the right data folder?")
        else:
            r.error("occurrence", f"{mid} has no occurrence {number} in its window; is this the right data folder?")
    removed = sorted((_removed(r, ds) for r in genuine), key=lambda r: (r.meeting_id, r.number))
    if removed and not rows and not any(r.meeting_id in ds.meetings for r in removed):
        # Not an edit but another programme: cancelling everything would be the wrong answer.
        shown = ", ".join(sorted({r.meeting_id for r in removed})[:8])
        problems.add(PROPOSALS, None, "meeting_id",
                     f"none of the meetings in the baseline's proposals.csv ({shown}) is in meetings.csv; was the "
                     "baseline made from another data folder? Give the --data it was made from, or an edited copy")
    return sorted(rows, key=sort_key(ds)), removed


def choose_window(ds: Dataset, base: list[Placement], start: date | None, end: date | None,
                  today: date | None = None) -> tuple[DateRange, list[Occurrence]]:
    """The planning window, and the occurrences the edited data adds to the baseline.

    Without --from/--to the window is narrowed to the occurrences the baseline lists: a baseline
    made with a later --from (or an earlier --to) than the default lacks the occurrences outside
    its own window, and those are not the what-if's to add. An occurrence is *added* when its
    meeting has no row in the baseline (a new meeting), or comes after the last the baseline
    lists of its series (a longer window, more terms).
    """
    window = planning_window(ds, start, end, today)
    keys = {key_of(p) for p in base}
    last_number: dict[str, int] = {}
    for mid, number in keys:
        last_number[mid] = max(number, last_number.get(mid, 0))

    def is_added(o: Occurrence) -> bool:
        return o.meeting_id not in last_number or o.number > last_number[o.meeting_id]

    def missing(w: DateRange) -> list[Occurrence]:
        return [o for o in occurrences(ds, w) if (o.meeting_id, o.number) not in keys and not is_added(o)]

    lacking = missing(window)
    if lacking and base:
        first, last = window.first, window.last
        if start is None:
            threshold = min(p.occurrence.period.last for p in base)
            early = [o for o in lacking if o.period.last < threshold]
            if early:
                first = max(first, max(o.period.last for o in early) + timedelta(days=1))
        if end is None:
            threshold = max(p.occurrence.period.first for p in base)
            late = [o for o in lacking if o.period.first > threshold]
            if late:
                last = min(last, min(o.period.first for o in late) - timedelta(days=1))
        window = DateRange(first, last)
        lacking = missing(window)
    if lacking:
        raise DataError([Problem(PROPOSALS, None, "occurrence",
                                 f"the baseline has no row for {o.meeting_id} occurrence {o.number} ({o.period_label}), "
                                 f"which falls in the planning window {window.first} to {window.last}; give the --from "
                                 "and --to the baseline was made with, or make the baseline again with 'schedule propose'")
                         for o in lacking])
    added = [o for o in occurrences(ds, window) if (o.meeting_id, o.number) not in keys]
    return window, added


# ---------------------------------------------------------------------------------------------
# Lost days (--close-date) and the whole change
# ---------------------------------------------------------------------------------------------

def parse_lost_days(values: tuple[str, ...] | list[str], problems: Problems) -> list[DateRange]:
    """'2027-01-12' or '2027-01-12..2027-01-14': days on which no meeting can happen anywhere."""
    out: list[DateRange] = []
    for value in values:
        text = value.strip()
        r = parse_range(text)
        if r is None:
            problems.add(CLI, None, "--close-date",
                         f"'{value}' is not a date or a range of dates; write it as YYYY-MM-DD or "
                         "YYYY-MM-DD..YYYY-MM-DD (the first day first), for example 2027-01-12..2027-01-13")
            continue
        if (r.last - r.first).days > 366:
            problems.add(CLI, None, "--close-date",
                         f"'{value}' is more than a year long; check the years, or close a venue instead")
            continue
        out.append(r)
    return out


def lose_days(ds: Dataset, lost: list[DateRange]) -> Dataset:
    """Every venue closed on the lost days: nothing can meet anywhere then."""
    if not lost:
        return ds
    venues = {vid: dataclasses.replace(v, closed=v.closed + tuple(lost)) for vid, v in ds.venues.items()}
    return dataclasses.replace(ds, venues=venues, warnings=list(ds.warnings))


def lost_on(lost: list[DateRange], d: date | None) -> DateRange | None:
    return next((r for r in lost if d is not None and d in r), None)


def describe_lost(lost: list[DateRange]) -> list[str]:
    out = []
    for r in lost:
        if r.first == r.last:
            out.append(f"no meeting can take place on {r.first.isoformat()}")
        else:
            out.append(f"no meeting can take place from {r.first.isoformat()} to {r.last.isoformat()}")
    return out


@dataclass
class Change:
    """Everything a what-if changes, read and checked before any solving."""

    original: Dataset  # the data as given (--data, or the bundled example)
    ds: Dataset  # with the venue changes and lost days applied
    closures: list[Closure]
    lost: list[DateRange]
    added_venues: list[str]
    venues_file: Path | None
    data_given: bool
    base: list[Placement]  # baseline rows of occurrences the data still has
    removed: list[Removed]  # baseline rows of meetings or occurrences the data no longer has
    window: DateRange
    new_occurrences: list[Occurrence] = field(default_factory=list)  # not in the baseline
    # who was sent each baseline occurrence's invites: UID key -> {lower-case address: ATTENDEE}
    sent: dict[Key, dict[str, vCalAddress]] = field(default_factory=dict)

    def describe(self) -> list[str]:
        out = describe_changes(self.ds, self.closures, self.added_venues, self.venues_file)
        out += describe_lost(self.lost)
        if self.data_given:
            new_meetings = sorted({o.meeting_id for o in self.new_occurrences
                                   if o.meeting_id not in {p.occurrence.meeting_id for p in self.base}})
            gone = sorted({r.meeting_id for r in self.removed if r.meeting_id not in self.ds.meetings})
            out.append("the data is read from " + (self.original.source.name if self.original.source else "--data"))
            if new_meetings:
                out.append("new in meetings.csv: " + ", ".join(new_meetings))
            if gone:
                out.append("no longer in meetings.csv: " + ", ".join(gone))
        return out


def read_change(baseline: Path | str, data: Path | str | None, start: date | None, end: date | None,
                close: tuple[str, ...] | list[str] = (), close_dates: tuple[str, ...] | list[str] = (),
                add_venues: Path | None = None, venues_file: Path | None = None,
                today: date | None = None) -> Change:
    """Read the data, apply every change, and read the baseline against the result.

    Raises DataError with every problem at once; nothing is written.
    """
    problems = Problems()
    closing = parse_closures(tuple(close), problems)
    lost = parse_lost_days(tuple(close_dates), problems)
    original = load(Path(data) if data else default_data_dir())
    ds, closures, added = apply_venue_changes(original, closing, add_venues, venues_file, problems)
    ds = lose_days(ds, lost)
    base, removed = read_baseline(Path(baseline), ds, problems)
    problems.raise_if_any()
    window, new = choose_window(ds, base, start, end, today)
    check_fixed(ds, window)
    return Change(original, ds, closures, lost, added, venues_file, data is not None, base, removed, window, new,
                  sent_to(Path(baseline), base))


def sent_to(folder: Path, base: list[Placement]) -> dict[Key, dict[str, vCalAddress]]:
    """The attendees each baseline invite was sent to, read from its invites/ files (all of them:
    the one for everyone else and each young person's own).

    Only the METHOD, UID and ATTENDEE lines are read (a full parse of every file costs seconds).
    """
    by_uid = {p.occurrence.uid: key_of(p) for p in base}
    out: dict[Key, dict[str, vCalAddress]] = {}
    parsed: dict[str, tuple] = {}  # one person's ATTENDEE line recurs in every invite of a series
    folder = folder / "invites"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.ics")):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
        if "METHOD:REQUEST" not in lines:
            continue
        uids = [line[4:] for line in lines if line.startswith("UID:")]
        key = by_uid.get(uids[0]) if len(uids) == 1 else None
        if key is None:
            continue
        for line in lines:
            if not line.startswith("ATTENDEE"):
                continue
            if line not in parsed:
                try:
                    parsed[line] = Contentline(line).parts()
                except ValueError:
                    parsed[line] = None
            if parsed[line] is None:
                continue
            _, params, value = parsed[line]
            address = value.removeprefix("mailto:").removeprefix("MAILTO:").strip()
            if address and params.get("ROLE") != "CHAIR":
                out.setdefault(key, {})[address.lower()] = vCalAddress(value, params=params)
    return out
