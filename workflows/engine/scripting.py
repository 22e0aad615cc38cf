"""The script engine: RestrictedPython, a time bound, and missing names read as None in expressions.

SpiffWorkflow's default engine runs BPMN scripts, conditions and timer expressions with plain
``exec``/``eval`` and full builtins. Here every one of them is compiled by RestrictedPython
(no imports, no dunder or underscore names, guarded attribute/item access) and runs under a
wall-clock bound enforced by a trace function, so ``while True: pass`` ends with an error.
"""
from __future__ import annotations

import ast
import datetime as _dt
import decimal
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import CodeType, SimpleNamespace

from RestrictedPython import compile_restricted, limited_builtins, safe_globals, utility_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ScriptError, ScriptTimeout
from .expressions import normalize, zero_length_timer

DEFAULT_TIME_LIMIT = 2.0
_SAFE_BUILTINS = {
    **safe_globals["__builtins__"], **limited_builtins,
    "sum": sum, "min": min, "max": max, "sorted": sorted, "any": any, "all": all, "dict": dict,
    "list": list, "set": set, "enumerate": enumerate, "reversed": reversed, "map": map, "filter": filter,
}
_HELPERS = {
    "datetime": _dt.datetime, "date": _dt.date, "timedelta": _dt.timedelta, "timezone": _dt.timezone,
    "Decimal": decimal.Decimal, "math": utility_builtins["math"], "floor": math.floor, "ceil": math.ceil,
}


_IMPORTABLE = {
    "datetime": _dt, "math": math, "decimal": decimal, "json": json, "random": random, "statistics": statistics,
    # the clock, without sleep()
    "time": SimpleNamespace(time=time.time, gmtime=time.gmtime, localtime=time.localtime,
                            strftime=time.strftime, mktime=time.mktime),
}


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level or name not in _IMPORTABLE:
        raise ImportError(f"module {name!r} cannot be imported in BPMN scripts")
    return _IMPORTABLE[name]


def _guarded_pow(base, exp):
    if isinstance(exp, int | float) and abs(exp) > 512:
        raise ScriptError("exponent too large")
    return base ** exp


def compile_script(source: str, mode: str) -> CodeType:
    """Compile BPMN script (``exec``) or expression (``eval``) source; raise ScriptError if refused."""
    return _compile(normalize(source) if mode == "eval" else source, mode)


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptError(f"syntax error on line {exc.lineno}: {exc.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
            # getattr(x, "__class__") or "{0.__class__}".format(x): the name hidden in a string
            raise ScriptError("strings naming double-underscore attributes are not allowed")
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        refused = [m for m in modules if m not in _IMPORTABLE]
        if refused:
            raise ScriptError(f"importing {refused[0]!r} is not allowed; scripts may import "
                              + ", ".join(sorted(_IMPORTABLE)))
    try:
        return compile_restricted(source, "<string>", mode)
    except SyntaxError as exc:
        # RestrictedPython reports refusals as SyntaxError with lineno=None, which would crash
        # SpiffWorkflow's own error formatting; re-raise as duban's error with the message kept.
        raise ScriptError(str(exc.msg or exc).strip()) from None


class _MissingIsNone(dict):
    """Expression namespace: a name nobody set reads as None (as FEEL and JUEL treat nulls)."""

    def __missing__(self, key):
        if key.startswith("_") or key in _SAFE_BUILTINS or key in _HELPERS:
            raise KeyError(key)
        return None


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise ScriptTimeout inside the traced code once ``seconds`` of wall time have passed."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise ScriptTimeout(f"script ran longer than {seconds:g} s and was stopped")
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Task data is the namespace; code is RestrictedPython; every run is time-bounded."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__({})
        self.time_limit = time_limit

    def _globals(self) -> dict:
        g = dict(safe_globals)
        g["__builtins__"] = {**_SAFE_BUILTINS, "__import__": _guarded_import}
        g.update(_HELPERS)
        g.update({
            "_getattr_": safer_getattr, "_getitem_": default_guarded_getitem,
            "_getiter_": default_guarded_getiter, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_write_": full_write_guard, "_inplacevar_": _inplace, "_pow_": _guarded_pow,
        })
        return g

    def evaluate(self, expression, context, external_context=None):
        code = compile_script(expression, "eval")
        names = _MissingIsNone(external_context or {})
        names.update(context)
        with time_bound(self.time_limit):
            return eval(code, self._globals(), names)

    def execute(self, script, context, external_context=None):
        code = compile_script(script, "exec")
        g = self._globals()
        g.update(external_context or {})
        namespace = dict(context)
        g.update(namespace)
        with time_bound(self.time_limit):
            exec(code, g, namespace)
        context.clear()
        context.update({k: v for k, v in namespace.items() if not k.startswith("_") and not callable(v)})
        return True

    def call_service(self, context, **kwargs):
        # duban ships no outbound connectors: a service task completes as a no-op with an empty
        # answer (documented in docs/decisions.md); deploy reports it as a warning.
        return "{}"


def _inplace(op: str, x, y):
    ops = {"+=": lambda: x + y, "-=": lambda: x - y, "*=": lambda: x * y, "/=": lambda: x / y,
           "//=": lambda: x // y, "%=": lambda: x % y}
    if op not in ops:
        raise ScriptError(f"operator {op} is not allowed")
    return ops[op]()


class ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's engine with the restricted environment plugged in."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT):
        super().__init__(environment=RestrictedEnvironment(time_limit))

    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        if not _is_timer(task):
            return value
        if isinstance(value, _dt.date):  # datetime or date: the engine reads timer values as ISO text
            return value.isoformat()
        if isinstance(value, str) and zero_length_timer(value):
            raise WorkflowTaskException(f"timer expression {expression!r} gave a zero-length cycle", task=task)
        if not isinstance(value, str):
            raise WorkflowTaskException(
                f"timer expression {expression!r} gave {value!r}; expected an ISO 8601 date, duration or cycle",
                task=task)
        return value


def _is_timer(task) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    parts = getattr(definition, "event_definitions", None) or [definition]
    return any(isinstance(p, TimerEventDefinition) for p in parts)
