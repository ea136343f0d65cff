"""Explanations of one plan: why each occurrence sits where it does, and what stops the rest.

- An occurrence that cannot be placed gets a minimal set of rules that together rule out every
  day, time and venue, the facts behind each rule, and the nearest ways out: each rule of the
  set relaxed on its own, solved again to say where the meeting would then go.
- An occurrence that could be placed on its own but not with the rest of the programme gets the
  minimal set of other occurrences it collides with, and the rules that make them collide.
- A placed occurrence gets the rules it keeps, why it relaxes any (the rules that no day, time
  and venue keeps together), the families' travel, and the next-best venue and day with what
  each would cost.
"""

from __future__ import annotations

from datetime import date

from scheduler.core.wording import join, short_date
from scheduler.engine.validate import check
from scheduler.explain.facts import Facts
from scheduler.explain.search import (
    IMPOSSIBLE,
    OBJECTIVE_ONLY,
    PLACED,
    UNKNOWN,
    Key,
    Outcome,
    Search,
    Slot,
)
from scheduler.model.weights import HIGH_WEIGHT
from scheduler.rules import BY_NAME, RULE, RULE_NAMES, SPLIT_BY_ATTENDANCE, TIME_RULES


class Explainer(Search):
    """Answers "why?" about one plan by solving small models around each occurrence."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.facts = Facts(self)

    def explain_unplaced(self, key: Key, *, ways_out: bool = True) -> dict:
        """What stops `key` being placed: minimal rules (and other occurrences), and ways out."""
        hard = self.hard_rules()
        rules = self.minimal_rules(key, self.candidates([key], hard, others=False))
        result: dict = {"kind": "alone", "rules": rules or [], "others": []}
        context = self.context([key])
        if rules is None:
            result = self._programme_conflict(key, hard, context)
        result["facts"] = self.facts.facts_for(key, result["rules"], result["others"], context)
        result["text"] = self.facts.blocking_text(key, result)
        result["short"] = self.facts.short_unplaced(key, result)
        if ways_out:
            result["ways_out"] = self.ways_out(key, result, context)
        return result

    def _programme_conflict(self, key: Key, hard: set[str], context: dict[Key, Slot]) -> dict:
        here = self.solve(key, locked=context, optimise=True)
        if here.placed:
            return {"kind": "solver", "rules": [], "others": [], "slot": here.slots[key]}
        if here.status != IMPOSSIBLE:
            return {"kind": "undecided", "rules": [], "others": []}
        blockers = self.minimal_others(key, sorted(context), free=False)
        group = list(blockers)
        while True:
            status = self.solve(key, free=group).status
            if status == IMPOSSIBLE:
                break
            grown = sorted(set(group) | set(self.interactors([key, *group])))
            if grown == group or status == UNKNOWN:
                joint = self.solve(key, free=group, locked=self.context([key, *group], exclude=group),
                                   optimise=True)
                if joint.placed:
                    return {"kind": "solver", "rules": [], "others": [], "slot": joint.slots[key],
                            "moves": {k: v for k, v in joint.slots.items() if k != key and v != self.slots.get(k)}}
                return {"kind": "undecided", "rules": [], "others": blockers}
            group = grown
        others = self.minimal_others(key, group, free=True)
        rules = self.minimal_rules(key, self.candidates([key, *others], hard, others=True), free=others)
        return {"kind": "together", "rules": rules or [], "others": others}

    def ways_out(self, key: Key, result: dict, context: dict[Key, Slot]) -> list[dict]:
        out = []
        kind = result["kind"]
        if kind == "solver":
            slot = result["slot"]
            out.append(self._way(key, None, "none", Outcome(PLACED, {key: slot, **result.get("moves", {})})))
            return out
        others = result["others"]
        locked = self.context([key, *others], exclude=others) if others else context
        for rule in result["rules"]:
            change = "soft" if BY_NAME[rule].may_be_soft else "off"
            outcome = self.solve(key, free=others, locked=locked, strengths={rule: change}, optimise=True)
            out.append(self._way(key, rule, change, outcome))
        for other in others:
            rest = [k for k in others if k != other]
            outcome = self.solve(key, free=rest, locked={k: v for k, v in locked.items() if k != other},
                                 optimise=True)
            out.append(self._way(key, None, "without", outcome, without=other))
        return out

    def _way(self, key: Key, rule: str | None, change: str, outcome: Outcome, without: Key | None = None) -> dict:
        way: dict = {"rule": rule, "change": change, "works": outcome.placed,
                     "without": {"meeting_id": without[0], "occurrence": without[1]} if without else None}
        way["apply"] = None
        if rule is not None:
            info = BY_NAME[rule]
            if change == "soft":
                weight = self.ds.settings.rules[rule].weight or HIGH_WEIGHT
                rules = {rule: {"strength": "soft", "weight": weight}}
                by_strict = self.strict and info.time_rule and rule not in self.base_strength
                if by_strict:
                    # settings.toml cannot soften a rule --strict hardens: drop --strict, keep the others hard
                    rules.update({r: {"strength": "hard"} for r in TIME_RULES if r != rule})
                toml = "; ".join(f"[rules.{r}] " + ", ".join(f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}"
                                                             for k, v in conf.items())
                                 for r, conf in rules.items())
                way["how"] = ("run without --strict, with settings.toml: " if by_strict else "settings.toml: ") + toml
                way["apply"] = {"settings_rules": rules, "strict": self.strict and not by_strict}
            else:
                way["how"] = RULE[rule].way_out_how or f"{rule} cannot be soft: {info.summary}"
        elif without is not None:
            way["how"] = (f"move {self.label(without)} to another period (window_start/window_end in "
                          "meetings.csv) or drop it")
        else:
            way["how"] = "run again with a longer --time-limit"
        if outcome.placed:
            slot = outcome.slots[key]
            moves = {k: v for k, v in outcome.slots.items() if k != key and v != self.slots.get(k)}
            soft, hard = self.broken_at(key, slot, moves, drop=without)
            way["placement"] = self.slot_json(key, slot)
            way["breaks"] = sorted(set(soft) | set(hard), key=RULE_NAMES.index)
            way["moves"] = [{"meeting_id": k[0], "occurrence": k[1], **self.slot_json(k, v)} for k, v in sorted(moves.items())]
        else:
            way["placement"] = None
            way["breaks"] = []
            way["moves"] = []
        way["text"] = self._way_text(key, way, outcome)
        return way

    def _way_text(self, key: Key, way: dict, outcome: Outcome) -> str:
        rule, change = way["rule"], way["change"]
        if rule is not None and change == "soft":
            lead = f"If {rule} were a preference (soft) rather than a must"
        elif rule is not None:
            lead = RULE[rule].way_out_lead or f"If {rule} were switched off"
        elif way["without"]:
            lead = f"Without {self.label((way['without']['meeting_id'], way['without']['occurrence']))}"
        else:
            lead = "Without changing anything"
        if not outcome.placed:
            return (f"{lead}, it still could not be placed: "
                    + ("the search gave up." if outcome.status == UNKNOWN
                       else "other rules or other meetings would still rule out every slot."))
        slot = outcome.slots[key]
        text = f"{lead}, it could go on {self.slot_text(key, slot)}"
        others = [r for r in way["breaks"] if r != rule]
        if rule is not None:
            text += f", breaking {rule}" if rule in way["breaks"] else f" (keeping {rule} there)"
        if others:
            text += f"; it would also break {join(others)}"
        if way["moves"]:
            moved = [f"{self.label((m['meeting_id'], m['occurrence']))} to {short_date(date.fromisoformat(m['date']))} "
                     f"{m['start']} at {m['venue_name']}" for m in way["moves"]]
            text += f"; this moves {join(moved)}"
        text += f". How: {way['how']}."
        return text

    def explain_placed(self, key: Key, *, alternatives: bool = True) -> dict:
        p = self.placements[key]
        m = self.ds.meetings[key[0]]
        slot = self.slots[key]
        relaxed = list(p.rules_relaxed)
        out: dict = {
            "rules_kept": [r for r in self.applicable(m) if r not in relaxed and r not in OBJECTIVE_ONLY],
            "rules_relaxed": relaxed,
            "travel": self.travel_summary(m, p.venue_id),
        }
        context = self.context([key])
        if relaxed:
            out["why_relaxed"] = self.why_relaxed(key, relaxed, context)
        if alternatives:
            out["alternatives"] = [self.alternative(key, slot, "venue", context),
                                   self.alternative(key, slot, "day", context)]
        return out

    def why_relaxed(self, key: Key, relaxed: list[str], context: dict[Key, Slot]) -> dict:
        series_level = [r for r in relaxed if r in RULE and RULE[r].whole_series]
        if series_level and len(series_level) == len(relaxed):
            # a rule over the whole series: the plan's finding says what the series does and why
            found = [f for f in check(self.ds, list(self.placements.values()), self.planning, strict=self.strict)
                     if (f.meeting_id, f.occurrence) == key and f.rule in series_level]
            text = " ".join(f"{f.rule}: the series {f.message}." for f in found)
            return {"unavoidable": True, "rules": series_level, "text": text}
        m = self.ds.meetings[key[0]]
        rules = [r for r in self.applicable(m) if r not in OBJECTIVE_ONLY]
        promote = (key[0],) if set(relaxed) & SPLIT_BY_ATTENDANCE else ()
        context = self._hardened_context(key, context)
        cands = self.candidates([key], set(rules), others=bool(context), promote=bool(promote))
        found = self.minimal_rules(key, cands, locked=context, promote=promote, last=relaxed)
        if found is None:
            every = self.solve(key, locked=context, strengths={r: "hard" for r in rules}, promote=promote,
                               optimise=True)
            res: dict = {"unavoidable": False, "rules": []}
            if every.placed:
                alt = every.slots[key]
                here = self.travel_summary(m, self.slots[key][2])["total_minutes"]
                there = self.travel_summary(m, alt[2])["total_minutes"]
                cost_here = self.solve(key, locked=context, optimise=True, pin=self.slots[key]).cost
                cost_there = self.solve(key, locked=context, optimise=True, pin=alt).cost
                res["keeps_all_at"] = self.slot_json(key, alt)
                if cost_here is not None and cost_there is not None and cost_there < cost_here:
                    res["text"] = (f"Every rule could be kept on {self.slot_text(key, alt)}, which is better "
                                   "overall: the solver's time limit stopped the search before it found it; run "
                                   "again with a longer --time-limit.")
                else:
                    res["text"] = (f"Every rule could be kept on {self.slot_text(key, alt)}, but that costs more"
                                   + (f": {there - here} more minutes of family travel" if there > here else
                                      " in travel fairness over the year")
                                   + "; the plan chose the lower total cost of rules and travel.")
            else:
                res["text"] = "The solver could not settle whether every rule could be kept."
            return res
        res = {"unavoidable": True, "rules": found,
               "facts": self.facts.facts_for(key, found, [], context, promote=bool(promote))}
        gave = [r for r in relaxed if r in found] or relaxed
        which = found[0] if len(found) == 1 else f"{join(found)} all at once"
        counting = " (counting the optional attendees too)" if promote else ""
        res["text"] = (f"No day, time and venue in {self.period_text(key)} keeps {which}{counting}: "
                       + " ".join(f["text"] for f in res["facts"])
                       + f" So {join(gave)} had to give way: the plan breaks the fewest and lightest rules.")
        return res

    def alternative(self, key: Key, slot: Slot, kind: str, context: dict[Key, Slot]) -> dict:
        d, t, v = slot
        m = self.ds.meetings[key[0]]
        here_cost = self.solve(key, locked=context, optimise=True, pin=slot).cost
        outcome = self.solve(key, locked=context, optimise=True,
                             forbid_venue=v if kind == "venue" else None, forbid_day=d if kind == "day" else None)
        res: dict = {"kind": kind, "found": outcome.placed}
        what = "venue" if kind == "venue" else "day"
        if not outcome.placed:
            res["text"] = (f"No other {what} is possible: the hard rules and the meetings around it leave only this one."
                           if outcome.status == IMPOSSIBLE else f"The search for another {what} gave up.")
            return res
        alt = outcome.slots[key]
        soft, hard = self.broken_at(key, alt)
        now = set(self.placements[key].rules_relaxed)
        here_travel = self.travel_summary(m, v)
        there_travel = self.travel_summary(m, alt[2])
        res.update({
            "placement": self.slot_json(key, alt),
            "rules_relaxed": soft,
            "newly_relaxed": [r for r in soft if r not in now],
            "no_longer_relaxed": [r for r in RULE_NAMES if r in now and r not in soft],
            "travel_total_minutes": there_travel["total_minutes"],
            "extra_travel_minutes": there_travel["total_minutes"] - here_travel["total_minutes"],
            "worst_minutes": there_travel["worst_minutes"],
            "extra_cost": (None if outcome.cost is None or here_cost is None
                           else round(outcome.cost - here_cost)),
        })
        res["text"] = self._alternative_text(key, res, kind, alt)
        return res

    def _alternative_text(self, key: Key, res: dict, kind: str, alt: Slot) -> str:
        lead = "Next-best venue" if kind == "venue" else "Next-best day"
        worse = []
        if res["newly_relaxed"]:
            worse.append(f"it would relax {join(res['newly_relaxed'])}")
        extra = res["extra_travel_minutes"]
        if extra > 0:
            worse.append(f"{extra} more minutes of family travel (longest journey {res['worst_minutes']} minutes)")
        better = []
        if res["no_longer_relaxed"]:
            better.append(f"it would keep {join(res['no_longer_relaxed'])}")
        if extra < 0:
            better.append(f"{-extra} fewer minutes of family travel")
        text = f"{lead}: {self.slot_text(key, alt)}"
        if worse:
            text += ": worse because " + "; ".join(worse)
            if better:
                text += " (though " + "; ".join(better) + ")"
        elif better:
            text += ": " + "; ".join(better) + ", but it costs more in the plan's balance of rules and travel"
        elif res["extra_cost"]:
            text += ": worse on the year's travel fairness or venue rotation"
        else:
            text += ": just as good; the plan's choice between them is a tie"
        return text + "."

    # -- facts in words -------------------------------------------------------------------------
