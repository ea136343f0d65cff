"""county_spread: a series of 4 or more meetings uses at least `min_places` places over the year.

A programme that always meets in the same town asks the same families to travel every time.
Places are venues `place_km` (default 5 km) or more apart: the series uses k places when k of
the venues it meets at are pairwise at least that far apart (`world/places.py`; no clustering,
so the answer never depends on the order of venues.csv). The target is `min_places` (default 3),
lowered to what the venues open to the series on the hard rules can give, and to the number of
its meetings. A relaxed rule costs its weight once per series, on the series' last meeting.

The model: `uses[v]` may be set only where some meeting of the series is at venue v; at most one
of two venues under `place_km` apart may be set; when 4 or more meetings are placed, the venues
set must number the target, unless the series' `relaxed` literal is set.
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from itertools import combinations

from scheduler.core.settings import CountySpreadKeys
from scheduler.model.series import possible
from scheduler.rules.base import (
    Breach,
    Rule,
    RuleInfo,
    key_of,
    scheduled_series,
    series_choices,
)
from scheduler.world.places import Places

ORGANISER_WEIGHT = 2_000
MIN_MEETINGS = 4


def places_of(ds) -> Places:
    """One distance table per data set (the model and the validator each build their own)."""
    cached = getattr(ds, "_places", None)
    if cached is None or cached.ids != list(ds.venues):  # venues changed (a what-if): measure again
        cached = Places(ds)
        object.__setattr__(ds, "_places", cached)
    return cached


# The greedy start's view of each model: series -> (meetings it can place, its goal), and the
# answers already given for (occurrence, places so far, venue).
_HINT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def near_cliques(places: Places, venues: list[str], place_km: float) -> list[list[str]]:
    """Groups of venues all under `place_km` apart, covering every such pair (greedy, in id
    order): one at-most-one row per group is tighter and smaller than one row per pair."""
    near = {v: {w for w in venues if w != v and places.between(v, w) < place_km} for v in venues}
    left = {(a, b) for a, b in combinations(venues, 2) if b in near[a]}
    out = []
    for a, b in sorted(left):
        if (a, b) not in left:
            continue
        clique = [a, b]
        for w in venues:
            if w not in clique and all(w in near[x] for x in clique):
                clique.append(w)
        out.append(clique)
        left -= {(x, y) for x, y in combinations(sorted(clique), 2)}
    return out


def target(places: Places, venues, s, meetings: int) -> list[str]:
    """The places the series could use: at most min_places, and no more than its meetings."""
    return places.most_places(venues, s.place_km, min(s.min_places, meetings))


class CountySpread(Rule):
    info = RuleInfo("county_spread", "soft", ORGANISER_WEIGHT,
                    "a series of four or more meetings moves around the county (at least three places "
                    "5 km or more apart, where its venues allow)", keys=CountySpreadKeys)
    model_order = 160
    hint_depends = frozenset({"venue"})  # what its greedy-start hooks look at
    between = True
    within_series = True
    whole_series = True

    def applies(self, ds, meeting) -> bool:
        return meeting.recurrence != "once"

    def constrain(self, ctx):
        strength = self.strength(ctx)
        if strength == "off":
            return []
        m = ctx.model
        s = ctx.ds.settings
        places = places_of(ctx.ds)
        out = []
        for mid, group in series_choices(ctx).items():
            live = [c for c in group if possible(c)]
            if len(live) < MIN_MEETINGS:
                continue
            venues = sorted(set().union(*(c.venues for c in live)))
            goal = len(target(places, venues, s, len(group)))
            if goal <= 1:
                continue
            name = f"{mid}.{self.name}"
            uses = {}
            for v in venues:
                uses[v] = m.NewBoolVar(f"{name}.uses[{v}]")
                m.Add(uses[v] <= sum(c.venue_var(v) for c in live if v in c.venues))
            for clique in near_cliques(places, venues, s.place_km):
                m.AddAtMostOne(uses[v] for v in clique)
            # 4 or more placed; written so that all placed forces it even in the LP relaxation
            applies = m.NewBoolVar(f"{name}.applies")
            m.Add(sum(c.placed for c in live) - (MIN_MEETINGS - 1) <= (len(live) - MIN_MEETINGS + 1) * applies)
            if strength == "soft":
                relaxed = m.NewBoolVar(f"relaxed.{name}")
                m.Add(sum(uses.values()) + goal * relaxed >= goal * applies)
                out.append(self.penalty(ctx, live[-1], relaxed, name))
            else:
                m.Add(sum(uses.values()) >= goal * applies)
        return out

    def hint_diary_cost(self, ctx, c, diary, d, t, vid) -> int:
        """The greedy start sends a series' last meetings to new places when it still needs them:
        a venue that adds no place then costs the rule's weight."""
        if self.strength(ctx) == "off":
            return 0
        seen = _HINT.setdefault(ctx, {})
        mid = c.occ.meeting_id
        if mid not in seen:
            live = [x for x in series_choices(ctx).get(mid, []) if possible(x)]
            venues = set().union(*(x.venues for x in live)) if live else set()
            listed = len(series_choices(ctx).get(mid, []))
            goal = len(target(places_of(ctx.ds), venues, ctx.ds.settings, listed)) if len(live) >= MIN_MEETINGS else 0
            seen[mid] = (len(live), goal)
        meetings, goal = seen[mid]
        if goal <= 1:
            return 0
        placed = sorted({diary.placed[k][2] for k in diary.by_series.get(mid, ())})
        left = meetings - len(diary.by_series.get(mid, ()))
        key = (c.key, tuple(placed), vid)
        if key not in seen:
            places, s = places_of(ctx.ds), ctx.ds.settings
            have = len(places.most_places(placed, s.place_km, goal))
            need = goal - have
            seen[key] = need >= left and len(places.most_places([*placed, vid], s.place_km, goal)) <= have
        return ctx.weight(self.name) if seen[key] else 0

    # -- the validator --------------------------------------------------------------------------
    def check_plan(self, ck, rows):
        s = ck.ds.settings
        places = places_of(ck.ds)
        listed: dict[str, int] = {}
        for p in rows:
            listed[p.occurrence.meeting_id] = listed.get(p.occurrence.meeting_id, 0) + 1
        for mid, group in sorted(scheduled_series(rows).items()):
            if len(group) < MIN_MEETINGS:
                continue
            meeting = ck.ds.meetings[mid]
            could = target(places, usable_venues(ck, meeting, group), s, listed[mid])
            used = target(places, {p.venue_id for p in group}, s, listed[mid])
            if len(used) < len(could):
                yield Breach(key_of(group[-1]), spread_message(ck, meeting, group, used, could))

    # -- sentences ------------------------------------------------------------------------------
    def fact(self, ex, key, rules, keys, context, promote) -> str:
        s = ex.ds.settings
        return (f"A series of {MIN_MEETINGS} or more meetings uses at least {s.min_places} places "
                f"{s.place_km:g} km or more apart, where its venues allow.")

    def gist(self, ex, key, others) -> str:
        return "the series meets in too few places"

    def relaxed_reason(self, ctx, c) -> str:
        return "meeting in more places would break heavier rules"

    def report_why(self, ds, p) -> str:
        return "the venues far enough apart could not be used without breaking heavier rules"


