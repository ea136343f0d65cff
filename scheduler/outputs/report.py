"""report.html: one self-contained, accessible page for organisers and partners.

The page needs no network: styles are inline, pictures are inline SVG, and there is no script.
Every piece of data from the organiser's files is HTML-escaped. People appear only as
participant ids in the travel chart and as counts per postcode district (or per area of about
10 km, and only where at least three people live) on the map; nobody's needs, home postcode or
home position is written. Numbers come from the same placements as proposals.csv.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

from scheduler.core.domain import (
    FEATURE_LABELS,
    FEATURES,
    PARTICIPATION_LEVELS,
    Dataset,
    Placement,
    Plan,
    Venue,
    hhmm,
)
from scheduler.core.glossary import GLOSSARY
from scheduler.outputs.export_csv import sort_key
from scheduler.outputs.report_svg import KM_PER_DEGREE, MapArea, MapVenue, bar_chart, county_map
from scheduler.rules.rulebook import BY_NAME

GRID_KM = 10.0  # people with a map position but no postcode district are counted in cells this big
MIN_PEOPLE_PER_CELL = 3  # a cell with fewer people is not drawn or listed

ROLE_LABELS = {"parent_carer": "parent carer", "young_person": "young person", "professional": "professional"}
RECURRENCE_LABELS = {"once": "once", "termly": "once a term", "half-termly": "once every half term",
                     "monthly": "once a month", "quarterly": "once a quarter"}
LEVEL_MEANINGS = {
    "co-production": "Parent carers and young people are equal members of the team that designs, "
                     "develops and improves services with professionals.",
    "participation": "Parent carers and young people work with the groups that make decisions, to "
                     "decide what should happen and shape services.",
    "consultation": "Parent carers and young people are asked what they think about particular "
                    "plans or issues.",
    "information": "Parent carers and young people are told what is happening.",
    "": "The meeting series has no participation_level in meetings.csv.",
}

# As glossary.acronyms_in: all-capitals words, plus Ofsted, usually written in title case.
_ACRONYM = re.compile(r"\b(?:[A-Z]{2,6}|Ofsted)\b")


def write_report(path: Path, ds: Dataset, plan: Plan, changes: list[dict] | None = None, *,
                 what_if_summary: str | None = None) -> None:
    """Write report.html; `changes` (from what-if) adds a "What changed" section at the top."""
    text = render_report(ds, plan, changes, what_if_summary=what_if_summary)
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def render_report(ds: Dataset, plan: Plan, changes: list[dict] | None = None, *,
                  what_if_summary: str | None = None) -> str:
    return _Report(ds, plan, changes, what_if_summary).render()


# --- small text helpers -------------------------------------------------------------------------

def long_date(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def short_date(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _time_el(d: date, text: str | None = None) -> str:
    return f'<time datetime="{d.isoformat()}">{escape(text or long_date(d))}</time>'


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _one_year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _iso_or_text(value) -> tuple[date | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, date):
        return value, value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text), text
    except ValueError:
        return None, text


class _Text:
    """Escapes organiser text and explains each acronym of the glossary where it first appears."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, value) -> str:
        escaped = escape("" if value is None else str(value))

        def expand(m: re.Match) -> str:
            word = m.group(0)
            key = word.upper()
            meaning = GLOSSARY.get(key)
            if meaning is None:
                return word
            tag = f'<abbr title="{escape(meaning)}">{word}</abbr>'
            if key in self.seen:
                return tag
            self.seen[key] = meaning
            return f'{tag} <span class="expansion">({escape(meaning)})</span>'

        return _ACRONYM.sub(expand, escaped)


@dataclass
class _Table:
    """A data table with a caption, column headers and (optionally) a header cell per row."""

    caption: str  # already HTML
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)  # cells already HTML
    row_headers: bool = True
    numeric: frozenset[int] = frozenset()
    foot: list[str] | None = None
    css: str = ""

    def html(self, table_id: str) -> str:
        cls = f' class="{self.css}"' if self.css else ""
        out = [f'<div class="table-wrap" role="region" aria-labelledby="{table_id}-cap" tabindex="0">',
               f'<table id="{table_id}"{cls}><caption id="{table_id}-cap">{self.caption}</caption>',
               "<thead><tr>"]
        for i, c in enumerate(self.columns):
            num = ' class="num"' if i in self.numeric else ""
            out.append(f'<th scope="col"{num}>{c}</th>')
        out.append("</tr></thead><tbody>")
        for row in self.rows:
            out.append("<tr>")
            for i, cell in enumerate(row):
                num = ' class="num"' if i in self.numeric else ""
                if i == 0 and self.row_headers:
                    out.append(f'<th scope="row"{num}>{cell}</th>')
                else:
                    out.append(f"<td{num}>{cell}</td>")
            out.append("</tr>")
        out.append("</tbody>")
        if self.foot:
            out.append("<tfoot><tr>")
            for i, cell in enumerate(self.foot):
                num = ' class="num"' if i in self.numeric else ""
                if i == 0:
                    out.append(f'<th scope="row"{num}>{cell}</th>')
                else:
                    out.append(f"<td{num}>{cell}</td>")
            out.append("</tr></tfoot>")
        out.append("</table></div>")
        return "".join(out)


def _list(items: Iterable[str], cls: str = "") -> str:
    items = list(items)
    c = f' class="{cls}"' if cls else ""
    return f"<ul{c}>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


# --- the report ---------------------------------------------------------------------------------

