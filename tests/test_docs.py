"""The documentation stays true to the code: every rule, setting and command is in the reference,
and every link between the pages leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from scheduler.cli import main
from scheduler.core.settings import TABLES, keys
from scheduler.rules import RULE_NAMES, RULES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md")) + [ROOT / "README.md"]


def test_every_rule_is_in_the_rules_reference():
    text = (DOCS / "reference" / "rules.md").read_text(encoding="utf-8")
    missing = [r for r in RULE_NAMES if f"`{r}`" not in text]
    assert not missing, f"add these rules to docs/reference/rules.md: {missing}"


def test_every_setting_is_in_the_settings_reference():
    text = (DOCS / "reference" / "settings.md").read_text(encoding="utf-8")
    missing = [f"[{t}] {k}" for t, table in TABLES.items() for k in keys(table) if f"`{k}`" not in text]
    missing += [f"[rules.{r.name}] {k}" for r in RULES if r.info.keys for k in keys(r.info.keys) if f"`{k}`" not in text]
    missing += [f"[{t}]" for t in TABLES if t != "rules" and f"`[{t}]`" not in text]
    assert not missing, f"add these settings to docs/reference/settings.md: {missing}"


def test_every_command_is_in_the_commands_reference():
    text = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    missing = [c for c in main.commands if f"`schedule {c}" not in text]
    assert not missing, f"add these commands to docs/reference/commands.md: {missing}"
    for name, command in main.commands.items():
        options = [o for p in command.params for o in p.opts if o.startswith("--") and o != "--help"]
        undocumented = [o for o in options if f"`{o}" not in text]
        assert not undocumented, f"document these options of 'schedule {name}' in docs/reference/commands.md: {undocumented}"


def test_links_between_pages_lead_somewhere():
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_four_parts_are_there():
    for part in ("tutorial.md", "how-to", "reference", "background"):
        assert (DOCS / part).exists(), part
