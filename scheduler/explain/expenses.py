"""What the families attending a meeting can claim: an estimate, from the `[expenses]` rates.

The framework says parent carers and young people are paid their expenses and, where the area
pays for involvement, their time. For each scheduled occurrence this adds up, over the parent
carers and young people invited (required or optional) who have a home location:
- the round trip at their travel mode's rate: by car, miles x `mileage_rate`; by public
  transport, two fares of `public_transport_fare`; by taxi, miles x `taxi_rate_per_mile`. Miles
  are the estimated road distance (straight line x the winding factor), both ways;
- `hourly_rate` x (the meeting's length + the journey both ways), when the area pays for time;
  the journey time is the measured one where travel_times.csv gives it.
Someone with no home location claims no travel (as they carry no travel cost), but is still paid
for the meeting's time. Each person's claim is rounded to the penny, so the figures add up: an
occurrence is the sum of its people, a series the sum of its occurrences.

It is an estimate: real claims follow real journeys and receipts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from scheduler.core.domain import Dataset, Placement, Plan
from scheduler.world.travel import Travel

KM_PER_MILE = Decimal("1.609344")
PENNY = Decimal("0.01")
MINUTES_PER_HOUR = Decimal(60)


def _money(value: float) -> Decimal:
    """A rate from settings as an exact decimal (0.45, not 0.450000000000000011...)."""
    return Decimal(repr(float(value)))


@dataclass(frozen=True)
class Claim:
    """One family member's estimated claim for one meeting, in pounds."""

    participant_id: str
    travel: Decimal
    time: Decimal

    @property
    def total(self) -> Decimal:
        return self.travel + self.time


@dataclass
class Expenses:
    """Estimates for the occurrences of one data set (journeys are computed once and reused)."""

    ds: Dataset
    travel: Travel = field(init=False)

    def __post_init__(self) -> None:
        self.travel = Travel(self.ds)

    def claims(self, p: Placement) -> list[Claim]:
        """Each family member's claim for a scheduled occurrence (none for an unscheduled one)."""
        if not p.scheduled or p.venue_id not in self.ds.venues:
            return []
        s = self.ds.settings
        meeting = self.ds.meetings[p.occurrence.meeting_id]
        venue = self.ds.venues[p.venue_id]
        length = Decimal((p.end - p.start) if p.start is not None and p.end is not None else meeting.duration_minutes)
        hourly = _money(s.hourly_rate)
        out = []
        for pid in meeting.everyone:
            person = self.ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            km = self.travel.road_km(person, venue)
            travel = Decimal(0)
            if km is not None:
                miles = 2 * Decimal(repr(km)) / KM_PER_MILE
                if person.travel_mode == "public_transport":
                    travel = 2 * _money(s.public_transport_fare)
                elif person.travel_mode == "taxi":
                    travel = miles * _money(s.taxi_rate_per_mile)
                else:
                    travel = miles * _money(s.mileage_rate)
            minutes = self.travel.person_to_venue(person, venue)
            time = hourly * (length + 2 * Decimal(minutes or 0)) / MINUTES_PER_HOUR
            out.append(Claim(pid, travel.quantize(PENNY, ROUND_HALF_UP), time.quantize(PENNY, ROUND_HALF_UP)))
        return out

    def estimate(self, p: Placement) -> Decimal | None:
        """The occurrence's estimate in pounds; None when it is not scheduled."""
        if not p.scheduled:
            return None
        return sum((c.total for c in self.claims(p)), Decimal("0.00"))


_LAST: list[Expenses] = []


def expenses_for(ds: Dataset) -> Expenses:
    """The estimator of this data set, reused while the same data set is being written out."""
    if not _LAST or _LAST[0].ds is not ds:
        _LAST[:] = [Expenses(ds)]
    return _LAST[0]


def pounds(value: Decimal | None) -> str:
    """'12.30' for proposals.csv; '' for no estimate."""
    return "" if value is None else f"{value.quantize(PENNY, ROUND_HALF_UP):.2f}"


def plan_totals(ds: Dataset, plan: Plan) -> tuple[dict[str, Decimal], Decimal]:
    """The estimate by series (meeting_id, in data order, series with a scheduled occurrence) and in all."""
    estimator = expenses_for(ds)
    found: dict[str, Decimal] = {}
    for p in plan.scheduled:
        mid = p.occurrence.meeting_id
        found[mid] = found.get(mid, Decimal("0.00")) + estimator.estimate(p)
    by_series = {mid: found[mid] for mid in ds.meetings if mid in found}
    return by_series, sum(by_series.values(), Decimal("0.00"))


def expenses_line(ds: Dataset, plan: Plan) -> str:
    """One line for the terminal summary."""
    _, total = plan_totals(ds, plan)
    return f"Family expenses (estimate): about £{total:,.2f} in all; by series in report.html"
