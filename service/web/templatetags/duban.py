from django import template

from workflows.plans.calendar import LOCAL, calendar_source
from workflows.plans.calendar_years import source_label

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
