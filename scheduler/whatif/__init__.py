"""`schedule whatif`: what changes after any change, with as few moves as possible.

The baseline is an earlier run's proposals.csv (the record of what was sent; never changed). The
change is any mix of: venues closing (`--close-venue`), opening (`--add-venues`) or replaced
(`--venues`), days lost everywhere (`--close-date`, snow or a strike), and any edit of the data
(`--data` names the edited folder: people joining or leaving, new needs, homes, groups, meetings
added or dropped, term dates, travel times, fixed placements). Then (change.py reads it all):

1. every baseline occurrence whose placement still keeps every hard rule under the new data is
   *kept*: same date, time, venue, UID and SEQUENCE (the independent checker decides, not the
   solver);
2. the others (the *affected*) and the occurrences new in the data (*added*, fresh UIDs) are
   placed around the kept ones, which are locked;
3. only if that leaves an affected occurrence with no slot is a kept one allowed to move, priced
   so that a cancellation costs more than any number of moves that prevent it
   (model.UNPLACED_WEIGHT > model.MOVE_WEIGHT); such a move is kept only when it really saves a
   meeting, and changes.csv says which (search.py);
4. occurrences whose meeting the data no longer has are cancelled, as they were sent.

Occurrences before --from (and after an explicit --to) are outside the re-plan and carried over
unchanged. `--replan` plans everything freely instead (fewest moves only as a tie-break) and says
what that gains against the minimal change; with `--add-venues` the summary says the same of the
new venues without applying it.

Outputs (output.py): the whole new proposals.csv (moved and cancelled rows with SEQUENCE one
higher), changes.csv, programme.ics, invites/ and cancellations/ holding only files to send, and
organiser-updates.ics for the organiser's own calendar (moved meetings and their papers-due
entries, cancelled ones with STATUS:CANCELLED), and report.html.

Reasons that go into calendar files and the report never name a person, their needs or their
travel: they speak of the venue and the rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scheduler.core.errors import DataError
from scheduler.whatif.change import Change, read_change
from scheduler.whatif.common import key_of
from scheduler.whatif.compare import WhatIfResult, compare, summarise
from scheduler.whatif.output import check_out, default_out, print_whatif, write_whatif
from scheduler.whatif.search import search

__all__ = ["Change", "WhatIfResult", "check_out", "default_out", "print_whatif", "read_change", "search",
           "whatif", "write_whatif"]


def whatif(baseline: Path | str, data: Path | str | None = None, start: date | None = None,
           end: date | None = None, close: tuple[str, ...] | list[str] = (), add_venues: Path | None = None,
           venues_file: Path | None = None, replan: bool = False, time_limit: float | None = None,
           seed: int | None = None, today: date | None = None,
           close_dates: tuple[str, ...] | list[str] = (), out: Path | None = None) -> WhatIfResult:
    """Apply the change to the baseline's data and re-plan with the fewest changes.

    Raises DataError (every problem at once, an `out` that would touch the baseline among them)
    for bad input; nothing is written here.
    """
    refused: list = []
    if out is not None:
        try:
            check_out(baseline, out)
        except DataError as exc:
            refused = list(exc.problems)
    try:
        change = read_change(baseline, data, start, end, close=close, close_dates=close_dates,
                             add_venues=add_venues, venues_file=venues_file, today=today)
    except DataError as exc:
        raise DataError(refused + list(exc.problems)) from None
    if refused:
        raise DataError(refused)
    found = search(change, replan=replan, time_limit=time_limit, seed=seed)
    result = compare(change, found, replan)
    result.applied = change.describe()
    result.added = list(change.added_venues)
    result.carried = len(found.carried)
    result.carried_at_closed = [key_of(p) for p in found.carried if p.scheduled and p.venue_id in change.ds.venues
                                and change.ds.venues[p.venue_id].is_closed_on(p.day)]
    result.solve_seconds = found.solve_seconds
    result.minimal_status = found.minimal.solver_status
    result.free_status = found.free.solver_status if found.free else ""
    result.baseline_dir = Path(baseline)
    result.summary = summarise(change, found, result, replan)
    return result