class _Report:
    def __init__(self, ds: Dataset, plan: Plan, changes: list[dict] | None, what_if_summary: str | None):
        from scheduler.present import family_totals

        self.ds, self.plan = ds, plan
        self.changes, self.what_if_summary = changes, what_if_summary
        self.t = _Text()
        self.rows = sorted(plan.placements, key=sort_key(ds))
        self.scheduled = sorted(
            plan.scheduled,
            key=lambda p: (p.day, p.start or 0, sort_key(ds)(p)))
        self.unscheduled = [p for p in self.rows if not p.scheduled]
        self.venue_number = {vid: i + 1 for i, vid in enumerate(ds.venues)}
        self.uses = Counter(p.venue_id for p in self.scheduled)
        start = plan.planning.first
        self.check_cutoff = _one_year_before(start)
        self.totals = family_totals(ds, plan)
        indicative = [t for t in ds.terms if t.status == "indicative"]
        self.indicative_span = ((min(t.first_day for t in indicative), max(t.last_day for t in indicative))
                                if indicative else None)
        self.table_count = 0

    # helpers

    def meeting_title(self, mid: str) -> str:
        m = self.ds.meetings.get(mid)
        return m.title if m else mid

    def venue_name(self, vid: str) -> str:
        v = self.ds.venues.get(vid)
        return v.name if v else vid

    def access_flag(self, v: Venue) -> str | None:
        """Plain words when the venue's access has not been checked in the year before planning."""
        if v.access_checked is None:
            return "access never checked"
        if v.access_checked < self.check_cutoff:
            return f"access last checked {long_date(v.access_checked)}, more than a year before planning starts"
        return None

    def indicative(self, d: date) -> bool:
        return self.indicative_span is not None and self.indicative_span[0] <= d <= self.indicative_span[1]

    def table(self, t: _Table) -> str:
        self.table_count += 1
        return t.html(f"table-{self.table_count}")

    def rule_words(self, rule: str) -> str:
        info = BY_NAME.get(rule)
        summary = info.summary if info else "a rule of the framework"
        return f"{self.t(summary)} (<code>{escape(rule)}</code>)"

    def features_html(self, v: Venue) -> str:
        yes = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is True]
        no = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is False]
        unknown = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is None]
        parts = [f'<span class="label">Confirmed:</span> {escape(", ".join(yes)) if yes else "none"}.']
        if unknown:
            parts.append(f'<span class="label">Not confirmed:</span> {escape(", ".join(unknown))}.')
        if no:
            parts.append(f'<span class="label">Not available:</span> {escape(", ".join(no))}.')
        return '<p class="access">' + "<br>".join(parts) + "</p>"

    # the page

    def render(self) -> str:
        ds, plan = self.ds, self.plan
        sections = []
        if self.changes is not None:
            sections.append(("changes", "What changed", self.section_changes))
        sections += [
            ("summary", "Summary", self.section_summary),
            ("programme", "The programme month by month", self.section_programme),
            ("map", "Map of venues and where people travel from", self.section_map),
            ("fairness", "Travel fairness", self.section_fairness),
            ("rotation", "Venue rotation", self.section_rotation),
            ("relaxed", "Relaxed rules and meetings not placed", self.section_relaxed),
            ("levels", "The programme by participation level", self.section_levels),
            ("venues", "Venues and their access features", self.section_venues),
        ]
        from scheduler.api import now_utc

        now = now_utc()
        generated = f"{now.day} {now:%B %Y} at {now:%H:%M} UTC"
        window = (f"from {_time_el(plan.planning.first)} to {_time_el(plan.planning.last)}"
                  if plan.planning.last >= plan.planning.first else "(no dates left to plan)")
        heading = "What changes: the programme after a venue change" if self.changes is not None \
            else "Proposed programme of co-production meetings"
        calendar_name = ds.settings.calendar_name
        lead = ("This report is for organisers and partners of SEND co-production: parent carers, young "
                "people and the people who run education, health and care services. It shows when and "
                "where each meeting is proposed, how accessible each venue is, how far families travel, "
                "and every rule of the county framework that had to give way.")
        header = (
            '<header class="page-header"><div class="wrap">'
            f"<h1>{escape(heading)}</h1>"
            f'<p class="lead">{self.t(lead)}</p>'
            f'<p class="kicker">{self.t(calendar_name)}: planning {window}.</p>'
            "</div></header>")
        nav = ('<nav aria-label="Contents"><div class="wrap"><h2 class="nav-title">Contents</h2><ol>'
               + "".join(f'<li><a href="#{sid}">{escape(title)}</a></li>' for sid, title, _ in sections)
               + '<li><a href="#words">Words used in this report</a></li></ol></div></nav>')
        body = []
        for sid, title, build in sections:
            body.append(f'<section id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{escape(title)}</h2>'
                        f"{build()}</section>")
        body.append(f'<section id="words" aria-labelledby="words-h"><h2 id="words-h">Words used in this '
                    f"report</h2>{self.section_words()}</section>")
        footer = (
            '<footer class="page-footer"><div class="wrap">'
            f"<p>Generated on {escape(generated)} by the co-production meeting scheduler "
            "(<code>schedule</code>). The numbers in this report come from the same plan as "
            "<code>proposals.csv</code>.</p>"
            "<p>This page works offline: it loads nothing from the internet. Print it or save it as a "
            "PDF from your browser.</p></div></footer>")
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(heading)} - {escape(calendar_name)}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n"
            '<a class="skip-link" href="#main">Skip to the report</a>\n'
            f"{header}\n{nav}\n"
            f'<main id="main" tabindex="-1"><div class="wrap">\n' + "\n".join(body) + "\n</div></main>\n"
            f"{footer}\n</body>\n</html>\n")

    # sections

    def section_changes(self) -> str:
        t = self.t
        changes = self.changes or []
        out = []
        if self.what_if_summary:
            for para in [p.strip() for p in re.split(r"\n\s*\n|\n", self.what_if_summary) if p.strip()]:
                out.append(f"<p>{t(para)}</p>")
        moved = sum(1 for c in changes if str(c.get("change", "")).lower() == "moved")
        cancelled = sum(1 for c in changes if str(c.get("change", "")).lower() == "cancelled")
        if not changes:
            out.append("<p>Nothing changed: every meeting stays where and when it was.</p>")
            return "".join(out)
        out.append(f'<p class="figure-line"><strong>{_plural(moved, "meeting")} moved</strong> and '
                   f'<strong>{_plural(cancelled, "meeting")} cancelled</strong>. Moved meetings keep their '
                   "calendar entry, which is updated; cancelled meetings are removed from calendars.</p>")
        table = _Table("Meetings that moved or were cancelled, with the reason",
                       ["Meeting", "Change", "Before", "After", "Reason", "Change in family travel (minutes)"],
                       numeric=frozenset({5}))
        for c in changes:
            mid = str(c.get("meeting_id", ""))
            occ = c.get("occurrence", "")
            kind = str(c.get("change", "")).lower()
            before = self._change_slot(c.get("old_date"), c.get("old_start"), c.get("old_venue"))
            if kind == "cancelled":
                after = "<strong>Cancelled</strong>: this meeting will not take place."
                label = '<span class="tag tag-bad">Cancelled</span>'
            else:
                after = self._change_slot(c.get("new_date"), c.get("new_start"), c.get("new_venue"))
                label = '<span class="tag">Moved</span>' if kind == "moved" else f'<span class="tag">{t(kind)}</span>'
            travel = c.get("travel_change_minutes")
            travel_text = ""
            if travel not in (None, ""):
                try:
                    n = int(float(travel))
                    travel_text = f"{n:+d}" if n else "0"
                except (TypeError, ValueError):
                    travel_text = t(travel)
            table.rows.append([f"{t(self.meeting_title(mid))}<br><span class=\"meta\">meeting {t(occ)} "
                               f"of the series</span>", label, before, after, t(c.get("reason", "")),
                               travel_text])
        out.append(self.table(table))
        return "".join(out)

    def _change_slot(self, day, start, venue) -> str:
        d, text = _iso_or_text(day)
        parts = []
        if d is not None:
            parts.append(_time_el(d))
        elif text:
            parts.append(self.t(text))
        if start not in (None, ""):
            parts.append(f"at {self.t(start)}")
        if venue not in (None, ""):
            parts.append(f"at {self.t(self.venue_name(str(venue)))}")
        return " ".join(parts) or "-"

    def section_summary(self) -> str:
        ds, plan = self.ds, self.plan
        n, placed = len(plan.placements), len(plan.scheduled)
        not_placed = n - placed
        relaxed = Counter(r for p in plan.scheduled for r in p.rules_relaxed)
        with_relaxed = sum(1 for p in plan.scheduled if p.rules_relaxed)
        travel_sum = sum(p.travel_total for p in plan.scheduled)
        used = sorted(self.uses, key=lambda v: self.venue_number.get(v, 0))
        figures = [
            ("Meetings placed", f"{placed} of {n}"),
            ("Meetings not placed", str(not_placed)),
            ("Meetings that relax a rule", str(with_relaxed)),
            ("Meeting series", str(len({p.occurrence.meeting_id for p in plan.placements}))),
            ("Venues used", f"{len(used)} of {len(ds.venues)}"),
            ("Family travel in all", f"{travel_sum} minutes one way"),
        ]
        if self.totals:
            worst_id, worst = max(self.totals.items(), key=lambda kv: (kv[1], kv[0]))
            figures.append(("Most travel by one family member", f"{worst} minutes over the year ({escape(worst_id)})"))
        out = ['<dl class="figures">']
        for k, v in figures:
            out.append(f'<div class="figure"><dt>{escape(k)}</dt><dd>{v}</dd></div>')
        out.append("</dl>")
        if not n:
            out.append("<p>There are no meetings to plan in this window.</p>")
        quality = {
            "OPTIMAL": "This is the best possible plan under the rules (the solver proved it).",
            "FEASIBLE": "This is a good plan, but not proven the best: the solver's time limit stopped the "
                        "search. A longer time limit may find a better one.",
            "UNKNOWN": "The solver found no plan within its time limit. Try a longer time limit.",
            "INFEASIBLE": "No plan can keep every hard rule for these meetings together.",
        }.get(plan.solver_status)
        if quality:
            out.append(f"<p>{escape(quality)}</p>")
        out.append('<h3 id="summary-relaxed">Rules relaxed</h3>')
        if relaxed:
            out.append("<p>When no slot keeps every rule, the scheduler relaxes the fewest and lightest "
                       "rules and says so:</p>")
            out.append(_list(f"{self.rule_words(r)}: relaxed for {_plural(c, 'meeting')}"
                             for r, c in sorted(relaxed.items())))
        else:
            out.append("<p>No rule was relaxed: every meeting placed keeps every rule.</p>")
        out.append('<h3 id="summary-warnings">Warnings</h3>')
        warnings = self.warnings()
        if warnings:
            out.append(_list((f'<span class="label">Warning:</span> {w}' for w in warnings), "warnings"))
        else:
            out.append("<p>No warnings.</p>")
        return "".join(out)

    def warnings(self) -> list[str]:
        ds, plan, t = self.ds, self.plan, self.t
        out: list[str] = []
        if plan.unscheduled:
            out.append(f'{_plural(len(plan.unscheduled), "meeting")} could not be placed; '
                       '<a href="#unscheduled-h">see why</a>.')
        window = plan.planning
        blocks = [b for b in ds.terms if b.status == "indicative"
                  and b.first_day <= window.last and window.first <= b.last_day]
        if blocks:
            names = ", ".join(f"{b.term} ({short_date(b.first_day)} to {short_date(b.last_day)})" for b in blocks)
            out.append(f"The term dates used for this plan are indicative, not confirmed: {t(names)}. "
                       "Check them with the local authority before sending invites; meetings in these "
                       "terms are marked in the programme.")
        used_flags = [(vid, self.access_flag(ds.venues[vid])) for vid in sorted(self.uses, key=self.venue_number.get)
                      if vid in ds.venues]
        used_flags = [(vid, f) for vid, f in used_flags if f]
        if used_flags:
            items = "; ".join(f"{t(self.venue_name(vid))} ({escape(f)})" for vid, f in used_flags)
            out.append(f"{_plural(len(used_flags), 'venue')} used in this plan "
                       f"{'has' if len(used_flags) == 1 else 'have'} not had {'its' if len(used_flags) == 1 else 'their'} "
                       f"access checked since {long_date(self.check_cutoff)}: {items}. Visit or call "
                       "before the meeting to confirm the access features.")
        others = sum(1 for vid, v in ds.venues.items() if vid not in self.uses and self.access_flag(v))
        if others:
            out.append(f"{_plural(others, 'other venue')} (not used in this plan) "
                       f"{'has' if others == 1 else 'have'} no access check in the last year; see "
                       '<a href="#venues-h">venues and their access features</a>.')
        seen = set()
        for w in list(ds.warnings) + list(plan.warnings):
            if w in seen or "indicative" in w:
                continue
            seen.add(w)
            out.append(t(w))
        if plan.stopped_by_time_limit and plan.solver_status == "FEASIBLE":
            out.append("The solver's time limit stopped the search, so this plan is not proven the best.")
        return out

    def section_programme(self) -> str:
        plan = self.plan
        out = []
        if plan.unscheduled:
            out.append(f'<p>{_plural(len(plan.unscheduled), "meeting")} could not be placed and '
                       f'{"is" if len(plan.unscheduled) == 1 else "are"} not in this programme: see '
                       '<a href="#unscheduled-h">meetings not placed</a>.</p>')
        if plan.planning.last < plan.planning.first:
            out.append("<p>There are no dates left to plan.</p>")
            return "".join(out)
        out.append("<p>Times are UK local time. Travel is the one-way journey of the parent carers and "
                   "young people invited, added up. The access features listed are the venue's "
                   "confirmed ones; a feature that is not confirmed may still exist, so check with "
                   "the venue.</p>")
        y, m = plan.planning.first.year, plan.planning.first.month
        by_month: dict[tuple[int, int], list[Placement]] = {}
        for p in self.scheduled:
            by_month.setdefault((p.day.year, p.day.month), []).append(p)
        while date(y, m, 1) <= plan.planning.last:
            month = date(y, m, 1)
            items = by_month.get((y, m), [])
            hid = f"month-{y}-{m:02d}"
            out.append(f'<h3 id="{hid}">{month:%B %Y}</h3>')
            if not items:
                out.append("<p>No meetings this month.</p>")
            else:
                month_indicative = all(self.indicative(p.day) for p in items)
                if month_indicative:
                    out.append('<p><span class="tag tag-warn">Check dates</span> The term dates for this '
                               "month are indicative, not confirmed: check them before sending invites.</p>")
                table = _Table(f"Meetings in {month:%B %Y}: {_plural(len(items), 'meeting')}",
                               ["Date", "Time", "Meeting", "Venue and access", "Chair", "Papers due",
                                "Family travel (minutes)", "Notes"], numeric=frozenset({6}), css="programme")
                for p in items:
                    table.rows.append(self._programme_row(p, not month_indicative))
                out.append(self.table(table))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return "".join(out)

    def _programme_row(self, p: Placement, mark_indicative: bool = True) -> list[str]:
        ds, t = self.ds, self.t
        mt = ds.meetings[p.occurrence.meeting_id]
        v = ds.venues[p.venue_id]
        chair = ds.participants.get(mt.chair) if mt.chair else None
        level = mt.participation_level or "participation level not set"
        invited = len(mt.everyone)
        which = ("meets once" if mt.recurrence == "once"
                 else f"meeting {p.occurrence.number} ({t(p.occurrence.period_label)})")
        meeting = (f"<strong>{t(mt.title)}</strong><br><span class=\"meta\">{which}; {escape(level)}; "
                   f"{_plural(invited, 'person', 'people')} invited</span>")
        place = ", ".join(x.strip() for x in (v.address, v.postcode) if x and x.strip())
        venue = (f"<strong>{t(v.name)}</strong> <span class=\"meta\">(venue {self.venue_number[v.venue_id]})</span>"
                 + (f"<br>{t(place)}" if place else "") + self.features_html(v))
        notes = [f'<span class="tag tag-warn">Relaxed</span> {self.rule_words(r)}' for r in p.rules_relaxed]
        flag = self.access_flag(v)
        if flag:
            notes.append(f'<span class="tag tag-warn">Check venue</span> {escape(flag)}')
        if mark_indicative and self.indicative(p.day):
            notes.append('<span class="tag tag-warn">Check date</span> term dates around this day are '
                         "indicative, not confirmed")
        due = _time_el(p.papers_due, short_date(p.papers_due)) if p.papers_due else "No papers"
        return [
            _time_el(p.day, short_date(p.day)),
            f"{hhmm(p.start)} to {hhmm(p.end)}",
            meeting,
            venue,
            t(chair.name) if chair else "No chair named",
            due,
            str(p.travel_total),
            _list(notes, "notes") if notes else "None",
        ]

    def section_map(self) -> str:
        ds, t = self.ds, self.t
        # Venues: one marker per position, sized by the meetings held there.
        groups: dict[tuple[float, float], list[Venue]] = {}
        for v in ds.venues.values():
            groups.setdefault((round(v.latitude, 4), round(v.longitude, 4)), []).append(v)
        markers = []
        for (lat, lon), vs in groups.items():
            used = [v for v in vs if self.uses.get(v.venue_id)]
            markers.append(MapVenue(lat, lon, ", ".join(str(self.venue_number[v.venue_id]) for v in used),
                                    sum(self.uses.get(v.venue_id, 0) for v in vs)))
        areas, table_rows, left_out, no_home = self._areas()
        shared = sum(1 for vs in groups.values() if len(vs) > 1)
        used_count = len(self.uses)
        desc = (f"A map of {len(ds.venues)} venues. {used_count} venues used in this plan are drawn as "
                "filled circles, bigger for more meetings, labelled with their venue number; unused "
                "venues are small hollow squares. Hatched circles show where the people attending "
                "travel from, bigger for more people, labelled with the postcode district or area. "
                "The tables after the map give the same information.")
        title = "Map of the venues and where people attending travel from"
        grid = any(short.startswith("A") and not label.startswith("Postcode") for label, short, _ in table_rows)
        how = ("as a count of people per postcode district (a district, such as RH12, covers many "
               "streets)")
        if grid or left_out:
            how += (f" or, for people given only a map position, per area of about {GRID_KM:g} km, "
                    f"shown only where at least {MIN_PEOPLE_PER_CELL} people live")
        out = ["<p>The map shows every venue and where the people invited to the meetings placed travel "
               f"from. Homes are shown only {how}; never as an address. North is at the top. There is "
               "no background map, so that the page works without the internet.</p>",
               '<figure class="map-figure">',
               county_map(markers, areas, title, desc, svg_id="county-map", width=960),
               '<figcaption><span class="visually-hidden">Key: </span><ul class="legend">'
               '<li><svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">'
               '<circle cx="12" cy="12" r="9" fill="#1d4e89" stroke="#ffffff" stroke-width="2"/></svg>'
               "Filled circle with a number: a venue used, bigger for more meetings</li>"
               '<li><svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">'
               '<rect x="8" y="8" width="8" height="8" fill="#ffffff" stroke="#505a5f" stroke-width="2"/></svg>'
               "Hollow square: a venue not used in this plan</li>"
               '<li><svg aria-hidden="true" focusable="false" width="24" height="24" viewBox="0 0 24 24">'
               '<defs><pattern id="legend-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
               'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fdf1e4"/>'
               '<line x1="0" y1="0" x2="0" y2="6" stroke="#8a4a0b" stroke-width="2"/></pattern></defs>'
               '<circle cx="12" cy="12" r="10" fill="url(#legend-hatch)" stroke="#8a4a0b" stroke-width="2"/></svg>'
               "Hatched circle with a label in italics: where people attending travel from, bigger for "
               "more people</li></ul></figcaption></figure>"]
        if shared:
            out.append(f"<p>{_plural(shared, 'position is', 'positions are')} shared by more than one "
                       "venue (their coordinates are approximate), so one marker may carry several "
                       "venue numbers.</p>")
        venue_table = _Table("Venues used, by the number on the map", ["Number on the map", "Venue", "Meetings held"],
                             numeric=frozenset({2}))
        for vid, v in ds.venues.items():
            if self.uses.get(vid):
                venue_table.rows.append([str(self.venue_number[vid]), t(v.name), str(self.uses[vid])])
        if venue_table.rows:
            out.append(self.table(venue_table))
        unused = len(ds.venues) - len(self.uses)
        if unused:
            out.append(f"<p>The other {_plural(unused, 'venue')} (hollow squares) "
                       f"{'is' if unused == 1 else 'are'} not used in this plan; all venues are listed in "
                       '<a href="#venues-h">venues and their access features</a>.</p>')
        area_table = _Table("Where the people attending travel from", ["Area", "Label on the map", "People attending"],
                            numeric=frozenset({2}))
        for label, short, n in table_rows:
            area_table.rows.append([label, escape(short), str(n)])
        if table_rows:
            out.append(self.table(area_table))
        notes = []
        if left_out:
            notes.append(f"{_plural(left_out, 'person', 'people')} with a map position but no postcode district "
                         f"{'lives' if left_out == 1 else 'live'} in areas of about {GRID_KM:g} km with fewer "
                         f"than {MIN_PEOPLE_PER_CELL} people attending, so {'is' if left_out == 1 else 'are'} "
                         "left out of the map and the table to protect their privacy.")
        if no_home:
            notes.append(f"{_plural(no_home, 'person', 'people')} attending {'has' if no_home == 1 else 'have'} "
                         "no home location in participants.csv, so they are not on the map.")
        if not table_rows and not notes:
            notes.append("No one attending a meeting placed has a home location, so no areas are drawn.")
        out.extend(f"<p>{n}</p>" for n in notes)
        return "".join(out)

    def _areas(self) -> tuple[list[MapArea], list[tuple[str, str, int]], int, int]:
        """People attending, counted by postcode district or by a coarse grid cell of ~10 km."""
        ds = self.ds
        attending = sorted({pid for p in self.scheduled for pid in ds.meetings[p.occurrence.meeting_id].everyone
                            if pid in ds.participants})
        districts: Counter[str] = Counter()
        cells: Counter[tuple[int, int]] = Counter()
        no_home = 0
        dlat = GRID_KM / KM_PER_DEGREE
        for pid in attending:
            person = ds.participants[pid]
            if person.home_district and person.home_district in ds.districts:
                districts[person.home_district] += 1
            elif person.home is not None:
                row = math.floor(person.home[0] / dlat)
                dlon = dlat / math.cos(math.radians((row + 0.5) * dlat))
                cells[(row, math.floor(person.home[1] / dlon))] += 1
            else:
                no_home += 1
        areas: list[MapArea] = []
        rows: list[tuple[str, str, int]] = []
        for code in sorted(districts):
            lat, lon = ds.districts[code]
            areas.append(MapArea(lat, lon, code, districts[code]))
            rows.append((f"Postcode district {escape(code)}", code, districts[code]))
        left_out = sum(n for n in cells.values() if n < MIN_PEOPLE_PER_CELL)
        shown = sorted((c for c in cells if cells[c] >= MIN_PEOPLE_PER_CELL), key=lambda c: (-c[0], c[1]))
        for i, (row, col) in enumerate(shown, start=1):
            lat = (row + 0.5) * dlat
            dlon = dlat / math.cos(math.radians(lat))
            lon = (col + 0.5) * dlon
            short = f"A{i}"
            areas.append(MapArea(lat, lon, short, cells[(row, col)]))
            rows.append((f"Area of about {GRID_KM:g} km near {self.t(self._nearest_venue(lat, lon))}", short,
                         cells[(row, col)]))
        return areas, rows, left_out, no_home

    def _nearest_venue(self, lat: float, lon: float) -> str:
        k = math.cos(math.radians(lat))
        best = min(self.ds.venues.values(),
                   key=lambda v: ((v.latitude - lat) ** 2 + ((v.longitude - lon) * k) ** 2, v.venue_id),
                   default=None)
        return best.name if best else "no venue"

    def section_fairness(self) -> str:
        ds = self.ds
        totals = self.totals
        out = ["<p>The framework asks that no one family carries the long journeys all year. This chart "
               "shows each parent carer's and young person's travel over the whole programme: the one-way "
               "journey from home to each meeting they are invited to, added up. People are shown by "
               "participant id only.</p>"]
        family = sorted({pid for p in self.scheduled for pid in ds.meetings[p.occurrence.meeting_id].everyone
                         if pid in ds.participants and ds.participants[pid].is_family})
        missing = [pid for pid in family if pid not in totals]
        if not totals:
            out.append("<p>No parent carer or young person with a home location is invited to a meeting "
                       "placed, so there is no family travel to show.</p>")
        else:
            rows = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
            values = [v for _, v in rows]
            average = sum(values) / len(values)
            top_id, top = rows[0]
            low_id, low = rows[-1]
            desc = (f"Horizontal bars, one for each of {len(rows)} family members, longest first. "
                    f"The most is {top} minutes ({top_id}), the least {low} minutes ({low_id}); "
                    f"the average is {average:.0f} minutes, drawn as a dashed line. The table after "
                    "the chart gives every value.")
            out.append(f'<p class="figure-line">The most any one family member travels over the year is '
                       f"<strong>{top} minutes</strong> ({escape(top_id)}); the average is "
                       f"<strong>{average:.0f} minutes</strong>"
                       + (f", so the most is {top / average:.1f} times the average" if average else "")
                       + ".</p>")
            out.append('<figure class="chart-figure">')
            out.append(bar_chart(rows, "Yearly travel of each family member, in minutes", desc,
                                 unit="Minutes of travel over the year (one way)", average=average,
                                 svg_id="fairness-chart"))
            out.append('<figcaption>Each bar is one parent carer or young person, with the minutes '
                       "written at its end. The dashed line labelled \"average\" marks the average.</figcaption>"
                       "</figure>")
            meetings_of: Counter[str] = Counter()
            for p in self.scheduled:
                for pid in ds.meetings[p.occurrence.meeting_id].everyone:
                    meetings_of[pid] += 1
            table = _Table("Yearly travel of each family member, longest first",
                           ["Participant id", "Role", "Meetings invited to", "Travel over the year (minutes, one way)"],
                           numeric=frozenset({2, 3}),
                           foot=["All family members", "", "", str(sum(values))])
            for pid, minutes in rows:
                table.rows.append([escape(pid), escape(ROLE_LABELS.get(ds.participants[pid].role, "")),
                                   str(meetings_of[pid]), str(minutes)])
            out.append(self.table(table))
            out.append(f"<p>The total, {sum(values)} minutes, is the sum of the family travel of every "
                       "meeting placed (the <code>travel_total_minutes</code> column of "
                       "<code>proposals.csv</code>).</p>")
        if missing:
            out.append(f"<p>{_plural(len(missing), 'family member')} invited "
                       f"{'has' if len(missing) == 1 else 'have'} no home location, so "
                       f"{'their' if len(missing) != 1 else 'their'} travel is not counted.</p>")
        return "".join(out)

    def section_rotation(self) -> str:
        ds, t = self.ds, self.t
        out = ["<p>The framework asks recurring meetings to move around the county, so that the same "
               "families do not always travel furthest. Here are the venues each series uses, in date "
               "order.</p>"]
        table = _Table("Venues used by each meeting series, in date order",
                       ["Meeting series", "How often", "Venues in date order", "Different venues",
                        "Same venue twice in a row"], numeric=frozenset({3}))
        series = [mid for mid in ds.meetings if any(p.occurrence.meeting_id == mid for p in self.rows)]
        for mid in series:
            m = ds.meetings[mid]
            placed = [p for p in self.scheduled if p.occurrence.meeting_id == mid]
            missing = sum(1 for p in self.unscheduled if p.occurrence.meeting_id == mid)
            items = "".join(f"<li>{_time_el(p.day, short_date(p.day))}: {t(self.venue_name(p.venue_id))}</li>"
                            for p in placed)
            seq = "<ol class=\"rotation\">" + items + "</ol>" if placed else "None placed"
            if missing:
                seq += f'<p class="meta">{_plural(missing, "meeting")} not placed.</p>'
            repeats = sum(1 for a, b in zip(placed, placed[1:], strict=False) if a.venue_id == b.venue_id)
            if m.recurrence == "once":
                repeat_text = "Does not apply (meets once)"
            elif repeats:
                repeat_text = f'<span class="tag tag-warn">Yes</span> {_plural(repeats, "time")}'
            else:
                repeat_text = "No"
            table.rows.append([t(m.title), escape(RECURRENCE_LABELS.get(m.recurrence, m.recurrence)), seq,
                               str(len({p.venue_id for p in placed})), repeat_text])
        if series:
            out.append(self.table(table))
        else:
            out.append("<p>There are no meetings in this plan.</p>")
        return "".join(out)

    def section_relaxed(self) -> str:
        t = self.t
        out = ['<h3 id="relaxed-list-h">Meetings that relax a rule</h3>']
        relaxed = [p for p in self.scheduled if p.rules_relaxed]
        if relaxed:
            out.append("<p>These meetings are placed, but no slot kept every rule, so the scheduler chose "
                       "the slot that breaks the fewest and lightest rules.</p>")
            table = _Table("Meetings placed with a relaxed rule, which rule and why",
                           ["Date", "Meeting", "Venue", "Rules relaxed", "Why"])
            for p in relaxed:
                table.rows.append([_time_el(p.day, short_date(p.day)),
                                   f"{t(self.meeting_title(p.occurrence.meeting_id))} (meeting {p.occurrence.number})",
                                   t(self.venue_name(p.venue_id)),
                                   _list(self.rule_words(r) for r in p.rules_relaxed),
                                   self.relaxed_why(p)])
            out.append(self.table(table))
        else:
            out.append("<p>Every meeting placed keeps every rule.</p>")
        out.append('<h3 id="unscheduled-h">Meetings not placed</h3>')
        if self.unscheduled:
            out.append("<p>No day, time and venue could hold these meetings without breaking a rule that "
                       "must be kept. The reason names the rules; <code>schedule explain</code> gives "
                       "more detail and the nearest options.</p>")
            table = _Table("Meetings that could not be placed, and why", ["Meeting", "Period", "Reason"])
            for p in self.unscheduled:
                reason = p.reason or "No reason was recorded."
                table.rows.append([f"{t(self.meeting_title(p.occurrence.meeting_id))} (meeting {p.occurrence.number})",
                                   f"{t(p.occurrence.period_label)} ({_time_el(p.occurrence.planned.first, short_date(p.occurrence.planned.first))} "
                                   f"to {_time_el(p.occurrence.planned.last, short_date(p.occurrence.planned.last))})",
                                   t(reason)])
            out.append(self.table(table))
        else:
            out.append("<p>Every meeting was placed.</p>")
        return "".join(out)

    def relaxed_why(self, p: Placement) -> str:
        ds = self.ds
        m = ds.meetings[p.occurrence.meeting_id]
        roles = {ds.participants[x].role for x in m.everyone if x in ds.participants}
        relaxed = set(p.rules_relaxed)
        time_rules = {"parent_term_time", "parent_core_hours", "young_people_hours"}
        if relaxed & time_rules and {"parent_carer", "young_person"} <= roles:
            return ("Parent carers and young people meet together, and no time keeps both groups' "
                    "time rules, so one had to give way.")
        if p.reason:
            return self.t(p.reason)
        return ("No day, time and venue in the period kept every rule for everyone invited; this was "
                "the choice that breaks the fewest and lightest rules.")

    def section_levels(self) -> str:
        ds, t = self.ds, self.t
        out = ["<p>The county's framework uses the ladder of participation: from co-production at the "
               "top, through participation and consultation, to information. This is how the programme "
               "spreads over the ladder.</p>"]
        placed_total = len(self.scheduled)
        table = _Table("Meetings by participation level, from the top of the ladder",
                       ["Participation level", "What it means", "Meeting series", "Meetings placed",
                        "Share of meetings placed", "Meetings not placed"], numeric=frozenset({3, 4, 5}))
        for level in (*PARTICIPATION_LEVELS, ""):
            series = [m for m in ds.meetings.values() if m.participation_level == level
                      and any(p.occurrence.meeting_id == m.meeting_id for p in self.rows)]
            ids = {m.meeting_id for m in series}
            placed = sum(1 for p in self.scheduled if p.occurrence.meeting_id in ids)
            missing = sum(1 for p in self.unscheduled if p.occurrence.meeting_id in ids)
            share = f"{100 * placed / placed_total:.0f}%" if placed_total else "-"
            names = _list(t(m.title) for m in series) if series else "None"
            table.rows.append([escape(level.capitalize() if level else "Not set"), escape(LEVEL_MEANINGS[level]),
                               names, str(placed), share, str(missing)])
        out.append(self.table(table))
        return "".join(out)

    def section_venues(self) -> str:
        ds, t = self.ds, self.t
        out = [f"<p>Every venue in venues.csv and its access features. \"Not known\" means the cell was "
               "blank: the scheduler never counts an unknown feature as available. Organisers should "
               f"check a venue's access at least once a year; venues not checked since "
               f"{long_date(self.check_cutoff)} are marked.</p>"]
        short = {"step_free": "Step-free", "lift": "Lift", "accessible_toilet": "Accessible toilet",
                 "hoist_toilet": "Hoist toilet", "accessible_parking": "Accessible parking",
                 "hearing_loop": "Hearing loop", "quiet_room": "Quiet room",
                 "public_transport": "Bus or train nearby"}
        table = _Table("Access features of every venue (Yes, No or Not known)",
                       ["Venue", "Capacity", *[short[f] for f in FEATURES], "Access last checked", "Meetings held"],
                       numeric=frozenset({1, 2 + len(FEATURES) + 1}), css="features")
        for vid, v in ds.venues.items():
            cells = []
            for f in FEATURES:
                value = v.features.get(f)
                cells.append('<span class="yes">Yes</span>' if value is True else
                             '<span class="no">No</span>' if value is False else '<span class="unknown">Not known</span>')
            flag = self.access_flag(v)
            checked = (_time_el(v.access_checked, short_date(v.access_checked)) if v.access_checked else "Never")
            if flag:
                checked += ' <span class="tag tag-warn">Check again</span>'
            table.rows.append([f"{t(v.name)} <span class=\"meta\">(venue {self.venue_number[vid]})</span>",
                               str(v.capacity), *cells, checked, str(self.uses.get(vid, 0))])
        out.append(self.table(table))
        return "".join(out)

    def section_words(self) -> str:
        out = ["<p>Plain meanings of the abbreviations and terms in this report.</p>", "<dl class=\"words\">"]
        for word, meaning in self.t.seen.items():
            out.append(f"<dt><abbr title=\"{escape(meaning)}\">{word}</abbr></dt><dd>{escape(meaning)}</dd>")
        out.append("<dt>Parent carer</dt><dd>A parent or carer of a child or young person with special "
                   "educational needs or disabilities.</dd>"
                   "<dt>Family members</dt><dd>The parent carers and young people taking part.</dd>"
                   "<dt>Travel</dt><dd>The estimated one-way journey from home to a meeting, in minutes, "
                   "from measured journey times where given or the straight-line distance otherwise.</dd>"
                   "<dt>Relaxed rule</dt><dd>A rule of the framework kept whenever possible; when no slot "
                   "can keep it, the scheduler relaxes it and says so.</dd>"
                   "<dt>Postcode district</dt><dd>The first half of a postcode, such as RH12, which "
                   "covers many streets.</dd>")
        rules = sorted({r for p in self.scheduled for r in p.rules_relaxed})
        for r in rules:
            info = BY_NAME.get(r)
            if info:
                out.append(f"<dt><code>{escape(r)}</code></dt><dd>The rule that {escape(info.summary)}.</dd>")
        out.append("</dl>")
        return "".join(out)


