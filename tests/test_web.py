"""schedule serve without a browser: the flow, and the refusals (other origins, paths, sizes)."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
import warnings
import zipfile

import pytest
from conftest import BASE_MEETINGS, PLAN_FROM, REPO, make_data

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`")  # starlette names a successor of httpx
    from starlette.testclient import TestClient

from scheduler import api  # noqa: E402
from scheduler.engine import progress  # noqa: E402
from scheduler.outputs.folder import write_all  # noqa: E402
from scheduler.web.app import MAX_UPLOAD, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
MEETINGS = BASE_MEETINGS + [
    {"meeting_id": "F", "title": "Forum", "attendees": "group:youth", "duration_minutes": "90",
     "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"},
]


@pytest.fixture
def data(tmp_path):
    return make_data(tmp_path / "data", meetings=MEETINGS)


@pytest.fixture
def client(tmp_path, data):
    app, state = create_app(tmp_path / "runs", data, port_of=lambda: PORT)
    with TestClient(app, base_url=BASE) as c:
        c.state = state
        yield c


def token(client) -> str:
    page = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def plan(client, **fields) -> str:
    """Press "Plan the programme"; return the run's results URL once it is ready."""
    r = client.post("/plan", data={"csrf_token": token(client), "source": "start",
                                   "from": PLAN_FROM.isoformat(), **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    for _ in range(200):
        if not url.endswith("/progress"):
            return url
        r = client.get(url, follow_redirects=False)
        if r.status_code == 303:
            url = r.headers["location"]
        else:
            time.sleep(0.1)
    raise AssertionError("the plan never finished")


# -- the flow -----------------------------------------------------------------------------------

def test_plan_shows_the_programme_and_downloads_what_propose_writes(client, data, tmp_path):
    home = client.get("/")
    assert home.status_code == 200 and "Plan the programme" in home.text
    url = plan(client)
    page = client.get(url)
    assert page.status_code == 200
    assert re.search(r"<h1>Proposed programme</h1>", page.text)
    for section in ("The programme month by month", "Map of venues", "Travel fairness", "Relaxed rules"):
        assert section in page.text
    assert page.text.count("/meetings/") >= 4  # the board and three forums, each linked

    zipped = client.get(url + "/download")
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    got = {n: zipfile.ZipFile(io.BytesIO(zipped.content)).read(n)
           for n in zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()}

    result = api.propose(data, PLAN_FROM, None)
    write_all(tmp_path / "cli-out", result.dataset, result.plan)
    want = {p.relative_to(tmp_path / "cli-out").as_posix(): p.read_bytes()
            for p in (tmp_path / "cli-out").rglob("*") if p.is_file()}
    assert "proposals.csv" in want and "report.html" in want and any(n.startswith("invites/") for n in want)
    assert got == want
    assert client.get(url + "/download").content == zipped.content  # the same bytes every time


def test_each_plan_is_its_own_run_folder(client):
    first, second = plan(client), plan(client)
    assert first != second
    runs = client.state.store.root
    folders = sorted(p.name for p in runs.iterdir() if not p.name.startswith("."))
    assert len(folders) == 2
    for name in folders:
        assert (runs / name / "out" / "proposals.csv").is_file()
        assert (runs / name / "data" / "meetings.csv").is_file()


def test_a_meeting_page_explains_and_checks_a_change(client):
    url = plan(client)
    page = client.get(url + "/meetings/B/1")
    assert page.status_code == 200
    assert "Why it sits there" in page.text and "Next-best options" in page.text
    tok = token(client)
    # a Saturday: the board has a parent carer, so term time is relaxed (a soft rule)
    checked = client.post(url + "/meetings/B/1/check", headers={"accept": "application/json"},
                          data={"csrf_token": tok, "date": "2027-01-16", "start": "10:00", "venue_id": "V1"}).json()
    assert [f["rule"] for f in checked["soft"]] == ["parent_term_time"] and checked["hard"] == []
    # outside opening hours is a hard rule: refused, and no new run is made
    before = len(client.state.store.all())
    refused = client.post(url + "/meetings/B/1/fix", follow_redirects=False,
                          data={"csrf_token": tok, "date": "2027-01-14", "start": "23:00", "venue_id": "V1"})
    assert refused.status_code == 400 and "cannot be fixed there" in refused.text
    assert len(client.state.store.all()) == before


def test_fixing_a_meeting_replans_the_rest_around_it(client):
    url = plan(client)
    tok = token(client)
    fixed = client.post(url + "/meetings/B/1/fix", follow_redirects=False,
                        data={"csrf_token": tok, "date": "2027-01-20", "start": "11:00", "venue_id": "V2"})
    assert fixed.status_code == 303
    new = fixed.headers["location"]
    while new.endswith("/progress"):
        time.sleep(0.1)
        new = client.get(new, follow_redirects=False).headers.get("location", new)
    run_id = new.rstrip("/").split("/")[-1]
    folder = client.state.store.root / run_id
    proposals = (folder / "out" / "proposals.csv").read_text(encoding="utf-8")
    board = next(line for line in proposals.splitlines() if line.startswith("B,1,"))
    assert ",2027-01-20,11:00,13:00,V2," in board
    assert (folder / "data" / "fixed.csv").read_text(encoding="utf-8").splitlines()[1] == "B,1,2027-01-20,11:00,V2"
    page = client.get(new)
    assert "Meetings you fixed" in page.text and "Unfix B #1 and re-plan" in page.text


def test_a_whatif_shows_the_changes_before_anything_is_written(client):
    url = plan(client)
    run_id = url.split("/")[-1]
    runs_before = len(client.state.store.all())
    r = client.post(url + "/whatif", data={"csrf_token": token(client), "kind": "venue", "venue_id": "V1"},
                    follow_redirects=False)
    assert r.status_code == 303
    preview = r.headers["location"]
    for _ in range(300):
        page = client.get(preview)
        if "Keep these changes" in page.text:
            break
        time.sleep(0.1)
    assert "Horsham Hall (V1) closes for good" in page.text
    assert len(client.state.store.all()) == runs_before  # nothing written yet
    assert not (client.state.store.out_dir(run_id) / "changes.csv").exists()
    kept = client.post(preview + "/keep", data={"csrf_token": token(client)}, follow_redirects=False)
    new = kept.headers["location"]
    folder = client.state.store.root / new.split("/")[-1]
    assert (folder / "out" / "changes.csv").is_file()
    assert "V1," not in (folder / "out" / "proposals.csv").read_text(encoding="utf-8").split("\n", 1)[1].replace(
        "V1;", "")  # no meeting at the closed venue
    assert "What changed" in client.get(new).text


def test_uploaded_files_with_a_mistake_are_listed_by_file_row_and_column(client, tmp_path):
    bad = make_data(tmp_path / "bad")
    venues = (bad / "venues.csv").read_text(encoding="utf-8").replace(",30,", ",thirty,", 1)
    files = [("files", (name, (bad / name).read_bytes(), "text/csv"))
             for name in ("participants.csv", "meetings.csv", "term_dates.csv")]
    files.append(("files", ("venues.csv", venues.encode(), "text/csv")))
    r = client.post("/upload", data={"csrf_token": token(client)}, files=files, follow_redirects=True)
    assert r.status_code == 200
    assert re.search(r"venues\.csv.*?</td>\s*<td>2</td><td>capacity</td>", r.text, re.S)
    assert "Plan the programme" not in r.text  # nothing to plan until it is fixed
    link = re.search(r'href="(/data/[^"]+/files/venues\.csv#row-2)"', r.text).group(1)
    shown = client.get(link.split("#")[0])
    assert 'id="row-2" class="has-problem"' in shown.text


def test_a_watched_plan_equals_the_plain_one_and_stops_when_asked(data, tmp_path):
    from scheduler.web.jobs import Watch

    plain = api.propose(data, PLAN_FROM, None)
    watch = Watch()
    with progress.listening(watch):
        watched = api.propose(data, PLAN_FROM, None)
    assert [(p.day, p.start, p.venue_id) for p in plain.plan.placements] == \
           [(p.day, p.start, p.venue_id) for p in watched.plan.placements]
    assert watch.progress.placed == watch.progress.total == len(plain.plan.placements)  # the best plan so far
    stopping = Watch()
    stopping.stop.set()
    started = time.monotonic()
    with progress.listening(stopping):
        stopped = api.propose(REPO / "data", PLAN_FROM, None, time_limit=60)
    assert time.monotonic() - started < 30
    assert stopping.stopped_early and stopped.plan.scheduled  # the best plan found so far is kept


# -- refusals ------------------------------------------------------------------------------------

def test_requests_from_other_origins_and_sites_are_refused(client):
    tok = token(client)
    form = {"csrf_token": tok, "source": "start"}
    assert client.post("/plan", data=form, headers={"origin": "http://evil.example"}).status_code == 403
    assert client.post("/plan", data=form, headers={"origin": "http://127.0.0.1:9999"}).status_code == 403
    assert client.post("/plan", data=form, headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.post("/plan", data=form, headers={"sec-fetch-site": "same-site"}).status_code == 403
    assert client.get("/", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.get("/", headers={"host": "evil.example"}).status_code == 421  # DNS rebinding
    assert client.get("/", headers={"host": f"127.0.0.1:{PORT + 1}"}).status_code == 421
    assert client.post("/plan", data={"source": "start"}).status_code == 403  # no token
    assert client.post("/plan", data={"csrf_token": "0" * 64, "source": "start"}).status_code == 403
    other = TestClient(client.app, base_url=BASE)  # another session: this session's token is not its own
    assert other.post("/plan", data=form).status_code == 403
    assert client.state.store.all() == []  # nothing was planned
    ok = client.get("/", headers={"sec-fetch-site": "same-origin", "origin": BASE})
    assert ok.status_code == 200
    assert "script-src 'self'" in ok.headers["content-security-policy"]
    assert ok.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", [
    "/files/../run.json", "/files/%2e%2e/run.json", "/files/..%2frun.json", "/files/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/files//etc/passwd", "/files/%2fetc%2fpasswd", "/files/.staging/x", "/files/..\\run.json",
    "/files/invites/../../data/participants.csv", "/files/link.csv",
])
def test_no_path_outside_the_run_outputs_is_served(client, path):
    url = plan(client)
    root = client.state.store.root
    (root.parent / "secret.txt").write_text("secret", encoding="utf-8")
    out = root / url.split("/")[-1] / "out"
    (out / "link.csv").symlink_to(root.parent / "secret.txt")
    r = client.get(url + path)
    assert r.status_code == 404
    assert "secret" not in r.text and "participant_id" not in r.text
    assert client.get(url + "/files/proposals.csv").status_code == 200


def test_the_run_store_resolves_only_names_inside_a_run_output(tmp_path):
    from scheduler.web.runs import RunStore

    store = RunStore(tmp_path / "runs")
    run = store.new("plan", "Plan")
    out = store.out_dir(run.run_id)
    (out / "invites").mkdir(parents=True)
    (out / "invites" / "A-1.ics").write_text("x", encoding="utf-8")
    (out / ".staging-1").mkdir()
    (out / ".staging-1" / "f.csv").write_text("x", encoding="utf-8")
    assert store.output_file(run.run_id, "invites/A-1.ics") == (out / "invites" / "A-1.ics").resolve()
    for bad in ("../run.json", "invites/../../run.json", "/etc/passwd", "invites//A-1.ics", ".staging-1/f.csv",
                "..", "", "invites\\A-1.ics", "invites/A-1.ics\x00"):
        assert store.output_file(run.run_id, bad) is None, bad
    for bad_id in ("..", "../runs", run.run_id + "/..", "20260101-000000-0", "x"):
        assert store.folder(bad_id) is None
    assert store.output_files(run.run_id) == ["invites/A-1.ics"]


@pytest.mark.parametrize("path", ["/runs/..%2f..%2f/download", "/runs/../data/download", "/runs/x/download",
                                  "/data/start/files/..%2fsettings.toml", "/data/start/files/settings.toml",
                                  "/static/..%2fapp.py", "/static/../runs.py"])
def test_names_that_are_not_runs_or_data_files_are_not_served(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "import " not in r.text


def test_oversized_and_foreign_uploads_are_refused(client):
    tok = token(client)
    big = b"venue_id,name\n" + b"x" * (MAX_UPLOAD + 1)
    r = client.post("/upload", data={"csrf_token": tok}, files=[("files", ("venues.csv", big, "text/csv"))])
    assert r.status_code == 413 and "too large" in r.text

    def chunks():  # no Content-Length: the cap is counted as the bytes arrive
        yield b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"venues.csv\"\r\n\r\n"
        for _ in range(MAX_UPLOAD // (1 << 20) + 2):
            yield b"y" * (1 << 20)

    r = client.post("/upload", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413
    r = client.post("/upload", data={"csrf_token": tok},
                    files=[("files", ("run.sh", b"#!/bin/sh\n", "text/x-sh"))])
    assert r.status_code == 400 and "not data files" in r.text
    assert client.state.store.all() == []


# -- the command ---------------------------------------------------------------------------------

def test_serve_binds_localhost_prints_its_address_and_stops_on_ctrl_c(tmp_path, data):
    proc = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "serve", "--no-browser", "--data", str(data),
                             "--runs", str(tmp_path / "runs")], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line + proc.stderr.read()
        import httpx

        page = httpx.get(m.group(0), timeout=10)
        assert page.status_code == 200 and "Plan the programme" in page.text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in proc.stderr.read()


def test_the_results_page_shows_the_report_own_sections(data):
    from scheduler.outputs.report import render_report
    from scheduler.web.views import report_sections

    result = api.propose(data, PLAN_FROM, None)
    page = render_report(result.dataset, result.plan)
    sections = report_sections(result.dataset, result.plan)
    anchors = [s.anchor for s in sections]
    assert anchors == re.findall(r'<section id="([a-z]+)" aria-labelledby', page)  # the report's, in its order
    assert {"programme", "map", "fairness", "relaxed"} <= set(anchors) and anchors[-1] == "words"
    for s in sections[:-1]:  # the words explained depend on where each first appears on the page
        assert str(s.html).strip() and str(s.html) in page, s.anchor  # the very same HTML as report.html


def _board_day(client, url: str) -> str:
    folder = client.state.store.root / url.split("/")[-1]
    line = next(x for x in (folder / "out" / "proposals.csv").read_text(encoding="utf-8").splitlines()
                if x.startswith("B,1,"))
    return line.split(",")[4]


def _preview(client, url: str, form: dict) -> str:
    r = client.post(url + "/whatif", data={"csrf_token": token(client), **form}, follow_redirects=False)
    assert r.status_code == 303, r.text
    for _ in range(300):
        page = client.get(r.headers["location"])
        if "Keep these changes" in page.text or "could not be worked out" in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError("the what-if never finished")


def test_a_lost_day_and_a_person_edit_are_what_ifs(client):
    url = plan(client)
    day = _board_day(client, url)
    lost = _preview(client, url, {"kind": "day", "day": day})
    assert f"no meeting can take place on {day}" in lost and "Keep these changes" in lost
    assert re.search(r"<th scope=\"row\">B #1</th><td>moved", lost)
    person = _preview(client, url, {"kind": "person", "participant_id": "PC1", "unavailable": day,
                                    "home_postcode": "RH12", "travel_mode": "car"})
    assert "the details of PC1 change" in person
    assert re.search(r"<th scope=\"row\">B #1</th><td>moved", person)
    # the run the what-ifs started from is unchanged
    assert _board_day(client, url) == day


def test_a_meeting_fixed_in_part_keeps_that_part_only(client):
    url = plan(client)
    r = client.post(url + "/meetings/B/1/fix", follow_redirects=False,
                    data={"csrf_token": token(client), "date": "", "start": "", "venue_id": "V2"})
    new = r.headers["location"]
    while new.endswith("/progress"):
        time.sleep(0.1)
        new = client.get(new, follow_redirects=False).headers.get("location", new)
    folder = client.state.store.root / new.split("/")[-1]
    assert (folder / "data" / "fixed.csv").read_text(encoding="utf-8").splitlines()[1] == "B,1,,,V2"
    board = next(x for x in (folder / "out" / "proposals.csv").read_text(encoding="utf-8").splitlines()
                 if x.startswith("B,1,"))
    assert board.split(",")[7] == "V2"
    assert "date free, start free, venue V2" in client.get(new).text


def test_a_meeting_that_cannot_be_placed_says_why(tmp_path):
    from conftest import BASE_VENUES

    venues = [{**v, "open_days": "Mon-Fri"} for v in BASE_VENUES]
    weekend = [{"meeting_id": "W", "title": "Weekend forum", "attendees": "group:youth", "duration_minutes": "60",
                "recurrence": "once", "window_start": "2027-01-16", "window_end": "2027-01-17", "chair": "PR1"}]
    data = make_data(tmp_path / "weekend", venues=venues, meetings=weekend)
    app, state = create_app(tmp_path / "runs", data, port_of=lambda: PORT)
    with TestClient(app, base_url=BASE) as client:
        client.state = state
        url = plan(client)
        results = client.get(url)
        assert "not placed" in results.text
        page = client.get(url + "/meetings/W/1")
        assert page.status_code == 200
        assert "Not placed." in page.text and "venue_open" in page.text


def test_an_error_inside_a_page_is_answered_plainly_and_not_logged(client, caplog, monkeypatch):
    from scheduler.web import app as web_app

    def broken(*args, **kwargs):
        raise KeyError("P015 Deborah Ellis")

    monkeypatch.setattr(web_app, "_check_data", broken)
    r = client.get("/")
    assert r.status_code == 500 and "Something went wrong" in r.text
    assert "Deborah" not in caplog.text and "P015" not in caplog.text
