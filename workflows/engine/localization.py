"""A BPMN file's names and documentation in other languages (``<duban:localization>``).

An element's ``name`` and ``<bpmn:documentation>`` hold its text in the file's own language. Other
languages come as Flowable writes them, one element per language in ``extensionElements``::

    <bpmn:userTask id="fill_report" name="填写季度报告">
      <bpmn:extensionElements>
        <duban:localization locale="en" name="Fill in the quarterly report">
          <duban:documentation>The liaison fills in the report.</duban:documentation>
        </duban:localization>
      </bpmn:extensionElements>
    </bpmn:userTask>

Any namespace is read (``flowable:localization`` as well), so a file written for Flowable keeps its
translations. The texts are read once, at deploy time, into plain data.
"""
from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from .xml import local_name

DUBAN_NAMESPACE = "https://duban.example/bpmn/localization"
Texts = dict[str, dict[str, dict[str, str]]]  # element id -> locale -> {"name": ..., "documentation": ...}


def normal_locale(text: str) -> str:
    """``zh_CN``, ``zh-Hans`` and ``zh`` as one spelling each: lower case, hyphens."""
    return (text or "").strip().lower().replace("_", "-")


def localized_texts(roots: Iterable[etree._Element]) -> Texts:
    """Every element's texts in other languages, under the given roots (processes, collaborations)."""
    texts: Texts = {}
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str) or local_name(element) != "localization":
                continue
            owner = _owner(element)
            locale = normal_locale(element.get("locale", ""))
            if owner is None or not owner.get("id") or not locale:
                continue
            entry = texts.setdefault(owner.get("id"), {}).setdefault(locale, {})
            if element.get("name"):
                entry["name"] = element.get("name").strip()
            documentation = next((child for child in element if isinstance(child.tag, str)
                                  and local_name(child) == "documentation"), None)
            if documentation is not None and (documentation.text or "").strip():
                entry["documentation"] = documentation.text.strip()
    return texts


def _owner(localization: etree._Element) -> etree._Element | None:
    """The element a localization belongs to: the parent of its ``extensionElements``."""
    parent = localization.getparent()
    if parent is None or local_name(parent) != "extensionElements":
        return None
    return parent.getparent()
