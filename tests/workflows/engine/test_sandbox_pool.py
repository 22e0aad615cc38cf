"""The sandbox's child process: ordinary Python works, limits stop it, and its replies are read with care."""
from __future__ import annotations

import os
import pickle
import signal
import time

import pytest

from workflows.engine.errors import ScriptError, ScriptTimeout
from workflows.engine.sandbox.pool import sandbox_for
from workflows.engine.sandbox.protocol import ReplyRefused, read_reply, write

ORDINARY = """
import datetime, decimal, json, math, random, statistics, time
from datetime import timedelta
first, *rest = [1, 2, 3]
(a, b), c = (1, 2), 3
def add(*numbers, **named):
    return sum(numbers) + sum(named.values())
total = add(*rest, **{"x": 1})
counter = {"count": 0}
counter["count"] = counter["count"] + 2
bumps = counter["count"]
double = lambda n: 2 * n
doubled = list(map(double, [1, 2]))
squares = {n: n * n for n in range(5)}
evens = sorted({n for n in range(10) if n % 2 == 0})
try:
    1 / 0
except ZeroDivisionError as error:
    caught = str(error)
shift = 1
shift <<= 4
shift |= 1
label = f"{total:>5}|{datetime.date(2024, 3, 31).isoformat()}"
week = (datetime.datetime(2024, 4, 1) + timedelta(days=7)).date().isoformat()
mean = statistics.mean([1, 2, 3])
money = str(decimal.Decimal("1.10") + decimal.Decimal("2.20"))
text = json.dumps({"a": [1, 2]})
root = math.sqrt(16)
pick = random.choice([7])
stamp = time.time() > 0
"""


@pytest.fixture
def sandbox():
    return sandbox_for(128)


def test_ordinary_python_runs_and_only_data_comes_back(sandbox):
    variables = sandbox.run("exec", ORDINARY, {"given": 1}, None, 5.0)
    assert variables["total"] == 6 and variables["bumps"] == 2 and variables["shift"] == 17
    assert variables["caught"] == "division by zero" and variables["evens"] == [0, 2, 4, 6, 8]
    assert variables["label"] == "    6|2024-03-31" and variables["week"] == "2024-04-08"
    assert variables["money"] == "3.30" and variables["root"] == 4.0 and variables["pick"] == 7
    assert variables["doubled"] == [2, 4]
    assert "add" not in variables and "double" not in variables and "json" not in variables
    assert variables["given"] == 1


def test_an_expression_sees_missing_names_as_none(sandbox):
    assert sandbox.run("eval", "missing is None and n > 1", {"n": 2}, None, 2.0) is True


def test_the_time_limit_stops_a_c_level_operation_and_the_next_run_has_a_fresh_child(sandbox):
    began = time.monotonic()
    with pytest.raises(ScriptTimeout, match="longer than 0.5 s"):
        sandbox.run("exec", "x = sum(range(10**12))", {}, None, 0.5)
    assert time.monotonic() - began < 3
    assert sandbox.run("eval", "1 + 1", {}, None, 2.0) == 2


def test_the_memory_limit_holds_inside_one_allocation(sandbox):
    with pytest.raises(ScriptError, match="more than 128 MB of memory"):
        sandbox.run("exec", "x = 'a' * (2 * 10**8)", {}, None, 5.0)
    assert sandbox.run("exec", "y = len('a' * 10**6)", {}, None, 2.0) == {"y": 1000000}


def test_a_value_that_cannot_be_kept_is_named(sandbox):
    with pytest.raises(ScriptError, match="the variable 'numbers' holds a generator"):
        sandbox.run("exec", "numbers = (n for n in [1, 2])", {}, None, 2.0)


def test_a_failure_reports_the_scripts_line(sandbox):
    with pytest.raises(ScriptError) as info:
        sandbox.run("exec", "a = 1\nb = a / 0\n", {}, None, 2.0)
    assert info.value.line == 2 and "ZeroDivisionError" in str(info.value)


def test_the_child_has_no_environment_to_read(sandbox, monkeypatch):
    monkeypatch.setenv("DUBAN_SECRET_KEY", "not-for-scripts")
    # nothing in the sandbox reads the environment; the child is started with none at all
    child = sandbox._ready_child()
    with open(f"/proc/{child.process.pid}/environ", "rb") as environ:
        assert environ.read() == b""


def test_a_reply_naming_anything_but_plain_data_is_refused_unread(tmp_path):
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    body = pickle.dumps(("ok", Hostile()))
    read_end, write_end = os.pipe()
    os.write(write_end, len(body).to_bytes(8, "big") + body)
    with pytest.raises(ReplyRefused):
        read_reply(read_end, time.monotonic() + 2, 1 << 20)
    os.close(read_end)
    os.close(write_end)
    assert not marker.exists()


def test_a_child_nobody_waits_for_any_more_ends_itself_at_its_alarm(sandbox):
    # as when the parent is killed mid-script: nobody kills the child, its own alarm does
    child = sandbox._ready_child()
    write(child.requests, ("exec", "while True:\n    pass", {}, None, 0.2))
    began = time.monotonic()
    while child.process.poll() is None and time.monotonic() - began < 10:
        time.sleep(0.05)
    assert child.process.returncode == -signal.SIGALRM
    assert time.monotonic() - began < 3
    assert sandbox.run("eval", "2 * 21", {}, None, 2.0) == 42  # the dead child is replaced


def test_a_forked_process_starts_its_own_child_and_leaves_the_parents_alone(sandbox):
    parents_child = sandbox._ready_child().process.pid
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the forked copy, as a Celery or gunicorn worker is
        try:
            answer = sandbox.run("eval", "6 * 7", {}, None, 2.0)
            os.write(write_end, f"{answer} {sandbox._child.process.pid}".encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    answer, forked_child = os.read(read_end, 100).decode().split()
    os.close(read_end)
    os.close(write_end)
    assert answer == "42" and int(forked_child) != parents_child
    assert sandbox._child.process.pid == parents_child and sandbox.run("eval", "1", {}, None, 2.0) == 1
