"""Attach evidence to a task: size, type and count limits, stored under random names, sniffed content."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..audit import audit_record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..models import Attachment, AuditAction, HumanTask, HumanTaskState
from ..permissions import can_act_on, can_see

ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def _kind(name: str, head: bytes) -> str:
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ALLOWED:
        raise Invalid(_("files of type %(type)s are not accepted") % {"type": ext or _("(none)")},
                      {"file": [_("allowed: %(types)s") % {"types": ", ".join(sorted(ALLOWED))}]})
    content_type, magics = ALLOWED[ext]
    if magics and not any(head.startswith(m) for m in magics):
        raise Invalid(_("the file's content does not match its extension"), {"file": [_("content mismatch")]})
    if ext == ".txt" and b"\x00" in head:
        raise Invalid(_("a text file must not contain binary data"), {"file": [_("binary content")]})
    return content_type


@transaction.atomic
def attachment_add(*, task_id: int, actor: AbstractBaseUser, name: str, content: bytes) -> Attachment:
    """Attach a file to a ready task you may act on."""
    # The task's row is locked, so two uploads at once cannot both take the last free place.
    task = HumanTask.objects.select_for_update(of=("self",)).select_related("instance").filter(pk=task_id).first()
    if task is None or not can_see(actor, task):
        raise NotFound(_("task %(id)s does not exist") % {"id": task_id})
    if not can_act_on(actor, task):
        raise Forbidden(_("you may not add evidence to this task"))
    if task.state != HumanTaskState.READY:
        raise Conflict(_("the task is already %(state)s") % {"state": task.get_state_display().lower()})
    limit = settings.DUBAN_MAX_FILES_PER_TASK
    if task.attachments.count() >= limit:
        message = ngettext("This task already holds %(limit)d file of evidence, the most a task may hold.",
                           "This task already holds %(limit)d files of evidence, the most a task may hold.",
                           limit) % {"limit": limit}
        raise Conflict(message, {"file": [message]})
    if not content:
        raise Invalid(_("the file is empty"), {"file": [_("empty")]})
    if len(content) > settings.DUBAN_MAX_UPLOAD_BYTES:
        raise Invalid(_("the file is too large"),
                      {"file": [_("at most %(size)s bytes") % {"size": f"{settings.DUBAN_MAX_UPLOAD_BYTES:,}"}]})
    safe_name = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())[:200] or "file"
    attachment = Attachment(task=task, name=safe_name, content_type=_kind(safe_name, content[:16]),
                            size=len(content), sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    audit_record(action=AuditAction.ATTACHED, actor=actor, instance=task.instance, task_guid=str(task.task_guid),
                 detail={"name": safe_name, "size": len(content), "sha256": attachment.sha256})
    return attachment


def attachment_for_download(*, attachment_id: int, actor: AbstractBaseUser) -> Attachment:
    attachment = Attachment.objects.select_related("task__instance").filter(pk=attachment_id).first()
    if attachment is None or not can_see(actor, attachment.task):
        raise NotFound(_("attachment %(id)s does not exist") % {"id": attachment_id})
    return attachment
