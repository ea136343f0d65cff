"""Reading and validating a data folder: every problem is collected, then raised at once."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from datetime import date
from importlib import resources
from pathlib import Path

from scheduler.core.domain import (
    FEATURES,
    PARTICIPATION_LEVELS,
    RECURRENCES,
    ROLES,
    TRAVEL_MODES,
    Dataset,
    DateRange,
    Meeting,
    Participant,
    TermBlock,
    Unavailability,
    Venue,
)
from scheduler.core.errors import Problems
from scheduler.core.settings import RuleDefaults
from scheduler.core.values import EMAIL
from scheduler.inputs.fixed import FIXED, FIXED_COLUMNS, fixed_placements
from scheduler.inputs.tables import Reader, Row, open_source, range_problem
from scheduler.inputs.timeparse import (
    parse_open_days,
    parse_range,
    parse_weekday,
    split_list,
)
from scheduler.inputs.workbook import (
    SheetProblems,
    is_workbook,
)

VENUES = "venues.csv"
PARTICIPANTS = "participants.csv"
MEETINGS = "meetings.csv"
TERM_DATES = "term_dates.csv"
TRAVEL_TIMES = "travel_times.csv"
DISTRICTS = "postcode_districts.csv"

MAX_WINDOW_DAYS = 5 * 366  # a series window longer than this is a mistyped year
MAX_BLOCK_DAYS = 366  # a term block longer than a year is a mistyped year
UK_LAT = (49.8, 60.9)
UK_LON = (-8.7, 1.8)
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?$")



def _unique(rows: list[Row], column: str) -> Iterator[tuple[Row, str]]:
    """Rows with a usable id not used before. Ids that differ only in capitals count as the same:
    they name the same files (invites/M1-1.ics and m1-1.ics) on Windows and macOS."""
    seen: dict[str, tuple[str, int]] = {}
    for row in rows:
        value = row.ident(column)
        if not value:
            continue
        first = seen.get(value.casefold())
        if first is not None:
            same = "" if first[0] == value else f" as '{first[0]}', which differs only in capitals"
            row.error(column, f"'{value}' is used twice{same} (first on row {first[1]}); ids must be unique")
            continue
        seen[value.casefold()] = (value, row.number)
        yield row, value


def _coordinates(row: Row, lat_col: str = "latitude", lon_col: str = "longitude") -> tuple[float, float] | None:
    lat, lon = row.decimal(lat_col), row.decimal(lon_col)
    if lat is None or lon is None:
        return None
    if _in_uk(lat, lon):
        return lat, lon
    if _in_uk(lon, lat):
        row.error(lat_col, f"latitude {lat} and longitude {lon} look swapped; latitude is the number near 50 to 60 in the UK")
    elif not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        row.error(lat_col, f"latitude {lat}, longitude {lon} is not a place on Earth; latitude is -90 to 90 and longitude -180 to 180")
    elif UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]:
        row.error(lat_col, f"latitude {lat}, longitude {lon} is outside the United Kingdom (it looks like a place in Ireland or France); check the numbers")
    else:
        row.error(lat_col, f"latitude {lat}, longitude {lon} is outside the United Kingdom; check the numbers (UK latitude is about 50 to 61, longitude -8 to 2)")
    return None


# The box round the UK also holds most of Ireland and a strip of the French coast. This coarse
# outline of the Republic of Ireland stays clear of Northern Ireland (a point near the border is
# given the benefit of the doubt); the French coast lies south and east of every English shore.
_IRELAND = ((-11.0, 51.2), (-5.9, 51.9), (-5.9, 53.9), (-8.35, 53.9), (-8.35, 54.6), (-7.75, 54.85),
            (-7.6, 55.5), (-11.0, 55.5))


def _in_uk(lat: float, lon: float) -> bool:
    if not (UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]):
        return False
    if (lat < 50.5 and lon > -0.5) or (lat < 51.05 and lon > 1.1):
        return False  # France: Normandy and the Pas-de-Calais
    return not _inside(lon, lat, _IRELAND)


def _inside(x: float, y: float, polygon: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting: is the point inside the polygon?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def load_districts(read: Reader) -> dict[str, tuple[float, float]]:
    """The bundled postcode-district centroids, extended by the data folder's own table."""
    table: dict[str, tuple[float, float]] = {}
    bundled = resources.files("scheduler") / "data" / DISTRICTS
    with bundled.open(encoding="utf-8-sig") as fh:
        for rec in csv.DictReader(fh):
            table[rec["district"].strip().upper()] = (float(rec["latitude"]), float(rec["longitude"]))
    rows = read(DISTRICTS, ("district", "latitude", "longitude"), True)
    for row in rows or []:
        district = row.text("district", required=True).upper().replace(" ", "")
        coords = _coordinates(row)
        if district and not _POSTCODE.match(district):
            row.error("district", f"'{district}' is not a postcode district such as RH12")
        elif district and coords:
            table[district] = coords
    return table


