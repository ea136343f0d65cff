"""Reading settings.toml: every key has a default, and any unknown key is a data error.

The schema (tables, keys, defaults, bounds) is `core/settings.py`; this module reads the TOML,
validates each table with pydantic and words every mistake in plain English, all at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from scheduler.core.domain import Strength
from scheduler.core.errors import Problems
from scheduler.core.settings import (
    TABLES,
    RuleDefaults,
    RuleSetting,
    RuleTable,
    Settings,
    expects,
    keys,
)
from scheduler.core.wording import join

FILE = "settings.toml"


def default_rules(rules: Sequence[RuleDefaults]) -> dict[str, RuleSetting]:
    return {r.name: RuleSetting(r.strength, r.weight) for r in rules}


def load_settings(folder: Path, problems: Problems, rules: Sequence[RuleDefaults]) -> Settings:
    """settings.toml of a data folder; `rules` is the rule registry's catalogue, in order."""
    settings = Settings(rules=default_rules(rules))
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
    return settings_from_doc(doc, _Located(problems, text), rules)


def settings_from_doc(doc: dict[str, Any], problems: Problems, rules: Sequence[RuleDefaults]) -> Settings:
    """Settings from parsed tables ({"solver": {"seed": 1}, "rules": {...}}), from TOML or a workbook."""
    values: dict[str, Any] = {}
    rule_values: dict[str, Any] = {}  # the keys of a rule's own, such as near_km
    catalogue = {r.name: r for r in rules}
    rules = default_rules(rules)
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
            rule_values = _load_rules(body, catalogue, rules, problems)
        else:
            _unknown(f"[{table}]", body, (TABLES[table],), problems)
            values.update(_validated(TABLES[table], f"[{table}]", body, problems))
    settings = Settings(**values, **rule_values, rules=rules)
    _check_ranges(settings, problems)
    settings.organiser_is_placeholder = not (settings.organiser_name and settings.organiser_email)
    return settings


_ADAPTERS: dict[type, TypeAdapter] = {}


def _validated(table: type, where: str, body: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """The valid keys of `body` that `table` declares, as {attribute: value}; each invalid one is a problem."""
    adapter = _ADAPTERS.setdefault(table, TypeAdapter(table))
    names = keys(table)
    good = {key: value for key, value in body.items() if key in names}
    try:
        parsed = adapter.validate_python(good)
    except ValidationError as exc:
        for error in exc.errors():
            key = str(error["loc"][0])
            problems.add(FILE, None, f"{where} {key}", _wording(table, names[key], error, body[key]))
            good.pop(key, None)
        parsed = adapter.validate_python(good)
    return {name: getattr(parsed, name) for key, name in names.items() if key in good}


def _unknown(where: str, body: dict[str, Any], tables: tuple[type, ...], problems: Problems,
             message: str = "unknown setting '{key}' in {where}; expected one of: {keys}") -> None:
    known = [key for table in tables for key in keys(table)]
    for key in body:
        if key not in known:
            problems.add(FILE, None, f"{where} {key}", message.format(
                key=key, where=where, keys=", ".join(known), quoted=join((repr(k) for k in known), "or")))


def _wording(table: type, name: str, error: dict, value: Any) -> str:
    """pydantic's finding in plain English: what the key expects, and what it got."""
    expected = expects(table, name)
    if error["type"] == "value_error" and not expected:
        return str(error["ctx"]["error"])  # the validator's own sentence (times, text, email)
    return f"expected {expected}, got {value!r}"


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


def _load_rules(body: dict, catalogue: dict[str, RuleDefaults], rules: dict[str, RuleSetting],
                problems: Problems) -> dict[str, Any]:
    """Each [rules.NAME] table: strength and weight into `rules`; a rule's own keys returned."""
    own: dict[str, Any] = {}
    for name, conf in body.items():
        where = f"[rules.{name}]"
        info = catalogue.get(name)
        if info is None:
            problems.add(FILE, None, where, f"unknown rule '{name}'; the rules are: {', '.join(catalogue)}")
            continue
        if not isinstance(conf, dict):
            problems.add(FILE, None, where, "must be a table with 'strength' and/or 'weight'")
            continue
        tables = (RuleTable, info.keys) if info.keys is not None else (RuleTable,)
        _unknown(where, conf, tables, problems, "unknown key '{key}'; expected {quoted}")
        strength = conf.get("strength")
        given = _validated(RuleTable, where, {k: v for k, v in conf.items() if k != "strength"}, problems)
        if info.keys is not None:
            own.update(_validated(info.keys, where, conf, problems))
        current = rules[name]
        if "strength" in body[name]:
            allowed = (Strength.SOFT,) if info.strength == Strength.OBJECTIVE else (Strength.HARD, Strength.SOFT)
            if strength not in allowed:
                problems.add(FILE, None, f"{where} strength",
                             f"expected {join((repr(str(a)) for a in allowed), 'or')}, got {strength!r}")
                strength = None
            elif strength == Strength.SOFT and not info.may_be_soft:
                problems.add(FILE, None, f"{where} strength", f"'{name}' cannot be soft: {info.summary}")
                strength = None
            elif info.strength == Strength.OBJECTIVE:
                strength = None
        rules[name] = RuleSetting(Strength(strength) if strength else current.strength, given.get("weight", current.weight))
    return own


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
