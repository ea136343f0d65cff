"""The `schedule` command end to end: exit statuses, outputs, determinism, and check."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import BASE_PEOPLE, BUNDLED

from scheduler.cli import main

WINDOW = ["--from", "2027-01-01", "--to", "2027-03-31", "--time-limit", "10"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def rows(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_propose_exit_0_when_everything_is_placed(tiny, tmp_path):
    out = tmp_path / "out"
    result = run("propose", "--data", tiny(), "--out", out, *WINDOW)
    assert result.exit_code == 0, result.output
    assert "Placed: 1 of 1" in result.output and "proven optimal" in result.output
    (row,) = rows(out / "proposals.csv")
    assert row["status"] == "scheduled" and row["sequence"] == "0" and row["uid"].endswith("@send-coproduction.invalid")
    assert (out / "programme.ics").exists() and (out / "report.html").exists()
    assert (out / "invites" / "B-1.ics").exists()


def test_propose_exit_1_when_something_cannot_be_placed(tiny, tmp_path):
    people = [dict(p, unavailable="2027-01-01..2027-01-31") if p["participant_id"] == "PC1" else p for p in BASE_PEOPLE]
    out = tmp_path / "out"
    result = run("propose", "--data", tiny(people=people), "--out", out, *WINDOW)
    assert result.exit_code == 1, result.output
    (row,) = rows(out / "proposals.csv")
    assert row["status"] == "unscheduled" and "attendee_unavailable" in row["reason"]
    assert row["date"] == row["start"] == row["venue_id"] == ""


def test_propose_exit_2_for_bad_data_and_writes_nothing(tiny, tmp_path):
    folder = tiny()
    (folder / "venues.csv").write_text("venue_id,name,latitude,longitude,capacity\nV1,Hall,fifty,-0.3,ten\n")
    out = tmp_path / "out"
    result = run("propose", "--data", folder, "--out", out, *WINDOW)
    assert result.exit_code == 2
    assert "venues.csv, row 2, column 'latitude'" in result.output
    assert "venues.csv, row 2, column 'capacity'" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_usage_errors_exit_2(tiny, tmp_path):
    assert run("propose", "--data", tiny(), "--from", "2027-13-01").exit_code == 2
    result = run("propose", "--data", tiny(), "--out", tmp_path / "o", "--from", "2027-03-01", "--to", "2027-01-01")
    assert result.exit_code == 2 and "--to" in result.output


def test_empty_programme_is_valid(tiny, tmp_path):
    out = tmp_path / "out"
    result = run("propose", "--data", tiny(meetings=[]), "--out", out, *WINDOW)
    assert result.exit_code == 0, result.output
    assert rows(out / "proposals.csv") == []


def test_check_accepts_a_plan_and_finds_a_tampered_one(tiny, tmp_path):
    folder, out = tiny(), tmp_path / "out"
    assert run("propose", "--data", folder, "--out", out, *WINDOW).exit_code == 0
    result = run("check", "--data", folder, "--out", out, "--from", "2027-01-01", "--to", "2027-03-31")
    assert result.exit_code == 0, result.output
    text = (out / "proposals.csv").read_text(encoding="utf-8")
    (row,) = rows(out / "proposals.csv")
    tampered = text.replace(f",{row['start']},", ",06:00,").replace(f",{row['date']},", ",2027-01-16,", 1)
    (out / "proposals.csv").write_text(tampered, encoding="utf-8")
    result = run("check", "--data", folder, "--out", out, "--from", "2027-01-01", "--to", "2027-03-31")
    assert result.exit_code == 1
    assert "series_spacing" in result.output or "venue_open" in result.output
    assert "parent_term_time" in result.output  # broken but not declared


def test_check_without_proposals_is_a_usage_error(tiny, tmp_path):
    result = run("check", "--data", tiny(), "--out", tmp_path / "nothing")
    assert result.exit_code == 2 and "proposals.csv" in result.output


def _propose_subprocess(out: Path, hashseed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hashseed, SOURCE_DATE_EPOCH="1798761600")
    subprocess.run([sys.executable, "-m", "scheduler.cli", "propose", "--data", str(BUNDLED), "--out", str(out),
                    "--from", "2026-12-01", "--time-limit", "60"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_bundled_example_is_byte_identical_across_runs(tmp_path):
    """Two processes (different hash seeds, two solver workers) write the same bytes."""
    a, b = tmp_path / "a", tmp_path / "b"
    _propose_subprocess(a, "1")
    _propose_subprocess(b, "2")
    assert digest(a) == digest(b)
    assert all(r["status"] == "scheduled" for r in rows(a / "proposals.csv"))
