"""What report.html says, as plain data: one view-model function per section of the report.

Each function takes the facts of one plan (`ReportFacts`) and returns dicts and lists of plain
strings, numbers and dates, with no HTML in them, so that the report's templates and the local
web page can show the same things. Text that comes from the organiser's files is returned as it
is; the templates escape it (and explain any acronym of the glossary).

People appear only as participant ids in the travel figures and as counts per postcode district
(or per area of about 10 km, and only where at least three people live) on the map; nobody's
needs, home postcode or home position is returned.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from scheduler.core.domain import (
    FEATURE_LABELS,
    FEATURES,
    PARTICIPATION_LEVELS,
    Dataset,
    Placement,
    Plan,
    Venue,
    sort_key,
)
from scheduler.core.wording import long_date, plural, short_date
from scheduler.explain.expenses import plan_totals
from scheduler.explain.metrics import family_totals
from scheduler.outputs.report_svg import KM_PER_DEGREE, MapArea, MapTown, MapVenue
from scheduler.outputs.report_words import (
    GRID_KM,
    LEVEL_MEANINGS,
    MIN_PEOPLE_PER_CELL,
    MIN_PLACES,
    NEAR_KM,
    PLACE_KM,
    RECURRENCE_LABELS,
    ROLE_LABELS,
    SHORT_FEATURES,
    SOLVER_QUALITY,
    SPREAD_FROM,
    for_partners,
    iso_or_text,
    money,
    one_year_before,
    rule_info,
    rules_named,
)
from scheduler.rules import BY_NAME, RULE
from scheduler.world.places import Places
from scheduler.world.towns import LICENCE, SOURCE, nearest_town, towns_near

# --- the facts every section shares ---------------------------------------------------------------

@dataclass
class ReportFacts:
    """One plan and what every section derives from it."""

    ds: Dataset
    plan: Plan
    rows: list[Placement] = field(init=False)
    scheduled: list[Placement] = field(init=False)
    unscheduled: list[Placement] = field(init=False)
    venue_number: dict[str, int] = field(init=False)
    uses: Counter = field(init=False)
    check_cutoff: date = field(init=False)
    totals: dict[str, int] = field(init=False)
    indicative_span: tuple[date, date] | None = field(init=False)
    expenses_by_series: dict[str, Decimal] = field(init=False)
    expenses_total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        ds, plan = self.ds, self.plan
        self.rows = sorted(plan.placements, key=sort_key(ds))
        self.scheduled = sorted(plan.scheduled, key=lambda p: (p.day, p.start or 0, sort_key(ds)(p)))
        self.unscheduled = [p for p in self.rows if not p.scheduled]
        self.venue_number = {vid: i + 1 for i, vid in enumerate(ds.venues)}
        self.uses = Counter(p.venue_id for p in self.scheduled)
        self.check_cutoff = one_year_before(plan.planning.first)
        self.totals = family_totals(ds, plan)
        self.expenses_by_series, self.expenses_total = plan_totals(ds, plan)
        indicative = [t for t in ds.terms if t.status == "indicative"]
        self.indicative_span = ((min(t.first_day for t in indicative), max(t.last_day for t in indicative))
                                if indicative else None)

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


def report_facts(ds: Dataset, plan: Plan) -> ReportFacts:
    return ReportFacts(ds, plan)


def all_views(f: ReportFacts, changes: list[dict] | None = None, what_if_summary: str | None = None) -> dict:
    """Every section's view model, by section id (plus "page" and "words")."""
    views = {
        "page": page_view(f, what_if=changes is not None),
        "summary": summary_view(f),
        "programme": programme_view(f),
        "map": map_view(f),
        "fairness": fairness_view(f),
        "expenses": expenses_view(f),
        "rotation": rotation_view(f),
        "relaxed": relaxed_view(f),
        "levels": levels_view(f),
        "venues": venues_view(f),
        "words": words_view(f),
    }
    if changes is not None:
        views["changes"] = changes_view(f, changes, what_if_summary)
    return views


# --- the page -------------------------------------------------------------------------------------

