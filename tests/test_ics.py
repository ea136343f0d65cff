"""Calendar files: exact text, strict parsing, clock changes, stability, privacy (issue 3)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import BASE_PEOPLE, BASE_TERMS, BASE_VENUES, PLAN_FROM
from ical.calendar_stream import IcsCalendarStream
from icalendar.parser import Contentline
from rich.console import Console

from scheduler import api
from scheduler.api import load
from scheduler.core.domain import DateRange, Placement, Plan
from scheduler.outputs.export_csv import write_proposals
from scheduler.outputs.export_ics import (
    LOCATION_MAX,
    PLACEHOLDER_ORGANISER_EMAIL,
    calendar_bytes,
    cancel_calendar,
    invite_calendar,
    invite_filename,
    papers_calendar,
    uninvitable,
    write_calendars,
)
from scheduler.outputs.folder import write_all
from scheduler.outputs.ics_fold import fold
from scheduler.present import print_plan
from scheduler.world.calendar import calendar_for, occurrence_uid, occurrences

LONDON = ZoneInfo("Europe/London")
EVERYTHING = DateRange(date(2000, 1, 1), date(2100, 12, 31))

SETTINGS = """
[organiser]
name = "Siân Ellis-Pryce"
email = "send.team@example.org"

[calendar]
reminder_minutes = 30
calendar_name = "Rhaglen SEND ŵŷ"
uid_namespace = "test.example.org"
"""

# A venue with every kind of feature value: yes, no and blank (unknown).
MIXED_VENUE = {
    "venue_id": "V3", "name": "Neuadd Gŵyl Hall", "latitude": "51.0500", "longitude": "-0.2500",
    "capacity": "20", "step_free": "yes", "lift": "no", "accessible_toilet": "yes",
    "hoist_toilet": "", "accessible_parking": "yes", "hearing_loop": "", "quiet_room": "no",
    "public_transport": "yes", "address": "3 Chapel Row, Horsham", "postcode": "RH13 5AA",
}
GOLDEN_MEETINGS = [
    {"meeting_id": "YF", "title": "Fforwm Ieuenctid 🎉 SEND youth forum", "attendees": "PC1;YP1",
     "optional_attendees": "PR1", "duration_minutes": "90", "recurrence": "once",
     "window_start": "2027-03-01", "window_end": "2027-03-31", "papers_days": "7", "chair": "PC1",
     "venues": "V3", "description": "Young people and parent carers plan the CYP summer events."},
]


def scheduled(ds, meeting_id: str, number: int, day: date, start: str, end: str, venue: str,
              sequence: int = 0) -> Placement:
    """A scheduled placement built by hand, as the solver would return it."""
    occ = next(o for o in occurrences(ds, EVERYTHING) if o.meeting_id == meeting_id and o.number == number)
    m = ds.meetings[meeting_id]
    sh, sm = map(int, start.split(":"))
    eh, em = map(int, end.split(":"))
    due = calendar_for(ds).papers_due(day, m.papers_days)
    return Placement(occ, "scheduled", day, sh * 60 + sm, eh * 60 + em, venue, due, sequence=sequence)


def golden_dataset(tiny):
    return load(tiny(venues=BASE_VENUES + [MIXED_VENUE], meetings=GOLDEN_MEETINGS, settings=SETTINGS))


def ics_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.ics"))


def events_of(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


GOLDEN_HEAD = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//SEND co-production scheduler//schedule 1.0//EN\r\n"
    "CALSCALE:GREGORIAN\r\n"
)
GOLDEN_TZ = (
    "X-WR-TIMEZONE:Europe/London\r\n"
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/London\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "DTSTART:19810329T010000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "TZNAME:BST\r\n"
    "TZOFFSETFROM:+0000\r\n"
    "TZOFFSETTO:+0100\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "DTSTART:19961027T020000\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "TZNAME:GMT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0000\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)
GOLDEN_MEETING_DESCRIPTION = (
    "DESCRIPTION:Fforwm Ieuenctid 🎉 SEND youth forum: Monday 29 March 2027\\,\r\n"
    "  16:30 to 18:00 (UK time).\\n\\nWhat the meeting is for: Young people and pa\r\n"
    " rent carers plan the CYP summer events.\\n\\nVenue: Neuadd Gŵyl Hall\\, 3 Ch\r\n"
    " apel Row\\, Horsham\\, RH13 5AA.\\nAccess at this venue (confirmed): step-fre\r\n"
    " e access\\, accessible toilet\\, accessible parking and bus or train stop ne\r\n"
    " arby.\\nNot available at this venue: lift and quiet room.\\nNot confirmed ye\r\n"
    " t: hoist toilet (Changing Places) and hearing loop. Please ask the chair o\r\n"
    " r the organiser if you need any of these.\\n\\nChair: Pat Carer (pat@example\r\n"
    " .org). You can contact the chair before the meeting with any questions.\\n\r\n"
    " \\nPapers: the papers for this meeting will be sent out by Monday 22 March \r\n"
    " 2027.\\n\\nExpenses: parent carers and young people taking part can claim th\r\n"
    " e cost of getting to the meeting and back. How to claim: Please ask the or\r\n"
    " ganiser\\, Siân Ellis-Pryce (send.team@example.org).\\n\\nWords used in this\r\n"
    "  invitation:\\nSEND: special educational needs and disabilities.\\nCYP: chil\r\n"
    " dren and young people.\r\n"
)
GOLDEN_MEETING_TAIL = (
    "GEO:51.05;-0.25\r\n"
    "LOCATION:Neuadd Gŵyl Hall\\, 3 Chapel Row\\, Horsham\\, RH13 5AA\r\n"
    "ORGANIZER;CN=\"Siân Ellis-Pryce\":mailto:send.team@example.org\r\n"
    "STATUS:CONFIRMED\r\n"
    "TRANSP:OPAQUE\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "DESCRIPTION:Reminder: Fforwm Ieuenctid 🎉 SEND youth forum\r\n"
    "TRIGGER:-PT30M\r\n"
    "END:VALARM\r\n"
    "END:VEVENT\r\n"
)


def test_exact_text_of_a_small_programme_and_invite(tiny, tmp_path):
    """A meeting on the Monday after the clocks go forward, on a frozen clock (conftest)."""
    ds = golden_dataset(tiny)
    p = scheduled(ds, "YF", 1, date(2027, 3, 29), "16:30", "18:00", "V3")
    assert p.occurrence.uid == occurrence_uid("test.example.org", "YF", 1)
    papers_uid = occurrence_uid("test.example.org", "YF", 1, kind="papers")
    write_calendars(tmp_path, ds, Plan([p], EVERYTHING))

    programme = (
        GOLDEN_HEAD
        + "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Rhaglen SEND ŵŷ\r\n"
        + GOLDEN_TZ
        + "BEGIN:VEVENT\r\n"
        "SUMMARY:Papers due: Fforwm Ieuenctid 🎉 SEND youth forum\r\n"
        "DTSTART;VALUE=DATE:20270322\r\n"
        "DTEND;VALUE=DATE:20270323\r\n"
        "DTSTAMP:20270101T000000Z\r\n"
        f"UID:{papers_uid}\r\n"
        "SEQUENCE:0\r\n"
        "DESCRIPTION:Today is the day to send out the papers for Fforwm Ieuenctid \r\n"
        " 🎉 SEND youth forum\\, so that everyone\\, parent carers and young people \r\n"
        " too\\, has time to read them before the meeting.\\n\\nThe meeting: Monday 29 \r\n"
        " March 2027 at 16:30\\, at Neuadd Gŵyl Hall\\, 3 Chapel Row\\, Horsham\\, RH13\r\n"
        "  5AA.\\n\\nWords used in this entry:\\nSEND: special educational needs and di\r\n"
        " sabilities.\r\n"
        "ORGANIZER;CN=\"Siân Ellis-Pryce\":mailto:send.team@example.org\r\n"
        f"RELATED-TO:{p.occurrence.uid}\r\n"
        "STATUS:CONFIRMED\r\n"
        "TRANSP:TRANSPARENT\r\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n"
        "BEGIN:VALARM\r\n"
        "ACTION:DISPLAY\r\n"
        "DESCRIPTION:Papers due: Fforwm Ieuenctid 🎉 SEND youth forum\r\n"
        "TRIGGER:-PT30M\r\n"
        "END:VALARM\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\n"
        "SUMMARY:Fforwm Ieuenctid 🎉 SEND youth forum\r\n"
        "DTSTART;TZID=Europe/London:20270329T163000\r\n"
        "DTEND;TZID=Europe/London:20270329T180000\r\n"
        "DTSTAMP:20270101T000000Z\r\n"
        f"UID:{p.occurrence.uid}\r\n"
        "SEQUENCE:0\r\n"
        + GOLDEN_MEETING_DESCRIPTION
        + GOLDEN_MEETING_TAIL
        + "END:VCALENDAR\r\n"
    )
    assert (tmp_path / "programme.ics").read_bytes().decode("utf-8") == programme

    def invite(attendees: str) -> str:
        return (
            GOLDEN_HEAD
            + "METHOD:REQUEST\r\n"
            + GOLDEN_TZ
            + "BEGIN:VEVENT\r\n"
            "SUMMARY:Fforwm Ieuenctid 🎉 SEND youth forum\r\n"
            "DTSTART;TZID=Europe/London:20270329T163000\r\n"
            "DTEND;TZID=Europe/London:20270329T180000\r\n"
            "DTSTAMP:20270101T000000Z\r\n"
            f"UID:{p.occurrence.uid}\r\n"
            "SEQUENCE:0\r\n"
            + attendees
            + GOLDEN_MEETING_DESCRIPTION
            + GOLDEN_MEETING_TAIL
            + "END:VCALENDAR\r\n"
        )

    # The young person's address is in their own invite only (same UID); the others' invite
    # leaves it out.
    everyone_else = (
        "ATTENDEE;CN=\"Pat Carer\";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-P\r\n"
        " ARTICIPANT;RSVP=TRUE:mailto:pat@example.org\r\n"
        "ATTENDEE;CN=\"Pro Fessional\";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=O\r\n"
        " PT-PARTICIPANT;RSVP=TRUE:mailto:pro@example.org\r\n")
    young = (
        "ATTENDEE;CN=\"Yan Young\";CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION;ROLE=REQ-P\r\n"
        " ARTICIPANT;RSVP=TRUE:mailto:yan@example.org\r\n")
    assert sorted(f.name for f in (tmp_path / "invites").iterdir()) == ["YF-1-YP1.ics", "YF-1.ics"]
    assert (tmp_path / "invites" / "YF-1.ics").read_bytes().decode("utf-8") == invite(everyone_else)
    assert (tmp_path / "invites" / "YF-1-YP1.ics").read_bytes().decode("utf-8") == invite(young)


# ---------------------------------------------------------------------------------------------
# A small programme planned by the solver, shared by several tests
# ---------------------------------------------------------------------------------------------

PROGRAMME_PEOPLE = BASE_PEOPLE + [
    {"participant_id": "PC2", "name": "Rhian Ŵyn-Jones", "role": "parent_carer", "email": "",
     "home_postcode": "BN11 2AB", "needs": "hearing_loop;quiet_room", "groups": "board"},
    {"participant_id": "YP2", "name": "Dewi \"DJ\" Hughes", "role": "young_person",
     "email": "dewi@example.org", "home_postcode": "", "latitude": "51.0311", "longitude": "-0.4071",
     "needs": "hoist_toilet", "groups": "youth", "travel_mode": "public_transport",
     "max_travel_minutes": "90"},
]
PROGRAMME_MEETINGS = [
    {"meeting_id": "B", "title": "SEND Partnership Board", "attendees": "group:board",
     "optional_attendees": "YP1", "duration_minutes": "120", "recurrence": "once",
     "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR1",
     "description": "Partners check how the SEND strategy is going."},
    {"meeting_id": "YF", "title": "Youth forum ŵ 🎉", "attendees": "group:youth",
     "duration_minutes": "90", "recurrence": "monthly", "window_start": "2027-01-01",
     "window_end": "2027-03-31", "papers_days": "0", "chair": "YP1"},
]


@pytest.fixture
def programme(tiny, tmp_path):
    folder = tiny(people=PROGRAMME_PEOPLE, meetings=PROGRAMME_MEETINGS, settings=SETTINGS)
    result = api.propose(folder, start=PLAN_FROM, end=date(2027, 3, 31), time_limit=10)
    assert len(result.plan.scheduled) == 4, result.plan.placements
    out = tmp_path / "out"
    out.mkdir()
    write_calendars(out, result.dataset, result.plan)
    return folder, result, out


def test_files_parse_strictly_and_round_trip_to_the_same_events(programme):
    _, result, out = programme
    ds, plan = result.dataset, result.plan
    by_uid = {p.occurrence.uid: p for p in plan.scheduled}
    young = {mid: [pid for pid in ds.meetings[mid].everyone if ds.participants[pid].role == "young_person"
                   and ds.participants[pid].email] for mid in ds.meetings}
    assert sorted(f.name for f in (out / "invites").iterdir()) == sorted(
        [invite_filename(p.occurrence.meeting_id, p.occurrence.number) for p in plan.scheduled]
        + [f"{p.occurrence.meeting_id}-{p.occurrence.number}-{pid}.ics" for p in plan.scheduled
           for pid in young[p.occurrence.meeting_id]])

    seen_in_programme = set()
    for path in ics_files(out):
        text = path.read_bytes().decode("utf-8")
        strict = IcsCalendarStream.calendar_from_ics(text)  # raises on anything it finds invalid
        parsed = icalendar.Calendar.from_ical(path.read_bytes())
        assert len(strict.events) == len(list(parsed.walk("VEVENT")))
        assert [tz.tz_id for tz in strict.timezones] == ["Europe/London"]
        # icalendar writes back exactly what it read: nothing was lost or bent on the way
        assert calendar_bytes(parsed) == path.read_bytes()
        strict_by_uid = {e.uid: e for e in strict.events}
        for event in parsed.walk("VEVENT"):
            uid = str(event["UID"])
            s = strict_by_uid[uid]
            assert len(event.walk("VALARM")) == 1
            assert event.walk("VALARM")[0]["ACTION"] == "DISPLAY"
            assert event.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(minutes=30)
            assert [a.trigger for a in s.alarm] == [-timedelta(minutes=30)]
            assert event.decoded("DTSTAMP") == datetime(2027, 1, 1, tzinfo=UTC)
            if uid in by_uid:
                p = by_uid[uid]
                seen_in_programme.add((path.name, uid))
                start = datetime.combine(p.day, datetime.min.time(), LONDON) + timedelta(minutes=p.start)
                end = datetime.combine(p.day, datetime.min.time(), LONDON) + timedelta(minutes=p.end)
                assert event.decoded("DTSTART") == start and event.decoded("DTEND") == end
                assert s.dtstart == start and s.dtend == end
                assert event["DTSTART"].params["TZID"] == "Europe/London"
                assert int(event["SEQUENCE"]) == s.sequence == p.sequence
                assert str(event["STATUS"]) == "CONFIRMED"
                assert str(event["SUMMARY"]) == ds.meetings[p.occurrence.meeting_id].title
                assert str(event["LOCATION"]) == ds.venues[p.venue_id].location_line()
                v = ds.venues[p.venue_id]
                assert (s.geo.lat, s.geo.lng) == (v.latitude, v.longitude)
            else:
                # the papers-due entry of a meeting of the programme
                assert path.name == "programme.ics"
                meeting_uid = str(event["RELATED-TO"])
                p = by_uid[meeting_uid]
                assert uid == occurrence_uid("test.example.org", p.occurrence.meeting_id,
                                             p.occurrence.number, kind="papers")
                assert event.decoded("DTSTART") == p.papers_due
                assert event.decoded("DTEND") == p.papers_due + timedelta(days=1)
                assert str(event["TRANSP"]) == "TRANSPARENT"
                assert ds.meetings[p.occurrence.meeting_id].title in str(event["SUMMARY"])
                assert int(event["SEQUENCE"]) == p.sequence
    # every meeting in programme.ics once, and in its own invite once
    assert {uid for name, uid in seen_in_programme if name == "programme.ics"} == set(by_uid)
    assert {uid for name, uid in seen_in_programme if name != "programme.ics"} == set(by_uid)
    # one papers entry per meeting with papers (the youth forum has none)
    papers = [e for e in events_of(out / "programme.ics") if "RELATED-TO" in e]
    assert len(papers) == sum(1 for p in plan.scheduled if p.papers_due) == 1


def test_programme_has_no_attendees_and_invites_have_the_right_ones(programme):
    _, result, out = programme
    ds = result.dataset
    assert b"ATTENDEE" not in (out / "programme.ics").read_bytes()
    for event in events_of(out / "programme.ics"):
        assert event["ORGANIZER"] == "mailto:send.team@example.org"
    board = events_of(out / "invites" / "B-1.ics")
    assert len(board) == 1
    attendees = {str(a): dict(a.params) for a in board[0]["ATTENDEE"]}
    # PC2 has no email: not an attendee, but reported as needing another way to be invited
    assert attendees == {
        "mailto:pat@example.org": {"CN": "Pat Carer", "CUTYPE": "INDIVIDUAL", "PARTSTAT": "NEEDS-ACTION",
                                   "ROLE": "REQ-PARTICIPANT", "RSVP": "TRUE"},
        "mailto:pro@example.org": {"CN": "Pro Fessional", "CUTYPE": "INDIVIDUAL", "PARTSTAT": "NEEDS-ACTION",
                                   "ROLE": "REQ-PARTICIPANT", "RSVP": "TRUE"},
    }
    # the young person (optional here) has an invite of their own, naming them alone
    [own] = events_of(out / "invites" / "B-1-YP1.ics")
    assert own["UID"] == board[0]["UID"]
    assert {str(own["ATTENDEE"]): dict(own["ATTENDEE"].params)} == {
        "mailto:yan@example.org": {"CN": "Yan Young", "CUTYPE": "INDIVIDUAL", "PARTSTAT": "NEEDS-ACTION",
                                   "ROLE": "OPT-PARTICIPANT", "RSVP": "TRUE"}}
    assert board[0]["ORGANIZER"].params["CN"] == "Siân Ellis-Pryce"
    assert uninvitable(ds, result.plan) == ["PC2"]
    # a double quote in a name cannot be written plainly in CN; it becomes an apostrophe
    forum = events_of(out / "invites" / "YF-1-YP2.ics")[0]
    assert forum["ATTENDEE"].params["CN"] == "Dewi 'DJ' Hughes"
    forum = events_of(out / "invites" / "YF-1.ics")[0]
    assert forum["ATTENDEE"].params["CN"] == "Pro Fessional"  # the young people have their own


def test_description_names_purpose_access_chair_papers_and_acronyms(programme):
    _, result, out = programme
    board = events_of(out / "invites" / "B-1.ics")[0]
    text = str(board["DESCRIPTION"])
    p = next(p for p in result.plan.scheduled if p.occurrence.meeting_id == "B")
    assert "Partners check how the SEND strategy is going." in text
    assert "Access at this venue (confirmed): step-free access, lift, accessible toilet, hoist toilet" in text
    assert "Chair: Pro Fessional (pro@example.org). You can contact the chair before the meeting" in text
    due = p.papers_due
    assert f"sent out by {due:%A} {due.day} {due:%B %Y}." in text
    assert "SEND: special educational needs and disabilities." in text
    forum = str(events_of(out / "invites" / "YF-1.ics")[0]["DESCRIPTION"])
    assert "There are no papers to read before this meeting." in forum
    # a young person chairs: their address is not shown, questions go through the organiser
    assert "Chair: Yan Young. You can contact the chair before the meeting" in forum
    assert "yan@example.org" not in forum


def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_a_character(programme):
    _, _, out = programme
    for path in ics_files(out):
        data = path.read_bytes()
        assert data.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
        for line in data.split(b"\r\n"):
            assert len(line) <= 75, (path.name, line)
            line.decode("utf-8")  # a split character would not decode on its own line
    forum = events_of(out / "invites" / "YF-1.ics")[0]
    assert str(forum["SUMMARY"]) == "Youth forum ŵ 🎉"
    names = {a.params["CN"] for a in events_of(out / "invites" / "B-1.ics")[0]["ATTENDEE"]}
    assert "Pat Carer" in names


def test_a_long_title_with_welsh_letters_and_emoji_folds_cleanly(tiny, tmp_path):
    title = "Cyfarfod ŵŷ âêîôû " + "🎉ŵ" * 40 + " end"
    meetings = [dict(GOLDEN_MEETINGS[0], title=title)]
    ds = load(tiny(venues=BASE_VENUES + [MIXED_VENUE], meetings=meetings, settings=SETTINGS))
    p = scheduled(ds, "YF", 1, date(2027, 3, 29), "16:30", "18:00", "V3")
    data = calendar_bytes(invite_calendar(ds, p))
    folded = [line for line in data.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) > 10
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title
    assert IcsCalendarStream.calendar_from_ics(data.decode()).events[0].summary == title


def test_vtimezone_is_one_yearly_daylight_and_one_yearly_standard_rule(programme):
    _, _, out = programme
    for path in ics_files(out):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        zones = cal.walk("VTIMEZONE")
        assert len(zones) == 1 and zones[0]["TZID"] == "Europe/London"
        daylight, standard = zones[0].walk("DAYLIGHT"), zones[0].walk("STANDARD")
        assert len(daylight) == 1 and len(standard) == 1
        for part, month, offset_from, offset_to in ((daylight[0], 3, 0, 1), (standard[0], 10, 1, 0)):
            rule = part["RRULE"]
            assert rule["FREQ"] == ["YEARLY"] and rule["BYMONTH"] == [month] and rule["BYDAY"] == ["-1SU"]
            assert "RDATE" not in part
            assert part.decoded("TZOFFSETFROM") == timedelta(hours=offset_from)
            assert part.decoded("TZOFFSETTO") == timedelta(hours=offset_to)
            assert part.decoded("DTSTART").weekday() == 6  # the first onset is itself a last Sunday
        assert b"RDATE" not in path.read_bytes()


def test_the_vtimezone_rules_agree_with_the_tz_database_for_years_ahead(programme):
    """Read only from the file (no lookup by TZID), the rules give London's offset every day."""
    _, _, out = programme
    own = icalendar.Calendar.from_ical((out / "programme.ics").read_bytes()).walk("VTIMEZONE")[0]
    tz = own.to_tz(lookup_tzid=False)
    day = date(2026, 1, 1)
    while day < date(2036, 1, 1):
        # 01:xx is skipped: it does not exist on the spring change day and occurs twice in autumn
        for hour in (0, 2, 3, 10, 16, 23):
            local = datetime(day.year, day.month, day.day, hour, 30)
            assert local.replace(tzinfo=tz).utcoffset() == local.replace(tzinfo=LONDON).utcoffset(), local
        day += timedelta(days=1)


