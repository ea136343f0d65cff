"""Calendar files: programme.ics for the organiser, and one invite per meeting for sending.

programme.ics is METHOD:PUBLISH: every scheduled meeting and, for each meeting with papers, an
all-day "Papers due" entry, to import once into the organiser's own calendar. It has no ATTENDEE
lines (RFC 5546 forbids them in PUBLISH).

invites/<meeting_id>-<occurrence>.ics is METHOD:REQUEST: one meeting, with ORGANIZER and an
ATTENDEE line for every attendee who has an email address. An iTIP message carries one UID, so
the invite holds only the meeting; its description gives the papers-due date, and the "Papers
due" entry itself is the organiser's (programme.ics, or papers_calendar() after a change).

Every file is built with the icalendar API: times in Europe/London with a VTIMEZONE of one
yearly DAYLIGHT and one yearly STANDARD rule (the form Outlook writes and understands), DTSTAMP
in UTC from the reproducible clock, a stable UID and the SEQUENCE of proposals.csv, one DISPLAY
reminder, LOCATION on one line, GEO of the venue, and a plain-English DESCRIPTION.

Privacy: nothing about an attendee goes into a calendar file except their name and email on an
ATTENDEE line of an invite. Needs, home and travel are never read here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
)

from scheduler.core.clock import now_utc
from scheduler.core.domain import (
    FEATURE_LABELS,
    FEATURES,
    Dataset,
    Meeting,
    Participant,
    Placement,
    Plan,
)
from scheduler.core.glossary import acronyms_in
from scheduler.core.values import is_email
from scheduler.core.wording import hhmm, join, long_date
from scheduler.outputs.ics_fold import calendar_bytes
from scheduler.world.calendar import occurrence_uid

TZID = "Europe/London"
LONDON = ZoneInfo(TZID)
PRODID = "-//SEND co-production scheduler//schedule 1.0//EN"
PLACEHOLDER_ORGANISER_NAME = "Organiser not set (add [organiser] to settings.toml)"
PLACEHOLDER_ORGANISER_EMAIL = "organiser@send-coproduction.invalid"
LOCATION_MAX = 255  # Outlook keeps at most 255 characters of LOCATION

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def one_line(text: str) -> str:
    """Text on one line: line breaks and runs of spaces become one space, controls go."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _sentence(text: str) -> str:
    """One line of text ending as a sentence does."""
    text = one_line(text)
    return text if not text or text[-1] in ".!?" else text + "."


def _paragraphs(text: str) -> str:
    """Free text kept with its line breaks, without control characters or trailing spaces."""
    lines = [_CONTROL.sub(" ", line).rstrip() for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def _display_name(name: str) -> str:
    """A name safe for a CN parameter in every client: one line, no double quotes.

    RFC 6868 would escape a double quote as ^', which Outlook shows literally.
    """
    return one_line(name).replace('"', "'")


def invite_filename(meeting_id: str, number: int) -> str:
    """The file name of an occurrence's invite inside invites/."""
    return f"{meeting_id}-{number}.ics"


def location_text(ds: Dataset, venue_id: str) -> str:
    """The venue's name, address and postcode on one line of at most 255 characters."""
    text = one_line(ds.venues[venue_id].location_line())
    if len(text) <= LOCATION_MAX:
        return text
    cut = text[: LOCATION_MAX - 3]
    if " " in cut[LOCATION_MAX // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;") + "..."


def _local(day: date, minutes: int) -> datetime:
    extra, minutes = divmod(minutes, 24 * 60)
    d = day + timedelta(days=extra)
    return datetime(d.year, d.month, d.day, minutes // 60, minutes % 60, tzinfo=LONDON)


# ---------------------------------------------------------------------------------------------
# Timezone, organiser, attendees
# ---------------------------------------------------------------------------------------------

def london_timezone() -> Timezone:
    """Europe/London as Outlook writes it: one yearly DAYLIGHT and one yearly STANDARD rule.

    Built by hand rather than from the tz database, which would list every past change as RDATEs.
    The rules are the EU ones the UK keeps: clocks go forward at 01:00 GMT on the last Sunday of
    March (in force since 1981) and back at 02:00 BST on the last Sunday of October (since 1996).
    """
    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime(1981, 3, 29, 1, 0, 0))
    daylight.add("tzoffsetfrom", timedelta(hours=0))
    daylight.add("tzoffsetto", timedelta(hours=1))
    daylight.add("rrule", {"freq": "YEARLY", "bymonth": 3, "byday": "-1SU"})
    daylight.add("tzname", "BST")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1996, 10, 27, 2, 0, 0))
    standard.add("tzoffsetfrom", timedelta(hours=1))
    standard.add("tzoffsetto", timedelta(hours=0))
    standard.add("rrule", {"freq": "YEARLY", "bymonth": 10, "byday": "-1SU"})
    standard.add("tzname", "GMT")
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def organiser(ds: Dataset) -> tuple[str, str]:
    """(name, email) of the organiser, or a clearly marked placeholder (the run warns)."""
    s = ds.settings
    name = one_line(s.organiser_name) or PLACEHOLDER_ORGANISER_NAME
    email = s.organiser_email.strip() if is_email(s.organiser_email) else PLACEHOLDER_ORGANISER_EMAIL
    return name, email


