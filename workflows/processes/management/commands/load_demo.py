"""Load a small demo: units, people per role, and one quarterly report per school."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from workflows.org.models import Membership, Role, Unit, UnitKind
from workflows.processes.models import ProcessInstance
from workflows.processes.services.definitions import definition_for_start
from workflows.processes.services.instances import instance_start

PASSWORD = "duban-demo"
SCHOOLS = [("wenqiao", "文桥中心小学"), ("yuehua2", "岳化二小"), ("yunxi", "云溪小学"),
           ("sample1", "示例学校一（样例）"), ("sample2", "示例学校二（样例）")]


class Command(BaseCommand):
    help = "Create demo units, users (password duban-demo) and quarterly reports; safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        bureau = _unit("bureau", "区教育体育局", UnitKind.BUREAU, None)
        office = _unit("office", "乡村振兴工作领导小组办公室", UnitKind.OFFICE, bureau)
        logins = [_person("office", office, Role.OFFICE_DIRECTOR, superuser=True)]
        schools = []
        for code, name in SCHOOLS:
            school = _unit(code, name, UnitKind.SCHOOL, bureau)
            schools.append(school)
            logins += [_person(f"{code}_liaison", school, Role.LIAISON), _person(f"{code}_principal", school,
                                                                                 Role.PRINCIPAL)]
        self._start_reports(office_user=logins[0], schools=schools)
        self.stdout.write(f"Demo logins (password: {PASSWORD}): " + ", ".join(u.username for u in logins))

    def _start_reports(self, *, office_user, schools):
        try:
            definition = definition_for_start(key="quarterly_report")
        except Exception:
            self.stdout.write("quarterly_report is not deployed; run deploy_bpmn bpmn/ first")
            return
        now = timezone.now()
        for school in schools:
            key = f"demo-{school.code}"
            if ProcessInstance.objects.filter(business_key=key).exists():
                continue
            instance_start(definition=definition, actor=office_user, unit=school, business_key=key,
                           data={"reminder_at": now + dt.timedelta(days=5), "due_at": now + dt.timedelta(days=7),
                                 "supervise_at": now + dt.timedelta(days=10)})


def _unit(code, name, kind, parent) -> Unit:
    unit, _ = Unit.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})
    return unit


def _person(username, unit, role, superuser=False):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=superuser,
                                                    is_superuser=superuser)
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user
