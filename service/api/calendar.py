"""The working-day calendar: each year's source, the warning before a year without holidays, the holiday notice."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.calendar_years import calendar_sources, calendar_year_warning, source_label
from workflows.plans.services.calendar_days import calendar_days_save_notice, day_note, notice_read

from .common import require_office
from .schemas import errors

WarningOut = inline_serializer("CalendarWarning", fields={
    "year": serializers.IntegerField(), "message": serializers.CharField()}, allow_null=True)
CalendarOut = inline_serializer("Calendar", fields={
    "years": serializers.ListField(child=inline_serializer("CalendarYear", fields={
        "year": serializers.IntegerField(),
        "source": serializers.ChoiceField(["official", "office", "weekdays"]),
        "label": serializers.CharField()})),
    "warning": WarningOut})


class NoticeIn(serializers.Serializer):
    """The notice's text as published; ``confirm`` saves its days (else they are only read back)."""

    text = serializers.CharField(max_length=20000, trim_whitespace=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    confirm = serializers.BooleanField(default=False)


class NoticeDayOut(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(["holiday", "workday"], help_text="workday: a make-up working day (调休上班)")
    festival = serializers.CharField()
    note = serializers.CharField()


NoticeOut = inline_serializer("HolidayNotice", fields={
    "year": serializers.IntegerField(), "saved": serializers.BooleanField(), "days": NoticeDayOut(many=True)})


class CalendarView(APIView):
    @extend_schema(responses={200: CalendarOut})
    def get(self, request):
        """This year's and next year's calendar source, and the warning (null when none) before a year
        without official holidays or office-entered days."""
        this = timezone.localdate().year
        sources = calendar_sources([this, this + 1])
        warning = calendar_year_warning()
        return Response({
            "years": [{"year": y, "source": s, "label": source_label(s)} for y, s in sorted(sources.items())],
            "warning": {"year": warning.year, "message": warning.message} if warning else None})


class HolidayNotice(APIView):
    @extend_schema(request=NoticeIn, responses={200: NoticeOut, **errors(400, 403)})
    def post(self, request):
        """Read the State Council's holiday notice (国务院办公厅关于…年部分节假日安排的通知): its holidays and
        make-up working days; with ``confirm`` save them as the office's calendar days (office only).
        A line that cannot be read answers 400 naming it (details.lines) and nothing is saved."""
        require_office(request)
        body = NoticeIn(data=request.data)
        body.is_valid(raise_exception=True)
        text, year = body.validated_data["text"], body.validated_data.get("year")
        if body.validated_data["confirm"]:
            year, _saved = calendar_days_save_notice(text=text, year=year, actor=request.user)
        year, days = notice_read(text=text, year=year)
        return Response({"year": year, "saved": body.validated_data["confirm"], "days": [
            {"date": d.date, "kind": d.kind, "festival": d.festival, "note": day_note(d)} for d in days]})