@pytest.mark.parametrize("day, hour, utc_hour", [
    (date(2027, 3, 26), 10, 10),   # Friday before the clocks go forward (GMT)
    (date(2027, 3, 28), 10, 9),    # the Sunday they go forward, after 01:00 (BST)
    (date(2027, 3, 29), 16, 15),   # Monday after (BST)
    (date(2027, 10, 29), 10, 9),   # Friday before the clocks go back (BST)
    (date(2027, 10, 31), 10, 10),  # the Sunday they go back, after 02:00 (GMT)
    (date(2027, 11, 1), 16, 16),   # Monday after (GMT)
])
def test_meetings_in_clock_change_weeks_keep_their_wall_clock_time(tiny, tmp_path, day, hour, utc_hour):
    meetings = [dict(GOLDEN_MEETINGS[0], window_start="2027-01-01", window_end="2027-12-31")]
    ds = load(tiny(venues=BASE_VENUES + [MIXED_VENUE], meetings=meetings, settings=SETTINGS))
    p = scheduled(ds, "YF", 1, day, f"{hour:02d}:00", f"{hour + 1:02d}:30", "V3")
    write_calendars(tmp_path, ds, Plan([p], EVERYTHING))
    for path in (tmp_path / "programme.ics", tmp_path / "invites" / "YF-1.ics"):
        text = path.read_bytes().decode("utf-8")
        assert f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T{hour:02d}0000\r\n" in text
        assert f"DTEND;TZID=Europe/London:{day:%Y%m%d}T{hour + 1:02d}3000\r\n" in text
        # both parsers, reading the file's own VTIMEZONE, land on the right instant
        strict = next(e for e in IcsCalendarStream.calendar_from_ics(text).events if e.uid == p.occurrence.uid)
        assert strict.dtstart.astimezone(UTC).hour == utc_hour
        assert strict.dtstart.astimezone(LONDON).hour == hour
        event = next(e for e in events_of(path) if str(e["UID"]) == p.occurrence.uid)
        assert event.decoded("DTSTART").astimezone(UTC).hour == utc_hour
        # a client that knows no tz database reads the file's own VTIMEZONE: the same instant
        own = icalendar.Calendar.from_ical(path.read_bytes()).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
        naive = event.decoded("DTSTART").replace(tzinfo=None)
        assert naive.replace(tzinfo=own).astimezone(UTC).hour == utc_hour
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)


