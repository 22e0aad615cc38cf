"""React to process events: a school's report completed, a school task finished; and to the
office editing its calendar days."""
from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workflows.processes.forms import register_form_provider
from workflows.processes.models import InstanceStatus, ProcessInstance
from workflows.processes.permissions import register_visibility
from workflows.processes.runtime import process_for
from workflows.processes.signals import instance_finished

from .calendar import forget_office_days
from .forms import form_for_task
from .models import CalendarDay
from .scope import task_in_scope

register_form_provider(form_for_task)
register_visibility(task_in_scope)
post_save.connect(forget_office_days, sender=CalendarDay, dispatch_uid="calendar-day-saved")
post_delete.connect(forget_office_days, sender=CalendarDay, dispatch_uid="calendar-day-deleted")


@receiver(instance_finished, sender=ProcessInstance)
def on_instance_finished(sender, instance: ProcessInstance, status: str, **kwargs) -> None:
    refs = instance.refs or {}
    if status != InstanceStatus.COMPLETED:
        return
    if "quarterly_report" in refs:
        _report_finished(instance, refs["quarterly_report"])
    if "school_task" in refs:
        from .services.work_items import school_task_finished

        school_task_finished(school_task_id=refs["school_task"])


def _report_finished(instance: ProcessInstance, report_id: int) -> None:
    from .services.cycles import report_submitted
    from .tasks import close_quarter_if_done

    data = process_for(instance.definition).data(bytes(instance.state))
    report = report_submitted(report_id=report_id, sections=data.get("sections") or {}, at=instance.ended_at)
    transaction.on_commit(lambda: close_quarter_if_done.delay(report.quarter_id))
