"""The worker's heartbeat: when the timer sweep last ran (read by the readiness endpoint)."""
from __future__ import annotations

import time

from django.core.cache import cache

SWEEP_KEY = "duban:last-sweep"


def note_sweep() -> None:
    cache.set(SWEEP_KEY, time.time(), None)


def seconds_since_sweep() -> float | None:
    last = cache.get(SWEEP_KEY)
    return round(time.time() - last, 1) if last else None
