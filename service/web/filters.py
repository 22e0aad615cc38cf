"""What the pages read from a query string or a small form, validated like the API's query parameters.

A bad date or id answers 400 with the problems in the user's language (``bad_request``), before
anything is read or changed; a valid form's ``cleaned_data`` is what the selectors are given.
"""
from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from service.api.common import MAX_ID
from workflows.plans.board import BoardQuery
from workflows.plans.inbox import ORDERINGS, TABS
from workflows.processes.models import EscalationLevel, HumanTaskState

ISO_DATE = ["%Y-%m-%d"]  # what a date input sends and the API takes; the ORM is given the parsed date


def _id(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_ID, required=required)


def _choices(values) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class InboxFilters(forms.Form):
    tab = forms.ChoiceField(label=_("Tab"), choices=_choices(TABS), required=False)
    state = forms.ChoiceField(label=_("State"), choices=HumanTaskState.choices, required=False)
    due_before = forms.DateField(label=_("Due by"), input_formats=ISO_DATE, required=False)
    due_after = forms.DateField(label=_("Due after"), input_formats=ISO_DATE, required=False)
    light = forms.ChoiceField(label=_("Light"), choices=_choices(("red", "yellow", "green")), required=False)
    work_item = _id(_("Work item"))
    cycle = _id(_("Cycle"))
    unit = _id(_("Unit"))
    ordering = forms.ChoiceField(label=_("Order"), choices=_choices(ORDERINGS), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)

    def params(self) -> dict:
        """The filters that are set, parsed (dates as dates, ids as numbers), for ``inbox_rows``."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class EscalationAction(forms.Form):
    escalation = _id(_("Escalation"), required=True)
    action = forms.ChoiceField(label=_("Action"), choices=_choices(("acknowledge", "chase")))


class BoardFilters(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=EscalationLevel.choices, required=False)
    unit = _id(_("School"))
    work_item = _id(_("Work item"))
    period = forms.RegexField(label=_("Period"), regex=r"^[0-9]{1,9}-[1-4]$", required=False)
    overdue = forms.IntegerField(label=_("Working days overdue, at least"), min_value=0, max_value=250,
                                 required=False)
    plan = _id(_("Plan"))
    escalation = _id(_("Escalation"))
    page = forms.IntegerField(label=_("Page"), min_value=1, max_value=100000, required=False)

    def query(self) -> BoardQuery:
        """The list's filters, parsed, for ``board_filtered``."""
        data = self.cleaned_data
        cycle, quarter = (int(part) for part in data["period"].split("-")) if data.get("period") else (None, None)
        return BoardQuery(level=data.get("level") or "", unit=data.get("unit"), work_item=data.get("work_item"),
                          cycle=cycle, quarter=quarter, overdue_at_least=data.get("overdue") or None,
                          escalation=data.get("escalation"))


class BoardChaseForm(forms.Form):
    which = forms.ChoiceField(label=_("Which"), choices=_choices(("chosen", "all")))

    def chosen(self) -> list[int] | None:
        """The entries ticked (None: all the list's filters match)."""
        if self.cleaned_data["which"] == "all":
            return None
        return [int(v) for v in self.data.getlist("escalation") if str(v).isdigit()][:1000]


class DiagramFilters(forms.Form):
    instance = _id(_("Instance"))


class BulletinSections(forms.Form):
    """How many heading/body pairs the bulletin editor posted and its printing date (the rest is free text)."""

    section_count = forms.IntegerField(label=_("Sections"), min_value=0, max_value=200)
    printed_on = forms.DateField(label=pgettext_lazy("bulletin record", "Printing date"), required=False,
                                 input_formats=ISO_DATE)


def problems(form: forms.Form) -> list[str]:
    """Each bad field as "label: message", in the user's language."""
    return [gettext("%(field)s: %(problem)s") % {"field": form.fields[name].label if name in form.fields else name,
                                                 "problem": " ".join(errors)} for name, errors in form.errors.items()]


def bad_request(request: HttpRequest, form: forms.Form, back: str) -> HttpResponse:
    """400: the page says what could not be read and that nothing was changed."""
    return render(request, "web/bad_request.html", {"problems": problems(form), "back": back}, status=400)
