"""ORM queries compiled to SQL once and run again with new values, for the few queries every step makes;
and the UPDATE and INSERT statements of a step, built once per model and sent for many rows at once.

Building a queryset and compiling it to SQL costs Django a millisecond or more for a query with
joins, row locks or subqueries: more than PostgreSQL takes to plan and run it. A step of the
engine (completing a task, firing a timer) makes the same handful of such queries with other ids,
so they are compiled once per database connection alias and replayed through Django's own
iterables: the rows come back as the models, related objects and annotations the ORM gives.

On PostgreSQL the compiled SQL is also a server-side prepared statement (``PREPARE`` once per
database connection, then ``EXECUTE`` with the slots' values): psycopg2 sends every query as text,
and PostgreSQL spent longer planning a step's joins than running them. The constants Django put in
the SQL (a state, a kind) stay literals in the prepared statement, so the planner still sees them.
While queries are logged (DEBUG, ``CaptureQueriesContext``) the plain SQL runs instead, so the log
shows the statement itself. ``DUBAN_PREPARED_STATEMENTS=0`` turns preparing off (for a pooler in
transaction mode, which cannot keep a session's prepared statements).

The queryset's shape must not depend on the values: each value fills a slot (an id, a key), never
None or a list, which would change the SQL.
"""
from __future__ import annotations

import copy
import itertools
import logging
import threading
import weakref
from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesListIterable
from django.db.transaction import TransactionManagementError

log = logging.getLogger(__name__)


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
        self._statement = _Statement(slots)

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(values) != len(self._slots) or not all(map(isinstance, values, self._slots)):
            raise TypeError(f"the query takes values of types {self._slots}, got {values!r}")
        compiled = self._compiled.get(using) or self._compile(using)
        queryset, compiler, sql, params, positions, plain = compiled
        connection = connections[using]
        if queryset.query.select_for_update and connection.features.has_select_for_update \
                and connection.get_autocommit():  # as the compiler refuses it
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        if self._statement.ready(connection, sql, params, positions):
            sql, params = self._statement.execute, values
        else:
            params = list(params)
            for position, slot in positions:
                params[position] = values[slot]
        if plain is not None:
            return _values(connection, sql, params, *plain)
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
            self._compiled[using] = (queryset, compiler, sql, tuple(params), positions,
                                     _plain_values(queryset, compiler))
            return self._compiled[using]


def _plain_values(queryset: QuerySet, compiler) -> tuple | None:
    """For a ``values_list`` query (flat or tuples): whether it is flat, the row width it reads, and the
    converters Django applies to its columns; None for any other query (models, dicts, named tuples).

    Such rows come straight from the cursor: replaying them through Django's iterable (a queryset
    clone, the converters looked up again) cost more than reading the rows.
    """
    flat = queryset._iterable_class is FlatValuesListIterable
    if not flat and queryset._iterable_class is not ValuesListIterable:
        return None
    fields = [column[0] for column in compiler.select[:compiler.col_count]]
    if compiler.has_composite_fields(fields) or queryset._prefetch_related_lookups:
        return None
    converters = list(compiler.get_converters(fields).items())
    return flat, compiler.col_count if compiler.has_extra_select else None, converters