def _venues(rows: list[Row]) -> dict[str, Venue]:
    venues: dict[str, Venue] = {}
    for row, vid in _unique(rows, "venue_id"):
        name = row.text("name", required=True)
        coords = _coordinates(row)
        capacity = row.integer("capacity", minimum=1)
        features = {f: row.boolean(f) for f in FEATURES}
        open_days = frozenset(range(7))
        if row.get("open_days"):
            parsed = parse_open_days(row.get("open_days"))
            if parsed is None:
                row.error("open_days", f"expected weekdays such as 'Mon-Fri' or 'Mon;Wed;Sat', got '{row.get('open_days')}'")
            else:
                open_days = parsed
        open_from = row.time("open_from", 9 * 60)
        open_until = row.time("open_until", 21 * 60)
        if open_from is not None and open_until is not None and open_from >= open_until:
            row.error("open_until", f"closing time {row.get('open_until') or '21:00'} is not after opening time {row.get('open_from') or '09:00'}")
        closed = []
        for part in split_list(row.get("closed_dates")):
            r = parse_range(part)
            if r is None:
                row.error("closed_dates", range_problem(part, "dates YYYY-MM-DD or ranges YYYY-MM-DD..YYYY-MM-DD separated by ';'"))
            else:
                closed.append(r)
        checked = row.date("access_checked")
        if not name or coords is None or capacity is None:
            continue
        venues[vid] = Venue(
            venue_id=vid, name=name, latitude=coords[0], longitude=coords[1], capacity=capacity,
            features=features, address=row.get("address"), postcode=row.get("postcode").upper(),
            open_days=open_days, open_from=open_from or 0, open_until=open_until or 0,
            closed=tuple(closed), access_checked=checked, notes=row.get("notes"),
        )
    return venues


def _district_of(postcode: str) -> tuple[str, bool] | None:
    """('RH12', full) from 'rh12 1ab' or 'RH12'; None when it is not a UK postcode."""
    m = _POSTCODE.match(postcode.strip().upper())
    if not m:
        return None
    return m.group(1), m.group(2) is not None


