"""Extensions on quarterly reports, on a ticking clock: a grant moves the reminder, chase and supervision
moments, the tasks' due dates and how the summary judges the report; a refusal leaves them all."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from workflows.org.models import Membership, Role
from workflows.plans.calendar import LOCAL
from workflows.plans.models import ExtensionStatus, QuarterlyReport
from workflows.plans.services.cycles import cycles_tick
from workflows.plans.services.extensions import extension_ask, extension_decide
from workflows.plans.simulation import fill_and_sign
from workflows.plans.summary import quarterly_summary
from workflows.processes.errors import Conflict, Forbidden, Invalid
from workflows.processes.models import AuditAction, AuditEvent, Escalation, HumanTaskState
from workflows.processes.services.timers import timer_sweep

pytestmark = pytest.mark.django_db
D = dt.date


def _local(day: D, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), LOCAL)


def _at(day: D, hour: int):
    return time_machine.travel(_local(day, hour), tick=True)


def _person(school, role: str):
    return Membership.objects.filter(unit=school, role=role).select_related("user").first().user


def _raised(report) -> list[tuple[str, D]]:
    rows = Escalation.objects.filter(instance=report.instance).order_by("raised_at")
    return [(e.code, e.raised_at.astimezone(LOCAL).date()) for e in rows]


@pytest.fixture
def first_quarter(yunxi):
    """Q1 2024 open: due Monday 8 April 18:00 (after Qingming, 4-6 April, and the make-up Sunday 7 April),
    reminder 3 April 09:00, supervision 11 April 09:00, closing 15 April."""
    quarter = yunxi.cycles.get(half=1).quarters.get(quarter=1)
    with time_machine.travel(quarter.opens_at + dt.timedelta(hours=1), tick=True):
        cycles_tick()
    assert quarter.due_at == _local(D(2024, 4, 8), 18)
    return quarter


def _reports(quarter) -> tuple[QuarterlyReport, QuarterlyReport]:
    with_people = [r for r in quarter.reports.select_related("school").order_by("school__code")
                   if Membership.objects.filter(unit=r.school, role=Role.LIAISON).exists()
                   and Membership.objects.filter(unit=r.school, role=Role.PRINCIPAL).exists()]
    return with_people[0], with_people[1]


def test_a_grant_moves_the_ladder_and_a_refusal_leaves_it(first_quarter):
    office = get_user_model().objects.get(username="lili")
    granted, refused = _reports(first_quarter)
    with _at(D(2024, 4, 2), 10):
        asked = extension_ask(report_id=granted.pk, actor=_person(granted.school, Role.LIAISON),
                              due_on=D(2024, 4, 10), reason="迎接省级督导，材料汇总需延后两天")
        other = extension_ask(report_id=refused.pk, actor=_person(refused.school, Role.PRINCIPAL),
                              due_on=D(2024, 4, 12), reason="校长外出培训")
    with _at(D(2024, 4, 2), 15):
        extension_decide(extension_id=asked.pk, actor=office, grant=True)
        extension_decide(extension_id=other.pk, actor=office, grant=False, comment="时间充足，请按期报送")
    granted.refresh_from_db()
    refused.refresh_from_db()
    # Due 10 April: reminder two working days before (8 April), supervision three after (11, 12, 15 April).
    assert granted.due_at == _local(D(2024, 4, 10), 18)
    assert granted.instance.next_timer_at == _local(D(2024, 4, 8), 9)
    fill = granted.instance.human_tasks.get(bpmn_id="fill_report", state=HumanTaskState.READY)
    assert fill.due_at == _local(D(2024, 4, 10), 18)
    assert refused.due_at == first_quarter.due_at and refused.instance.next_timer_at == _local(D(2024, 4, 3), 9)

    for day, hour in ((D(2024, 4, 3), 10), (D(2024, 4, 8), 10), (D(2024, 4, 8), 19), (D(2024, 4, 10), 19),
                      (D(2024, 4, 11), 10), (D(2024, 4, 15), 10)):
        with _at(day, hour):
            timer_sweep()
    assert _raised(granted) == [("reminder", D(2024, 4, 8)), ("chase", D(2024, 4, 10)),
                                ("supervise", D(2024, 4, 15))]
    assert _raised(refused) == [("reminder", D(2024, 4, 3)), ("chase", D(2024, 4, 8)),
                                ("supervise", D(2024, 4, 11))]


def test_the_summary_judges_by_the_due_moment_in_force(first_quarter):
    office = get_user_model().objects.get(username="lili")
    granted, refused = _reports(first_quarter)
    with _at(D(2024, 4, 2), 10):
        asked = extension_ask(report_id=granted.pk, actor=_person(granted.school, Role.LIAISON),
                              due_on=D(2024, 4, 10), reason="迎接省级督导")
        extension_decide(extension_id=asked.pk, actor=office, grant=True, due_on=D(2024, 4, 9))
    with _at(D(2024, 4, 9), 11):  # both submit a day after the quarter's due date
        fill_and_sign(granted, office)
        fill_and_sign(refused, office)
    rows = {row.school: row for row in quarterly_summary(quarter=first_quarter).rows}
    assert rows[granted.school.name].status == "on_time"
    assert rows[granted.school.name].extended_to == _local(D(2024, 4, 9), 18)
    assert rows[refused.school.name].status == "late" and rows[refused.school.name].extended_to is None


def test_every_decision_keeps_its_words_in_the_audit(first_quarter):
    office = get_user_model().objects.get(username="lili")
    report, _ = _reports(first_quarter)
    liaison = _person(report.school, Role.LIAISON)
    with _at(D(2024, 4, 1), 10):
        first = extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 12), reason="理由一")
    with _at(D(2024, 4, 1), 16):
        extension_decide(extension_id=first.pk, actor=office, grant=False, comment="不同意：理由不充分")
    with _at(D(2024, 4, 2), 9):
        second = extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 9), reason="理由二")
    with _at(D(2024, 4, 2), 11):
        extension_decide(extension_id=second.pk, actor=office, grant=True, comment="同意延期一天")
    events = AuditEvent.objects.filter(instance_id=report.instance_id, action__in=(
        AuditAction.EXTENSION_ASKED, AuditAction.EXTENSION_DECIDED)).order_by("at", "id")
    assert [(e.action, e.actor.username, e.detail.get("reason") or e.detail.get("comment"), e.detail.get("decision"))
            for e in events] == [
        (AuditAction.EXTENSION_ASKED, liaison.username, "理由一", None),
        (AuditAction.EXTENSION_DECIDED, "lili", "不同意：理由不充分", "refused"),
        (AuditAction.EXTENSION_ASKED, liaison.username, "理由二", None),
        (AuditAction.EXTENSION_DECIDED, "lili", "同意延期一天", "granted"),
    ]
    assert list(report.extensions.values_list("status", flat=True)) == [ExtensionStatus.REFUSED,
                                                                         ExtensionStatus.GRANTED]


def test_bad_requests_are_refused_and_change_nothing(first_quarter, yunxi):
    office = get_user_model().objects.get(username="lili")
    report, elsewhere = _reports(first_quarter)
    liaison = _person(report.school, Role.LIAISON)
    with _at(D(2024, 4, 2), 10):
        with pytest.raises(Forbidden):  # another school's report
            extension_ask(report_id=elsewhere.pk, actor=liaison, due_on=D(2024, 4, 10), reason="x")
        with pytest.raises(Invalid):  # no reason
            extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 10), reason="  ")
        with pytest.raises(Invalid):  # not later than the due date in force
            extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 8), reason="x")
        with pytest.raises(Invalid):  # after the quarter closes (15 April)
            extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 16), reason="x")
        asked = extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 10), reason="理由")
        with pytest.raises(Conflict):  # one request at a time
            extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 11), reason="理由")
        with pytest.raises(Forbidden):  # the school does not decide its own request
            extension_decide(extension_id=asked.pk, actor=liaison, grant=True)
        with pytest.raises(Invalid):  # a refusal needs its reason
            extension_decide(extension_id=asked.pk, actor=office, grant=False)
        extension_decide(extension_id=asked.pk, actor=office, grant=True)
        with pytest.raises(Conflict):  # a double submit
            extension_decide(extension_id=asked.pk, actor=office, grant=False, comment="改为不同意")
    with _at(D(2024, 4, 10), 19), pytest.raises(Conflict):  # past the due moment in force
        extension_ask(report_id=report.pk, actor=liaison, due_on=D(2024, 4, 12), reason="理由")
    report.refresh_from_db()
    assert report.due_at == _local(D(2024, 4, 10), 18)
    assert list(report.extensions.values_list("status", flat=True)) == [ExtensionStatus.GRANTED]


def test_a_department_the_plan_names_decides(first_quarter, yunxi):
    report, _ = _reports(first_quarter)
    head = Membership.objects.filter(role=Role.DEPARTMENT_HEAD).select_related("user", "unit").first()
    yunxi.extensions_decided_by = head.unit
    yunxi.save(update_fields=["extensions_decided_by"])
    other_head = Membership.objects.filter(role=Role.DEPARTMENT_HEAD).exclude(unit=head.unit).first().user
    with _at(D(2024, 4, 2), 10):
        asked = extension_ask(report_id=report.pk, actor=_person(report.school, Role.LIAISON),
                              due_on=D(2024, 4, 10), reason="理由")
        with pytest.raises(Forbidden):
            extension_decide(extension_id=asked.pk, actor=other_head, grant=True)
        extension_decide(extension_id=asked.pk, actor=head.user, grant=True)
    report.refresh_from_db()
    assert report.due_at == _local(D(2024, 4, 10), 18)


def test_a_request_lapses_when_the_report_is_submitted(first_quarter):
    office = get_user_model().objects.get(username="lili")
    report, _ = _reports(first_quarter)
    with _at(D(2024, 4, 2), 10):
        asked = extension_ask(report_id=report.pk, actor=_person(report.school, Role.LIAISON),
                              due_on=D(2024, 4, 10), reason="理由")
        fill_and_sign(report, office)
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.LAPSED
    with _at(D(2024, 4, 2), 11), pytest.raises(Conflict):
        extension_decide(extension_id=asked.pk, actor=office, grant=True)


def test_the_extension_notices_read_in_their_readers_language(first_quarter):
    from django.utils import translation

    from workflows.notifications.models import Notification
    from workflows.notifications.texts import notification_text

    office = get_user_model().objects.get(username="lili")
    granted, refused = _reports(first_quarter)
    liaison, principal = _person(granted.school, Role.LIAISON), _person(refused.school, Role.PRINCIPAL)
    with _at(D(2024, 4, 2), 10):
        asked = extension_ask(report_id=granted.pk, actor=liaison, due_on=D(2024, 4, 10), reason="材料汇总需延后")
        other = extension_ask(report_id=refused.pk, actor=principal, due_on=D(2024, 4, 12), reason="校长外出")
        extension_decide(extension_id=asked.pk, actor=office, grant=True)
        extension_decide(extension_id=other.pk, actor=office, grant=False, comment="请按期报送")

    def said(user, language: str) -> list[str]:
        with translation.override(language):
            return [notification_text(n) for n in Notification.objects.filter(user=user).order_by("pk")
                    if "xtension" in n.template]

    school = granted.school.name
    assert f"延期申请：{school}，2024年第一季度" in said(office, "zh-hans")
    assert f"Extension asked: {school}, Q1 2024" in said(office, "en")
    assert said(liaison, "zh-hans") == ["延期已同意：截止时间2024-04-10 18:00"]
    assert said(liaison, "en") == ["Extension granted: due 2024-04-10 18:00"]
    assert said(principal, "zh-hans") == ["延期未同意：请按期报送"]
    assert said(principal, "en") == ["Extension refused: 请按期报送"]  # the office's words as written
