"""Reporting cycles that stopped moving: a quarter past its deadline still open, or a cycle whose
quarters all closed while its instance still waits for one to close."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from .models import CycleQuarter, ReportingCycle

# the scheduler closes a quarter at its next tick after the deadline; an hour later it is stuck
GRACE = dt.timedelta(hours=1)


def cycle_problems(*, now: dt.datetime | None = None) -> Iterator[str]:
    now = now or timezone.now()
    late = (CycleQuarter.objects.filter(cycle__status=ReportingCycle.Status.OPEN, closed_at__isnull=True,
                                        closes_at__lt=now - GRACE)
            .select_related("cycle").order_by("cycle_id", "quarter"))
    for quarter in late:
        yield (f"cycle {quarter.cycle_id} ({quarter.cycle.year} H{quarter.cycle.half}): quarter {quarter.quarter} "
               f"passed its deadline {quarter.closes_at:%Y-%m-%d %H:%M} and is not closed")
    open_cycles = ReportingCycle.objects.filter(status=ReportingCycle.Status.OPEN, instance__isnull=False,
                                                instance__subscriptions__kind="message",
                                                instance__subscriptions__name="quarter_closed").distinct()
    for cycle in open_cycles.order_by("pk"):
        if not cycle.quarters.filter(closed_at__isnull=True).exists():
            yield (f"cycle {cycle.pk} ({cycle.year} H{cycle.half}): every quarter closed, but its instance "
                   f"{cycle.instance_id} still waits for quarter_closed")
