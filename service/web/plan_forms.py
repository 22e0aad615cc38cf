"""The office's forms for setting up a plan: the plan and its schedule, a work item with its figures,
a reporting cycle. They check what a field can check; the services (``plans.services.plan_setup``)
check what needs the database and save."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.org.models import Unit, UnitKind
from workflows.plans.models import Plan, WorkItem
from workflows.plans.services.deadlines import DEFAULTS, plan_setting
from workflows.plans.services.plan_setup import FIGURE_TYPES, PLAN_FIELDS, Figure, departments_of

from .filters import ISO_DATE


class PageForm(forms.Form):
    """A form of the pages: labels without Django's ASCII colon (wrong after Chinese, needless in a
    stacked layout)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


# The schedule in working days (holidays and make-up days from the office's calendar): label, least, most.
SCHEDULE = {
    "open_workdays_before": (_("Reports open, working days before the quarter ends"), 0, 30),
    "report_due_workdays": (_("Reports due, working days after the quarter ends"), 1, 30),
    "reminder_workdays_before": (_("Reminder, working days before the due date"), 0, 10),
    "supervise_workdays_after": (_("Supervision, working days after the due date"), 1, 30),
    "close_workdays_after": (_("Quarter closes, working days after the due date"), 0, 30),
    "yellow_workdays": (_("Yellow light, working days before the due date"), 0, 10),
}


class PlanForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Issued on"), input_formats=ISO_DATE, required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    bureau = UnitChoice(label=_("Bureau"), queryset=Unit.objects.filter(kind=UnitKind.BUREAU).order_by("code"))
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    addressees = forms.CharField(label=_("Addressees"), max_length=300, required=False)
    copy_to = forms.CharField(label=_("Copied to"), max_length=300, required=False)
    printed_by = forms.CharField(label=_("Printed by"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    departments_start_work_items = forms.BooleanField(
        label=_("Lead departments start their own work items"), required=False, initial=True)
    extensions_decided_by = UnitChoice(
        label=_("Extension requests decided by"), required=False, empty_label=_("the office"),
        queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("code"))

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        if plan is not None:
            kwargs.setdefault("initial", {**{name: getattr(plan, name) for name in PLAN_FIELDS},
                                          **{name: plan_setting(plan, name) for name in DEFAULTS}})
        else:
            kwargs.setdefault("initial", dict(DEFAULTS))
        super().__init__(*args, **kwargs)
        for name, (label, least, most) in SCHEDULE.items():
            self.fields[name] = forms.IntegerField(label=label, min_value=least, max_value=most)

    def plan_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}

    def schedule(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in SCHEDULE}


class WorkItemForm(PageForm):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    lead = UnitChoice(label=_("Lead department"), queryset=Unit.objects.none())
    cooperating = UnitsChoice(label=_("Cooperating departments"), queryset=Unit.objects.none(), required=False,
                              widget=forms.CheckboxSelectMultiple)
    carry_over = forms.BooleanField(label=_("A school's report starts from its answers of the last quarter"),
                                    required=False)

    def __init__(self, *args, plan: Plan, item: WorkItem | None = None, **kwargs):
        if item is not None:
            units = [r.unit for r in item.responsibilities.select_related("unit")]
            kwargs.setdefault("initial", {"number": item.number, "title": item.title,
                                          "description": item.description, "carry_over": item.carry_over,
                                          "lead": units[0] if units else None, "cooperating": units[1:]})
        else:
            kwargs.setdefault("initial", {"number": (max(plan.work_items.values_list("number", flat=True),
                                                         default=0) + 1)})
        super().__init__(*args, **kwargs)
        departments = Unit.objects.filter(pk__in=[u.pk for u in departments_of(plan.bureau)]).order_by("code")
        self.fields["lead"].queryset = departments
        self.fields["cooperating"].queryset = departments

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("number", "title", "description", "carry_over")}


FIGURE_KINDS = {"integer": _("Whole number"), "number": _("Number"), "percent": _("Percentage"),
                "boolean": _("Yes or no")}


class FigureForm(PageForm):
    label = forms.CharField(label=_("Figure"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[(kind, FIGURE_KINDS[kind]) for kind in FIGURE_TYPES])
    unit = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


FigureFormSet = forms.formset_factory(FigureForm, extra=2, max_num=30, absolute_max=30)


def figures_initial(item: WorkItem | None) -> list[dict]:
    return [{"label": f.get("label", ""), "type": f.get("type", "integer"), "unit": f.get("unit", ""),
             "key": f.get("key", "")} for f in (item.figures if item else [])]


def figures_from(formset) -> list[Figure]:
    """The figures filled in, in order; rows left empty are dropped (that is how one is removed)."""
    return [Figure(label=row["label"], type=row.get("type") or "integer", unit=row.get("unit", ""),
                   key=row.get("key", "")) for row in formset.cleaned_data if row.get("label", "").strip()]


class CycleForm(PageForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("Half year"), coerce=int,
                                  choices=[(1, _("first half")), (2, _("second half"))])


class SchoolQuery(PageForm):
    q = forms.CharField(label=_("School"), max_length=100, required=False, strip=True)
