"""A process's names and documentation in the reader's language.

An element's own ``name`` and documentation are its text in the file's language; a deployed
definition keeps the other languages its file gives (``<duban:localization>``, see
workflows/engine/localization.py) in ``ProcessDefinition.texts``. A definition never changes once
deployed, so its texts are read once per process (a bounded cache).
"""
from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language

from workflows.engine.localization import normal_locale

from .models import HumanTask, ProcessDefinition


@lru_cache(maxsize=256)
def _texts(definition_id: int) -> dict:
    return ProcessDefinition.objects.filter(pk=definition_id).values_list("texts", flat=True).first() or {}


def _candidates(language: str) -> tuple[str, ...]:
    language = normal_locale(language)
    base = language.split("-")[0]
    if base == "zh":  # the spellings files use for Simplified Chinese
        return (language, "zh-hans", "zh-cn", "zh")
    return (language, base) if base != language else (language,)


def element_text(definition_id: int | None, element_id: str, field: str, default: str,
                 language: str | None = None) -> str:
    """``field`` (name or documentation) of the element in ``language`` (the active one), else ``default``."""
    if not definition_id:
        return default
    texts = _texts(definition_id).get(element_id) or {}
    for locale in _candidates(language or get_language() or ""):
        if texts.get(locale, {}).get(field):
            return texts[locale][field]
    return default


def task_name(task: HumanTask, language: str | None = None) -> str:
    return element_text(task.instance.definition_id, task.bpmn_id, "name", task.name, language)


def task_documentation(task: HumanTask, language: str | None = None) -> str:
    return element_text(task.instance.definition_id, task.bpmn_id, "documentation", task.documentation, language)


def process_name(definition: ProcessDefinition, language: str | None = None) -> str:
    return element_text(definition.pk, definition.key, "name", definition.name, language)
