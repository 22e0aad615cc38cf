"""Small helpers shared by the API views."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.org.roles import is_office
from workflows.processes.errors import Invalid, NotFound

from .pagination import Pagination
from .schemas import errors, page_errors

# Ids are 64-bit: a larger number names no row, and the database would refuse to compare with it.
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def query(request: Request, **fields: serializers.Field) -> dict:
    """The named query parameters, validated by the fields (blank means absent); 400 naming each bad one.

    Validating here keeps out what the database cannot take: ids beyond 64 bits, NUL characters in text.
    """
    values, problems = {}, {}
    for name, field in fields.items():
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            continue
        try:
            values[name] = field.run_validation(raw)
        except ValidationError as exc:
            problems[name] = exc.detail
    if problems:
        raise ValidationError(problems)
    return values


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def no_nul(value) -> None:
    """Validator for free JSON: no NUL character in any key or text (PostgreSQL cannot store one)."""
    if _has_nul(value):
        raise ValidationError(_("must not contain NUL characters"))


def require_office(request: Request) -> None:
    if not is_office(request.user):
        raise PermissionDenied(_("only the leading group's office may do this"))


# The names of rows the views give get_in_scope, marked here for translation.
ROW_NAMES = (gettext_noop("escalation"), gettext_noop("cycle"), gettext_noop("bulletin"),
             gettext_noop("process instance"), gettext_noop("quarterly report"), gettext_noop("extension request"),
             gettext_noop("work item"), gettext_noop("work item run"), gettext_noop("unit"),
             gettext_noop("membership"), gettext_noop("person"), gettext_noop("plan"), gettext_noop("task"))


def get_in_scope(rows: QuerySet, pk, what: str):
    """A row the user may see, else 404 (existence is not leaked)."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise NotFound(_("%(what)s %(pk)s does not exist") % {"what": _(what), "pk": pk})
    return row


def user_by_name(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Invalid(_("no user %(name)s") % {"name": repr(username)}, {"user": [_("unknown user")]})
    return user


def require_bureau_staff(request: Request) -> None:
    """The office, the leading group and departments: not schools (they would see each other)."""
    from workflows.org.models import Membership, UnitKind

    if is_office(request.user):
        return
    if not Membership.objects.filter(user=request.user).exclude(
            unit__kind__in=[UnitKind.SCHOOL, UnitKind.KINDERGARTEN]).exists():
        raise PermissionDenied(_("schools see their own reports, not the summaries of all schools"))


def list_create_view(rows, serializer, doc: str, after_create=None):
    """A paginated list everyone may read, with creation by the office (``rows`` takes the request)."""
    class View(APIView):
        __doc__ = doc
        pagination_class = Pagination

        @extend_schema(responses={200: serializer(many=True), **page_errors()})
        def get(self, request):
            page = self.pagination_class()
            return page.get_paginated_response(serializer(page.paginate_queryset(rows(request), request),
                                                          many=True).data)

        @extend_schema(request=serializer, responses={201: serializer, **errors(400, 403)})
        def post(self, request):
            require_office(request)
            body = serializer(data=request.data)
            body.is_valid(raise_exception=True)
            obj = body.save()
            if after_create:
                after_create(obj)
            return Response(serializer(obj).data, status=201)
    View.__name__ = serializer.__name__.replace("Serializer", "List")
    return View
