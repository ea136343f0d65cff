"""`schedule serve`: the local web page (Starlette), for organisers who never open a terminal.

Pages are rendered on the server (Jinja2, autoescaped) and every action is a plain form, so the
whole job works without script; app.js (served from the package) only polls progress and checks a
change as it is typed. The engine runs in one worker thread (jobs.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from scheduler import api
from scheduler.core.domain import DateRange, Plan
from scheduler.core.errors import DataError, Problem, Problems
from scheduler.web import views
from scheduler.web.jobs import DONE, FAILED, Job, Jobs
from scheduler.web.runs import RunInfo, RunStore, copy_data, data_path, upload_name
from scheduler.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    REPORT_CSP,
    SESSION_COOKIE,
    Guard,
    Secrets,
    refuse,
    session_of,
)

log = logging.getLogger("scheduler.web")
HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 20 * 1024 * 1024  # bytes in one request, all files together
MAX_FILES = 12
WAIT_FOR_QUICK_PLAN = 3.0  # seconds a "Plan" press waits, so a small plan opens its results at once
MAX_TIME_LIMIT = 3600.0


@dataclasses.dataclass
class Loaded:
    dataset: Any
    plan: Plan


class State:
    def __init__(self, runs_dir: Path, data: Path | None):
        self.store = RunStore(runs_dir)
        self.jobs = Jobs()
        self.secrets = Secrets()
        self.start_data = Path(data).resolve() if data else None
        self.port = 0
        self.loaded: dict[str, Loaded] = {}
        self.explainers: dict[str, Any] = {}

    @property
    def start_label(self) -> str:
        if self.start_data is None or self.start_data == api.default_data_dir().resolve():
            return "the bundled example"
        return f"{self.start_data.name}"

    def start_path(self) -> Path:
        return self.start_data or api.default_data_dir()


# -- rendering ---------------------------------------------------------------------------------

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(rule_summary=views.rule_summary, long_day=views.long_day)


def session_for(request: Request) -> tuple[str, bool]:
    found = session_of(request.headers)
    return (found, False) if found else (Secrets.new_session(), True)


def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    state: State = request.app.state.web
    session, new = session_for(request)
    html = ENV.get_template(template).render(csrf=state.secrets.csrf_for(session), request_path=request.url.path,
                                             start_label=state.start_label, **context)
    response = HTMLResponse(html, status_code=status)
    if new:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


def go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def checked_form(request: Request):
    """The posted form, once its token matches this session's (else None)."""
    state: State = request.app.state.web
    form = await request.form(max_files=MAX_FILES, max_fields=200, max_part_size=MAX_UPLOAD)
    token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not state.secrets.valid(session_of(request.headers), token if isinstance(token, str) else None):
        return None
    return form


def bad_token() -> Response:
    return refuse(403, "This form has expired or came from elsewhere. Go back, reload the page and try again.")


def not_found(request: Request, what: str = "That page") -> HTMLResponse:
    return page(request, "message.html", 404, title="Not found",
                message=f"{what} does not exist here. Go back to the start page to open your data or a run.")


# -- the data --------------------------------------------------------------------------------

