"""Units and people from the office's XLSX: read, checked row by row, previewed, then saved at once.

The workbook has two sheets, read by position: units (code, name, kind, parent unit's code) and people
(login name, name, unit code, role, email, initial password), a header row first. A kind or a role
may be written as its code or its name in either language (学校 / School / school). Units are keyed
by code and people by login name, so importing the same file again updates instead of duplicating;
a row that changes nothing is reported as unchanged. Any row with a problem stops the whole import.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Membership, Role, Unit, UnitKind

MAX_ROWS = 20_000
UNIT_COLUMNS, PEOPLE_COLUMNS = 4, 6
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"


class WorkbookError(ValueError):
    """The file is not a workbook this import can read (not XLSX, a sheet missing, too many rows)."""


@dataclass
class Row:
    line: int  # the row's number in its sheet, as the spreadsheet shows it
    key: str  # the unit's code or the person's login name
    values: dict
    action: str = NEW
    problems: list[str] = field(default_factory=list)


@dataclass
class Preview:
    units: list[Row]
    people: list[Row]

    @property
    def problems(self) -> int:
        return sum(1 for row in [*self.units, *self.people] if row.problems)

    def count(self, action: str) -> int:
        return sum(1 for row in [*self.units, *self.people] if row.action == action)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def sheets(self) -> list[tuple[str, list[Row]]]:
        """Each sheet's rows under its name in the reader's language, rows with problems first."""
        return [(_("Units"), sorted(self.units, key=lambda row: not row.problems)),
                (_("People"), sorted(self.people, key=lambda row: not row.problems))]


def _choices(enum) -> dict[str, str]:
    """Each choice by its code and by its name in either language, folded to lower case."""
    found = {}
    for value, label in enum.choices:
        found[value.lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(label).strip().lower()] = value
    return found


def read_workbook(content: bytes) -> tuple[list[list], list[list]]:
    """The two sheets' data rows (header rows left out), as lists of cell values."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if len(book.worksheets) < 2:
            raise WorkbookError(_("The workbook needs two sheets: units, then people."))
        sheets = [[list(row) for row in sheet.iter_rows(min_row=2, values_only=True, max_row=MAX_ROWS + 2)]
                  for sheet in book.worksheets[:2]]
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:  # defusedxml's refusals too
        raise WorkbookError(_("The file is not an XLSX workbook.")) from exc
    if any(len(rows) > MAX_ROWS for rows in sheets):
        raise WorkbookError(_("A sheet may hold at most %(count)s rows.") % {"count": MAX_ROWS})
    return sheets[0], sheets[1]


def _text(cells: list, index: int) -> str:
    value = cells[index] if index < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number
    return str(value).strip()


def preview(content: bytes) -> Preview:
    """Every row checked against the database and the rest of the file; nothing is saved."""
    unit_cells, people_cells = read_workbook(content)
    units = _unit_rows(unit_cells)
    valid_codes = {row.key for row in units if not row.problems}
    return Preview(units=units, people=_people_rows(people_cells, valid_codes))


def _filled(cells: list) -> bool:
    return any(value not in (None, "") for value in cells)


def _unit_rows(sheet: list[list]) -> list[Row]:
    kinds, rows, seen = _choices(UnitKind), [], set()
    existing = {u.code: u for u in Unit.objects.filter(code__in=[_text(c, 0) for c in sheet])}
    codes_in_file = {_text(c, 0) for c in sheet}
    for number, cells in enumerate(sheet, start=2):
        if not _filled(cells):
            continue
        code, name, kind_text, parent = (_text(cells, i) for i in range(UNIT_COLUMNS))
        row = Row(line=number, key=code, values={"code": code, "name": name, "kind": kinds.get(kind_text.lower()),
                                                "parent": parent})
        row.problems = _unit_problems(row, kind_text, seen, codes_in_file)
        seen.add(code)
        row.action = ERROR if row.problems else _unit_action(row.values, existing.get(code))
        rows.append(row)
    return rows


def _unit_problems(row: Row, kind_text: str, seen: set, codes_in_file: set) -> list[str]:
    values, problems = row.values, []
    if not CODE.match(values["code"]):
        problems.append(_("The code must be 1 to 64 letters, digits, dots, hyphens or underscores."))
    elif values["code"] in seen:
        problems.append(_("This code is on an earlier row too."))
    if not values["name"] or len(values["name"]) > 200:
        problems.append(_("Give the unit's name (at most 200 characters)."))
    if values["kind"] is None:
        problems.append(_("Unknown kind %(kind)s.") % {"kind": kind_text or "—"})
    if values["parent"] == values["code"]:
        problems.append(_("A unit cannot be its own parent."))
    elif values["parent"] and values["parent"] not in codes_in_file and \
            not Unit.objects.filter(code=values["parent"]).exists():
        problems.append(_("No unit has the code %(code)s.") % {"code": values["parent"]})
    return problems


def _unit_action(values: dict, unit: Unit | None) -> str:
    if unit is None:
        return NEW
    parent = unit.parent.code if unit.parent_id else ""
    same = (unit.name, unit.kind, parent) == (values["name"], values["kind"], values["parent"] or parent)
    return UNCHANGED if same else UPDATE


def _people_rows(sheet: list[list], valid_codes: set[str]) -> list[Row]:
    roles, rows, seen = _choices(Role), [], set()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[_text(c, 0) for c in sheet])}
    known_units = valid_codes | set(Unit.objects.filter(code__in=[_text(c, 2) for c in sheet])
                                    .values_list("code", flat=True))
    for number, cells in enumerate(sheet, start=2):
        if not _filled(cells):
            continue
        username, name, unit, role_text, email, password = (_text(cells, i) for i in range(PEOPLE_COLUMNS))
        row = Row(line=number, key=username, values={"username": username, "name": name, "unit": unit,
                                                    "role": roles.get(role_text.lower()), "email": email,
                                                    "password": password})
        row.problems = _person_problems(row, role_text, known_units, seen)
        seen.add((username, unit, row.values["role"]))
        row.action = ERROR if row.problems else _person_action(row.values, users.get(username))
        rows.append(row)
    return rows


