"""The inbox: tasks mine and my units', filters, claim, draft, complete, delegate, reassign, forms, evidence."""
from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.plans.calendar import WorkingCalendar
from workflows.plans.inbox_pages import COUNT_BOUND, inbox_count, inbox_page
from workflows.plans.lights import light_for, workdays_left
from workflows.plans.scope import tasks_visible
from workflows.processes.errors import Invalid
from workflows.processes.forms import schema_for
from workflows.processes.models import Attachment, HumanTask, HumanTaskState
from workflows.processes.selectors import memberships_of
from workflows.processes.services import human_tasks as svc
from workflows.processes.services.attachments import ALLOWED, attachment_add, attachment_for_download

from .common import ID_SCHEMA, get_in_scope, id_field, no_nul, query, user_by_name
from .pagination import Pagination
from .schemas import errors, page_errors

_STAMP = serializers.DateTimeField()

# The columns TaskOut shows, in the order of a list row: a list reads only these (no engine state,
# spec or draft), as plain values rather than five models per row.
LIST_COLUMNS = ("id", "instance_id", "instance__business_key", "instance__definition__key", "bpmn_id", "name",
                "documentation", "lane", "candidate_role", "candidate_unit__name", "assignee__username", "due_at",
                "state", "form_key", "created_at", "completed_at")


def row_of(task: HumanTask) -> tuple:
    """A task model as a list row (``LIST_COLUMNS``)."""
    unit, assignee = task.candidate_unit, task.assignee
    return (task.id, task.instance_id, task.instance.business_key, task.instance.definition.key, task.bpmn_id,
            task.name, task.documentation, task.lane, task.candidate_role, unit.name if unit else None,
            assignee.username if assignee else None, task.due_at, task.state, task.form_key, task.created_at,
            task.completed_at)


class Stamps:
    """DRF's ``DateTimeField`` output (ISO 8601 in the current time zone, ``Z`` for UTC), with the zone
    looked up once per list instead of once per value."""

    def __init__(self):
        self.zone = _STAMP.default_timezone()

    def __call__(self, value: dt.datetime | None) -> str | None:
        if not value:
            return None
        if value.tzinfo is None:  # naive: DRF's own answer
            return _STAMP.to_representation(value)
        try:
            text = value.astimezone(self.zone).isoformat()
        except OverflowError:  # out of range: DRF's own answer (its error)
            return _STAMP.to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class TaskOut(serializers.ModelSerializer):
    """A task: from a model or from a list row (``LIST_COLUMNS``), which lists read instead of models."""

    key = serializers.CharField(source="instance.definition.key")
    business_key = serializers.CharField(source="instance.business_key")
    candidate_unit = serializers.CharField(source="candidate_unit.name", default=None, allow_null=True)
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    light = serializers.SerializerMethodField()
    workdays_left = serializers.SerializerMethodField()

    class Meta:
        model = HumanTask
        fields = ["id", "instance", "key", "business_key", "bpmn_id", "name", "documentation", "lane",
                  "candidate_role", "candidate_unit", "assignee", "due_at", "state", "form_key", "created_at",
                  "completed_at", "light", "workdays_left"]

    def _shared(self, name: str, make):
        root = self.parent or self  # one calendar (one query) and one time zone for the whole list
        if not hasattr(root, name):
            setattr(root, name, make())
        return getattr(root, name)

    def _calendar(self) -> WorkingCalendar:
        return self._shared("_duban_calendar", WorkingCalendar)

    def get_light(self, obj) -> str | None:
        if obj.state != HumanTaskState.READY:
            return None
        return light_for(obj.due_at, calendar=self._calendar())

    def get_workdays_left(self, obj) -> int | None:
        if obj.state != HumanTaskState.READY or obj.due_at is None:
            return None
        return workdays_left(obj.due_at, calendar=self._calendar())

    def to_representation(self, task: HumanTask | tuple) -> dict:
        """The same fields, written out: generic field-by-field serialising was most of a list's cost."""
        (pk, instance_id, business_key, key, bpmn_id, name, documentation, lane, candidate_role, unit, assignee,
         due_at, state, form_key, created_at, completed_at) = task if isinstance(task, tuple) else row_of(task)
        stamp = self._shared("_duban_stamps", Stamps)
        ready = state == HumanTaskState.READY
        return {
            "id": pk, "instance": instance_id, "key": key, "business_key": business_key, "bpmn_id": bpmn_id,
            "name": name, "documentation": documentation, "lane": lane, "candidate_role": candidate_role,
            "candidate_unit": unit, "assignee": assignee, "due_at": stamp(due_at), "state": state,
            "form_key": form_key, "created_at": stamp(created_at), "completed_at": stamp(completed_at),
            **self._lights(due_at, ready),
        }

    def _lights(self, due_at: dt.datetime | None, ready: bool) -> dict:
        """``light`` and ``workdays_left`` as ``get_light`` and ``get_workdays_left`` give them, the
        working days counted once for both."""
        if not ready:
            return {"light": None, "workdays_left": None}
        if due_at is None:
            return {"light": light_for(None), "workdays_left": None}
        left = workdays_left(due_at, calendar=self._calendar())
        return {"light": light_for(due_at, calendar=self._calendar(), workdays=left), "workdays_left": left}


