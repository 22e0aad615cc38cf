"""Expressions in other engines' languages, recognised so that a refusal names the language and says
what to write instead of a bare syntax error: FEEL (Camunda 8, Zeebe: ``=amount > 100``), Quartz
cron timer cycles (``0/5 0/1 * 1/1 * ?``) and JUEL beyond what ``expressions`` translates (Camunda's
and Activiti's ``execution`` and ``task`` objects, functions such as ``fn:contains``, ``a ? b : c``).
"""
from __future__ import annotations

import ast
import re

from .errors import Text, gettext_noop, text
from .expressions import normalize

TIMERS = {"timeCycle", "timeDate", "timeDuration"}
_CRON_FIELD = r"[0-9*?/,LW#A-Z-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(?:\s+{_CRON_FIELD}){{4,6}}$", re.IGNORECASE)
_EL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.DOTALL)
_JAVA_OBJECTS = {"execution", "task"}  # what Camunda and Activiti hand an expression; duban has the data


def foreign_language(element: str, source: str, *, compiles: bool) -> Text | None:
    """Why ``source`` (the text of a BPMN ``element``) is another engine's language, or None."""
    stripped = source.strip()
    if element in TIMERS and _CRON.match(stripped) and any(c in stripped for c in "*?"):
        return text(gettext_noop("%(value)s is a cron expression (Quartz, as Camunda and Flowable read it); duban "
                                 "reads timers in ISO 8601: write a cycle such as R/PT5M (every five minutes) or "
                                 "R12/2024-07-01T09:00:00+08:00/P1M (monthly, twelve times)"), value=repr(stripped))
    if stripped.startswith("=") and not stripped.startswith("=="):
        return text(gettext_noop("%(value)s is a FEEL expression (Camunda 8, Zeebe); duban evaluates Python over "
                                 "the task data: write it without the leading =, in Python (and, or, ==, "
                                 "True, None)"), value=repr(stripped))
    if _EL.match(stripped) and (not compiles or _uses_java_objects(stripped)):
        return text(gettext_noop("%(value)s is a JUEL (Java EL) expression that uses what only a Java engine has "
                                 "(execution, task, functions such as fn:contains, a ? b : c); duban evaluates "
                                 "Python over the task data: name the variable itself, for example "
                                 "${amount > 100 && !rejected} or amount > 100 and not rejected"),
                    value=repr(stripped))
    return None


def _uses_java_objects(source: str) -> bool:
    try:
        tree = ast.parse(normalize(source), mode="eval")
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
               and node.value.id in _JAVA_OBJECTS for node in ast.walk(tree))
