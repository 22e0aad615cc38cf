"""Small helpers shared by the API views."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from workflows.org.roles import is_office
from workflows.processes.errors import Invalid, NotFound


def require_office(request: Request) -> None:
    if not is_office(request.user):
        raise PermissionDenied("only the leading group's office may do this")


def get_in_scope(rows: QuerySet, pk, what: str):
    """A row the user may see, else 404 (existence is not leaked)."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{what} {pk} does not exist")
    return row


def user_by_name(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Invalid(f"no user {username!r}", {"user": ["unknown user"]})
    return user


def require_bureau_staff(request: Request) -> None:
    """The office, the leading group and departments: not schools (they would see each other)."""
    from workflows.org.models import Membership, UnitKind

    if is_office(request.user):
        return
    if not Membership.objects.filter(user=request.user).exclude(
            unit__kind__in=[UnitKind.SCHOOL, UnitKind.KINDERGARTEN]).exists():
        raise PermissionDenied("schools see their own reports, not the summaries of all schools")
