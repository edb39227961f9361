"""Today's date, the one place leafbind reads the clock; outputs never do.

Outputs take every date from the leaflet itself. Only commands that write a date into a source (`publish new`,
`publish edition`) or compare with today (`publish list --due`) ask for today, and they honour
SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/) so a scripted run can be
replayed.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from .errors import LeafbindError


def today() -> date:
    """The date of SOURCE_DATE_EPOCH (UTC) when it is set, else the local date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return date.today()
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise LeafbindError(f'SOURCE_DATE_EPOCH is "{epoch}": it must be a whole number of seconds since '
                            "1970-01-01 UTC (unset it to use today's date)") from None
