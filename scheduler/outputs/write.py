"""Writing outputs atomically: everything goes to a temporary folder, then replaces the old files."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scheduler.core.errors import DataError, Problem

# Every file or folder the engine may write into --out; others there are left alone.
OUTPUT_NAMES = ("proposals.csv", "proposals.xlsx", "programme.ics", "invites", "report.html", "changes.csv",
                "cancellations", "organiser-updates.ics")
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".old-"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(text: str) -> str:
    """Stop spreadsheets reading a cell as a formula (OWASP: = + - @ tab and line ends).

    Spaces before the sign do not help: some spreadsheets trim them on import, so the check
    looks past them.
    """
    if _PLAIN_NUMBER.fullmatch(text):
        return text  # a negative number such as a travel change is data, not a formula
    if text and (text[0] in _FORMULA_START or text.lstrip(" \u00a0").startswith(_FORMULA_START)):
        return "'" + text
    return text


def write_outputs(out: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` fill a staging folder, then swap each output into place.

    Each file lands by an atomic rename, and a folder (invites/) is swapped with the old one in
    a single atomic exchange where the system offers it (Linux), or else a rename pair. A run
    killed at any moment leaves every output file whole: the old one or the new one. Leftovers
    of a killed run (staging folders) are cleared by the next run. A folder that cannot be
    written is a usage error (DataError), with nothing changed.
    """
    out = Path(out)
    try:
        if out.exists() and not out.is_dir():
            raise DataError([Problem("command line", None, "--out",
                                     f"{out} is a file, not a folder; give a folder for the outputs")])
        out.mkdir(parents=True, exist_ok=True)
        _recover(out)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise _write_error(out, exc) from None
    try:
        writer(stage)
        _flush(stage)
        for name in OUTPUT_NAMES:
            _swap(stage / name, out / name)
        _fsync_dir(out)
    except OSError as exc:
        raise _write_error(out, exc) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _flush(stage: Path) -> None:
    """Every staged file on disk before any is swapped in: one syncfs of the staging folder's
    filesystem where the system offers it (Linux; an fsync per file cost seconds for the
    hundreds of invites of a large programme), else an fsync per file."""
    if _syncfs(stage):
        return
    for path in sorted(stage.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def _syncfs(folder: Path) -> bool:
    """Flush the filesystem that holds `folder` (Linux syncfs); False where that is unavailable
    or it reports an error, so the caller falls back to fsync."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    syncfs.argtypes = (ctypes.c_int,)
    syncfs.restype = ctypes.c_int
    fd = os.open(folder, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def _write_error(out: Path, exc: OSError) -> DataError:
    reason = exc.strerror or str(exc)
    return DataError([Problem("command line", None, "--out",
                              f"cannot write the outputs to {out} ({reason}); check the folder exists, "
                              "is yours to write to and has free space")])


def _swap(new: Path, old: Path) -> None:
    """Put `new` (in the staging folder) at `old`; a missing `new` removes a stale `old`."""
    if new.is_dir():
        if old.is_dir() and not old.is_symlink() and _exchange(new, old):
            return  # the old folder now sits in the staging folder, which is removed
        trash = old.with_name(TRASH_PREFIX + old.name)
        _remove(trash)
        if old.exists() or old.is_symlink():
            os.replace(old, trash)
        os.replace(new, old)
        _remove(trash)
    elif new.is_file():
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        os.replace(new, old)
    elif old.exists() or old.is_symlink():
        # A stale output of an earlier run would mislead: the set is replaced whole.
        _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    renameat2.restype = ctypes.c_int
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _recover(out: Path) -> None:
    """Clear what a killed run left behind: its staging folder, or a folder half swapped."""
    for name in OUTPUT_NAMES:
        trash = out / (TRASH_PREFIX + name)
        if trash.exists():
            if not (out / name).exists():
                os.replace(trash, out / name)  # killed between the two renames: put it back
            else:
                _remove(trash)
    for stale in out.glob(STAGING_PREFIX + "*"):
        if stale.is_dir() and not stale.is_symlink() and _abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)


def _abandoned(stage: Path) -> bool:
    """A staging folder whose run has ended (its process is gone), or an hour old."""
    pid_text = stage.name[len(STAGING_PREFIX):].split("-", 1)[0]
    if pid_text.isdigit() and int(pid_text) != os.getpid():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except OSError:
            pass
    try:
        return time.time() - stage.stat().st_mtime > 3600
    except OSError:
        return False
