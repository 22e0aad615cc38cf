"""Starting a cycle answers at once and points at the opening page, which counts the schools that have
their report; the API says the same. Workers run inline here (the browser test uses a live one)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from workflows.org.models import Membership
from workflows.plans.models import CycleQuarter, QuarterlyReport
from workflows.plans.opening import STALLED_AFTER, quarter_opening
from workflows.plans.services.schools import schools_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(yunxi):
    client = Client()
    client.force_login(Membership.objects.get(role="office_director", unit__kind="office").user)
    return client


def test_starting_the_cycle_leads_to_its_quarters_opening(yunxi, office):
    cycle = yunxi.cycles.get(half=1)
    answer = office.post(f"/cycles/{cycle.pk}/start/")
    assert answer.status_code == 302 and answer["Location"] == f"/cycles/{cycle.pk}/quarters/1/opening/"
    page = office.get(answer["Location"])
    schools = schools_of(yunxi).count()
    assert (page.context["opening"].started, page.context["opening"].total) == (schools, schools)
    text = page.content.decode()
    assert "已完成：方案内每所学校都已收到报告任务" in text and 'http-equiv="refresh"' not in text
    assert office.get(f"/api/cycles/{cycle.pk}/quarters/1/opening/").json() == {
        "started": schools, "total": schools, "done": True, "stalled": False}


def test_an_opening_under_way_refreshes_itself_and_a_stalled_one_can_be_resumed(yunxi, office):
    cycle = yunxi.cycles.get(half=1)
    office.post(f"/cycles/{cycle.pk}/start/")
    quarter = CycleQuarter.objects.get(cycle=cycle, quarter=1)
    first = quarter.reports.order_by("school__code").first()
    QuarterlyReport.objects.exclude(pk=first.pk).filter(quarter=quarter).delete()  # as if the workers stopped
    CycleQuarter.objects.filter(pk=quarter.pk).update(opened_at=None, opening_started_at=timezone.now())
    page = office.get(f"/cycles/{cycle.pk}/quarters/1/opening/").content.decode()
    assert 'http-equiv="refresh"' in page and "后台正在为各学校开启报告" in page
    CycleQuarter.objects.filter(pk=quarter.pk).update(
        opening_started_at=timezone.now() - STALLED_AFTER - dt.timedelta(minutes=1))
    page = office.get(f"/cycles/{cycle.pk}/quarters/1/opening/").content.decode()
    assert "后台任务可能已停止" in page and 'http-equiv="refresh"' not in page
    office.post(f"/cycles/{cycle.pk}/quarters/1/opening/")  # resume: the rest go to the workers again
    quarter.refresh_from_db()
    opening = quarter_opening(quarter=quarter)
    assert opening.done and opening.started == schools_of(yunxi).count()


def test_only_the_office_starts_or_resumes(yunxi, django_user_model):
    cycle = yunxi.cycles.get(half=1)
    principal = Client()
    principal.force_login(Membership.objects.filter(role="principal").first().user)
    assert principal.post(f"/cycles/{cycle.pk}/start/").status_code == 403
    assert principal.get(f"/cycles/{cycle.pk}/quarters/1/opening/").status_code == 403
    assert not QuarterlyReport.objects.exists()
