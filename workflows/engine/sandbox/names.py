"""What a BPMN script can name: builtins, helpers and plain namespaces of chosen functions.

No module object is ever handed to a script (a module's attributes lead to ``sys`` and ``os``):
``import json`` binds a namespace holding ``dumps`` and ``loads``, nothing else. Attribute access
goes through ``guarded_getattr``, which refuses underscore and introspection names and any value
that is a module, frame, code object, traceback or a type's method resolution order.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import operator
import random
import statistics
import time
import types
from collections.abc import Callable
from types import SimpleNamespace

from RestrictedPython import safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES


class SandboxRefusal(Exception):
    """Something a script asked for that the sandbox does not offer."""


def _namespace(module: object, names: list[str]) -> SimpleNamespace:
    return SimpleNamespace(**{name: getattr(module, name) for name in names})


_DECIMAL_NAMES = ["Decimal", "InvalidOperation", "DivisionByZero"] + [n for n in dir(decimal) if n.startswith("ROUND_")]

# import <name> binds these; each holds functions, classes and constants, never a module
IMPORTABLE: dict[str, SimpleNamespace] = {
    "datetime": _namespace(_dt, ["datetime", "date", "time", "timedelta", "timezone", "MINYEAR", "MAXYEAR"]),
    "math": _namespace(math, [n for n in dir(math) if not n.startswith("_")]),
    "decimal": _namespace(decimal, _DECIMAL_NAMES),
    "json": _namespace(json, ["dumps", "loads", "JSONDecodeError"]),
    "random": _namespace(random, ["random", "randint", "randrange", "choice", "choices", "sample", "shuffle",
                                  "uniform", "gauss", "triangular"]),
    "statistics": _namespace(statistics, [
        "mean", "fmean", "geometric_mean", "harmonic_mean", "median", "median_low", "median_high",
        "median_grouped", "mode", "multimode", "quantiles", "pstdev", "pvariance", "stdev", "variance",
        "StatisticsError"]),
    # the clock, without sleep()
    "time": _namespace(time, ["time", "gmtime", "localtime", "strftime", "mktime"]),
}

BUILTINS: dict[str, object] = {
    **{name: value for name, value in safe_builtins.items() if not name.startswith("_")},
    "__build_class__": safe_builtins["__build_class__"],
    "list": list, "tuple": tuple, "range": range, "dict": dict, "set": set, "frozenset": frozenset,
    "sum": sum, "min": min, "max": max, "sorted": sorted, "any": any, "all": all, "enumerate": enumerate,
    "reversed": reversed, "map": map, "filter": filter, "iter": iter, "next": next,
}

DATA_VIEWS = ("vars", "locals")  # the task data as a dict (``script_globals``)

HELPERS: dict[str, object] = {
    "datetime": _dt.datetime, "date": _dt.date, "timedelta": _dt.timedelta, "timezone": _dt.timezone,
    "Decimal": decimal.Decimal, "math": IMPORTABLE["math"], "floor": math.floor, "ceil": math.ceil,
}

_REFUSED_NAMES = frozenset(INSPECT_ATTRIBUTES | {"mro", "format_map"})
_REFUSED_VALUES = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType)


_NAMESPACE_NAMES = {id(namespace): name for name, namespace in IMPORTABLE.items()}


def guarded_getattr(obj: object, name: str, default: object = None) -> object:
    """``obj.name`` in a script: RestrictedPython's checks, then no introspection and no module."""
    if type(name) is str and name in _REFUSED_NAMES:
        raise SandboxRefusal(f"the attribute {name!r} is not available in BPMN scripts")
    if id(obj) in _NAMESPACE_NAMES and not hasattr(obj, name):
        module = _NAMESPACE_NAMES[id(obj)]
        raise SandboxRefusal(f"{module}.{name} is not available in BPMN scripts; {module} offers "
                             + ", ".join(sorted(vars(obj))))
    value = safer_getattr(obj, name, default)
    if isinstance(value, _REFUSED_VALUES):
        raise SandboxRefusal(f"the attribute {name!r} is not available in BPMN scripts")
    return value


def guarded_import(name: str, globals: object = None, locals: object = None, fromlist: object = (),
                   level: int = 0) -> SimpleNamespace:
    if level or name not in IMPORTABLE:
        raise SandboxRefusal(f"{name!r} cannot be imported in BPMN scripts; scripts may import "
                             + ", ".join(sorted(IMPORTABLE)))
    return IMPORTABLE[name]


def guarded_apply(function, *args, **kwargs):
    """``f(*args, **kwargs)`` in a script (RestrictedPython routes star-calls here)."""
    return function(*args, **kwargs)


_INPLACE = {
    "+=": operator.add, "-=": operator.sub, "*=": operator.mul, "/=": operator.truediv,
    "//=": operator.floordiv, "%=": operator.mod, "**=": operator.pow, "<<=": operator.lshift,
    ">>=": operator.rshift, "&=": operator.and_, "|=": operator.or_, "^=": operator.xor,
}


def guarded_inplace(op: str, x: object, y: object) -> object:
    if op not in _INPLACE:
        raise SandboxRefusal(f"the operator {op} is not available in BPMN scripts")
    return _INPLACE[op](x, y)


def script_globals(data: Callable[[], dict] | None = None) -> dict:
    """A fresh globals dict for one run: builtins, helpers and the hooks RestrictedPython calls;
    ``data`` answers ``vars()`` and ``locals()`` (the task data as it is, as Python gives a script its
    namespace; no argument is taken, so no object's attributes are reachable through them)."""
    views = dict.fromkeys(DATA_VIEWS, data) if data else {}
    return {
        "__builtins__": {**BUILTINS, **views, "__import__": guarded_import},
        "__name__": "bpmn_script", "__metaclass__": type,
        **HELPERS,
        "_getattr_": guarded_getattr, "_getitem_": default_guarded_getitem, "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard, "_inplacevar_": guarded_inplace, "_apply_": guarded_apply,
    }


def offered() -> dict[str, object]:
    """Every name a script can reach without an attribute (for the test that walks them)."""
    return {**BUILTINS, **HELPERS, **{f"import {name}": ns for name, ns in IMPORTABLE.items()}}
