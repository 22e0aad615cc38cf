"""The Celery app: worker and beat for timers, fan-out and event routing."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")

app = Celery("duban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["workflows.processes", "workflows.plans"])
