"""The clock, on its own so that any layer may read it without importing the API.

Anything written into files takes the time from SOURCE_DATE_EPOCH when that variable is set (the
reproducible-builds convention), so that two runs can be compared byte for byte.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now_utc() -> datetime:
    """The clock for anything written into files: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def today_london() -> date:
    return datetime.now(tz=LONDON).date()
