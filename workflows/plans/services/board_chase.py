"""The office chases the late schools of the board at once: the ones ticked, or every one the list's
filters match; a long list is chased by the workers in batches, the page answering at once."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.org.roles import is_office
from workflows.processes.errors import Forbidden, Invalid
from workflows.processes.services.escalations import escalations_chase

from ..board import BoardQuery, board_filtered

CHASE_NOW = 50  # chased inside the request; more go to the workers
BATCH = 200


@dataclass(frozen=True)
class BoardChase:
    escalations: int
    in_background: bool
    told: int = 0


def board_chase(*, actor: AbstractBaseUser, query: BoardQuery, chosen: list[int] | None = None) -> BoardChase:
    """Chase the chosen escalations (of those the query matches), or all the query matches."""
    from workflows.processes.tasks import chase_escalations

    if not is_office(actor):
        raise Forbidden(_("only the office chases many schools at once"))
    rows = board_filtered(actor, query)
    if chosen is not None:
        rows = rows.filter(pk__in=chosen)
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        raise Invalid(_("No late school to chase."), {"escalation": [_("Choose at least one entry.")]})
    if len(ids) <= CHASE_NOW:
        done = escalations_chase(escalation_ids=ids, actor=actor)
        return BoardChase(escalations=done.chased, in_background=False, told=done.told)
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        transaction.on_commit(lambda batch=batch: chase_escalations.delay(batch, actor.pk))
    return BoardChase(escalations=len(ids), in_background=True)
