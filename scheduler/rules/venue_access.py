"""venue_access: the venue has every feature that any attendee needs (`needs` in participants),
and is one of the meeting's allowed venues."""

from __future__ import annotations

from scheduler.core.domain import FEATURE_LABELS, Meeting, Placement
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of
from scheduler.rules.phrases import ids, of, verb
from scheduler.world import facts


class VenueAccess(ValueRule):
    info = RuleInfo("venue_access", "hard", 0, "the venue has every access feature that an attendee needs")
    kind = "venue"
    model_order = 50

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        key = (self.name, c.occ.meeting_id, "needs")  # once per series, not per venue
        if key not in ctx.verdicts:
            ctx.verdicts[key] = sorted({n for p in facts.attendees(ctx.ds, c.meeting) for n in p.needs})
        venue = ctx.ds.venues[vid]
        return REQUIRED if any(not venue.has(n) for n in ctx.verdicts[key]) else None

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is None:
            return
        if meeting.venues is not None and venue.venue_id not in meeting.venues:
            yield Breach(key_of(p), f"{venue.venue_id} is not one of the meeting's allowed venues")
        for need, who in facts.missing_features(venue, facts.attendees(ck.ds, meeting)).items():
            yield Breach(key_of(p), f"{venue.venue_id} does not confirm {need}, needed by {', '.join(who)}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return f"{venue} no longer has every access feature the attendees need"


    # -- sentences -----------------------------------------------------------------------------
    def restrictions(self, fx, key, promote):
        """One per need: the venues that confirm it."""
        dom = fx.domain(key)
        venues = set(dom.choice.venues)
        needs = sorted({n for p in facts.attendees(fx.ds, dom.meeting) for n in p.needs})
        return [(n, {v for v in venues if fx.ds.venues[v].has(n)}) for n in needs]

    def fact(self, fx, key, rules, keys, context, promote) -> str:
        ds = fx.ds
        dom = fx.domain(key)
        venues = dom.choice.venues
        core = fx.core(key, "venue", rules, promote)
        needs: dict[str, list[str]] = {}
        for p in facts.attendees(ds, dom.meeting):
            for need in sorted(p.needs):
                needs.setdefault(need, []).append(p.participant_id)
        parts = []
        for need, pids in sorted(needs.items()):
            have = [v for v in venues if ds.venues[v].has(need)]
            if len(have) == len(venues) or (core is not None and (self.name, need) not in core):
                continue
            label = FEATURE_LABELS.get(need, need)
            said = "needs" if len(pids) == 1 else "need"
            if have:
                parts.append(f"{ids(pids)} {said} {label}; {of(len(have), len(venues), 'venue')} "
                             f"{verb(len(have), 'confirms', 'confirm')} it" + (f" ({', '.join(have)})" if len(have) <= 6 else ""))
            else:
                parts.append(f"{ids(pids)} {said} {label}; none of the {len(venues)} venues confirms it")
        return ("; ".join(parts) + ".") if parts else ""

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        n, ok = len(dom.choice.venues), len(dom.choice.venues) - len(dom.removed(self.name))
        return f"{of(ok, n, 'venue')} {verb(ok, 'has', 'have')} the access features needed"


RULE = VenueAccess()