def test_solver_plans_in_clock_change_weeks_keep_local_times(tiny, tmp_path):
    terms = BASE_TERMS + [
        {"term": "Summer 1", "first_day": "2027-04-12", "last_day": "2027-05-28", "status": "confirmed"},
        {"term": "Autumn 1", "first_day": "2027-09-06", "last_day": "2027-10-29", "status": "confirmed"},
    ]
    meetings = [
        {"meeting_id": "M", "title": "March board", "attendees": "group:board", "duration_minutes": "120",
         "recurrence": "once", "window_start": "2027-03-29", "window_end": "2027-04-02", "chair": "PR1"},
        {"meeting_id": "O", "title": "October board", "attendees": "group:board", "duration_minutes": "120",
         "recurrence": "once", "window_start": "2027-10-25", "window_end": "2027-10-29", "chair": "PR1"},
    ]
    folder = tiny(meetings=meetings, terms=terms)
    result = api.propose(folder, start=PLAN_FROM, end=date(2027, 12, 31), time_limit=10)
    write_calendars(tmp_path, result.dataset, result.plan)
    assert len(result.plan.scheduled) == 2
    for p in result.plan.scheduled:
        event = events_of(tmp_path / "invites" / invite_filename(p.occurrence.meeting_id, 1))[0]
        local = event.decoded("DTSTART")
        assert (local.date(), local.hour * 60 + local.minute) == (p.day, p.start)
        offset = timedelta(hours=1)  # both windows are in British Summer Time
        assert local.utcoffset() == offset
        strict = IcsCalendarStream.calendar_from_ics(
            (tmp_path / "invites" / invite_filename(p.occurrence.meeting_id, 1)).read_bytes().decode()).events[0]
        assert strict.dtstart.utcoffset() == offset
        assert strict.dtstart.astimezone(LONDON).hour * 60 + strict.dtstart.minute == p.start


