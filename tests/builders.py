"""Small BPMN documents written in tests, so each test shows the shape it exercises."""
from __future__ import annotations

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def definitions(body: str, head: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NS} id="defs" '
            f'targetNamespace="http://duban.test/bpmn">\n{head}{body}\n</bpmn:definitions>\n').encode()


def process(pid: str, body: str, executable: bool = True, lanes: dict[str, list[str]] | None = None) -> str:
    lane_xml = ""
    if lanes:
        lane_xml = "<bpmn:laneSet id=\"ls\">" + "".join(
            f'<bpmn:lane id="lane_{name}" name="{name}">'
            + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes) + "</bpmn:lane>"
            for name, nodes in lanes.items()) + "</bpmn:laneSet>"
    return (f'<bpmn:process id="{pid}" isExecutable="{"true" if executable else "false"}">\n'
            f"{lane_xml}{body}\n</bpmn:process>")


def flow(fid: str, src: str, dst: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}"/>'
    return (f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}">'
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
            f"</bpmn:conditionExpression></bpmn:sequenceFlow>")


def chain(*ids: str) -> str:
    return "\n".join(flow(f"f_{a}_{b}", a, b) for a, b in zip(ids, ids[1:], strict=False))


def user_task(tid: str, name: str = "", form: str = "", props: dict[str, str] | None = None) -> str:
    properties = dict(props or {})
    if form:
        properties["formJsonSchemaFilename"] = form
    ext = ""
    if properties:
        ext = ("<bpmn:extensionElements><spiffworkflow:properties>" + "".join(
            f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in properties.items())
            + "</spiffworkflow:properties></bpmn:extensionElements>")
    return f'<bpmn:userTask id="{tid}" name="{name or tid}">{ext}</bpmn:userTask>'


def timer_boundary(bid: str, attached: str, duration: str, interrupting: bool = False) -> str:
    return (f'<bpmn:boundaryEvent id="{bid}" attachedToRef="{attached}" '
            f'cancelActivity="{"true" if interrupting else "false"}"><bpmn:timerEventDefinition>'
            f"<bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>")


def escalation_throw(eid: str, ref: str) -> str:
    return (f'<bpmn:intermediateThrowEvent id="{eid}"><bpmn:escalationEventDefinition escalationRef="{ref}"/>'
            f"</bpmn:intermediateThrowEvent>")


def escalation(ref: str, code: str) -> str:
    return f'<bpmn:escalation id="{ref}" name="{code}" escalationCode="{code}"/>'


def simple_user_process(pid: str = "simple", lane: str | None = None, form: str = "") -> bytes:
    body = ('<bpmn:startEvent id="start"/>' + user_task("fill", "Fill in", form=form)
            + '<bpmn:endEvent id="end"/>' + chain("start", "fill", "end"))
    return definitions(process(pid, body, lanes={lane: ["fill"]} if lane else None))