def _values(connection, sql: str, params, flat: bool, width: int | None, converters: list) -> list:
    """The rows of a compiled ``values_list`` query, as Django's iterable gives them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if width is not None:
        rows = [row[:width] for row in rows]
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        rows = rows if flat else [tuple(row) for row in rows]
    return [row[0] for row in rows] if flat else rows


_names = itertools.count(1)


class _Statement:
    """One compiled query's server-side prepared statement, on each PostgreSQL connection that ran it.

    The statement is prepared on a connection the first time the query runs there (statements
    live as long as the session, whatever its transactions do). PostgreSQL infers the parameters'
    types from the SQL; where a slot's uses disagree (an id both compared with a column and selected
    as a value) they are declared from the slots' kinds instead. Should PostgreSQL refuse both, the
    query runs as plain SQL from then on.
    """

    _TYPES = {int: "bigint", str: "text"}

    def __init__(self, slots: tuple[type, ...]):
        self.name = f"duban_q{next(_names)}"
        self.refused = False
        self._slots = slots
        self.execute = f"EXECUTE {self.name}({', '.join(['%s'] * len(slots))})"  # with the slots' values
        self._on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # driver connections holding it

    def ready(self, connection, sql: str, params: tuple, positions: list) -> bool:
        """Is the statement prepared on this connection (preparing it now if it can be)?

        ``params`` are the compiled query's, with stand-ins in the slots (which become ``$1``…).
        """
        if self.refused or connection.vendor != "postgresql" or connection.queries_logged \
                or not getattr(settings, "DUBAN_PREPARED_STATEMENTS", True):
            return False
        connection.ensure_connection()
        if connection.connection in self._on:
            return True
        return self._prepare(connection, sql, params, positions)

    def _prepare(self, connection, sql: str, params: tuple, positions: list) -> bool:
        from psycopg2 import DatabaseError
        from psycopg2.extensions import AsIs

        slot_of = dict(positions)
        literal = [AsIs(f"${slot_of[i] + 1}") if i in slot_of else value for i, value in enumerate(params)]
        driver = connection.connection
        in_transaction = not connection.get_autocommit()
        with driver.cursor() as cursor:  # the driver's own cursor: a session's setup, not a logged query
            body = cursor.mogrify(sql, literal).decode()
            declared = ", ".join(self._TYPES[kind] for kind in self._slots)
            refusals = []
            for statement in (f"PREPARE {self.name} AS {body}", f"PREPARE {self.name} ({declared}) AS {body}"):
                try:
                    if in_transaction:  # a refusal must not abort the caller's transaction
                        cursor.execute("SAVEPOINT duban_prepare")
                    cursor.execute(statement)
                    if in_transaction:
                        cursor.execute("RELEASE SAVEPOINT duban_prepare")
                except DatabaseError as exc:
                    if in_transaction:
                        cursor.execute("ROLLBACK TO SAVEPOINT duban_prepare")
                    refusals.append(str(exc).strip())
                    continue
                self._on[driver] = True
                return True
        self.refused = True
        log.warning("query %s runs unprepared: PostgreSQL refused to prepare it (%s)", self.name, refusals[-1])
        return False


def _as_sql(compiler, using: str) -> tuple[str, list]:
    """Compile, inside a transaction if the query locks rows (Django refuses it outside one)."""
    connection = connections[using]
    if not compiler.query.select_for_update or not connection.get_autocommit():
        return compiler.as_sql()
    from django.db import transaction

    with transaction.atomic(using=using):
        return compiler.as_sql()


_UPDATES: dict[tuple, str] = {}


def save_fields(objects: list[Model], fields: tuple[str, ...]) -> None:
    """Write ``fields`` of existing rows, as ``save(update_fields=fields)`` would, without its per-row work.

    One UPDATE statement, built once from the model's fields, runs with each object's values (all
    in one round trip on PostgreSQL). ``auto_now`` fields among ``fields`` are set as ``save`` sets
    them. Nothing listens to model signals here, and none are sent.
    """
    if not objects:
        return
    model = type(objects[0])
    connection = connections[model.objects.db]
    columns = [model._meta.get_field(name) for name in fields]
    key = (model, fields, connection.alias)
    sql = _UPDATES.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _UPDATES[key] = (f"UPDATE {quote(model._meta.db_table)} SET "
                               + ", ".join(f"{quote(f.column)} = %s" for f in columns)
                               + f" WHERE {quote(model._meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(f.pre_save(obj, add=False), connection) for f in columns] + [obj.pk]
            for obj in objects]
    _run_many(connection, sql, rows)


_INSERTS: dict[tuple, tuple] = {}


def _insert_sql(model: type[Model], connection) -> tuple[list, str]:
    """The model's fields (all but the id) and its INSERT statement for one row, built once."""
    key = (model, connection.alias)
    if key not in _INSERTS:
        quote = connection.ops.quote_name
        fields = [f for f in model._meta.local_concrete_fields if f is not model._meta.pk]
        _INSERTS[key] = (fields, f"INSERT INTO {quote(model._meta.db_table)} ("
                         + ", ".join(quote(f.column) for f in fields) + ") VALUES ("
                         + ", ".join(["%s"] * len(fields)) + ")")
    return _INSERTS[key]


def _new_rows(objects: list[Model], fields: list, connection) -> list[list]:
    """Each object's values for the INSERT, as ``save`` prepares them (``auto_now_add`` set on the object)."""
    return [[f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in objects]


def insert_rows(objects: list[Model]) -> None:
    """Insert new rows whose ids nobody reads back (audit events): ``bulk_create`` without its per-call work.

    One INSERT statement, built once from the model's fields, with each object's values (on
    PostgreSQL one statement with a VALUES row per object). The objects' ids stay unset.
    """
    if not objects:
        return
    model = type(objects[0])
    connection = connections[model.objects.db]
    fields, sql = _insert_sql(model, connection)
    rows = _new_rows(objects, fields, connection)
    if connection.vendor != "postgresql" or len(rows) == 1:
        _run_many(connection, sql, rows)
        return
    from psycopg2.extras import execute_values

    with connection.cursor() as cursor, _logged(cursor, sql, rows), connection.wrap_database_errors:
        execute_values(cursor.cursor, sql.rsplit(" VALUES ", 1)[0] + " VALUES %s", rows, page_size=1000)


def insert_returning(objects: list[Model]) -> None:
    """``bulk_create`` for new rows whose ids are read back (tasks, instances, escalations).

    On PostgreSQL one INSERT statement with a VALUES row per object and ``RETURNING`` the ids, built
    once per model: Django's ``bulk_create`` spent more building it than the database spent on a
    row. The objects get their ids and count as saved, as ``bulk_create`` leaves them. Other
    databases take ``bulk_create``. No signals are sent (``bulk_create`` sends none either).
    """
    if not objects:
        return
    model = type(objects[0])
    connection = connections[model.objects.db]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    from psycopg2.extras import execute_values

    fields, sql = _insert_sql(model, connection)
    pk = model._meta.pk
    rows = _new_rows(objects, fields, connection)
    statement = (sql.rsplit(" VALUES ", 1)[0] + " VALUES %s RETURNING " + connection.ops.quote_name(pk.column))
    with connection.cursor() as cursor, _logged(cursor, sql, rows), connection.wrap_database_errors:
        ids = execute_values(cursor.cursor, statement, rows, page_size=len(rows), fetch=True)
    for obj, (value,) in zip(objects, ids, strict=True):  # PostgreSQL returns the rows in VALUES order
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias


def _run_many(connection, sql: str, rows: list[list]) -> None:
    """One statement with each row's values: in one round trip on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 1:
            from psycopg2.extras import execute_batch

            with _logged(cursor, sql, rows), connection.wrap_database_errors:  # Django's exceptions, as its cursor
                execute_batch(cursor.cursor, sql, rows, page_size=len(rows))
        else:
            cursor.executemany(sql, rows)


def _logged(cursor, sql: str, rows: list[list]):
    """Log a statement run on the driver's own cursor as Django logs its own (DEBUG, captured queries)."""
    return cursor.debug_sql(sql, rows, many=True) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
