"""Errors the engine raises, in duban's vocabulary (never SpiffWorkflow's or lxml's)."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One problem found in an uploaded BPMN file, pointing at the element and source line."""

    file: str
    message: str
    element_id: str = ""
    element_type: str = ""
    line: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element_type or self.element_id:
            where += f" <{self.element_type or 'element'} id={self.element_id!r}>"
        return f"{where}: {self.message}"


class BpmnValidationError(Exception):
    """An upload that cannot be deployed; carries every issue found."""

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:10]))


class ScriptError(Exception):
    """A script, condition or expression failed or was refused; ``line`` is the script's line, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class ScriptTimeout(ScriptError):
    """A script or expression ran past its time bound."""


class EngineError(Exception):
    """A workflow operation that cannot proceed (bad task id, wrong state, no catcher...)."""


class DataError(EngineError):
    """Data handed to the engine cannot be stored (reserved keys, unsupported types)."""