def _participants(rows: list[Row], districts: dict[str, tuple[float, float]],
                  default_limit: int, default_education_ends: int) -> dict[str, Participant]:
    people: dict[str, Participant] = {}
    for row, pid in _unique(rows, "participant_id"):
        name = row.text("name", required=True)
        role = row.get("role").lower().replace(" ", "_").replace("-", "_")
        if role not in ROLES:
            row.error("role", f"expected one of {', '.join(ROLES)}, got '{row.get('role')}'")
        email = row.get("email")
        if email and not EMAIL.fullmatch(email):
            row.error("email", f"'{email}' is not an email address such as name@example.org (one address, no spaces)")
        home = None
        district = ""
        postcode = row.get("home_postcode").upper()
        if postcode:
            parsed = _district_of(postcode)
            if parsed is None:
                row.error("home_postcode", f"'{row.get('home_postcode')}' is not a UK postcode or postcode district such as RH12 or RH12 1AB")
            else:
                district = parsed[0]
                if district in districts:
                    home = districts[district]
                elif not (row.get("latitude") or row.get("longitude")):
                    row.error("home_postcode", f"postcode district {district} is not in the offline district table; give latitude and longitude instead, or add {district} to postcode_districts.csv in the data folder")
        if row.get("latitude") or row.get("longitude"):
            home = _coordinates(row) or home
        needs = []
        for need in split_list(row.get("needs").lower()):
            need = need.replace(" ", "_").replace("-", "_")
            if need not in FEATURES:
                row.error("needs", f"'{need}' is not a venue feature; use {', '.join(FEATURES)}")
            else:
                needs.append(need)
        mode = (row.get("travel_mode") or "car").lower().replace(" ", "_")
        if mode not in TRAVEL_MODES:
            row.error("travel_mode", f"expected one of {', '.join(TRAVEL_MODES)}, got '{row.get('travel_mode')}'")
            mode = "car"
        limit = row.integer("max_travel_minutes", default=default_limit, minimum=1, maximum=24 * 60)
        unavailable = _unavailability(row)
        groups = frozenset(g.lower() for g in split_list(row.get("groups")))
        edu = row.time("education_ends", None)
        if edu is None and role == "young_person":
            edu = default_education_ends
        if not name or role not in ROLES:
            continue
        people[pid] = Participant(
            participant_id=pid, name=name, role=role, email=row.get("email"),
            home_postcode=postcode, home_district=district, home=home, needs=frozenset(needs),
            travel_mode=mode, max_travel_minutes=limit or default_limit, unavailable=unavailable,
            groups=groups, education_ends=edu, organisation=row.get("organisation"),
        )
    return people


def _unavailability(row: Row) -> Unavailability:
    dates, weekdays = [], set()
    for part in split_list(row.get("unavailable")):
        wd = parse_weekday(part)
        if wd is not None:
            weekdays.add(wd)
            continue
        r = parse_range(part)
        if r is None:
            row.error("unavailable", range_problem(part, "dates YYYY-MM-DD, ranges YYYY-MM-DD..YYYY-MM-DD or weekday names such as Fri"))
        else:
            dates.append(r)
    return Unavailability(tuple(dates), frozenset(weekdays))


def _resolve_people(row: Row, column: str, people: dict[str, Participant], groups: dict[str, list[str]],
                    all_ids: set[str] | None) -> list[str]:
    """Participant ids of a list cell; all_ids is None when participants.csv could not be read."""
    ids: list[str] = []
    for token in split_list(row.get(column)):
        low = token.lower()
        if low.startswith("group:"):
            name = low[len("group:"):].strip()
            members = groups.get(name, [])
            if not members and all_ids is not None:
                row.error(column, f"'{token}': nobody in participants.csv has the group '{name}'")
            ids.extend(members)
        elif low.startswith("role:"):
            role = low[len("role:"):].strip().replace(" ", "_").replace("-", "_")
            if role not in ROLES:
                row.error(column, f"'{token}': expected role:parent_carer, role:young_person or role:professional")
                continue
            members = [p.participant_id for p in people.values() if p.role == role]
            if not members and all_ids is not None:
                row.error(column, f"'{token}': nobody in participants.csv has the role '{role}'")
            ids.extend(members)
        elif token in people:
            ids.append(token)
        elif all_ids is None or token in all_ids:
            pass  # participants.csv or that row of it has a problem, already reported
        else:
            row.error(column, f"'{token}' is not a participant_id in participants.csv (or group:NAME, role:ROLE)")
    return list(dict.fromkeys(ids))


