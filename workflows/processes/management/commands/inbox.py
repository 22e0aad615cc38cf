"""List a user's inbox: tasks assigned to them and their units' unclaimed candidate tasks."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflows.processes.selectors import inbox_for_user


class Command(BaseCommand):
    help = "Show the ready tasks a user may work on, earliest due first."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        rows = inbox_for_user(user=user)
        for task in rows:
            due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M") if task.due_at else "-"
            holder = f"claimed by {task.assignee}" if task.assignee_id else "unclaimed"
            self.stdout.write(f"{task.pk:>6}  due {due}  {task.name}  [{task.instance.definition.key} "
                              f"#{task.instance_id}, {holder}]")
        if not rows:
            self.stdout.write("inbox is empty")
