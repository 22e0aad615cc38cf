"""PostgreSQL: 20 threads × 50 operations on shared instances; nothing lost, nothing doubled."""
from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from django.db import connections

from tests.builders import chain, definitions, process, timer_boundary, user_task
from tests.workflows.processes.helpers import start
from workflows.processes.errors import ServiceError
from workflows.processes.models import AuditAction, AuditEvent, HumanTask, HumanTaskState
from workflows.processes.services.consistency import consistency_problems
from workflows.processes.services.human_tasks import (
    human_task_claim,
    human_task_complete,
    human_task_save_draft,
)
from workflows.processes.services.instances import instance_resume, instance_suspend
from workflows.processes.services.timers import timer_sweep

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS, OPERATIONS, INSTANCES, SECTIONS = 20, 50, 8, 5
KINDS = {"complete": AuditAction.TASK_COMPLETED, "draft": AuditAction.DRAFT_SAVED,
         "suspend": AuditAction.SUSPENDED, "resume": AuditAction.RESUMED}


def _content() -> bytes:
    sections = [f"section_{i}" for i in range(SECTIONS)]
    body = '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>'
    body += "".join(user_task(s) for s in sections) + user_task("review") + timer_boundary("tick", "review", "PT0S")
    body += '<bpmn:endEvent id="after_tick"/>' + chain("start", "split")
    for s in sections:
        body += chain("split", s, "join").replace("f_", f"f_{s}_")
    # in a lane, so the tasks wait for a candidate to claim them (lane-less ones go to the starter)
    return definitions(process("stress", body + chain("join", "review") + chain("tick", "after_tick"),
                               lanes={"staff": sections}))


def test_many_threads_complete_each_task_once_and_the_trail_matches(office_user):
    instances = [start(_content(), actor=office_user) for _ in range(INSTANCES)]
    task_ids = list(HumanTask.objects.filter(state=HumanTaskState.READY).values_list("pk", flat=True))
    done: Counter = Counter()
    refused: Counter = Counter()
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(OPERATIONS):
                op = rng.choices(["complete", "claim", "draft", "suspend", "resume", "sweep"],
                                 [5, 2, 2, 1, 1, 1])[0]
                try:
                    if op == "claim":
                        human_task_claim(task_id=rng.choice(task_ids), actor=office_user)
                    elif op == "complete":
                        human_task_complete(task_id=rng.choice(task_ids), actor=office_user, data={"by": seed})
                    elif op == "draft":
                        human_task_save_draft(task_id=rng.choice(task_ids), actor=office_user, data={"d": seed})
                    elif op == "suspend":
                        instance_suspend(instance_id=rng.choice(instances).pk, actor=office_user)
                    elif op == "resume":
                        instance_resume(instance_id=rng.choice(instances).pk, actor=office_user)
                    else:
                        fired = timer_sweep()
                        with lock:
                            done["timer"] += fired
                        continue
                    with lock:
                        done[op] += 1
                except ServiceError as exc:
                    with lock:
                        refused[type(exc).__name__] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    completions = Counter(AuditEvent.objects.filter(action=AuditAction.TASK_COMPLETED).values_list("task_guid",
                                                                                                   flat=True))
    assert completions and max(completions.values()) == 1  # no task completed twice
    assert refused["Conflict"] > 0  # double submits and suspended instances were refused
    for op, action in KINDS.items():
        assert AuditEvent.objects.filter(action=action).count() == done[op], op
    assert HumanTask.objects.filter(state=HumanTaskState.COMPLETED).count() == done["complete"]
    # a claim of a task one already holds succeeds without a new event
    assert 0 < AuditEvent.objects.filter(action=AuditAction.CLAIMED).count() <= done["claim"]
    assert AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED).count() == done["timer"]
    assert list(consistency_problems()) == []
