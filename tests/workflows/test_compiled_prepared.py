"""On PostgreSQL compiled queries run as server-side prepared statements, and stay correct when they cannot."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Value
from django.test.utils import CaptureQueriesContext

from workflows.compiled import CompiledQuery
from workflows.org.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _units_under():
    return CompiledQuery(lambda parent_id: Unit.objects.filter(parent_id=parent_id, kind="school")
                         .annotate(people=Count("memberships")).order_by("code"), slots=(int,))


def _prepared(query: CompiledQuery) -> str | None:
    """The statement text PostgreSQL holds under the query's name on this session, if any."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [query._statement.name])
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_compiled_query_is_prepared_once_and_answers_each_call_with_its_values(bureau, schools):
    other = Unit.objects.create(code="other", name="另一局", kind="bureau")
    Unit.objects.create(code="C", name="学校C", kind="school", parent=other)
    query = _units_under()

    assert [u.code for u in query(bureau.pk)] == ["A", "B"]
    statement = _prepared(query)
    assert statement is not None and '"org_unit"."parent_id" = $1' in statement
    assert "'school'" in statement, "constants stay literals, so the planner sees them"
    assert [u.code for u in query(other.pk)] == ["C"]
    assert query(-1) == []
    assert _prepared(query) == statement


def test_the_query_log_shows_the_plain_sql_not_the_prepared_statement(bureau, schools):
    query = _units_under()
    with CaptureQueriesContext(connection) as captured:
        assert len(query(bureau.pk)) == 2
    assert len(captured) == 1 and 'FROM "org_unit"' in captured[0]["sql"]
    assert _prepared(query) is None, "nothing is prepared while queries are logged"


def test_a_statement_outlives_a_rolled_back_transaction(bureau, schools):
    query = _units_under()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert len(query(bureau.pk)) == 2  # prepared inside the transaction
        raise RuntimeError("roll back")
    assert _prepared(query) is not None
    assert [u.code for u in query(bureau.pk)] == ["A", "B"]


def test_a_slot_whose_uses_disagree_on_its_type_is_prepared_with_the_slots_kinds(bureau, schools):
    # The id is compared with a column (an integer) and selected as a value (text, to PostgreSQL).
    query = CompiledQuery(lambda parent_id: Unit.objects.filter(parent_id=parent_id).annotate(
        asked=Value(parent_id, output_field=IntegerField())).order_by("code"), slots=(int,))
    with transaction.atomic():
        assert [(u.code, u.asked) for u in query(bureau.pk)] == [("A", bureau.pk), ("B", bureau.pk)]
    assert "$1" in _prepared(query)
    assert not query._statement.refused


def test_a_query_postgresql_refuses_to_prepare_runs_as_plain_sql_and_the_transaction_goes_on(bureau, schools):
    # The text slot is selected and compared with an integer column: no type fits both uses.
    query = CompiledQuery(lambda code: Unit.objects.filter(parent=bureau).extra(
        select={"echo": "%s"}, select_params=[code], where=['"org_unit"."id" <> %s'], params=[code]),
        slots=(str,))
    with transaction.atomic():
        assert sorted((u.code, u.echo) for u in query("-1")) == [("A", "-1"), ("B", "-1")]
        assert Unit.objects.filter(parent=bureau).count() == 2  # the transaction was not aborted
    assert query._statement.refused and _prepared(query) is None
    assert sorted(u.code for u in query("-2")) == ["A", "B"]


def test_preparing_can_be_turned_off(bureau, schools, settings):
    settings.DUBAN_PREPARED_STATEMENTS = False
    query = _units_under()
    assert len(query(bureau.pk)) == 2
    assert _prepared(query) is None


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statement_again():
    bureau = Unit.objects.create(code="b", name="局", kind="bureau")
    Unit.objects.create(code="s", name="学校", kind="school", parent=bureau)
    query = _units_under()
    assert len(query(bureau.pk)) == 1 and _prepared(query) is not None
    connection.close()
    assert _prepared(query) is None  # a new session holds nothing
    assert len(query(bureau.pk)) == 1 and _prepared(query) is not None
