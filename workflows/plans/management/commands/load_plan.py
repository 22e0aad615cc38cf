"""Load a plan's data file (units, people, work items, cycles)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.plans.services.seed import plan_load_file


class Command(BaseCommand):
    help = ("Load a plan from its JSON data file, adding only what is missing (office edits and ended "
            "memberships stay); safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--password", help="password for people created by this load (none: cannot log in)")

    def handle(self, *args, path: str, password: str | None, **options):
        try:
            plan = plan_load_file(path=Path(path), password=password)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot load {path}: {type(exc).__name__}: {exc}") from None
        self.stdout.write(f"loaded {plan.code}: {plan.work_items.count()} work items, {plan.schools.count()} schools, "
                          f"{plan.cycles.count()} cycles")
