"""Compare every active instance's engine state with its rows; find messages and cycles that stopped moving."""
from __future__ import annotations

from itertools import chain

from django.core.management.base import BaseCommand, CommandError

from workflows.plans.consistency import cycle_problems
from workflows.processes.services.consistency import consistency_problems, kept_message_problems


class Command(BaseCommand):
    help = ("Report instances whose rows disagree with their engine state, instances waiting for a message "
            "already sent, and reporting cycles past their deadlines.")

    def handle(self, *args, **options):
        problems = list(chain(consistency_problems(), kept_message_problems(), cycle_problems()))
        if problems:
            raise CommandError(f"{len(problems)} inconsistencies:\n  " + "\n  ".join(problems[:100]))
        self.stdout.write("every active instance agrees with its rows; no message or cycle is stuck")
