"""The child process: one request at a time, under a memory limit and a wall-clock alarm.

Started by ``pool`` with an empty environment and the memory limit in bytes as its argument.
Requests are (mode, source, context, external context, time limit); replies are
("ok", value) or (kind, message, line) with kind "refused", "failed" or "memory".
The memory limit is the kernel's (RLIMIT_AS), so it holds inside one C-level operation; the
parent kills the child at the time limit, and an alarm the child sets itself (SIGALRM left to
its default action, which ends the process) stops it a second later if the parent is gone.
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import traceback
from types import SimpleNamespace

from .compiler import CompileRefusal, compile_source
from .names import BUILTINS, DATA_VIEWS, HELPERS, SandboxRefusal, script_globals
from .protocol import ChildGone, dumps, read_request, write

ALARM_GRACE_SECONDS = 1.0


class MissingIsNone(dict):
    """Expression namespace: a name nobody set reads as None (as FEEL and JUEL treat nulls)."""

    def __missing__(self, key):
        if key.startswith("_") or key in BUILTINS or key in HELPERS or key in DATA_VIEWS:
            raise KeyError(key)
        return None


def main() -> None:
    requests, replies = _own_pipes()
    _limit_resources(int(sys.argv[1]))
    write(replies, ("ready",))
    while True:
        try:
            mode, source, context, external, time_limit = read_request(requests)
        except ChildGone:
            return
        signal.setitimer(signal.ITIMER_REAL, time_limit + ALARM_GRACE_SECONDS)
        reply = _encoded(mode, run(mode, source, context, external))
        signal.setitimer(signal.ITIMER_REAL, 0)
        _write_all(replies, reply)


def run(mode: str, source: str, context: dict, external: dict | None) -> tuple:
    """Run one script (``exec``) or expression (``eval``); never raises."""
    try:
        code = compile_source(source, mode)
    except CompileRefusal as exc:
        return ("refused", str(exc), exc.line)
    try:
        if mode == "eval":
            names = MissingIsNone(external or {})
            names.update(context)
            return ("ok", eval(code, script_globals(_data_of(context)), names))
        namespace = dict(context)
        globals_ = {**script_globals(_data_of(namespace)), **(external or {}), **namespace}
        exec(code, globals_, namespace)
        return ("ok", {k: v for k, v in namespace.items() if _is_data(k, v)})
    except MemoryError:
        return ("memory", "", None)
    except SandboxRefusal as exc:
        return ("failed", str(exc), _line(exc))
    except BaseException as exc:  # SystemExit and KeyboardInterrupt raised by a script are its errors too
        return ("failed", f"{type(exc).__name__}: {exc}", _line(exc))


def _data_of(namespace: dict):
    """``vars()`` in a script or expression: a copy of its task data as it is at that moment."""
    def task_data(*unexpected: object) -> dict:
        if unexpected:
            raise SandboxRefusal("vars() and locals() take no argument in BPMN scripts: they give the task data")
        return {k: v for k, v in namespace.items() if _is_data(k, v)}
    return task_data


def _is_data(name: str, value: object) -> bool:
    return not name.startswith("_") and not callable(value) and not isinstance(value, SimpleNamespace)


def _encoded(mode: str, reply: tuple) -> bytes:
    try:
        return dumps(reply)
    except MemoryError:
        return dumps(("memory", "", None))
    except Exception:
        return dumps(("failed", _unstorable(mode, reply[1]), None))


def _unstorable(mode: str, value: object) -> str:
    if mode == "exec" and isinstance(value, dict):
        for name, item in value.items():
            try:
                dumps(item)
            except Exception:
                return f"the variable {name!r} holds a {type(item).__name__}, which cannot be kept in the task data"
    return f"the expression gave a {type(value).__name__}, which cannot be kept in the task data"


def _line(exc: BaseException) -> int | None:
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<string>"]
    return lines[-1] if lines else None


def _own_pipes() -> tuple[int, int]:
    """Keep the pipes on fresh descriptors; stdin and stdout become /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    return requests, replies


def _limit_resources(memory_bytes: int) -> None:
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # a parent's ignored or blocked signals survive exec
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (in_use + memory_bytes, in_use + memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