def page_view(f: ReportFacts, *, what_if: bool) -> dict:
    """The heading, lead, planning window and table of contents."""
    plan = f.plan
    sections = [("changes", "What changed")] if what_if else []
    sections += [
        ("summary", "Summary"),
        ("programme", "The programme month by month"),
        ("map", "Map of venues and where people travel from"),
        ("fairness", "Travel fairness"),
        ("expenses", "Expenses for families (an estimate)"),
        ("rotation", "Venue rotation"),
        ("relaxed", "Relaxed rules and meetings not placed"),
        ("levels", "The programme by participation level"),
        ("venues", "Venues and their access features"),
    ]
    heading = ("What changes: the programme after a change" if what_if
               else "Proposed programme of co-production meetings")
    return {
        "heading": heading,
        "calendar_name": f.ds.settings.calendar_name,
        "lead": ("This report is for organisers and partners of SEND co-production: parent carers, young "
                 "people and the people who run education, health and care services. It shows when and "
                 "where each meeting is proposed, how accessible each venue is, how far families travel, "
                 "and every rule of the county framework that had to give way."),
        "first": plan.planning.first,
        "last": plan.planning.last,
        "has_window": plan.planning.last >= plan.planning.first,
        "sections": sections,
    }


def changes_view(f: ReportFacts, changes: list[dict], what_if_summary: str | None) -> dict:
    """What a what-if moved or cancelled, with the reasons."""
    paragraphs = ([for_partners(p.strip()) for p in re.split(r"\n\s*\n|\n", what_if_summary) if p.strip()]
                  if what_if_summary else [])
    paragraphs = [p for p in paragraphs if p]
    rows = []
    for c in changes:
        kind = str(c.get("change", "")).lower()
        travel = c.get("travel_change_minutes")
        travel_text = ""
        if travel not in (None, ""):
            try:
                n = int(float(travel))
                travel_text = f"{n:+d}" if n else "0"
            except (TypeError, ValueError):
                travel_text = str(travel)
        rows.append({
            "title": f.meeting_title(str(c.get("meeting_id", ""))),
            "occurrence": "" if c.get("occurrence") is None else str(c.get("occurrence")),
            "kind": kind,
            "before": _slot(f, c.get("old_date"), c.get("old_start"), c.get("old_venue")),
            "after": (None if kind == "cancelled"
                      else _slot(f, c.get("new_date"), c.get("new_start"), c.get("new_venue"))),
            "reason": "" if c.get("reason") is None else for_partners(str(c.get("reason"))),
            "travel": travel_text,
        })
    return {
        "paragraphs": paragraphs,
        "moved": sum(1 for c in changes if str(c.get("change", "")).lower() == "moved"),
        "cancelled": sum(1 for c in changes if str(c.get("change", "")).lower() == "cancelled"),
        "rows": rows,
    }


def _slot(f: ReportFacts, day, start, venue) -> dict:
    d, text = iso_or_text(day)
    return {"date": d, "text": "" if d is not None else text,
            "start": "" if start in (None, "") else str(start),
            "venue": "" if venue in (None, "") else f.venue_name(str(venue))}


def summary_view(f: ReportFacts) -> dict:
    """The figures at the top, the solver's verdict, the rules relaxed and the warnings."""
    ds, plan = f.ds, f.plan
    n, placed = len(plan.placements), len(plan.scheduled)
    relaxed = Counter(r for p in plan.scheduled for r in p.rules_relaxed)
    used = sorted(f.uses, key=lambda v: f.venue_number.get(v, 0))
    figures = [
        ("Meetings placed", f"{placed} of {n}"),
        ("Meetings not placed", str(n - placed)),
        ("Meetings that relax a rule", str(sum(1 for p in plan.scheduled if p.rules_relaxed))),
        ("Meeting series", str(len({p.occurrence.meeting_id for p in plan.placements}))),
        ("Venues used", f"{len(used)} of {len(ds.venues)}"),
        ("Family travel in all", f"{sum(p.travel_total for p in plan.scheduled)} minutes one way"),
    ]
    figures.append(("Expenses for families (estimate)", money(f.expenses_total)))
    if f.totals:
        worst_id, worst = max(f.totals.items(), key=lambda kv: (kv[1], kv[0]))
        figures.append(("Most travel by one family member", f"{worst} minutes over the year ({worst_id})"))
    return {
        "figures": figures,
        "empty": not n,
        "quality": SOLVER_QUALITY.get(plan.solver_status),
        "relaxed": [{**rule_info(r), "count": c} for r, c in sorted(relaxed.items())],
        "warnings": warnings(f),
    }