TABS, LIGHTS, ORDERINGS = ["mine", "unit", "all", "done"], ["green", "yellow", "red"], ["due_at", "-due_at",
                                                                                       "created_at", "-created_at"]
FILTERS = [
    OpenApiParameter("tab", enum=TABS, description="mine: assigned to me; unit: my "
                     "units' unclaimed candidates; all: both; done: completed by me"),
    OpenApiParameter("state", enum=HumanTaskState.values), OpenApiParameter("due_before", dt.date),
    OpenApiParameter("due_after", dt.date), OpenApiParameter("light", enum=LIGHTS),
    OpenApiParameter("work_item", ID_SCHEMA), OpenApiParameter("cycle", ID_SCHEMA), OpenApiParameter("unit", ID_SCHEMA),
    OpenApiParameter("ordering", enum=ORDERINGS),
]


# Built once: fields only validate here, they hold no per-request state.
INBOX_QUERY = {"tab": serializers.ChoiceField(TABS), "state": serializers.ChoiceField(HumanTaskState.choices),
               "due_before": serializers.DateField(), "due_after": serializers.DateField(),
               "light": serializers.ChoiceField(LIGHTS), "work_item": id_field(), "cycle": id_field(),
               "unit": id_field(), "ordering": serializers.ChoiceField(ORDERINGS)}


InboxPageOut = inline_serializer("InboxPage", fields={
    "count": serializers.IntegerField(help_text=f"tasks with these filters, counted up to {COUNT_BOUND}"),
    "count_capped": serializers.BooleanField(help_text=f"true when there are more than {COUNT_BOUND}"),
    "next": serializers.CharField(allow_null=True, help_text="the next page (its `after` cursor), if any"),
    "previous": serializers.CharField(allow_null=True, help_text="the first page, on a later page"),
    "results": TaskOut(many=True)})


class TaskList(APIView):
    @extend_schema(parameters=[*FILTERS, OpenApiParameter("after", str, description="the cursor a page's `next` "
                                                          "carries"), OpenApiParameter("page_size", int)],
                   responses={200: InboxPageOut, **page_errors(400)})
    def get(self, request):
        """My inbox, a page at a time after a cursor: the same cost whatever the inbox holds."""
        query(request, **INBOX_QUERY)
        params, size = request.query_params, Pagination().get_page_size(request)
        after = params.get("after", "")[:80]
        memberships = memberships_of(request.user.pk)
        page = inbox_page(user=request.user, params=params, size=size, after=after, memberships=memberships)
        count = len(page.ids) if not after and not page.after else inbox_count(
            user=request.user, params=params, memberships=memberships)
        return Response({
            "count": min(count, COUNT_BOUND), "count_capped": count > COUNT_BOUND,
            "next": _page_url(request, page.after) if page.after else None,
            "previous": _page_url(request, "") if after else None,
            "results": TaskOut(_list_rows(page.ids), many=True, context={"request": request}).data})


def _list_rows(ids: list[int]) -> list[tuple]:
    """The page's tasks as list rows (``LIST_COLUMNS``), in the page's order."""
    found = {row[0]: row for row in HumanTask.objects.filter(pk__in=ids).values_list(*LIST_COLUMNS)}
    return [found[pk] for pk in ids]


