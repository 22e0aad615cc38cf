"""Messages and signals sent from outside: they reach the instances waiting for them and start the
processes whose start events wait for them (the office, or a system with the office's token)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.processes.services.start_triggers import Sent, message_send, signal_send

from .common import MAX_ID, no_nul, require_office
from .schemas import errors


class MessageIn(serializers.Serializer):
    name = serializers.CharField(max_length=255, validators=[no_nul])
    payload = serializers.DictField(required=False, default=dict, validators=[no_nul])
    data = serializers.DictField(required=False, default=dict, validators=[no_nul],
                                 help_text="start data, when the message starts an instance")
    business_key = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                         validators=[no_nul])
    instance = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class SignalIn(serializers.Serializer):
    name = serializers.CharField(max_length=255, validators=[no_nul])
    payload = serializers.DictField(required=False, default=dict, validators=[no_nul])


SentOut = inline_serializer("Sent", {"delivered": serializers.ListField(child=serializers.IntegerField()),
                                     "started": serializers.ListField(child=serializers.IntegerField())})


def _answer(sent: Sent) -> Response:
    return Response({"delivered": sent.delivered, "started": sent.started}, status=201 if sent.started else 200)


class MessageSend(APIView):
    @extend_schema(request=MessageIn, responses={200: SentOut, 201: SentOut, **errors(400, 403, 404, 409)})
    def post(self, request):
        """Send a message: to the instance waiting for it (by instance or business key when several
        could), else it starts the process whose start event waits for it (201)."""
        require_office(request)
        body = MessageIn(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        return _answer(message_send(name=v["name"], payload=v["payload"], data=v["data"],
                                    business_key=v["business_key"], instance_id=v.get("instance"),
                                    actor=request.user))


class SignalSend(APIView):
    @extend_schema(request=SignalIn, responses={200: SentOut, 201: SentOut, **errors(400, 403, 404)})
    def post(self, request):
        """Send a signal: every instance waiting for it catches it, and every process whose start
        event waits for it starts (201 when one did)."""
        require_office(request)
        body = SignalIn(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        return _answer(signal_send(name=v["name"], payload=v["payload"], actor=request.user))