def warnings(f: ReportFacts) -> list[list[dict]]:
    """Each warning as a list of parts: {"text"}, {"gloss"} (organiser text) or {"link", "text"}."""
    ds, plan = f.ds, f.plan
    out: list[list[dict]] = []
    if plan.unscheduled:
        out.append([{"text": f'{plural(len(plan.unscheduled), "meeting")} could not be placed; '},
                    {"link": "#unscheduled-h", "text": "see why"}, {"text": "."}])
    window = plan.planning
    blocks = [b for b in ds.terms if b.status == "indicative"
              and b.first_day <= window.last and window.first <= b.last_day]
    if blocks:
        names = ", ".join(f"{b.term} ({short_date(b.first_day)} to {short_date(b.last_day)})" for b in blocks)
        out.append([{"text": "The term dates used for this plan are indicative, not confirmed: "},
                    {"gloss": names},
                    {"text": ". Check them with the local authority before sending invites; meetings in "
                             "these terms are marked in the programme."}])
    flagged = [(vid, f.access_flag(ds.venues[vid])) for vid in sorted(f.uses, key=f.venue_number.get)
               if vid in ds.venues]
    flagged = [(vid, flag) for vid, flag in flagged if flag]
    if flagged:
        one = len(flagged) == 1
        parts = [{"text": f"{plural(len(flagged), 'venue')} used in this plan {'has' if one else 'have'} not "
                          f"had {'its' if one else 'their'} access checked since {long_date(f.check_cutoff)}: "}]
        for i, (vid, flag) in enumerate(flagged):
            if i:
                parts.append({"text": "; "})
            parts += [{"gloss": f.venue_name(vid)}, {"text": f" ({flag})"}]
        parts.append({"text": ". Visit or call before the meeting to confirm the access features."})
        out.append(parts)
    others = sum(1 for vid, v in ds.venues.items() if vid not in f.uses and f.access_flag(v))
    if others:
        out.append([{"text": f"{plural(others, 'other venue')} (not used in this plan) "
                             f"{'has' if others == 1 else 'have'} no access check in the last year; see "},
                    {"link": "#venues-h", "text": "venues and their access features"}, {"text": "."}])
    seen = set()
    for w in list(ds.warnings) + list(plan.warnings):
        if w in seen or "indicative" in w:
            continue
        seen.add(w)
        plain = for_partners(w)
        if plain:
            out.append([{"gloss": plain}])
    if plan.stopped_by_time_limit and plan.solver_status == "FEASIBLE":
        out.append([{"text": "The solver's time limit stopped the search, so this plan is not proven the best."}])
    return out


def programme_view(f: ReportFacts) -> dict:
    """The meetings placed, month by month over the planning window."""
    plan = f.plan
    months = []
    if plan.planning.last >= plan.planning.first:
        by_month: dict[tuple[int, int], list[Placement]] = {}
        for p in f.scheduled:
            by_month.setdefault((p.day.year, p.day.month), []).append(p)
        y, m = plan.planning.first.year, plan.planning.first.month
        while date(y, m, 1) <= plan.planning.last:
            items = by_month.get((y, m), [])
            all_indicative = bool(items) and all(f.indicative(p.day) for p in items)
            months.append({"month": date(y, m, 1), "id": f"month-{y}-{m:02d}", "all_indicative": all_indicative,
                           "meetings": [meeting_row(f, p, not all_indicative) for p in items]})
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return {"unscheduled": len(plan.unscheduled), "has_window": plan.planning.last >= plan.planning.first,
            "months": months}