CSS = """
:root{--ink:#0b0c0c;--muted:#505a5f;--link:#1d4e89;--line:#b1b4b6;--paper:#ffffff;--tint:#f3f5f7;
--warn-bg:#fff4e5;--warn-ink:#6b3a00;--bad-bg:#fde8e8;--bad-ink:#8a1018;--focus:#ffdd00}
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--paper);line-height:1.5}
.wrap{max-width:1200px;margin:0 auto;padding:0 1.25rem}
a{color:var(--link);text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:.2em}
:focus-visible{outline:3px solid var(--ink);outline-offset:2px;box-shadow:0 0 0 6px var(--focus)}
a:focus-visible{background:var(--focus);color:var(--ink);outline:3px solid var(--ink);box-shadow:none}
.skip-link{position:absolute;left:1rem;top:-10rem;z-index:10;background:var(--focus);color:var(--ink);
padding:.6rem 1rem;font-weight:700}
.skip-link:focus{top:1rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
clip-path:inset(50%);white-space:nowrap}
.page-header{background:#1d3557;color:#ffffff;padding:1.5rem 0 1.25rem}
.page-header a{color:#ffffff}
.page-header abbr{color:#ffffff}
.kicker{margin:.6rem 0 0;font-weight:700}
h1{font-size:2rem;line-height:1.2;margin:.3rem 0 .6rem}
.lead{max-width:52rem;margin:0;font-size:1.1rem}
nav{background:var(--tint);border-bottom:1px solid var(--line)}
nav .nav-title{font-size:1rem;margin:0;padding-top:.75rem}
nav ol{columns:3 16rem;column-gap:2rem;margin:0;padding:.4rem 0 .9rem 1.6rem}
nav li{break-inside:avoid;padding:.1rem 0}
main{display:block;padding:1rem 0 2rem}
main:focus{outline:none}
section{margin-top:2rem;border-top:4px solid #1d3557;padding-top:.5rem}
h2{font-size:1.6rem;line-height:1.25;margin:.4rem 0 .8rem}
h3{font-size:1.25rem;margin:1.5rem 0 .5rem}
p,li,dd{max-width:60rem}
code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.9em;background:var(--tint);
padding:0 .2em;border-radius:2px}
abbr[title]{text-decoration:underline dotted;cursor:help}
.meta{color:var(--muted);font-size:.9rem}
.label{font-weight:700}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem;margin:0 0 1rem;padding:0}
.figure{border:1px solid var(--line);border-left:6px solid #1d3557;padding:.6rem .8rem;background:var(--paper)}
.figure dt{font-size:.95rem;color:var(--muted)}
.figure dd{margin:0;font-size:1.3rem;font-weight:700}
.figure-line{font-size:1.05rem}
.warnings li{margin:.35rem 0}
.warnings .label{color:var(--warn-ink)}
.expansion{font-weight:400}
.tag{display:inline-block;white-space:nowrap;border:1px solid currentColor;border-radius:3px;padding:0 .35em;font-size:.8rem;
font-weight:700;line-height:1.5;background:var(--tint);color:var(--ink)}
.tag-warn{background:var(--warn-bg);color:var(--warn-ink)}
.tag-bad{background:var(--bad-bg);color:var(--bad-ink)}
.table-wrap{overflow-x:auto;margin:.5rem 0 1.25rem;max-width:100%}
table{border-collapse:collapse;font-size:.95rem;min-width:50%}
table.programme,table.features,table.wide{width:100%}
caption{text-align:left;font-weight:700;padding:.3rem 0 .5rem;font-size:1rem}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:.45rem .6rem}
thead th{border-bottom:2px solid var(--ink);background:var(--tint)}
tfoot th,tfoot td{border-top:2px solid var(--ink);font-weight:700}
tbody th{font-weight:700}
.num{text-align:right;font-variant-numeric:tabular-nums}
td ul,td ol{margin:0;padding-left:1.1rem}
.notes{list-style:none;padding-left:0}
.notes li{margin-bottom:.3rem}
.access{margin:.3rem 0 0;font-size:.9rem}
.programme td:nth-child(4){min-width:16rem}
.programme tbody th{min-width:6.5rem}
.programme td:nth-child(2){min-width:5.5rem}
.features{font-size:.9rem}
.features th,.features td{padding:.4rem .4rem}
.features tbody th{min-width:11rem}
.yes{font-weight:700}
.no{font-style:italic}
.unknown{color:var(--muted)}
figure{margin:1rem 0}
svg.map,svg.chart{max-width:100%;height:auto;display:block}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;margin:.5rem 0}
.legend li{display:flex;align-items:center;gap:.4rem}
figcaption{font-size:.95rem}
.words dt{font-weight:700;margin-top:.6rem}
.words dd{margin-left:1.5rem}
.page-footer{border-top:1px solid var(--line);background:var(--tint);padding:1rem 0;font-size:.95rem}
@media (max-width:40rem){h1{font-size:1.6rem}.wrap{padding:0 .75rem}}
@media print{
@page{margin:15mm}
body{font-size:10pt;line-height:1.35;color:#000000;background:#ffffff}
.skip-link,nav{display:none}
.page-header{background:none;color:#000000;padding:0;border-bottom:2px solid #000000}
.page-header a,.page-header abbr{color:#000000}
section{border-top:2px solid #000000;break-inside:auto}
h2,h3{break-after:avoid}
tr,figure,.figure{break-inside:avoid}
.table-wrap{overflow:visible}
a{color:#000000;text-decoration:none}
thead{display:table-header-group}
thead th,.figure,.tag,code{background:none}
.wrap{max-width:none;padding:0}
#programme,#map,#fairness,#venues{break-before:page}
}
"""
