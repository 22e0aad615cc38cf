"""Garbage-collector settings for long-running processes (gunicorn and Celery workers).

A worker holds some 120,000 objects once Django, DRF, SpiffWorkflow and the app are loaded; each
full collection walked them all, and a young-generation collection ran every couple of requests.
Freezing what startup built moves it out of every later collection (it lives as long as the
process anyway), and a larger first generation lets a request's short-lived objects die by
reference count before any collection looks at them. Cyclic garbage is still collected.
"""
from __future__ import annotations

import gc
import os

# Container objects allocated (net) before a young-generation collection; Python's default is 700.
YOUNG_THRESHOLD = 10_000


def tune_for_serving() -> None:
    """Call once the process has loaded what it serves with (app, URL conf, first specs)."""
    if os.environ.get("DUBAN_GC_TUNING", "1") == "0":
        return
    gc.collect()  # garbage made while loading is not frozen with the rest
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
