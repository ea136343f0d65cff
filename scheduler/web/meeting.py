"""One meeting: why it sits there, its compromises, the next-best options, and fixing it.

A change typed into the form is checked at once by the independent checker (the same one as
`schedule check`); fixing it starts a new run whose data is the old run's plus the fixed values in
`fixed.csv` (meeting_id, occurrence, date, start, venue_id; a blank is free to choose), which the
engine keeps as hard rules while it plans everything else around them.
"""

from __future__ import annotations

import csv
import threading
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scheduler.core.domain import Placement, hhmm
from scheduler.engine.validate import check
from scheduler.model.context import Options
from scheduler.rules import RULE_NAMES
from scheduler.web import views
from scheduler.web.runs import RunInfo, data_path

FIXED_COLUMNS = ("meeting_id", "occurrence", "date", "start", "venue_id")
_explain_lock = threading.Lock()


def routes() -> list[Route]:
    return [
        Route("/runs/{run_id}/meetings/{meeting_id}/{number:int}", meeting_page),
        Route("/runs/{run_id}/meetings/{meeting_id}/{number:int}/check", check_change, methods=["POST"]),
        Route("/runs/{run_id}/meetings/{meeting_id}/{number:int}/fix", fix, methods=["POST"]),
        Route("/runs/{run_id}/unfix", unfix, methods=["POST"]),
    ]


def _context(request: Request):
    from scheduler.web.app import load_run

    state = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    loaded = load_run(state, run.run_id) if run else None
    if loaded is None:
        return state, run, None, None
    key = (request.path_params.get("meeting_id"), request.path_params.get("number"))
    placement = views.find(loaded.plan, *key) if key[0] else None
    return state, run, loaded, placement


def explainer(state, run: RunInfo, loaded):
    from scheduler.explain.answers import Explainer

    with _explain_lock:
        ex = state.explainers.get(run.run_id)
        if ex is None:
            options = Options(strict=bool(run.options.get("strict")))
            ex = Explainer(loaded.dataset, loaded.plan.planning, loaded.plan.placements, options=options)
            state.explainers[run.run_id] = ex
        return ex


def explanation(state, run: RunInfo, loaded, p: Placement) -> dict:
    from scheduler.explain.render import explain_occurrence

    ex = explainer(state, run, loaded)
    with _explain_lock:  # an explainer caches as it goes; one question at a time
        return explain_occurrence(ex, p, detail=True)


def fixed_rows(ds) -> list[dict]:
    """The data's fixed placements as fixed.csv rows (a blank is free to choose)."""
    return [{"meeting_id": f.meeting_id, "occurrence": str(f.number),
             "date": f.day.isoformat() if f.day else "", "start": hhmm(f.start) if f.start is not None else "",
             "venue_id": f.venue_id or ""}
            for _, f in sorted(ds.fixed.items())]


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


async def meeting_page(request: Request, check_result: dict | None = None, form_values: dict | None = None,
                       status: int = 200) -> Response:
    from scheduler.web.app import not_found, page

    state, run, loaded, p = await run_in_threadpool(_context, request)
    if p is None:
        return not_found(request, "That meeting")
    why = await run_in_threadpool(explanation, state, run, loaded, p)
    ds = loaded.dataset
    m = ds.meetings[p.occurrence.meeting_id]
    allowed = [v for vid, v in ds.venues.items() if m.venues is None or vid in m.venues]
    values = form_values or {"date": p.day.isoformat() if p.scheduled else "",
                             "start": hhmm(p.start) if p.scheduled else "", "venue_id": p.venue_id}
    fixed_here = (m.meeting_id, p.occurrence.number) in ds.fixed
    return page(request, "meeting.html", status, title=f"{m.title}, meeting {p.occurrence.number}", run=run, p=p,
                meeting=m, venue=ds.venues.get(p.venue_id), features=views.venue_features(ds, p.venue_id),
                why=why, venues=allowed, values=values, check=check_result, fixed_here=fixed_here,
                period=p.occurrence.planned, attendees=len(m.everyone),
                workbook=data_path(state.store.data_dir(run.run_id)).is_file())


