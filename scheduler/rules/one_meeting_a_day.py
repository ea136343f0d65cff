"""one_meeting_a_day: no parent carer or young person has two meetings on one day.

Co-production is unpaid time out of family life (the framework warns of consultation fatigue);
two meetings in one day, even back to back at one venue, ask too much. A professional may have
several. An occurrence relaxes the rule when a parent carer or young person attending it
(required or optional) has another meeting that day; each such occurrence costs the weight once.

The model: for each pair of occurrences that share a family member and could fall on the same
day, one order literal says which comes first and two enforced rows put the later one on a later
day, unless the pair's `same day` literal is set; that literal marks both occurrences as relaxed.
The pairs are those `attendee_clash` also looks at (shared people, a common candidate day),
restricted to family members.
"""

from __future__ import annotations

from scheduler.core.domain import FAMILY_ROLES
from scheduler.rules.base import Breach, Rule, RuleInfo, key_of

ORGANISER_WEIGHT = 2_000


def family_of(ds, meeting) -> set[str]:
    """The parent carers and young people attending (required or optional)."""
    return {p for p in meeting.everyone if p in ds.participants and ds.participants[p].role in FAMILY_ROLES}


class OneMeetingADay(Rule):
    info = RuleInfo("one_meeting_a_day", "soft", ORGANISER_WEIGHT,
                    "no parent carer or young person has two meetings on one day")
    model_order = 180
    hint_depends = frozenset({"day"})  # what its greedy-start hooks look at
    between = True

    def applies(self, ds, meeting) -> bool:
        return bool(family_of(ds, meeting))

    def _pairs(self, ctx):
        by_person: dict[str, list[int]] = {}
        choices = ctx.choices
        family = [family_of(ctx.ds, c.meeting) if (c.days and c.times and c.venues) else set() for c in choices]
        for i, people in enumerate(family):
            for p in people:
                by_person.setdefault(p, []).append(i)
        pairs: set[tuple[int, int]] = set()
        for idx in by_person.values():
            pairs.update((i, j) for n, i in enumerate(idx) for j in idx[n + 1:])
        day_sets: dict[int, set] = {}
        for i, j in sorted(pairs):
            a, b = choices[i], choices[j]
            da = day_sets.setdefault(i, a.day_set)
            db = day_sets.setdefault(j, b.day_set)
            if da & db:
                yield a, b

    def constrain(self, ctx):
        strength = self.strength(ctx)
        if strength == "off":
            return []
        m = ctx.model
        out = []
        relaxed_at: dict[tuple[str, int], object] = {}

        def relaxed_of(c):
            if c.key not in relaxed_at:
                relaxed_at[c.key] = m.NewBoolVar(f"relaxed.{c.name}.{self.name}")
                out.append(self.penalty(ctx, c, relaxed_at[c.key], f"{c.name}.{self.name}"))
            return relaxed_at[c.key]

        for a, b in self._pairs(ctx):
            if strength == "hard" and a.fixed and b.fixed:
                continue  # both kept as given: the validator reports them
            label = f"{a.name}~{b.name}"
            first = m.NewBoolVar(f"order.{label}.{self.name}")
            enforce = [a.placed, b.placed]
            if strength == "soft":
                same = m.NewBoolVar(f"same_day.{label}")
                enforce.append(same.Not())
                m.AddImplication(same, relaxed_of(a))
                m.AddImplication(same, relaxed_of(b))
            m.Add(b.day_index >= a.day_index + 1).OnlyEnforceIf(enforce + [first])
            m.Add(a.day_index >= b.day_index + 1).OnlyEnforceIf(enforce + [first.Not()])
        return out

    def hint_diary_cost(self, ctx, c, diary, d, t, vid) -> int:
        """The greedy start avoids a family member's second meeting of the day where it can."""
        if self.strength(ctx) == "off":
            return 0
        mine = self._family(ctx, c.meeting)
        same = mine and any(mine & self._family(ctx, ctx.by_key[k].meeting) for k in diary.by_day.get(d, ()))
        return 2 * ctx.weight(self.name) if same else 0  # both meetings of the day relax it

    def _family(self, ctx, meeting) -> frozenset[str]:
        key = (self.name, meeting.meeting_id, "family")  # once per series
        if key not in ctx.verdicts:
            ctx.verdicts[key] = frozenset(family_of(ctx.ds, meeting))
        return ctx.verdicts[key]

    def check_plan(self, ck, rows):
        by_day: dict = {}
        for p in rows:
            if p.scheduled:
                by_day.setdefault(p.day, []).append(p)
        for day, same in sorted(by_day.items()):
            same.sort(key=lambda p: (p.start, p.occurrence.meeting_id, p.occurrence.number))
            family = {key_of(p): family_of(ck.ds, ck.ds.meetings[p.occurrence.meeting_id]) for p in same}
            for p in same:
                others = [q for q in same if q is not p and family[key_of(p)] & family[key_of(q)]]
                if others:
                    who = sorted(set().union(*(family[key_of(p)] & family[key_of(q)] for q in others)))
                    names = ", ".join(f"{q.occurrence.meeting_id} #{q.occurrence.number}" for q in others)
                    yield Breach(key_of(p), f"{', '.join(who[:5])}{' and others' if len(who) > 5 else ''} "
                                            f"also {'has' if len(who) == 1 else 'have'} {names} on {day}")

    def fact(self, ex, key, rules, keys, context, promote) -> str:
        return ("Parent carers and young people have at most one meeting a day, so days on which they "
                "already meet are avoided.")

    def gist(self, ex, key, others) -> str:
        return "a parent carer or young person already has a meeting that day"

    def relaxed_reason(self, ctx, c) -> str:
        return "the days free of the family members' other meetings are taken or break heavier rules"

    def report_why(self, ds, p) -> str:
        return "every other day kept fewer of the framework's rules"


RULE = OneMeetingADay()
