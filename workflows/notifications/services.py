"""Write notifications (and send email where an address is set)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from workflows.compiled import insert_rows

from .models import Notification


def notify(*, users: Iterable[AbstractBaseUser], kind: str, title: str, link: str = "") -> int:
    """One notification per distinct user; email after commit to those with an address."""
    return notify_many([Notice(users=users, kind=kind, title=title, link=link)])


@dataclass
class Notice:
    users: Iterable[AbstractBaseUser]
    kind: str
    title: str
    link: str = ""


def notify_many(notices: list[Notice]) -> int:
    """``notify`` for many notices: one insert and one batch of mail for all of them."""
    rows, mails = [], []
    for notice in notices:
        people = {u.pk: u for u in notice.users if u is not None}.values()
        rows += [Notification(user=u, kind=notice.kind, title=notice.title[:300], link=notice.link[:300])
                 for u in people]
        mails += [(notice.title, f"{notice.title}\n{notice.link}", settings.DEFAULT_FROM_EMAIL, [u.email])
                  for u in people if u.email]
    insert_rows(rows)  # nobody reads these ids back
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(rows)


def notifications_mark_read(*, user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())
