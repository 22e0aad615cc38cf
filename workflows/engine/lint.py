"""Checks on the XML that SpiffWorkflow does not make, or makes with unhelpful errors.

Each rule is general (an element kind, an attribute, an expression), never a per-file case.
"""
from __future__ import annotations

import dataclasses

from lxml import etree

from .cycles import cycle_refusal_text, unbounded
from .errors import ScriptError, ValidationIssue, gettext_noop, issue, reason_of, text
from .expressions import constant
from .foreign import foreign_language
from .limits import Limits
from .scripting import compile_script
from .xml import BPMN_NS, local_name

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

UNSUPPORTED = {
    "complexGateway": gettext_noop("complex gateways are not supported; use exclusive, inclusive or parallel "
                                   "gateways"),
    "linkEventDefinition": gettext_noop("link events are not supported (the engine would silently dead-end the "
                                        "path); connect the flow with a sequence flow"),
    "compensateEventDefinition": gettext_noop("compensation events are not supported"),
}
EXPRESSIONS = {"conditionExpression": "eval", "condition": "eval", "timeDate": "eval", "timeDuration": "eval",
               "timeCycle": "eval", "completionCondition": "eval", "loopCardinality": "eval",
               "script": "exec", "preScript": "exec", "postScript": "exec"}
PYTHON_FORMATS = {"", "python", "text/python", "text/x-python", "application/x-python", "py"}
FLOW_NODE_REFS = ("sourceRef", "targetRef")
EVENT_REFS = {"messageEventDefinition": "messageRef", "signalEventDefinition": "signalRef",
              "errorEventDefinition": "errorRef", "escalationEventDefinition": "escalationRef",
              "receiveTask": "messageRef", "sendTask": "messageRef"}
RESERVED_IDS = {"Start", "End"}


def lint(tree: etree._ElementTree, filename: str, limits: Limits | None = None) -> list[ValidationIssue]:
    """Return every issue found in one parsed BPMN file."""
    limits = limits or Limits()
    root = tree.getroot()
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    issues: list[ValidationIssue] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = local_name(element)
        if name in UNSUPPORTED:
            issues.append(_issue(filename, element, UNSUPPORTED[name]))
        elif name == "sequenceFlow":
            issues.extend(_check_flow(element, ids, filename))
        elif name in EXPRESSIONS and (element.text or "").strip() and _in_process(element):
            issues.extend(_check_expression(element, EXPRESSIONS[name], filename))
            issues.extend(_check_limits(element, name, filename, limits))
        elif name == "scriptTask":
            issues.extend(_check_script_format(element, filename))
        if name in EVENT_REFS and element.get(EVENT_REFS[name]) and element.get(EVENT_REFS[name]) not in ids:
            issues.append(_issue(filename, element, gettext_noop(
                "%(attribute)s points to %(target)s, which is not defined in this file; define it at the top "
                "of the file (bpmn:message, bpmn:signal, bpmn:error or bpmn:escalation)"),
                attribute=EVENT_REFS[name], target=repr(element.get(EVENT_REFS[name]))))
        if element.get("id") in RESERVED_IDS and name != "definitions":
            issues.append(_issue(filename, element, gettext_noop("the id %(id)s is reserved by the engine; "
                                                                 "rename the element"), id=repr(element.get("id"))))
    return issues


def _in_process(element: etree._Element) -> bool:
    if etree.QName(element).namespace not in {BPMN_NS, SPIFF_NS}:
        return False
    return any(local_name(a) in {"process", "subProcess"} for a in element.iterancestors())


def _check_flow(flow: etree._Element, ids: set[str], filename: str) -> list[ValidationIssue]:
    issues = [
        _issue(filename, flow, gettext_noop("%(attribute)s points to %(target)s, which is not defined in this file"),
               attribute=attr, target=repr(flow.get(attr)))
        for attr in FLOW_NODE_REFS if flow.get(attr) not in ids
    ]
    if not issues and flow.get("sourceRef") == flow.get("targetRef"):
        issues.append(_issue(filename, flow, gettext_noop(
            "the flow leads from %(node)s straight back to %(node)s, which the engine cannot run; route the loop "
            "through an exclusive gateway before the element (or give the element a loop marker)"),
            node=repr(flow.get("sourceRef"))))
    return issues


def _check_expression(element: etree._Element, mode: str, filename: str) -> list[ValidationIssue]:
    refused = _compile_refusal(element, mode, filename)
    foreign = None if mode == "exec" else foreign_language(local_name(element), element.text or "",
                                                           compiles=refused is None)
    if foreign is not None:  # named, with what to write instead, rather than a bare syntax error
        return [_issue(filename, element, foreign.template, line_of=element, **foreign.params)]
    return [refused] if refused else []


