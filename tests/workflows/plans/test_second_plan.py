"""A different bureau's plan (5 work items, 30 schools, other departments) runs through the same code."""
from __future__ import annotations

import pytest

from workflows.plans.simulation import Script, simulate
from workflows.plans.summary import quarterly_summary

pytestmark = pytest.mark.django_db(transaction=True)


def test_second_plan_runs_a_half_year(second_plan):
    codes = list(second_plan.schools.order_by("code").values_list("code", flat=True))
    script = Script(late={codes[5]}, missing={codes[6], codes[7]}, returned={codes[0]}, extension_school=codes[1])
    cycle = simulate(plan=second_plan, year=2025, half=1, script=script).cycle
    for quarter in cycle.quarters.all():
        table = quarterly_summary(quarter=quarter)
        assert table.counts == {"on_time": 27, "late": 1, "missing": 2, "schools": 30}
        assert [c.number for c in table.columns] == [1, 2, 3, 4, 5]
    assert sorted(cycle.bulletin.missing_units) == sorted(
        second_plan.schools.filter(code__in=[codes[6], codes[7]]).values_list("name", flat=True))
    assert cycle.bulletin.document_number.startswith("示例教发〔2025〕")
