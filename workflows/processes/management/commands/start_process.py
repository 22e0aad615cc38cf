"""Start a process instance from the command line."""
from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workflows.org.models import Unit
from workflows.processes.errors import ServiceError
from workflows.processes.services.definitions import definition_for_start
from workflows.processes.services.instances import instance_start


class Command(BaseCommand):
    help = "Start an instance of the latest (or a given) version of a process definition."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--definition-version", dest="definition_version", type=int)
        parser.add_argument("--data", default="{}", help="start data as a JSON object")
        parser.add_argument("--unit", help="code of the unit the instance belongs to")
        parser.add_argument("--business-key", default="")
        parser.add_argument("--user", help="username of the person starting it")

    def handle(self, *args, **opts):
        try:
            data = json.loads(opts["data"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--data is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError("--data must be a JSON object")
        unit = Unit.objects.filter(code=opts["unit"]).first() if opts["unit"] else None
        if opts["unit"] and unit is None:
            raise CommandError(f"no unit with code {opts['unit']!r}")
        actor = get_user_model().objects.filter(username=opts["user"]).first() if opts["user"] else None
        try:
            definition = definition_for_start(key=opts["key"], version=opts["definition_version"])
            instance = instance_start(definition=definition, actor=actor, data=data, unit=unit,
                                      business_key=opts["business_key"])
        except ServiceError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from None
        self.stdout.write(f"started {definition.key} v{definition.version}: instance {instance.pk} ({instance.status})")
        for task in instance.human_tasks.filter(state="ready"):
            who = f"{task.candidate_role or '-'} @ {task.candidate_unit or '-'}"
            self.stdout.write(f"  task {task.pk}: {task.name} [{who}]")