def _organizer_prop(ds: Dataset) -> vCalAddress:
    name, email = organiser(ds)
    return vCalAddress.new(email, cn=_display_name(name))


def _attendee_people(ds: Dataset, meeting: Meeting) -> list[tuple[Participant, bool]]:
    """(participant, required) for everyone invited: required first, then optional, by id."""
    required = set(meeting.attendees)
    people = [(ds.participants[pid], pid in required) for pid in meeting.everyone if pid in ds.participants]
    return sorted(people, key=lambda pr: (not pr[1], pr[0].participant_id))


def young_invitees(ds: Dataset, meeting: Meeting) -> list[Participant]:
    """The young people attending who have an email address: each gets an invite of their own."""
    return [person for person, _ in _attendee_people(ds, meeting)
            if person.role == "young_person" and is_email(person.email)]


def attendee_lines(ds: Dataset, meeting: Meeting, audience: str | None = None) -> list[vCalAddress]:
    """One ATTENDEE per invited person with an email; a shared address is invited once.

    A young person's address is never shown to other attendees: the invite for everyone else
    (`audience` None) leaves young people out, and a young person's own invite (`audience` their
    participant id) names them alone.
    """
    out: list[vCalAddress] = []
    seen: set[str] = set()
    for person, required in _attendee_people(ds, meeting):
        email = person.email.strip()
        if audience is None and person.role == "young_person":
            continue
        if audience is not None and person.participant_id != audience:
            continue
        if not is_email(email) or email.lower() in seen:
            continue
        seen.add(email.lower())
        out.append(vCalAddress.new(
            email, cn=_display_name(person.name) or person.participant_id, cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT" if required else "OPT-PARTICIPANT",
            partstat="NEEDS-ACTION", rsvp=True))
    return out


def _organiser_as_attendee(ds: Dataset) -> vCalAddress:
    """An iTIP REQUEST needs one ATTENDEE at least; when nobody has an email, the organiser."""
    name, email = organiser(ds)
    return vCalAddress.new(email, cn=_display_name(name), cutype="INDIVIDUAL", role="CHAIR",
                           partstat="ACCEPTED", rsvp=False)


def uninvitable(ds: Dataset, plan: Plan) -> list[str]:
    """Participant ids of attendees of scheduled meetings who have no (usable) email address.

    They get no ATTENDEE line, so the organiser must invite them another way.
    """
    ids: set[str] = set()
    for p in plan.scheduled:
        meeting = ds.meetings[p.occurrence.meeting_id]
        for pid in meeting.everyone:
            person = ds.participants.get(pid)
            if person is not None and not is_email(person.email):
                ids.add(pid)
    return sorted(ids)


# ---------------------------------------------------------------------------------------------
# Descriptions
# ---------------------------------------------------------------------------------------------

def access_text(ds: Dataset, venue_id: str) -> list[str]:
    """The venue's access features in plain words: confirmed, not available, not confirmed."""
    v = ds.venues[venue_id]
    yes = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is True]
    no = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is False]
    unknown = [FEATURE_LABELS[f] for f in FEATURES if v.features.get(f) is None]
    lines = []
    if yes:
        lines.append(f"Access at this venue (confirmed): {join(yes)}.")
    else:
        lines.append("No access features are confirmed at this venue yet.")
    if no:
        lines.append(f"Not available at this venue: {join(no)}.")
    if unknown:
        lines.append(f"Not confirmed yet: {join(unknown)}. Please ask the chair or the organiser if you need any of these.")
    return lines