def meeting_row(f: ReportFacts, p: Placement, mark_indicative: bool = True) -> dict:
    """One meeting placed: when, where (with the venue's access), who chairs, papers, travel, notes."""
    ds = f.ds
    mt = ds.meetings[p.occurrence.meeting_id]
    v = ds.venues[p.venue_id]
    chair = ds.participants.get(mt.chair) if mt.chair else None
    return {
        "meeting_id": mt.meeting_id,
        "occurrence": p.occurrence.number,
        "date": p.day,
        "start": p.start,
        "end": p.end,
        "title": mt.title,
        "once": mt.recurrence == "once",
        "period_label": p.occurrence.period_label,
        "level": mt.participation_level or "participation level not set",
        "invited": len(mt.everyone),
        "venue_id": v.venue_id,
        "venue_name": v.name,
        "venue_number": f.venue_number[v.venue_id],
        "place": ", ".join(x.strip() for x in (v.address, v.postcode) if x and x.strip()),
        "features": venue_features(v),
        "chair": chair.name if chair else None,
        "papers_due": p.papers_due,
        "travel": p.travel_total,
        "relaxed": [rule_info(r) for r in p.rules_relaxed],
        "access_flag": f.access_flag(v),
        "check_date": mark_indicative and f.indicative(p.day),
    }


def venue_features(v: Venue) -> dict:
    """Feature labels the venue confirms, lacks, or leaves unknown."""
    return {"yes": [FEATURE_LABELS[x] for x in FEATURES if v.features.get(x) is True],
            "no": [FEATURE_LABELS[x] for x in FEATURES if v.features.get(x) is False],
            "unknown": [FEATURE_LABELS[x] for x in FEATURES if v.features.get(x) is None]}


def map_view(f: ReportFacts) -> dict:
    """Venue markers and where people attending travel from, with the tables that repeat them."""
    ds = f.ds
    groups: dict[tuple[float, float], list[Venue]] = {}
    for v in ds.venues.values():
        groups.setdefault((round(v.latitude, 4), round(v.longitude, 4)), []).append(v)
    markers = []
    for (lat, lon), vs in groups.items():
        used = [v for v in vs if f.uses.get(v.venue_id)]
        markers.append(MapVenue(lat, lon, ", ".join(str(f.venue_number[v.venue_id]) for v in used),
                                sum(f.uses.get(v.venue_id, 0) for v in vs)))
    areas, area_rows, left_out, no_home = _areas(f)
    points = [(m.lat, m.lon) for m in markers] + [(a.lat, a.lon) for a in areas]
    towns = [MapTown(t.lat, t.lon, t.name) for t in towns_near(points)]
    grid = any(row["near"] is not None for row in area_rows)
    return {
        "venue_count": len(ds.venues),
        "used_count": len(f.uses),
        "markers": markers,
        "areas": areas,
        "towns": towns,
        "towns_source": SOURCE,
        "towns_licence": LICENCE,
        "area_rows": area_rows,
        "grid": grid or bool(left_out),
        "left_out": left_out,
        "no_home": no_home,
        "shared_positions": sum(1 for vs in groups.values() if len(vs) > 1),
        "venues_used": [{"number": f.venue_number[vid], "name": v.name, "uses": f.uses[vid]}
                        for vid, v in ds.venues.items() if f.uses.get(vid)],
        "unused": len(ds.venues) - len(f.uses),
        "grid_km": f"{GRID_KM:g}",
        "min_people": MIN_PEOPLE_PER_CELL,
        "title": "Map of the venues and where people attending travel from",
        "desc": (f"A map of {len(ds.venues)} venues. {len(f.uses)} venues used in this plan are drawn as "
                 "filled circles, bigger for more meetings, labelled with their venue number; unused "
                 "venues are small hollow squares. Hatched circles show where the people attending "
                 "travel from, bigger for more people, labelled with the postcode district or area. "
                 "Small grey dots with names mark towns, to help find your way. "
                 "The tables after the map give the same information."),
    }


