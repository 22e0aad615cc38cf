"""Plans load from their data files; nothing in code knows Yunxi."""
from __future__ import annotations

import pytest

from workflows.org.models import Membership, Unit
from workflows.plans.models import CycleQuarter

pytestmark = pytest.mark.django_db


def test_yunxi_plan_loads_with_its_work_items_and_departments(yunxi):
    assert yunxi.document_number == "岳云教体函〔2024〕8号"
    assert yunxi.work_items.count() == 8
    item8 = yunxi.work_items.get(number=8)
    assert [r.unit.name for r in item8.responsibilities.all()] == ["人事股", "教师培训中心", "资助中心"]
    assert [r.is_lead for r in item8.responsibilities.all()] == [True, False, False]
    names = set(yunxi.schools.values_list("name", flat=True))
    assert {"文桥中心小学", "岳化二小", "云溪小学"} <= names
    assert all("样例" in n for n in names - {"文桥中心小学", "岳化二小", "云溪小学"})
    assert Membership.objects.filter(user__username="lili", role="office_director").exists()
    q1 = CycleQuarter.objects.get(cycle__plan=yunxi, cycle__year=2024, quarter=1)
    assert q1.due_at.date().isoformat() == "2024-04-08"  # after Qingming, counting the make-up Sunday


def test_loading_twice_changes_nothing(yunxi):
    from tests.workflows.plans.conftest import SEED
    from workflows.plans.services.seed import plan_load_file

    units = Unit.objects.count()
    plan_load_file(path=SEED / "yunxi-2024.json")
    assert Unit.objects.count() == units
    assert yunxi.work_items.count() == 8


def test_second_plan_loads_through_the_same_code(second_plan):
    assert second_plan.work_items.count() == 5
    assert second_plan.schools.count() == 30
    assert second_plan.cycles.get().quarters.count() == 2


def test_loading_again_does_not_restore_an_ended_membership_or_an_office_edit(yunxi):
    from tests.workflows.plans.conftest import SEED
    from workflows.plans.services.seed import plan_load_file
    from workflows.processes.services.handover import membership_end

    ended = Membership.objects.select_related("user").filter(role="liaison").first()
    membership_end(membership=ended, actor=None, reason="调离")
    school = Unit.objects.get(pk=ended.unit_id)
    school.name = "文桥中心小学（更名）"
    school.save(update_fields=["name"])
    item = yunxi.work_items.get(number=8)
    item.title = "办公室改过的标题"
    item.save(update_fields=["title"])

    plan_load_file(path=SEED / "yunxi-2024.json")

    assert not Membership.objects.filter(user=ended.user, unit_id=ended.unit_id, role="liaison").exists()
    assert Unit.objects.get(pk=school.pk).name == "文桥中心小学（更名）"
    assert yunxi.work_items.get(number=8).title == "办公室改过的标题"
    assert yunxi.schools.filter(pk=school.pk).exists()
