"""The engine Process for a definition version, parsed once per process and reused; the engine's limits."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from workflows.engine import Limits, Process

from .models import ProcessDefinition


def engine_limits() -> Limits:
    """What one process may ask of the engine, from the settings (the engine never reads them)."""
    return Limits(timer_min_interval=settings.DUBAN_TIMER_MIN_INTERVAL_SECONDS,
                  timer_max_repetitions=settings.DUBAN_TIMER_MAX_REPETITIONS,
                  max_subprocess_depth=settings.DUBAN_MAX_SUBPROCESS_DEPTH,
                  max_elements=settings.DUBAN_MAX_BPMN_ELEMENTS,
                  max_instances=settings.DUBAN_MAX_MULTI_INSTANCE)


@lru_cache(maxsize=256)
def _process(definition_id: int, spec: str, dialect: str, time_limit: float, memory_limit_mb: int,
             limits: Limits) -> Process:
    return Process(spec, dialect, time_limit, memory_limit_mb, limits)


def process_for(definition: ProcessDefinition) -> Process:
    """Definitions are immutable once deployed, so caching by id is safe."""
    return _process(definition.pk, definition.spec, definition.dialect, settings.DUBAN_SCRIPT_TIME_LIMIT,
                    settings.DUBAN_SCRIPT_MEMORY_LIMIT_MB, engine_limits())
