"""Deploy BPMN files (a folder or single files) as process definitions."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.processes.errors import Invalid
from workflows.processes.services.definitions import definition_deploy, definition_deploy_folder


class Command(BaseCommand):
    help = "Deploy BPMN: a folder (each .bpmn with its forms/ and .dmn files) or explicit files deployed together."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="a folder, or .bpmn/.dmn/.json files deployed as one package")

    def handle(self, *args, paths: list[str], **options):
        targets = [Path(p) for p in paths]
        try:
            if len(targets) == 1 and targets[0].is_dir():
                results = definition_deploy_folder(folder=targets[0])
            else:
                results = [definition_deploy(files={p.name: p.read_bytes() for p in targets})]
        except Invalid as exc:
            lines = [exc.message] + [
                f"  {i['file']}:{i['line'] or '?'} <{i['element_type'] or 'element'} id={i['element_id']!r}> "
                f"{i['message']}" for i in exc.details.get("issues", [])]
            raise CommandError("\n".join(lines)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        for result in results:
            for definition in result.definitions:
                state = "deployed" if result.created else "unchanged"
                self.stdout.write(f"{state}: {definition.key} v{definition.version}")
            for warning in result.warnings:
                self.stdout.write(self.style.WARNING(f"warning: {warning}"))
