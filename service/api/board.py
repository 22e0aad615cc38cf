"""The managers' board as data: open escalations in my scope counted by level, by school and by work
item, for the same filters as the board page's list."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.board import (
    BoardQuery,
    CountRow,
    board_counts_by_unit,
    board_counts_by_work_item,
    board_filtered,
    board_level_totals,
)
from workflows.processes.models import EscalationLevel

from .common import ID_SCHEMA, id_field, query
from .schemas import page_errors

_COUNTS = serializers.DictField(child=serializers.IntegerField(), help_text="open escalations by level")
_ROW = {"id": serializers.IntegerField(allow_null=True), "name": serializers.CharField(), "counts": _COUNTS,
        "total": serializers.IntegerField()}
BoardOut = inline_serializer("Board", fields={
    "totals": _COUNTS,
    "by_school": inline_serializer("BoardSchool", fields=_ROW, many=True),
    "by_work_item": inline_serializer("BoardWorkItem", fields=_ROW, many=True,
                                      help_text="id null: the quarterly report"),
})


def _rows(rows: list[CountRow]) -> list[dict]:
    return [{"id": row.key, "name": row.label, "counts": dict(row.by_level), "total": row.total} for row in rows]


class BoardCounts(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("level", enum=EscalationLevel.values), OpenApiParameter("unit", ID_SCHEMA),
        OpenApiParameter("work_item", ID_SCHEMA), OpenApiParameter("cycle", ID_SCHEMA),
        OpenApiParameter("quarter", {"type": "integer", "minimum": 1, "maximum": 4}),
        OpenApiParameter("overdue", {"type": "integer", "minimum": 0, "maximum": 250},
                         description="working days past the due date, at least")],
        responses={200: BoardOut, **page_errors(400)})
    def get(self, request):
        """The counts at the top of the board (the schools with most: twenty), for these filters."""
        params = query(request, level=serializers.ChoiceField(EscalationLevel.choices), unit=id_field(),
                       work_item=id_field(), cycle=id_field(), quarter=serializers.IntegerField(min_value=1,
                                                                                                max_value=4),
                       overdue=serializers.IntegerField(min_value=0, max_value=250))
        rows = board_filtered(request.user, BoardQuery(
            level=params.get("level", ""), unit=params.get("unit"), work_item=params.get("work_item"),
            cycle=params.get("cycle"), quarter=params.get("quarter"), overdue_at_least=params.get("overdue")))
        by_item = board_counts_by_work_item(rows)
        return Response({"totals": board_level_totals(by_item), "by_school": _rows(board_counts_by_unit(rows)),
                         "by_work_item": _rows(by_item)})
