"""The runs folder: every upload and every plan is its own folder, and nothing is overwritten.

A run folder holds `data/` (a copy of the files the run was planned from, so it can be re-planned
or compared later), `out/` (exactly what `schedule propose` or `schedule whatif` writes) and
`run.json` (what kind of run it is and where it came from). Folder names are made here, from the
clock and a counter; a name from a request is only ever looked up, never joined to a path
unchecked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

APP_NAME = "send-coproduction-scheduler"
RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]{2}$")
# Files a data folder may hold; anything else is neither copied nor accepted in an upload.
DATA_FILES = ("venues.csv", "participants.csv", "meetings.csv", "term_dates.csv", "travel_times.csv",
              "fixed.csv", "postcode_districts.csv", "settings.toml")
WORKBOOK_SUFFIXES = (".xlsx", ".ods")
ZIP_NAME = "schedule-programme.zip"
# A fixed moment for the entries of the zip, so two runs of the same data give the same archive.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def default_runs_dir() -> Path:
    """The user's data folder (as each system names it), or ./schedule-runs if there is none."""
    home = Path.home()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    elif os.environ.get("XDG_DATA_HOME"):
        base = Path(os.environ["XDG_DATA_HOME"])
    else:
        base = home / ".local" / "share"
    if not str(home) or str(home) == "/" or not home.exists():
        return Path("schedule-runs").resolve()
    return base / APP_NAME / "runs"


@dataclass
class RunInfo:
    run_id: str
    kind: str  # "data" (uploaded, not planned yet), "plan", "replan" or "whatif"
    created: str
    title: str
    parent: str | None = None
    source: str = ""  # plain words: where the data came from
    options: dict = field(default_factory=dict)  # from, to, strict, time_limit
    changes: list[str] = field(default_factory=list)  # a what-if's applied changes, in words
    status: str = ""  # "planned", "stopped", "failed" or ""
    solver: str = ""


class RunStore:
    """Creates and finds run folders under one root; never follows a name out of it."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    # -- folders --------------------------------------------------------------------------------
    def new(self, kind: str, title: str, **info) -> RunInfo:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            run_id = f"{stamp}-{n:02d}"
            try:
                (self.root / run_id).mkdir()
            except FileExistsError:
                continue
            run = RunInfo(run_id, kind, datetime.now().isoformat(timespec="seconds"), title, **info)
            (self.root / run_id / "data").mkdir()
            self.save(run)
            return run
        raise OSError("could not make a new run folder: too many runs in one second")

    def folder(self, run_id: str) -> Path | None:
        """The folder of a run, or None when the name is not a run of this store."""
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            return None
        path = self.root / run_id
        return path if (path / "run.json").is_file() else None

    def get(self, run_id: str) -> RunInfo | None:
        folder = self.folder(run_id)
        if folder is None:
            return None
        try:
            raw = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            return RunInfo(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def save(self, run: RunInfo) -> None:
        folder = self.root / run.run_id
        fd, tmp = tempfile.mkstemp(prefix=".run-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(run), fh, indent=1, sort_keys=True)
        os.replace(tmp, folder / "run.json")

    def all(self) -> list[RunInfo]:
        runs = [self.get(p.name) for p in self.root.iterdir() if RUN_ID.match(p.name)]
        return sorted((r for r in runs if r), key=lambda r: r.run_id, reverse=True)

    def data_dir(self, run_id: str) -> Path:
        return self.root / run_id / "data"

    def out_dir(self, run_id: str) -> Path:
        return self.root / run_id / "out"

    # -- files inside a run -----------------------------------------------------------------------
    def output_file(self, run_id: str, relative: str) -> Path | None:
        """A file of a run's outputs named by a request, or None if it is not one.

        The name must be plain parts (no '..', no absolute path, no hidden file), and the file
        found must resolve inside the run's out/ folder (no symbolic link out of it).
        """
        folder = self.folder(run_id)
        if folder is None or not relative or "\\" in relative or "\x00" in relative:
            return None
        parts = relative.split("/")
        if any(not p or p in (".", "..") or p.startswith(".") for p in parts):
            return None
        out = (folder / "out").resolve()
        path = (out / Path(*parts)).resolve()
        if not path.is_relative_to(out) or not path.is_file():
            return None
        return path

    def output_files(self, run_id: str) -> list[str]:
        out = self.out_dir(run_id)
        if not out.is_dir():
            return []
        files = [p.relative_to(out).as_posix() for p in out.rglob("*")
                 if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)]
        return sorted(files)

    def zip_bytes(self, run_id: str) -> bytes:
        """Every output of the run in one zip; the same outputs always give the same bytes."""
        import io

        buf = io.BytesIO()
        out = self.out_dir(run_id)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in self.output_files(run_id):
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, (out / name).read_bytes())
        return buf.getvalue()


def data_path(folder: Path) -> Path:
    """What to load: the one workbook in a data folder, or the folder of CSV files."""
    books = sorted(p for p in folder.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES) if folder.is_dir() else []
    return books[0] if books else folder


def copy_data(source: Path, dest: Path) -> None:
    """Copy the data files of a folder (or one workbook, with the data files beside it) into dest."""
    source = Path(source)
    dest.mkdir(parents=True, exist_ok=True)
    if source.is_file():
        shutil.copyfile(source, dest / _safe_book_name(source.name))
        return
    for name in DATA_FILES:
        for p in source.iterdir():
            if p.is_file() and p.name.lower() == name:
                shutil.copyfile(p, dest / name)


def _safe_book_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-") or "workbook"
    return f"{stem[:60]}{suffix}"


def upload_name(filename: str) -> str | None:
    """The name an uploaded file is stored under, or None when it is not a data file we read."""
    base = Path(filename.replace("\\", "/")).name.strip()
    lower = base.lower()
    if lower in DATA_FILES:
        return lower
    if Path(lower).suffix in WORKBOOK_SUFFIXES:
        return _safe_book_name(base)
    return None
