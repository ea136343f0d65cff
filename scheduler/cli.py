"""The `schedule` command: thin click commands over the library API."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from scheduler import api
from scheduler import whatif as what_if
from scheduler.api import load
from scheduler.core.errors import DataError, Problem, Problems, grouped_lines
from scheduler.core.wording import plural
from scheduler.engine.fixed import check_fixed
from scheduler.engine.validate import check as run_check
from scheduler.engine.validate import undeclared
from scheduler.explain import to_json
from scheduler.explanation import explain_report, render
from scheduler.inputs.timeparse import parse_date, why_not_a_date
from scheduler.outputs.export_csv import read_proposals
from scheduler.outputs.folder import write_all
from scheduler.outputs.starter import write_starter
from scheduler.plan_in_hand import plan_in_hand
from scheduler.present import (
    TerminalProgress,
    organiser_warning,
    print_check_summary,
    print_findings,
    print_lines,
    print_plan,
    print_warning,
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            why = why_not_a_date(str(value))
            self.fail((why + "; for example 2027-01-15") if why else
                      f"'{value}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY, for example 2027-01-15",
                      param, ctx)
        return parsed


DATE = DateType()


def data_option(f):
    return click.option("--data", "data", type=click.Path(path_type=Path), default=None,
                        help="Folder with venues.csv, participants.csv, meetings.csv and term_dates.csv, or one "
                             "workbook (.xlsx or .ods) with those sheets (default: the bundled example).")(f)


def window_options(f):
    f = click.option("--to", "end", type=DATE, default=None,
                     help="Plan up to this date (default: the end of the programme's windows).")(f)
    f = click.option("--from", "start", type=DATE, default=None,
                     help="Plan from this date (default: tomorrow).")(f)
    return f


def report_data_error(exc: DataError) -> None:
    n = len(exc.problems)
    err_console.print(f"[bold red]The data has {plural(n, 'problem')}; nothing was written.[/]")
    for line in grouped_lines(exc.problems):
        err_console.print(f"  - {line}", markup=False)
    err_console.print("Fix these in the files named above and run the command again.")


class Commands(click.Group):
    """The one place a command's data problems end: every problem listed, nothing written, exit 2."""
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DataError as exc:
            report_data_error(exc)
            sys.exit(2)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None, help="Solver seed (default 0).")
@click.option("--details", is_flag=True, help="List every meeting, not only those that need attention.")
def propose(data, out, start, end, strict, time_limit, seed, details) -> None:
    """Plan every meeting in a slot and a venue, and write the outputs."""
    with TerminalProgress(console, time_limit) as progress:

        def loaded(ds) -> None:
            warning = organiser_warning(ds)
            if warning:
                print_warning(console, warning)  # before anything is written
            progress.limit = time_limit or ds.settings.time_limit_seconds

        result = api.propose(data, start, end, strict=strict, time_limit=time_limit, seed=seed, loaded=loaded)
        progress.phase("Writing the outputs")
        write_all(out, result.dataset, result.plan)
    print_plan(console, result.dataset, result.plan, out, details=details)
    sys.exit(1 if result.plan.unscheduled else 0)


@main.command()
@data_option
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder holding the proposals.csv to check.")
@window_options
@click.option("--strict", is_flag=True, help="Treat the framework's time rules as hard.")
def check(data, out, start, end, strict) -> None:
    """Check an existing proposals.csv against the data and every rule, without the solver."""
    ds = load(data or api.default_data_dir())
    window = api.planning_window(ds, start, end)
    check_fixed(ds, window, strict)
    problems = Problems()
    path = Path(out) / "proposals.csv"
    if not path.exists():
        problems.add("proposals.csv", None, None, f"there is no proposals.csv in {out}; run 'schedule propose' first or give --out")
    rows = read_proposals(path, ds, window, problems) if path.exists() else []
    problems.raise_if_any()
    findings = run_check(ds, rows, window, strict=strict)
    hard = [f for f in findings if f.hard]
    print_findings(console, hard, undeclared(findings, rows), len(rows))
    print_check_summary(console, ds, rows, findings)
    sys.exit(1 if hard else 0)


@main.command()
@click.option("--baseline", "baseline", type=click.Path(path_type=Path), required=True,
              help="The --out folder of the earlier run (its proposals.csv is the baseline).")
@click.option("--close-venue", "close", multiple=True, metavar="ID[@DATE]",
              help="Close a venue for good, or from DATE (YYYY-MM-DD). Repeat for several venues.")
@click.option("--add-venues", "add_venues", type=click.Path(path_type=Path), default=None,
              help="A CSV file of extra venues, with the columns of venues.csv and new venue_ids.")
@click.option("--venues", "venues_file", type=click.Path(path_type=Path), default=None,
              help="A whole new venue table (venues.csv columns); venues missing from it count as closed.")
@click.option("--close-date", "close_dates", multiple=True, metavar="DATE[..DATE]",
              help="A day (or days) lost everywhere, such as snow or a strike: no meeting can happen then. Repeatable.")
@click.option("--data", "data", type=click.Path(path_type=Path), default=None,
              help="The data folder: the one the baseline was made from, or an edited copy of it (people, needs, "
                   "meetings, term dates, travel times, fixed placements); default: the bundled example.")
@window_options
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder for the new outputs; never the baseline (default: a new folder beside the baseline, "
                   "named after it and the change).")
@click.option("--replan", is_flag=True,
              help="Re-plan freely instead of changing as little as possible, and say what that gains.")
@click.option("--time-limit", type=click.FloatRange(min=0.01), default=None,
              help="Seconds the solver may search in all (default 60, or settings.toml).")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None, help="Solver seed (default 0).")
