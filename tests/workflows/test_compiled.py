"""Queries compiled once give what the ORM gives, with the values of each call."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from tests.builders import simple_user_process
from workflows.compiled import CompiledQuery, insert_returning, insert_rows, save_fields
from workflows.org.models import Membership, Unit

pytestmark = pytest.mark.django_db

UNITS_UNDER = CompiledQuery(lambda parent_id: Unit.objects.select_related("parent").filter(parent_id=parent_id)
                            .annotate(people=Count("memberships")).order_by("code"), slots=(int,))
ROLES_OF = CompiledQuery(lambda username, unit_id: Membership.objects.filter(
    user__username=username, unit_id=unit_id).values_list("role", flat=True), slots=(str, int))
LOCKED = CompiledQuery(lambda pk: Unit.objects.select_for_update().filter(pk=pk), slots=(int,))


def test_rows_related_objects_and_annotations_follow_the_values_of_each_call(bureau, schools, person):
    person("li", schools["A"], "liaison")
    other = Unit.objects.create(code="other", name="另一局", kind="bureau")
    Unit.objects.create(code="C", name="学校C", kind="school", parent=other)
    expected = list(Unit.objects.filter(parent=bureau).annotate(people=Count("memberships")).order_by("code"))

    found = UNITS_UNDER(bureau.pk)

    assert [(u.pk, u.name, u.people) for u in found] == [(u.pk, u.name, u.people) for u in expected]
    assert [u.people for u in found] == [1, 0]
    with CaptureQueriesContext(connection) as captured:
        assert found[0].parent == bureau  # came with the row
        assert [u.code for u in UNITS_UNDER(other.pk)] == ["C"]
    assert len(captured) == 1


def test_text_values_fill_their_slots(schools, person):
    person("li", schools["A"], "liaison")
    person("pr", schools["B"], "principal")
    assert ROLES_OF("li", schools["A"].pk) == ["liaison"]
    assert ROLES_OF("pr", schools["B"].pk) == ["principal"]
    assert ROLES_OF("li", schools["B"].pk) == []
    assert ROLES_OF("nobody' OR '1'='1", schools["A"].pk) == []  # a value, never SQL


def test_value_rows_come_back_as_the_orm_gives_them_converted_trimmed_and_flat(bureau, schools):
    """JSON, binary and date-time columns pass through the database's and the fields' converters;
    a column selected only to order by is not part of a row."""
    from workflows.processes.models import ProcessDefinition, ProcessInstance
    from workflows.processes.services.definitions import definition_deploy
    from workflows.processes.services.instances import instance_start

    definition_deploy(files={"p.bpmn": simple_user_process("p")})
    definition = ProcessDefinition.objects.get(key="p")
    instance_start(definition=definition, unit=schools["A"], refs={"work_item": 3, "note": "甲"})
    instance_start(definition=definition, unit=None)

    def build(status):
        return ProcessInstance.objects.filter(status=status).extra(select={"rank": "1"}).order_by("pk") \
            .values_list("pk", "refs", "state", "started_at", "next_timer_at", "unit__name")

    rows = CompiledQuery(build, slots=(str,))
    flat = CompiledQuery(lambda status: ProcessInstance.objects.filter(status=status).order_by("pk")
                         .values_list("refs", flat=True), slots=(str,))
    statuses = set(ProcessInstance.objects.values_list("status", flat=True))
    assert statuses and any(ProcessInstance.objects.values_list("refs", flat=True))
    for status in statuses:
        expected = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in build(status)]
        found = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows(status)]
        assert found == expected and all(type(row) is tuple for row in rows(status))
        assert flat(status) == list(build(status).values_list("refs", flat=True))
        assert all(isinstance(row[1], dict) and row[3].tzinfo is not None for row in found)


def test_values_of_the_wrong_kind_are_refused(schools):
    with pytest.raises(TypeError):
        ROLES_OF(schools["A"].pk, "li")
    with pytest.raises(TypeError):
        UNITS_UNDER(None)


def _refused(query) -> bool:
    try:
        query()
    except TransactionManagementError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_a_row_lock_outside_a_transaction_is_refused_as_the_orm_refuses_it():
    unit = Unit.objects.create(code="u", name="单位", kind="bureau")
    with transaction.atomic():
        assert LOCKED(unit.pk) == [unit]
    orm = _refused(lambda: list(Unit.objects.select_for_update().filter(pk=unit.pk)))
    assert _refused(lambda: LOCKED(unit.pk)) == orm
    assert orm == connection.features.has_select_for_update  # PostgreSQL refuses; SQLite has no row locks


def test_a_slot_that_does_not_reach_the_sql_is_a_programming_error(schools):
    broken = CompiledQuery(lambda unit_id: Unit.objects.all(), slots=(int,))
    with pytest.raises(ValueError, match="slots"):
        broken(schools["A"].pk)


def test_save_fields_writes_only_the_named_fields_of_each_row_and_shows_in_the_query_log(bureau, schools):
    a, b = schools["A"], schools["B"]
    a.name, b.name, a.code = "甲校", "乙校", "changed-but-not-saved"
    with CaptureQueriesContext(connection) as captured:
        save_fields([a, b], ("name",))
    assert [u.name for u in Unit.objects.filter(pk__in=[a.pk, b.pk]).order_by("pk")] == ["甲校", "乙校"]
    assert Unit.objects.get(pk=a.pk).code == "A"
    assert any("UPDATE" in q["sql"] and "org_unit" in q["sql"] for q in captured.captured_queries)


def test_insert_rows_inserts_every_object_and_shows_in_the_query_log(bureau, django_user_model):
    people = [django_user_model.objects.create(username=f"p{i}") for i in range(3)]
    rows = [Membership(user=person, unit=bureau, role="staff") for person in people]
    with CaptureQueriesContext(connection) as captured:
        insert_rows(rows)
    assert sorted(Membership.objects.filter(unit=bureau).values_list("user__username", flat=True)) == [
        "p0", "p1", "p2"]
    assert any("INSERT" in q["sql"] and "org_membership" in q["sql"] for q in captured.captured_queries)


def test_insert_returning_gives_each_object_its_row_id_in_order(bureau, django_user_model):
    people = [django_user_model.objects.create(username=f"q{i}") for i in range(3)]
    rows = [Membership(user=person, unit=bureau, role=role) for person, role in zip(people, "abc", strict=True)]
    with CaptureQueriesContext(connection) as captured:
        insert_returning(rows)
    assert all(row.pk and not row._state.adding and row._state.db == "default" for row in rows)
    assert [Membership.objects.get(pk=row.pk).role for row in rows] == ["a", "b", "c"]
    assert any("INSERT" in q["sql"] and "org_membership" in q["sql"] for q in captured.captured_queries)
    one = Membership(user=people[0], unit=bureau, role="d")
    insert_returning([one])
    assert Membership.objects.get(pk=one.pk).role == "d"


def test_a_constraint_broken_by_a_bulk_write_raises_djangos_integrity_error(bureau, schools):
    """Callers catch django.db.IntegrityError (a chunk meeting rows written elsewhere): not the driver's own."""
    for write in (lambda: insert_returning([Unit(code="A", name="重复", kind="school", parent=bureau)]),
                  lambda: insert_rows([Unit(code="B", name="重复", kind="school", parent=bureau),
                                       Unit(code="new", name="新", kind="school", parent=bureau)]),
                  lambda: save_fields([Unit(pk=schools["A"].pk, code="B"), Unit(pk=schools["B"].pk, code="x")],
                                      ("code",))):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()
    assert sorted(Unit.objects.filter(parent=bureau).values_list("code", flat=True)) == ["A", "B"]
