"""Audit events in my scope; my notifications (unread count, mark read)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.notifications.models import Notification
from workflows.notifications.services import notifications_mark_read
from workflows.plans.scope import audit_visible
from workflows.processes.models import AuditEvent

from .common import ID_SCHEMA, id_field, query
from .pagination import Pagination
from .schemas import errors, page_errors


class AuditOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "action", "actor", "instance_id", "definition_id", "task_guid", "detail"]


class AuditList(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("instance", ID_SCHEMA), OpenApiParameter("action")],
                   responses={200: AuditOut(many=True), **page_errors(400)})
    def get(self, request):
        params = query(request, instance=id_field(), action=serializers.CharField())
        rows = audit_visible(request.user).select_related("actor").order_by("-at", "-id")
        if "instance" in params:
            rows = rows.filter(instance_id=params["instance"])
        if "action" in params:
            rows = rows.filter(action=params["action"])
        page = self.pagination_class()
        return page.get_paginated_response(AuditOut(page.paginate_queryset(rows, request), many=True).data)


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "link", "created_at", "read_at"]


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(child=id_field(), required=False, max_length=1000,
                                help_text="omit to mark all read")


class NotificationList(APIView):
    pagination_class = Pagination

    @extend_schema(responses={200: NotificationOut(many=True), **page_errors()})
    def get(self, request):
        page = self.pagination_class()
        rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
        return page.get_paginated_response(NotificationOut(page.paginate_queryset(rows, request), many=True).data)


class NotificationUnread(APIView):
    @extend_schema(responses={200: inline_serializer("Unread", fields={"unread": serializers.IntegerField()})})
    def get(self, request):
        return Response({"unread": Notification.objects.filter(user=request.user, read_at__isnull=True).count()})


class NotificationRead(APIView):
    @extend_schema(request=MarkReadIn, responses={200: inline_serializer("Marked", fields={
        "marked": serializers.IntegerField()}), **errors(400)})
    def post(self, request):
        body = MarkReadIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response({"marked": notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))})
