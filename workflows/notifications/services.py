"""Write notifications (and queue their mail where the person has an address)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone, translation

from workflows.compiled import insert_rows

from .delivery import deliveries_queue
from .models import Notification
from .texts import notice_text

if TYPE_CHECKING:
    from workflows.processes.models import HumanTask


def notify(*, users: Iterable[AbstractBaseUser], kind: str, title: str = "", link: str = "", template: str = "",
           params: dict | None = None, task: HumanTask | None = None) -> int:
    """One notification per distinct user; mailed by the workers to those with an address."""
    return notify_many([Notice(users=users, kind=kind, title=title, link=link, template=template,
                               params=params or {}, task=task)])


@dataclass
class Notice:
    """A notification to write. Give ``template`` (an English text marked with gettext_noop, with
    %(name)s values from ``params``; %(task)s is the task's name) and the page shows it in its
    reader's language; a bare ``title`` shows as written."""

    users: Iterable[AbstractBaseUser]
    kind: str
    title: str = ""
    link: str = ""
    template: str = ""
    params: dict = field(default_factory=dict)
    task: HumanTask | None = None


def notify_many(notices: list[Notice]) -> int:
    """``notify`` for many notices: one insert and one batch of mail for all of them."""
    rows = []
    for notice in notices:
        people = {u.pk: u for u in notice.users if u is not None}.values()
        with translation.override(settings.LANGUAGE_CODE):  # stored and mailed in the site's language
            title = (notice_text(notice.template, notice.params, notice.task) if notice.template
                     else notice.title)[:300]
        rows += [Notification(user=u, kind=notice.kind, title=title, link=notice.link[:300],
                              template=notice.template, params=notice.params, task=notice.task) for u in people]
    mailed = [row for row in rows if row.user.email]
    insert_rows([row for row in rows if not row.user.email])  # nobody reads these ids back
    deliveries_queue(Notification.objects.bulk_create(mailed))  # their deliveries name them
    return len(rows)


def notifications_mark_read(*, user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
