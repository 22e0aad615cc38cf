"""Process definitions: upload (deploy), list, versions, BPMN XML, activate a version."""
from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.processes.errors import NotFound
from workflows.processes.issue_texts import issue_dict
from workflows.processes.models import ProcessDefinition
from workflows.processes.services.definitions import definition_activate, definition_deploy

from .common import no_nul, require_office
from .errors import error
from .schemas import errors


class DefinitionOut(serializers.ModelSerializer):
    class Meta:
        model = ProcessDefinition
        fields = ["id", "key", "version", "name", "dialect", "lanes", "activated_at"]


class UploadIn(serializers.Serializer):
    files = serializers.DictField(child=serializers.CharField(allow_blank=False, max_length=6_000_000),
                                  help_text="file name → content (BPMN/DMN XML, JSON Schema forms)",
                                  allow_empty=False, validators=[no_nul])


Issue = inline_serializer("ValidationIssue", fields={
    "file": serializers.CharField(), "element_id": serializers.CharField(), "element_type": serializers.CharField(),
    "line": serializers.IntegerField(allow_null=True), "message": serializers.CharField(),
    "template": serializers.CharField(help_text="the message in English, with %(name)s placeholders"),
    "params": serializers.DictField(help_text="the values of the template's placeholders")})
DeployOut = inline_serializer("DeployResult", fields={
    "created": serializers.BooleanField(), "definitions": DefinitionOut(many=True),
    "warnings": serializers.ListField(child=Issue)})


def _key(key: str) -> str:
    """A process key from the path; one with a NUL names nothing (and PostgreSQL refuses to compare with it)."""
    if "\x00" in key:
        raise NotFound(_("no process definition %(key)s") % {"key": repr(key)})
    return key


class DefinitionList(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses={200: DefinitionOut(many=True)})
    def get(self, request):
        """The latest version of every process definition."""
        newest = ProcessDefinition.objects.filter(key=OuterRef("key")).order_by("-version").values("version")[:1]
        rows = ProcessDefinition.objects.filter(version=Subquery(newest)).order_by("key")
        return Response(DefinitionOut(rows, many=True).data)

    @extend_schema(request={"application/json": UploadIn, "multipart/form-data": {
        "type": "object", "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
        responses={201: DeployOut, 200: DeployOut, **errors(400, 403)})
    def post(self, request):
        """Deploy BPMN: identical bytes return the existing versions; errors name element and line."""
        require_office(request)
        if request.FILES:
            files = {f.name: f.read() for f in request.FILES.getlist("file")}
        else:
            body = UploadIn(data=request.data)
            body.is_valid(raise_exception=True)
            files = {name: content.encode("utf-8") for name, content in body.validated_data["files"].items()}
        result = definition_deploy(files=files, actor=request.user)
        payload = {"created": result.created, "definitions": DefinitionOut(result.definitions, many=True).data,
                   "warnings": [issue_dict(w) for w in result.warnings]}
        return Response(payload, status=201 if result.created else 200)


class DefinitionVersions(APIView):
    @extend_schema(responses={200: DefinitionOut(many=True), **errors(404)})
    def get(self, request, key: str):
        rows = ProcessDefinition.objects.filter(key=_key(key)).order_by("-version")
        if not rows:
            return error(404, "not_found", _("no process definition %(key)s") % {"key": repr(key)})
        return Response(DefinitionOut(rows, many=True).data)


def _download(xml: str, filename: str) -> HttpResponse:
    """Uploaded XML as a file to save, never a document on duban's origin: an XHTML <script> in
    extensionElements would run there if a browser rendered it (sandbox: no script, no origin)."""
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DefinitionXml(APIView):
    @extend_schema(responses={(200, "application/xml"): str, **errors(404)})
    def get(self, request, key: str, version: int):
        definition = ProcessDefinition.objects.filter(key=_key(key), version=version).select_related(
            "deployment").first()
        if definition is None:
            return error(404, "not_found", _("no process definition %(key)s version %(version)s")
                         % {"key": repr(key), "version": version})
        files = [f for f in definition.deployment.files.order_by("name") if not f.name.endswith(".json")]
        chosen = next((f for f in files if f'id="{key}"' in f.content), files[0] if files else None)
        return _download(chosen.content if chosen else "", f"{definition.key}-v{definition.version}.bpmn")


class DefinitionActivate(APIView):
    @extend_schema(request=None, responses={200: DefinitionOut, **errors(403, 404)})
    def post(self, request, key: str, version: int):
        """Make this version the one new instances use."""
        require_office(request)
        return Response(DefinitionOut(definition_activate(key=_key(key), version=version, actor=request.user)).data)
