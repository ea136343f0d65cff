"""young_people_venue: when a young person attends, the venue is step-free and has a hoist
toilet (the framework: lift access and hoist-assisted toilets "should be considered as
requirements")."""

from __future__ import annotations

from scheduler.core.domain import Dataset, Meeting, Placement, Venue
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import (
    HIGH_WEIGHT,
    REQUIRED,
    Breach,
    CheckContext,
    RuleInfo,
    ValueRule,
    key_of,
    roles,
)
from scheduler.rules.phrases import of, verb


def suitable(venue: Venue) -> bool:
    return venue.has("step_free") and venue.has("hoist_toilet")


class YoungPeopleVenue(ValueRule):
    info = RuleInfo("young_people_venue", "soft", HIGH_WEIGHT,
                    "venues for young people are step-free and have a hoist toilet")
    kind = "venue"
    model_order = 60

    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        return "young_person" in roles(ds, meeting)

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        return None if suitable(ctx.ds.venues[vid]) else REQUIRED

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is not None and self.applies(ck.ds, meeting) and not suitable(venue):
            yield Breach(key_of(p), f"{venue.venue_id} is not confirmed step-free with a hoist toilet")


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        dom = fx.domain(key)
        venues = dom.choice.venues
        removed = dom.removed(self.name, promote)
        if not removed:
            return ""
        ok = [v for v in venues if v not in removed]
        if not ok:
            return f"A young person attends, so the venue must be step-free with a hoist toilet; none of the {len(venues)} venues is."
        return ("A young person attends, so the venue must be step-free with a hoist toilet; "
                f"{of(len(ok), len(venues), 'venue')} {verb(len(ok), 'is', 'are')}"
                + (f" ({', '.join(ok)})." if len(ok) <= 6 else "."))

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        n, ok = len(dom.choice.venues), len(dom.choice.venues) - len(dom.removed(self.name))
        return f"{of(ok, n, 'venue')} {verb(ok, 'is', 'are')} step-free with a hoist toilet"


RULE = YoungPeopleVenue()
