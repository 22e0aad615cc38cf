"""Turn uploaded BPMN (and DMN) files into deployable process specs, or one clear validation error."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask as PlainServiceTask
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import CamundaStartEventParser
from SpiffWorkflow.spiff.parser.event_parsers import SpiffStartEventParser
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.specs.defaults import ServiceTask

from . import serializer
from .code_events import EventSubprocessStart, wire_event_subprocesses
from .errors import BpmnValidationError, ValidationIssue, gettext_noop, issue
from .limits import Limits
from .lint import lint, warnings
from .localization import Texts, localized_texts
from .normalize import normalize
from .specs import describe_user_tasks
from .start_triggers import StartTrigger, start_triggers
from .structure import call_cycle_issues, size_issue
from .xml import ElementInfo, element_index, local_name, parse_xml

CAMUNDA_NAMESPACES = ("http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn")
SPIFF_NAMESPACE = "http://spiffworkflow.org/bpmn/schema/1.0/core"
TOO_LONG = gettext_noop("a path of elements one after another is longer than the engine can follow (a few hundred "
                        "in a row); split it into subprocesses or processes that call each other")
NOT_FOUND = gettext_noop("a sequence flow or reference points to an element that does not exist (%(detail)s)")


@dataclass(frozen=True)
class CompiledProcess:
    """One deployable process (or collaboration) with its spec serialized once."""

    key: str
    name: str
    dialect: str
    spec: str
    form_keys: tuple[str, ...] = ()
    lanes: tuple[str, ...] = ()
    inline_forms: dict = field(default_factory=dict)
    texts: Texts = field(default_factory=dict)  # names and documentation in other languages, by element id
    start_triggers: tuple[StartTrigger, ...] = ()  # start events waiting for a message, signal or timer


@dataclass
class CompiledPackage:
    processes: list[CompiledProcess]
    warnings: list[ValidationIssue] = field(default_factory=list)


@dataclass
class _Source:
    name: str
    tree: etree._ElementTree
    index: dict[str, ElementInfo]


def compile_package(files: Mapping[str, bytes], limits: Limits | None = None) -> CompiledPackage:
    """Validate and compile BPMN files (plus the DMN files they use) deployed together."""
    limits = limits or Limits()
    if not any(_is_bpmn(name) for name in files):
        raise BpmnValidationError([issue("", gettext_noop("no BPMN file was uploaded"))])
    sources, dmn, issues = _read(files, limits)
    if issues:
        raise BpmnValidationError(issues)
    dialect = _dialect([s.tree for s in sources])
    parser = _parser(dialect, sources, dmn)
    keys = _deployable_keys(sources)
    processes = [_compile_one(parser, key, dialect, sources) for key in keys]
    return CompiledPackage(processes=processes,
                           warnings=[w for s in sources for w in warnings(s.tree, s.name, limits)])


def _is_bpmn(name: str) -> bool:
    return not name.lower().endswith(".dmn")


def _read(files: Mapping[str, bytes],
          limits: Limits) -> tuple[list[_Source], list[tuple[str, etree._ElementTree]], list]:
    sources, dmn, issues = [], [], []
    for name, content in files.items():
        try:
            if _is_bpmn(name):
                tree = parse_xml(content, name)
                too_big = size_issue(tree, name, limits)
                if too_big is not None:  # nothing more is read of it
                    issues.append(too_big)
                    continue
                normalize(tree)
                issues.extend(lint(tree, name, limits))
                sources.append(_Source(name, tree, element_index(tree)))
            else:
                dmn.append((name, parse_xml(content, name, namespace=None)))
        except BpmnValidationError as exc:
            issues.extend(exc.issues)
    if not issues:
        issues.extend(_check_executable(sources) or call_cycle_issues([(s.name, s.tree) for s in sources]))
    return sources, dmn, issues


def _check_executable(sources: list[_Source]) -> list[ValidationIssue]:
    processes = [(s, p) for s in sources for p in s.tree.getroot() if local_name(p) == "process"]
    if not processes:
        return [issue(sources[0].name, gettext_noop("the file defines no process"))]
    if any(p.get("isExecutable", "true") == "true" for _, p in processes):
        return []
    return [issue(s.name, gettext_noop('the process is not executable (isExecutable="false"); mark it executable '
                                       'to deploy it'),
                  element_id=p.get("id", ""), element_type="process", line=p.sourceline) for s, p in processes]


def _dialect(trees: list[etree._ElementTree]) -> str:
    """Camunda's parser when extensions in its (or Activiti's) namespace are used and Spiff's are not."""
    used = set()
    for tree in trees:
        for element in tree.getroot().iter():
            if not isinstance(element.tag, str):
                continue
            used.add(etree.QName(element).namespace)
            used.update(etree.QName(a).namespace for a in element.attrib if a.startswith("{"))
    if SPIFF_NAMESPACE in used:
        return "spiff"
    return "camunda" if used & set(CAMUNDA_NAMESPACES) else "spiff"