def test_rerunning_gives_the_same_uids_and_byte_identical_files(programme, tmp_path):
    folder, first, out = programme
    again = api.propose(folder, start=PLAN_FROM, end=date(2027, 3, 31), time_limit=10)
    out2 = tmp_path / "again"
    out2.mkdir()
    write_calendars(out2, again.dataset, again.plan)
    names = [p.relative_to(out) for p in ics_files(out)]
    assert names == [p.relative_to(out2) for p in ics_files(out2)]
    for name in names:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name
    # the UIDs are those of proposals.csv, and they do not depend on the planning window
    write_proposals(tmp_path / "proposals.csv", first.dataset, first.plan)
    csv_uids = set(re.findall(r"[0-9a-f-]{36}@test\.example\.org", (tmp_path / "proposals.csv").read_bytes().decode()))
    ics_uids = {str(e["UID"]) for e in events_of(out / "programme.ics") if "RELATED-TO" not in e}
    assert ics_uids == csv_uids
    later = api.propose(folder, start=date(2027, 2, 1), end=date(2027, 3, 31), time_limit=10)
    later_uids = {p.occurrence.uid: p.occurrence.number for p in later.plan.scheduled}
    first_uids = {p.occurrence.uid: p.occurrence.number for p in first.plan.scheduled}
    assert later_uids and all(first_uids[u] == n for u, n in later_uids.items())


