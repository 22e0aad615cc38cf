"""BPMN script and expression source → a RestrictedPython code object, or a plain refusal."""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from types import CodeType

from RestrictedPython import compile_restricted

from .names import IMPORTABLE


class CompileRefusal(Exception):
    """The source cannot run in the sandbox; the message says why, ``line`` where (in the source)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def compile_source(source: str, mode: str) -> CodeType:
    """Compile a script (``exec``) or an expression (``eval``) already in Python syntax."""
    return _compile(source, mode)


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise CompileRefusal(f"syntax error on line {exc.lineno}: {exc.msg}", exc.lineno) from None
    for node in ast.walk(tree):
        refusal = _refusal(node)
        if refusal:
            raise CompileRefusal(refusal, getattr(node, "lineno", None))
    try:
        return compile_restricted(source, "<string>", mode)
    except SyntaxError as exc:
        # RestrictedPython reports its refusals as one SyntaxError (no line number) holding them all
        messages = exc.msg if isinstance(exc.msg, tuple | list) else [exc.msg or str(exc)]
        text = "; ".join(str(m).strip() for m in messages)
        line = re.match(r"Line (\d+):", text)
        raise CompileRefusal(text.replace("in RestrictedPython", "in BPMN scripts"),
                             int(line.group(1)) if line else None) from None


def _refusal(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
        # getattr(x, "__class__") or "{0.__class__}".format(x): the name hidden in a string
        return "strings naming double-underscore attributes are not allowed"
    if isinstance(node, ast.Name) and node.id in {"print", "printed"}:
        return ("print() is not available in BPMN scripts: its output would reach nobody; "
                "keep what you want to see in a variable of the task data")
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else (
        [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
    refused = [m for m in modules if m not in IMPORTABLE]
    if refused:
        return f"importing {refused[0]!r} is not allowed; scripts may import " + ", ".join(sorted(IMPORTABLE))
    return ""
