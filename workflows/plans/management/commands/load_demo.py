"""Load the demo: the Yunxi plan moved to today's year, its people (password duban-demo), a quarter in progress."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from workflows.org.models import Membership
from workflows.plans.demo import demo_load, demo_progress
from workflows.processes.errors import NotFound

PASSWORD = "duban-demo"
SEED = Path(__file__).resolve().parents[2] / "seed" / "yunxi-2024.json"


class Command(BaseCommand):
    help = ("Load the Yunxi plan for the current reporting year with one quarter in progress "
            "(some schools reported, one late); safe to run twice.")

    def handle(self, *args, **options):
        try:
            demo = demo_load(seed=json.loads(SEED.read_text(encoding="utf-8")), password=PASSWORD)
        except NotFound:
            self.stdout.write("deploy bpmn/ first (manage.py deploy_bpmn bpmn/) to open the demo cycle")
            return
        office = Membership.objects.filter(unit__kind="office", role="office_director").select_related("user").first()
        if office and not office.user.is_staff:
            office.user.is_staff = office.user.is_superuser = True
            office.user.save(update_fields=["is_staff", "is_superuser"])
        quarter, plan = demo.quarter, demo.plan
        counts = demo_progress(quarter=quarter, now=timezone.now())
        self.stdout.write(f"{plan.title}: {plan.work_items.count()} work items, {plan.schools.count()} schools")
        self.stdout.write(f"{quarter}{' (catch-up)' if demo.catch_up else ''}: reports due "
                          f"{timezone.localtime(quarter.due_at):%Y-%m-%d %H:%M}, {counts['submitted']} submitted, "
                          f"{counts['pending']} pending ({counts['late']} late), {demo.started} opened by this run")
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for m in Membership.objects.select_related("user", "unit").order_by("unit__kind", "unit__code", "role"):
            self.stdout.write(f"  {m.user.username:<24} {m.get_role_display():<16} {m.unit.name}")
