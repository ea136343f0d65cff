"""A round trip through a real CalDAV server (Radicale): what we write is what a calendar keeps."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from caldav import DAVClient, Event
from conftest import BASE_PEOPLE, BASE_TERMS, PLAN_FROM

from scheduler import api
from scheduler.core.clock import LONDON
from scheduler.outputs.export_ics import (
    calendar_bytes,
    invite_calendar,
    invite_filename,
    write_calendars,
)

SETTINGS = """
[organiser]
name = "Siân Ellis-Pryce"
email = "send.team@example.org"

[calendar]
reminder_minutes = 45
uid_namespace = "caldav.example.org"
"""
TERMS = BASE_TERMS + [
    {"term": "Summer 1", "first_day": "2027-04-12", "last_day": "2027-05-28", "status": "confirmed"},
]
PEOPLE = BASE_PEOPLE + [
    {"participant_id": "PC2", "name": "Gwenllïan Ŵyn", "role": "parent_carer", "email": "",
     "home_postcode": "BN11 2AB", "needs": "hearing_loop", "groups": "board"},
]
MEETINGS = [
    {"meeting_id": "B", "title": "SEND Partnership Board", "attendees": "group:board",
     "optional_attendees": "YP1", "duration_minutes": "120", "recurrence": "once",
     "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR1",
     "description": "Partners check how the SEND strategy is going."},
    {"meeting_id": "S", "title": "Summer board ŵŷ 🎉", "attendees": "group:board",
     "duration_minutes": "90", "recurrence": "once", "window_start": "2027-04-12",
     "window_end": "2027-04-23", "chair": "PC1"},
    {"meeting_id": "YF", "title": "Youth forum", "attendees": "group:youth", "duration_minutes": "90",
     "recurrence": "monthly", "window_start": "2027-02-01", "window_end": "2027-03-31",
     "papers_days": "3", "chair": "YP1"},
]
COMPARED = ("UID", "SEQUENCE", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "TRANSP", "ORGANIZER",
            "RELATED-TO")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    """A Radicale server on 127.0.0.1 with its own storage, no auth; stopped at the end."""
    folder = tmp_path_factory.mktemp("radicale")
    port = free_port()
    log = open(folder / "radicale.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "", "--auth-type", "none",
         "--storage-filesystem-folder", str(folder / "storage"),
         "--server-hosts", f"127.0.0.1:{port}", "--logging-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail("Radicale stopped at start:\n" + (folder / "radicale.log").read_text())
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (a redirect or an auth challenge is an answer)
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Radicale did not answer within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def client(radicale):
    # with auth type none, any user name is accepted and gets its own principal collection
    return DAVClient(url=radicale, username="organiser", password="unused", require_tls=False)


@pytest.fixture
def files(tiny, tmp_path):
    folder = tiny(people=PEOPLE, meetings=MEETINGS, terms=TERMS, settings=SETTINGS)
    result = api.propose(folder, start=PLAN_FROM, end=date(2027, 4, 30), time_limit=10)
    assert len(result.plan.scheduled) == 4, result.plan.placements
    out = tmp_path / "out"
    out.mkdir()
    write_calendars(out, result.dataset, result.plan)
    return result, out


def split_by_uid(data: bytes) -> dict[str, bytes]:
    """One calendar object resource per UID, as a client stores an imported file (RFC 4791 4.1:
    no METHOD, one UID each, with the VTIMEZONE it uses)."""
    source = icalendar.Calendar.from_ical(data)
    zone = source.walk("VTIMEZONE")[0]
    out = {}
    for event in source.walk("VEVENT"):
        cal = icalendar.Calendar()
        cal.add("prodid", source["PRODID"])
        cal.add("version", "2.0")
        cal.add_component(zone)
        cal.add_component(event)
        out[str(event["UID"])] = calendar_bytes(cal)
    return out


def upload(client: DAVClient, calendar, data: bytes) -> Event:
    """Store the bytes exactly as they are: no SEQUENCE bump, no rewriting by the client."""
    event = Event(client=client, parent=calendar, data=data.decode("utf-8"))
    event.save(raw_data=data, no_overwrite=True)
    return event


def read_back(calendar) -> dict[str, icalendar.Event]:
    out = {}
    for obj in calendar.events():
        events = icalendar.Calendar.from_ical(obj.data).walk("VEVENT")
        assert len(events) == 1
        out[str(events[0]["UID"])] = events[0]
    return out


def assert_same_event(original: icalendar.Event, stored: icalendar.Event) -> None:
    for name in COMPARED:
        assert (name in original) == (name in stored), name
        if name in original:
            assert str(stored[name]) == str(original[name]), name
    for name in ("DTSTART", "DTEND"):
        assert stored.decoded(name) == original.decoded(name), name
        assert stored[name].params.get("TZID") == original[name].params.get("TZID"), name
    assert stored.decoded("DTSTAMP") == original.decoded("DTSTAMP")
    if "GEO" in original:
        assert (stored["GEO"].latitude, stored["GEO"].longitude) == (original["GEO"].latitude,
                                                                      original["GEO"].longitude)
    alarms = stored.walk("VALARM")
    assert len(alarms) == 1 == len(original.walk("VALARM"))
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == original.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(minutes=45)
    original_attendees = original.get("ATTENDEE", [])
    stored_attendees = stored.get("ATTENDEE", [])
    original_attendees = original_attendees if isinstance(original_attendees, list) else [original_attendees]
    stored_attendees = stored_attendees if isinstance(stored_attendees, list) else [stored_attendees]
    assert [(str(a), dict(a.params)) for a in stored_attendees] == [
        (str(a), dict(a.params)) for a in original_attendees]


def test_every_event_round_trips_through_radicale_unchanged(client, files):
    result, out = files
    principal = client.principal()
    programme_cal = principal.make_calendar(name="Rhaglen ŵŷ", cal_id="programme")
    invites_cal = principal.make_calendar(name="Invites", cal_id="invites")

    programme = split_by_uid((out / "programme.ics").read_bytes())
    assert len(programme) == 4 + 4  # four meetings and four papers-due entries
    for data in programme.values():
        upload(client, programme_cal, data)
    invites = {}
    own: dict[str, object] = {}  # each young person's own calendar, for the invite made for them alone
    young = {pid for pid, person in result.dataset.participants.items() if person.role == "young_person"}
    for path in sorted((out / "invites").iterdir()):
        pid = path.stem.rsplit("-", 1)[-1]
        if pid in young:
            if pid not in own:
                own[pid] = principal.make_calendar(name=f"Young person {pid}", cal_id=f"own-{pid.lower()}")
            upload(client, own[pid], path.read_bytes())
            event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
            assert str(event["ATTENDEE"]) == f"mailto:{result.dataset.participants[pid].email}"
            assert_same_event(event, read_back(own[pid])[str(event["UID"])])
            continue
        invites[path.name] = path.read_bytes()
        upload(client, invites_cal, invites[path.name])  # the file exactly as written, METHOD and all

    stored = read_back(programme_cal)
    assert set(stored) == set(programme)
    for uid, data in programme.items():
        original = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        assert_same_event(original, stored[uid])
    stored_invites = read_back(invites_cal)
    assert len(stored_invites) == len(invites) == 4
    for data in invites.values():
        original = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        assert_same_event(original, stored_invites[str(original["UID"])])

    # The server places each meeting at the right instant, winter (GMT) and summer (BST) alike:
    # a time-range query on the UTC start finds it, and one an hour off in UTC does not.
    for p in result.plan.scheduled:
        start = datetime.combine(p.day, datetime.min.time(), LONDON) + timedelta(minutes=p.start)
        start_utc = start.astimezone(UTC)
        hit = invites_cal.search(start=start_utc, end=start_utc + timedelta(minutes=1), event=True, expand=False)
        assert p.occurrence.uid in {str(e.icalendar_component["UID"]) for e in hit}
        end_utc = start_utc + timedelta(minutes=p.end - p.start)
        miss = invites_cal.search(start=end_utc, end=end_utc + timedelta(hours=1), event=True, expand=False)
        assert p.occurrence.uid not in {str(e.icalendar_component["UID"]) for e in miss}
    summer = next(p for p in result.plan.scheduled if p.occurrence.meeting_id == "S")
    assert (summer.day.month, stored_invites[summer.occurrence.uid].decoded("DTSTART").utcoffset()) == (
        4, timedelta(hours=1))


def test_an_updated_invite_replaces_the_event_in_place(client, files):
    result, out = files
    cal = client.principal().make_calendar(name="Updates", cal_id="updates")
    p = next(p for p in result.plan.scheduled if p.occurrence.meeting_id == "B")
    first = (out / "invites" / invite_filename("B", 1)).read_bytes()
    event = upload(client, cal, first)
    moved = dataclasses.replace(p, start=p.start + 60, end=p.end + 60, sequence=p.sequence + 1)
    update = calendar_bytes(invite_calendar(result.dataset, moved, reason="The room is needed earlier."))
    event.save(raw_data=update)  # same resource, same UID, higher SEQUENCE
    stored = read_back(cal)
    assert list(stored) == [p.occurrence.uid]
    assert int(stored[p.occurrence.uid]["SEQUENCE"]) == p.sequence + 1
    moved_start = datetime.combine(p.day, datetime.min.time(), LONDON) + timedelta(minutes=p.start + 60)
    assert stored[p.occurrence.uid].decoded("DTSTART") == moved_start
    assert str(stored[p.occurrence.uid]["DESCRIPTION"]).startswith("This meeting has changed: The room")


def test_the_whole_programme_file_imports_into_a_collection(client, radicale, files):
    """Radicale, like a desktop client, imports the PUBLISH file whole into a new calendar."""
    _, out = files
    data = (out / "programme.ics").read_bytes()
    url = f"{radicale}organiser/imported/"
    response = client.put(url, data.decode("utf-8"), {"Content-Type": "text/calendar; charset=utf-8"})
    assert response.status in (200, 201, 204)
    stored = read_back(client.calendar(url=url))
    expected = split_by_uid(data)
    assert set(stored) == set(expected)
    for uid, one in expected.items():
        assert_same_event(icalendar.Calendar.from_ical(one).walk("VEVENT")[0], stored[uid])


def test_no_private_detail_reaches_the_server(client, files):
    _, out = files
    stored = b""
    for i, path in enumerate(sorted((out / "invites").iterdir())):
        cal = client.principal().make_calendar(name=f"Privacy {i}", cal_id=f"privacy-{i}")  # one each: same UIDs
        upload(client, cal, path.read_bytes())
        stored += b"".join(obj.data.encode("utf-8") for obj in cal.events())
    assert b"hearing_loop" not in stored and b"BN11" not in stored
    assert "Gwenllïan".encode() not in stored  # no email: not an attendee anywhere


def test_radicales_own_parser_reads_every_file_to_the_same_instants(files):
    """vobject (Radicale's parser) validates each file and, from its VTIMEZONE, agrees on times."""
    import vobject

    _, out = files
    paths = [out / "programme.ics", *sorted((out / "invites").iterdir())]
    for path in paths:
        theirs = {}
        for cal in vobject.readComponents(path.read_bytes().decode("utf-8"), validate=True):
            for vevent in cal.vevent_list:
                theirs[vevent.uid.value] = (vevent.dtstart.value, vevent.dtend.value)
        ours = {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"))
                for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
        assert theirs == ours