def _areas(f: ReportFacts) -> tuple[list[MapArea], list[dict], int, int]:
    """People attending, counted by postcode district or by a coarse grid cell of ~10 km."""
    ds = f.ds
    attending = sorted({pid for p in f.scheduled for pid in ds.meetings[p.occurrence.meeting_id].everyone
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
    rows: list[dict] = []
    for code in sorted(districts):
        lat, lon = ds.districts[code]
        areas.append(MapArea(lat, lon, code, districts[code]))
        rows.append({"district": code, "near": None, "label": code, "people": districts[code]})
    left_out = sum(n for n in cells.values() if n < MIN_PEOPLE_PER_CELL)
    shown = sorted((c for c in cells if cells[c] >= MIN_PEOPLE_PER_CELL), key=lambda c: (-c[0], c[1]))
    for i, (row, col) in enumerate(shown, start=1):
        lat = (row + 0.5) * dlat
        dlon = dlat / math.cos(math.radians(lat))
        lon = (col + 0.5) * dlon
        areas.append(MapArea(lat, lon, f"A{i}", cells[(row, col)]))
        rows.append({"district": None, "near": _nearest_venue(ds, lat, lon), "label": f"A{i}",
                     "people": cells[(row, col)]})
    return areas, rows, left_out, no_home


def _nearest_venue(ds: Dataset, lat: float, lon: float) -> str:
    k = math.cos(math.radians(lat))
    best = min(ds.venues.values(),
               key=lambda v: ((v.latitude - lat) ** 2 + ((v.longitude - lon) * k) ** 2, v.venue_id),
               default=None)
    return best.name if best else "no venue"


def fairness_view(f: ReportFacts) -> dict:
    """Each family member's yearly travel, longest first (by participant id only)."""
    ds = f.ds
    family = sorted({pid for p in f.scheduled for pid in ds.meetings[p.occurrence.meeting_id].everyone
                     if pid in ds.participants and ds.participants[pid].is_family})
    missing = [pid for pid in family if pid not in f.totals]
    rows = sorted(f.totals.items(), key=lambda kv: (-kv[1], kv[0]))
    meetings_of: Counter[str] = Counter()
    for p in f.scheduled:
        for pid in ds.meetings[p.occurrence.meeting_id].everyone:
            meetings_of[pid] += 1
    values = [v for _, v in rows]
    average = sum(values) / len(values) if values else 0.0
    chart_desc = ""
    if rows:
        (top_id, top), (low_id, low) = rows[0], rows[-1]
        chart_desc = (f"Horizontal bars, one for each of {len(rows)} family members, longest first. "
                      f"The most is {top} minutes ({top_id}), the least {low} minutes ({low_id}); "
                      f"the average is {average:.0f} minutes, drawn as a dashed line. The table after "
                      "the chart gives every value.")
    return {
        "bars": rows,
        "people": [{"id": pid, "role": ROLE_LABELS.get(ds.participants[pid].role, ""),
                    "meetings": meetings_of[pid], "minutes": minutes} for pid, minutes in rows],
        "total": sum(values),
        "average": average,
        "average_text": f"{average:.0f}",
        "ratio_text": f"{rows[0][1] / average:.1f}" if rows and average else "",
        "top": rows[0] if rows else None,
        "low": rows[-1] if rows else None,
        "chart_desc": chart_desc,
        "missing": len(missing),
    }


def expenses_view(f: ReportFacts) -> dict:
    """The estimate of what families can claim, by series and in all, with the rates behind it."""
    s = f.ds.settings
    placed: Counter[str] = Counter(p.occurrence.meeting_id for p in f.scheduled)
    return {
        "series": [{"meeting_id": mid, "title": f.ds.meetings[mid].title, "meetings": placed[mid],
                    "amount": amount, "text": money(amount)} for mid, amount in f.expenses_by_series.items()],
        "meetings": len(f.scheduled),
        "total": f.expenses_total,
        "total_text": money(f.expenses_total),
        "mileage": f"{s.mileage_rate * 100:g}p a mile",
        "fare": money(Decimal(repr(s.public_transport_fare))),
        "taxi": money(Decimal(repr(s.taxi_rate_per_mile))),
        "hourly": money(Decimal(repr(s.hourly_rate))) if s.hourly_rate else "",
        "how_to_claim": s.how_to_claim,
    }


def rotation_view(f: ReportFacts) -> dict:
    """Where each series meets, in date order: its places, and what the plan does about rotation.

    Two venues under `near_km` apart are one place (venue_rotation), and a series uses as many
    places as its largest set of venues pairwise `place_km` or more apart (county_spread); the
    sentences about the plan are counted here from the plan itself, so they are true of it.
    """
    ds = f.ds
    near_km, place_km, min_places = place_settings(ds)
    places = Places(ds)
    series = []
    for mid in ds.meetings:
        planned = [p for p in f.rows if p.occurrence.meeting_id == mid]
        if not planned:
            continue
        m = ds.meetings[mid]
        placed = [p for p in f.scheduled if p.occurrence.meeting_id == mid]
        used = [p.venue_id for p in placed]
        series.append({
            "meeting_id": mid,
            "title": m.title,
            "how_often": RECURRENCE_LABELS.get(m.recurrence, m.recurrence),
            "once": m.recurrence == "once",
            "placed": [{"date": p.day, "number": p.occurrence.number, "venue_id": p.venue_id,
                        "venue": f.venue_name(p.venue_id), "town": venue_town(ds.venues[p.venue_id])}
                       for p in placed],
            "missing": len(planned) - len(placed),
            "distinct": len(set(used)),
            "places": len(places.most_places(used, place_km, cap=len(set(used)))),
            "same_place": sum(1 for a, b in zip(used, used[1:], strict=False) if places.near(a, b, near_km)),
            "spread_applies": len(planned) >= SPREAD_FROM,
        })
    recurring = [x for x in series if not x["once"] and len(x["placed"]) >= 2]
    spread = [x for x in series if x["spread_applies"] and len(x["placed"]) >= SPREAD_FROM]
    return {
        "series": series,
        "maps": [series_map(f, x) for x in recurring],
        "near_km": f"{near_km:g}",
        "place_km": f"{place_km:g}",
        "min_places": min_places,
        "recurring": len(recurring),
        "moving": sum(1 for x in recurring if x["same_place"] == 0),
        "spread": len(spread),
        "spread_ok": sum(1 for x in spread if x["places"] >= min_places),
    }


def place_settings(ds: Dataset) -> tuple[float, float, int]:
    """near_km (venue_rotation), place_km and min_places (county_spread): the settings when the
    data has them, else PRODUCT.md's defaults (3 km, 5 km, 3 places)."""
    s = ds.settings
    return (getattr(s, "near_km", NEAR_KM), getattr(s, "place_km", PLACE_KM), getattr(s, "min_places", MIN_PLACES))


def venue_town(v: Venue) -> str:
    return nearest_town(v.latitude, v.longitude)


def series_map(f: ReportFacts, x: dict) -> dict:
    """A small map of one series: its venues, labelled with the meetings held there (in date order)."""
    at: dict[str, list[int]] = {}
    for p in x["placed"]:
        at.setdefault(p["venue_id"], []).append(p["number"])
    markers = [MapVenue(f.ds.venues[vid].latitude, f.ds.venues[vid].longitude, ", ".join(map(str, numbers)),
                        len(numbers)) for vid, numbers in at.items()]
    steps = "; ".join(f"meeting {p['number']} at {p['venue']}" + (f" (near {p['town']})" if p["town"] else "")
                      for p in x["placed"])
    return {"meeting_id": x["meeting_id"], "title": x["title"], "markers": markers,
            "towns": [MapTown(t.lat, t.lon, t.name) for t in towns_near([(mk.lat, mk.lon) for mk in markers])],
            "svg_title": f"Where {x['title']} meets",
            "desc": f"A map of the venues of {x['title']}, each labelled with the numbers of the meetings "
                    f"held there, and the towns around them: {steps}."}


def relaxed_view(f: ReportFacts) -> dict:
    """Meetings placed with a relaxed rule, and meetings not placed (grouped by series), with reasons."""
    relaxed = [{"date": p.day, "title": f.meeting_title(p.occurrence.meeting_id), "number": p.occurrence.number,
                "venue": f.venue_name(p.venue_id), "rules": [rule_info(r) for r in p.rules_relaxed],
                "why": relaxed_why(f, p)}
               for p in f.scheduled if p.rules_relaxed]
    return {"relaxed": relaxed, "unscheduled": unplaced_by_series(f), "count": len(f.unscheduled)}


def unplaced_by_series(f: ReportFacts) -> list[dict]:
    """One entry per series with meetings not placed: which, and why (a shared reason said once)."""
    groups: dict[str, list[Placement]] = {}
    for p in f.unscheduled:
        groups.setdefault(p.occurrence.meeting_id, []).append(p)
    out = []
    for mid, ps in groups.items():
        reasons = [{"number": p.occurrence.number, "period_label": p.occurrence.period_label,
                    "text": for_partners(p.reason) or "No reason was recorded.", "rules": rules_named(p.reason)}
                   for p in ps]
        same = len({tuple(sorted(r["rules"])) for r in reasons}) == 1 and bool(reasons[0]["rules"])
        out.append({
            "meeting_id": mid,
            "title": f.meeting_title(mid),
            "count": len(ps),
            "occurrences": [{"number": p.occurrence.number, "period_label": p.occurrence.period_label,
                             "first": p.occurrence.planned.first, "last": p.occurrence.planned.last} for p in ps],
            "same_rules": same,
            "reasons": reasons[:1] if same else reasons,
        })
    return out


def relaxed_why(f: ReportFacts, p: Placement) -> str:
    """Why a placed meeting relaxes rules: the first relaxed rule with words of its own, else the reason."""
    for rule in p.rules_relaxed:
        why = RULE[rule].report_why(f.ds, p) if rule in RULE else ""
        if why:
            return why
    if p.reason and for_partners(p.reason):
        return for_partners(p.reason)
    return ("No day, time and venue in the period kept every rule for everyone invited; this was "
            "the choice that breaks the fewest and lightest rules.")


def levels_view(f: ReportFacts) -> dict:
    """The programme over the ladder of participation, from the top."""
    ds = f.ds
    placed_total = len(f.scheduled)
    rows = []
    for level in (*PARTICIPATION_LEVELS, ""):
        series = [m for m in ds.meetings.values() if m.participation_level == level
                  and any(p.occurrence.meeting_id == m.meeting_id for p in f.rows)]
        ids = {m.meeting_id for m in series}
        placed = sum(1 for p in f.scheduled if p.occurrence.meeting_id in ids)
        rows.append({"level": level.capitalize() if level else "Not set", "meaning": LEVEL_MEANINGS[level],
                     "series": [m.title for m in series], "placed": placed,
                     "share": f"{100 * placed / placed_total:.0f}%" if placed_total else "-",
                     "missing": sum(1 for p in f.unscheduled if p.occurrence.meeting_id in ids)})
    return {"rows": rows}


def venues_view(f: ReportFacts) -> dict:
    """Every venue, its access features (yes, no or unknown) and when its access was last checked."""
    rows = []
    for vid, v in f.ds.venues.items():
        rows.append({"venue_id": vid, "name": v.name, "number": f.venue_number[vid], "capacity": v.capacity,
                     "features": [v.features.get(x) for x in FEATURES], "checked": v.access_checked,
                     "check_again": f.access_flag(v) is not None, "uses": f.uses.get(vid, 0)})
    return {"cutoff": f.check_cutoff, "columns": [SHORT_FEATURES[x] for x in FEATURES], "rows": rows}


def words_view(f: ReportFacts) -> dict:
    """The rules relaxed anywhere in the plan, for the list of words used in the report."""
    named = {r for p in f.scheduled for r in p.rules_relaxed}
    named |= {r for p in f.plan.placements for r in rules_named(p.reason)}
    return {"rules": [rule_info(r) for r in BY_NAME if r in named]}
