"""papers_ahead: papers go out `papers_days` days before the meeting, moved earlier to a working
day, and not before the start of planning (`--from`)."""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Dataset, Meeting, Placement
from scheduler.core.wording import short_date
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of


class PapersAhead(ValueRule):
    info = RuleInfo("papers_ahead", "hard", 0,
                    "papers can go out on a working day before the meeting, after planning starts")
    kind = "day"
    model_order = 10
    # Papers that already went out stay out: a what-if does not move a meeting for them.
    reason_to_move = False

    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        return meeting.papers_days > 0

    def verdict(self, ctx: ModelContext, c: Choice, d: date) -> str | None:
        due = ctx.cal.papers_due(d, c.meeting.papers_days)
        return REQUIRED if due is not None and due < ctx.planning.first else None

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        due = ck.cal.papers_due(p.day, meeting.papers_days)
        if meeting.papers_days > 0:
            if due is not None and due < ck.planning.first:
                yield Breach(key_of(p), f"papers would be due {due}, before planning starts on {ck.planning.first}")
            if p.papers_due != due:
                yield Breach(key_of(p), f"papers_due is {p.papers_due or 'empty'} but should be {due}")
        elif p.papers_due is not None:
            yield Breach(key_of(p), "papers_due is set but the meeting has no papers")


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        dom = fx.domain(key)
        removed = dom.removed(self.name, promote)
        if not removed:
            return ""
        days = dom.choice.days
        ok = [d for d in days if d not in removed]
        head = (f"Papers go out {dom.meeting.papers_days} days before the meeting, on a working day, and not before "
                f"planning starts on {fx.planning.first}")
        if not ok:
            return f"{head}: no day in the period leaves time for them."
        return f"{head}: so the meeting cannot be before {short_date(ok[0])} ({len(removed)} of the {len(days)} days are too early)."

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        return f"papers cannot go out in time for {len(dom.removed(self.name))} of the {len(dom.choice.days)} days"


RULE = PapersAhead()
