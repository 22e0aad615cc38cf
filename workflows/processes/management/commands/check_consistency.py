"""Compare every active instance's engine state with its task rows and next timer."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from workflows.processes.services.consistency import consistency_problems


class Command(BaseCommand):
    help = "Report instances whose projection rows disagree with the engine state they store."

    def handle(self, *args, **options):
        problems = list(consistency_problems())
        if problems:
            raise CommandError(f"{len(problems)} inconsistencies:\n  " + "\n  ".join(problems[:100]))
        self.stdout.write("every active instance agrees with its rows")