def _chair_text(ds: Dataset, meeting: Meeting) -> str:
    chair = ds.participants.get(meeting.chair) if meeting.chair else None
    org_name, org_email = organiser(ds)
    if chair is not None:
        name = one_line(chair.name)
        # a young person's address is never shown to others, even when they chair
        if is_email(chair.email) and chair.role != "young_person":
            return (f"Chair: {name} ({chair.email.strip()}). You can contact the chair before the "
                    "meeting with any questions.")
        return (f"Chair: {name}. You can contact the chair before the meeting with any questions, "
                f"through the organiser, {org_name} ({org_email}).")
    return (f"The chair for this meeting has not been named yet. You can contact the organiser, "
            f"{org_name} ({org_email}), before the meeting with any questions.")


def _papers_text(p: Placement) -> str:
    if p.papers_due is None:
        return "There are no papers to read before this meeting."
    return f"Papers: the papers for this meeting will be sent out by {long_date(p.papers_due)}."


def _expenses_text(ds: Dataset, meeting: Meeting) -> str:
    """How parent carers and young people claim their expenses ([expenses] how_to_claim); no amounts."""
    family = [pid for pid in meeting.everyone if pid in ds.participants and ds.participants[pid].is_family]
    if not family:
        return ""
    s = ds.settings
    # Plain words that name no one's journey (calendar files carry no personal travel).
    paid = ("the cost of getting to the meeting and back, and payment for their time" if s.hourly_rate
            else "the cost of getting to the meeting and back")
    how = _sentence(s.how_to_claim)
    if not how:
        org_name, org_email = organiser(ds)
        how = f"Please ask the organiser, {org_name} ({org_email})."
    return f"Expenses: parent carers and young people taking part can claim {paid}. How to claim: {how}"


def _glossary(*texts: str) -> list[str]:
    found = acronyms_in(*texts)
    if not found:
        return []
    return ["Words used in this invitation:"] + [f"{word}: {meaning}." for word, meaning in found]


def meeting_description(ds: Dataset, p: Placement, note: str = "") -> str:
    """The plain-English DESCRIPTION of a meeting: purpose, access, chair, papers, glossary."""
    meeting = ds.meetings[p.occurrence.meeting_id]
    blocks: list[str] = []
    if note:
        blocks.append(_sentence(note))
    title = one_line(meeting.title)
    when = ""
    if p.day is not None and p.start is not None and p.end is not None:
        when = f"{long_date(p.day)}, {hhmm(p.start)} to {hhmm(p.end)} (UK time)"
    blocks.append(f"{title}" + (f": {when}." if when else "."))
    purpose = _paragraphs(meeting.description)
    if purpose:
        blocks.append(f"What the meeting is for: {purpose}")
    if p.venue_id and p.venue_id in ds.venues:
        blocks.append("\n".join([f"Venue: {location_text(ds, p.venue_id)}."] + access_text(ds, p.venue_id)))
    blocks.append(_chair_text(ds, meeting))
    blocks.append(_papers_text(p))
    expenses = _expenses_text(ds, meeting)
    if expenses:
        blocks.append(expenses)
    body = "\n\n".join(blocks)
    glossary = _glossary(title, purpose, body)
    if glossary:
        body += "\n\n" + "\n".join(glossary)
    return body


def cancel_description(ds: Dataset, p: Placement, note: str) -> str:
    """What a cancellation says: that it is cancelled and why, what it was, whom to ask."""
    meeting = ds.meetings[p.occurrence.meeting_id]
    title = one_line(meeting.title)
    blocks = [_sentence(note)]
    if p.day is not None and p.start is not None and p.end is not None:
        blocks.append(f"The meeting was: {title}, {long_date(p.day)}, {hhmm(p.start)} to {hhmm(p.end)} (UK time)"
                      + (f", at {location_text(ds, p.venue_id)}." if p.venue_id in ds.venues else "."))
    else:
        blocks.append(f"The meeting was: {title}.")
    org_name, org_email = organiser(ds)
    blocks.append(f"If you have any questions, please contact the organiser, {org_name} ({org_email}).")
    body = "\n\n".join(blocks)
    glossary = _glossary(title, body)
    if glossary:
        body += "\n\n" + "\n".join(g.replace("invitation", "message") for g in glossary)
    return body


def papers_description(ds: Dataset, p: Placement, note: str = "") -> str:
    meeting = ds.meetings[p.occurrence.meeting_id]
    title = one_line(meeting.title)
    blocks = [_sentence(note)] if note else []
    blocks.append(f"Today is the day to send out the papers for {title}, so that everyone, parent "
                  "carers and young people too, has time to read them before the meeting.")
    if p.day is not None and p.start is not None:
        where = f", at {location_text(ds, p.venue_id)}" if p.venue_id in ds.venues else ""
        blocks.append(f"The meeting: {long_date(p.day)} at {hhmm(p.start)}{where}.")
    body = "\n\n".join(blocks)
    glossary = _glossary(title, body)
    if glossary:
        body += "\n\n" + "\n".join(g.replace("invitation", "entry") for g in glossary)
    return body


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------

