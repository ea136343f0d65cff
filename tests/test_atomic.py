"""Outputs are replaced whole and reproducibly (PRODUCT.md section 6; issue 8 items 2 and 3).

A run killed with SIGKILL while it writes leaves every output file whole and readable: the
previous outputs untouched while the new ones are still being made, and afterwards each file is
either the old or the new one, never a mixture or a gap. The same inputs give byte-identical
outputs, across runs, hash seeds and data-folder paths.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_MEETINGS, BASE_PEOPLE, BASE_VENUES, make_data

from scheduler.cli import main
from scheduler.outputs.write import OUTPUT_NAMES, STAGING_PREFIX, write_outputs

EPOCH = "1798761600"
FROM_TO = ("--from", "2027-01-01", "--to", "2027-03-31")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden ones included) by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(files: dict[str, bytes]) -> dict[str, str]:
    return {k: hashlib.sha256(v).hexdigest()[:16] for k, v in files.items()}


def outputs(folder: Path) -> dict[str, bytes]:
    """The output files only (no hidden leftovers)."""
    return {k: v for k, v in tree(folder).items() if not k.startswith(".")}


def assert_readable(folder: Path) -> None:
    """proposals.csv parses as CSV with its header, every calendar file parses as a calendar."""
    rows = list(csv.DictReader(io.StringIO((folder / "proposals.csv").read_text(encoding="utf-8"))))
    assert rows and "uid" in rows[0]
    for ics in [folder / "programme.ics", *sorted((folder / "invites").glob("*.ics"))]:
        cal = icalendar.Calendar.from_ical(ics.read_bytes())
        assert cal.walk("VEVENT"), ics
    assert (folder / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def run_cli(*args) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args], env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output


def wait_for(path: Path, proc: subprocess.Popen, limit: float = 120.0) -> None:
    """Wait until the child has written `path` (a readiness flag, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"child ended early ({proc.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("child never got there")
        time.sleep(0.02)


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    proc.stdout.close()
    proc.stderr.close()


def spawn(script: str, *args, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# A `schedule propose` that stops at a chosen point of writing, says so, and waits to be killed.
PAUSED_PROPOSE = """
    import sys, time
    from pathlib import Path
    flag, where = Path(sys.argv[1]), sys.argv[2]
    import scheduler.outputs.export_ics as ics
    import scheduler.outputs.write as output

    def pause():
        flag.write_text("here")
        time.sleep(300)

    if where == "writing":
        original = ics.write_calendars
        def slow(stage, ds, plan):
            original(stage, ds, plan)
            pause()
        ics.write_calendars = slow
    else:
        swaps = []
        original_swap = output._swap
        def swap(new, old):
            if len(swaps) == int(where):
                pause()
            swaps.append(old.name)
            original_swap(new, old)
        output._swap = swap
    from scheduler.cli import main
    main(sys.argv[3:])
"""


@pytest.fixture
def two_runs(tmp_path: Path):
    """Data for an old run and a new, different one, with the complete outputs of each."""
    old_data = make_data(tmp_path / "old-data")
    new_data = make_data(tmp_path / "new-data", meetings=[dict(BASE_MEETINGS[0], title="Board (moved)",
                                                               window_start="2027-01-18")])
    run_cli("propose", "--data", old_data, "--out", tmp_path / "old", "--time-limit", "10", *FROM_TO)
    run_cli("propose", "--data", new_data, "--out", tmp_path / "new", "--time-limit", "10", *FROM_TO)
    old, new = outputs(tmp_path / "old"), outputs(tmp_path / "new")
    assert set(old) == set(new) and all(old[k] != new[k] for k in ("proposals.csv", "programme.ics"))
    return old_data, new_data, old, new


def test_sigkill_while_writing_leaves_the_previous_outputs_untouched(tmp_path: Path, two_runs):
    old_data, new_data, old, _ = two_runs
    out = tmp_path / "out"
    shutil.copytree(tmp_path / "old", out)
    inodes = {p: p.stat().st_ino for p in out.rglob("*")}
    flag = tmp_path / "flag"
    proc = spawn(PAUSED_PROPOSE, flag, "writing", "propose", "--data", new_data, "--out", out,
                 "--time-limit", "10", *FROM_TO, cwd=tmp_path)
    wait_for(flag, proc)
    assert list(out.glob(STAGING_PREFIX + "*")), "the new outputs are being staged"
    kill(proc)
    assert outputs(out) == old
    assert {p: p.stat().st_ino for p in out.rglob("*") if not p.relative_to(out).as_posix().startswith(".")} \
        == inodes, "not one old file was replaced, even by an identical one"
    assert_readable(out)
    # The next run clears the killed run's staging folder and writes the new outputs whole.
    run_cli("propose", "--data", new_data, "--out", out, "--time-limit", "10", *FROM_TO)
    assert tree(out) == two_runs[3]


@pytest.mark.parametrize("swapped", range(5))
def test_sigkill_between_swaps_leaves_each_file_whole_old_or_new(tmp_path: Path, two_runs, swapped: int):
    """Killed after `swapped` outputs were put in place: no file is missing, mixed or torn."""
    _, new_data, old, new = two_runs
    out = tmp_path / "out"
    shutil.copytree(tmp_path / "old", out)
    flag = tmp_path / "flag"
    proc = spawn(PAUSED_PROPOSE, flag, str(swapped), "propose", "--data", new_data, "--out", out,
                 "--time-limit", "10", *FROM_TO, cwd=tmp_path)
    wait_for(flag, proc)
    kill(proc)
    now = outputs(out)
    assert set(now) == set(old), "no output file is missing or extra"
    done = set(OUTPUT_NAMES[:swapped])
    for name, data in now.items():
        top = name.split("/")[0]
        assert data == (new[name] if top in done else old[name]), name
    assert_readable(out)


# A loop of atomic writes of two versions, killed at random moments.
WRITE_LOOP = """
    import sys
    from pathlib import Path
    from scheduler.outputs.write import write_outputs
    out, flag = Path(sys.argv[1]), Path(sys.argv[2])

    def version(v):
        def writer(stage):
            body = "".join(f"{v},row {i},{'x' * 60}\\r\\n" for i in range(40000))
            (stage / "proposals.csv").write_text(f"version,{v}\\r\\n" + body)
            (stage / "programme.ics").write_text(f"BEGIN:VCALENDAR\\r\\nX-V:{v}\\r\\n" + body + "END:VCALENDAR\\r\\n")
            (stage / "report.html").write_text(f"<html>{v}" + body + "</html>")
            (stage / "invites").mkdir()
            for i in range(30 + v):
                (stage / "invites" / f"M-{i}.ics").write_text(f"invite {i} of version {v}\\r\\n" * 2000)
        return writer

    n = 0
    while True:
        write_outputs(out, version(n % 2))
        n += 1
        if n == 2:
            flag.write_text("two complete writes")
"""


def _expected_versions(tmp_path: Path) -> list[dict[str, bytes]]:
    script = textwrap.dedent(WRITE_LOOP).replace("while True:", "for _ in range(2):")
    versions = []
    for v in (0, 1):
        folder = tmp_path / f"v{v}"
        code = script.replace("n % 2", str(v))
        subprocess.run([sys.executable, "-c", code, str(folder), str(tmp_path / "unused")], check=True)
        versions.append(outputs(folder))
    assert versions[0] != versions[1]
    return versions


def test_sigkill_at_random_moments_never_leaves_a_torn_or_missing_file(tmp_path: Path):
    versions = _expected_versions(tmp_path)
    rng = random.Random(8)
    for attempt in range(6):
        out = tmp_path / f"out{attempt}"
        flag = tmp_path / f"flag{attempt}"
        proc = spawn(WRITE_LOOP, out, flag, cwd=tmp_path)
        wait_for(flag, proc)
        time.sleep(rng.uniform(0.0, 0.4))
        kill(proc)
        now = outputs(out)
        for top in ("proposals.csv", "programme.ics", "report.html", "invites"):
            part = {k: v for k, v in now.items() if k.split("/")[0] == top}
            whole = [{k: v for k, v in ver.items() if k.split("/")[0] == top} for ver in versions]
            assert part in whole, f"attempt {attempt}: {top} is neither whole version"
        # The next write clears the killed run's leftovers.
        write_outputs(out, lambda stage: (stage / "proposals.csv").write_text("x"))
        assert sorted(p.name for p in out.iterdir()) == ["proposals.csv"]


def test_a_failing_writer_changes_nothing_and_leaves_no_staging(tmp_path: Path):
    out = tmp_path / "out"
    write_outputs(out, lambda stage: (stage / "proposals.csv").write_text("old"))
    before = tree(out)

    def broken(stage: Path) -> None:
        (stage / "proposals.csv").write_text("new")
        raise RuntimeError("a bug while writing")

    with pytest.raises(RuntimeError):
        write_outputs(out, broken)
    assert tree(out) == before
    assert [p.name for p in out.iterdir()] == ["proposals.csv"]


def test_a_half_swapped_folder_is_put_back_by_the_next_run(tmp_path: Path):
    """Where folders cannot be exchanged in one step, a kill between the two renames leaves the
    old invites under a hidden name; the next run puts them back before anything else."""
    out = tmp_path / "out"
    (out / ".old-invites").mkdir(parents=True)
    (out / ".old-invites" / "M-1.ics").write_text("old invite")
    (out / "proposals.csv").write_text("old")
    (out / f"{STAGING_PREFIX}999999999-abc").mkdir()  # left by a killed run whose process is gone

    def broken(stage: Path) -> None:
        raise RuntimeError("this run fails too")

    with pytest.raises(RuntimeError):
        write_outputs(out, broken)
    assert tree(out) == {"invites/M-1.ics": b"old invite", "proposals.csv": b"old"}


def test_replacing_invites_without_the_atomic_exchange_still_works(tmp_path: Path, monkeypatch):
    import scheduler.outputs.write as output

    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    for v in ("a", "b"):
        def writer(stage: Path, v=v) -> None:
            (stage / "invites").mkdir()
            (stage / "invites" / f"{v}.ics").write_text(v)
        write_outputs(out, writer)
    assert tree(out) == {"invites/b.ics": b"b"}


def test_staged_files_are_flushed_by_the_filesystem_or_one_by_one(tmp_path: Path, monkeypatch):
    """One syncfs where Linux offers it; otherwise every staged file is fsynced before the swap."""
    import scheduler.outputs.write as output

    if sys.platform.startswith("linux"):
        assert output._syncfs(tmp_path)
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(output, "_syncfs", lambda folder: False)
    monkeypatch.setattr(output.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))

    def writer(stage: Path) -> None:
        (stage / "proposals.csv").write_text("new")
        (stage / "invites").mkdir()
        for name in ("a.ics", "b.ics"):
            (stage / "invites" / name).write_text(name)
    write_outputs(tmp_path / "out", writer)
    assert len(synced) >= 3  # the three files (and the output folder)
    assert tree(tmp_path / "out") == {"invites/a.ics": b"a.ics", "invites/b.ics": b"b.ics", "proposals.csv": b"new"}


# --- determinism -----------------------------------------------------------------------------

def _programme(folder: Path) -> Path:
    """A small programme with every kind of series, solved to proven optimality in moments."""
    people = BASE_PEOPLE + [
        {"participant_id": "PC2", "name": "Ola Parent", "role": "parent_carer", "email": "ola@example.org",
         "home_postcode": "BN11", "groups": "board;forum", "needs": "hearing_loop"},
        {"participant_id": "YP2", "name": "Kai Young", "role": "young_person", "email": "kai@example.org",
         "home_postcode": "RH12", "groups": "youth;forum", "education_ends": "15:00"},
    ]
    venues = BASE_VENUES + [dict(BASE_VENUES[0], venue_id="V3", name="Worthing Hub", latitude="50.8179",
                                 longitude="-0.3729", hearing_loop="no", address="3 Sea Road, Worthing")]
    meetings = [
        dict(BASE_MEETINGS[0], window_start="2027-01-04", window_end="2027-03-25", recurrence="half-termly"),
        {"meeting_id": "Y", "title": "Youth forum", "attendees": "group:youth", "duration_minutes": "90",
         "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"},
        {"meeting_id": "F", "title": "Family forum", "attendees": "group:forum", "optional_attendees": "PR1",
         "duration_minutes": "60", "recurrence": "once", "window_start": "2027-02-01",
         "window_end": "2027-02-28", "papers_days": "3", "participation_level": "co-production"},
    ]
    return make_data(folder, people=people, venues=venues, meetings=meetings,
                     settings='[organiser]\nname = "SEND team"\nemail = "send@example.org"\n')


def _schedule(data: Path, out: Path, hashseed: str) -> str:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED=hashseed)
    proc = subprocess.run([sys.executable, "-m", "scheduler.cli", "propose", "--data", str(data), "--out",
                           str(out), "--time-limit", "60", *FROM_TO], env=env, capture_output=True,
                          text=True, cwd=data.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_outputs_are_byte_identical_across_runs_hash_seeds_and_folders(tmp_path: Path):
    first = _programme(tmp_path / "data")
    second = tmp_path / "elsewhere" / "a different name"
    shutil.copytree(first, second)
    printed = _schedule(first, tmp_path / "out-a", "0")
    assert "proven optimal" in printed, "determinism is only promised for a finished search"
    _schedule(second, tmp_path / "out-b", "12345")
    _schedule(first, tmp_path / "out-c", "random")
    a, b, c = (tree(tmp_path / f"out-{x}") for x in "abc")
    assert len(a) >= 8 and digest(a) == digest(b) == digest(c)
    assert a == b == c
    # No output holds a path of this machine.
    for text in a.values():
        for path in (str(tmp_path), str(first), "a different name", os.path.expanduser("~")):
            assert path.encode() not in text
