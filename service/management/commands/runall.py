"""Run web, Celery worker and Celery beat together (the embedded `make run`)."""
from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start a Celery worker with beat in the background, then the web server; stop both on exit."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        worker = subprocess.Popen([
            sys.executable, "-m", "celery", "-A", "service", "worker", "--beat", "--loglevel", "INFO",
            "--concurrency", "1", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ])
        self.stdout.write(f"Celery worker + beat started (pid {worker.pid}), broker {settings.CELERY_BROKER_URL}")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
