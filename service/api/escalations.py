"""Escalations in my scope: list by level, unit and age; acknowledge; chase."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.scope import escalations_visible
from workflows.processes.models import Escalation, EscalationLevel
from workflows.processes.services.escalations import escalation_acknowledge, escalation_chase

from .common import ID_SCHEMA, get_in_scope, id_field, query
from .pagination import Pagination
from .schemas import errors, page_errors


class EscalationOut(serializers.ModelSerializer):
    task = serializers.IntegerField(source="human_task_id", allow_null=True)
    task_name = serializers.CharField(source="human_task.name", default=None, allow_null=True)
    holder = serializers.CharField(source="human_task.assignee.username", default=None, allow_null=True)
    target_unit = serializers.CharField(source="target_unit.name", default=None, allow_null=True)
    instance_unit = serializers.CharField(source="instance.unit.name", default=None, allow_null=True)
    age_days = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = ["id", "level", "code", "name", "task", "task_name", "holder", "target_role", "target_unit",
                  "instance", "instance_unit", "raised_at", "age_days", "acknowledged_at", "closed_at"]

    def get_age_days(self, obj) -> float:
        return round((timezone.now() - obj.raised_at).total_seconds() / 86400, 1)


MAX_AGE_DAYS = 3650


def _rows(request):
    return escalations_visible(request.user).select_related(
        "human_task__assignee", "target_unit", "instance__unit")


class EscalationList(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[
        OpenApiParameter("level", enum=EscalationLevel.values), OpenApiParameter("unit", ID_SCHEMA),
        OpenApiParameter("min_age_days", {"type": "number", "minimum": 0, "maximum": MAX_AGE_DAYS}),
        OpenApiParameter("open", bool, description="default true")],
        responses={200: EscalationOut(many=True), **page_errors(400)})
    def get(self, request):
        params = query(request, level=serializers.ChoiceField(EscalationLevel.choices), unit=id_field(),
                       min_age_days=serializers.FloatField(min_value=0, max_value=MAX_AGE_DAYS),
                       open=serializers.BooleanField())
        rows = _rows(request).order_by("raised_at", "id")
        if params.get("open", True):
            rows = rows.filter(closed_at__isnull=True)
        if "level" in params:
            rows = rows.filter(level=params["level"])
        if "unit" in params:
            rows = rows.filter(target_unit_id=params["unit"])
        if "min_age_days" in params:
            rows = rows.filter(raised_at__lte=timezone.now() - dt.timedelta(days=params["min_age_days"]))
        page = self.pagination_class()
        return page.get_paginated_response(EscalationOut(page.paginate_queryset(rows, request), many=True).data)


class EscalationAcknowledge(APIView):
    @extend_schema(request=None, responses={200: EscalationOut, **errors(403, 404, 409)})
    def post(self, request, pk: int):
        get_in_scope(_rows(request), pk, "escalation")
        escalation_acknowledge(escalation_id=pk, actor=request.user)
        return Response(EscalationOut(_rows(request).get(pk=pk)).data)


ChasedOut = inline_serializer("Chased", fields={"told": serializers.IntegerField()})


class EscalationChase(APIView):
    @extend_schema(request=None, responses={200: ChasedOut, **errors(403, 404, 409)})
    def post(self, request, pk: int):
        """Send a reminder (催办) to whoever holds the late task."""
        get_in_scope(_rows(request), pk, "escalation")
        return Response({"told": escalation_chase(escalation_id=pk, actor=request.user)})