def _meetings(rows: list[Row], people: dict[str, Participant], venues: dict[str, Venue],
              all_people: set[str] | None, all_venues: set[str] | None) -> dict[str, Meeting]:
    """The programme; all_people or all_venues is None when that file could not be read."""
    groups: dict[str, list[str]] = {}
    for p in people.values():
        for g in sorted(p.groups):
            groups.setdefault(g, []).append(p.participant_id)
    meetings: dict[str, Meeting] = {}
    for row, mid in _unique(rows, "meeting_id"):
        title = row.text("title", required=True)
        attendees = _resolve_people(row, "attendees", people, groups, all_people)
        if not row.get("attendees"):
            row.error("attendees", "is empty; list participant ids, group:NAME or role:ROLE separated by ';'")
        optional = [p for p in _resolve_people(row, "optional_attendees", people, groups, all_people)
                    if p not in attendees]
        duration = row.integer("duration_minutes", minimum=1, maximum=12 * 60)
        recurrence = row.get("recurrence").lower().replace("_", "-").replace(" ", "-")
        if recurrence == "halftermly":
            recurrence = "half-termly"
        if recurrence not in RECURRENCES:
            row.error("recurrence", f"expected one of {', '.join(RECURRENCES)}, got '{row.get('recurrence')}'")
        ws, we = row.date("window_start"), row.date("window_end")
        if ws and we and we < ws:
            row.error("window_end", f"the window ends ({we}) before it starts ({ws}); check the dates")
        elif ws and we and (we - ws).days > MAX_WINDOW_DAYS:
            row.error("window_end", f"the window from {ws} to {we} is {(we - ws).days:,} days long; plan at most five years at a time (check the year)")
        papers = row.integer("papers_days", default=7, minimum=0, maximum=365)
        chair = row.get("chair")
        if chair and chair not in people and all_people is not None and chair not in all_people:
            row.error("chair", f"'{chair}' is not a participant_id in participants.csv")
        allowed = None
        if row.get("venues"):
            allowed = []
            for vid in split_list(row.get("venues")):
                if vid in venues:
                    allowed.append(vid)
                elif all_venues is not None and vid not in all_venues:
                    row.error("venues", f"'{vid}' is not a venue_id in venues.csv")
            allowed = tuple(dict.fromkeys(allowed))
        usable = [venues[v] for v in allowed] if allowed else list(venues.values())
        longest = max((v.open_until - v.open_from for v in usable), default=None)
        if duration is not None and longest is not None and duration > longest:
            which = "any of its venues" if allowed else "any venue"
            row.error("duration_minutes", f"{duration} minutes is longer than {which} is open in a day (at most {longest} minutes); shorten the meeting or check open_from and open_until in venues.csv")
        gap = row.integer("min_gap_days", default=14, minimum=0, maximum=366)
        level = row.get("participation_level").lower().replace(" ", "-")
        if level == "coproduction":
            level = "co-production"
        if level and level not in PARTICIPATION_LEVELS:
            row.error("participation_level", f"expected one of {', '.join(PARTICIPATION_LEVELS)}, got '{row.get('participation_level')}'")
        if not title or not attendees or duration is None or recurrence not in RECURRENCES:
            continue
        meetings[mid] = Meeting(
            meeting_id=mid, title=title, attendees=tuple(attendees), optional_attendees=tuple(optional),
            duration_minutes=duration, recurrence=recurrence, window_start=ws, window_end=we,
            papers_days=papers if papers is not None else 7, chair=chair if chair in people else "",
            venues=allowed, min_gap_days=gap if gap is not None else 14,
            participation_level=level if level in PARTICIPATION_LEVELS else "",
            description=row.get("description"),
        )
    return meetings


