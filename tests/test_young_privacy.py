"""A young person's email address is never visible to other attendees, in any file, ever.

The bundled example is planned, then a what-if closes the venue the youth forum uses most (moves,
maybe cancellations) and drops one young person from the programme (a cancellation of their
own). Every calendar file written is read back: any file that shows a young person's address
shows no other attendee.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import icalendar
from click.testing import CliRunner
from conftest import BUNDLED

from scheduler.api import load
from scheduler.cli import main

FROM = "2026-09-01"


def calendar_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.ics"))


def assert_private(folder: Path, young: dict[str, str], everyone: set[str]) -> int:
    """Every file: at most one young person's address, and then no other attendee at all."""
    checked = 0
    for path in calendar_files(folder):
        text = path.read_bytes().decode("utf-8").replace("\r\n ", "").lower()  # unfolded
        shown = {pid for pid, email in young.items() if email in text}
        assert len(shown) <= 1, (path, shown)
        attendees = set()
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            found = event.get("ATTENDEE", [])
            attendees |= {str(a).lower().removeprefix("mailto:") for a in (found if isinstance(found, list) else [found])}
        if shown:
            [pid] = shown
            assert attendees == {young[pid]}, (path, attendees)
        else:
            assert not attendees & set(young.values()), path
        assert attendees <= everyone | {"organiser@send-coproduction.invalid"}
        checked += 1
    return checked


def test_no_file_shows_a_young_persons_address_to_anyone_else(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(BUNDLED, data)
    ds = load(data)
    young = {pid: p.email.strip().lower() for pid, p in ds.participants.items()
             if p.role == "young_person" and p.email.strip()}
    everyone = {p.email.strip().lower() for p in ds.participants.values() if p.email.strip()}
    assert len(young) >= 3
    base = tmp_path / "base"
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(base), "--from", FROM,
                                       "--time-limit", "20"])
    assert result.exit_code in (0, 1), result.output
    assert assert_private(base, young, everyone) > 20
    assert any(path.stem.endswith(tuple(f"-{pid}" for pid in young)) for path in (base / "invites").iterdir())

    # Close the youth forum's venues and drop one young person from the data.
    with open(base / "proposals.csv", encoding="utf-8") as fh:
        forum_venues = sorted({line.split(",")[7] for line in fh if line.startswith("M03,") and ",scheduled," in line})
    leaver = sorted(young)[0]
    lines = (data / "participants.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "participants.csv").write_text("".join(x for x in lines if not x.startswith(leaver + ",")),
                                           encoding="utf-8")
    meetings = (data / "meetings.csv").read_text(encoding="utf-8")
    (data / "meetings.csv").write_text(meetings.replace(f"{leaver};", "").replace(f";{leaver}", ""),
                                       encoding="utf-8")
    out = tmp_path / "wi"
    args = ["whatif", "--baseline", str(base), "--data", str(data), "--out", str(out), "--from", FROM,
            "--time-limit", "20"]
    for vid in forum_venues:
        args += ["--close-venue", vid]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert (out / "invites").is_dir() and (out / "organiser-updates.ics").is_file()
    assert assert_private(out, young, everyone) > 5
    # the young person who left gets a cancellation of their own for each forum they were sent
    left = [p for p in (out / "cancellations").iterdir() if "-left-" in p.name]
    assert left and all(young[leaver] in p.read_text(encoding="utf-8").replace("\r\n ", "") for p in left)
