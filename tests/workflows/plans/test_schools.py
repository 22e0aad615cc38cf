"""Which work items a school carries: all items without a school list, and those naming it."""
from __future__ import annotations

import pytest

from workflows.plans.services.schools import work_items_of

pytestmark = pytest.mark.django_db


def test_an_item_with_a_school_list_is_carried_only_by_those_schools(yunxi):
    first, second = yunxi.schools.order_by("code")[:2]
    items = list(yunxi.work_items.order_by("number"))
    listed = items[1]
    listed.schools.set([first])
    assert [i.pk for i in work_items_of(yunxi, first)] == [i.pk for i in items]
    assert [i.pk for i in work_items_of(yunxi, second)] == [i.pk for i in items if i != listed]
    listed.schools.add(second)
    assert [i.pk for i in work_items_of(yunxi, first)] == [i.pk for i in items]  # listed once, not twice
