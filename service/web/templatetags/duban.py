from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name for display: their name, else their login, else a dash."""
    if user is None:
        return "—"
    return user.first_name or user.get_username()
