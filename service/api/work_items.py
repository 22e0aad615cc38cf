"""A work item's run: start (office, or the lead department where the plan lets it), dispatch school tasks and apply
for closing (lead), close (office)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.models import WorkItemRun
from workflows.plans.school_tasks import run_school_tasks
from workflows.plans.services import work_items as svc

from .common import get_in_scope, id_field, require_bureau_staff
from .schemas import errors
from .tasks import Stamps


class RunOut(serializers.ModelSerializer):
    class Meta:
        model = WorkItemRun
        fields = ["id", "work_item", "instance", "closed_at"]


class DispatchIn(serializers.Serializer):
    instructions = serializers.CharField(max_length=5000)
    due_date = serializers.DateField()
    school_ids = serializers.ListField(child=id_field(), required=False, max_length=50000)


class ResultIn(serializers.Serializer):
    result = serializers.CharField(max_length=5000)


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _runs(request):
    return WorkItemRun.objects.filter(work_item__in=svc.work_items_visible_to(request.user))


class WorkItemStart(APIView):
    @extend_schema(request=None, responses={201: RunOut, **errors(403, 404, 409)})
    def post(self, request, pk: int):
        get_in_scope(svc.work_items_visible_to(request.user), pk, "work item")
        return Response(RunOut(svc.work_item_start(work_item_id=pk, actor=request.user)).data, status=201)


class RunDispatch(APIView):
    @extend_schema(request=DispatchIn, responses={200: RunOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        run = get_in_scope(_runs(request), pk, "work item run")
        body = DispatchIn(data=request.data)
        body.is_valid(raise_exception=True)
        svc.work_item_dispatch(run_id=pk, actor=request.user, **body.validated_data)
        return Response(RunOut(run).data)


class RunApplyClose(APIView):
    @extend_schema(request=ResultIn, responses={200: RunOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        get_in_scope(_runs(request), pk, "work item run")
        body = ResultIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(RunOut(svc.work_item_apply_close(run_id=pk, actor=request.user, **body.validated_data)).data)


class RunClose(APIView):
    @extend_schema(request=CommentIn, responses={200: RunOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        get_in_scope(_runs(request), pk, "work item run")
        body = CommentIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(RunOut(svc.work_item_close(run_id=pk, actor=request.user, **body.validated_data)).data)


SchoolTaskOut = inline_serializer("SchoolTaskTimeliness", fields={
    "id": serializers.IntegerField(), "school": serializers.CharField(), "school_code": serializers.CharField(),
    "due_at": serializers.DateTimeField(), "finished_at": serializers.DateTimeField(allow_null=True),
    "timeliness": serializers.ChoiceField(choices=["on_time", "late", "open", "overdue"])}, many=True)


class RunSchoolTasks(APIView):
    @extend_schema(responses={200: SchoolTaskOut, **errors(403, 404)})
    def get(self, request, pk: int):
        """The run's school tasks: on time or late (finished), open or overdue, by the due moment in force."""
        run = get_in_scope(_runs(request), pk, "work item run")
        require_bureau_staff(request)
        stamp = Stamps()
        return Response([{"id": row.task.pk, "school": row.task.school.name, "school_code": row.task.school.code,
                          "due_at": stamp(row.task.due_at), "finished_at": stamp(row.task.finished_at),
                          "timeliness": row.timeliness} for row in run_school_tasks(run=run)])
