"""Repairs to valid BPMN that SpiffWorkflow would otherwise mishandle silently.

Each follows the BPMN 2.0 specification and what other engines (Camunda, Flowable) do:
- references may be QNames (``tns:Message_1``): resolve them to the local id;
- a sequence flow may omit its id: give it one (SpiffWorkflow drops id-less flows);
- a flow node without outgoing sequence flows ends its path (an "implicit end"): give it an
  explicit end event (SpiffWorkflow waits forever for such a path when the process also has
  an end event);
- a multi-instance in Camunda's or Activiti's dialect may name its collection as Activiti does
  (``activiti:collection``, ``activiti:elementVariable``; Camunda forked Activiti, the words mean
  the same) or only in standard BPMN (``loopDataInputRef``, ``inputDataItem``): give it the
  ``camunda:`` attributes that Camunda's parser reads (it refuses the loop as having neither).
"""
from __future__ import annotations

from lxml import etree

from .xml import BPMN_NS, local_name

_IMPLICIT_END_NODES = {
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "intermediateCatchEvent",
    "intermediateThrowEvent", "parallelGateway", "exclusiveGateway", "inclusiveGateway",
}
_CONTAINERS = {"process", "subProcess", "transaction"}
CAMUNDA_NS, ACTIVITI_NS = "http://camunda.org/schema/1.0/bpmn", "http://activiti.org/bpmn"


_REF_ATTRIBUTES = ("messageRef", "signalRef", "errorRef", "escalationRef", "sourceRef", "targetRef",
                   "attachedToRef", "processRef", "calledElement", "default")


def normalize(tree: etree._ElementTree) -> None:
    """Apply every repair in place."""
    unqualify_references(tree)
    name_unnamed_flows(tree)
    add_implicit_ends(tree)
    name_loop_collections(tree)


def unqualify_references(tree: etree._ElementTree) -> None:
    """``messageRef="ns:Message_1"`` (as some modellers export) → ``Message_1`` when that id exists."""
    ids = _taken_ids(tree)
    for element in tree.getroot().iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in _REF_ATTRIBUTES:
            value = element.get(attribute)
            if value and ":" in value and value not in ids and value.split(":", 1)[1] in ids:
                element.set(attribute, value.split(":", 1)[1])


def _taken_ids(tree: etree._ElementTree) -> set[str]:
    return {e.get("id") for e in tree.getroot().iter() if isinstance(e.tag, str) and e.get("id")}


def _fresh(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def name_unnamed_flows(tree: etree._ElementTree) -> None:
    """Give id-less sequence flows an id derived from their ends."""
    taken = _taken_ids(tree)
    for flow in tree.getroot().iter(f"{{{BPMN_NS}}}sequenceFlow"):
        if not flow.get("id"):
            flow.set("id", _fresh(f"flow_{flow.get('sourceRef', '')}_{flow.get('targetRef', '')}", taken))


def add_implicit_ends(tree: etree._ElementTree) -> None:
    """Connect every flow node that has incoming but no outgoing flows to a new end event."""
    taken = _taken_ids(tree)
    for container in tree.getroot().iter():
        if not isinstance(container.tag, str) or local_name(container) not in _CONTAINERS:
            continue
        flows = [c for c in container if isinstance(c.tag, str) and local_name(c) == "sequenceFlow"]
        sources = {f.get("sourceRef") for f in flows}
        targets = {f.get("targetRef") for f in flows}
        for node in list(container):
            if not _ends_implicitly(node, sources, targets):
                continue
            end_id = _fresh(f"{node.get('id')}_implicit_end", taken)
            etree.SubElement(container, f"{{{BPMN_NS}}}endEvent", id=end_id)
            etree.SubElement(container, f"{{{BPMN_NS}}}sequenceFlow", id=_fresh(f"flow_{end_id}", taken),
                             sourceRef=node.get("id"), targetRef=end_id)


def _ends_implicitly(node: etree._Element, sources: set, targets: set) -> bool:
    if not isinstance(node.tag, str) or local_name(node) not in _IMPLICIT_END_NODES:
        return False
    if node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true":
        return False
    return node.get("id") in targets and node.get("id") not in sources


def name_loop_collections(tree: etree._ElementTree) -> None:
    """Give a Camunda- or Activiti-dialect multi-instance the ``camunda:collection`` and
    ``camunda:elementVariable`` that its Activiti attributes or its standard references name."""
    for loop in tree.getroot().iter(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics"):
        if not any(etree.QName(a).namespace in (CAMUNDA_NS, ACTIVITI_NS) for a in loop.attrib):
            continue  # standard BPMN, which Spiff's parser reads itself
        for name in ("collection", "elementVariable"):
            if loop.get(f"{{{CAMUNDA_NS}}}{name}") is None and loop.get(f"{{{ACTIVITI_NS}}}{name}") is not None:
                loop.set(f"{{{CAMUNDA_NS}}}{name}", loop.get(f"{{{ACTIVITI_NS}}}{name}"))
        reference = (loop.findtext(f"{{{BPMN_NS}}}loopDataInputRef") or "").strip()
        counted = loop.find(f"{{{BPMN_NS}}}loopCardinality") is not None
        if reference and not counted and loop.get(f"{{{CAMUNDA_NS}}}collection") is None:
            loop.set(f"{{{CAMUNDA_NS}}}collection", reference)
        item = loop.find(f"{{{BPMN_NS}}}inputDataItem")
        if item is not None and (item.get("name") or item.get("id")) and \
                loop.get(f"{{{CAMUNDA_NS}}}elementVariable") is None:
            loop.set(f"{{{CAMUNDA_NS}}}elementVariable", item.get("name") or item.get("id"))
