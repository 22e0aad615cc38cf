"""The bounds a process is deployed and run under: plain values the caller passes in.

The engine never reads settings; the service builds one ``Limits`` from its own and hands it to
``compile_package`` and ``Process``. The defaults are the service's defaults.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Text, gettext_noop, text


@dataclass(frozen=True)
class Limits:
    """What one process may ask of the engine."""

    timer_min_interval: float = 60.0  # seconds between two repetitions of a timer cycle
    timer_max_repetitions: int = 1000  # repetitions of one timer cycle; ``R/…`` (no count) repeats this often
    max_subprocess_depth: int = 20  # subprocesses and call activities nested in one instance
    max_elements: int = 5000  # flow elements (tasks, events, gateways, flows, …) in one BPMN file
    max_instances: int = 10_000  # instances one multi-instance activity starts (cardinality or collection)


_UNITS = (
    (3600, gettext_noop("%(count)s hour"), gettext_noop("%(count)s hours")),
    (60, gettext_noop("%(count)s minute"), gettext_noop("%(count)s minutes")),
)
_SECOND, _SECONDS = gettext_noop("%(count)s second"), gettext_noop("%(count)s seconds")


def duration_text(seconds: float) -> Text:
    """``60`` → ``1 minute``, ``0.001`` → ``0.001 seconds``: a bound as a person reads it (English as str)."""
    for size, one, many in _UNITS:
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return text(one if count == 1 else many, count=count)
    return text(_SECOND if seconds == 1 else _SECONDS, count=f"{seconds:g}")
