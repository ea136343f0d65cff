"""The facts behind each rule, in words: what the rules' own sentences are given to work with.

`Facts` is the view a rule's `fact` and `gist` (in `scheduler/rules/`) receive: the data, what
each occurrence could be and what its value rules leave, the smallest core of needs, people and
rules that empties a choice, and the meetings around it. The assembled texts (the blocking text,
the short reason) are built here from the rules' sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from scheduler.core.domain import Meeting, hhmm
from scheduler.core.wording import join, plural, short_date
from scheduler.explain.search import UNARY_KIND, Domain, Key, Search, Slot, period_words
from scheduler.rules import RULE, VALUE_RULES
from scheduler.rules.base import Rule
from scheduler.rules.phrases import ids, weekday_plural


class Facts:
    """What the rules' sentences see of an explanation in progress."""

    def __init__(self, search: Search):
        self.search = search
        self.ds = search.ds
        self.cal = search.cal
        self.travel = search.travel
        self.planning = search.planning

    def domain(self, key: Key) -> Domain:
        return self.search.domain(key)

    def label(self, key: Key) -> str:
        return self.search.label(key)

    def period_text(self, key: Key) -> str:
        return self.search.period_text(key)

    def slot_text(self, key: Key, slot: Slot) -> str:
        return self.search.slot_text(key, slot)

    # -- what the value rules leave ------------------------------------------------------------
    def remaining(self, key: Key, rules: Iterable[str], promote: bool) -> dict[str, list]:
        """The days, start times and venues of `key` that the value rules among `rules` leave."""
        dom = self.domain(key)
        left = {}
        for kind in ("day", "time", "venue"):
            values = dom.values(kind)
            gone = set().union(*(dom.removed(r, promote) for r in rules if UNARY_KIND.get(r) == kind))
            left[kind] = [v for v in values if v not in gone]
        return left

    def core(self, key: Key, kind: str, rules: list[str], promote: bool) -> set[tuple[str, str]] | None:
        """When the value rules of one kind alone leave nothing: the fewest (rule, who or what)
        restrictions that do it (a need, a person, or a whole rule with who ""), else None."""
        values = set(self.domain(key).values(kind))
        restrictions = [(r.name, label, allowed) for r in VALUE_RULES
                        if r.pure and r.kind == kind and r.name in rules
                        for label, allowed in r.restrictions(self, key, promote)]
        restrictions = [x for x in restrictions if x[2] != values]
        if not restrictions or set.intersection(values, *(x[2] for x in restrictions)):
            return None
        # The least restrictive go first; ties by who (days) or by rule then who (venues), as before.
        order = (lambda x: (-len(x[2]), x[1] or x[0])) if kind == "day" else (lambda x: (-len(x[2]), x[0], x[1]))
        active = list(restrictions)
        for x in sorted(restrictions, key=order):
            trial = [y for y in active if y is not x]
            if trial and not set.intersection(values, *(y[2] for y in trial)):
                active = trial
        return {(x[0], x[1]) for x in active}

    def pair_fact(self, key: Key, rule: Rule, others: list[Key], context: dict[Key, Slot]) -> str:
        """A rule between occurrences, in words: its lead, then one line per meeting around."""
        slots = self.search.slots
        around = [(o, slots.get(o), True) for o in others] + [(o, s, False) for o, s in sorted(context.items())]
        seen = set()
        lines = []
        for o, slot, free in around:
            if o in seen:
                continue
            seen.add(o)
            where = (f"in {self.period_text(o)} (it can move)" if free or slot is None
                     else f"on {self.slot_text(o, slot)}")
            line = rule.pair_line(self, key, o, slot, free, where)
            if line:
                lines.append(line)
        if not lines:
            return ""
        return f"{rule.pair_lead(self.ds.meetings[key[0]])}: " + "; ".join(lines) + "."

    # -- the facts of an explanation ------------------------------------------------------------
    def facts_for(self, key: Key, rules: list[str], others: list[Key], context: dict[Key, Slot],
                  promote: bool = False) -> list[dict]:
        """One sentence per rule, with the numbers that matter, for the target and its partners."""
        out = []
        dom = self.domain(key)
        keys = [key, *others]

        def add(group: list[str]) -> None:
            for r in group:
                for k in keys:
                    text = RULE[r].fact(self, k, rules, keys, context, promote)
                    if text:
                        prefix = "" if k == key or len(keys) == 1 else f"{self.label(k)}: "
                        out.append({"rule": r, "meeting_id": k[0], "occurrence": k[1], "text": prefix + text})

        # The value rules first (what each removes), then what they leave, then the rest.
        add([r for r in rules if r in UNARY_KIND])
        left = self._left(key, rules, promote) if not others else ""
        if left:
            out.append({"rule": "", "meeting_id": key[0], "occurrence": key[1], "text": left})
        add([r for r in rules if r not in UNARY_KIND])
        if others:
            out.extend(self._shared_facts(key, others))
        if not rules and not others and not dom.choice.times:
            for rule in RULE.values():
                text = rule.no_time_fits(dom.meeting)
                if text:
                    out.append({"rule": rule.name, "meeting_id": key[0], "occurrence": key[1], "text": text})
                    break
        return out

    def _left(self, key: Key, rules: list[str], promote: bool) -> str:
        if not any(r in UNARY_KIND for r in rules):
            return ""
        left = self.remaining(key, rules, promote)
        dom = self.domain(key)
        parts = []
        for kind in ("venue", "day", "time"):
            if not any(UNARY_KIND.get(r) == kind for r in rules):
                continue
            values = left[kind]
            if not values:
                return ""  # the fact that emptied it already says so
            if kind == "venue":
                parts.append(self._venues_phrase(values))
            elif kind == "day":
                parts.append(self._days_phrase(values, len(dom.choice.days)))
            else:
                parts.append(self._times_phrase(values, dom.meeting))
        if not parts:
            return ""
        return f"That leaves {join(parts)}."

    def _venues_phrase(self, vids: list[str]) -> str:
        if len(vids) <= 4:
            return plural(len(vids), "venue") + ": " + join(f"{self.ds.venues[v].name} ({v})" for v in vids)
        return plural(len(vids), "venue")

    def _days_phrase(self, days: list[date], of: int | None = None) -> str:
        if not days:
            return "no day"
        weekdays = sorted({d.weekday() for d in days})
        count = (f"{len(days)} of the {of} days" if of is not None and of != len(days)
                 else plural(len(days), "day"))
        if len(days) <= 4:
            return f"{count}: {join(short_date(d) for d in days)}"
        text = f"{count}, from {short_date(days[0])} to {short_date(days[-1])}"
        if len(weekdays) < 5:
            text += f" ({join(weekday_plural(w) for w in weekdays)} only)"
        return text

    def _times_phrase(self, times: list[int], meeting: Meeting) -> str:
        if not times:
            return "no start time"
        if len(times) == 1:
            return f"one start time, {hhmm(times[0])}"
        return f"start times from {hhmm(min(times))} to {hhmm(max(times))}"

    def _shared_facts(self, key: Key, others: list[Key]) -> list[dict]:
        out = []
        m = self.ds.meetings[key[0]]
        for o in others:
            mo = self.ds.meetings[o[0]]
            shared = sorted(set(m.attendees) & set(mo.attendees))
            if shared and o[0] != key[0]:
                out.append({"rule": "", "meeting_id": o[0], "occurrence": o[1],
                            "text": f"{self.label(key)} and {self.label(o)} both need {ids(shared)} (required)."})
        return out

    # -- assembled texts ---------------------------------------------------------------------------
    def blocking_text(self, key: Key, result: dict) -> str:
        kind = result["kind"]
        period = self.period_text(key)
        if kind == "solver":
            return (f"It can be placed on {self.slot_text(key, result['slot'])}, but the solver's time limit "
                    "stopped the search before it found that; run again with a longer --time-limit.")
        if kind == "undecided":
            return ("It can be placed on its own, but the search could not settle which other meetings stop it "
                    "within its limits; run schedule explain with a longer --time-limit.")
        rules = result["rules"]
        body = " ".join(f["text"] for f in result["facts"])
        if kind == "together":
            names = join(self.label(o) for o in result["others"])
            verb = "rules" if len(rules) == 1 else "together rule"
            return (f"It can be placed on its own, but not together with {names}: {join(rules)} "
                    f"{verb} out every day, time and venue that would hold them all. {body}").strip()
        if not rules:
            return f"Nothing in {period} can hold it. {body}".strip()
        verb = "rules" if len(rules) == 1 else "together rule"
        return f"{join(rules)} {verb} out every day, time and venue in {period}. {body}".strip()

    def short_unplaced(self, key: Key, result: dict) -> str:
        """The short form, for the reason column: no participant ids, needs or travel."""
        kind = result["kind"]
        period = period_words(self.search.occ_by_key[key])
        more = f" Run 'schedule explain {key[0]}' for the details and the nearest ways out."
        if kind == "solver":
            d, t, v = result["slot"]
            return (f"Not placed, but it could go on {d} at {v}: the solver's time limit stopped the search first; "
                    "run again with a longer --time-limit.")
        if kind == "undecided":
            return "Not placed: it fits on its own, but not with the other meetings around it." + more
        rules = result["rules"]
        gist = "; ".join(x for x in (RULE[r].gist(self, key, result["others"]) for r in rules) if x)
        if kind == "together":
            names = join(f"{o[0]} #{o[1]}" for o in result["others"])
            verb = "rules" if len(rules) == 1 else "together rule"
            text = (f"Not placed: it fits on its own, but not together with {names}; "
                    f"{join(rules)} {verb} out every slot for them all")
        elif rules:
            verb = "rules" if len(rules) == 1 else "together rule"
            text = f"Not placed: {join(rules)} {verb} out every day, time and venue in {period}"
        else:
            text = f"Not placed: no start time in {period} fits the meeting's length in any venue's opening hours"
        return text + (f" ({gist})" if gist else "") + "." + more
