"""A notification's words in its reader's language: its template translated, the task's name localized."""
from __future__ import annotations

from django.utils.translation import gettext

from .models import Notification


def notice_text(template: str, params: dict, task) -> str:
    """``template`` in the active language with ``params``; %(task)s is the task's name in that language,
    and %(period)s the quarter that ``year`` and ``quarter`` name (2024年第一季度 / Q1 2024)."""
    values = dict(params or {})
    if task is not None:
        from workflows.processes.texts import task_name  # processes writes notifications: imported when used

        values["task"] = task_name(task)
    if "year" in values and "quarter" in values:
        from workflows.plans.periods import quarter_label  # plans writes notifications: imported when used

        values["period"] = quarter_label(values["year"], values["quarter"])
    try:
        return gettext(template) % values
    except (KeyError, ValueError, TypeError):  # a template that does not match its values shows as written
        return template


def notification_text(notification: Notification) -> str:
    """What the notification page says: the template in the reader's language, else the stored title."""
    if not notification.template:
        return notification.title
    return notice_text(notification.template, notification.params, notification.task)
