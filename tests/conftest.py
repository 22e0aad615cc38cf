"""Shared fixtures: real database (SQLite by default, PostgreSQL when DATABASE_URL says so)."""
from __future__ import annotations

import pytest
from django.db import connection

from workflows.org.models import Membership, Unit, UnitKind


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def bureau(db):
    return Unit.objects.create(code="bureau", name="区教育体育局", kind=UnitKind.BUREAU)


@pytest.fixture
def office_user(django_user_model, bureau):
    user = django_user_model.objects.create_user("office", password="pw")
    office = Unit.objects.create(code="office", name="领导小组办公室", kind=UnitKind.OFFICE, parent=bureau)
    Membership.objects.create(user=user, unit=office, role="office_director")
    return user


@pytest.fixture
def schools(bureau):
    return {code: Unit.objects.create(code=code, name=f"学校{code}", kind=UnitKind.SCHOOL, parent=bureau)
            for code in ("A", "B")}


@pytest.fixture
def person(django_user_model):
    """Make a user holding a role in a unit: person('li', unit, 'liaison')."""
    def make(username: str, unit: Unit, role: str):
        user = django_user_model.objects.create_user(username, password="pw")
        Membership.objects.create(user=user, unit=unit, role=role)
        return user
    return make


@pytest.fixture(autouse=True)
def _celery_eager():
    """Thrown events are routed through Celery; in-process tests run those tasks inline."""
    from service.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _fresh_office_days():
    """Each process keeps the office's calendar days for a minute; a test's rollback is not an edit."""
    from workflows.plans.calendar import forget_office_days

    forget_office_days()
    yield
    forget_office_days()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
