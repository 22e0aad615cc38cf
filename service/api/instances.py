"""Process instances: start, list and filter, detail with tasks and history, lifecycle actions."""
from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.compiled import CompiledQuery
from workflows.org.models import Unit
from workflows.plans.scope import instances_visible
from workflows.processes.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance
from workflows.processes.runtime import process_for
from workflows.processes.services import instances as svc
from workflows.processes.services.definitions import definition_for_start

from .common import MAX_ID, get_in_scope, no_nul, query, require_office
from .pagination import Pagination
from .schemas import errors, page_errors
from .tasks import Stamps, TaskOut


class InstanceOut(serializers.ModelSerializer):
    key = serializers.CharField(source="definition.key")
    version = serializers.IntegerField(source="definition.version")
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)

    class Meta:
        model = ProcessInstance
        fields = ["id", "key", "version", "status", "business_key", "unit", "refs", "parent", "next_timer_at",
                  "started_at", "ended_at"]

    def to_representation(self, instance: ProcessInstance) -> dict:
        """The same fields, written out: building a model serializer's fields cost a tenth of a start."""
        stamp = Stamps()
        unit, definition = instance.unit, instance.definition
        return {
            "id": instance.id, "key": definition.key, "version": definition.version, "status": instance.status,
            "business_key": instance.business_key, "unit": unit.name if unit else None, "refs": instance.refs,
            "parent": instance.parent_id,
            "next_timer_at": stamp(instance.next_timer_at), "started_at": stamp(instance.started_at),
            "ended_at": stamp(instance.ended_at),
        }


class HistoryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    task_guid = serializers.CharField()
    detail = serializers.JSONField()


class IncidentOut(serializers.Serializer):
    id = serializers.IntegerField()
    bpmn_id = serializers.CharField()
    message = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    error_line = serializers.CharField()
    raised_at = serializers.DateTimeField()


SUMMARY_ROWS = 10  # tasks, incidents and history events an instance's answer shows; its links give the rest
DATA_INLINE_BYTES = 8_192  # the data an answer carries in full; larger data is behind its link
_UNIT_BY_CODE = CompiledQuery(lambda code: Unit.objects.filter(code=code).select_related("parent__parent"),
                              slots=(str,))
