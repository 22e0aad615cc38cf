"""Lane → role → unit: the nearest unit where someone holds the role."""
from __future__ import annotations

import pytest

from workflows.org.models import Unit, UnitKind
from workflows.org.roles import role_for_lane, unit_for_role

pytestmark = pytest.mark.django_db


def test_lane_names_map_to_roles():
    assert role_for_lane("liaison") == "liaison"
    assert role_for_lane("联络员") == "liaison"
    assert role_for_lane("Office Director") == "office_director"
    assert role_for_lane("") == ""
    assert role_for_lane("Approver") == "approver"


def test_own_unit_first_then_up_then_the_single_unit_beside(bureau, schools, person):
    office = Unit.objects.create(code="office", name="办公室", kind=UnitKind.OFFICE, parent=bureau)
    person("pr", schools["A"], "principal")
    person("dir", office, "office_director")
    person("lead", bureau, "leader")
    assert unit_for_role("principal", schools["A"]) == schools["A"]
    assert unit_for_role("office_director", schools["A"]) == office
    assert unit_for_role("leader", schools["A"]) == bureau
    assert unit_for_role("principal", schools["B"]) == schools["B"]  # nobody holds it: stays with the unit


def test_two_units_beside_holding_the_role_is_ambiguous(bureau, schools, person):
    for code in ("dept1", "dept2"):
        dept = Unit.objects.create(code=code, name=code, kind=UnitKind.DEPARTMENT, parent=bureau)
        person(f"head_{code}", dept, "department_head")
    assert unit_for_role("department_head", schools["A"]) == schools["A"]