def usable_venues(ck, meeting, group) -> set[str]:
    """Venues the hard rules leave open to the series: each venue is tried in place of a
    scheduled meeting's own, against every rule that judges a venue alone (the registry's venue
    value rules; a hard breach rules it out), and must be open for the meeting's length on some
    day of the series' periods (as the model's venue_open filter asks)."""
    probes = [r for r in ck.rules if getattr(r, "kind", None) == "venue" and getattr(r, "pure", False)]
    days = sorted({d for p in group for d in p.occurrence.planned.days()})
    out = set()
    for vid, venue in ck.ds.venues.items():
        if venue.open_until - venue.open_from < meeting.duration_minutes:
            continue
        if all(venue.is_closed_on(d) for d in days):
            continue
        probe = replace(group[0], venue_id=vid)
        if not any(_hard(ck, rule, b) for rule in probes for b in rule.check_placement(ck, probe, meeting)):
            out.add(vid)
    return out


def _hard(ck, rule, breach) -> bool:
    if breach.hard is not None:
        return breach.hard
    if breach.optional_only and rule.info.split_by_attendance:
        return False
    return rule.is_hard(ck.ds.settings, False)


def spread_message(ck, meeting, group, used, could) -> str:
    """Which places the series uses, which others it could have used, and why it did not."""
    s = ck.ds.settings
    places = places_of(ck.ds)
    where = sorted({p.venue_id for p in group})
    missing = [v for v in could if all(places.between(v, u) >= s.place_km for u in used)]
    text = (f"meets in {len(used)} place{'s' if len(used) != 1 else ''} {s.place_km:g} km or more apart "
            f"(venues {', '.join(where)}); the venues open to it allow {len(could)}")
    if missing:
        text += ": " + "; ".join(f"{v} {why_not(ck, meeting, group, v)}" for v in missing)
    return text


def why_not(ck, meeting, group, vid) -> str:
    """Why the series did not meet at `vid`: the rules a move there would break at every one of
    its meetings (beyond what that meeting already breaks), or that it only cost more."""
    broken: list[set[str]] = []
    for p in group:
        here = {r.name for r in ck.rules for _ in r.check_placement(ck, p, meeting)}
        there = {r.name for r in ck.rules for _ in r.check_placement(ck, replace(p, venue_id=vid), meeting)}
        extra = there - here
        if not extra:
            return "was possible on the rules that judge a meeting alone, but was taken or cost more travel"
        broken.append(extra)
    common = set.intersection(*broken) or set.union(*broken)
    return f"would break {', '.join(sorted(common))}"


RULE = CountySpread()