# Only an instance in error, or suspended from it, has an incident not yet resolved.
_MAY_HAVE_INCIDENTS = (InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


def instance_tasks(instance_id: int) -> QuerySet[HumanTask]:
    return HumanTask.objects.filter(instance_id=instance_id).select_related("candidate_unit", "assignee").order_by("id")


def instance_history(instance_id: int) -> QuerySet[AuditEvent]:
    # served only for an instance its reader may see, and every event of an instance one may see is
    # visible (plans.scope.audit_visible), so the history needs no scope filter
    return AuditEvent.objects.filter(instance_id=instance_id).select_related("actor").order_by("at", "id")


def _first(rows: QuerySet) -> tuple[list, int]:
    """The first SUMMARY_ROWS rows and how many there are (counted only when there are more)."""
    first = list(rows[:SUMMARY_ROWS + 1])
    return first[:SUMMARY_ROWS], (len(first) if len(first) <= SUMMARY_ROWS else rows.count())


def _history_rows(events) -> list[dict]:
    stamp = Stamps()
    return [{"at": stamp(event.at), "action": event.action,  # as HistoryOut, written out
             "actor": event.actor.username if event.actor else None, "task_guid": event.task_guid,
             "detail": event.detail} for event in events]


def _task_rows(instance: ProcessInstance, tasks: list[HumanTask]) -> list[dict]:
    for row in tasks:
        row.instance = instance  # what TaskOut shows of the instance is at hand
    return TaskOut(tasks, many=True).data


class InstanceDetail(InstanceOut):
    """An instance with a summary of what it holds, the same size whatever it holds: its first tasks,
    unresolved incidents and history events with their counts, its data when small, and links to all.
    (The fields declare the schema; ``to_representation`` writes them.)"""

    tasks = TaskOut(many=True, read_only=True)
    incidents = IncidentOut(many=True, read_only=True)
    history = HistoryOut(many=True, read_only=True)
    data = serializers.JSONField(allow_null=True, read_only=True, help_text=(
        f"the instance's data; null when over {DATA_INLINE_BYTES:,} bytes as JSON (read it from links.data)"))
    counts = inline_serializer("InstanceCounts", fields={
        name: serializers.IntegerField() for name in ("tasks", "incidents", "history")}, read_only=True)
    links = inline_serializer("InstanceLinks", fields={
        name: serializers.CharField() for name in ("tasks", "history", "data")}, read_only=True)

    class Meta(InstanceOut.Meta):
        fields = [*InstanceOut.Meta.fields, "tasks", "incidents", "history", "data", "counts", "links"]

    def to_representation(self, instance: ProcessInstance) -> dict:
        tasks, task_count = _first(instance_tasks(instance.pk))
        incidents, incident_count = _first(_unresolved_incidents(instance))
        history, history_count = _first(instance_history(instance.pk))
        data = instance_data(instance)
        small = len(json.dumps(data, cls=DjangoJSONEncoder)) <= DATA_INLINE_BYTES
        return {**super().to_representation(instance), "tasks": _task_rows(instance, tasks),
                "incidents": IncidentOut(incidents, many=True).data, "history": _history_rows(history),
                "data": data if small else None,
                "counts": {"tasks": task_count, "incidents": incident_count, "history": history_count},
                "links": {name: f"/api/instances/{instance.pk}/{name}/" for name in ("tasks", "history", "data")}}


def _unresolved_incidents(instance: ProcessInstance) -> QuerySet:
    if instance.status not in _MAY_HAVE_INCIDENTS:
        return instance.incidents.none()
    return instance.incidents.filter(resolved_at__isnull=True).order_by("id")


def instance_data(instance: ProcessInstance) -> dict:
    return serializers.JSONField().to_representation(process_for(instance.definition).data(bytes(instance.state)))


class UnitCodeField(serializers.SlugRelatedField):
    """A unit by its code, read by a compiled query with its parents (the new task's candidates need them)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Unit.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        found = _UNIT_BY_CODE(data)
        if not found:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return found[0]


class StartIn(serializers.Serializer):
    key = serializers.CharField(max_length=255)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    data = serializers.DictField(required=False, default=dict, validators=[no_nul])
    business_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    unit = UnitCodeField(required=False, allow_null=True)


class RetryIn(serializers.Serializer):
    data = serializers.DictField(required=False, default=dict, validators=[no_nul])


class TerminateIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def _visible(request):
    return instances_visible(request.user).select_related("definition", "unit")



class InstanceList(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("status", enum=InstanceStatus.values), OpenApiParameter("key"),
                               OpenApiParameter("business_key"), OpenApiParameter("unit", description="unit code")],
                   responses={200: InstanceOut(many=True), **page_errors(400)})
    def get(self, request):
        params = query(request, status=serializers.ChoiceField(InstanceStatus.choices), key=serializers.CharField(),
                       business_key=serializers.CharField(), unit=serializers.CharField())
        rows = _visible(request).order_by("-started_at", "-id")
        for field, lookup in (("status", "status"), ("key", "definition__key"), ("business_key", "business_key"),
                              ("unit", "unit__code")):
            if field in params:
                rows = rows.filter(**{lookup: params[field]})
        page = self.pagination_class()
        return page.get_paginated_response(InstanceOut(page.paginate_queryset(rows, request), many=True).data)

    @extend_schema(request=StartIn, responses={201: InstanceDetail, **errors(400, 403, 404)})
    def post(self, request):
        """Start an instance (the office)."""
        require_office(request)
        body = StartIn(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        instance = svc.instance_start(definition=definition_for_start(key=v["key"], version=v.get("version")),
                                      actor=request.user, data=v["data"], business_key=v["business_key"],
                                      unit=v.get("unit"))
        return Response(InstanceDetail(instance, context={"request": request}).data, status=201)


class InstanceView(APIView):
    @extend_schema(responses={200: InstanceDetail, **errors(404)})
    def get(self, request, pk: int):
        instance = get_in_scope(_visible(request), pk, "process instance")
        return Response(InstanceDetail(instance, context={"request": request}).data)


class InstanceTasks(APIView):
    pagination_class = Pagination

    @extend_schema(responses={200: TaskOut(many=True), **page_errors(404)})
    def get(self, request, pk: int):
        """Every task of the instance, oldest first."""
        instance = get_in_scope(_visible(request), pk, "process instance")
        page = self.pagination_class()
        return page.get_paginated_response(_task_rows(instance, page.paginate_queryset(instance_tasks(pk), request)))


class InstanceHistory(APIView):
    pagination_class = Pagination

    @extend_schema(responses={200: HistoryOut(many=True), **page_errors(404)})
    def get(self, request, pk: int):
        """The instance's audit events, oldest first."""
        get_in_scope(_visible(request), pk, "process instance")
        page = self.pagination_class()
        return page.get_paginated_response(_history_rows(page.paginate_queryset(instance_history(pk), request)))


class InstanceData(APIView):
    @extend_schema(responses={200: {"type": "object"}, **errors(404)})
    def get(self, request, pk: int):
        """The instance's data, in full."""
        return Response(instance_data(get_in_scope(_visible(request), pk, "process instance")))


def _action(name: str, request_serializer=None):
    @extend_schema(request=request_serializer, responses={200: InstanceOut, **errors(400, 403, 404, 409)},
                   operation_id=f"instances_{name}")
    def post(self, request, pk: int):
        get_in_scope(_visible(request), pk, "process instance")
        require_office(request)
        extra = {}
        if request_serializer is not None:
            body = request_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            extra = body.validated_data
        instance = getattr(svc, f"instance_{name}")(instance_id=pk, actor=request.user, **extra)
        return Response(InstanceOut(instance).data)
    return type(f"Instance{name.title()}", (APIView,), {"post": post, "__doc__": f"{name} the instance (office)."})


InstanceSuspend = _action("suspend")
InstanceResume = _action("resume")
InstanceTerminate = _action("terminate", TerminateIn)
InstanceRetry = _action("retry", RetryIn)
