"""Engine work off the request path: one worker thread, progress the page can poll, a stop flag.

CP-SAT releases the interpreter while it searches, so the pages stay quick while a plan is made.
One job runs at a time (the machine's cores go to the solver); others wait their turn.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from scheduler.core.errors import DataError, Problem

log = logging.getLogger("scheduler.web")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class Progress:
    """What the page shows: the engine's phase, and the best plan so far."""

    phase: str = "Waiting for its turn"
    placed: int | None = None
    total: int | None = None
    score: float | None = None


class Watch:
    """A listener for engine.progress: it hears the phase and the best plan, and carries the
    stop button (the engine asks `stop_requested` while it searches)."""

    def __init__(self) -> None:
        self.progress = Progress()
        self.stop = threading.Event()
        self.stopped_early = False

    def phase(self, text: str) -> None:
        self.progress.phase = text

    def best(self, placed: int | None, total: int | None, score: float | None) -> None:
        p = self.progress
        if placed is not None:
            p.placed, p.total = placed, total
        if score is not None:
            p.score = score

    def stop_requested(self) -> bool:
        if self.stop.is_set():
            self.stopped_early = True
        return self.stop.is_set()


@dataclass
class Job:
    job_id: str
    kind: str  # "plan" or "whatif"
    run_id: str | None
    time_limit: float
    state: str = QUEUED
    watch: Watch = field(default_factory=Watch)
    result: Any = None
    problems: list[Problem] = field(default_factory=list)
    error: str = ""
    started: float | None = None
    finished: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what the page that started it keeps with it

    @property
    def progress(self) -> Progress:
        return self.watch.progress

    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    def status(self) -> dict:
        """The job as the page shows it; no personal data, only counts and phases."""
        p = self.progress
        return {
            "state": self.state,
            "phase": p.phase,
            "placed": p.placed,
            "total": p.total,
            "elapsed": round(self.elapsed(), 1),
            "time_limit": self.time_limit,
            "stopping": self.watch.stop.is_set(),
            "stopped_early": self.watch.stopped_early,
            "error": self.error,
        }


class Jobs:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._jobs: dict[str, Job] = {}

    def submit(self, kind: str, run_id: str | None, time_limit: float,
               work: Callable[[Job], Any]) -> Job:
        job = Job(uuid.uuid4().hex, kind, run_id, time_limit)
        self._jobs[job.job_id] = job

        def run() -> None:
            from scheduler.engine import progress

            job.state, job.started = RUNNING, time.monotonic()
            try:
                with progress.listening(job.watch):
                    job.result = work(job)
                job.state = DONE
            except DataError as exc:
                job.problems, job.state = list(exc.problems), FAILED
                job.error = "The data has problems; nothing was written."
            except Exception as exc:  # noqa: BLE001 - the page must say something plain, never crash
                # Only the kind of error is logged: a message could quote the organiser's data.
                log.error("the %s job failed: %s", kind, type(exc).__name__)
                job.state, job.error = FAILED, ("Something went wrong while planning; nothing was written. "
                                                "Try again, and if it happens again, plan from the terminal "
                                                "with 'schedule propose' to see the details.")
            finally:
                job.finished = time.monotonic()

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id) if isinstance(job_id, str) else None

    def for_run(self, run_id: str) -> Job | None:
        found = [j for j in self._jobs.values() if j.run_id == run_id]
        return found[-1] if found else None

    def shutdown(self) -> None:
        for job in self._jobs.values():
            job.watch.stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
