"""What a script can reach: no module, frame, code object, traceback or type internals, by any attribute."""
from __future__ import annotations

import json
import types

import pytest

from workflows.engine.sandbox.names import SandboxRefusal, guarded_getattr, offered

FORBIDDEN = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType)
MAX_DEPTH = 4


def _reachable(roots: dict[str, object], getattr_=guarded_getattr) -> dict[str, object]:
    """Every value reachable from the roots by public attribute names, as a script would read them."""
    seen: dict[int, str] = {}
    found: dict[str, object] = {}
    frontier = list(roots.items())
    for _ in range(MAX_DEPTH):
        following = []
        for path, value in frontier:
            if id(value) in seen:
                continue
            seen[id(value)] = path
            found[path] = value
            for name in dir(value):
                if name.startswith("_"):
                    continue
                try:
                    following.append((f"{path}.{name}", getattr_(value, name)))
                except (SandboxRefusal, AttributeError, NotImplementedError, TypeError):
                    continue
        frontier = following
    return found


def test_no_name_the_sandbox_offers_leads_to_a_module_frame_code_or_type_internals():
    found = _reachable(offered())
    assert len(found) > 1000  # the walk really went through the builtins, helpers and namespaces
    bad = {path: type(value).__name__ for path, value in found.items() if isinstance(value, FORBIDDEN)}
    assert bad == {}
    assert not [path for path in found if path.endswith(".mro")]


def test_the_walk_finds_a_module_where_one_is_handed_out():
    # the same walk over the real json module (as scripts got it before) finds json.codecs.sys
    found = _reachable({"json": json}, getattr_=getattr)
    assert any(isinstance(v, types.ModuleType) and p.endswith(".sys") for p, v in found.items())


@pytest.mark.parametrize("name", ["mro", "gi_frame", "f_back", "f_globals", "tb_frame", "format_map"])
def test_introspection_attributes_are_refused_by_name(name):
    with pytest.raises(SandboxRefusal):
        guarded_getattr(int, name)


def test_a_namespace_says_what_it_offers_instead_of_reading_none():
    json_namespace = offered()["import json"]
    with pytest.raises(SandboxRefusal, match=r"json.codecs is not available.*dumps, loads"):
        guarded_getattr(json_namespace, "codecs")
    assert guarded_getattr(json_namespace, "dumps")({"a": 1}) == '{"a": 1}'
