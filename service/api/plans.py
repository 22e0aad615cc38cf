"""Plans, work items, cycles (open, progress), quarterly summaries (JSON, XLSX)."""
from __future__ import annotations

from dataclasses import asdict

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.org.models import Unit
from workflows.plans.calendar import LOCAL, calendar_source
from workflows.plans.calendar_years import source_label
from workflows.plans.documents.summary_xlsx import render_summary_xlsx
from workflows.plans.models import CycleQuarter, Plan, ReportingCycle, WorkItem
from workflows.plans.opening import quarter_opening
from workflows.plans.progress import cycle_progress
from workflows.plans.services.cycles import cycle_open, cycle_schedule, quarter_dispatch
from workflows.plans.summary import quarterly_summary
from workflows.processes.errors import NotFound

from .common import get_in_scope, list_create_view, require_bureau_staff, require_office
from .schemas import errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


MAX_WORKDAYS = 250  # a working year: further would push the schedule off the calendar


class PlanSettings(serializers.Serializer):
    """The cycle schedule's working-day offsets (each defaults as in the service)."""

    report_due_workdays = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)
    reminder_workdays_before = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)
    supervise_workdays_after = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)
    close_workdays_after = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)
    open_workdays_before = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)
    yellow_workdays = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKDAYS)


class Figure(serializers.Serializer):
    """A figure schools report for a work item; the key names it in the report form."""

    key = serializers.CharField(max_length=64)
    label = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(["integer", "number", "boolean", "percent"], required=False)
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True)


# Services read these JSON columns without checking them: check their shape on the way in.
@extend_schema_field(PlanSettings)
class PlanSettingsField(serializers.JSONField):
    def to_internal_value(self, data):
        body = PlanSettings(data=data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)


@extend_schema_field(Figure(many=True))
class FiguresField(serializers.JSONField):
    def to_internal_value(self, data):
        body = Figure(data=data, many=True)
        body.is_valid(raise_exception=True)
        return [dict(figure) for figure in body.validated_data]


class PlanSerializer(serializers.ModelSerializer):
    bureau = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    settings = PlanSettingsField(required=False)

    class Meta:
        model = Plan
        fields = ["id", "code", "title", "document_number", "issued_on", "year", "bureau", "issuer", "addressees",
                  "description", "settings"]


class WorkItemSerializer(serializers.ModelSerializer):
    departments = serializers.SerializerMethodField()
    figures = FiguresField(required=False)

    class Meta:
        model = WorkItem
        fields = ["id", "plan", "number", "title", "description", "figures", "departments"]
        read_only_fields = ["departments"]

    def get_departments(self, obj) -> list[dict]:
        return [{"unit": r.unit.code, "name": r.unit.name, "lead": r.is_lead} for r in obj.responsibilities.all()]


class QuarterOut(serializers.ModelSerializer):
    calendar = serializers.SerializerMethodField(help_text="where the due date's working days come from")
    calendar_label = serializers.SerializerMethodField(help_text="calendar, in the user's language")

    class Meta:
        model = CycleQuarter
        fields = ["id", "quarter", "opens_at", "reminder_at", "due_at", "supervise_at", "closes_at", "opened_at",
                  "closed_at", "calendar", "calendar_label"]

    def get_calendar(self, obj) -> str:
        """official, office or weekdays, for the year of the due date (Q4 is due in the next year)."""
        year = obj.due_at.astimezone(LOCAL).year
        cache = self.root.__dict__.setdefault("_duban_due_sources", {})  # one answer per year for the whole list
        if year not in cache:
            cache[year] = calendar_source(year)
        return cache[year]

    def get_calendar_label(self, obj) -> str:
        return source_label(self.get_calendar(obj))


class CycleSerializer(serializers.ModelSerializer):
    quarters = QuarterOut(many=True, read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)  # the working-day calendar's range
    calendar = serializers.SerializerMethodField()

    class Meta:
        model = ReportingCycle
        fields = ["id", "plan", "year", "half", "status", "instance", "opened_at", "quarters", "calendar"]
        read_only_fields = ["status", "instance", "opened_at"]

    def get_calendar(self, obj) -> str:
        """Where working days come from: official, office, or weekdays (no holiday data for the year)."""
        root = self.parent or self  # one answer per year for the whole list
        cache = root.__dict__.setdefault("_duban_sources", {})
        if obj.year not in cache:
            cache[obj.year] = calendar_source(obj.year)
        return cache[obj.year]


