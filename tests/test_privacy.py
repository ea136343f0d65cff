"""Personal data stays private, and no output is an injection vector (issue 8 item 5).

participants.csv holds health and home data about disabled children and their families. The
calendar files are sent to others and the report is shared with partners: neither may hold
anyone's name next to their needs, their full home postcode or their home coordinates. Text that
a spreadsheet would run as a formula is neutralised in CSV outputs, and text fields cannot add
properties or events to a calendar file.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_MEETINGS, BASE_PEOPLE, BASE_VENUES, BUNDLED, make_data

from scheduler.cli import main
from scheduler.core.domain import FEATURE_LABELS

EPOCH = {"SOURCE_DATE_EPOCH": "1798761600"}
PEOPLE_COLUMNS = ["participant_id", "name", "role", "email", "home_postcode", "latitude", "longitude",
                  "needs", "travel_mode", "max_travel_minutes", "unavailable", "groups",
                  "education_ends", "organisation"]


def propose(data: Path, out: Path, *args: str) -> int:
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(out), *args], env=EPOCH)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code


def unfolded_lines(ics: bytes) -> list[str]:
    """Content lines of a calendar file with RFC 5545 folding undone."""
    return ics.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def paragraphs(lines: list[str]) -> list[str]:
    """Each content line cut at its escaped line breaks: a DESCRIPTION's paragraphs apart."""
    return [part for line in lines for part in line.split("\\n")]


def html_chunks(html: str) -> list[str]:
    """The report's text, one piece per table row, list item, paragraph, heading or caption."""
    html = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    parts = re.split(r"(?i)</(?:tr|li|p|h[1-6]|caption|figcaption|dt|dd|title|desc|text|summary)>|<br\s*/?>", html)
    return [" ".join(re.sub(r"<[^>]+>", " ", p).split()) for p in parts]


def need_words(needs: str) -> list[str]:
    words = []
    for n in filter(None, needs.split(";")):
        words += [n, n.replace("_", " "), FEATURE_LABELS[n]]
    return words


def calendar_files(out: Path) -> list[Path]:
    """programme.ics, the invites, and a what-if run's cancellations."""
    files = [out / "programme.ics", *sorted((out / "invites").glob("*.ics")),
             *sorted((out / "cancellations").glob("*.ics"))]
    return [f for f in files if f.is_file()]


def whatif(data: Path, baseline: Path, out: Path, *args: str) -> None:
    """A what-if run closing a venue: its changes.csv, invites and cancellations are outputs too."""
    if "whatif" not in main.commands:
        return
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(baseline), "--data", str(data), "--out",
                                       str(out), *args], env=EPOCH)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output


def chairs_of(data: Path) -> set[str]:
    with open(data / "meetings.csv", encoding="utf-8-sig", newline="") as fh:
        return {r["chair"].strip() for r in csv.DictReader(fh) if r.get("chair")}


def assert_private(out: Path, people: list[dict[str, str]], chairs: set[str]) -> None:
    """Search every calendar file and the report for each person's private data.

    A chair's email is in the description on purpose (parents can contact the chair); nobody
    else's email is in programme.ics, which has no ATTENDEE lines.
    """
    calendars = {p.name: unfolded_lines(p.read_bytes()) for p in calendar_files(out)}
    assert calendars["programme.ics"], "a programme to search"
    report = (out / "report.html").read_text(encoding="utf-8")
    chunks = html_chunks(report)
    flat_report = " ".join(chunks)
    for person in people:
        name, needs = person["name"], need_words(person.get("needs", ""))
        postcode = person.get("home_postcode", "").strip().upper()
        secrets = []
        if re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", postcode):
            secrets += [postcode, postcode.replace(" ", ""), postcode.lower()]
        for coordinate in (person.get("latitude", ""), person.get("longitude", "")):
            if coordinate:
                secrets += [coordinate, f"{float(coordinate):.4f}"]
        for file, lines in calendars.items():
            text = "\n".join(lines)
            for secret in secrets:
                assert secret not in text, f"{file} holds {person['participant_id']}'s home ({secret})"
            for line in paragraphs(lines):
                if name in line:
                    for word in needs + ["travel", "minutes"]:
                        assert word.lower() not in line.lower(), f"{file}: {name} next to '{word}': {line}"
        for secret in secrets:
            assert secret not in report and secret not in flat_report, f"report holds {person['participant_id']}'s home"
        for chunk in chunks:
            if name in chunk:
                for word in needs:
                    assert word.lower() not in chunk.lower(), f"report: {name} next to '{word}': {chunk}"
    programme = "\n".join(calendars["programme.ics"])
    assert "ATTENDEE" not in programme
    for person in people:
        if person.get("email") and person["participant_id"] not in chairs:
            assert person["email"] not in programme


