"""Safe parsing of uploaded BPMN XML: no entities, no DTDs, no network, bounded size and depth."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .errors import BpmnValidationError, gettext_noop, issue

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64


@dataclass(frozen=True)
class ElementInfo:
    tag: str
    line: int | None


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )


def parse_xml(content: bytes, filename: str, namespace: str | None = BPMN_NS) -> etree._ElementTree:
    """Parse untrusted XML; any DOCTYPE, oversize or malformed input becomes a validation error."""
    if len(content) > MAX_BYTES:
        raise _error(filename, gettext_noop("file is %(size)s bytes; the limit is %(maximum)s"),
                     size=f"{len(content):,}", maximum=f"{MAX_BYTES:,}")
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise _error(filename, gettext_noop("DOCTYPE and entity declarations are not allowed in BPMN uploads"))
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        raise _error(filename, gettext_noop("malformed XML: %(detail)s"), line=line, detail=exc.msg) from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise _error(filename, gettext_noop("DOCTYPE declarations are not allowed in BPMN uploads"))
    if local_name(root) != "definitions" or (namespace and etree.QName(root).namespace != namespace):
        raise _error(filename, gettext_noop("not a BPMN 2.0 file: the root element must be bpmn:definitions"),
                     element_type=local_name(root), line=root.sourceline)
    _check_depth(root, filename)
    return tree


def _check_depth(root: etree._Element, filename: str) -> None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            raise _error(filename, gettext_noop("elements are nested deeper than %(maximum)s levels"),
                         element_type=local_name(element), line=element.sourceline, maximum=MAX_DEPTH)


def element_index(tree: etree._ElementTree) -> dict[str, ElementInfo]:
    """Map every element id to its tag and source line (the engine's errors lack lines)."""
    index: dict[str, ElementInfo] = {}
    for element in tree.getroot().iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id and element_id not in index:
            index[element_id] = ElementInfo(local_name(element), element.sourceline)
    return index


def _error(filename: str, template: str, **kw) -> BpmnValidationError:
    return BpmnValidationError([issue(filename, template, **kw)])

