"""Timer cycles (``R3/PT1H``): how often and how many times they may repeat, and the engine held to it.

SpiffWorkflow fires a cycle whenever its next due time has passed, and every task the engine
completes looks at the waiting timers again: a cycle shorter than an engine step (``R/PT0.001S``)
fires without end inside one step, and one overdue by many intervals fires all of them at once.
Here a cycle fires at most one repetition per step: its next due time is then the next repetition,
even if already past, and the next timer sweep fires that one. A value (literal or built by an
expression) must repeat no faster than the minimum interval and no more often than the maximum;
``R/…`` without a count, which Camunda and Flowable repeat for as long as the activity waits,
repeats the maximum number of times.
"""
from __future__ import annotations

import re
from typing import Any
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import Text, gettext_noop, text
from .limits import Limits, duration_text

_COUNT = re.compile(r"^\s*R(-?\d*)/", re.IGNORECASE)
# The cycle timer tasks that fired in the step a workflow object is loaded for (one object per step).
_FIRED: WeakKeyDictionary[Any, set] = WeakKeyDictionary()


def parse_cycle(value: str) -> tuple[int | None, float] | None:
    """(repetitions, seconds between them) of an ISO 8601 repeating interval; repetitions None when
    the value sets no count (``R/PT1H``); None for a value that is no repeating interval."""
    match = _COUNT.match(value)
    if match is None:
        return None
    try:
        _cycles, _start, interval = TimerEventDefinition.parse_iso_recurring_interval(value.strip())
    except Exception:  # not a repeating interval SpiffWorkflow reads: the engine reports it when it runs
        return None
    return (int(match.group(1)) if match.group(1) else None), interval.total_seconds()


def cycle_refusal(value: str, limits: Limits) -> str | None:
    """Why a timer cycle breaks the limits, as a sentence; None if it keeps them (or is no cycle)."""
    words = cycle_refusal_text(value, limits)
    return str(words) if words is not None else None


def cycle_refusal_text(value: str, limits: Limits) -> Text | None:
    """``cycle_refusal`` as a template and its params, for the reader's language."""
    parsed = parse_cycle(value)
    if parsed is None:
        return None
    repetitions, interval = parsed
    if repetitions is not None and repetitions < 0:
        return text(gettext_noop("the timer cycle %(value)s has a negative repetition count"), value=repr(value))
    return _refusal(text(gettext_noop("the timer cycle %(value)s"), value=repr(value)), repetitions, interval, limits)


def _refusal(cycle: Text, repetitions: int | None, interval: float, limits: Limits) -> Text | None:
    if interval <= 0:
        return text(gettext_noop("a timer cycle of zero length would fire without end"))
    if interval < limits.timer_min_interval:
        return text(gettext_noop("%(cycle)s repeats every %(interval)s; the shortest interval allowed is "
                                 "%(minimum)s (DUBAN_TIMER_MIN_INTERVAL_SECONDS)"),
                    cycle=cycle, interval=duration_text(interval), minimum=duration_text(limits.timer_min_interval))
    if repetitions is not None and repetitions > limits.timer_max_repetitions:
        return text(gettext_noop("%(cycle)s repeats %(count)s times; at most %(maximum)s repetitions "
                                 "are allowed (DUBAN_TIMER_MAX_REPETITIONS)"),
                    cycle=cycle, count=f"{repetitions:,}", maximum=f"{limits.timer_max_repetitions:,}")
    return None


def unbounded(value: str) -> bool:
    """A repeating interval without a count (``R/PT15M``)."""
    parsed = parse_cycle(value)
    return parsed is not None and parsed[0] is None


def hold_cycle(definition: Any, limits: Limits) -> None:
    """Hold one parsed cycle timer definition (a Process's own spec object) to ``limits``."""
    upstream = definition.cycle_complete

    def cycle_complete(my_task) -> bool:
        value = my_task._get_internal_data("event_value")
        fired = _FIRED.setdefault(my_task.workflow.top_workflow, set())
        if value is None:
            my_task._set_internal_data(event_value=_first_value(definition, my_task, limits))
        elif value["cycles"] != 0:
            if my_task.id in fired:
                return False  # one repetition per step; the next one is due and the next sweep fires it
            _check_running(value, definition, my_task, limits)
        ready = upstream(my_task)
        if ready:
            fired.add(my_task.id)
        return ready

    definition.cycle_complete = cycle_complete


def _first_value(definition: Any, my_task, limits: Limits) -> dict:
    """SpiffWorkflow's first value of a cycle (count, next due time, interval), checked and counted."""
    value = my_task.workflow.script_engine.evaluate(my_task, definition.expression)
    _refuse(definition, my_task, cycle_refusal_text(str(value), limits))
    cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
    if cycles < 0:  # R/…: as many repetitions as allowed
        cycles = limits.timer_max_repetitions
    return {"cycles": cycles, "next": start.isoformat(), "duration": interval.total_seconds()}


def _check_running(value: dict, definition: Any, my_task, limits: Limits) -> None:
    """A cycle that started under other limits (or before there were any) is held to today's."""
    if value["cycles"] < 0:  # SpiffWorkflow counts R/… down from -1 and never reaches 0
        value["cycles"] = limits.timer_max_repetitions
    _refuse(definition, my_task, _refusal(text(gettext_noop("the timer cycle")), value["cycles"], value["duration"],
                                          limits))


def _refuse(definition: Any, my_task, refusal: Text | None) -> None:
    if refusal:
        raise WorkflowTaskException(f"timer {definition.name or my_task.task_spec.bpmn_id!r}: {refusal}",
                                    task=my_task)