# --- a small programme with needs, full postcodes and coordinates ------------------------------

PRIVATE_PEOPLE = [
    dict(BASE_PEOPLE[0], home_postcode="RH12 4QX", needs="hearing_loop;quiet_room"),
    dict(BASE_PEOPLE[1], home_postcode="", latitude="51.06347", longitude="-0.32751", needs="step_free;hoist_toilet"),
    dict(BASE_PEOPLE[2], home_postcode="RH10 8JW", needs="accessible_parking"),
    {"participant_id": "PC2", "name": "Ola Parent", "role": "parent_carer", "email": "ola@example.org",
     "home_postcode": "BN11 3QY", "latitude": "50.81234", "longitude": "-0.38765",
     "needs": "lift;accessible_toilet", "groups": "board"},
]


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("private")
    meetings = [
        dict(BASE_MEETINGS[0], recurrence="half-termly", window_start="", window_end=""),
        {"meeting_id": "Y", "title": "Youth forum", "attendees": "YP1;PR1", "optional_attendees": "PC2",
         "duration_minutes": "90", "recurrence": "monthly", "chair": "YP1"},
    ]
    data = make_data(root / "data", people=[{c: p.get(c, "") for c in PEOPLE_COLUMNS} for p in PRIVATE_PEOPLE],
                     meetings=meetings, settings='[organiser]\nname = "SEND team"\nemail = "send@example.org"\n')
    propose(data, root / "out", "--from", "2027-01-01", "--time-limit", "20")
    whatif(data, root / "out", root / "whatif", "--close-venue", "V1@2027-02-01", "--from", "2027-01-01",
           "--time-limit", "20")
    return root / "out"


def test_no_calendar_file_or_report_holds_needs_homes_or_coordinates(small_plan: Path):
    assert len(list((small_plan / "invites").glob("*.ics"))) >= 3
    invites = "".join(p.read_text(encoding="utf-8") for p in (small_plan / "invites").glob("*.ics"))
    assert "Pat Carer" in invites and "Yan Young" in invites  # names are there, to be searched around
    assert_private(small_plan, PRIVATE_PEOPLE, chairs_of(small_plan.parent / "data"))


def test_what_if_outputs_hold_no_needs_homes_or_coordinates(small_plan: Path):
    changed = small_plan.parent / "whatif"
    assert (changed / "changes.csv").is_file()
    assert len(calendar_files(changed)) > 1, "updated invites or cancellations to search"
    assert_private(changed, PRIVATE_PEOPLE, chairs_of(small_plan.parent / "data"))