def test_a_different_clock_changes_only_dtstamp(programme, tmp_path, monkeypatch):
    folder, result, out = programme
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    out2 = tmp_path / "later"
    out2.mkdir()
    write_calendars(out2, result.dataset, result.plan)
    for path in ics_files(out):
        old = path.read_bytes().decode("utf-8")
        new = (out2 / path.relative_to(out)).read_bytes().decode("utf-8")
        assert old != new
        stamp = datetime.fromtimestamp(1800000000, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
        assert old.replace("DTSTAMP:20270101T000000Z", f"DTSTAMP:{stamp}") == new


def test_no_calendar_file_holds_needs_homes_coordinates_or_travel(programme):
    folder, result, out = programme
    ds = result.dataset
    forbidden: set[str] = set()
    for person in ds.participants.values():
        forbidden |= set(person.needs)
        if person.home_postcode:
            pc = person.home_postcode.upper()
            forbidden |= {pc, pc.replace(" ", "")}
        if person.home_district:
            forbidden.add(person.home_district)
        if person.home:
            for value in person.home:
                forbidden |= {f"{value:.{n}f}" for n in (2, 3, 4, 5, 6)} | {str(value)}
    # a venue's own postcode and position are public and belong in LOCATION and GEO; where a
    # home district happens to match a venue's (RH12 here), that text cannot be told apart
    public = {f"{v:.{n}f}" for venue in ds.venues.values() for v in (venue.latitude, venue.longitude)
              for n in (2, 3, 4, 5, 6)}
    public |= {part for venue in ds.venues.values() for part in (venue.postcode, venue.postcode.split(" ")[0])}
    forbidden -= public
    assert {"hearing_loop", "quiet_room", "hoist_toilet", "BN11 2AB", "BN112AB", "BN11", "RH13", "51.0311",
            "-0.4071"} <= forbidden
    for path in ics_files(out):
        text = path.read_bytes().decode("utf-8")
        unfolded = text.replace("\r\n ", "")
        for secret in forbidden:
            assert secret not in unfolded, f"{secret!r} appears in {path.name}"
        for word in ("travel", "minutes", "journey", "needs:", "home"):
            assert word not in unfolded.lower(), f"{word!r} appears in {path.name}"


def test_updated_invites_cancellations_and_papers_keep_their_uids(tiny):
    ds = golden_dataset(tiny)
    p = scheduled(ds, "YF", 1, date(2027, 3, 29), "16:30", "18:00", "V3", sequence=2)

    update = calendar_bytes(invite_calendar(ds, p, reason="Horsham Hall is closed for repairs."))
    event = icalendar.Calendar.from_ical(update).walk("VEVENT")[0]
    assert b"METHOD:REQUEST\r\n" in update
    assert str(event["UID"]) == p.occurrence.uid and int(event["SEQUENCE"]) == 2
    assert str(event["DESCRIPTION"]).startswith("This meeting has changed: Horsham Hall is closed for repairs.")
    IcsCalendarStream.calendar_from_ics(update.decode())

    cancel = calendar_bytes(cancel_calendar(ds, p, "The venue has closed and no other venue is free."))
    event = icalendar.Calendar.from_ical(cancel).walk("VEVENT")[0]
    assert b"METHOD:CANCEL\r\n" in cancel
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == p.occurrence.uid
    assert str(event["DESCRIPTION"]) == (
        "This meeting has been cancelled: The venue has closed and no other venue is free.\n\n"
        "The meeting was: Fforwm Ieuenctid 🎉 SEND youth forum, Monday 29 March 2027, 16:30 to 18:00 "
        "(UK time), at Neuadd Gŵyl Hall, 3 Chapel Row, Horsham, RH13 5AA.\n\n"
        "If you have any questions, please contact the organiser, Siân Ellis-Pryce (send.team@example.org)."
        "\n\nWords used in this message:\nSEND: special educational needs and disabilities.")
    assert len(event["ATTENDEE"]) == 2 and "VALARM" not in cancel.decode()  # the young person has their own
    IcsCalendarStream.calendar_from_ics(cancel.decode())

    papers = calendar_bytes(papers_calendar(ds, p, reason="The meeting moved."))
    event = icalendar.Calendar.from_ical(papers).walk("VEVENT")[0]
    assert b"METHOD:PUBLISH\r\n" in papers
    assert str(event["UID"]) == occurrence_uid("test.example.org", "YF", 1, kind="papers")
    assert int(event["SEQUENCE"]) == 2 and str(event["RELATED-TO"]) == p.occurrence.uid
    gone = calendar_bytes(papers_calendar(ds, p, cancelled=True))
    event = icalendar.Calendar.from_ical(gone).walk("VEVENT")[0]
    assert b"METHOD:CANCEL\r\n" in gone and str(event["STATUS"]) == "CANCELLED"
    IcsCalendarStream.calendar_from_ics(gone.decode())


def test_placeholder_organiser_and_long_one_line_location(tiny, tmp_path):
    long_venue = dict(MIXED_VENUE, address="The Old Grammar School Annexe,\nBuilding " + "Long Name " * 40,
                      name="Neuadd")
    ds = load(tiny(venues=BASE_VENUES + [long_venue], meetings=GOLDEN_MEETINGS))
    p = scheduled(ds, "YF", 1, date(2027, 3, 29), "16:30", "18:00", "V3")
    write_calendars(tmp_path, ds, Plan([p], EVERYTHING))
    for path in ics_files(tmp_path):
        event = next(e for e in events_of(path) if str(e["UID"]) == p.occurrence.uid)
        assert str(event["ORGANIZER"]) == f"mailto:{PLACEHOLDER_ORGANISER_EMAIL}"
        location = str(event["LOCATION"])
        assert len(location) <= LOCATION_MAX and "\n" not in location
        assert location.startswith("Neuadd, The Old Grammar School Annexe, Building Long Name")
        assert location.endswith("RH13 5AA") or location.endswith("...")
    text = (tmp_path / "programme.ics").read_bytes().decode("utf-8")
    assert "X-WR-CALNAME:SEND co-production programme\r\n" in text
    assert "TRIGGER:-P1D\r\n" in text  # the default reminder is a day


def test_unscheduled_occurrences_get_no_files_and_an_empty_plan_still_parses(tiny, tmp_path):
    ds = golden_dataset(tiny)
    occ = next(o for o in occurrences(ds, EVERYTHING) if o.meeting_id == "YF")
    plan = Plan([Placement(occ, "unscheduled", reason="no venue is free")], EVERYTHING)
    write_calendars(tmp_path, ds, plan)
    assert list((tmp_path / "invites").iterdir()) == []
    text = (tmp_path / "programme.ics").read_bytes().decode("utf-8")
    assert "BEGIN:VEVENT" not in text and "METHOD:PUBLISH" in text
    assert IcsCalendarStream.calendar_from_ics(text).events == []
    assert uninvitable(ds, plan) == []
    with pytest.raises(ValueError):
        invite_calendar(ds, plan.placements[0])


def test_a_meeting_where_nobody_has_an_email_still_makes_a_valid_request(tiny, tmp_path):
    people = [dict(person, email="") for person in BASE_PEOPLE]
    ds = load(tiny(people=people, venues=BASE_VENUES + [MIXED_VENUE], meetings=GOLDEN_MEETINGS,
                   settings=SETTINGS))
    p = scheduled(ds, "YF", 1, date(2027, 3, 29), "16:30", "18:00", "V3")
    event = invite_calendar(ds, p).walk("VEVENT")[0]
    # RFC 5546 needs one ATTENDEE in a REQUEST: the organiser, already accepted
    attendees = event["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:send.team@example.org"]
    assert attendees[0].params["PARTSTAT"] == "ACCEPTED"
    assert uninvitable(ds, Plan([p], EVERYTHING)) == ["PC1", "PR1", "YP1"]
    assert "Chair: Pat Carer. You can contact the chair before the meeting with any questions, through " \
           "the organiser, Siân Ellis-Pryce (send.team@example.org)." in str(event["DESCRIPTION"])


def test_end_to_end_outputs_hold_the_calendars_and_the_summary_names_who_has_no_email(programme, tmp_path):
    _, result, out = programme
    full = tmp_path / "full"
    write_all(full, result.dataset, result.plan)
    written = [p.relative_to(full) for p in ics_files(full)]
    assert written == [p.relative_to(out) for p in ics_files(out)]
    for name in written:
        assert (full / name).read_bytes() == (out / name).read_bytes()
    assert not list(full.glob(".staging-*"))
    console = Console(record=True, width=200)
    print_plan(console, result.dataset, result.plan, full)
    text = console.export_text()
    assert "1 attendee with no email address will get no calendar invite: Rhian Ŵyn-Jones (PC2)" in " ".join(text.split())


# -- folding (outputs/ics_fold.py folds as icalendar does, without its per-character loop) ----
def _folded_lines() -> list[str]:
    pieces = ["a", "\\", "^", "\\,", "é", "ŵ", "🎉", " ", ";", "x" * 7, "\\n", "^^"]
    lines = []
    for length in (0, 1, 73, 74, 75, 76, 147, 148, 149, 150, 300):
        for offset in range(0, 6):
            lines.append("DESCRIPTION:" + ("y" * offset + "\\" + "z" * 80)[:length])
    state = 46
    for _ in range(400):  # a deterministic mix of ASCII, escapes, multi-octet characters
        text = []
        for _ in range(state % 90):
            state = (state * 1103515245 + 12345) % (1 << 31)
            text.append(pieces[state % len(pieces)])
        lines.append("SUMMARY:" + "".join(text))
    return lines


def test_lines_fold_exactly_as_icalendar_folds_them():
    for line in _folded_lines():
        assert fold(line) == Contentline(line).to_ical().decode("utf-8"), line


def test_calendar_files_are_icalendars_own_bytes(tmp_path: Path):
    proposal = api.propose(None, date(2026, 9, 1), date(2027, 7, 31), time_limit=10)
    write_calendars(tmp_path, proposal.dataset, proposal.plan)
    files = sorted(tmp_path.rglob("*.ics"))
    assert len(files) > 10
    for path in files:
        parsed = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar_bytes(parsed) == parsed.to_ical() == path.read_bytes()
