"""What the office may write into a bulletin: sections as typed, and the 主送, 抄送, 印发 fields."""
from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from workflows.processes.errors import Invalid

# field -> (max length, may be empty)
TEXT_FIELDS = {"title": (300, False), "document_number": (100, True), "addressees": (300, True),
               "copy_to": (300, True), "printed_by": (200, True)}
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")


def paragraphs_of(text: str) -> list[str]:
    """A textarea's body as paragraphs: split at blank lines, each kept as typed but for its ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def body_of(paragraphs: list[str]) -> str:
    """The paragraphs as the editor's textarea shows them (paragraphs_of reads it back unchanged)."""
    return "\n\n".join(paragraphs)


def checked_sections(sections: object) -> list[dict]:
    """Sections as {heading, paragraphs}; a paragraph holding a blank line is two paragraphs."""
    ok = isinstance(sections, list) and bool(sections) and all(
        isinstance(s, dict) and isinstance(s.get("heading"), str) and s["heading"].strip()
        and isinstance(s.get("paragraphs"), list) and all(isinstance(p, str) for p in s["paragraphs"])
        for s in sections)
    if not ok:
        raise Invalid(_("Sections must be a list of {heading, paragraphs}."), {"sections": [_("invalid structure")]})
    return [{"heading": s["heading"].strip(), "paragraphs": [q for p in s["paragraphs"] for q in paragraphs_of(p)]}
            for s in sections]  # type: ignore[union-attr]


def checked_field(name: str, value: object) -> object:
    """One header or record field, trimmed; printed_on is a date or None (the day it is published)."""
    if name == "printed_on":
        if value is not None and not isinstance(value, dt.date):
            raise Invalid(_("The printing date is not a date."), {name: [_("invalid date")]})
        return value
    if name not in TEXT_FIELDS or not isinstance(value, str):
        raise Invalid(_("Unknown bulletin field %(name)s.") % {"name": name}, {name: [_("unknown field")]})
    limit, may_be_empty = TEXT_FIELDS[name]
    text = value.strip()
    if not text and not may_be_empty:
        raise Invalid(_("The title is empty."), {name: [_("required")]})
    return text[:limit]