class _ServiceTaskParser(ServiceTaskParser):
    """A service task with no Spiff operator is BPMN's plain one, as in a Camunda-dialect file: it
    completes as a no-op, and deploy warns (SpiffWorkflow's own parser refuses it)."""

    def create_task(self):
        if "serviceTaskOperator" not in self.parse_extensions():
            return PlainServiceTask(self.spec, self.bpmn_id, **self.bpmn_attributes)
        return super().create_task()


_START_DEFINITIONS = [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH, CONDITIONAL_EVENT_XPATH,
                      ERROR_EVENT_XPATH, ESCALATION_EVENT_XPATH]


class _EventSubprocessStarts:
    """A start event reads error and escalation definitions too (SpiffWorkflow's parser drops them, so
    an error event subprocess started with its scope); in an event subprocess it is an
    ``EventSubprocessStart`` knowing whether it interrupts (BPMN's default is that it does)."""

    def create_task(self):
        definition = self.get_event_definition(_START_DEFINITIONS)
        if self.node.getparent().get("triggeredByEvent") == "true":
            # _create_task calls spec_class with the event's definition and attributes
            self.spec_class = partial(EventSubprocessStart, interrupting=self.node.get("isInterrupting") != "false")
        task = self._create_task(definition)
        self.spec.start.connect(task)
        return task


class _SpiffStartEventParser(_EventSubprocessStarts, SpiffStartEventParser):
    pass


class _CamundaStartEventParser(_EventSubprocessStarts, CamundaStartEventParser):
    pass


class _SpiffParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("serviceTask"): (_ServiceTaskParser, ServiceTask),
                               full_tag("startEvent"): (_SpiffStartEventParser, StartEvent)}


class _CamundaParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {**CamundaParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("startEvent"): (_CamundaStartEventParser, StartEvent)}


def _parser(dialect: str, sources: list[_Source], dmn: list) -> SpiffBpmnParser | CamundaParser:
    parser = _CamundaParser() if dialect == "camunda" else _SpiffParser()
    for name, tree in dmn:
        _guard(sources, lambda t=tree, n=name: parser.add_dmn_xml(t.getroot(), filename=n))
    for source in sources:
        _guard(sources, lambda s=source: parser.add_bpmn_xml(s.tree, filename=s.name), default_file=source.name)
    return parser


def _deployable_keys(sources: list[_Source]) -> list[str]:
    keys: list[str] = []
    for source in sources:
        root = source.tree.getroot()
        executable = [p.get("id") for p in root if local_name(p) == "process"
                      and p.get("isExecutable", "true") == "true"]
        collaborations = [c for c in root if local_name(c) == "collaboration"]
        participants = {pt.get("processRef") for c in collaborations for pt in c if local_name(pt) == "participant"}
        if collaborations and len(set(executable) & participants) > 1:
            keys.append(collaborations[0].get("id"))
            executable = [p for p in executable if p not in participants]
        keys.extend(executable)
    return keys