def _check_data(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return api.load(path), []
    except DataError as exc:
        return None, list(exc.problems)


def problem_rows(problems: list[Problem]) -> list[dict]:
    return [{"file": p.file, "row": p.row, "column": p.column or "", "message": p.message} for p in problems]


async def home(request: Request) -> Response:
    state: State = request.app.state.web
    ds, problems = await run_in_threadpool(_check_data, state.start_path())
    return page(request, "data.html", title="Your data", source="start", source_label=state.start_label,
                dataset=ds, problems=problem_rows(problems), runs=state.store.all()[:20])


async def data_page(request: Request) -> Response:
    state: State = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    if run is None:
        return not_found(request, "That data")
    ds, problems = await run_in_threadpool(_check_data, data_path(state.store.data_dir(run.run_id)))
    return page(request, "data.html", title="Your data", source=run.run_id, source_label=run.source,
                dataset=ds, problems=problem_rows(problems), runs=state.store.all()[:20])


async def upload(request: Request) -> Response:
    state: State = request.app.state.web
    form = await checked_form(request)
    if form is None:
        return bad_token()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    refused, names = [], {}
    for f in files:
        name = upload_name(f.filename)
        if name is None or name in names:
            refused.append(f.filename)
        else:
            names[name] = f
    books = [n for n in names if not n.endswith((".csv", ".toml"))]
    if not files or refused or len(books) > 1 or (books and len(names) > 1 and False):
        why = ("Choose a workbook (.xlsx or .ods) or the CSV files of your data folder." if not files else
               f"These files are not data files this page reads: {', '.join(refused)}. Upload venues.csv, "
               "participants.csv, meetings.csv and term_dates.csv (and, if you have them, travel_times.csv, "
               "fixed.csv, settings.toml), or one workbook." if refused else
               "Upload one workbook at a time.")
        return page(request, "message.html", 400, title="Those files cannot be used", message=why,
                    back="/")
    run = state.store.new("data", "Uploaded data", source="the files you uploaded: " + ", ".join(sorted(names)))
    folder = state.store.data_dir(run.run_id)
    for name, f in names.items():
        (folder / name).write_bytes(await f.read())
    return go(f"/data/{run.run_id}")


async def data_file(request: Request) -> Response:
    """One CSV of a data source as a table, so a problem's row and column can be found."""
    state: State = request.app.state.web
    source, name = request.path_params["source"], request.path_params["name"]
    folder = _source_folder(state, source)
    if folder is None or name not in ("venues.csv", "participants.csv", "meetings.csv", "term_dates.csv",
                                      "travel_times.csv", "fixed.csv"):
        return not_found(request, "That file")
    path = next((p for p in folder.iterdir() if p.is_file() and p.name.lower() == name), None) \
        if folder.is_dir() else None
    if path is None:
        return not_found(request, "That file")
    import csv

    text = path.read_text(encoding="utf-8-sig", errors="replace")
    rows = list(csv.reader(text.splitlines()))
    header, body = (rows[0], rows[1:]) if rows else ([], [])
    _, problems = await run_in_threadpool(_check_data, data_path(folder))
    marks = {(p.row, (p.column or "").lower()) for p in problems if p.file.lower() == name}
    return page(request, "data_file.html", title=name, source=source, name=name, header=header, body=body,
                marks=marks, marked_rows={r for r, _ in marks}, problems=problem_rows([p for p in problems if p.file.lower() == name]))


def _source_folder(state: State, source: str) -> Path | None:
    if source == "start":
        start = state.start_path()
        return start if start.is_dir() else None
    run = state.store.get(source)
    return state.store.data_dir(run.run_id) if run else None


# -- planning ----------------------------------------------------------------------------------

def _date(value, problems: Problems, label: str) -> date | None:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.add("the form", None, label, f"'{value}' is not a date; use the date picker or write YYYY-MM-DD")
        return None


def plan_options(form, problems: Problems) -> dict:
    start = _date(form.get("from"), problems, "Plan from")
    end = _date(form.get("to"), problems, "Plan to")
    raw = (form.get("time_limit") or "").strip() if isinstance(form.get("time_limit"), str) else ""
    limit = None
    if raw:
        try:
            limit = float(raw)
            if not 1 <= limit <= MAX_TIME_LIMIT:
                raise ValueError
        except ValueError:
            problems.add("the form", None, "Time limit", f"give the seconds as a number from 1 to {MAX_TIME_LIMIT:g}")
            limit = None
    return {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
            "strict": form.get("strict") == "yes", "time_limit": limit}


def start_plan(state: State, run: RunInfo) -> Job:
    opts = run.options
    data = data_path(state.store.data_dir(run.run_id))

    def work(job: Job):
        from scheduler.outputs.folder import write_all

        start = date.fromisoformat(opts["from"]) if opts.get("from") else None
        end = date.fromisoformat(opts["to"]) if opts.get("to") else None
        result = api.propose(data, start, end, strict=opts.get("strict", False), time_limit=opts.get("time_limit"))
        job.watch.phase("Writing the files")
        write_all(state.store.out_dir(run.run_id), result.dataset, result.plan)
        run.status = "stopped" if job.watch.stopped_early else "planned"
        run.solver = result.plan.solver_status
        run.options = {**opts, "window": [result.plan.planning.first.isoformat(), result.plan.planning.last.isoformat()]}
        if run.kind == "data":
            run.kind = "plan"
        state.store.save(run)
        state.loaded[run.run_id] = Loaded(result.dataset, result.plan)
        return result

    limit = opts.get("time_limit") or 60.0
    return state.jobs.submit("plan", run.run_id, limit, work)


async def plan(request: Request) -> Response:
    state: State = request.app.state.web
    form = await checked_form(request)
    if form is None:
        return bad_token()
    problems = Problems()
    options = plan_options(form, problems)
    source = form.get("source")
    if problems:
        return page(request, "message.html", 400, title="Check the planning options",
                    message="; ".join(str(p) for p in problems.items),
                    back="/" if source == "start" else f"/data/{source}")
    if source == "start":
        run = state.store.new("plan", "Plan", source=state.start_label, options=options)
        copy_data(state.start_path(), state.store.data_dir(run.run_id))
    else:
        earlier = state.store.get(source if isinstance(source, str) else "")
        if earlier is None:
            return not_found(request, "That data")
        if earlier.kind == "data" and not state.jobs.for_run(earlier.run_id):
            run = earlier
            run.options, run.title = options, "Plan"
            state.store.save(run)
        else:
            run = state.store.new("plan", "Plan", source=earlier.source, options=options)
            copy_data(state.store.data_dir(earlier.run_id), state.store.data_dir(run.run_id))
    job = start_plan(state, run)
    return await after_start(job, run.run_id)


async def after_start(job: Job, run_id: str) -> Response:
    """A quick plan opens its results at once; a longer one shows its progress."""
    waited = 0.0
    while job.state not in (DONE, FAILED) and waited < WAIT_FOR_QUICK_PLAN:
        await asyncio.sleep(0.1)
        waited += 0.1
    return go(f"/runs/{run_id}" if job.state == DONE else f"/runs/{run_id}/progress")


async def progress(request: Request) -> Response:
    state: State = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    if run is None:
        return not_found(request, "That run")
    job = state.jobs.for_run(run.run_id)
    if job is None or job.state == DONE:
        return go(f"/runs/{run.run_id}")
    return page(request, "progress.html", title="Planning the programme", run=run, job=job.status(),
                problems=problem_rows(job.problems))


async def status_json(request: Request) -> Response:
    state: State = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    job = state.jobs.for_run(run.run_id) if run else None
    if job is None:
        return JSONResponse({"state": "none"}, status_code=404)
    return JSONResponse({**job.status(), "results": f"/runs/{run.run_id}"})


async def stop(request: Request) -> Response:
    state: State = request.app.state.web
    form = await checked_form(request)
    if form is None:
        return bad_token()
    run = state.store.get(request.path_params["run_id"])
    job = state.jobs.for_run(run.run_id) if run else None
    if job is None:
        return not_found(request, "That run")
    job.watch.stop.set()
    return go(f"/runs/{run.run_id}/progress")


# -- results -----------------------------------------------------------------------------------

def load_run(state: State, run_id: str) -> Loaded | None:
    """A planned run's data and plan: from memory, or read back from its folder."""
    if run_id in state.loaded:
        return state.loaded[run_id]
    run = state.store.get(run_id)
    out = state.store.out_dir(run_id) if run else None
    if run is None or not (out / "proposals.csv").is_file() or "window" not in run.options:
        return None
    from scheduler.outputs.export_csv import read_proposals

    try:
        ds = api.load(data_path(state.store.data_dir(run_id)))
        first, last = (date.fromisoformat(d) for d in run.options["window"])
        problems = Problems()
        rows = read_proposals(out / "proposals.csv", ds, DateRange(first, last), problems)
        problems.raise_if_any()
    except (DataError, OSError, ValueError):
        return None
    loaded = Loaded(ds, Plan(rows, DateRange(first, last), solver_status=run.solver,
                             proven_optimal=run.solver == "OPTIMAL",
                             stopped_by_time_limit=run.solver == "FEASIBLE", warnings=list(ds.warnings)))
    state.loaded[run_id] = loaded
    return loaded


async def results(request: Request) -> Response:
    state: State = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    if run is None:
        return not_found(request, "That run")
    job = state.jobs.for_run(run.run_id)
    if job is not None and job.state != DONE:
        return go(f"/runs/{run.run_id}/progress")
    loaded = await run_in_threadpool(load_run, state, run.run_id)
    if loaded is None:
        if run.kind == "data":
            return go(f"/data/{run.run_id}")
        return page(request, "message.html", 404, title="No plan in this run",
                    message="This run has no plan to show. Start again from your data.", back="/")
    changes = None
    summary = None
    if run.kind == "whatif":
        changes, summary = _read_changes(state, run)
    sections = await run_in_threadpool(views.report_sections, loaded.dataset, loaded.plan, changes, summary)
    from scheduler.web.meeting import fixed_rows
    return page(request, "results.html", title="Proposed programme", run=run, plan=loaded.plan,
                counts=views.counts(loaded.plan), rows=views.meeting_rows(loaded.dataset, loaded.plan),
                sections=sections, files=state.store.output_files(run.run_id),
                parent=state.store.get(run.parent) if run.parent else None, fixed=fixed_rows(loaded.dataset))


def _read_changes(state: State, run: RunInfo) -> tuple[list[dict] | None, str | None]:
    import csv

    path = state.store.out_dir(run.run_id) / "changes.csv"
    if not path.is_file():
        return None, None
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows, "\n".join(run.changes) if run.changes else None


async def download_all(request: Request) -> Response:
    state: State = request.app.state.web
    run = state.store.get(request.path_params["run_id"])
    if run is None or not state.store.output_files(run.run_id):
        return not_found(request, "That download")
    data = await run_in_threadpool(state.store.zip_bytes, run.run_id)
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="programme-{run.run_id}.zip"'})


MEDIA = {".csv": "text/csv; charset=utf-8", ".ics": "text/calendar; charset=utf-8",
         ".html": "text/html; charset=utf-8",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


async def output_file(request: Request) -> Response:
    state: State = request.app.state.web
    path = state.store.output_file(request.path_params["run_id"], request.path_params["path"])
    if path is None or path.suffix.lower() not in MEDIA:
        return not_found(request, "That file")
    inline = path.suffix.lower() == ".html"
    headers = {"content-security-policy": REPORT_CSP} if inline else {}
    return FileResponse(path, media_type=MEDIA[path.suffix.lower()], headers=headers,
                        content_disposition_type="inline" if inline else "attachment", filename=path.name)


async def runs_page(request: Request) -> Response:
    state: State = request.app.state.web
    return page(request, "runs.html", title="Earlier runs", runs=state.store.all(), root=str(state.store.root))


async def report_css(request: Request) -> Response:
    """The report's own style sheet, so the page and report.html look alike."""
    from scheduler.outputs.report import css

    return Response(css(), media_type="text/css; charset=utf-8")


async def too_large_handler(request: Request, exc) -> Response:
    return refuse(413, exc.detail)


async def not_found_handler(request: Request, exc) -> Response:
    return not_found(request)


async def server_error(request: Request, exc) -> Response:
    log.error("a page failed: %s", type(exc).__name__)  # never the message: it may quote the data
    return page(request, "message.html", 500, title="Something went wrong",
                message="This page could not be shown. Go back and try again.", back="/")


def create_app(runs_dir: Path, data: Path | None = None, port_of=None) -> Starlette:
    """The web app; `port_of` tells the guard which port we answer on (the test client's is 80)."""
    from scheduler.web import meeting, whatifs

    state = State(runs_dir, data)
    routes = [
        Route("/", home),
        Route("/upload", upload, methods=["POST"]),
        Route("/data/{run_id}", data_page),
        Route("/data/{source}/files/{name}", data_file),
        Route("/plan", plan, methods=["POST"]),
        Route("/runs", runs_page),
        Route("/style/report.css", report_css),
        Route("/runs/{run_id}", results),
        Route("/runs/{run_id}/progress", progress),
        Route("/runs/{run_id}/status.json", status_json),
        Route("/runs/{run_id}/stop", stop, methods=["POST"]),
        Route("/runs/{run_id}/download", download_all),
        Route("/runs/{run_id}/files/{path:path}", output_file),
        *meeting.routes(),
        *whatifs.routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        state.jobs.shutdown()  # a plan still running is asked to stop; its folder is left whole

    app = Starlette(routes=routes, exception_handlers={404: not_found_handler, 413: too_large_handler,
                                                         500: server_error},
                    lifespan=lifespan)
    app.state.web = state
    port_of = port_of or (lambda: state.port)
    return Guard(app, port_of=port_of, max_body=MAX_UPLOAD), state


__all__ = ["create_app", "State", "page", "go", "checked_form", "bad_token", "not_found", "load_run",
           "start_plan", "after_start", "timedelta"]
