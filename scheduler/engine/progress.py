"""What a long run is doing, for a display on a terminal: its phase and the best plan so far.

The engine reports; a listener (present.py's terminal display) shows it. Nothing listens by
default, so tests, pipes and the library pay nothing; a listener only reads what the solver's
own callback already sees, so a plan never depends on whether anyone watched it being made.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Listener(Protocol):
    def phase(self, text: str) -> None: ...

    def best(self, placed: int | None, total: int | None, score: float | None) -> None: ...

    # Optional: a listener with `stop_requested() -> bool` can end the search early (the web
    # page's stop button); the best plan found so far is kept, as at the time limit.


_lock = threading.Lock()
_listener: Listener | None = None


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    global _listener
    with _lock:
        previous, _listener = _listener, listener
    try:
        yield
    finally:
        with _lock:
            _listener = previous


def active() -> bool:
    return _listener is not None


def phase(text: str) -> None:
    if _listener is not None:
        _listener.phase(text)


def best(placed: int | None = None, total: int | None = None, score: float | None = None) -> None:
    if _listener is not None:
        _listener.best(placed, total, score)


def stop_requested() -> bool:
    """True when the listener asks the search to stop now and keep the best plan so far."""
    listener = _listener
    asks = getattr(listener, "stop_requested", None)
    return bool(asks and asks())


def stop_when_asked(stop_search, ready=lambda: True) -> threading.Event:
    """Call `stop_search` once the listener asks and `ready()` says a stop may land; set the
    returned event when the solve ends.

    No solution callback is involved, and the stop waits for `ready` (the search past presolve):
    OR-Tools 9.15 can abort when a stop lands inside presolve (see engine.solve.StopWhenProven).
    """
    done = threading.Event()

    def wait() -> None:
        while not done.wait(0.1):
            if stop_requested() and ready():
                stop_search()
                return

    if active():
        threading.Thread(target=wait, name="stop-when-asked", daemon=True).start()
    return done
