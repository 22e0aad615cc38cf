"""Property tests: any JSON a client sends is either accepted or refused with field errors, never a crash."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import simple_user_process
from tests.workflows.processes.helpers import ready, start
from workflows.processes.errors import Invalid
from workflows.processes.forms import validate_form
from workflows.processes.models import AuditAction, AuditEvent, HumanTaskState

SCHEMA = {"type": "object", "properties": {"students": {"type": "integer", "minimum": 0},
                                           "note": {"type": "string", "maxLength": 200},
                                           "ok": {"type": "boolean"}}, "required": ["students"]}
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=50) | st.sampled_from(
    ["typename", "\u0000", "\ud7ff", "𠜎" * 20, "__class__", "Ω" * 300, "‮reversed"])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=25)


@given(data=st.dictionaries(TEXT, JSON, max_size=6) | JSON)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_validation_accepts_or_names_the_fields(data):
    try:
        out = validate_form(SCHEMA, data)
    except Invalid as exc:
        assert isinstance(exc.details, dict) and exc.details
        assert all(isinstance(v, list) and v for v in exc.details.values())
    else:
        assert isinstance(out["students"], int) and out["students"] >= 0


def test_deep_and_huge_payloads_are_refused():
    deep: dict = {"students": 1}
    node = deep
    for _ in range(60):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(Invalid):
        validate_form({"type": "object"}, deep)
    with pytest.raises(Invalid):
        validate_form({"type": "object"}, {"students": 1, "blob": "x" * 1_100_000})
    with pytest.raises(Invalid):
        validate_form(SCHEMA, {"students": 1, "nested": {"typename": "Task"}})


@pytest.mark.django_db
@given(data=st.dictionaries(TEXT, JSON, max_size=5))
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_completion_service_never_crashes_and_changes_nothing_on_refusal(data, office_user):
    instance = start(simple_user_process("hostile"), actor=office_user)
    task = ready(instance)[0]
    from workflows.processes.services.human_tasks import human_task_complete

    try:
        human_task_complete(task_id=task.pk, actor=office_user, data=data)
    except Invalid:
        task.refresh_from_db()
        assert task.state == HumanTaskState.READY
        assert not AuditEvent.objects.filter(action=AuditAction.TASK_COMPLETED, task_guid=str(task.task_guid)).exists()
    else:
        task.refresh_from_db()
        assert task.state == HumanTaskState.COMPLETED
