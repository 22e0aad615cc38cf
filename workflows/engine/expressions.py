"""How duban reads expressions written by other BPMN tools before they reach Python.

- Timer values written as bare ISO 8601 literals (``PT5M``, ``2024-07-10T09:00:00+08:00``,
  ``R3/PT1H``), as every modeller writes them, are taken as string literals.
- JUEL/EL expressions (``${approved}``, ``#{amount > 100 && ok}``) become the equivalent Python.
Everything else is a Python expression, compiled by RestrictedPython (see ``scripting``).
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache

_DURATION = r"-?P(?:\d+(?:[.,]\d+)?[YMWD])*(?:T(?:\d+(?:[.,]\d+)?[HMS])+)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_POINT = rf"(?:{_DURATION}|{_DATETIME})"
_ISO = re.compile(rf"^(?:{_DURATION}|{_DATETIME}|R\d*/{_POINT}(?:/{_POINT})?)$", re.IGNORECASE)
_EL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.DOTALL)
_EL_WORDS = {
    "&&": " and ", "||": " or ", "null": "None", "true": "True", "false": "False",
    " eq ": " == ", " ne ": " != ", " lt ": " < ", " gt ": " > ", " le ": " <= ", " ge ": " >= ",
}


def is_iso_literal(text: str) -> bool:
    """True for a bare ISO 8601 duration, date-time or repeating interval."""
    text = text.strip()
    return bool(text) and text[0] in "PpRr-0123456789" and bool(_ISO.match(text)) and text not in {"P", "R"}


@lru_cache(maxsize=4096)
def normalize(expression: str) -> str:
    """Return the Python source duban evaluates for an expression as written in BPMN."""
    text = expression.strip()
    if is_iso_literal(text):
        return repr(text.replace(" ", "T"))
    match = _EL.match(text)
    if match:
        return _from_el(match.group(1))
    return text


def constant(expression: str) -> object:
    """The value an expression has whatever the data (``PT5M``, ``"R2/PT1H"``, ``3``), else None."""
    try:
        return ast.literal_eval(normalize(expression))
    except Exception:  # not a literal: names, calls, or anything literal_eval refuses
        return None


def _from_el(body: str) -> str:
    python = f" {body.strip()} "
    for word, replacement in _EL_WORDS.items():
        if word.isalpha():
            python = re.sub(rf"\b{word}\b", replacement, python)
        else:
            python = python.replace(word, replacement)
    python = re.sub(r"!(?!=)", " not ", python)
    python = re.sub(r"\bempty\s+([A-Za-z_][\w.]*)", r"(not \1)", python)
    return re.sub(r"\s+", " ", python).strip()
