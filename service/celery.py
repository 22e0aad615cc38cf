"""The Celery app: worker and beat for timers, fan-out and event routing."""
import os

from celery import Celery
from celery.signals import beat_init, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")

app = Celery("duban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workflows.processes", "workflows.plans", "workflows.notifications"])


@worker_init.connect  # the worker's main process (the solo pool runs tasks there)
@worker_process_init.connect  # each process of the prefork pool
@beat_init.connect
def _tune_gc(**kwargs) -> None:
    from service.gc_tuning import tune_for_serving

    tune_for_serving()
