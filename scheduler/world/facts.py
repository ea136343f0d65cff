"""Facts about one placement that both the solver and the validator need, kept free of either.

Who attends and which needs a venue does not confirm. A rule's own test (the young people's
window, step-free with a hoist toilet, ...) lives in its home in `scheduler/rules/`.
"""

from __future__ import annotations

from scheduler.core.domain import Dataset, Meeting, Participant, Venue


def attendees(ds: Dataset, meeting: Meeting) -> list[Participant]:
    return [ds.participants[p] for p in meeting.everyone if p in ds.participants]


def missing_features(venue: Venue, people: list[Participant]) -> dict[str, list[str]]:
    """Need -> ids of the people who need it, for needs this venue does not confirm."""
    out: dict[str, list[str]] = {}
    for p in people:
        for need in sorted(p.needs):
            if not venue.has(need):
                out.setdefault(need, []).append(p.participant_id)
    return out
