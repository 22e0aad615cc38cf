"""The script engine: every BPMN script, condition and expression runs in the sandbox.

SpiffWorkflow's default engine runs them with plain ``exec``/``eval`` and full builtins. Here each
is compiled by RestrictedPython (no underscore names, guarded attribute and item access, chosen
functions as plain namespaces, never modules) and runs in a pooled child process with a memory
limit and a wall-clock limit that hold inside a single C-level operation (``sandbox/``). A missing
name reads as None in an expression.
"""
from __future__ import annotations

import datetime as _dt
from types import CodeType

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ScriptError
from .expressions import normalize
from .sandbox.compiler import CompileRefusal, compile_source
from .sandbox.pool import sandbox_for

DEFAULT_TIME_LIMIT = 2.0
DEFAULT_MEMORY_LIMIT_MB = 256


def compile_script(source: str, mode: str) -> CodeType:
    """Compile BPMN script (``exec``) or expression (``eval``) source; raise ScriptError if refused."""
    try:
        return compile_source(normalize(source) if mode == "eval" else source, mode)
    except CompileRefusal as exc:
        raise ScriptError(str(exc), exc.line, template=exc.template, params=exc.params) from None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Task data is the namespace; the code runs in the sandbox's child process, within the limits."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB):
        super().__init__({})
        self.time_limit = time_limit
        self.sandbox = sandbox_for(memory_limit_mb)

    def evaluate(self, expression, context, external_context=None):
        return self.sandbox.run("eval", normalize(expression), context, external_context, self.time_limit)

    def execute(self, script, context, external_context=None):
        variables = self.sandbox.run("exec", script, context, external_context, self.time_limit)
        context.clear()
        context.update(variables)
        return True

    def call_service(self, context, **kwargs):
        # duban ships no outbound connectors: a service task completes as a no-op with an empty
        # answer (documented in docs/decisions.md); deploy reports it as a warning.
        return "{}"


class ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's engine with the restricted environment plugged in."""

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT, memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB):
        super().__init__(environment=RestrictedEnvironment(time_limit, memory_limit_mb))

    def execute(self, task, script, external_context=None):
        """As SpiffWorkflow's, with the line the sandbox reports (the script ran in another process)."""
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except ScriptError as err:
            line = err.line
            error_line = script.splitlines()[line - 1] if line and line <= len(script.splitlines()) else ""
            raise WorkflowTaskException(str(err), task=task, exception=err, line_number=line or 0,
                                        error_line=error_line) from None

    def evaluate(self, task, expression, external_context=None):
        value = super().evaluate(task, expression, external_context)
        if not _is_timer(task):
            return value
        if isinstance(value, _dt.date):  # datetime or date: the engine reads timer values as ISO text
            return value.isoformat()
        if not isinstance(value, str):
            raise WorkflowTaskException(
                f"timer expression {expression!r} gave {value!r}; expected an ISO 8601 date, duration or cycle",
                task=task)
        return value


def _is_timer(task) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    parts = getattr(definition, "event_definitions", None) or [definition]
    return any(isinstance(p, TimerEventDefinition) for p in parts)
