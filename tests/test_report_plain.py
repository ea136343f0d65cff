"""report.html reads as a document for partners: plain words, no command lines, unplaced meetings
grouped by series, no "None", and towns on the map to find one's way."""

from __future__ import annotations

import html
import re
from datetime import date

from conftest import BASE_PEOPLE, BASE_VENUES, make_data
from test_report import Page, built, page  # noqa: F401 (fixtures)

from scheduler import api
from scheduler.outputs.report import render_report
from scheduler.outputs.report_words import for_partners
from scheduler.rules import BY_NAME


def _visible(text: str) -> str:
    """The page's text as a reader sees it, without the organisers' details element and the style."""
    text = re.sub(r"<details>.*?</details>", " ", text, flags=re.S)
    text = re.sub(r"<style>.*?</style>|<title[^>]*>.*?</title>|<desc[^>]*>.*?</desc>", " ", text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_engine_messages_in_plain_words():
    said = for_partners("Not placed: venue_access and travel_limit rule out every day in Spring 1 (2027-01-04 "
                        "to 2027-02-12). Run 'schedule explain M03' for the details and the nearest ways out.")
    assert said == (f"Not placed: \u201c{BY_NAME['venue_access'].summary}\u201d and "
                    f"\u201c{BY_NAME['travel_limit'].summary}\u201d rule out every day in Spring 1 (2027-01-04 "
                    "to 2027-02-12).")
    assert for_partners("3 venues lack hoist_toilet or step_free; fill them in.") == (
        "3 venues lack hoist toilet (Changing Places) or step-free access; fill them in.")
    assert for_partners("The search stopped early. Run again with a longer --time-limit.") == "The search stopped early."


def test_no_rule_codes_commands_or_none_for_partners(page):  # noqa: F811
    text = _visible(page)
    for name in BY_NAME:
        assert name not in text, name
    assert "schedule explain" not in text and "--" not in text
    assert not re.search(r"\bNone\b", text)
    # The codes stay available to organisers, folded away.
    [details] = re.findall(r"<details>.*?</details>", page, flags=re.S)
    assert "<summary>For organisers" in details and "<code>young_people_hours</code>" in details
    assert "<code>venue_access</code>" in details  # named by the reason of the meeting not placed


def test_meetings_not_placed_are_grouped_by_series(tmp_path):
    closed = [BASE_VENUES[0], {**BASE_VENUES[1], "closed_dates": "2027-01-01..2027-03-31"}]
    meetings = [{"meeting_id": "Y", "title": "Youth forum", "attendees": "group:youth", "duration_minutes": "90",
                 "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "venues": "V2"},
                {"meeting_id": "B", "title": "Board", "attendees": "group:board", "duration_minutes": "60",
                 "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22"}]
    data = make_data(tmp_path / "data", venues=closed, meetings=meetings)
    result = api.propose(data, start=date(2027, 1, 1), end=date(2027, 3, 31), time_limit=10)
    assert len(result.plan.unscheduled) == 3
    doc = Page(render_report(result.dataset, result.plan))
    [table] = doc.table("Meetings that could not be placed")
    [row] = table["rows"]
    assert row[0] == "Youth forum" and row[1].startswith("3 meetings:")
    assert all(f"meeting {n}, " in row[1] for n in (1, 2, 3))
    assert row[2].count("Not placed:") == 1  # one reason, said once
    assert "The same rules stand in the way of the other 2 meetings of this series." in row[2]
    assert BY_NAME["venue_open"].summary in row[2] and "venue_open" not in row[2]


def _town_names(page_text: str) -> list[str]:
    group = re.search(r'<g class="town-names">(.*?)</g>', page_text, flags=re.S)
    return re.findall(r">([^<]+)</text>", group.group(1)) if group else []


def test_map_names_the_towns_around_the_venues(page):  # noqa: F811
    towns = _town_names(page)
    assert {"Horsham", "Crawley", "Worthing"} <= set(towns), towns
    assert "Manchester" not in towns and len(towns) <= 24
    assert "Town names and positions: GeoNames (geonames.org), licensed under Creative Commons Attribution 4.0." in page
    assert "Small grey dots with names mark towns" in page


def test_map_of_another_area_names_its_own_towns(tmp_path):
    venues = [{**BASE_VENUES[0], "venue_id": "M1", "name": "Town Hall", "latitude": "53.4794", "longitude": "-2.2453",
               "postcode": "M2 5DB"},
              {**BASE_VENUES[1], "venue_id": "M2", "name": "Stockport Hall", "latitude": "53.4084", "longitude": "-2.1496",
               "postcode": "SK1 3XE"}]
    people = [{**p, "home_postcode": ""} for p in BASE_PEOPLE]
    data = make_data(tmp_path / "data", venues=venues, people=people)
    result = api.propose(data, start=date(2027, 1, 1), end=date(2027, 3, 31), time_limit=10)
    towns = _town_names(render_report(result.dataset, result.plan))
    assert "Manchester" in towns and "Stockport" in towns, towns
    assert "Horsham" not in towns


def _rotation(tmp_path, venues):
    youth = [{"meeting_id": "Y", "title": "Youth forum", "attendees": "group:youth", "duration_minutes": "90",
              "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31"}]
    data = make_data(tmp_path / "data", venues=venues, meetings=youth)
    result = api.propose(data, start=date(2027, 1, 1), end=date(2027, 3, 31), time_limit=10)
    assert len(result.plan.scheduled) == 3
    page_text = render_report(result.dataset, result.plan)
    [table] = Page(page_text).table("Where each meeting series meets")
    return _visible(page_text), table["rows"][0], page_text


def test_rotation_claims_are_true_of_the_plan(tmp_path):
    # Two buildings 300 m apart are one place: the series cannot move, and the report says so.
    one_site = [BASE_VENUES[0], {**BASE_VENUES[1], "venue_id": "V2", "name": "Horsham Annexe",
                                 "latitude": "51.0735", "longitude": "-0.3243"}]
    text, row, _ = _rotation(tmp_path / "a", one_site)
    assert "In this plan, 0 of the 1 recurring series meet in a different place from one meeting to the next" in text
    assert row[3] == "1" and row[4] == "Yes 2 times"
    assert "move around the county" in text and "meetings move around the county" not in text
    # Two towns 12 km apart: the series alternates, and the report says that instead.
    text, row, page_text = _rotation(tmp_path / "b", BASE_VENUES)
    assert "In this plan, 1 of the 1 recurring series meet in a different place from one meeting to the next" in text
    assert row[3] == "2" and row[4] == "No"
    assert "(near Horsham)" in row[2] and "(near Crawley)" in row[2]
    # The series' own map: its venues labelled with the meetings held there, and its towns.
    [svg] = re.findall(r'<svg id="series-map-1".*?</svg>', page_text, flags=re.S)
    labels = re.findall(r'font-weight="700"[^>]*>([^<]+)</text>', svg)
    assert sorted(labels) in (["1, 3", "2"], ["1", "2, 3"])
    assert {"Horsham", "Crawley"} & set(_town_names(svg))
