"""A school's quarterly report as people read it: by work item, with figures, evidence and decisions.

The liaison's fill-in page shows its sections with an index and what was carried over from the
school's previous quarter; the principal's sign-off, a returned report and a report already sent
show the whole report read-only, with every piece of evidence attached at any step and every
decision taken on it, in words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from workflows.processes.form_texts import options
from workflows.processes.models import Attachment, AuditAction, AuditEvent, HumanTask
from workflows.processes.runtime import process_for

from .forms import section_key
from .models import QuarterlyReport, ReportStatus, WorkItem
from .periods import item_heading
from .services.schools import work_items_of

FILL_STEP = "fill_report"
SIGN_OFF_STEP = "sign_off_report"


@dataclass(frozen=True)
class Answer:
    key: str  # its path inside the section (progress, figures.students)
    label: str
    value: object
    unit: str = ""
    carried: bool = False  # the same as the school's previous quarter, prefilled from it


@dataclass
class Section:
    key: str
    path: str  # the form's field path of the section (sections.wi1)
    title: str
    answers: list[Answer] = field(default_factory=list)
    complete: bool = False  # its required answer (progress) is given


@dataclass(frozen=True)
class Decision:
    at: object
    actor: AbstractBaseUser | None
    words: str
    comment: str
    returned: bool


@dataclass
class ReportView:
    report: QuarterlyReport
    sections: list[Section]
    evidence: list[Attachment]
    decisions: list[Decision]
    state: str  # where the report stands, in words
    carried: set[str] = field(default_factory=set)  # field paths still holding the previous quarter's answer

    @property
    def done(self) -> int:
        return sum(1 for s in self.sections if s.complete)


def report_of(task: HumanTask) -> QuarterlyReport | None:
    report_id = (task.instance.refs or {}).get("quarterly_report")
    if not report_id:
        return None
    return QuarterlyReport.objects.select_related("quarter__cycle__plan", "school").filter(pk=report_id).first()


def report_view(*, task: HumanTask, values: dict | None = None) -> ReportView | None:
    """The report a task of a quarterly report instance is about; None for any other task.

    ``values``: the answers to show (a draft being edited), else the answers the process holds.
    """
    report = report_of(task)
    if report is None:
        return None
    if values is None:
        values = process_for(task.instance.definition).data(bytes(task.instance.state))
    previous = previous_sections(report)
    items = work_items_of(report.quarter.cycle.plan, report.school)
    sections = [_section(item, (values.get("sections") or {}).get(section_key(item)) or {},
                         previous.get(section_key(item)) if item.carry_over else None) for item in items]
    decisions = decisions_of(task)
    carried = {f"{section.path}.{answer.key}" for section in sections for answer in section.answers if answer.carried}
    return ReportView(report=report, sections=sections, evidence=evidence_of(task), decisions=decisions,
                      state=_state(task, report, returned=bool(decisions) and decisions[-1].returned), carried=carried)


def values_to_fill(*, task: HumanTask, values: dict) -> dict:
    """What the fill-in step starts from: the answers given so far, else the previous quarter's carried over."""
    if task.bpmn_id != FILL_STEP or values.get("sections"):
        return values
    report = report_of(task)
    return {**values, **carried_over(report)} if report is not None else values


def _section(item: WorkItem, answers: dict, previous: dict | None) -> Section:
    previous = previous or {}
    before = previous.get("figures") or {}
    shown = [Answer(name, label, answers.get(name) or "",
                    carried=bool(answers.get(name)) and answers.get(name) == previous.get(name))
             for name, label in (("progress", pgettext("report field", "Progress")),
                                 ("problems", pgettext("report field", "Problems")))]
    figures = answers.get("figures") or {}
    for figure in item.figures:
        value = figures.get(figure["key"])
        shown.append(Answer(f"figures.{figure['key']}", figure["label"], figure_shown(value), figure.get("unit", ""),
                            carried=value is not None and before.get(figure["key"]) == value))
    key = section_key(item)
    return Section(key=key, path=f"sections.{key}", title=item_heading(item.number, item.title), answers=shown,
                   complete=bool((answers.get("progress") or "").strip()))


