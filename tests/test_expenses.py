"""Expenses: the estimate per occurrence, its column in proposals.csv, the report's totals, the
claim text in invites and the terminal line."""

from __future__ import annotations

import csv
import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from conftest import BASE_VENUES, make_data
from test_report import Page

from scheduler import api
from scheduler.cli import main
from scheduler.explain.expenses import Expenses, plan_totals
from scheduler.outputs.folder import write_all
from scheduler.world.geodesy import distance_km

VENUE = BASE_VENUES[0]  # Horsham Hall, 51.0708, -0.3243
HOMES = {"PC1": (51.0000, -0.3243), "YP1": (51.0500, -0.2000), "YP2": (50.9800, -0.4500),
         "PR1": (51.1000, -0.1000)}
PEOPLE = [
    {"participant_id": "PC1", "name": "Car Parent", "role": "parent_carer", "email": "pc1@example.org",
     "latitude": "51.0000", "longitude": "-0.3243", "travel_mode": "car", "max_travel_minutes": "120"},
    {"participant_id": "YP1", "name": "Bus Young", "role": "young_person", "email": "yp1@example.org",
     "latitude": "51.0500", "longitude": "-0.2000", "travel_mode": "public_transport", "max_travel_minutes": "120"},
    {"participant_id": "YP2", "name": "Taxi Young", "role": "young_person", "email": "yp2@example.org",
     "latitude": "50.9800", "longitude": "-0.4500", "travel_mode": "taxi", "max_travel_minutes": "120"},
    {"participant_id": "PC2", "name": "Homeless Data", "role": "parent_carer", "email": "pc2@example.org"},
    {"participant_id": "PR1", "name": "Pro Fessional", "role": "professional", "email": "pr1@example.org",
     "latitude": "51.1000", "longitude": "-0.1000"},
]
MEETING = {"meeting_id": "M", "title": "Mixed group", "attendees": "PC1;YP1;PR1", "optional_attendees": "YP2;PC2",
           "duration_minutes": "90", "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22",
           "chair": "PR1"}
SETTINGS = """
[expenses]
mileage_rate = 0.45
public_transport_fare = 4.5
taxi_rate_per_mile = 2
hourly_rate = 12
how_to_claim = "Use the green form"
"""
START, END = date(2027, 1, 1), date(2027, 3, 31)


