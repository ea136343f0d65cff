"""What the organiser sees in the terminal: the summary, the meetings that need attention, progress."""

from __future__ import annotations

import re
import textwrap
import threading
import tomllib
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from scheduler.api import default_data_dir
from scheduler.core.domain import Dataset, Plan, hhmm, sort_key
from scheduler.core.errors import row_ranges
from scheduler.engine import progress
from scheduler.engine.fixed import fixed_summary
from scheduler.engine.validate import relaxed_rules
from scheduler.explain.expenses import expenses_line
from scheduler.explain.metrics import family_totals, stale_access_warnings
from scheduler.outputs.export_ics import uninvitable
from scheduler.rules import BY_NAME


def print_plan(console: Console, ds: Dataset, plan: Plan, out: Path, details: bool = False) -> None:
    """A summary that fits a screen, then the series that need attention; `details` adds every
    occurrence. Long lines wrap between words, with a hanging indent."""
    n, placed = len(plan.placements), len(plan.scheduled)
    relaxed = [p for p in plan.scheduled if p.rules_relaxed]
    series = {p.occurrence.meeting_id for p in plan.placements}
    say = console.print
    if details and plan.placements:
        print_details(console, ds, plan)
        say()
    first, last = plan.planning.first, plan.planning.last
    say(f"[bold]Proposed programme[/], {_day(first)} to {_day(last)}: {_count(n, 'meeting')} "
        f"of {_count(len(series), 'series', 'series')}.")
    lines = []
    if not n:
        lines.append("There are no meetings to plan in this window.")
    else:
        line = f"Placed: {placed} of {n}"
        if n - placed:
            line += f"; NOT PLACED: {n - placed}"
        line += f"; placed with a rule relaxed: {len(relaxed)}" if relaxed else "; every rule kept"
        lines.append(line + ".")
    totals = family_totals(ds, plan)
    if totals:
        worst = max(totals.items(), key=lambda kv: (kv[1], kv[0]))
        lines.append(f"Family travel: {sum(totals.values()):,} minutes one way in all; most for one person: "
                     f"{worst[1]:,} minutes ({worst[0]}).")
    lines.extend(fixed_summary(ds, plan.placements))
    lines.extend(summary_extra_lines(ds, plan))
    status = {"OPTIMAL": "the best possible plan (proven optimal)",
              "FEASIBLE": "a good plan, not proven the best: the time limit stopped the search",
              "UNKNOWN": "no plan found within the time limit"}.get(plan.solver_status, plan.solver_status)
    lines.append(f"Solver: {status}, in {plan.solve_seconds:.1f} s.")
    print_lines(console, lines, bullet="")
    attention = needs_attention(ds, plan)
    if attention:
        say()
        say(f"[bold]Meetings that need attention[/] ({_count(len(attention), 'series', 'series')}):")
        for block in attention[:ATTENTION_SHOWN]:
            print_lines(console, block[:1], bullet="")
            print_lines(console, block[1:], bullet=" ")
        if len(attention) > ATTENTION_SHOWN:
            print_lines(console, [f"... and {len(attention) - ATTENTION_SHOWN} more series: see proposals.xlsx, "
                             "or run again with --details."], bullet="")
    notes = [w for w in plan.warnings + stale_access_warnings(ds, plan) if not w.startswith(ORGANISER_NOTE)]
    no_email = uninvitable(ds, plan)
    if no_email:
        people = ", ".join(f"{ds.participants[pid].name} ({pid})" for pid in no_email)
        notes.insert(0, f"{_count(len(no_email), 'attendee')} with no email address will get no calendar invite: "
                        f"{people}. Invite them another way, or add their email and run again.")
    if notes:
        say()
        say("[bold]Notes[/]")
        print_lines(console, notes[:NOTES_SHOWN], max_lines=2)
        if len(notes) > NOTES_SHOWN:
            print_lines(console, [f"... and {_count(len(notes) - NOTES_SHOWN, 'more note')} in report.html."], bullet="")
    say()
    say("[bold]What to do next[/]")
    where = str(out)
    steps = [f"In {where}/: share report.html or work in Excel in proposals.xlsx; import programme.ics "
             "into your calendar; send the invites in invites/."]
    if attention:
        mid = attention[0][0].split(" ", 1)[0]
        steps.append(f"schedule explain {mid} says why a meeting sits where it does or cannot be placed"
                     + ("; --details lists every meeting." if not details else "."))
    elif not details and n:
        steps.append("--details lists every meeting.")
    print_lines(console, steps)


def print_lines(console: Console, items: list[str], bullet: str = "-", max_lines: int | None = None,
           style: str | None = None) -> None:
    """Plain lines under a bullet; a long one wraps between words (never inside one), under its
    own text, at the terminal's width (80 columns on a pipe)."""
    width = max(40, min(console.width, 100))
    lead = f"  {bullet} " if bullet else "  "
    for item in items:
        text = textwrap.fill(" ".join(item.split()), width=width, initial_indent=lead,
                             subsequent_indent=" " * len(lead), break_long_words=False, break_on_hyphens=False,
                             max_lines=max_lines, placeholder=" ...")
        console.print(text, markup=False, highlight=False, soft_wrap=True, style=style)


ATTENTION_SHOWN = 5
NOTES_SHOWN = 3
ORGANISER_NOTE = "settings.toml has no [organiser]"


def summary_extra_lines(ds: Dataset, plan: Plan) -> list[str]:
    """More lines for the summary: the families' expenses."""
    return [expenses_line(ds, plan) + "."] if plan.scheduled else []


