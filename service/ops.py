"""Operability: liveness, readiness (database, broker, worker heartbeat, sweep lag), Prometheus metrics."""
from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from workflows.plans.calendar_years import calendar_year_warning
from workflows.processes.heartbeat import seconds_since_sweep
from workflows.processes.models import Escalation, HumanTask, InstanceStatus, ProcessInstance


@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # a readiness probe reports, it does not raise
        return False


def _broker() -> bool:
    from service.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # a readiness probe reports, it does not raise
        return False


def _calendar_warnings() -> list[dict]:
    try:
        warning = calendar_year_warning()
    except Exception:  # a readiness probe reports, it does not raise
        return []
    return [{"code": "calendar_year_without_holidays", "year": warning.year, "message": warning.message}] \
        if warning else []


@require_GET
def ready(request):
    """503 unless the database and the broker answer; reports worker heartbeat, timer lag and calendar warnings.

    A year about to start without holidays is a warning in the detail, not a failure: every instance would
    fail together, and taking them all out of service would not bring the holidays in.
    """
    overdue = ProcessInstance.objects.filter(next_timer_at__lte=timezone.now(),
                                             status__in=[InstanceStatus.RUNNING, InstanceStatus.WAITING])
    oldest = overdue.aggregate(m=Min("next_timer_at"))["m"]
    database = _database()
    body = {
        "database": database, "broker": _broker(), "last_sweep_seconds_ago": seconds_since_sweep(),
        "sweep_lag_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0.0,
        "sweep_interval_seconds": settings.DUBAN_TIMER_SWEEP_SECONDS,
        "warnings": _calendar_warnings() if database else [],
    }
    ok = body["database"] and body["broker"]
    return JsonResponse({"status": "ok" if ok else "unavailable", **body}, status=200 if ok else 503)


@require_GET
def metrics(request):
    """Counters and gauges in the Prometheus text format."""
    lines = ["# HELP duban_instances Process instances by status.", "# TYPE duban_instances gauge"]
    for row in ProcessInstance.objects.values("status").annotate(n=Count("id")).order_by("status"):
        lines.append(f'duban_instances{{status="{row["status"]}"}} {row["n"]}')
    lines += ["# HELP duban_tasks Human tasks by state.", "# TYPE duban_tasks gauge"]
    for row in HumanTask.objects.values("state").annotate(n=Count("id")).order_by("state"):
        lines.append(f'duban_tasks{{state="{row["state"]}"}} {row["n"]}')
    lines += ["# HELP duban_escalations_total Escalations raised, by level.", "# TYPE duban_escalations_total counter"]
    for row in Escalation.objects.values("level").annotate(n=Count("id")).order_by("level"):
        lines.append(f'duban_escalations_total{{level="{row["level"]}"}} {row["n"]}')
    due = ProcessInstance.objects.filter(next_timer_at__lte=timezone.now()).count()
    waiting = ProcessInstance.objects.filter(next_timer_at__isnull=False).count()
    lines += ["# HELP duban_timers_due Instances whose earliest timer is due now.", "# TYPE duban_timers_due gauge",
              f"duban_timers_due {due}",
              "# HELP duban_timers_waiting Instances waiting on a timer.", "# TYPE duban_timers_waiting gauge",
              f"duban_timers_waiting {waiting}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8")
