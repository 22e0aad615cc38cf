"""duban's workflow engine: the only package that imports SpiffWorkflow.

It takes and returns plain data (bytes, dicts, dataclasses); it never touches the ORM,
settings or a request.
"""
from .errors import BpmnValidationError, DataError, EngineError, ScriptError, ValidationIssue
from .limits import Limits
from .parser import CompiledPackage, CompiledProcess, compile_package
from .runner import Process
from .snapshot import Incident, RaisedEscalation, ReadyTask, Snapshot, ThrownEvent, WaitingEvent
from .specs import UserTaskInfo
from .start_triggers import StartTrigger, first_start_at, next_start_at

__all__ = [
    "BpmnValidationError", "CompiledPackage", "CompiledProcess", "DataError", "EngineError", "Incident",
    "Limits", "Process", "RaisedEscalation", "ReadyTask", "ScriptError", "Snapshot", "StartTrigger",
    "ThrownEvent", "UserTaskInfo", "ValidationIssue", "WaitingEvent", "compile_package", "first_start_at",
    "next_start_at",
]