def needs_attention(ds: Dataset, plan: Plan) -> list[list[str]]:
    """Per series with an unplaced or compromised occurrence: a title line, then one line per
    reason or relaxed rule naming the occurrences it concerns (not one line per occurrence)."""
    by_series: dict[str, list] = {}
    for p in sorted(plan.placements, key=sort_key(ds)):
        if not p.scheduled or p.rules_relaxed:
            by_series.setdefault(p.occurrence.meeting_id, []).append(p)
    blocks = []
    for mid, ps in by_series.items():
        m = ds.meetings[mid]
        total = sum(1 for p in plan.placements if p.occurrence.meeting_id == mid)
        lines = [f"{mid} {m.title} ({m.recurrence}, {_count(total, 'meeting')})"]
        unplaced: dict[str, list[int]] = {}
        for p in ps:
            if not p.scheduled:
                reason = re.sub(r"^not placed:\s*", "", _first_sentence(p.reason), flags=re.IGNORECASE)
                unplaced.setdefault(reason, []).append(p.occurrence.number)
        for reason, numbers in unplaced.items():
            lines.append(f"not placed: {_numbers(numbers)}. {reason}")
        rules: dict[str, list[int]] = {}
        for p in ps:
            for r in p.rules_relaxed:
                rules.setdefault(r, []).append(p.occurrence.number)
        if rules:
            lines.append("relaxed: " + "; ".join(f"{r} for {_numbers(numbers)}" for r, numbers in sorted(rules.items())))
        blocks.append(lines)
    # Unplaced first, then the most compromised.
    blocks.sort(key=lambda b: (not any(line.startswith("not placed") for line in b[1:]), -len(b)))
    return blocks


def print_details(console: Console, ds: Dataset, plan: Plan) -> None:
    """Every occurrence, grouped by series, one line each."""
    current = None
    for p in sorted(plan.placements, key=sort_key(ds)):
        m = ds.meetings[p.occurrence.meeting_id]
        if m.meeting_id != current:
            if current is not None:
                console.print()
            console.print(f"[bold]{escape(m.meeting_id)} {escape(m.title)}[/] ({m.recurrence})")
            current = m.meeting_id
        if p.scheduled:
            v = ds.venues[p.venue_id]
            line = f"  {p.occurrence.number:>2}. {p.day.strftime('%a %d %b %Y')} {hhmm(p.start)}-{hhmm(p.end)}, {escape(v.name)}"
            if p.rules_relaxed:
                line += f"; relaxed: {', '.join(p.rules_relaxed)}"
        else:
            line = f"  {p.occurrence.number:>2}. [red]not placed[/]: {escape(_first_sentence(p.reason))}"
        console.print(line)


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def _numbers(numbers: list[int]) -> str:
    return ("no. " if len(numbers) == 1 else "nos. ") + row_ranges(sorted(numbers))


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _day(d) -> str:
    return d.strftime("%d %b %Y").lstrip("0")


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


def organiser_warning(ds: Dataset) -> str | None:
    """Invites name the organiser: a copied example's organiser, or none, would send every
    family a calendar invite from the wrong person. Said before anything is written."""
    s = ds.settings
    name, email = (s.organiser_name or "").strip(), (s.organiser_email or "").strip()
    if not name or not email:
        return ("the settings have no organiser name and email ([organiser]), so the calendar files name a "
                "placeholder organiser. Add your team's name and email first.")
    example = _example_organiser()
    if (name, email.lower()) == example or email.lower() == example[1]:
        return (f"the organiser in the settings is still the bundled example's ({name}, {email}): every invite "
                "would come from it. Put your team's name and email under [organiser] first.")
    return None


def _example_organiser() -> tuple[str, str]:
    try:
        doc = tomllib.loads((default_data_dir() / "settings.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ("", "")
    org = doc.get("organiser", {})
    return (str(org.get("name", "")).strip(), str(org.get("email", "")).strip().lower())


def print_warning(console: Console, text: str) -> None:
    """A warning that stands out: bold yellow on a terminal, a plain WARNING line on a pipe."""
    print_lines(console, ["WARNING, before you send invites: " + text], bullet="!", style="bold yellow")


class TerminalProgress:
    """Progress of a long run on a terminal: after two seconds, a spinner line with the phase,
    the time used and the best plan so far. Nothing at all when the output is not a terminal."""

    DELAY = 2.0

    def __init__(self, console: Console, time_limit: float | None = None):
        self.console = console
        self.limit = time_limit
        self.text = "Reading the data"
        self.best_text = ""
        self.placed = ""
        self.live = None
        self.timer = None

    def __enter__(self):
        if not self.console.is_terminal:
            self._listen = progress.listening(None)
        else:
            self._listen = progress.listening(self)
            self.timer = threading.Timer(self.DELAY, self._start)
            self.timer.daemon = True
            self.timer.start()
        self._listen.__enter__()
        return self

    def __exit__(self, *exc):
        if self.timer is not None:
            self.timer.cancel()
        if self.live is not None:
            self.live.stop()
        self._listen.__exit__(*exc)
        return False

    def _start(self) -> None:
        self.live = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                             console=self.console, transient=True)
        self.task = self.live.add_task(self._description())
        self.live.start()

    def _description(self) -> str:
        searching = self.text.startswith("Searching")
        limit = f" (at most {self.limit:g} s)" if self.limit and searching else ""
        best = f"; best so far: {self.best_text}" if self.best_text and searching else ""
        return escape(self.text + limit + best)

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self.task, description=self._description())

    def phase(self, text: str) -> None:
        self.text = text
        self._refresh()

    def best(self, placed: int | None, total: int | None, score: float | None) -> None:
        if placed is not None and total is not None:
            self.placed = f"{placed} of {total} placed"
        parts = [self.placed]
        if score is not None:
            parts.append(f"score {score:,.0f} (lower is better)")
        self.best_text = ", ".join(p for p in parts if p)
        self._refresh()
