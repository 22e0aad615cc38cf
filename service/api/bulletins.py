"""Bulletins: draft, edit, submit, approve or return, DOCX; published ones are read by every unit."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.models import Bulletin, ReportingCycle
from workflows.plans.scope import bulletins_visible
from workflows.plans.services import bulletins as svc

from .common import get_in_scope
from .errors import error
from .schemas import errors


class SectionSerializer(serializers.Serializer):
    heading = serializers.CharField(max_length=200)
    paragraphs = serializers.ListField(child=serializers.CharField(max_length=5000), max_length=50)


class BulletinOut(serializers.ModelSerializer):
    sections = SectionSerializer(many=True)

    class Meta:
        model = Bulletin
        fields = ["id", "cycle", "document_number", "title", "addressees", "sections", "copy_to", "printed_by",
                  "printed_on", "late_units", "missing_units", "status", "return_comment", "published_at"]


class BulletinEdit(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    document_number = serializers.CharField(required=False, max_length=100, allow_blank=True)
    addressees = serializers.CharField(required=False, max_length=300, allow_blank=True, help_text="主送")
    sections = SectionSerializer(many=True, required=False)
    copy_to = serializers.CharField(required=False, max_length=300, allow_blank=True, help_text="抄送")
    printed_by = serializers.CharField(required=False, max_length=200, allow_blank=True, help_text="印发机关")
    printed_on = serializers.DateField(required=False, allow_null=True, help_text="印发日期; null: the day published")


class DraftIn(serializers.Serializer):
    quotes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=500,
        help_text="keys of the school answers to quote (GET …/bulletin/answers/); absent: the first few")


class AnswerOut(serializers.Serializer):
    key = serializers.CharField()
    school = serializers.CharField()
    period = serializers.CharField()
    work_item = serializers.CharField()
    field = serializers.ChoiceField(choices=["progress", "problems"])
    text = serializers.CharField()


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class BulletinList(APIView):
    @extend_schema(responses={200: BulletinOut(many=True)})
    def get(self, request):
        return Response(BulletinOut(bulletins_visible(request.user).order_by("-id"), many=True).data)


class CycleBulletin(APIView):
    @extend_schema(request=DraftIn, responses={201: BulletinOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        """Build (or rebuild) the cycle's bulletin draft from its quarter summaries (office, at the draft step)."""
        get_in_scope(ReportingCycle.objects.all(), pk, "cycle")
        body = DraftIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(BulletinOut(svc.bulletin_draft(cycle_id=pk, actor=request.user,
                                                       quotes=body.validated_data.get("quotes"))).data, status=201)


class CycleBulletinAnswers(APIView):
    @extend_schema(responses={200: AnswerOut(many=True), **errors(403, 404)})
    def get(self, request, pk: int):
        """The schools' practice and problem answers the office may quote in the draft (office)."""
        cycle = get_in_scope(ReportingCycle.objects.all(), pk, "cycle")
        return Response(AnswerOut(svc.bulletin_quotable(cycle=cycle, actor=request.user), many=True).data)


class BulletinView(APIView):
    @extend_schema(responses={200: BulletinOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(BulletinOut(get_in_scope(bulletins_visible(request.user), pk, "bulletin")).data)

    @extend_schema(request=BulletinEdit, responses={200: BulletinOut, **errors(400, 403, 404, 409)})
    def patch(self, request, pk: int):
        get_in_scope(bulletins_visible(request.user), pk, "bulletin")
        body = BulletinEdit(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(BulletinOut(svc.bulletin_update(bulletin_id=pk, actor=request.user,
                                                        **body.validated_data)).data)


class BulletinSubmit(APIView):
    @extend_schema(request=None, responses={200: BulletinOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        get_in_scope(bulletins_visible(request.user), pk, "bulletin")
        return Response(BulletinOut(svc.bulletin_submit(bulletin_id=pk, actor=request.user)).data)


class BulletinDecide(APIView):
    @extend_schema(request=DecisionIn, responses={200: BulletinOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        """A leader approves (publishes) or returns the bulletin."""
        get_in_scope(bulletins_visible(request.user), pk, "bulletin")
        body = DecisionIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(BulletinOut(svc.bulletin_decide(bulletin_id=pk, actor=request.user,
                                                        **body.validated_data)).data)


class BulletinDocx(APIView):
    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes,
                              **errors(404, 409)})
    def get(self, request, pk: int):
        bulletin = get_in_scope(bulletins_visible(request.user), pk, "bulletin")
        if not bulletin.docx:
            return error(409, "conflict", "the bulletin is not published yet")
        response = HttpResponse(bytes(bulletin.docx), content_type="application/vnd.openxmlformats-officedocument"
                                                                    ".wordprocessingml.document")
        response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.pk}.docx"'
        return response
