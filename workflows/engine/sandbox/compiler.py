"""BPMN script and expression source → a RestrictedPython code object, or a plain refusal."""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from types import CodeType

from RestrictedPython import compile_restricted

from .names import IMPORTABLE


def gettext_noop(message: str) -> str:
    """Mark a template for translation, as ``errors.gettext_noop`` (the sandbox child loads this package
    alone, so nothing outside it can be imported here); return it unchanged."""
    return message


class CompileRefusal(Exception):
    """The source cannot run in the sandbox; the message says why, ``line`` where (in the source).

    A refusal duban words itself carries ``template`` (``%(name)s`` placeholders) and ``params``
    for translation; one RestrictedPython words has neither.
    """

    def __init__(self, message: str, line: int | None = None, *, template: str = "", params: dict | None = None):
        super().__init__(message)
        self.line = line
        self.template = template
        self.params = dict(params or {})


def _refused(template: str, line: int | None = None, **params) -> CompileRefusal:
    return CompileRefusal(template % params if params else template, line, template=template, params=params)


def compile_source(source: str, mode: str) -> CodeType:
    """Compile a script (``exec``) or an expression (``eval``) already in Python syntax."""
    return _compile(source, mode)


@lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> CodeType:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise _refused(gettext_noop("syntax error on line %(number)s: %(detail)s"), exc.lineno,
                       number=exc.lineno, detail=exc.msg) from None
    for node in ast.walk(tree):
        refusal = _refusal(node)
        if refusal:
            raise _refused(refusal[0], getattr(node, "lineno", None), **refusal[1])
    try:
        return compile_restricted(source, "<string>", mode)
    except SyntaxError as exc:
        # RestrictedPython reports its refusals as one SyntaxError (no line number) holding them all
        messages = exc.msg if isinstance(exc.msg, tuple | list) else [exc.msg or str(exc)]
        refused = "; ".join(str(m).strip() for m in messages)
        line = re.match(r"Line (\d+):", refused)
        raise CompileRefusal(refused.replace("in RestrictedPython", "in BPMN scripts"),
                             int(line.group(1)) if line else None) from None


def _refusal(node: ast.AST) -> tuple[str, dict] | None:
    """(template, params) of why the node is refused, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and "__" in node.value:
        # getattr(x, "__class__") or "{0.__class__}".format(x): the name hidden in a string
        return gettext_noop("strings naming double-underscore attributes are not allowed"), {}
    if isinstance(node, ast.Name) and node.id in {"print", "printed"}:
        return gettext_noop("print() is not available in BPMN scripts: its output would reach nobody; "
                            "keep what you want to see in a variable of the task data"), {}
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else (
        [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
    refused = [m for m in modules if m not in IMPORTABLE]
    if refused:
        return (gettext_noop("importing %(module)s is not allowed; scripts may import %(modules)s"),
                {"module": repr(refused[0]), "modules": ", ".join(sorted(IMPORTABLE))})
    return None
