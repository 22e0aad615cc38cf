"""Deploy-time limits on a package's shape: flow elements per file, and call activities that loop.

Both are read from the XML before SpiffWorkflow parses it: the parser walks a chain of elements
recursively (a long one ends in a RecursionError), and a process that calls itself deploys but
nests subprocesses without end once it runs.
"""
from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .errors import ValidationIssue, gettext_noop, issue
from .limits import Limits
from .xml import BPMN_NS, local_name

# Elements whose children are flow elements (tasks, events, gateways, flows, data objects, ...).
_CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}


def _flow_elements(root: etree._Element) -> Iterator[etree._Element]:
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        parent = element.getparent()
        if parent is not None and local_name(parent) in _CONTAINERS and etree.QName(parent).namespace == BPMN_NS:
            yield element


def size_issue(tree: etree._ElementTree, filename: str, limits: Limits) -> ValidationIssue | None:
    """A refusal at the first flow element past ``limits.max_elements``, counting them all; else None."""
    first_past, count = None, 0
    for element in _flow_elements(tree.getroot()):
        count += 1
        if count == limits.max_elements + 1:
            first_past = element
    if first_past is None:
        return None
    return issue(
        filename, gettext_noop("the file has %(count)s flow elements (tasks, events, gateways, flows, ...); the "
                               "limit is %(maximum)s (DUBAN_MAX_BPMN_ELEMENTS): split it into processes that call "
                               "each other"),
        element_id=first_past.get("id") or "", element_type=local_name(first_past), line=first_past.sourceline,
        count=f"{count:,}", maximum=f"{limits.max_elements:,}")


def call_cycle_issues(sources: list[tuple[str, etree._ElementTree]]) -> list[ValidationIssue]:
    """A refusal at every call activity through which a process calls itself, directly or through others.

    Called processes come from the same upload (the parser refuses a call to any other), so the
    package holds every call an instance of it can make.
    """
    calls: dict[str, list[tuple[str, etree._Element]]] = {}
    for filename, tree in sources:
        for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            calls.setdefault(process.get("id") or "", []).extend(
                (filename, call) for call in process.iter(f"{{{BPMN_NS}}}callActivity") if call.get("calledElement"))
    issues = []
    for caller, made in calls.items():
        for filename, call in made:
            path = _path(calls, call.get("calledElement") or "", caller)
            if path is not None:
                issues.append(issue(
                    filename, gettext_noop("the call activity calls its own process (%(path)s): an instance would "
                                           "nest subprocesses without end"),
                    element_id=call.get("id") or "", element_type="callActivity", line=call.sourceline,
                    path=" → ".join([caller, *path])))
    return issues


def _path(calls: dict[str, list[tuple[str, etree._Element]]], start: str, goal: str) -> list[str] | None:
    """Process ids from ``start`` to ``goal`` along call activities (breadth first), or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for process in queue:
        if process == goal:
            path, node = [], process
            while node is not None:
                path.append(node)
                node = came_from[node]
            return path[::-1]
        for _filename, call in calls.get(process, []):
            called = call.get("calledElement") or ""
            if called not in came_from:
                came_from[called] = process
                queue.append(called)
    return None