def figure_shown(value: object) -> object:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def previous_sections(report: QuarterlyReport) -> dict:
    """The answers the school sent for the quarter before this one (in the same plan), or {}."""
    quarter, year = report.quarter.quarter, report.quarter.cycle.year
    before_quarter, before_year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    previous = QuarterlyReport.objects.filter(
        school=report.school, quarter__cycle__plan=report.quarter.cycle.plan, quarter__quarter=before_quarter,
        quarter__cycle__year=before_year, status=ReportStatus.SUBMITTED).values_list("sections", flat=True).first()
    return previous or {}


def carried_over(report: QuarterlyReport) -> dict:
    """Answers to prefill a report with: the previous quarter's, for the work items that carry them over."""
    previous = previous_sections(report)
    keys = {section_key(item) for item in work_items_of(report.quarter.cycle.plan, report.school) if item.carry_over}
    sections = {key: answers for key, answers in previous.items() if key in keys}
    return {"sections": sections} if sections else {}


def evidence_of(task: HumanTask) -> list[Attachment]:
    """Every file attached at any step of the task's instance: evidence stays through returns."""
    return list(Attachment.objects.filter(task__instance_id=task.instance_id).select_related("uploaded_by"))


def decisions_of(task: HumanTask) -> list[Decision]:
    """Every decision taken in the task's instance, oldest first, in words: the label the decider chose
    in the step's own form (通过 / 退回修改, 批准延期 / 不批准), else a common word for the code."""
    rows: QuerySet[AuditEvent] = AuditEvent.objects.filter(
        instance_id=task.instance_id, action=AuditAction.TASK_COMPLETED, detail__has_key="decision",
    ).select_related("actor").order_by("at", "id")
    labels = _decision_labels(task)
    return [Decision(at=row.at, actor=row.actor,
                     words=labels.get((row.detail.get("bpmn_id"), row.detail.get("decision")))
                     or decision_words(row.detail.get("decision", "")),
                     comment=str(row.detail.get("comment") or ""), returned=row.detail.get("decision") == "return")
            for row in rows]


def _decision_labels(task: HumanTask) -> dict[tuple[str, str], str]:
    """(step, decision code) -> the option's label in that step's form, in the reader's language."""
    forms = task.instance.definition.forms
    keys = dict(HumanTask.objects.filter(instance_id=task.instance_id).exclude(form_key="")
                .values_list("bpmn_id", "form_key").distinct())
    labels = {}
    for bpmn_id, form_key in keys.items():
        decision = ((forms.get(form_key) or {}).get("properties") or {}).get("decision")
        for option in options(decision) if isinstance(decision, dict) else []:
            labels[(bpmn_id, option.value)] = option.label
    return labels


def decision_words(code: str) -> str:
    words = {"approve": pgettext("decision", "Approved"), "return": pgettext("decision", "Returned for revision"),
             "grant": pgettext("decision", "Granted"), "refuse": pgettext("decision", "Refused")}
    return words.get(code, code)


def _state(task: HumanTask, report: QuarterlyReport, returned: bool) -> str:
    if report.status == ReportStatus.SUBMITTED:
        return _("Signed off by the principal and sent to the office")
    if report.status == ReportStatus.CANCELLED:
        return _("Cancelled: the school left the plan")
    open_steps = set(HumanTask.objects.filter(instance_id=task.instance_id, state="ready")
                     .values_list("bpmn_id", flat=True))
    if SIGN_OFF_STEP in open_steps:
        return _("Sent to the principal for sign-off")
    if FILL_STEP in open_steps:
        return _("Returned to the liaison for revision") if returned else _("Being filled in by the liaison")
    return _("Being processed")