def _terms(rows: list[Row]) -> tuple[list[TermBlock], dict[date, str]]:
    blocks: list[tuple[TermBlock, int]] = []
    non_school: dict[date, str] = {}
    for row in rows:
        term = row.text("term", required=True)
        first, last = row.date("first_day"), row.date("last_day")
        if not row.get("first_day"):
            row.error("first_day", "is empty; a date YYYY-MM-DD is required")
        if not row.get("last_day"):
            row.error("last_day", "is empty; a date YYYY-MM-DD is required")
        status = (row.get("status") or "confirmed").lower()
        if status not in ("confirmed", "indicative"):
            row.error("status", f"expected confirmed or indicative, got '{row.get('status')}'")
        if first and last and last < first:
            row.error("last_day", f"the block ends ({last}) before it starts ({first}); check the dates")
            continue
        if first and last and (last - first).days > MAX_BLOCK_DAYS:
            row.error("last_day", f"the block from {first} to {last} is {(last - first).days:,} days long; a term block is at most a few months (check the year)")
            continue
        if not term or not first or not last:
            continue
        if term.lower() in ("inset", "closure"):
            for d in DateRange(first, last).days():
                non_school[d] = term.upper() if term.lower() == "inset" else "closure"
            continue
        blocks.append((TermBlock(term, first, last, status), row.number))
    blocks.sort(key=lambda b: b[0].first_day)
    for (a, _), (b, row_b) in zip(blocks, blocks[1:], strict=False):
        if b.first_day <= a.last_day:
            letter = (rows[0].letters or {}).get("first_day", "")
            rows[0].problems.add(rows[0].file, row_b, "first_day", f"'{b.term}' ({b.first_day} to {b.last_day}) overlaps '{a.term}' ({a.first_day} to {a.last_day}); term blocks must not overlap", letter)
    # Only when every row is an INSET or closure day: rows with mistakes are reported already.
    if rows and not blocks and all(r.get("term").lower() in ("inset", "closure") for r in rows):
        rows[0].problems.add(rows[0].file, None, None, "has no term blocks (only INSET or closure rows); add the half-term blocks")
    return [b for b, _ in blocks], non_school


