"""Log lines carry the request id (echoed to the client) and the instance id of the engine step."""
from __future__ import annotations

import json
import logging

import pytest

from tests.builders import simple_user_process
from tests.workflows.processes.helpers import start
from workflows.logcontext import ContextFilter, JsonFormatter, instance_id

pytestmark = pytest.mark.django_db


def test_request_id_is_kept_or_made_and_returned(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123").headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline").headers["X-Request-ID"]
    assert len(made) == 32 and "\n" not in made


def test_a_log_line_names_the_instance_being_stepped(office_user):
    from workflows.processes.services.instances import instance_suspend

    instance = start(simple_user_process("logged"), actor=office_user)
    instance_suspend(instance_id=instance.pk, actor=office_user)
    record = logging.LogRecord("duban", logging.INFO, __file__, 1, "stepped", None, None)
    ContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["instance_id"] == str(instance.pk) == instance_id.get()
    assert line["message"] == "stepped" and "request_id" in line