def _alarm(ds: Dataset, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -timedelta(minutes=ds.settings.reminder_minutes))
    return alarm


def papers_uid(ds: Dataset, p: Placement) -> str:
    occ = p.occurrence
    return occurrence_uid(ds.settings.uid_namespace, occ.meeting_id, occ.number, kind="papers")


def meeting_event(ds: Dataset, p: Placement, method: str = "PUBLISH", note: str = "",
                  audience: str | None = None) -> Event:
    """One VEVENT for a placement. REQUEST and CANCEL carry ATTENDEE lines; PUBLISH does not.

    `audience`: None for everyone but the young people, or one young person's participant id.
    """
    meeting = ds.meetings[p.occurrence.meeting_id]
    title = one_line(meeting.title) or meeting.meeting_id
    cancelled = method == "CANCEL"
    event = Event.new(
        summary=title,
        uid=p.occurrence.uid,
        sequence=p.sequence,
        stamp=now_utc(),
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    if p.day is not None and p.start is not None and p.end is not None:
        event.add("dtstart", _local(p.day, p.start))
        event.add("dtend", _local(p.day, p.end))
    if p.venue_id and p.venue_id in ds.venues:
        venue = ds.venues[p.venue_id]
        event.add("location", location_text(ds, p.venue_id))
        event.add("geo", (round(venue.latitude, 6), round(venue.longitude, 6)))
    event.add("description", cancel_description(ds, p, note) if cancelled else meeting_description(ds, p, note))
    event.add("organizer", _organizer_prop(ds))
    if method in ("REQUEST", "CANCEL"):
        attendees = attendee_lines(ds, meeting, audience) or [_organiser_as_attendee(ds)]
        for a in attendees:
            event.add("attendee", a)
    if not cancelled:
        event.add("transp", "OPAQUE")
        event.add_component(_alarm(ds, f"Reminder: {title}"))
    return event


def papers_event(ds: Dataset, p: Placement, cancelled: bool = False, note: str = "") -> Event:
    """The organiser's all-day "Papers due" entry for a placement with papers (free time)."""
    meeting = ds.meetings[p.occurrence.meeting_id]
    title = one_line(meeting.title) or meeting.meeting_id
    if p.papers_due is None:
        raise ValueError(f"{meeting.meeting_id} occurrence {p.occurrence.number} has no papers")
    event = Event.new(
        summary=f"Papers due: {title}",
        uid=papers_uid(ds, p),
        sequence=p.sequence,
        stamp=now_utc(),
        status="CANCELLED" if cancelled else "CONFIRMED",
        start=p.papers_due,
        end=p.papers_due + timedelta(days=1),
        transparency="TRANSPARENT",
    )
    event.add("description", papers_description(ds, p, note))
    event.add("related-to", p.occurrence.uid)
    event.add("organizer", _organizer_prop(ds))
    event.add("x-microsoft-cdo-busystatus", "FREE")
    if not cancelled:
        event.add_component(_alarm(ds, f"Papers due: {title}"))
    return event


# ---------------------------------------------------------------------------------------------
# Calendars
# ---------------------------------------------------------------------------------------------

def new_calendar(method: str, name: str | None = None) -> Calendar:
    """An empty VCALENDAR with our PRODID, the method and the London VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", one_line(name))
    cal.add("x-wr-timezone", TZID)
    cal.add_component(london_timezone())
    return cal


def invite_calendar(ds: Dataset, placement: Placement, method: str = "REQUEST", reason: str = "",
                    audience: str | None = None) -> Calendar:
    """The invitation for one occurrence (METHOD:REQUEST, or PUBLISH without attendees).

    `reason`, when given, opens the description (for an updated invite: what changed and why).
    """
    if method not in ("REQUEST", "PUBLISH"):
        raise ValueError(f"invite_calendar: method must be REQUEST or PUBLISH, not {method!r}")
    if not placement.scheduled:
        raise ValueError("invite_calendar needs a scheduled placement; use cancel_calendar for one that cannot happen")
    cal = new_calendar(method)
    note = f"This meeting has changed: {one_line(reason)}" if reason else ""
    cal.add_component(meeting_event(ds, placement, method, note, audience))
    return cal


def cancel_calendar(ds: Dataset, placement: Placement, reason: str, audience: str | None = None) -> Calendar:
    """The cancellation of one occurrence: METHOD:CANCEL, STATUS:CANCELLED, the reason in words.

    The caller has already raised placement.sequence above the one last sent. The placement is
    the one the attendees were invited to (its date, time and venue are repeated for them).
    """
    cal = new_calendar("CANCEL")
    note = "This meeting has been cancelled" + (f": {one_line(reason)}" if reason else ".")
    cal.add_component(meeting_event(ds, placement, "CANCEL", note, audience))
    return cal


def papers_calendar(ds: Dataset, placement: Placement, cancelled: bool = False, reason: str = "") -> Calendar:
    """The organiser's "Papers due" entry alone, for re-import after a change.

    Same UID as in programme.ics, SEQUENCE = placement.sequence (the meeting's). A cancelled
    entry is sent as METHOD:CANCEL with STATUS:CANCELLED.
    """
    cal = new_calendar("CANCEL" if cancelled else "PUBLISH")
    if reason:
        note = ("These papers are no longer needed: " if cancelled else "The papers date has changed: ") + one_line(reason)
    else:
        note = "These papers are no longer needed: the meeting has been cancelled." if cancelled else ""
    cal.add_component(papers_event(ds, placement, cancelled=cancelled, note=note))
    return cal


def _order(ds: Dataset):
    order = {mid: i for i, mid in enumerate(ds.meetings)}
    return lambda p: (p.day, p.start, order.get(p.occurrence.meeting_id, 1 << 30),
                      p.occurrence.meeting_id, p.occurrence.number)


def programme_calendar(ds: Dataset, plan: Plan) -> Calendar:
    """Every scheduled occurrence and its papers-due entry, for the organiser (METHOD:PUBLISH)."""
    cal = new_calendar("PUBLISH", ds.settings.calendar_name)
    placements = sorted(plan.scheduled, key=_order(ds))
    entries: list[tuple[tuple, Event]] = []
    for p in placements:
        key = _order(ds)(p)
        entries.append(((p.day, 1) + key[1:], meeting_event(ds, p, "PUBLISH")))
        if p.papers_due is not None:
            entries.append(((p.papers_due, 0) + key[1:], papers_event(ds, p)))
    for _, event in sorted(entries, key=lambda e: e[0]):
        cal.add_component(event)
    return cal


def write_calendars(stage: Path, ds: Dataset, plan: Plan) -> None:
    """stage/programme.ics and stage/invites/<meeting_id>-<occurrence>.ics (scheduled only)."""
    stage = Path(stage)
    (stage / "programme.ics").write_bytes(calendar_bytes(programme_calendar(ds, plan)))
    invites = stage / "invites"
    invites.mkdir(parents=True, exist_ok=True)
    for p in sorted(plan.scheduled, key=lambda p: (p.occurrence.meeting_id, p.occurrence.number)):
        write_invites(invites, ds, p)


def young_filename(meeting_id: str, number: int, participant_id: str) -> str:
    """A young person's own invite: beside the one for everyone else, with the same UID."""
    return f"{meeting_id}-{number}-{participant_id}.ics"


def write_invites(folder: Path, ds: Dataset, p: Placement, reason: str = "",
                  only: tuple[str, ...] | None = None) -> None:
    """The invite for everyone else, and one for each young person attending (same UID).

    `only` limits the files: "" for everyone else's, a participant id for a young person's.
    """
    occ = p.occurrence
    if only is None or "" in only:
        (folder / invite_filename(occ.meeting_id, occ.number)).write_bytes(
            calendar_bytes(invite_calendar(ds, p, reason=reason)))
    for person in young_invitees(ds, ds.meetings[occ.meeting_id]):
        if only is not None and person.participant_id not in only:
            continue
        (folder / young_filename(occ.meeting_id, occ.number, person.participant_id)).write_bytes(
            calendar_bytes(invite_calendar(ds, p, reason=reason, audience=person.participant_id)))


def write_cancellations(folder: Path, ds: Dataset, p: Placement, reason: str) -> None:
    """The cancellation for everyone else, and one for each young person attending (same UID)."""
    occ = p.occurrence
    (folder / invite_filename(occ.meeting_id, occ.number)).write_bytes(
        calendar_bytes(cancel_calendar(ds, p, reason)))
    for person in young_invitees(ds, ds.meetings[occ.meeting_id]):
        (folder / young_filename(occ.meeting_id, occ.number, person.participant_id)).write_bytes(
            calendar_bytes(cancel_calendar(ds, p, reason, audience=person.participant_id)))
