"""Run a half year of a plan on a simulated clock and write the summaries and the bulletin."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.plans.documents.summary_xlsx import render_summary_xlsx
from workflows.plans.models import Plan
from workflows.plans.simulation import Script, simulate
from workflows.plans.summary import quarterly_summary


class Command(BaseCommand):
    help = ("Simulate a half year (some schools on time, some late, one missing, one report returned, one "
            "extension granted), print the summaries and write XLSX and DOCX files.")

    def add_arguments(self, parser):
        parser.add_argument("plan", help="plan code")
        parser.add_argument("--year", type=int)
        parser.add_argument("--half", type=int, default=1, choices=[1, 2])
        parser.add_argument("--out", default="var/simulation")

    def handle(self, *args, **opts):
        plan = Plan.objects.filter(code=opts["plan"]).first()
        if plan is None:
            raise CommandError(f"no plan {opts['plan']!r}; load it with load_plan first")
        codes = list(plan.schools.order_by("code").values_list("code", flat=True))
        if len(codes) < 5:
            raise CommandError("the simulation needs at least five schools")
        if plan.cycles.filter(year=opts["year"] or plan.year, half=opts["half"], instance__isnull=False).exists():
            raise CommandError("this half year has already run; load a fresh database to simulate again")
        script = Script(late={codes[1], codes[2]}, missing={codes[3]}, returned={codes[0]}, extension_school=codes[4])
        result = simulate(plan=plan, year=opts["year"] or plan.year, half=opts["half"], script=script,
                          say=self.stdout.write)
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        for quarter in result.cycle.quarters.order_by("quarter"):
            table = quarterly_summary(quarter=quarter)
            self.stdout.write(f"{table.period}: {table.counts}; not reported: {', '.join(table.not_reported) or '-'}")
            (out / f"summary-Q{quarter.quarter}.xlsx").write_bytes(render_summary_xlsx(table))
        bulletin = result.cycle.bulletin
        (out / "bulletin.docx").write_bytes(bytes(bulletin.docx))
        self.stdout.write(f"bulletin {bulletin.document_number}: late {bulletin.late_units}, "
                          f"missing {bulletin.missing_units}")
        self.stdout.write(f"files written to {out}/")