def _person_problems(row: Row, role_text: str, known_units: set, seen: set) -> list[str]:
    values, problems = row.values, []
    try:
        UnicodeUsernameValidator()(values["username"])
        if not values["username"] or len(values["username"]) > 150:
            raise ValidationError("length")
    except ValidationError:
        problems.append(_("The login name must be 1 to 150 letters, digits or @.+-_ characters."))
    if len(values["name"]) > 150:
        problems.append(_("The name may have at most 150 characters."))
    if values["unit"] not in known_units:
        problems.append(_("No unit has the code %(code)s.") % {"code": values["unit"] or "—"})
    if values["role"] is None:
        problems.append(_("Unknown role %(role)s.") % {"role": role_text or "—"})
    elif (values["username"], values["unit"], values["role"]) in seen:
        problems.append(_("This person has this role in this unit on an earlier row too."))
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(_("%(email)s is not an email address.") % {"email": values["email"]})
    if values["password"] and len(values["password"]) < 8:
        problems.append(_("An initial password needs at least 8 characters."))
    return problems


def _person_action(values: dict, user) -> str:
    if user is None:
        return NEW
    holds = Membership.objects.filter(user=user, unit__code=values["unit"], role=values["role"]).exists()
    same = (user.first_name, user.email) == (values["name"] or user.first_name, values["email"] or user.email)
    return UNCHANGED if holds and same else UPDATE


def password_hashes(result: Preview, *, known: dict[str, str] | None = None,
                    hashed: Callable[[int, int], None] = lambda done, of: None) -> dict[str, str]:
    """The initial passwords of the file's new people, hashed (those in ``known`` kept): the slow part of
    an import (each as slow as a sign-in's check, by design), so a worker does it before the import's
    transaction and its page can follow; ``hashed`` is told after each, with how many there are."""
    first: dict[str, Row] = {}
    for row in result.people:
        first.setdefault(row.key, row)  # a person on several rows is created by the first
    new = {username: row.values["password"] for username, row in first.items()
           if row.action == NEW and row.values["password"]}
    out: dict[str, str] = {}
    hashed(0, len(new))
    for done, (username, password) in enumerate(new.items(), start=1):
        out[username] = (known or {}).get(username) or make_password(password)
        hashed(done, len(new))
    return out


@transaction.atomic
def apply(content: bytes, *, passwords: dict[str, str] | None = None) -> Preview:
    """Save a file whose preview has no problem: units (parents after all exist), then people and their
    roles; ``passwords`` holds new people's initial passwords already hashed (``password_hashes``).
    Raises ValueError if a row has a problem (the caller shows the preview instead)."""
    result = preview(content)
    if result.problems:
        raise ValueError("the import has problems")
    passwords = password_hashes(result, known=passwords)  # any new since the caller hashed them
    units = {row.key: _save_unit(row.values) for row in result.units if row.action != UNCHANGED}
    for row in result.units:
        if row.values["parent"] and row.action != UNCHANGED:
            units[row.key].parent = Unit.objects.get(code=row.values["parent"])
            units[row.key].save(update_fields=["parent"])
    for row in result.people:
        if row.action != UNCHANGED:
            _save_person(row.values, passwords.get(row.key))
    return result


def _save_unit(values: dict) -> Unit:
    unit, created = Unit.objects.get_or_create(code=values["code"], defaults={"name": values["name"],
                                                                             "kind": values["kind"]})
    if not created and (unit.name, unit.kind) != (values["name"], values["kind"]):
        unit.name, unit.kind = values["name"], values["kind"]
        unit.save(update_fields=["name", "kind"])
    return unit


def _save_person(values: dict, hashed_password: str | None) -> None:
    users = get_user_model()
    user = users.objects.filter(username=values["username"]).first()
    if user is None:
        user = users(username=values["username"], first_name=values["name"], email=values["email"])
        if hashed_password:
            user.password = hashed_password
        else:
            user.set_unusable_password()
        user.save()
    elif (values["name"] and user.first_name != values["name"]) or (values["email"] and user.email != values["email"]):
        user.first_name, user.email = values["name"] or user.first_name, values["email"] or user.email
        user.save(update_fields=["first_name", "email"])
    Membership.objects.get_or_create(user=user, unit=Unit.objects.get(code=values["unit"]), role=values["role"])


def template_workbook() -> bytes:
    """The workbook the page offers: the two sheets with their header rows in the reader's language,
    and a third sheet naming the kinds and roles the import understands."""
    from openpyxl import Workbook

    book = Workbook()
    units = book.active
    units.title = _("Units")
    units.append([_("Code"), _("Name"), _("Kind"), _("Parent unit's code")])
    people = book.create_sheet(_("People"))
    people.append([_("Login name"), _("Name"), _("Unit code"), _("Role"), _("Email"), _("Initial password")])
    legend = book.create_sheet(_("Kinds and roles"))
    legend.append([_("Kind"), _("Role")])
    kinds, roles = [str(label) for _v, label in UnitKind.choices], [str(label) for _v, label in Role.choices]
    for index in range(max(len(kinds), len(roles))):
        legend.append([kinds[index] if index < len(kinds) else "", roles[index] if index < len(roles) else ""])
    for sheet in (units, people, legend):
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