def whatif(baseline, close, add_venues, venues_file, close_dates, data, start, end, out, replan, time_limit,
           seed) -> None:
    """Re-plan after any change (venues, lost days, edited data), moving as few meetings as possible.

    The baseline folder is never changed: the new proposals, changes.csv, the files to send and
    organiser-updates.ics go to --out.
    """
    if out is None:
        out = what_if.default_out(baseline, close, close_dates, add_venues, venues_file, data, replan)
    with TerminalProgress(console, time_limit):
        result = what_if.whatif(baseline, data, start, end, close=close, add_venues=add_venues,
                                venues_file=venues_file, replan=replan, time_limit=time_limit, seed=seed,
                                close_dates=close_dates, out=out)
    warning = organiser_warning(result.dataset)
    if warning:
        print_warning(console, warning)  # before anything is written
    what_if.write_whatif(out, result)
    what_if.print_whatif(console, result, out)
    sys.exit(1 if result.plan.unscheduled else 0)


@main.command()
@click.argument("meeting_id", required=False)
@data_option
@window_options
@click.option("--strict", is_flag=True, help="Make the framework's time rules hard instead of preferences.")
@click.option("--time-limit", type=click.FloatRange(min=0.01), default=None,
              help="Seconds the solver may search for the plan (default 60, or settings.toml).")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON for other tools.")
@click.option("--plan", "plan_dir", type=click.Path(path_type=Path), default=None,
              help="The folder of the plan to explain (its proposals.csv); default: out, when it holds a plan of "
                   "this data. Without one, a new plan is made first (and the explanation says so).")
def explain(meeting_id, data, start, end, strict, time_limit, as_json, plan_dir) -> None:
    """Why each meeting sits where it does in the plan in hand, and what stops the ones not placed.

    Without MEETING_ID: every meeting that relaxes a rule or cannot be placed. With it: every
    meeting of that series, with the next-best venue and day. Nothing is written.
    """
    ds = load(data or api.default_data_dir())
    window = api.planning_window(ds, start, end)
    check_fixed(ds, window, strict)
    if meeting_id is not None and meeting_id not in ds.meetings:
        known = ", ".join(ds.meetings) or "none"
        raise DataError([Problem("command line", None, "MEETING_ID",
                                 f"there is no meeting '{meeting_id}' in meetings.csv; the meeting_ids are: {known}")])

    folder = plan_dir if plan_dir is not None else Path("out")
    in_hand = plan_in_hand(ds, folder, start, end, strict)
    with TerminalProgress(console, time_limit or ds.settings.time_limit_seconds) as progress:
        if in_hand.plan is not None:
            result = in_hand.plan
            source = {"kind": "in_hand", "folder": str(folder),
                      "text": f"Explaining the plan in {folder}/proposals.csv as it is (nothing is planned again)."}
        else:
            result = api.plan(ds, window, strict=strict, time_limit=time_limit)
            source = {"kind": "planned", "folder": str(folder),
                      "text": f"No plan of this data to explain ({in_hand.why_not}), so a new plan was made first; "
                              "nothing is written (run 'schedule propose' to keep it)."}
        progress.phase("Looking for what stops each meeting, and the nearest ways out")
        report = explain_report(ds, result, meeting_id, source, strict=strict)
    if as_json:
        click.echo(to_json(report))
    else:
        for line in render(report):
            console.print(line, markup=False, highlight=False)
    sys.exit(1 if result.unscheduled else 0)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
def init(path) -> None:
    """Start a new area's data: PATH.xlsx for a workbook, or a folder name for CSV files.

    Every column, explained; drop-down lists where a column takes fixed values; the settings
    with their comments. An existing file is never overwritten.
    """
    try:
        written = write_starter(path, (api.default_data_dir() / "settings.toml").read_text(encoding="utf-8"))
    except DataError as exc:
        for p in exc.problems:
            err_console.print(p.message, markup=False)
        sys.exit(2)
    what = "workbook" if Path(path).suffix else "folder"
    print_lines(console, [f"Wrote a new {what} for your area: {path}"
                          + ("" if what == "workbook" else f" ({', '.join(written)})")], bullet="")
    guide = "the first sheet says" if what == "workbook" else "README.txt says"
    print_lines(console, [
        f"Fill in the venues, participants, meetings and term dates {'sheets' if what == 'workbook' else 'files'} "
        f"({guide} what each column takes), and your team's name and email as the organiser in the settings.",
        f"Then plan: schedule propose --data {path} --out plan. Any mistake in the data is named by "
        + ("sheet" if what == "workbook" else "file") + ", row and column, and nothing is written."])


@main.command()
@click.option("--data", "data", type=click.Path(path_type=Path), default=None,
              help="A data folder or workbook to open first (default: the bundled example).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port on 127.0.0.1 (default: a free one).")
@click.option("--runs", "runs_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder that keeps every run (default: your data folder, such as ~/.local/share/send-coproduction-scheduler/runs).")
@click.option("--no-browser", is_flag=True, help="Do not open the web browser.")
def serve(data, port, runs_dir, no_browser) -> None:
    """Open the scheduler as a web page on this computer (nothing leaves it)."""
    # The web server's modules load only for this command, so the others start as fast as before.
    from scheduler.web.runs import default_runs_dir
    from scheduler.web.server import serve as run_server

    if data is not None and not data.exists():
        raise DataError([Problem("command line", None, "--data",
                                 f"{data} does not exist; give the folder of CSV files or the workbook")])
    try:
        run_server(data, runs_dir or default_runs_dir(), port, not no_browser, say=click.echo)
    except OSError as exc:
        err_console.print(f"[bold red]The page could not start:[/] {exc.strerror or exc}. "
                          "If the port is in use, choose another with --port, or leave --port out.", markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Stopped.")


if __name__ == "__main__":  # pragma: no cover
    main()
