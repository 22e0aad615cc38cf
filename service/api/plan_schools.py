"""The office adds schools to a plan or takes them out (撤并); quarters keep the rosters they had."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.org.models import Unit
from workflows.plans.models import Plan
from workflows.plans.services.plan_schools import plan_school_add, plan_school_remove

from .common import MAX_ID, get_in_scope, require_office
from .schemas import errors


class SchoolIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="the school's unit id")


class LeaveIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                   help_text="e.g. 撤并 (merged into another school)")


SchoolsOut = inline_serializer("PlanSchools", fields={
    "plan": serializers.IntegerField(), "schools": serializers.ListField(child=serializers.DictField())})
LeftOut = inline_serializer("PlanSchoolLeft", fields={"cancelled_reports": serializers.IntegerField()})


def _schools(plan: Plan) -> dict:
    return {"plan": plan.pk, "schools": [{"id": pk, "code": code, "name": name} for pk, code, name
                                         in plan.schools.order_by("code").values_list("pk", "code", "name")]}


class PlanSchools(APIView):
    @extend_schema(responses={200: SchoolsOut, **errors(404)})
    def get(self, request, pk: int):
        """The schools the plan holds now (each quarter's own roster is in the cycle's progress)."""
        return Response(_schools(get_in_scope(Plan.objects.all(), pk, "plan")))

    @extend_schema(request=SchoolIn, responses={200: SchoolsOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        """Add a school: the quarters still open give it a report at the scheduler's next tick."""
        plan = get_in_scope(Plan.objects.all(), pk, "plan")
        require_office(request)
        body = SchoolIn(data=request.data)
        body.is_valid(raise_exception=True)
        school = get_in_scope(Unit.objects.all(), body.validated_data["unit"], "unit")
        return Response(_schools(plan_school_add(plan_id=plan.pk, unit_id=school.pk, actor=request.user)))


class PlanSchool(APIView):
    @extend_schema(request=LeaveIn, responses={200: LeftOut, **errors(400, 403, 404, 409)})
    def delete(self, request, pk: int, unit: int):
        """Take a school out: its pending reports in open quarters are cancelled; past quarters keep it."""
        plan = get_in_scope(Plan.objects.all(), pk, "plan")
        require_office(request)
        body = LeaveIn(data=request.data)
        body.is_valid(raise_exception=True)
        school = get_in_scope(Unit.objects.all(), unit, "unit")
        cancelled = plan_school_remove(plan_id=plan.pk, unit_id=school.pk, actor=request.user,
                                       reason=body.validated_data.get("reason", ""))
        return Response({"cancelled_reports": cancelled})
