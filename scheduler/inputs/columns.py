"""Every input table and column, in plain words: what `schedule init` writes and explains.

The readers (inputs/load.py) are the judges of what a value may be; this is the organiser's guide
to the same columns, kept beside them (tests check that a starter filled by these descriptions
passes `schedule check`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.core.domain import FEATURES, PARTICIPATION_LEVELS, RECURRENCES, ROLES, TRAVEL_MODES

YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Column:
    name: str
    about: str
    example: str = ""
    required: bool = False
    kind: str = "text"  # text, id, number, whole, date, time, yesno, list, choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableInfo:
    name: str  # the sheet name, and the CSV file name without .csv
    about: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


_FEATURE_WORDS = {
    "step_free": "a step-free route from the entrance to the meeting room",
    "lift": "a lift to the meeting room where it is not on the ground floor",
    "accessible_toilet": "an accessible toilet",
    "hoist_toilet": "a toilet with a hoist and changing bench, such as a Changing Places toilet",
    "accessible_parking": "Blue Badge parking",
    "hearing_loop": "a hearing loop in the meeting room",
    "quiet_room": "a quiet room to step out to",
    "public_transport": "a bus stop or station within a short walk",
}

VENUES = TableInfo("venues", "One row per venue where meetings can be held.", (
    Column("venue_id", "A short unique id for the venue, used in meetings and travel_times.", "V01", True, "id"),
    Column("name", "The venue's name, as invites show it.", "Horsham Library", True),
    Column("latitude", "Where the venue is: latitude, a number near 50 to 60 in the UK.", "51.0634", True, "number"),
    Column("longitude", "Where the venue is: longitude, a number near -8 to 2 in the UK.", "-0.3271", True, "number"),
    Column("capacity", "How many people the meeting room holds.", "30", True, "whole"),
    *(Column(f, f"yes if the venue has {words}; no if not; blank if unknown (a blank never counts as yes).",
             "yes", kind="yesno", choices=YES_NO) for f, words in _FEATURE_WORDS.items()),
    Column("address", "The address on one line, as invites show it.", "Lower Tanbridge Way, Horsham"),
    Column("postcode", "The venue's postcode.", "RH12 1PJ"),
    Column("open_days", "The days it is open, such as Mon-Fri or Mon;Wed;Sat. Blank: every day.", "Mon-Sat"),
    Column("open_from", "Opening time, 24-hour HH:MM. Blank: 09:00.", "09:00", kind="time"),
    Column("open_until", "Closing time, 24-hour HH:MM. Blank: 21:00.", "17:00", kind="time"),
    Column("closed_dates", "Dates it is closed: dates or ranges FIRST..LAST, separated by ';'.",
           "24/12/2026..01/01/2027", kind="list"),
    Column("access_checked", "The date someone last checked the access features (the report flags a check over a year old).",
           "12/03/2026", kind="date"),
    Column("notes", "Anything else; not used for planning.", ""),
))

PARTICIPANTS = TableInfo("participants", "One row per person. This is personal data: keep the file safe.", (
    Column("participant_id", "A short unique id for the person, used in meetings.", "P001", True, "id"),
    Column("name", "The person's name, as invites show it.", "Sam Taylor", True),
    Column("role", "parent_carer, young_person or professional.", "parent_carer", True, "choice", ROLES),
    Column("email", "Where invites go. Young people's addresses are never shown to others.", "sam@example.org"),
    Column("home_postcode", "A full postcode or just the district (RH12), to estimate travel. Blank: travel not counted.", "RH12"),
    Column("needs", "Venue features the person needs, separated by ';' (" + ", ".join(FEATURES) + ").",
           "step_free;hoist_toilet", kind="list"),
    Column("travel_mode", "How the person travels: car, public_transport or taxi. Blank: car.", "car", kind="choice",
           choices=TRAVEL_MODES),
    Column("max_travel_minutes", "The longest one-way journey the person can make, in minutes. Blank: 60.", "45", kind="whole"),
    Column("unavailable", "Dates, ranges FIRST..LAST or weekdays (Fri) the person cannot do, separated by ';'.",
           "Fri;14/02/2027", kind="list"),
    Column("groups", "Group names, separated by ';'; meetings invite a whole group with group:NAME.", "board;forum", kind="list"),
    Column("education_ends", "Young people: when school or college ends, HH:MM. Blank: 15:30.", "15:15", kind="time"),
    Column("organisation", "The person's organisation, for professionals.", "West Sussex County Council"),
))

MEETINGS = TableInfo("meetings", "The programme: one row per meeting series.", (
    Column("meeting_id", "A short unique id for the series.", "M01", True, "id"),
    Column("title", "The meeting's name, as invites show it.", "SEND Partnership Board", True),
    Column("attendees", "Who must attend: participant ids, group:NAME or role:ROLE, separated by ';'.",
           "group:board;P012", True, "list"),
    Column("duration_minutes", "How long each meeting lasts, in minutes.", "120", True, "whole"),
    Column("recurrence", "once, termly, half-termly, monthly or quarterly.", "termly", True, "choice", RECURRENCES),
    Column("optional_attendees", "Who is invited but need not attend (same form as attendees).", "group:observers", kind="list"),
    Column("window_start", "The first date meetings of this series may be held. Blank: the start of the term dates.",
           "01/09/2026", kind="date"),
    Column("window_end", "The last date meetings of this series may be held. Blank: the end of the term dates.",
           "31/07/2027", kind="date"),
    Column("papers_days", "Days before the meeting that papers go out (0: no papers). Blank: 7.", "7", kind="whole"),
    Column("chair", "The participant id of the chair, whom parents can contact before the meeting.", "P043"),
    Column("venues", "Venue ids this series may use, separated by ';'. Blank: any venue.", "V01;V03", kind="list"),
    Column("min_gap_days", "The fewest days between two meetings of the series. Blank: 14.", "14", kind="whole"),
    Column("participation_level", "co-production, participation, consultation or information.", "co-production",
           kind="choice", choices=PARTICIPATION_LEVELS),
    Column("description", "What the meeting is for, in plain words; invites include it.", ""),
))

TERM_DATES = TableInfo("term_dates", "School term blocks (half terms as separate rows), INSET days and closures.", (
    Column("term", "The block's name, such as Autumn 1 (Autumn 1 and Autumn 2 make up one term), or INSET, or closure.",
           "Autumn 1", True),
    Column("first_day", "The first day of the block.", "03/09/2026", True, "date"),
    Column("last_day", "The last day of the block.", "23/10/2026", True, "date"),
    Column("status", "confirmed or indicative (the run warns when planning on indicative dates). Blank: confirmed.",
           "confirmed", kind="choice", choices=("confirmed", "indicative")),
))

TRAVEL_TIMES = TableInfo("travel_times", "Optional: measured journey times that replace the estimate.", (
    Column("from", "A venue id, participant id or postcode district.", "V01", True),
    Column("to", "A venue id, participant id or postcode district.", "V02", True),
    Column("minutes", "The one-way journey time in minutes.", "25", True, "whole"),
), optional=True)

FIXED = TableInfo("fixed", "Optional: placements already decided (a room booked, a date agreed); a blank is free to choose.", (
    Column("meeting_id", "The series, as in meetings.", "M01", True),
    Column("occurrence", "Which meeting of the series: 1 for the first, in date order.", "2", True, "whole"),
    Column("date", "The date it must be on.", "14/01/2027", kind="date"),
    Column("start", "The time it must start, 24-hour HH:MM.", "10:30", kind="time"),
    Column("venue_id", "The venue it must be at.", "V01"),
), optional=True)

TABLES = (VENUES, PARTICIPANTS, MEETINGS, TERM_DATES, TRAVEL_TIMES, FIXED)