def _compile_refusal(element: etree._Element, mode: str, filename: str) -> ValidationIssue | None:
    source = element.text or ""
    script = mode == "exec"
    try:
        compile_script(source, mode)
    except ScriptError as exc:
        refused = _issue(filename, element, gettext_noop("script refused: %(reason)s") if script
                         else gettext_noop("expression refused: %(reason)s"), line_of=element, reason=reason_of(exc))
        if exc.line and refused.line:  # the refused line itself: the script's first line is the element's
            refused = dataclasses.replace(refused, line=refused.line + exc.line - 1)
        return refused
    except Exception as exc:  # anything else RestrictedPython trips over is still a refusal
        return _issue(filename, element, gettext_noop("script cannot be compiled: %(error)s: %(detail)s") if script
                      else gettext_noop("expression cannot be compiled: %(error)s: %(detail)s"),
                      line_of=element, error=type(exc).__name__, detail=str(exc))
    return None


def _check_limits(element: etree._Element, name: str, filename: str, limits: Limits) -> list[ValidationIssue]:
    """A literal timer cycle or multi-instance cardinality past the limits (expressions are checked when they run)."""
    value = constant(element.text or "")
    refusal = None
    if name == "timeCycle" and isinstance(value, str):
        refusal = cycle_refusal_text(value, limits)
    elif name == "loopCardinality" and isinstance(value, int) and value > limits.max_instances:
        refusal = text(gettext_noop("the multi-instance activity would start %(count)s instances; at most "
                                    "%(maximum)s are allowed (DUBAN_MAX_MULTI_INSTANCE)"),
                       count=f"{value:,}", maximum=f"{limits.max_instances:,}")
    return [_issue(filename, element, refusal.template, line_of=element, **refusal.params)] if refusal else []


def _check_script_format(task: etree._Element, filename: str) -> list[ValidationIssue]:
    script_format = (task.get("scriptFormat") or "").strip().lower()
    if script_format in PYTHON_FORMATS:
        return []
    return [_issue(filename, task, gettext_noop("script language %(language)s is not supported; duban runs "
                                                "Python scripts (RestrictedPython)"), language=repr(script_format))]


def _owner(element: etree._Element) -> etree._Element:
    node = element
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node if node is not None else element


def _issue(filename: str, element: etree._Element, template: str,
           line_of: etree._Element | None = None, **params) -> ValidationIssue:
    owner = _owner(element)
    line = (line_of if line_of is not None else element).sourceline
    return issue(filename, template, element_id=owner.get("id") or "", element_type=local_name(owner), line=line,
                 **params)


def warnings(tree: etree._ElementTree, filename: str, limits: Limits | None = None) -> list[ValidationIssue]:
    """Things that deploy but that the person uploading should know about."""
    return (_service_task_warnings(tree, filename) + _unbounded_cycle_warnings(tree, filename, limits or Limits())
            + _untriggered_start_warnings(tree, filename))


def _untriggered_start_warnings(tree: etree._ElementTree, filename: str) -> list[ValidationIssue]:
    """Start events that nothing starts: a condition (duban evaluates none for a start), or a timer
    whose value an expression builds (only a written value is scheduled). Messages, signals and
    written timers start their process (service: start_triggers)."""
    found = []
    for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
        for start in (e for e in process if isinstance(e.tag, str) and local_name(e) == "startEvent"):
            kinds = {local_name(d): d for d in start if isinstance(d.tag, str)}
            if "conditionalEventDefinition" in kinds:
                found.append(_issue(filename, start, gettext_noop(
                    "duban evaluates no condition to start a process: this start event never starts one; "
                    "start the process by a message, a signal, a timer or by hand")))
            elif "timerEventDefinition" in kinds and not _written_timer(kinds["timerEventDefinition"]):
                found.append(_issue(filename, start, gettext_noop(
                    "this timer start event's time is built by an expression, and duban schedules only a "
                    "time written as a value (an ISO 8601 date, duration or repeating interval): it never "
                    "starts the process")))
    return found


def _written_timer(definition: etree._Element) -> bool:
    values = [e.text or "" for e in definition if isinstance(e.tag, str)]
    return bool(values) and all(isinstance(constant(v), str) for v in values)


def _unbounded_cycle_warnings(tree: etree._ElementTree, filename: str, limits: Limits) -> list[ValidationIssue]:
    return [
        _issue(filename, e, gettext_noop("the timer cycle %(value)s sets no count: it repeats at most %(maximum)s "
                                         "times (DUBAN_TIMER_MAX_REPETITIONS); write R<count>/ to say how often"),
               line_of=e, value=repr((e.text or "").strip()), maximum=f"{limits.timer_max_repetitions:,}")
        for e in tree.getroot().iter(f"{{{BPMN_NS}}}timeCycle")
        if isinstance(value := constant(e.text or ""), str) and unbounded(value)
    ]


def _service_task_warnings(tree: etree._ElementTree, filename: str) -> list[ValidationIssue]:
    return [
        _issue(filename, e, gettext_noop("duban has no connector for service tasks: this one completes without "
                                         "calling anything"))
        for e in tree.getroot().iter() if isinstance(e.tag, str) and local_name(e) in {"serviceTask", "sendTask"}
        and etree.QName(e).namespace == BPMN_NS and not len(e.findall(f"{{{BPMN_NS}}}messageEventDefinition"))
        and not (local_name(e) == "sendTask" and e.get("messageRef"))
    ]
