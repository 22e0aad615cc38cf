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

from .pagination import Pagination


class AuditOut(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "action", "actor", "instance_id", "definition_id", "task_guid", "detail"]


class AuditList(APIView):
    @extend_schema(parameters=[OpenApiParameter("instance", int), OpenApiParameter("action")],
                   responses={200: AuditOut(many=True)})
    def get(self, request):
        rows = audit_visible(request.user).select_related("actor").order_by("-at", "-id")
        if request.query_params.get("instance"):
            rows = rows.filter(instance_id=serializers.IntegerField().run_validation(request.query_params["instance"]))
        if request.query_params.get("action"):
            rows = rows.filter(action=request.query_params["action"])
        page = Pagination()
        return page.get_paginated_response(AuditOut(page.paginate_queryset(rows, request), many=True).data)


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "link", "created_at", "read_at"]


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=1000,
                                help_text="omit to mark all read")


class NotificationList(APIView):
    @extend_schema(responses={200: NotificationOut(many=True)})
    def get(self, request):
        page = Pagination()
        rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
        return page.get_paginated_response(NotificationOut(page.paginate_queryset(rows, request), many=True).data)


class NotificationUnread(APIView):
    @extend_schema(responses={200: inline_serializer("Unread", fields={"unread": serializers.IntegerField()})})
    def get(self, request):
        return Response({"unread": Notification.objects.filter(user=request.user, read_at__isnull=True).count()})


class NotificationRead(APIView):
    @extend_schema(request=MarkReadIn, responses={200: inline_serializer("Marked", fields={
        "marked": serializers.IntegerField()})})
    def post(self, request):
        body = MarkReadIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response({"marked": notifications_mark_read(user=request.user, ids=body.validated_data.get("ids"))})
