"""notice: no meeting sooner than `notice_days` (default 14) after planning starts.

Invitations, papers and travel arrangements need time: a plan made on 1 December should not
put a meeting on 4 December. Soft with a high weight: when a period lies wholly or mostly inside
the notice (planning from 1 December, an autumn-term meeting before the holidays), the meeting
is still placed, as late in its period as the other rules allow, and the relaxed rule says why.
"""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.core.settings import NoticeKeys
from scheduler.rules.base import REQUIRED, Breach, RuleInfo, ValueRule, key_of
from scheduler.rules.closure_days import ORGANISER_HIGH_WEIGHT


def notice_from(first: date, notice_days: int) -> date:
    """The first day with enough notice when planning starts on `first`."""
    return first + timedelta(days=notice_days)


def too_soon(first: date, notice_days: int, d: date) -> bool:
    # A kept placement from before planning started is history, not short notice.
    return first <= d < notice_from(first, notice_days)


class Notice(ValueRule):
    info = RuleInfo("notice", "soft", ORGANISER_HIGH_WEIGHT,
                    "meetings are at least two weeks after planning starts, so invitations go out in time",
                    keys=NoticeKeys)
    kind = "day"
    model_order = 34  # priced with the framework's day rules, so the least-compromise cut counts it
    per_meeting = False  # depends on when planning starts, which differs between models
    # A meeting already sent out had its notice: a later what-if does not move it for this.
    reason_to_move = False

    def verdict(self, ctx, c, d: date) -> str | None:
        return REQUIRED if too_soon(ctx.planning.first, ctx.ds.settings.notice_days, d) else None

    def check_placement(self, ck, p, meeting):
        n = ck.ds.settings.notice_days
        if too_soon(ck.planning.first, n, p.day):
            yield Breach(key_of(p), f"{p.day} is only {(p.day - ck.planning.first).days} days after planning "
                                    f"starts ({ck.planning.first}); invitations need {n} days")

    def _period_text(self, first: date, n: int, days: list[date]) -> str:
        ok = notice_from(first, n)
        late = [d for d in days if d >= ok]
        if not late:
            return (f"planning starts on {first:%-d %B %Y} and the period ends on {max(days):%-d %B %Y}, "
                    f"before {n} days' notice can be given (from {ok:%-d %B})")
        return f"{len(days) - len(late)} of the {len(days)} days in the period are within {n} days of {first:%-d %B %Y}"

    def fact(self, ex, key, rules, keys, context, promote) -> str:
        dom = ex.domain(key)
        days = dom.choice.days
        n = ex.ds.settings.notice_days
        if not days or not any(too_soon(ex.planning.first, n, d) for d in days):
            return ""
        return f"Invitations need {n} days' notice: {self._period_text(ex.planning.first, n, days)}."

    def gist(self, ex, key, others) -> str:
        return f"too soon after planning starts to give {ex.ds.settings.notice_days} days' notice"

    def relaxed_reason(self, ctx, c) -> str:
        n = ctx.ds.settings.notice_days
        if c.days and all(too_soon(ctx.planning.first, n, d) for d in c.days):
            return self._period_text(ctx.planning.first, n, c.days)
        return f"the days {n} or more days after planning starts are taken or break heavier rules"

    def report_why(self, ds, p) -> str:
        return "its period ends too soon after planning starts for the usual notice"


RULE = Notice()
