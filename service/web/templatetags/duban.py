from django import template

from workflows.notifications.texts import notification_text
from workflows.org.models import Role
from workflows.plans.calendar import LOCAL, calendar_source
from workflows.plans.calendar_years import source_label
from workflows.processes.texts import process_name, task_documentation, task_name

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name for display: their name, else their login, else a dash."""
    if user is None:
        return "—"
    return user.first_name or user.get_username()


@register.filter
def deadline_source(quarter) -> str:
    """Where a quarter's due date's working days come from, in the user's language."""
    return source_label(calendar_source(quarter.due_at.astimezone(LOCAL).year))


@register.filter
def task_title(task) -> str:
    """A task's name in the reader's language (its process file's translation, else as written)."""
    return task_name(task)


@register.filter
def task_doc(task) -> str:
    return task_documentation(task)


@register.filter
def definition_title(definition) -> str:
    return process_name(definition)


@register.filter
def role(code: str) -> str:
    """A role code (``liaison``) as its name in the reader's language; a role duban does not know, as written."""
    return str(Role(code).label) if code in Role.values else (code or "—")


@register.filter
def get_count(counts: dict, tab: str) -> str:
    """A tab's count, "1000+" past the bound the inbox counts to."""
    from workflows.plans.inbox_pages import COUNT_BOUND

    value = (counts or {}).get(tab, 0)
    return f"{COUNT_BOUND}+" if value > COUNT_BOUND else str(value)


@register.filter
def notice(notification) -> str:
    """A notification's words in the reader's language."""
    return notification_text(notification)


@register.filter
def get_label(labels: dict, task_id: int):
    """A task row's label (work item, period, school) from ``row_labels``."""
    return labels.get(task_id)