def _page_url(request, after: str) -> str:
    params = request.query_params.copy()
    params.pop("after", None)
    params.pop("page", None)
    if after:
        params["after"] = after
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}" if params else request.path)


def _visible_task(request, pk: int) -> HumanTask:
    return get_in_scope(tasks_visible(request.user).select_related("instance__definition", "candidate_unit",
                                                                   "assignee"), pk, "task")


class TaskView(APIView):
    @extend_schema(responses={200: TaskOut, **errors(404)})
    def get(self, request, pk: int):
        return Response(TaskOut(_visible_task(request, pk)).data)


FormOut = inline_serializer("TaskForm", fields={"schema": serializers.JSONField(), "draft": serializers.JSONField()})


class TaskForm(APIView):
    @extend_schema(responses={200: FormOut, **errors(404)})
    def get(self, request, pk: int):
        """The task's JSON Schema and the saved draft."""
        task = _visible_task(request, pk)
        return Response({"schema": schema_for(task), "draft": task.draft})


class DataIn(serializers.Serializer):
    data = serializers.DictField(help_text="the form's answers, validated against the task's JSON Schema",
                                 validators=[no_nul])


class UserIn(serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text="username")


def _task_action(name: str, body=None, doc: str = ""):
    @extend_schema(request=body, responses={200: TaskOut, **errors(400, 403, 404, 409)}, operation_id=f"tasks_{name}")
    def post(self, request, pk: int):
        # The service answers 404 for a task the user may not see; a bad body is checked first,
        # so only then is visibility looked up here (an unseen task is a 404 whatever the body).
        kwargs = {}
        if body is not None:
            data = body(data=request.data)
            if not data.is_valid():
                _visible_task(request, pk)
                raise ValidationError(data.errors)
            if "data" in data.validated_data:
                kwargs["data"] = data.validated_data["data"]
            if "user" in data.validated_data:
                kwargs["to_user"] = user_by_name(data.validated_data["user"])
        service = {"draft": "save_draft"}.get(name, name)
        task = getattr(svc, f"human_task_{service}")(task_id=pk, actor=request.user, **kwargs)
        return Response(TaskOut(task).data)  # the services return the task with what TaskOut reads
    return type(f"Task{name.title()}", (APIView,), {"post": post, "__doc__": doc})


TaskClaim = _task_action("claim", doc="Take a candidate task; 409 if someone else holds it.")
TaskUnclaim = _task_action("unclaim", doc="Give a claimed task back to its candidates.")
TaskDraft = _task_action("draft", DataIn, "Save unfinished answers (not validated).")
TaskComplete = _task_action("complete", DataIn, "Submit: 400 with field errors, 409 on a second submit.")
TaskDelegate = _task_action("delegate", UserIn, "Hand the task to a colleague who could act on it.")
TaskReassign = _task_action("reassign", UserIn, "The office gives the task to anyone (absence handover).")


class AttachmentOut(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None, allow_null=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


class TaskAttachments(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: AttachmentOut(many=True), **errors(404)})
    def get(self, request, pk: int):
        task = _visible_task(request, pk)
        return Response(AttachmentOut(task.attachments.select_related("uploaded_by"), many=True).data)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        responses={201: AttachmentOut, **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        """Attach evidence (pdf, png, jpg, docx, xlsx, txt; size-limited; content checked)."""
        _visible_task(request, pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid(_("send the file in the 'file' field"), {"file": [_("required")]})
        attachment = attachment_add(task_id=pk, actor=request.user, name=upload.name, content=upload.read())
        return Response(AttachmentOut(attachment).data, status=201)


# Evidence is served with the type sniffed at upload.
DOWNLOAD_TYPES = sorted({kind for kind, _ in ALLOWED.values()})


class AttachmentDownload(APIView):
    @extend_schema(responses={**{(200, kind): OpenApiTypes.BINARY for kind in DOWNLOAD_TYPES}, **errors(404)})
    def get(self, request, pk: int):
        """Download evidence: only for those who may see its task; always as an attachment."""
        attachment = attachment_for_download(attachment_id=pk, actor=request.user)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                                content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
