"""How far a quarter's opening has got: the schools that have their report out of those the plan holds.

Read from the reports themselves (no job row to keep in step), so the page shows what the workers
have really done, also after a worker crashed and a chunk was retried.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import CycleQuarter
from .services.schools import schools_of

STALLED_AFTER = dt.timedelta(minutes=10)  # unfinished this long after the schools went to the workers


@dataclass(frozen=True)
class Opening:
    quarter: CycleQuarter
    started: int  # schools whose report has been started
    total: int  # those, and the plan's schools still without one

    @property
    def done(self) -> bool:
        return self.quarter.opened_at is not None

    @property
    def under_way(self) -> bool:
        return not self.done and self.quarter.opening_started_at is not None

    @property
    def stalled(self) -> bool:
        started_at = self.quarter.opening_started_at
        return self.under_way and started_at is not None and timezone.now() - started_at > STALLED_AFTER

    @property
    def percent(self) -> int:
        return 100 if self.done or not self.total else min(99, self.started * 100 // self.total)


def quarter_opening(*, quarter: CycleQuarter) -> Opening:
    """Two counts: the quarter's reports, and the plan's schools without one."""
    started = quarter.reports.count()
    waiting = schools_of(quarter.cycle.plan).exclude(pk__in=quarter.reports.values("school_id")).count()
    return Opening(quarter=quarter, started=started, total=started + waiting)
