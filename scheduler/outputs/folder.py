"""The output folder: proposals.csv and .xlsx, the calendar files and report.html of one plan, replaced together."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scheduler.core.clock import now_utc
from scheduler.core.domain import Dataset, Plan
from scheduler.outputs.export_csv import write_proposals
from scheduler.outputs.export_ics import calendar_bytes, programme_calendar, write_calendars
from scheduler.outputs.export_xlsx import write_proposals_xlsx
from scheduler.outputs.report import write_report
from scheduler.outputs.write import write_outputs


def write_all(out: Path, ds: Dataset, plan: Plan, extra: Callable[[Path], None] | None = None, *,
              changes: list[dict] | None = None, what_if_summary: str | None = None,
              all_invites: bool = True) -> None:
    """proposals.csv, calendar files and report, written into a stage and swapped in whole.

    `changes` and `what_if_summary` (schedule whatif) go to the report; with `all_invites`
    False only programme.ics is written here, and `extra` writes the invites it chooses.
    """

    def writer(stage: Path) -> None:
        write_proposals(stage / "proposals.csv", ds, plan)
        write_proposals_xlsx(stage / "proposals.xlsx", ds, plan, now_utc())
        if all_invites:
            write_calendars(stage, ds, plan)
        else:
            (stage / "programme.ics").write_bytes(calendar_bytes(programme_calendar(ds, plan)))
        write_report(stage / "report.html", ds, plan, changes, what_if_summary=what_if_summary)
        if extra:
            extra(stage)

    write_outputs(out, writer)
