"""Run one timer sweep now (Celery beat does this every DUBAN_TIMER_SWEEP_SECONDS)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from workflows.processes.services.timers import timer_sweep


class Command(BaseCommand):
    help = "Fire every due timer once."

    def handle(self, *args, **options):
        self.stdout.write(f"fired timers of {timer_sweep()} instance(s)")
