"""Writing outputs atomically: everything goes to a temporary folder, then replaces the old files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

# Every file or folder the engine may write into --out; others there are left alone.
OUTPUT_NAMES = ("proposals.csv", "programme.ics", "invites", "report.html", "changes.csv",
                "cancellations")


def neutralise(text: str) -> str:
    """Stop spreadsheets reading a cell as a formula."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_outputs(out: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` fill a staging folder, then swap each output into place.

    Each file lands by an atomic rename, and a folder (invites/) is swapped with a rename pair,
    so a run killed at any moment leaves either the old outputs or the new ones readable.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        writer(stage)
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        for name in OUTPUT_NAMES:
            new = stage / name
            old = out / name
            if new.is_dir():
                trash = out / f".old-{name}"
                if trash.exists():
                    shutil.rmtree(trash)
                if old.exists():
                    os.replace(old, trash)
                os.replace(new, old)
                shutil.rmtree(trash, ignore_errors=True)
            elif new.is_file():
                os.replace(new, old)
            elif old.exists():
                # A stale output of an earlier run would mislead: the set is replaced whole.
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
