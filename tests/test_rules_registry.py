"""The rule registry: every rule has every part, one home, and the layers import one way."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from scheduler.rules import MODEL_ORDER, RULE_NAMES, RULES
from scheduler.rules.base import Rule, RuleInfo, ValueRule

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"


def _overrides(rule: Rule, name: str) -> bool:
    return getattr(type(rule), name) is not getattr(Rule, name) and \
        getattr(type(rule), name) is not getattr(ValueRule, name, None)


def missing_parts(rule: Rule) -> list[str]:
    """The parts a rule's home must have (PRODUCT.md section 2, issue "one home per rule")."""
    missing = []
    info = getattr(rule, "info", None)
    if not isinstance(info, RuleInfo):
        return ["info"]
    if not info.summary or info.strength not in ("hard", "soft", "objective") or not isinstance(info.weight, int):
        missing.append("info (summary, strength, weight)")
    if type(rule).constrain is Rule.constrain:
        missing.append("constrain (its constraints and objective terms)")
    if isinstance(rule, ValueRule):
        if type(rule).verdict is ValueRule.verdict or getattr(rule, "kind", None) not in ("day", "time", "venue"):
            missing.append("verdict and kind (a value rule)")
    if not any(getattr(type(rule), m) is not getattr(Rule, m) for m in ("check_placement", "check_plan", "cost")):
        missing.append("a validator check (check_placement, check_plan or cost)")
    for part in ("fact", "gist"):
        if getattr(type(rule), part) is getattr(Rule, part):
            missing.append(f"{part} (its sentences)")
    return missing


@pytest.mark.parametrize("rule", RULES, ids=RULE_NAMES)
def test_every_rule_has_every_part(rule):
    assert missing_parts(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=RULE_NAMES)
def test_every_rule_lives_in_its_own_module_named_after_it(rule):
    module = importlib.import_module(f"scheduler.rules.{rule.name}")
    assert module.RULE is rule
    assert type(rule).__module__ == module.__name__


def test_a_rule_without_a_validator_or_sentences_is_caught():
    class Half(ValueRule):
        info = RuleInfo("half", "soft", 1, "a rule with only a model")
        kind = "day"

        def verdict(self, ctx, c, value):
            return None

    missing = missing_parts(Half())
    assert "a validator check (check_placement, check_plan or cost)" in missing
    assert "fact (its sentences)" in missing and "gist (its sentences)" in missing
    assert missing_parts(type("NoInfo", (Rule,), {})()) == ["info"]


def test_names_are_unique_and_model_order_is_total():
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    orders = [r.model_order for r in MODEL_ORDER]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def _imports(folder: str) -> set[str]:
    out = set()
    for path in (PACKAGE / folder).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                out.add(node.module)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
    return out


def test_rules_sit_above_the_model_and_below_the_engine():
    """rules/ may import model/ and world/; model/ never imports rules/ or engine/; rules/ never
    imports engine/, explain/ or outputs/ (it only receives the explainer)."""
    assert not {m for m in _imports("model") if m.startswith(("scheduler.rules", "scheduler.engine"))}
    above = ("scheduler.engine", "scheduler.explain", "scheduler.outputs", "scheduler.api", "scheduler.cli")
    rules_imports = {m for m in _imports("rules") if m.startswith(above)}
    # the explanations' view appears only under TYPE_CHECKING, for type hints
    assert rules_imports <= {"scheduler.explain.facts"}, rules_imports


def test_no_module_outside_its_home_branches_on_a_rule_name():
    """A rule's name appears as a string in its own home only (tests and benchmarks aside)."""
    allowed: set[str] = set()
    offenders = {}
    for rule in RULES:
        for path in PACKAGE.rglob("*.py"):
            rel = path.relative_to(PACKAGE).as_posix()
            if rel == f"rules/{rule.name}.py" or rel in allowed:
                continue
            text = path.read_text(encoding="utf-8")
            if f'"{rule.name}"' in text or f"'{rule.name}'" in text:
                offenders.setdefault(rule.name, []).append(rel)
    assert offenders == {}, offenders
