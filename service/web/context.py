"""Template context for every page: the unread notification count and the user's roles."""
from __future__ import annotations

from workflows.notifications.models import Notification
from workflows.org.roles import is_office


def duban(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
            "is_office": is_office(user)}
