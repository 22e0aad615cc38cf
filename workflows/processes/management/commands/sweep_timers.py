"""Fire the due timers now (Celery beat does this every DUBAN_TIMER_SWEEP_SECONDS)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from workflows.processes.services.timers import timer_sweep_until_done


class Command(BaseCommand):
    help = "Fire every due timer once, batch after batch until none is due (at most --seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=300.0, help="stop after this long (default 300)")

    def handle(self, *args, **options):
        fired = timer_sweep_until_done(seconds=options["seconds"])
        self.stdout.write(f"fired timers of {fired} instance(s)")
