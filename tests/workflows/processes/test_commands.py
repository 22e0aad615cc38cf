"""Operator commands: deploy, start, sweep, inbox."""
from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.builders import chain, definitions, process

pytestmark = pytest.mark.django_db
BPMN = Path(__file__).resolve().parents[3] / "bpmn"


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_deploy_start_inbox_sweep(office_user, schools, person):
    person("li_a", schools["A"], "liaison")
    assert "deployed: quarterly_report v1" in _run("deploy_bpmn", str(BPMN))
    assert "unchanged: quarterly_report v1" in _run("deploy_bpmn", str(BPMN))
    data = '{"reminder_at": "2030-01-01T09:00:00+08:00", "due_at": "2030-01-05T17:00:00+08:00", ' \
           '"supervise_at": "2030-01-10T17:00:00+08:00"}'
    started = _run("start_process", "quarterly_report", "--unit", "A", "--data", data, "--user", "office")
    assert "started quarterly_report v1" in started and "liaison @ 学校A" in started
    assert "填写季度报告" in _run("inbox", "li_a")
    assert "fired timers of 0 instance(s)" in _run("sweep_timers")


def test_deploy_reports_validation_errors_with_lines(tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(definitions(process("p", '<bpmn:startEvent id="s"/><bpmn:complexGateway id="cx"/>'
                                        + chain("s", "cx"))))
    with pytest.raises(CommandError, match=r"bad.bpmn:\d+ <complexGateway id='cx'>"):
        _run("deploy_bpmn", str(bad))


def test_start_refuses_bad_data():
    with pytest.raises(CommandError, match="JSON"):
        _run("start_process", "anything", "--data", "{nope")
