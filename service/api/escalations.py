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

from .common import get_in_scope
from .pagination import Pagination
from .schemas import errors


class EscalationOut(serializers.ModelSerializer):
    task = serializers.IntegerField(source="human_task_id", allow_null=True)
    task_name = serializers.CharField(source="human_task.name", default=None)
    holder = serializers.CharField(source="human_task.assignee.username", default=None)
    target_unit = serializers.CharField(source="target_unit.name", default=None)
    instance_unit = serializers.CharField(source="instance.unit.name", default=None)
    age_days = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = ["id", "level", "code", "name", "task", "task_name", "holder", "target_role", "target_unit",
                  "instance", "instance_unit", "raised_at", "age_days", "acknowledged_at", "closed_at"]

    def get_age_days(self, obj) -> float:
        return round((timezone.now() - obj.raised_at).total_seconds() / 86400, 1)


def _rows(request):
    return escalations_visible(request.user).select_related(
        "human_task__assignee", "target_unit", "instance__unit")


class EscalationList(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("level", enum=EscalationLevel.values), OpenApiParameter("unit", int),
        OpenApiParameter("min_age_days", float), OpenApiParameter("open", bool, description="default true")],
        responses={200: EscalationOut(many=True), **errors(400)})
    def get(self, request):
        rows = _rows(request).order_by("raised_at", "id")
        params = request.query_params
        if params.get("open", "true").lower() != "false":
            rows = rows.filter(closed_at__isnull=True)
        if params.get("level"):
            rows = rows.filter(level=params["level"])
        if params.get("unit"):
            rows = rows.filter(target_unit_id=serializers.IntegerField().run_validation(params["unit"]))
        if params.get("min_age_days"):
            days = serializers.FloatField(min_value=0, max_value=3650).run_validation(params["min_age_days"])
            rows = rows.filter(raised_at__lte=timezone.now() - dt.timedelta(days=days))
        page = Pagination()
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
