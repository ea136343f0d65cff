"""Reading settings.toml: every key has a default, and any unknown key is a data error."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

from scheduler.core.domain import RuleSetting, Settings
from scheduler.core.errors import Problems
from scheduler.inputs.timeparse import parse_hhmm
from scheduler.rules.rulebook import BY_NAME, RULES

FILE = "settings.toml"

_WINDOW_KEYS = {
    "parent_start": "time",
    "parent_end": "time",
    "young_after_school_offset_minutes": "int",
    "young_after_school_default_start": "time",
    "young_after_school_end": "time",
    "young_non_school_start": "time",
    "young_non_school_end": "time",
    "default_education_ends": "time",
}
_WINDOW_ATTR = {
    "young_after_school_offset_minutes": "young_after_school_offset",
}
_TRAVEL_KEYS = {
    "default_max_minutes": "int",
    "winding_factor": "float",
    "car_kmh": "float",
    "public_transport_kmh": "float",
    "taxi_kmh": "float",
    "public_transport_wait_minutes": "int",
}
_SOLVER_KEYS = {"time_limit_seconds": "float", "seed": "int", "workers": "int", "time_step_minutes": "int"}
_CALENDAR_KEYS = {"reminder_minutes": "int", "calendar_name": "str", "uid_namespace": "str"}
_ORGANISER_KEYS = {"name": "str", "email": "str"}
TABLES = ("organiser", "rules", "windows", "travel", "solver", "calendar")

# Sensible bounds: values beyond them are typing mistakes, and would overflow the solver
# (CP-SAT seeds are 32-bit, weights multiply minutes) or the calendar (reminder offsets).
_BOUNDS: dict[str, tuple[float, float]] = {
    "young_after_school_offset_minutes": (0, 600),
    "default_max_minutes": (1, 1440),
    "winding_factor": (1, 5),
    "car_kmh": (1, 300),
    "public_transport_kmh": (1, 300),
    "taxi_kmh": (1, 300),
    "public_transport_wait_minutes": (0, 600),
    "time_limit_seconds": (0.01, 86_400),
    "seed": (0, 2**31 - 1),
    "workers": (1, 64),
    "time_step_minutes": (5, 60),
    "reminder_minutes": (0, 40_320),
}
MAX_WEIGHT = 100_000_000
_TEXT_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\"'\\]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*")


def default_rules() -> dict[str, RuleSetting]:
    return {r.name: RuleSetting(r.strength, r.weight) for r in RULES}


def load_settings(folder: Path, problems: Problems) -> Settings:
    settings = Settings(rules=default_rules())
    path = folder / FILE
    if not path.exists():
        return settings
    if not path.is_file():
        problems.add(FILE, None, None, "is not a file; settings.toml must be a text file")
        return settings
    try:
        text = path.read_bytes().decode("utf-8-sig")
        doc = tomllib.loads(text)
    except OSError as exc:
        problems.add(FILE, None, None, f"cannot be read ({exc.strerror or exc})")
        return settings
    except UnicodeDecodeError:
        problems.add(FILE, None, None, "is not UTF-8 text; save it as UTF-8")
        return settings
    except tomllib.TOMLDecodeError as exc:
        line = _error_line(str(exc))
        problems.add(FILE, line, None, f"is not valid TOML ({exc}); check quotes, '=' signs and [table] headers")
        return settings
    problems = _Located(problems, text)
    for table, body in doc.items():
        if table not in TABLES:
            if isinstance(body, dict):
                problems.add(FILE, None, table, f"unknown table [{table}]; expected one of: {', '.join(TABLES)}")
            else:
                problems.add(FILE, None, table, f"unknown setting '{table}' outside any table; settings go in the tables {', '.join(TABLES)}")
            continue
        if not isinstance(body, dict):
            problems.add(FILE, None, table, f"'{table}' must be a [table]")
            continue
        if table == "rules":
            _load_rules(body, settings, problems)
        elif table == "organiser":
            for key, value in _typed(table, body, _ORGANISER_KEYS, problems):
                setattr(settings, f"organiser_{key}", value.strip())
        elif table == "windows":
            for key, value in _typed(table, body, _WINDOW_KEYS, problems):
                setattr(settings, _WINDOW_ATTR.get(key, key), value)
        elif table == "travel":
            for key, value in _typed(table, body, _TRAVEL_KEYS, problems):
                if key.endswith("_kmh"):
                    settings.speed_kmh[key[: -len("_kmh")]] = value
                elif key == "default_max_minutes":
                    settings.default_max_travel_minutes = value
                else:
                    setattr(settings, key, value)
        elif table == "solver":
            for key, value in _typed(table, body, _SOLVER_KEYS, problems):
                setattr(settings, key, value)
        elif table == "calendar":
            for key, value in _typed(table, body, _CALENDAR_KEYS, problems):
                setattr(settings, key, value)
    _check_ranges(settings, problems)
    settings.organiser_is_placeholder = not (settings.organiser_name and settings.organiser_email)
    return settings


def _error_line(message: str) -> int | None:
    m = re.search(r"\(at line (\d+)", message)
    return int(m.group(1)) if m else None


class _Located:
    """Adds the line of settings.toml that a problem is about, found from its table and key."""

    def __init__(self, problems: Problems, text: str):
        self.problems = problems
        self.lines = text.splitlines()

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        if row is None and column:
            row = self._line(column)
        self.problems.add(file, row, column, message)

    def _line(self, where: str) -> int | None:
        m = re.fullmatch(r"\[?([^\]\s]+)\]?(?: (\S+))?(?: (\S+))?", where)
        if not m:
            return None
        table, key = m.group(1), m.group(2)
        current = None
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]\s*(#.*)?", line)
            if header:
                current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
                if key is None and current == table:
                    return number
                continue
            km = re.match(r"([A-Za-z0-9_\-\"]+)\s*=", line)
            if km is None:
                continue
            name = km.group(1).replace('"', "")
            if key is None and current is None and name == table:
                return number
            if key is not None and current == table and name == key:
                return number
        return None


def _typed(table: str, body: dict, keys: dict[str, str], problems: Problems):
    for key, value in body.items():
        kind = keys.get(key)
        where = f"[{table}] {key}"
        if kind is None:
            problems.add(FILE, None, where, f"unknown setting '{key}' in [{table}]; expected one of: {', '.join(keys)}")
            continue
        if kind == "time":
            minutes = parse_hhmm(value) if isinstance(value, str) else None
            if minutes is None:
                problems.add(FILE, None, where, f"expected a time as \"HH:MM\" in quotes, got {value!r}")
                continue
            yield key, minutes
        elif kind == "int":
            low, high = _BOUNDS.get(key, (0, 1_000_000))
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                problems.add(FILE, None, where, f"expected a whole number from {low:,} to {high:,}, got {value!r}")
                continue
            yield key, value
        elif kind == "float":
            low, high = _BOUNDS.get(key, (0, 1_000_000))
            if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
                    or not low <= value <= high):
                problems.add(FILE, None, where, f"expected a number from {low:g} to {high:g}, got {value!r}")
                continue
            yield key, float(value)
        else:
            if not isinstance(value, str):
                problems.add(FILE, None, where, f"expected text in quotes, got {value!r}")
                continue
            text = value.strip()
            if _CONTROL.search(value) or len(text) > _TEXT_MAX:
                problems.add(FILE, None, where, f"expected one line of text of at most {_TEXT_MAX} characters, without line breaks or control characters")
                continue
            if key == "email" and text and not _EMAIL.fullmatch(text):
                problems.add(FILE, None, where, f"'{text}' is not an email address such as name@example.org")
                continue
            if key == "uid_namespace" and not _DOMAIN.fullmatch(text):
                problems.add(FILE, None, where, f"expected a domain name such as send.example.org (letters, digits, '-' and '.'), got {value!r}")
                continue
            yield key, value


def _load_rules(body: dict, settings: Settings, problems: Problems) -> None:
    for name, conf in body.items():
        where = f"[rules.{name}]"
        info = BY_NAME.get(name)
        if info is None:
            problems.add(FILE, None, where, f"unknown rule '{name}'; the rules are: {', '.join(BY_NAME)}")
            continue
        if not isinstance(conf, dict):
            problems.add(FILE, None, where, "must be a table with 'strength' and/or 'weight'")
            continue
        current = settings.rules[name]
        strength, weight = current.strength, current.weight
        for key, value in conf.items():
            if key == "strength":
                allowed = ("soft",) if info.strength == "objective" else ("hard", "soft")
                if value not in allowed:
                    problems.add(FILE, None, f"{where} strength",
                                 f"expected {' or '.join(repr(a) for a in allowed)}, got {value!r}")
                elif value == "soft" and not info.may_be_soft:
                    problems.add(FILE, None, f"{where} strength",
                                 f"'{name}' cannot be soft: {info.summary}")
                elif info.strength != "objective":
                    strength = value
            elif key == "weight":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
                    problems.add(FILE, None, f"{where} weight", f"expected a whole number from 0 to {MAX_WEIGHT:,}, got {value!r}")
                else:
                    weight = value
            else:
                problems.add(FILE, None, f"{where} {key}", f"unknown key '{key}'; expected 'strength' or 'weight'")
        settings.rules[name] = RuleSetting(strength, weight)


def _check_ranges(s: Settings, problems: Problems) -> None:
    if s.parent_start >= s.parent_end:
        problems.add(FILE, None, "[windows] parent_end", "must be later than parent_start")
    if s.young_non_school_start >= s.young_non_school_end:
        problems.add(FILE, None, "[windows] young_non_school_end", "must be later than young_non_school_start")
    if s.time_step_minutes < 5 or s.time_step_minutes > 120 or 60 % s.time_step_minutes and s.time_step_minutes % 60:
        problems.add(FILE, None, "[solver] time_step_minutes", "expected a step that divides an hour (5, 10, 15, 20, 30 or 60)")
    if s.workers < 1:
        problems.add(FILE, None, "[solver] workers", "expected 1 or more")
    if s.time_limit_seconds <= 0:
        problems.add(FILE, None, "[solver] time_limit_seconds", "expected a number of seconds above 0")