def test_proposals_csv_holds_totals_but_no_homes_or_needs(small_plan: Path):
    text = (small_plan / "proposals.csv").read_text(encoding="utf-8")
    for person in PRIVATE_PEOPLE:
        for secret in (person.get("latitude"), person.get("longitude"), person["home_postcode"] or None):
            if secret and " " in secret:
                assert secret not in text
            elif secret:
                assert secret not in text
    for word in ("hearing_loop", "quiet_room", "hoist_toilet", "accessible_parking"):
        assert word not in text


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory) -> tuple[Path, list[dict[str, str]]]:
    """The bundled example, with everyone given a full postcode or exact home coordinates."""
    root = tmp_path_factory.mktemp("example")
    data = root / "data"
    shutil.copytree(BUNDLED, data)
    with open(data / "participants.csv", encoding="utf-8-sig", newline="") as fh:
        people = list(csv.DictReader(fh))
    for i, p in enumerate(people):
        district = p["home_postcode"].strip().upper()
        if not district:
            continue
        if i % 3 == 0:
            p["latitude"], p["longitude"] = f"{50.8 + i * 0.00731:.5f}", f"{-0.9 + i * 0.01117:.5f}"
        else:
            p["home_postcode"] = f"{district} {i % 10}{'ABDEFGHJLNPQRSTUWXYZ'[i % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[(i * 7) % 20]}"
    columns = list(people[0]) + [c for c in ("latitude", "longitude") if c not in people[0]]
    with open(data / "participants.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows({c: p.get(c, "") for c in columns} for p in people)
    propose(data, root / "out", "--from", "2026-12-01", "--time-limit", "20")
    return root / "out", people


def test_the_bundled_example_leaks_no_needs_homes_or_coordinates(example_plan):
    out, people = example_plan
    assert len(list((out / "invites").glob("*.ics"))) >= 10, "the example must be planned to be searched"
    assert any(p["needs"] for p in people) and any(p.get("latitude") for p in people)
    assert_private(out, people, chairs_of(out.parent / "data"))


# --- injection -------------------------------------------------------------------------------

HOSTILE_TITLE = "Board\r\nBEGIN:VEVENT\r\nATTENDEE;CN=Evil:mailto:evil@example.org\r\nEND:VEVENT\r\nX-EVIL:1"
HOSTILE_DESCRIPTION = "Agenda;\nATTENDEE:mailto:evil2@example.org\nDTSTART:19700101T000000Z\\n, ok"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1",
            " =1+1"]


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    venues = [dict(BASE_VENUES[0], name="=cmd|' /C calc'!A0", address="1 Road; Flat 2, Horsham\nBEGIN:VALARM"),
              dict(BASE_VENUES[1], name="@Crawley Centre")]
    people = [dict(BASE_PEOPLE[0], name="Pat \"Q\" Carer;\nATTENDEE:mailto:evil3@example.org"), *BASE_PEOPLE[1:]]
    meetings = [
        dict(BASE_MEETINGS[0], title=HOSTILE_TITLE, description=HOSTILE_DESCRIPTION, chair="PC1"),
        *[dict(BASE_MEETINGS[0], meeting_id=f"F{i}", title=f, description=f, window_start="2027-02-01",
               window_end="2027-03-25", attendees="PR1") for i, f in enumerate(FORMULAS)],
    ]
    data = make_data(root / "data", venues=venues, people=people, meetings=meetings)
    propose(data, root / "out", "--from", "2027-01-01", "--time-limit", "20")
    whatif(data, root / "out", root / "whatif", "--close-venue", "V1", "--from", "2027-01-01", "--time-limit", "20")
    return root / "out"


def all_csv_cells(out: Path) -> list[str]:
    cells = []
    for name in ("proposals.csv", "changes.csv"):
        if (out / name).is_file():
            rows = csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"), newline=""))
            cells += [cell for row in rows for cell in row]
    return cells


def test_csv_output_neutralises_formulas(hostile_plan: Path):
    rows = list(csv.reader(io.StringIO((hostile_plan / "proposals.csv").read_text(encoding="utf-8"), newline="")))
    titles = [r[2] for r in rows[1:]]
    for formula in FORMULAS:
        assert "'" + formula.strip() in titles, (formula, titles)
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    scheduled = [r for r in rows[1:] if r[3] == "scheduled"]
    assert any(r[8].startswith("'") for r in scheduled), "venue names are neutralised too"
    changes = hostile_plan.parent / "whatif"
    if changes.exists():
        cells = all_csv_cells(changes)
        assert any(c.startswith("'=HYPERLINK") for c in cells), "changes.csv names the meetings that move"
        for cell in cells:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_calendar_text_cannot_inject_properties_or_events(hostile_plan: Path):
    files = calendar_files(hostile_plan) + calendar_files(hostile_plan.parent / "whatif")
    assert len(files) >= 2
    for path in files:
        raw = path.read_bytes()
        cal = icalendar.Calendar.from_ical(raw)
        lines = unfolded_lines(raw)
        # Every BEGIN line is a component the parser sees: no text opened one of its own.
        for kind in ("VEVENT", "VALARM", "VTIMEZONE"):
            assert lines.count(f"BEGIN:{kind}") == len(cal.walk(kind)), (path.name, kind)
        for line in lines:
            assert not line.startswith(("X-EVIL", "DTSTART:1970", "ATTENDEE:mailto:evil",
                                        "ATTENDEE;CN=Evil", "END:VEVENTX")), f"{path.name}: {line}"
        for event in cal.walk("VEVENT"):
            attendees = event.get("attendee", [])
            attendees = attendees if isinstance(attendees, list) else [attendees]
            assert not any("evil" in str(a) for a in attendees), path.name
            assert "evil" not in str(event.get("organizer", "")), path.name
    board = next(p for p in files if p.name.startswith("B-"))
    event = icalendar.Calendar.from_ical(board.read_bytes()).walk("VEVENT")[0]
    assert "BEGIN:VEVENT" in str(event["summary"]) and "evil@example.org" in str(event["summary"])
    assert "evil2@example.org" in str(event["description"])
    assert "BEGIN:VALARM" in str(event["location"])
    assert [str(a) for a in event.get("attendee", [])] == ["mailto:pat@example.org", "mailto:pro@example.org"]
