"""What-ifs: close a venue from a date, lose a day, edit a person; the changes shown before anything
is written, and written (as a new run) only when the organiser keeps them.

The re-plan is `scheduler.whatif.whatif` against the run's own outputs as the baseline: the fewest
changes, the same UIDs and a higher SEQUENCE for what moves. A venue closing and a day lost are
its --close-venue and --close-date; a person's edit is an edit to a copy of the run's data (their
row of participants.csv). A kept what-if becomes a new run whose data records the change too
(closed dates on the venues), so a later re-plan from it keeps it.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scheduler.core.domain import FEATURE_LABELS, FEATURES, TRAVEL_MODES
from scheduler.web.jobs import DONE, FAILED
from scheduler.web.runs import RunInfo, copy_data, data_path

PENDING = ".pending"


def routes() -> list[Route]:
    return [
        Route("/runs/{run_id}/whatif", whatif_page),
        Route("/runs/{run_id}/whatif/person", person_page),
        Route("/runs/{run_id}/whatif", ask, methods=["POST"]),
        Route("/runs/{run_id}/whatif/{job_id}", preview),
        Route("/runs/{run_id}/whatif/{job_id}/status.json", preview_status),
        Route("/runs/{run_id}/whatif/{job_id}/keep", keep, methods=["POST"]),
    ]


def _run(request: Request):
    from scheduler.web.app import load_run

    state = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    loaded = load_run(state, run.run_id) if run else None
    return state, run, loaded


async def whatif_page(request: Request, problems: list[str] | None = None, status: int = 200) -> Response:
    from scheduler.web.app import not_found, page

    state, run, loaded = await run_in_threadpool(_run, request)
    if loaded is None:
        return not_found(request, "That run")
    ds = loaded.dataset
    return page(request, "whatif.html", status, title="What if something changes?", run=run,
                venues=sorted(ds.venues.values(), key=lambda v: v.name.lower()),
                people=sorted(ds.participants.values(), key=lambda p: p.participant_id),
                problems=problems or [], workbook=data_path(state.store.data_dir(run.run_id)).is_file())


async def person_page(request: Request) -> Response:
    from scheduler.web.app import not_found, page

    state, run, loaded = await run_in_threadpool(_run, request)
    pid = request.query_params.get("participant_id", "")
    if loaded is None or pid not in loaded.dataset.participants:
        return not_found(request, "That person")
    person = loaded.dataset.participants[pid]
    row = _person_row(state.store.data_dir(run.run_id), pid) or {}
    return page(request, "person.html", title=f"Edit {person.name}", run=run, person=person, row=row,
                features=[(f, FEATURE_LABELS[f]) for f in FEATURES], modes=TRAVEL_MODES)


def _person_row(folder: Path, pid: str) -> dict | None:
    path = folder / "participants.csv"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            norm = {(k or "").strip().lower(): (v or "") for k, v in rec.items()}
            if norm.get("participant_id", "").strip() == pid:
                return norm
    return None


def _day(value, problems: list[str], label: str, required: bool) -> date | None:
    text = str(value or "").strip()
    if not text:
        if required:
            problems.append(f"{label}: choose a date.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label}: '{text}' is not a date; write it as YYYY-MM-DD.")
        return None


def _edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV, letting `edit(row)` change each row (a dict keyed by the file's own headers)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    rows = [edit(r, columns) for r in rows]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)


def _column(columns: list[str], name: str) -> str:
    for c in columns:
        if c.strip().lower() == name:
            return c
    columns.append(name)
    return name


def lose_days(folder: Path, first: date, last: date) -> None:
    """No meeting on these days: every venue is closed on them."""
    span = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"

    def edit(row: dict, columns: list[str]) -> dict:
        col = _column(columns, "closed_dates")
        now = (row.get(col) or "").strip()
        row[col] = f"{now};{span}" if now else span
        return row

    _edit_csv(folder / "venues.csv", edit)


def close_venue(folder: Path, vid: str, first: date, last: date) -> None:
    span = f"{first.isoformat()}..{max(first, last).isoformat()}"

    def edit(row: dict, columns: list[str]) -> dict:
        if (row.get(_column(columns, "venue_id")) or "").strip() == vid:
            col = _column(columns, "closed_dates")
            now = (row.get(col) or "").strip()
            row[col] = f"{now};{span}" if now else span
        return row

    _edit_csv(folder / "venues.csv", edit)


def edit_person(folder: Path, pid: str, form) -> None:
    needs = [f for f in FEATURES if form.get(f"need_{f}") == "yes"]
    values = {"needs": ";".join(needs),
              "max_travel_minutes": str(form.get("max_travel_minutes") or "").strip(),
              "home_postcode": str(form.get("home_postcode") or "").strip(),
              "travel_mode": str(form.get("travel_mode") or "").strip(),
              "unavailable": str(form.get("unavailable") or "").strip()}

    def edit(row: dict, columns: list[str]) -> dict:
        id_col = _column(columns, "participant_id")
        if (row.get(id_col) or "").strip() != pid:
            return row
        for name, value in values.items():
            row[_column(columns, name)] = value
        return row

    _edit_csv(folder / "participants.csv", edit)


async def ask(request: Request) -> Response:
    from scheduler.web.app import bad_token, checked_form, go, not_found

    form = await checked_form(request)
    if form is None:
        return bad_token()
    state, run, loaded = await run_in_threadpool(_run, request)
    if loaded is None:
        return not_found(request, "That run")
    kind = str(form.get("kind") or "")
    problems: list[str] = []
    close: list[str] = []
    lost: list[str] = []
    described: list[str] = []
    pending = Path(tempfile.mkdtemp(prefix="whatif-", dir=_pending_root(state)))
    data = pending / "data"
    copy_data(state.store.data_dir(run.run_id), data)
    if data_path(data).is_file() and kind == "person":
        problems.append("This run's data is a workbook: make that change in the workbook and upload it again.")
    elif kind == "venue":
        vid = str(form.get("venue_id") or "")
        when = _day(form.get("from"), problems, "Closed from", required=False)
        if vid not in loaded.dataset.venues:
            problems.append("Choose the venue that closes.")
        else:
            close.append(f"{vid}@{when.isoformat()}" if when else vid)
            name = loaded.dataset.venues[vid].name
            described.append(f"{name} ({vid}) closes " + (f"from {when.isoformat()}" if when else "for good"))
    elif kind == "day":
        first = _day(form.get("day"), problems, "The day lost", required=True)
        last = _day(form.get("last_day"), problems, "The last day lost", required=False) or first
        if first and last and last < first:
            problems.append("The last day lost is before the first.")
        if first and last and not problems:
            lost.append(first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}")
            described.append(f"no meeting can take place on {first.isoformat()}" if first == last
                             else f"no meeting can take place from {first.isoformat()} to {last.isoformat()}")
    elif kind == "person":
        pid = str(form.get("participant_id") or "")
        if pid not in loaded.dataset.participants:
            problems.append("Choose the person whose details change.")
        else:
            edit_person(data, pid, form)
            described.append(f"the details of {pid} change")
    else:
        problems.append("Choose what changes.")
    if problems:
        shutil.rmtree(pending, ignore_errors=True)
        return await whatif_page(request, problems=problems, status=400)
    job = start_whatif(state, run, data, close, lost, described)
    job.extra.update(pending=pending, described=described, close=close, lost=lost, parent=run.run_id)
    return go(f"/runs/{run.run_id}/whatif/{job.job_id}")


def _pending_root(state) -> Path:
    root = state.store.root / PENDING
    root.mkdir(exist_ok=True)
    return root


def start_whatif(state, run: RunInfo, data: Path, close: list[str], lost: list[str], described: list[str]):
    from scheduler import whatif

    baseline = state.store.out_dir(run.run_id)
    # The same --from and --to as the run it starts from (empty: tomorrow, as on the command line).
    start, end = (date.fromisoformat(run.options[k]) if run.options.get(k) else None for k in ("from", "to"))

    def work(job):
        job.watch.phase("Working out what changes")
        return whatif.whatif(baseline, data_path(data), start, end, close=tuple(close), close_dates=tuple(lost),
                             time_limit=run.options.get("time_limit"))

    return state.jobs.submit("whatif", None, run.options.get("time_limit") or 60.0, work)


def _job(request: Request):
    state = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    job = state.jobs.get(request.path_params["job_id"])
    if run is None or job is None or job.kind != "whatif" or job.extra.get("parent") != run.run_id:
        return state, None, None
    return state, run, job


async def preview(request: Request) -> Response:
    from scheduler.web.app import not_found, page, problem_rows

    state, run, job = _job(request)
    if job is None:
        return not_found(request, "That what-if")
    if job.state not in (DONE, FAILED):
        return page(request, "whatif_wait.html", title="Working out what changes", run=run, job=job.status(),
                    job_id=job.job_id)
    if job.state == FAILED:
        return page(request, "whatif_wait.html", title="The what-if could not be worked out", run=run,
                    job=job.status(), job_id=job.job_id, problems=problem_rows(job.problems))
    r = job.result
    return page(request, "whatif_preview.html", title="What would change", run=run, job_id=job.job_id, r=r,
                described=job.extra["described"], kept=job.extra.get("kept"))


async def preview_status(request: Request) -> Response:
    state, run, job = _job(request)
    if job is None:
        return JSONResponse({"state": "none"}, status_code=404)
    return JSONResponse({**job.status(), "results": f"/runs/{run.run_id}/whatif/{job.job_id}"})


async def keep(request: Request) -> Response:
    from scheduler import whatif
    from scheduler.web.app import bad_token, checked_form, go, not_found

    form = await checked_form(request)
    if form is None:
        return bad_token()
    state, run, job = _job(request)
    if job is None or job.state != DONE:
        return not_found(request, "That what-if")
    if job.extra.get("kept"):
        return go(f"/runs/{job.extra['kept']}")
    r = job.result
    described = job.extra["described"]
    new = state.store.new("whatif", "What-if: " + "; ".join(described), parent=run.run_id,
                          source=run.source, options=dict(run.options), changes=list(r.applied) or list(described))
    data = state.store.data_dir(new.run_id)
    copy_data(job.extra["pending"] / "data", data)
    window = run.options.get("window")
    if not data_path(data).is_file():
        # The new run's data records the change too, so a later re-plan from it keeps it.
        for closing in job.extra["close"]:
            vid, _, when = closing.partition("@")
            if window:
                close_venue(data, vid, date.fromisoformat(when or window[0]), date.fromisoformat(window[1]))
        for span in job.extra["lost"]:
            first, _, last = span.partition("..")
            lose_days(data, date.fromisoformat(first), date.fromisoformat(last or first))

    def write() -> None:
        whatif.write_whatif(state.store.out_dir(new.run_id), r)
        new.status, new.solver = "planned", r.plan.solver_status
        new.options = {**new.options, "window": [r.plan.planning.first.isoformat(), r.plan.planning.last.isoformat()]}
        state.store.save(new)

    await run_in_threadpool(write)
    job.extra["kept"] = new.run_id
    shutil.rmtree(job.extra["pending"], ignore_errors=True)
    return go(f"/runs/{new.run_id}")
