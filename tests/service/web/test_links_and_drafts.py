"""Every escalation notice links to a page its reader can open, showing that escalation; a saved draft
redirects, so a reload does not post it again."""
from __future__ import annotations

import pytest

from workflows.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_an_escalation_notice_opens_the_board_at_its_escalation(world, client):
    notices = Notification.objects.filter(kind=NotificationKind.ESCALATION, link__contains=f"-{world.escalation.pk}")
    assert notices.exists()
    for notice in notices.select_related("user"):
        client.force_login(notice.user)
        path, anchor = notice.link.split("#")
        page = client.get(path)
        assert page.status_code == 200 and f'id="{anchor}"' in page.content.decode()


def test_a_saved_draft_redirects_to_the_task_and_keeps_the_text(world, client):
    task = world.report_task
    client.force_login(world.users["liaison_a"])
    saved = client.post(f"/tasks/{task.pk}/", {"_action": "draft", "sections.wi1.progress": "草稿里的进展"})
    assert saved.status_code == 302 and saved["Location"] == f"/tasks/{task.pk}/"
    task.refresh_from_db()
    assert "草稿里的进展" in task.draft_json
    assert "草稿里的进展" in client.get(saved["Location"]).content.decode()
