"""Moving the moments of a running instance: waiting date timers read them again, fired ones stay fired."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from workflows.engine import EngineError
from workflows.engine.parser import compile_package
from workflows.engine.runner import Process

REPORT = Path(__file__).resolve().parents[3] / "bpmn" / "quarterly_report.bpmn"
UTC8 = dt.timezone(dt.timedelta(hours=8))


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2030, 4, day, hour, tzinfo=UTC8)


@pytest.fixture
def process() -> Process:
    compiled = compile_package({REPORT.name: REPORT.read_bytes()}).processes[0]
    return Process(compiled.spec, compiled.dialect)


def _fired(snapshot) -> list[str]:
    return [e.code for e in snapshot.escalations]


def test_waiting_timers_and_the_task_due_date_follow_the_moved_moments(process):
    with time_machine.travel(_at(1, 10), tick=False):
        state = process.fire_timers(process.start(
            {"reminder_at": _at(3, 9), "due_at": _at(8, 18), "supervise_at": _at(11, 9)}).state).state
        moved = process.move_moments(state, {"reminder_at": _at(8, 9), "due_at": _at(10, 18),
                                             "supervise_at": _at(15, 9)})
    assert moved.next_timer_at == _at(8, 9)
    assert [t.due_at for t in moved.ready_tasks] == [_at(10, 18)]
    with time_machine.travel(_at(8, 19), tick=False):
        assert _fired(process.fire_timers(moved.state)) == ["reminder"]  # not the chase of 8 April


def test_a_fired_timer_stays_fired_and_a_moment_moved_into_the_past_fires_now(process):
    with time_machine.travel(_at(1, 10), tick=False):
        started = process.start({"reminder_at": _at(3, 9), "due_at": _at(8, 18), "supervise_at": _at(11, 9)})
    with time_machine.travel(_at(4, 10), tick=False):
        fired = process.fire_timers(started.state)
        assert _fired(fired) == ["reminder"]
        moved = process.move_moments(fired.state, {"reminder_at": _at(5, 9), "due_at": _at(4, 9),
                                                   "supervise_at": _at(15, 9)})
    assert _fired(moved) == ["chase"]  # the reminder does not come again
    assert moved.next_timer_at == _at(15, 9)


def test_moving_a_field_no_open_task_holds_is_refused(process):
    state = process.start({"reminder_at": _at(3, 9), "due_at": _at(8, 18), "supervise_at": _at(11, 9)}).state
    with pytest.raises(EngineError, match="no open task"):
        process.move_moments(state, {"elsewhere_at": _at(9, 9)})
