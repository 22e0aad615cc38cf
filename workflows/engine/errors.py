"""Errors the engine raises, in duban's vocabulary (never SpiffWorkflow's or lxml's).

A refusal's words are an English ``template`` with ``%(name)s`` placeholders and its ``params``;
``message`` is the template rendered in English. The engine knows no languages (and no Django):
the service translates the template at its boundary, in the reader's language. Templates are
written as ``gettext_noop("...")`` so that Django's ``makemessages`` finds them here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field


def gettext_noop(message: str) -> str:
    """Mark a template for translation (``makemessages`` extracts it); return it unchanged."""
    return message


def render(template: str, params: Mapping | None = None, translate=None, strict: bool = False) -> str:
    """``template % params``, each param that is itself a ``Text`` (or its dict) rendered first.

    ``translate`` (a gettext) is applied to the template and to every nested template. A template
    that does not format with its params raises ValueError when ``strict``; otherwise it is
    returned as it stands.
    """
    wording = translate(template) if translate else template
    if not params and "%(" not in wording:
        return wording
    values = {name: _value(value, translate, strict) for name, value in (params or {}).items()}
    try:
        return wording % values
    except (KeyError, TypeError, ValueError) as exc:
        if strict:
            raise ValueError(f"{template!r} does not format with {sorted(values)}") from exc
        return template


def _value(value: object, translate, strict: bool) -> object:
    if isinstance(value, Text):
        return render(value.template, value.params, translate, strict)
    if isinstance(value, Mapping) and "template" in value and set(value) <= {"template", "params"}:
        return render(str(value["template"]), value.get("params") or {}, translate, strict)
    return value


@dataclass(frozen=True)
class Text:
    """Words to translate later: an English template and its params (a param may be a Text too)."""

    template: str
    params: dict = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return render(self.template, self.params)


def text(template: str, **params) -> Text:
    return Text(template, params)


@dataclass(frozen=True)
class ValidationIssue:
    """One problem found in an uploaded BPMN file, pointing at the element and source line.

    ``message`` is English; ``template`` and ``params`` (when the template is set) give the same
    words for translation: ``message == template % params``.
    """

    file: str
    message: str
    element_id: str = ""
    element_type: str = ""
    line: int | None = None
    template: str = ""
    params: dict = field(default_factory=dict, hash=False)

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element_type or self.element_id:
            where += f" <{self.element_type or 'element'} id={self.element_id!r}>"
        return f"{where}: {self.message}"


def issue(file: str, template: str, *, element_id: str = "", element_type: str = "", line: int | None = None,
          **params) -> ValidationIssue:
    """A ValidationIssue whose English message is ``template`` rendered with ``params``."""
    return ValidationIssue(file=file, message=render(template, params), element_id=element_id,
                           element_type=element_type, line=line, template=template, params=params)


def reason_of(exc: BaseException) -> Text | str:
    """An exception's words as a Text when it carries a template (ScriptError, CompileRefusal), else its text."""
    template = getattr(exc, "template", "")
    return Text(template, dict(getattr(exc, "params", None) or {})) if template else str(exc)


class BpmnValidationError(Exception):
    """An upload that cannot be deployed; carries every issue found."""

    def __init__(self, issues: list[ValidationIssue]):
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:10]))


class ScriptError(Exception):
    """A script, condition or expression failed or was refused; ``line`` is the script's line, when known.

    A refusal duban words itself also carries its ``template`` and ``params`` (see ``Text``).
    """

    def __init__(self, message: str, line: int | None = None, *, template: str = "", params: dict | None = None):
        super().__init__(message)
        self.line = line
        self.template = template
        self.params = dict(params or {})


class ScriptTimeout(ScriptError):
    """A script or expression ran past its time bound."""


class EngineError(Exception):
    """A workflow operation that cannot proceed (bad task id, wrong state, no catcher...)."""


class DataError(EngineError):
    """Data handed to the engine cannot be stored (reserved keys, unsupported types)."""