def _compile_one(parser, key: str, dialect: str, sources: list[_Source]) -> CompiledProcess:
    def build() -> CompiledProcess:
        if key in parser.collaborations:
            spec, subprocesses = parser.get_collaboration(key)
        else:
            spec = parser.get_spec(key)
            subprocesses = parser.get_subprocess_specs(key)
        wire_event_subprocesses([spec, *subprocesses.values()])
        workflow = BpmnWorkflow(spec, subprocesses)
        tasks = describe_user_tasks([spec, *subprocesses.values()])
        return CompiledProcess(
            key=key, name=spec.description or key, dialect=dialect,
            spec=serializer.spec_json(workflow, dialect),
            form_keys=tuple(sorted({t.form_key for t in tasks if t.form_key})),
            lanes=tuple(sorted({t.lane for t in tasks if t.lane})),
            inline_forms={t.bpmn_id: t.form_schema for t in tasks if t.form_schema},
            texts=localized_texts(_roots_of(key, sources)),
            start_triggers=start_triggers(spec),
        )
    return _guard(sources, build, default_file=sources[0].name)


def _roots_of(key: str, sources: list[_Source]) -> list:
    """The process (or the whole file of a collaboration) that ``key`` names."""
    for source in sources:
        for element in source.tree.getroot():
            if element.get("id") == key:
                return [source.tree.getroot()] if local_name(element) == "collaboration" else [element]
    return []


def _guard(sources: list[_Source], fn, default_file: str = ""):
    """Run a parser call; turn whatever it raises into a validation error with file and line."""
    try:
        return fn()
    except BpmnValidationError:
        raise
    except ValidationException as exc:
        raise BpmnValidationError([_from_validation(exc, sources, default_file)]) from None
    except RecursionError:
        raise BpmnValidationError([issue(
            default_file, gettext_noop("the process loops back on itself in a way the engine cannot predict (a task "
                                       "flowing straight back to itself?)"))]) from None
    except Exception as exc:  # the engine raises KeyError/TypeError/... on some malformed input
        raise BpmnValidationError([_from_unexpected(exc, sources, default_file)]) from None


def _locate(element_id: str, sources: list[_Source], default_file: str) -> tuple[str, ElementInfo | None]:
    for source in sources:
        if element_id and element_id in source.index:
            return source.name, source.index[element_id]
    return default_file, None


def _from_validation(exc: ValidationException, sources: list[_Source], default_file: str) -> ValidationIssue:
    element_id = getattr(exc, "id", "") or ""
    file_name, info = _locate(element_id, sources, getattr(exc, "file_name", "") or default_file)
    message = str(exc.args[0] if exc.args else exc).split("\nSource Details")[0].strip()
    line = info.line if info else (int(exc.line_number) if str(exc.line_number or "").isdigit() else None)
    where = {"element_id": element_id, "element_type": (info.tag if info else getattr(exc, "tag", "") or ""),
             "line": line}
    if message.startswith("RecursionError("):  # the parser follows each flow to the next element recursively
        return issue(file_name, TOO_LONG, **where)
    template, params = _reword(message)
    if template:
        return issue(file_name, template, **where, **params)
    # SpiffWorkflow's own words, which duban has no translation for
    return ValidationIssue(file=file_name, message=message, **where)


def _from_unexpected(exc: Exception, sources: list[_Source], default_file: str) -> ValidationIssue:
    detail = str(exc)
    element_id = next((i for s in sources for i in s.index if i and f"'{i}'" in detail), "")
    file_name, info = _locate(element_id, sources, default_file)
    return issue(file_name, gettext_noop("the engine cannot build this process: %(error)s: %(detail)s"),
                 element_id=element_id, element_type=info.tag if info else "", line=info.line if info else None,
                 error=type(exc).__name__, detail=detail)


def _reword(message: str) -> tuple[str, dict]:
    """duban's template (and its params) for a SpiffWorkflow message it rewords, else ("", {})."""
    if "perhaps a form has the same ID" in message:
        return NOT_FOUND, {"detail": message}
    return "", {}
