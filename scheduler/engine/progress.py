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
