"""The parent's side of the sandbox: one child per process, started on first use, restarted after a breach.

``run`` sends one script or expression with its data to the child and waits for the reply until
the time limit; past it, the child is killed (whatever C-level operation it is in) and the
caller gets ScriptTimeout. A child that ran out of memory, died, or sent a reply the parent
refuses is replaced on the next call. Calls from several threads take turns.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..errors import EngineError, ScriptError, ScriptTimeout
from .protocol import ChildGone, ReplyRefused, ReplyTooLate, read_reply, write

START_SECONDS = 30.0
MAX_REPLY_BYTES = 16 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent
# The child loads this package by its path alone: none of duban, Django or SpiffWorkflow is imported there.
_BOOT = (
    "import importlib.util, sys\n"
    f"spec = importlib.util.spec_from_file_location('sandbox', {str(_PACKAGE / '__init__.py')!r}, "
    f"submodule_search_locations=[{str(_PACKAGE)!r}])\n"
    "package = importlib.util.module_from_spec(spec)\n"
    "sys.modules['sandbox'] = package\n"
    "spec.loader.exec_module(package)\n"
    "from sandbox.child import main\n"
    "main()\n"
)


class _Child:
    def __init__(self, memory_limit_mb: int):
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, str(memory_limit_mb * 1024 * 1024)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={}, cwd="/", close_fds=True)
        self.requests = self.process.stdin.fileno()  # type: ignore[union-attr]
        self.replies = self.process.stdout.fileno()  # type: ignore[union-attr]
        try:
            read_reply(self.replies, time.monotonic() + START_SECONDS, 1024)
        except (ChildGone, ReplyTooLate):
            self.stop()
            raise EngineError("the script sandbox could not start") from None

    def forget(self) -> None:
        """In a forked copy of the owner: close the copies of the pipes, leave the process alone."""
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.stdout.close()  # type: ignore[union-attr]
        self.process.returncode = 0  # not ours to wait for

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.stdout.close()  # type: ignore[union-attr]


class Sandbox:
    """The child for one memory limit, started by this process on first use."""

    def __init__(self, memory_limit_mb: int):
        self.memory_limit_mb = memory_limit_mb
        self._lock = threading.Lock()
        self._child: _Child | None = None

    def run(self, mode: str, source: str, context: dict, external: dict | None, time_limit: float) -> object:
        """The expression's value (``eval``) or the script's variables (``exec``); raises ScriptError."""
        with self._lock:
            child = self._ready_child()
            try:
                write(child.requests, (mode, source, context, external, time_limit))
                reply = read_reply(child.replies, time.monotonic() + time_limit, MAX_REPLY_BYTES)
            except ReplyTooLate:
                self._discard()
                raise ScriptTimeout(f"script ran longer than {time_limit:g} s and was stopped") from None
            except (ChildGone, BrokenPipeError):
                self._discard()
                raise ScriptError("the script stopped its sandbox and was not run to the end") from None
            except ReplyRefused as exc:
                self._discard()
                raise ScriptError(str(exc)) from None
            if reply[0] == "memory":  # the child's heap may be left fragmented: start afresh
                self._discard()
        return self._value(reply)

    def _value(self, reply) -> object:
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "memory":
            raise ScriptError(f"script used more than {self.memory_limit_mb} MB of memory and was stopped")
        raise ScriptError(str(reply[1]), reply[2])

    def _ready_child(self) -> _Child:
        if self._child is not None and not self._child.alive():
            self._discard()
        if self._child is None:
            self._child = _Child(self.memory_limit_mb)
        return self._child

    def _discard(self) -> None:
        if self._child is not None:
            self._child.stop()
            self._child = None


_sandboxes: dict[int, Sandbox] = {}
_sandboxes_lock = threading.Lock()


def sandbox_for(memory_limit_mb: int) -> Sandbox:
    with _sandboxes_lock:
        if memory_limit_mb not in _sandboxes:
            _sandboxes[memory_limit_mb] = Sandbox(memory_limit_mb)
        return _sandboxes[memory_limit_mb]


def _after_fork_in_child() -> None:
    """A forked process (a Celery or gunicorn worker) starts its own child; the parent's stays the parent's.

    Its copies of the parent's pipes are closed at once: held open, they would keep the parent's
    child from seeing the end of its input when the parent exits.
    """
    global _sandboxes_lock
    _sandboxes_lock = threading.Lock()
    for sandbox in _sandboxes.values():
        sandbox._lock = threading.Lock()
        if sandbox._child is not None:
            sandbox._child.forget()
            sandbox._child = None


os.register_at_fork(after_in_child=_after_fork_in_child)
