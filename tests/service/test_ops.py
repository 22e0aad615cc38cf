"""Health, readiness and metrics for operators."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_liveness_readiness_and_metrics(client, world):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and body["database"] and body["broker"]
    assert body["sweep_lag_seconds"] >= 0
    text = client.get("/metrics").content.decode()
    assert 'duban_tasks{state="ready"}' in text
    assert 'duban_escalations_total{level="reminder"} 1' in text
    assert "duban_timers_waiting" in text
