"""Load the demo: the Yunxi 2024 plan, its units and people (password duban-demo), an open cycle."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from workflows.org.models import Membership
from workflows.plans.services.cycles import cycle_open, quarter_open
from workflows.plans.services.seed import plan_load_file
from workflows.processes.errors import NotFound

PASSWORD = "duban-demo"
SEED = Path(__file__).resolve().parents[2] / "seed" / "yunxi-2024.json"


class Command(BaseCommand):
    help = "Load the Yunxi 2024 plan as demo data and open its first half year; safe to run twice."

    def handle(self, *args, **options):
        plan = plan_load_file(path=SEED, password=PASSWORD)
        office = Membership.objects.filter(unit__kind="office", role="office_director").select_related("user").first()
        if office and not office.user.is_staff:
            office.user.is_staff = office.user.is_superuser = True
            office.user.save(update_fields=["is_staff", "is_superuser"])
        try:
            cycle = cycle_open(cycle_id=plan.cycles.get(year=plan.year, half=1).pk)
            started = quarter_open(quarter_id=cycle.quarters.order_by("quarter").first().pk)
        except NotFound:
            self.stdout.write("deploy bpmn/ first (manage.py deploy_bpmn bpmn/) to open the demo cycle")
            started = 0
        self.stdout.write(f"{plan.title}: {plan.work_items.count()} work items, {plan.schools.count()} schools, "
                          f"{started} quarterly reports opened")
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for m in Membership.objects.select_related("user", "unit").order_by("unit__kind", "unit__code", "role"):
            self.stdout.write(f"  {m.user.username:<24} {m.get_role_display():<16} {m.unit.name}")
