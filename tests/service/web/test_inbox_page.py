"""The inbox page: rows name the period and the school, tabs carry counts, search and filters by name."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _page(client, query: str = "") -> str:
    response = client.get(f"/inbox/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_rows_say_period_and_school_and_tabs_count_them(world, clients):
    page = _page(clients["liaison_a"])
    assert "2024年第一季度 · 文桥中心小学" in page  # which report, not just its step's name
    assert '全部未办结 <span class="count">1</span>' in page and '已办结 <span class="count">0</span>' in page


def test_search_finds_by_school_or_work_item_and_nothing_else(world, clients):
    liaison = clients["liaison_a"]
    assert "填写季度报告" in _page(liaison, "?q=文桥")
    assert "暂无任务" in _page(liaison, "?q=并不存在的学校")


def test_filters_offer_work_items_and_cycles_by_name(world, clients):
    page = _page(clients["liaison_a"])
    item = world.plan.work_items.get(number=1)
    assert f'<option value="{item.pk}" >1. {item.title}</option>' in page
    assert "2024年上半年" in page  # the cycle, by its period
    assert "填写季度报告" not in _page(clients["liaison_a"], f"?work_item={world.plan.work_items.get(number=2).pk}")
