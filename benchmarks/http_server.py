"""Shared by the HTTP benchmarks: people with open tasks, and gunicorn serving the benchmark's database.

The harness opens no transaction (Django's autocommit), so whatever a benchmark writes before starting the
server is committed and the server's worker processes see it. The server runs with DEBUG off, a random secret
key, the embedded Celery broker in the benchmark's own var directory (nothing consumes it; the requests measured
here enqueue nothing, and anything enqueued would be a row written to that file, never a wait for a worker) and
no email.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.harness import ROOT, database_url, stop_process, token_for

# The inbox's first page as benchmarks.inbox reads it: ready tasks, soonest due first, 20 rows.
INBOX_URL = "/api/tasks/?ordering=due_at&state=ready&page_size=20"
COMPLETE_URL = "/api/tasks/{}/complete/"
STARTUP_SECONDS = 30


def one_task_definition(key: str):
    """A deployed process with one user task in the liaison lane (start, fill in, end)."""
    from tests.builders import simple_user_process
    from workflows.processes.services.definitions import definition_deploy

    files = {f"{key}.bpmn": simple_user_process(key, lane="liaison")}
    return definition_deploy(files=files).definitions[0]


def liaisons_of_schools(prefix: str, count: int) -> list:
    """``count`` schools under one bureau, each with one liaison: [(school, liaison), ...]."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit

    bureau = Unit.objects.create(code=f"{prefix}-bureau", name=f"{prefix} 局", kind="bureau")
    schools = Unit.objects.bulk_create([Unit(code=f"{prefix}-s{i:04d}", name=f"{prefix} 学校{i}", kind="school",
                                             parent=bureau) for i in range(count)])
    users = get_user_model()
    people = users.objects.bulk_create([users(username=f"{prefix}-liaison{i:04d}") for i in range(count)])
    Membership.objects.bulk_create([Membership(user=p, unit=s, role="liaison") for s, p in zip(schools, people,
                                                                                                strict=True)])
    return list(zip(schools, people, strict=True))


def staff_with_tasks(*, prefix: str, people: int, tasks_each: int) -> list[tuple[object, str]]:
    """``people`` liaisons, one school each, each a candidate for ``tasks_each`` open tasks: [(user, token)].

    One instance is started through the service; the others are bulk-written copies of its engine state and
    its task row (only the school and the due date differ), so each completes like the original.
    """
    from django.utils import timezone

    from workflows.processes.models import HumanTask, ProcessInstance
    from workflows.processes.services.instances import instance_start

    rng = random.Random(11)
    definition = one_task_definition(f"{prefix}_task")
    staff = liaisons_of_schools(prefix, people)
    template = instance_start(definition=definition, unit=staff[0][0])
    task = template.human_tasks.get()
    instances = ProcessInstance.objects.bulk_create([
        ProcessInstance(definition=definition, status=template.status, state=template.state,
                        revision=template.revision, unit=school)
        for n, (school, _) in enumerate(staff) for _copy in range(tasks_each - (n == 0))], batch_size=2000)
    now = timezone.now()
    HumanTask.objects.bulk_create([
        HumanTask(instance=instance, task_guid=task.task_guid, bpmn_id=task.bpmn_id, name=task.name, lane=task.lane,
                  candidate_role=task.candidate_role, candidate_unit=instance.unit, form_key=task.form_key,
                  due_at=now + dt.timedelta(days=rng.randint(-10, 30))) for instance in instances], batch_size=2000)
    return [(user, token_for(user)) for _, user in staff]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment() -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="service.settings",
               DUBAN_DEBUG="0", DUBAN_ALLOWED_HOSTS="127.0.0.1",
               DUBAN_SECRET_KEY=os.environ.get("DUBAN_SECRET_KEY") or secrets.token_urlsafe(50),
               DUBAN_CELERY_EAGER="0", DUBAN_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
               DUBAN_LOG_LEVEL="WARNING")
    env.pop("CELERY_BROKER_URL", None)  # the embedded broker under the harness's DUBAN_VAR_DIR
    return env


def wait_until_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if Client(port).call("GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[int]:
    """gunicorn (sync workers) on 127.0.0.1 serving the benchmark's database; yields the port."""
    port = free_port()
    log = Path(os.environ["DUBAN_VAR_DIR"]) / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "service.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--graceful-timeout", "5", "--no-control-socket"]  # no socket shared with other servers
    with log.open("ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=server_environment(), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(port, server, log)
        yield port
    finally:
        stop_process(server)
        report_server_errors(log)


def report_server_errors(log: Path) -> None:
    """Print how many error lines the server logged (500s, tracebacks, worker timeouts), and the first."""
    marks = ("Traceback", " ERROR ", "[ERROR]", "[CRITICAL]")
    problems = [row for row in log.read_text(errors="replace").splitlines() if any(m in row for m in marks)]
    if problems:
        print(f"  the server logged {len(problems)} error lines, the first: {problems[0]}")


class Client:
    """One HTTP/1.1 connection to the server (reopened when the server closes it), with a token."""

    def __init__(self, port: int, token: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None, float]:
        """(status, JSON body or None, wall time in ms from sending the request to the last byte read)."""
        payload = None if body is None else json.dumps(body).encode()
        began = time.perf_counter()
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(raw) if raw and kind.startswith("application/json") else None, elapsed

    def expect(self, status: int, method: str, path: str, body: dict | None = None) -> tuple[dict | None, float]:
        code, data, elapsed = self.call(method, path, body)
        if code != status:
            raise RuntimeError(f"{method} {path} answered {code} (expected {status}): {data}")
        return data, elapsed


def read_interleaved(reads: dict, samples: int, warmup: int) -> dict[object, list[float]]:
    """GET each of ``reads`` ({key: (client, path)}) round by round, so the machine's noise hits all
    alike; the wall times of the rounds after ``warmup``, per key. Anything but a 200 stops the run."""
    times: dict[object, list[float]] = {key: [] for key in reads}
    for round_ in range(warmup + samples):
        for key, (client, path) in reads.items():
            status, _body, elapsed = client.call("GET", path)
            if status != 200:
                raise RuntimeError(f"{path} for {key} answered {status}")
            if round_ >= warmup:
                times[key].append(elapsed)
    return times
