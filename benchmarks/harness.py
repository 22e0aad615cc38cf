"""Shared setup for benchmarks: Django on a throwaway database, timing and printing helpers."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def django_database(name: str = "bench") -> Iterator[str]:
    """Set up Django and a fresh test database (SQLite file or PostgreSQL, per DATABASE_URL).

    ``name`` keeps benchmarks apart: each gets its own database, never the test suite's.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    os.environ.setdefault("DUBAN_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DUBAN_DEBUG", "0")  # as in production: no per-query logging in the timings
    os.environ.setdefault("DUBAN_VAR_DIR", tempfile.mkdtemp(prefix="duban-bench-"))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from service.celery import app

    setup_test_environment()
    app.conf.task_always_eager = True
    if connection.vendor != "sqlite":  # never the database the test suite creates
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_duban_{name}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from workflows.processes.services.definitions import definition_deploy_folder

    definition_deploy_folder(folder=ROOT / "bpmn")
    try:
        yield f"{connection.vendor} ({name})"
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall times in milliseconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def line(label: str, values: list[float]) -> str:
    return (f"{label:<44} n={len(values):<4} p50={statistics.median(values):8.2f} ms  "
            f"p95={p(values, 95):8.2f} ms")
