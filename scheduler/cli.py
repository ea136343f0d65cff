"""The `schedule` command: thin click commands over the library API."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from .errors import DataError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date; write it as YYYY-MM-DD, for example 2027-01-15", param, ctx)


DATE = DateType()


def data_option(f):
    return click.option("--data", "data", type=click.Path(path_type=Path), default=None,
                        help="Folder with venues.csv, participants.csv, meetings.csv and term_dates.csv (default: the bundled example).")(f)


def window_options(f):
    f = click.option("--to", "end", type=DATE, default=None,
                     help="Plan up to this date (default: the end of the programme's windows).")(f)
    f = click.option("--from", "start", type=DATE, default=None,
                     help="Plan from this date (default: tomorrow).")(f)
    return f


def report_data_error(exc: DataError) -> None:
    n = len(exc.problems)
    err_console.print(f"[bold red]The data has {n} problem{'s' if n != 1 else ''}; nothing was written.[/]")
    for p in exc.problems:
        err_console.print(f"  - {p}", markup=False)
    err_console.print("Fix these in the files named above and run the command again.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="send-coproduction-scheduler")
def main() -> None:
    """Plan accessible SEND co-production meetings with parent carers and young people."""


@main.command()
@data_option
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for proposals.csv, programme.ics, invites/ and report.html.")
@window_options
@click.option("--strict", is_flag=True, help="Make the framework's time rules hard instead of preferences.")
@click.option("--time-limit", type=click.FloatRange(min=0.01), default=None,
              help="Seconds the solver may search (default 60, or settings.toml).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Solver seed (default 0).")
def propose(data, out, start, end, strict, time_limit, seed) -> None:
    """Plan every meeting in a slot and a venue, and write the outputs."""
    from . import api
    from .present import print_plan, write_all

    try:
        result = api.propose(data, start, end, strict=strict, time_limit=time_limit, seed=seed)
        write_all(out, result.dataset, result.plan)
    except DataError as exc:
        report_data_error(exc)
        sys.exit(2)
    print_plan(console, result.dataset, result.plan, out)
    sys.exit(1 if result.plan.unscheduled else 0)


@main.command()
@data_option
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder holding the proposals.csv to check.")
@window_options
@click.option("--strict", is_flag=True, help="Treat the framework's time rules as hard.")
def check(data, out, start, end, strict) -> None:
    """Check an existing proposals.csv against the data and every rule, without the solver."""
    from . import api
    from .errors import Problems
    from .export_csv import read_proposals
    from .load import load
    from .present import print_findings
    from .validate import check as run_check
    from .validate import undeclared

    try:
        ds = load(data or api.default_data_dir())
        window = api.planning_window(ds, start, end)
        problems = Problems()
        path = Path(out) / "proposals.csv"
        if not path.exists():
            problems.add("proposals.csv", None, None, f"there is no proposals.csv in {out}; run 'schedule propose' first or give --out")
        rows = read_proposals(path, ds, window, problems) if path.exists() else []
        problems.raise_if_any()
    except DataError as exc:
        report_data_error(exc)
        sys.exit(2)
    findings = run_check(ds, rows, window, strict=strict)
    hard = [f for f in findings if f.hard]
    print_findings(console, hard, undeclared(findings, rows), len(rows))
    sys.exit(1 if hard else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