def _values_from(form, problems: list[str]) -> tuple[date | None, int | None, str | None]:
    """The date, start and venue typed in; an empty one is None (free to choose)."""
    raw_day, raw_start, vid = (str(form.get(k) or "").strip() for k in ("date", "start", "venue_id"))
    day = start = None
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            problems.append("Give the date as a day, for example 2027-03-04.")
    if raw_start:
        try:
            start = _minutes(raw_start)
            if not 0 <= start < 24 * 60:
                raise ValueError
        except ValueError:
            problems.append("Give the start time as HH:MM, for example 10:00.")
    return day, start, vid or None


def _slot_from(form, problems: list[str]) -> tuple[date, int, str] | None:
    day, start, vid = _values_from(form, problems)
    if not problems and (day is None or start is None or vid is None):
        problems.append("Fill in the date, the start time and the venue to check a change. (When you fix a "
                        "meeting, an empty one is left to the scheduler to choose.)")
    return (day, start, vid) if not problems else None


def findings_for(state, run: RunInfo, loaded, key, slot) -> dict:
    """Which rules the meeting breaks at `slot`, the rest of the plan as it is (the checker decides)."""
    ds, plan = loaded.dataset, loaded.plan
    ex = explainer(state, run, loaded)
    if slot[2] not in ds.venues:
        return {"problems": ["Choose a venue from the list."], "hard": [], "soft": []}
    moved = ex.placement_at(key, slot)
    rows = [moved if (r.occurrence.meeting_id, r.occurrence.number) == key else r for r in plan.placements]
    strict = bool(run.options.get("strict"))
    before = {(f.meeting_id, f.occurrence, f.rule) for f in check(ds, plan.placements, plan.planning, strict=strict)}
    after = [f for f in check(ds, rows, plan.planning, strict=strict)
             if "missing from the proposals" not in f.message
             and ((f.meeting_id, f.occurrence) == key or (f.meeting_id, f.occurrence, f.rule) not in before)]
    order = {r: i for i, r in enumerate(RULE_NAMES)}
    after.sort(key=lambda f: (not f.hard, order.get(f.rule, 99), f.meeting_id, f.occurrence))
    as_dict = [{"rule": f.rule, "summary": views.rule_summary(f.rule), "message": f.message, "hard": f.hard,
                "other": (f.meeting_id, f.occurrence) != key,
                "where": f"{ds.meetings[f.meeting_id].title} #{f.occurrence}" if f.meeting_id in ds.meetings else ""}
               for f in after]
    return {"hard": [f for f in as_dict if f["hard"]], "soft": [f for f in as_dict if not f["hard"]],
            "slot": {"date": slot[0].isoformat(), "start": hhmm(slot[1]), "venue_id": slot[2],
                     "venue": ds.venues[slot[2]].name}}


async def check_change(request: Request) -> Response:
    from scheduler.web.app import bad_token, checked_form, not_found

    form = await checked_form(request)
    if form is None:
        return bad_token()
    state, run, loaded, p = await run_in_threadpool(_context, request)
    if p is None:
        return not_found(request, "That meeting")
    problems: list[str] = []
    slot = _slot_from(form, problems)
    key = (p.occurrence.meeting_id, p.occurrence.number)
    result = {"problems": problems} if slot is None else \
        {"problems": [], **await run_in_threadpool(findings_for, state, run, loaded, key, slot)}
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(result)
    values = {k: str(form.get(k) or "") for k in ("date", "start", "venue_id")}
    return await meeting_page(request, check_result=result, form_values=values)