def _visible_items(request):
    from workflows.plans.services.work_items import work_items_visible_to

    return work_items_visible_to(request.user).prefetch_related("responsibilities__unit")


PlanList = list_create_view(lambda r: Plan.objects.select_related("bureau").order_by("-year", "code"), PlanSerializer,
                        "Plans (the office writes).")
WorkItemList = list_create_view(_visible_items, WorkItemSerializer, "Work items I may see (the office writes).")
CycleList = list_create_view(lambda r: ReportingCycle.objects.prefetch_related("quarters").order_by("-year", "-half"),
                         CycleSerializer, "Reporting cycles.", after_create=lambda c: cycle_schedule(cycle=c))


class CycleOpen(APIView):
    @extend_schema(request=None, responses={200: CycleSerializer, **errors(403, 404, 409)})
    def post(self, request, pk: int):
        """Start the cycle now and hand its first open quarter's schools to the workers, who start each
        school's report; the answer comes at once (follow ``quarters/<n>/opening/``)."""
        get_in_scope(ReportingCycle.objects.all(), pk, "cycle")
        require_office(request)
        cycle = cycle_open(cycle_id=pk, actor=request.user)
        quarter = cycle.quarters.order_by("quarter").filter(closed_at__isnull=True).first()
        if quarter is not None:
            quarter_dispatch(quarter_id=quarter.pk)
        return Response(CycleSerializer(ReportingCycle.objects.get(pk=pk)).data)


OpeningOut = inline_serializer("QuarterOpening", fields={
    "started": serializers.IntegerField(help_text="schools whose report has been started"),
    "total": serializers.IntegerField(help_text="those and the plan's schools still without one"),
    "done": serializers.BooleanField(), "stalled": serializers.BooleanField()})


class QuarterOpening(APIView):
    @extend_schema(responses={200: OpeningOut, **errors(403, 404)})
    def get(self, request, pk: int, quarter: int):
        """How far the quarter's opening has got on the workers."""
        get_in_scope(ReportingCycle.objects.all(), pk, "cycle")
        require_bureau_staff(request)
        q = CycleQuarter.objects.select_related("cycle__plan").filter(cycle_id=pk, quarter=quarter).first()
        if q is None:
            raise NotFound(_("cycle %(pk)s has no quarter %(quarter)s") % {"pk": pk, "quarter": quarter})
        opening = quarter_opening(quarter=q)
        return Response({"started": opening.started, "total": opening.total, "done": opening.done,
                         "stalled": opening.stalled})


ProgressOut = inline_serializer("CycleProgress", fields={
    "quarters": serializers.ListField(child=serializers.IntegerField()),
    "schools": serializers.ListField(child=serializers.DictField())})


class CycleProgress(APIView):
    @extend_schema(responses={200: ProgressOut, **errors(403, 404)})
    def get(self, request, pk: int):
        """Schools × quarters: on_time / late / missing / pending / cancelled / not_counted / not_opened."""
        cycle = get_in_scope(ReportingCycle.objects.select_related("plan"), pk, "cycle")
        require_bureau_staff(request)
        quarters, rows = cycle_progress(cycle=cycle)
        schools = [{"school": row.school.name, "code": row.school.code,
                    "quarters": {str(q.quarter): cell for q, cell in zip(quarters, row.cells, strict=True)}}
                   for row in rows]
        return Response({"quarters": [q.quarter for q in quarters], "schools": schools})


def _summary(request, pk: int, quarter: int):
    q = CycleQuarter.objects.select_related("cycle__plan").filter(cycle_id=pk, quarter=quarter).first()
    if q is None:
        raise NotFound(_("cycle %(pk)s has no quarter %(quarter)s") % {"pk": pk, "quarter": quarter})
    require_bureau_staff(request)
    return q, quarterly_summary(quarter=q)


class QuarterSummary(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, **errors(403, 404)})
    def get(self, request, pk: int, quarter: int):
        """The quarterly summary: schools × work items, counts, figure totals, units not reported."""
        _, table = _summary(request, pk, quarter)
        return Response(serializers.JSONField().to_representation(asdict(table)))


class QuarterSummaryXlsx(APIView):
    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, **errors(403, 404)})
    def get(self, request, pk: int, quarter: int):
        """The quarterly summary as an Excel workbook with Chinese headers."""
        q, table = _summary(request, pk, quarter)
        response = HttpResponse(render_summary_xlsx(table), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="summary-{q.cycle.year}Q{quarter}.xlsx"'
        return response
