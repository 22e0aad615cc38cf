"""The engine Process for a definition version, parsed once per process and reused."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from workflows.engine import Process

from .models import ProcessDefinition


@lru_cache(maxsize=256)
def _process(definition_id: int, spec: str, dialect: str, time_limit: float, memory_limit_mb: int) -> Process:
    return Process(spec, dialect, time_limit, memory_limit_mb)


def process_for(definition: ProcessDefinition) -> Process:
    """Definitions are immutable once deployed, so caching by id is safe."""
    return _process(definition.pk, definition.spec, definition.dialect, settings.DUBAN_SCRIPT_TIME_LIMIT,
                    settings.DUBAN_SCRIPT_MEMORY_LIMIT_MB)
