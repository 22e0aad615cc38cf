"""ORM queries compiled to SQL once and run again with new values, for the few queries every step makes.

Building a queryset and compiling it to SQL costs Django a millisecond or more for a query with
joins, row locks or subqueries: more than PostgreSQL takes to plan and run it. A step of the
engine (completing a task, firing a timer) makes the same handful of such queries with other ids,
so they are compiled once per database connection alias and replayed through Django's own
iterables: the rows come back as the models, related objects and annotations the ORM gives.

The queryset's shape must not depend on the values: each value fills a slot (an id, a key), never
None or a list, which would change the SQL.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError


def _sentinel(kind: type, slot: int) -> int | str:
    """The stand-in value slot ``slot`` is built with: no real id or key looks like it."""
    return -7_000_000_000 - slot if kind is int else f"\x00compiled-slot-{slot}\x00"


class CompiledQuery:
    """``CompiledQuery(lambda a, b: Model.objects.filter(x=a, y=b), slots=(int, int))``; ``query(1, 2)``
    is its rows as a list (models, or what ``values_list`` gives)."""

    def __init__(self, build: Callable[..., QuerySet], slots: tuple[type, ...]):
        if any(kind not in (int, str) for kind in slots):
            raise TypeError("slots are int or str")
        self._build = build
        self._slots = slots
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(values) != len(self._slots) or not all(map(isinstance, values, self._slots)):
            raise TypeError(f"the query takes values of types {self._slots}, got {values!r}")
        compiled = self._compiled.get(using) or self._compile(using)
        queryset, compiler, sql, params, positions = compiled
        params = list(params)
        for position, slot in positions:
            params[position] = values[slot]
        connection = connections[using]
        if queryset.query.select_for_update and connection.features.has_select_for_update \
                and connection.get_autocommit():  # as the compiler refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        replay = copy.copy(compiler)  # the compiled select list and related-object map, shared read-only
        replay.connection = connection
        replay.as_sql = lambda *args, **kwargs: (sql, params)
        clone = queryset._chain()
        clone.query.get_compiler = lambda *args, **kwargs: replay
        return list(clone)

    def _compile(self, using: str) -> tuple:
        with self._lock:
            if using in self._compiled:
                return self._compiled[using]
            sentinels = [_sentinel(kind, slot) for slot, kind in enumerate(self._slots)]
            queryset = self._build(*sentinels).using(using)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = _as_sql(compiler, using)
            positions = [(position, sentinels.index(value)) for position, value in enumerate(params)
                         if isinstance(value, int | str) and value in sentinels]
            missing = set(range(len(self._slots))) - {slot for _, slot in positions}
            if missing:
                raise ValueError(f"slots {sorted(missing)} do not reach the SQL as parameters")
            self._compiled[using] = (queryset, compiler, sql, tuple(params), positions)
            return self._compiled[using]


def _as_sql(compiler, using: str) -> tuple[str, list]:
    """Compile, inside a transaction if the query locks rows (Django refuses it outside one)."""
    connection = connections[using]
    if not compiler.query.select_for_update or not connection.get_autocommit():
        return compiler.as_sql()
    from django.db import transaction

    with transaction.atomic(using=using):
        return compiler.as_sql()
