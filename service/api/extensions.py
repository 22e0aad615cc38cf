"""Extensions on quarterly reports (延期申请): the school asks, the office (or the plan's department) decides."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.models import ExtensionStatus, QuarterlyReport, ReportExtension
from workflows.plans.scope import extensions_visible, instances_visible
from workflows.plans.services.extensions import extension_ask, extension_decide

from .common import get_in_scope, query
from .pagination import Pagination
from .schemas import errors, page_errors


class ExtensionAskIn(serializers.Serializer):
    due_on = serializers.DateField(help_text="the date asked for (the report is due at 18:00 that day)")
    reason = serializers.CharField(max_length=2000, help_text="why more time is needed")


class ExtensionDecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["grant", "refuse"])
    due_on = serializers.DateField(required=False, help_text="granted date; by default the one asked for")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                    help_text="required when refusing")


class ExtensionOut(serializers.ModelSerializer):
    school = serializers.CharField(source="report.school.name")
    quarter = serializers.SerializerMethodField()
    asked_by = serializers.CharField(source="asked_by.username")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    due_at = serializers.DateTimeField(source="report.due_at", help_text="the report's due moment in force")

    class Meta:
        model = ReportExtension
        fields = ["id", "report", "school", "quarter", "status", "asked_by", "asked_at", "reason", "due_before",
                  "asked_due_at", "decided_by", "decided_at", "granted_due_at", "comment", "due_at"]

    def get_quarter(self, row: ReportExtension) -> str:
        return f"{row.report.quarter.cycle.year}Q{row.report.quarter.quarter}"


def _reports(request):
    return QuarterlyReport.objects.filter(instance__in=instances_visible(request.user))


class ReportExtensions(APIView):
    @extend_schema(responses={200: ExtensionOut(many=True), **errors(404)})
    def get(self, request, pk: int):
        """The report's extension requests and their decisions, oldest first."""
        report = get_in_scope(_reports(request), pk, "quarterly report")
        return Response(ExtensionOut(extensions_visible(request.user).filter(report=report), many=True).data)

    @extend_schema(request=ExtensionAskIn, responses={201: ExtensionOut, **errors(400, 404, 409)})
    def post(self, request, pk: int):
        """Ask, before the report is due, for it to be due later (no later than the quarter closes)."""
        report = get_in_scope(_reports(request), pk, "quarterly report")
        body = ExtensionAskIn(data=request.data)
        body.is_valid(raise_exception=True)
        row = extension_ask(report_id=report.pk, actor=request.user, **body.validated_data)
        return Response(ExtensionOut(extensions_visible(request.user).get(pk=row.pk)).data, status=201)


class Extensions(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("status", enum=ExtensionStatus.values)],
                   responses={200: ExtensionOut(many=True), **page_errors(400)})
    def get(self, request):
        """Extension requests in scope, newest first; ``status=pending``: those awaiting a decision."""
        params = query(request, status=serializers.ChoiceField(ExtensionStatus.choices))
        rows = extensions_visible(request.user).order_by("-asked_at", "-pk")
        if "status" in params:
            rows = rows.filter(status=params["status"])
        page = self.pagination_class()
        return page.get_paginated_response(ExtensionOut(page.paginate_queryset(rows, request), many=True).data)


class ExtensionDecision(APIView):
    @extend_schema(request=ExtensionDecisionIn, responses={200: ExtensionOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        """Grant (moving the due date, reminder, chase and supervision) or refuse with a reason."""
        row = get_in_scope(extensions_visible(request.user), pk, "extension request")
        body = ExtensionDecisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        extension_decide(extension_id=row.pk, actor=request.user, grant=data["decision"] == "grant",
                         due_on=data.get("due_on"), comment=data.get("comment", ""))
        return Response(ExtensionOut(extensions_visible(request.user).get(pk=row.pk)).data)