def _travel(rows: list[Row], venues: set[str], people: set[str], districts: set[str]) -> dict[tuple[str, str], int]:
    known = venues | people | districts
    table: dict[tuple[str, str], int] = {}
    for row in rows:
        ends = []
        for col in ("from", "to"):
            value = row.get(col)
            key = value.upper().replace(" ", "") if value.upper().replace(" ", "") in districts else value
            if not value:
                row.error(col, "is empty; expected a venue id, participant id or postcode district")
            elif key not in known:
                row.error(col, f"'{value}' is neither a venue_id, a participant_id nor a known postcode district")
            ends.append(key)
        minutes = row.integer("minutes", minimum=0, maximum=24 * 60)
        if minutes is not None and all(e in known for e in ends):
            table[pair_key(ends[0], ends[1])] = minutes
    return table


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def read_data(folder: Path | str, rules: Sequence[RuleDefaults]) -> Dataset:
    """Read and validate a data folder or a workbook; raises DataError listing every problem found.

    `rules` is the rule registry's catalogue (for the settings' [rules.NAME] tables); api.load
    passes it, so use that.
    """
    folder = Path(folder)
    problems = Problems()
    if not folder.exists():
        if is_workbook(folder) or folder.suffix.lower() == ".xls":
            problems.add(str(folder), None, None, "the workbook does not exist; check the name and folder given to --data")
        else:
            problems.add(str(folder), None, None, "the data folder does not exist; check --data (the folder that holds venues.csv, participants.csv, meetings.csv and term_dates.csv, or a workbook such as book.xlsx)")
        problems.raise_if_any()
    if folder.is_file() and folder.suffix.lower() == ".xls":
        problems.add(folder.name, None, None, "is an old-style Excel .xls workbook; open it in Excel and save it as 'Excel Workbook (.xlsx)', then pass that file with --data")
        problems.raise_if_any()
    if not folder.is_dir() and not is_workbook(folder):
        problems.add(str(folder), None, None, "is not a folder; --data expects the folder that holds venues.csv and the other files, or a workbook (.xlsx or .ods)")
        problems.raise_if_any()
    if is_workbook(folder):
        problems = SheetProblems()
    read, label, settings = open_source(folder, problems, rules)
    districts = load_districts(read)
    venue_rows = read(VENUES, ("venue_id", "name", "latitude", "longitude", "capacity"), False)
    people_rows = read(PARTICIPANTS, ("participant_id", "name", "role"), False)
    meeting_rows = read(MEETINGS, ("meeting_id", "title", "attendees", "duration_minutes", "recurrence"), False)
    term_rows = read(TERM_DATES, ("term", "first_day", "last_day"), False)
    travel_rows = read(TRAVEL_TIMES, ("from", "to", "minutes"), True)
    fixed_rows = read(FIXED, FIXED_COLUMNS, True)

    venues = _venues(venue_rows) if venue_rows is not None else {}
    if venue_rows is not None and not venue_rows:
        problems.add(label(VENUES), None, None, "has a header but no venues; add at least one venue")
    people = (_participants(people_rows, districts, settings.default_max_travel_minutes,
                            settings.default_education_ends) if people_rows is not None else {})
    if people_rows is not None and not people_rows and meeting_rows:
        problems.add(label(PARTICIPANTS), None, None, "has a header but no participants; add the people the meetings invite")
    # None when a file is unreadable or empty (already reported): its ids are then unknown, and
    # every reference to them would only repeat that one problem.
    all_people = {r.get("participant_id") for r in people_rows} if people_rows else None
    all_venues = {r.get("venue_id") for r in venue_rows} if venue_rows else None
    meetings = _meetings(meeting_rows, people, venues, all_people, all_venues) if meeting_rows is not None else {}
    terms, non_school = _terms(term_rows) if term_rows is not None else ([], {})
    if term_rows is not None and not term_rows:
        problems.add(label(TERM_DATES), None, None, "has a header but no term blocks; add the school term dates")
    travel = (_travel(travel_rows, all_venues, all_people, set(districts))
              if travel_rows and all_venues is not None and all_people is not None else {})
    fixed_warnings: list[str] = []
    fixed = fixed_placements(fixed_rows, meetings, venues, fixed_warnings) if fixed_rows else {}
    problems.raise_if_any()

    dataset = Dataset(venues=venues, participants=people, meetings=meetings, terms=terms,
                      non_school_days=non_school, travel_overrides=travel, settings=settings,
                      districts=districts, source=folder, fixed=fixed)
    dataset.warnings.extend(fixed_warnings)
    dataset.warnings.extend(_warnings(dataset, venue_rows or []))
    return dataset


def _warnings(ds: Dataset, venue_rows: list[Row]) -> list[str]:
    out: list[str] = []
    if ds.settings.organiser_is_placeholder:
        out.append("settings.toml has no [organiser] name and email, so calendar files use a placeholder organiser; add them before sending invites.")
    indicative = [t.term for t in ds.terms if t.status == "indicative"]
    if indicative:
        out.append(f"{len(indicative)} term blocks are marked indicative (not confirmed); check the dates with the local authority before sending invites.")
    needed = {n for p in ds.participants.values() for n in p.needs}
    unknown = sorted({f for v in ds.venues.values() for f in needed if v.features.get(f) is None})
    if unknown:
        count = sum(1 for v in ds.venues.values() if any(v.features.get(f) is None for f in needed))
        out.append(f"{count} venue{'s have' if count != 1 else ' has'} blank (unknown) access features that someone needs ({', '.join(unknown)}); a blank never counts as 'yes', so fill them in where known.")
    homeless = sorted(p.participant_id for p in ds.participants.values() if p.home is None)
    if homeless:
        shown = ", ".join(homeless[:8]) + (" and more" if len(homeless) > 8 else "")
        out.append(f"{len(homeless)} participants have no home location ({shown}), so their travel is not limited or counted.")
    return out
