"""A simple left-to-right layout for BPMN files that carry no diagram (hand-written or generated).

Ranks flow nodes by their longest path from the start, stacks each rank vertically, expands
subprocesses around their own layout, hangs boundary events on their hosts, and writes the
BPMNDiagram that bpmn-js needs. Files that already have a diagram are left alone.
"""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI, DC = "http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC"
OMGDI = "http://www.omg.org/spec/DD/20100524/DI"
SKIP = {"sequenceFlow", "laneSet", "documentation", "extensionElements", "ioSpecification", "dataObject",
        "dataObjectReference", "dataStoreReference", "textAnnotation", "association", "property", "boundaryEvent"}
GAP_X, GAP_Y, PAD = 60, 50, 30


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _size(el) -> tuple[int, int]:
    name = _local(el)
    if name.endswith("Event"):
        return 36, 36
    if name.endswith("Gateway"):
        return 50, 50
    return 100, 80


def with_layout(xml: str) -> str:
    """The XML with a generated diagram when it has none."""
    try:
        root = etree.fromstring(xml.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return xml
    if root.find(f"{{{DI}}}BPMNDiagram") is not None:
        return xml
    diagram = etree.SubElement(root, f"{{{DI}}}BPMNDiagram", id="generated_diagram")
    for process in root.findall(f"{{{BPMN}}}process"):
        plane = etree.SubElement(diagram, f"{{{DI}}}BPMNPlane", id=f"plane_{process.get('id')}",
                                 bpmnElement=process.get("id"))
        bounds: dict[str, tuple[int, int, int, int]] = {}
        _place(process, 40, 40, bounds)
        _emit(process, plane, bounds)
        break  # bpmn-js shows one plane; the first process is the main one
    return etree.tostring(root, encoding="unicode")


def _place(container, x0: int, y0: int, bounds: dict) -> tuple[int, int]:
    """Lay out the container's nodes from (x0, y0); returns the width and height used."""
    nodes = [el for el in container if isinstance(el.tag, str) and el.get("id") and _local(el) not in SKIP]
    ids = {n.get("id") for n in nodes}
    flows = [(f.get("sourceRef"), f.get("targetRef")) for f in container.iter(f"{{{BPMN}}}sequenceFlow")
             if f.getparent() is container]
    hosts = {b.get("id"): b.get("attachedToRef") for b in container.findall(f"{{{BPMN}}}boundaryEvent")}
    rank = _ranks(ids, [(hosts.get(s, s), t) for s, t in flows if hosts.get(s, s) in ids and t in ids])
    sizes = {}
    for node in nodes:
        if _local(node) in ("subProcess", "transaction") and any(_local(c) not in SKIP for c in node):
            inner: dict = {}
            w, h = _place(node, 0, 0, inner)
            sizes[node.get("id")] = (w + 2 * PAD, h + 2 * PAD, inner)
        else:
            sizes[node.get("id")] = (*_size(node), None)
    columns: dict[int, list[str]] = {}
    for node in nodes:
        columns.setdefault(rank.get(node.get("id"), 0), []).append(node.get("id"))
    x, height = x0, 0
    for r in sorted(columns):
        width = max(sizes[i][0] for i in columns[r])
        y = y0
        for node_id in columns[r]:
            w, h, inner = sizes[node_id]
            left = x + (width - w) // 2
            bounds[node_id] = (left, y, w, h)
            if inner:
                for inner_id, (ix, iy, iw, ih) in inner.items():
                    bounds[inner_id] = (left + PAD + ix, y + PAD + iy, iw, ih)
            y += h + GAP_Y + (20 if any(v == node_id for v in hosts.values()) else 0)
        height = max(height, y - y0)
        x += width + GAP_X
    for boundary, host in hosts.items():
        if host in bounds:
            hx, hy, hw, hh = bounds[host]
            siblings = [b for b, h in hosts.items() if h == host]
            bounds[boundary] = (hx + 10 + 40 * siblings.index(boundary), hy + hh - 18, 36, 36)
    return x - x0, height


def _ranks(ids: set, edges: list[tuple[str, str]]) -> dict[str, int]:
    incoming = {i: 0 for i in ids}
    for _, t in edges:
        incoming[t] = incoming.get(t, 0) + 1
    rank = {i: 0 for i in ids if incoming[i] == 0} or {sorted(ids)[0]: 0} if ids else {}
    frontier = list(rank)
    for _ in range(len(ids) + 1):  # longest path, bounded so loops back cannot run away
        following = []
        for s, t in edges:
            if s in frontier and rank.get(t, -1) < rank[s] + 1 and rank[s] + 1 <= len(ids):
                rank[t] = rank[s] + 1
                following.append(t)
        if not following:
            break
        frontier = following
    return rank


def _emit(container, plane, bounds: dict) -> None:
    for el in container.iter():
        if not isinstance(el.tag, str) or not el.get("id") or el.get("id") not in bounds:
            continue
        x, y, w, h = bounds[el.get("id")]
        attrs = {"id": f"{el.get('id')}_di", "bpmnElement": el.get("id")}
        if _local(el) in ("subProcess", "transaction"):
            attrs["isExpanded"] = "true"
        shape = etree.SubElement(plane, f"{{{DI}}}BPMNShape", **attrs)
        etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))
    for flow in container.iter(f"{{{BPMN}}}sequenceFlow"):
        s, t = bounds.get(flow.get("sourceRef")), bounds.get(flow.get("targetRef"))
        if not s or not t:
            continue
        edge = etree.SubElement(plane, f"{{{DI}}}BPMNEdge", id=f"{flow.get('id')}_di", bpmnElement=flow.get("id"))
        start = (s[0] + s[2], s[1] + s[3] // 2) if t[0] > s[0] else (s[0] + s[2] // 2, s[1] + s[3])
        end = (t[0], t[1] + t[3] // 2)
        points = [start, ((start[0] + end[0]) // 2, start[1]), ((start[0] + end[0]) // 2, end[1]), end]
        for px, py in points:
            etree.SubElement(edge, f"{{{OMGDI}}}waypoint", x=str(px), y=str(py))