def _pence(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _road_miles_both_ways(pid: str) -> float:
    km = float(distance_km(np.array([HOMES[pid]]), np.array([(float(VENUE["latitude"]), float(VENUE["longitude"]))]))[0, 0])
    return 2 * km * 1.3 / 1.609344  # the default winding factor


def _estimated_minutes(pid: str, kmh: float, wait: int = 0) -> int:
    km = _road_miles_both_ways(pid) / 2 * 1.609344
    return math.ceil(km / kmh * 60) + wait


def test_the_estimate_on_a_hand_built_case(tmp_path):
    data = make_data(tmp_path / "data", venues=[VENUE], people=PEOPLE, meetings=[MEETING], settings=SETTINGS,
                     travel=[{"from": "PC1", "to": "V1", "minutes": "40"}])
    result = api.propose(data, start=START, end=END, time_limit=10)
    [p] = result.plan.scheduled
    claims = {c.participant_id: c for c in Expenses(result.dataset).claims(p)}
    assert set(claims) == {"PC1", "YP1", "YP2", "PC2"}  # parent carers and young people, never professionals

    # Car: road miles there and back at 45p; time for 90 minutes plus the measured 40 minutes each way.
    assert claims["PC1"].travel == _pence(_road_miles_both_ways("PC1") * 0.45)
    assert claims["PC1"].time == Decimal("34.00")  # 12 x (90 + 80) / 60
    # Bus or train: two fares; time includes the estimated journey with its 15 minutes' wait.
    assert claims["YP1"].travel == Decimal("9.00")
    assert claims["YP1"].time == _pence(Decimal(12) * (90 + 2 * _estimated_minutes("YP1", 25, 15)) / 60)
    # Taxi: road miles there and back at the taxi rate.
    assert claims["YP2"].travel == _pence(_road_miles_both_ways("YP2") * 2)
    assert claims["YP2"].time == _pence(Decimal(12) * (90 + 2 * _estimated_minutes("YP2", 45)) / 60)
    # No home location: no journey to pay for, but the meeting's time is paid.
    assert claims["PC2"].travel == Decimal("0.00") and claims["PC2"].time == Decimal("18.00")

    expected = sum(c.travel + c.time for c in claims.values())
    assert Expenses(result.dataset).estimate(p) == expected
    assert expected > Decimal("80")  # the case is big enough for a wrong rate to show

    out = tmp_path / "out"
    write_all(out, result.dataset, result.plan)
    [row] = _rows(out / "proposals.csv")
    assert row["expenses_estimate"] == f"{expected:.2f}"


def test_time_is_not_paid_by_default_and_rates_come_from_settings(tmp_path):
    data = make_data(tmp_path / "data", venues=[VENUE], people=PEOPLE, meetings=[MEETING])
    result = api.propose(data, start=START, end=END, time_limit=10)
    s = result.dataset.settings
    assert (s.mileage_rate, s.public_transport_fare, s.hourly_rate, s.how_to_claim) == (0.45, 3.0, 0.0, "")
    [p] = result.plan.scheduled
    claims = {c.participant_id: c for c in Expenses(result.dataset).claims(p)}
    assert all(c.time == 0 for c in claims.values())
    assert claims["YP1"].travel == Decimal("6.00")
    assert claims["PC2"].total == 0


def test_bad_expenses_settings_are_a_data_error(tmp_path):
    data = make_data(tmp_path / "data", settings='[expenses]\nmileage_rate = "lots"\nhourly_rate = -3\nfuel = 1\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(out), "--from", "2027-01-01"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    for key in ("mileage_rate", "hourly_rate", "fuel"):
        assert f"[expenses] {key}" in text, key
    assert not out.exists()


# --- a programme with several series: the column, the report's totals, invites, terminal ----------

SERIES = [
    {"meeting_id": "B", "title": "Board", "attendees": "group:board", "duration_minutes": "120",
     "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"},
    {"meeting_id": "Y", "title": "Youth forum", "attendees": "group:youth", "duration_minutes": "90",
     "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"},
    {"meeting_id": "S", "title": "Staff only", "attendees": "PR1", "duration_minutes": "60",
     "recurrence": "once", "window_start": "2027-02-01", "window_end": "2027-02-26"},
    {"meeting_id": "U", "title": "Impossible", "attendees": "PC1", "duration_minutes": "60", "recurrence": "once",
     "window_start": "2027-03-01", "window_end": "2027-03-05", "venues": "V2"},
]
CLOSED_V2 = [dict(BASE_VENUES[0]), {**BASE_VENUES[1], "closed_dates": "2027-03-01..2027-03-05"}]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_column_report_totals_invites_and_terminal_agree(tmp_path):
    data = make_data(tmp_path / "data", venues=CLOSED_V2, meetings=SERIES,
                     settings='[expenses]\nhow_to_claim = "Send the blue form to Sam"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(out), "--from", "2027-01-01",
                                       "--to", "2027-03-31", "--time-limit", "10"])
    assert result.exit_code == 1, result.output  # U cannot be placed: its only venue is closed
    rows = _rows(out / "proposals.csv")
    by_series: dict[str, Decimal] = {}
    for r in rows:
        if r["status"] == "scheduled":
            assert re.fullmatch(r"\d+\.\d\d", r["expenses_estimate"]), r
            by_series[r["meeting_id"]] = by_series.get(r["meeting_id"], Decimal(0)) + Decimal(r["expenses_estimate"])
        else:
            assert r["expenses_estimate"] == ""
    assert by_series["S"] == 0 and by_series["B"] > 0 and by_series["Y"] > 0
    total = sum(by_series.values())

    # The report: one row per series with a meeting placed, the same sums, the same total.
    page = (out / "report.html").read_text(encoding="utf-8")
    [table] = Page(page).table("Estimated expenses for families by meeting series")
    titles = {"B": "Board", "Y": "Youth forum", "S": "Staff only"}
    got = {row[0]: Decimal(row[2].lstrip("£").replace(",", "")) for row in table["rows"]}
    assert got == {titles[mid]: amount for mid, amount in by_series.items()}
    assert table["foot"][0][2] == f"£{total:,.2f}"
    figures = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert figures["Expenses for families (estimate)"] == f"£{total:,.2f}"
    assert "an <strong>estimate</strong>" in page
    assert plan_totals(*_plan(data))[1] == total

    # The terminal says it once, as an estimate.
    assert f"Family expenses (estimate): about £{total:,.2f} in all" in " ".join(result.output.split())

    # Invites say how to claim when families attend, and never carry an amount.
    for ics in [out / "programme.ics", *sorted((out / "invites").glob("*.ics"))]:
        text = ics.read_bytes().decode("utf-8").replace("\r\n ", "")
        assert "£" not in text, ics.name
        for r in rows:
            assert not r["expenses_estimate"] or r["expenses_estimate"] == "0.00" or r["expenses_estimate"] not in text
    board = (out / "invites" / "B-1.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "How to claim: Send the blue form to Sam." in board
    staff = (out / "invites" / "S-1.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "Expenses" not in staff and "How to claim" not in staff


def _plan(data: Path):
    result = api.propose(data, start=START, end=END, time_limit=10)
    return result.dataset, result.plan
