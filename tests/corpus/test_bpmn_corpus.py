"""Third-party BPMN files: each deploys or is refused clearly; runnable ones run through duban.

Handled by general rules only: a second half of the corpus is kept back for acceptance.
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import override

from tests.corpus.corpus import MISSING, ROOT, Entry, entries
from workflows.processes.errors import Invalid
from workflows.processes.models import HumanTaskState, InstanceStatus, ProcessDefinition, ProcessInstance
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start
from workflows.processes.services.timers import timer_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not (ROOT / "MANIFEST.tsv").exists(), reason=MISSING)]
ALL = entries()
RUNNABLE = [e for e in ALL if e.run_result == "completed" and "gateway-answers" not in e.run_detail]
WAITING = [e for e in ALL if e.run_result.startswith("waiting:")]
MAX_STEPS = 300


def _ids(items: list[Entry]) -> list[str]:
    return [e.id.split("/", 1)[1][-70:] for e in items]


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("corpus-admin")


def _deploy(entry: Entry, admin) -> list[ProcessDefinition]:
    with override("en"):  # refusals are read in the reader's language: these tests read them in English
        return definition_deploy(files=entry.files(), actor=admin).definitions


def _drive(instance: ProcessInstance, admin, *, fire_timers: bool) -> ProcessInstance:
    """Complete every ready task with an empty form; jump the clock to each due timer if asked."""
    for _ in range(MAX_STEPS):
        instance.refresh_from_db()
        task = instance.human_tasks.filter(state=HumanTaskState.READY).order_by("id").first()
        if task is not None and instance.status != InstanceStatus.ERROR:
            human_task_complete(task_id=task.pk, actor=admin, data={})
            continue
        if fire_timers and instance.next_timer_at and instance.status == InstanceStatus.WAITING:
            moment = max(instance.next_timer_at, timezone.now()) + dt.timedelta(seconds=1)
            with time_machine.travel(moment, tick=False):
                timer_sweep()
            continue
        return instance
    return instance


@pytest.mark.parametrize("entry", ALL, ids=_ids(ALL))
def test_every_file_deploys_or_is_refused_clearly(entry: Entry, admin):
    try:
        definitions = _deploy(entry, admin)
    except Invalid as refusal:
        issues = refusal.details["issues"]
        assert issues, "a refusal must say why"
        for issue in issues:
            assert issue["message"] and "Traceback" not in issue["message"]
            assert issue["file"] in entry.files() or issue["file"] == ""
        return
    assert definitions, "a deployed file yields at least one process definition"


def _uses(entry: Entry, marker: bytes) -> bool:
    return any(marker in content for content in entry.files().values())


@pytest.mark.parametrize("entry", RUNNABLE, ids=_ids(RUNNABLE))
def test_runnable_files_complete_through_duban(entry: Entry, admin):
    if _uses(entry, b"compensateEventDefinition"):
        # duban refuses compensation (docs/decisions.md); the baseline only "completed" these
        # because the engine dropped their id-less sequence flows and ended at the start event.
        with pytest.raises(Invalid) as refusal:
            _deploy(entry, admin)
        assert any("compensation" in i["message"] and i["line"] for i in refusal.value.details["issues"])
        return
    if _uses(entry, b"print("):
        # duban refuses print() in scripts (docs/security.md): its output would reach nobody
        with pytest.raises(Invalid) as refusal:
            _deploy(entry, admin)
        assert any("print() is not available" in i["message"] and i["line"] for i in refusal.value.details["issues"])
        return
    try:
        by_key = {d.key: d for d in _deploy(entry, admin)}
    except Invalid as refusal:
        # a file past one of duban's limits (docs/security.md), such as a timer cycle faster than a minute:
        # each refusal names the limit's setting, the element and the line
        issues = refusal.details["issues"]
        assert all("(DUBAN_" in i["message"] and i["element_id"] and i["line"] for i in issues), issues
        return
    for key in entry.run_keys():
        instance = _drive(instance_start(definition=by_key[key], actor=admin), admin, fire_timers=True)
        incident = instance.incidents.filter(resolved_at__isnull=True).first()
        assert instance.status == InstanceStatus.COMPLETED, incident.message if incident else instance.status


@pytest.mark.parametrize("entry", WAITING, ids=_ids(WAITING))
def test_waiting_files_park_on_the_same_kind_of_event(entry: Entry, admin):
    expected = set(entry.run_result.removeprefix("waiting:").split(","))
    by_key = {d.key: d for d in _deploy(entry, admin)}
    for key in entry.run_keys():
        instance = _drive(instance_start(definition=by_key[key], actor=admin), admin, fire_timers=False)
        if instance.status == InstanceStatus.COMPLETED and _uses(entry, b'triggeredByEvent="true"'):
            # the main flow ended: event subprocesses that never started end with it, as in
            # Camunda and Flowable (the engine alone would wait for them forever)
            assert instance.human_tasks.filter(state=HumanTaskState.READY).count() == 0
            continue
        kinds = set(instance.subscriptions.values_list("kind", flat=True))
        if instance.next_timer_at:
            kinds.add("timer")
        assert instance.status == InstanceStatus.WAITING
        assert kinds == expected


@pytest.mark.parametrize("entry", ALL, ids=_ids(ALL))
def test_every_deployed_process_runs_without_crashing(entry: Entry, admin):
    """Whatever a file does at run time ends as a status (an incident at worst), never an exception."""
    try:
        definitions = _deploy(entry, admin)
    except Invalid:
        return
    for definition in definitions:
        instance = _drive(instance_start(definition=definition, actor=admin), admin, fire_timers=True)
        assert instance.status in {InstanceStatus.COMPLETED, InstanceStatus.WAITING, InstanceStatus.ERROR,
                                   InstanceStatus.RUNNING}
        if instance.status == InstanceStatus.ERROR:
            assert instance.incidents.filter(resolved_at__isnull=True).exclude(message="").exists()
