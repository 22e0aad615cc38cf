"""Process instances: start, list and filter, detail with tasks and history, lifecycle actions."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
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


# Every detail (and every start's answer) reads these: compiled once.
_TASKS_OF = CompiledQuery(lambda instance_id: HumanTask.objects.filter(instance_id=instance_id).select_related(
    "candidate_unit", "assignee").order_by("id"), slots=(int,))
# The detail is served only for an instance its reader may see, and every event of an instance one
# may see is visible (plans.scope.audit_visible), so its history needs no scope filter.
_HISTORY_OF = CompiledQuery(lambda instance_id: AuditEvent.objects.filter(instance_id=instance_id).select_related(
    "actor").order_by("at", "id"), slots=(int,))
_UNIT_BY_CODE = CompiledQuery(lambda code: Unit.objects.filter(code=code).select_related("parent__parent"),
                              slots=(str,))
# Only an instance in error, or suspended from it, has an incident not yet resolved.
_MAY_HAVE_INCIDENTS = (InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


class InstanceDetail(InstanceOut):
    tasks = serializers.SerializerMethodField()
    incidents = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField()

    class Meta(InstanceOut.Meta):
        fields = [*InstanceOut.Meta.fields, "tasks", "incidents", "history", "data"]

    def to_representation(self, instance: ProcessInstance) -> dict:
        return {**super().to_representation(instance), "tasks": self.get_tasks(instance),
                "incidents": self.get_incidents(instance), "history": self.get_history(instance),
                "data": self.get_data(instance)}

    @extend_schema_field(TaskOut(many=True))
    def get_tasks(self, obj) -> list[dict]:
        rows = _TASKS_OF(obj.pk)
        for row in rows:
            row.instance = obj  # what TaskOut shows of the instance is at hand
        return TaskOut(rows, many=True).data

    def get_incidents(self, obj) -> list[dict]:
        if obj.status not in _MAY_HAVE_INCIDENTS:
            return []
        return IncidentOut(obj.incidents.filter(resolved_at__isnull=True), many=True).data

    @extend_schema_field(HistoryOut(many=True))
    def get_history(self, obj) -> list[dict]:
        stamp = Stamps()
        return [{"at": stamp(event.at), "action": event.action,  # as HistoryOut, written out
                 "actor": event.actor.username if event.actor else None, "task_guid": event.task_guid,
                 "detail": event.detail} for event in _HISTORY_OF(obj.pk)]

    def get_data(self, obj) -> dict:
        return serializers.JSONField().to_representation(process_for(obj.definition).data(bytes(obj.state)))


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
