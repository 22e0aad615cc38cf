"""Servers and workers tune Python's collector once they have loaded what they serve."""
from __future__ import annotations

import gc

import pytest

from service.gc_tuning import YOUNG_THRESHOLD, tune_for_serving


@pytest.fixture
def collector():
    """The collector's settings are the process's: put them back after the test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_a_serving_process_freezes_what_it_loaded_and_collects_young_objects_less_often(collector, monkeypatch):
    monkeypatch.delenv("DUBAN_GC_TUNING", raising=False)
    gc.unfreeze()
    loaded = [[n] for n in range(1000)]  # objects start-up made, still referenced
    tune_for_serving()
    assert gc.get_freeze_count() >= len(loaded)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert not any(obj is loaded for obj in gc.get_objects())  # no collection walks them any more


def test_the_switch_leaves_pythons_defaults(collector, monkeypatch):
    monkeypatch.setenv("DUBAN_GC_TUNING", "0")
    gc.unfreeze()
    before = gc.get_threshold()
    tune_for_serving()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