def write_fixed(folder, fixed: list[dict]) -> None:
    """fixed.csv in the run's data: the placements the organiser decided, one row each."""
    path = folder / "fixed.csv"
    if not fixed:
        path.unlink(missing_ok=True)
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(FIXED_COLUMNS), lineterminator="\r\n")
        w.writeheader()
        for f in sorted(fixed, key=lambda f: (f["meeting_id"], int(f["occurrence"]))):
            w.writerow({c: f[c] for c in FIXED_COLUMNS})


def replan_with(state, parent: RunInfo, fixed: list[dict], title: str):
    """A new run: the parent's data and window, these fixed placements, everything else re-planned."""
    from scheduler.web.app import start_plan
    from scheduler.web.runs import copy_data

    window = parent.options.get("window")
    options = {k: v for k, v in parent.options.items() if k != "window"}
    if window:
        options["from"] = window[0]
    run = state.store.new("replan", title, parent=parent.run_id, source=parent.source, options=options)
    data = state.store.data_dir(run.run_id)
    copy_data(state.store.data_dir(parent.run_id), data)
    write_fixed(data, fixed)
    return run, start_plan(state, run)


async def fix(request: Request) -> Response:
    from scheduler.web.app import after_start, bad_token, checked_form, not_found

    form = await checked_form(request)
    if form is None:
        return bad_token()
    state, run, loaded, p = await run_in_threadpool(_context, request)
    if p is None:
        return not_found(request, "That meeting")
    problems: list[str] = []
    day, start, vid = _values_from(form, problems)
    key = (p.occurrence.meeting_id, p.occurrence.number)
    values = {k: str(form.get(k) or "") for k in ("date", "start", "venue_id")}
    if not problems and day is None and start is None and vid is None:
        problems.append("Give at least one of the date, the start time and the venue to fix.")
    if vid is not None and vid not in loaded.dataset.venues:
        problems.append("Choose a venue from the list.")
    if data_path(state.store.data_dir(run.run_id)).is_file():
        problems.append("This run's data is a workbook: add the row to its 'fixed' sheet and upload it again.")
    if problems:
        return await meeting_page(request, check_result={"problems": problems}, form_values=values, status=400)
    if day is not None and start is not None and vid is not None:
        found = await run_in_threadpool(findings_for, state, run, loaded, key, (day, start, vid))
        if any(not f["other"] for f in found["hard"]):
            # A fixed placement that breaks a hard rule cannot be kept: say which, and change nothing.
            return await meeting_page(request, check_result={"problems": [], "refused": True, **found},
                                      form_values=values, status=400)
    # (A partly fixed meeting is checked by the engine before it plans: a hard rule it breaks is
    # shown as a data problem naming the row of fixed.csv.)
    fixed = [f for f in fixed_rows(loaded.dataset) if (f["meeting_id"], int(f["occurrence"])) != key]
    fixed.append({"meeting_id": key[0], "occurrence": str(key[1]), "date": day.isoformat() if day else "",
                  "start": hhmm(start) if start is not None else "", "venue_id": vid or ""})
    title = f"Re-plan with {loaded.dataset.meetings[key[0]].title} #{key[1]} fixed"
    new, job = replan_with(state, run, fixed, title)
    return await after_start(job, new.run_id)


async def unfix(request: Request) -> Response:
    from scheduler.web.app import after_start, bad_token, checked_form, not_found

    form = await checked_form(request)
    if form is None:
        return bad_token()
    state, run, loaded, _ = await run_in_threadpool(_context, request)
    if loaded is None:
        return not_found(request, "That run")
    mid, number = str(form.get("meeting_id") or ""), str(form.get("occurrence") or "")
    before = fixed_rows(loaded.dataset)
    fixed = [f for f in before if (f["meeting_id"], f["occurrence"]) != (mid, number)]
    if len(fixed) == len(before) or data_path(state.store.data_dir(run.run_id)).is_file():
        return not_found(request, "That fixed meeting")
    new, job = replan_with(state, run, fixed, f"Re-plan with {mid} #{number} free again")
    return await after_start(job, new.run_id)
