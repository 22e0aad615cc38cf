"""Deploy BPMN packages as versioned process definitions."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.compiled import CompiledQuery
from workflows.engine import BpmnValidationError, CompiledProcess, ValidationIssue, compile_package, first_start_at
from workflows.engine.errors import gettext_noop, issue

from ..audit import audit_record
from ..errors import Conflict, Invalid, NotFound
from ..forms import check_schema
from ..issue_texts import issue_dict
from ..models import AuditAction, Deployment, DeploymentFile, ProcessDefinition, StartTrigger
from ..runtime import engine_limits

MAX_FILES = 50


@dataclass
class DeployResult:
    definitions: list[ProcessDefinition]
    created: bool
    warnings: list[ValidationIssue] = field(default_factory=list)


def package_hash(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def definition_deploy(*, files: Mapping[str, bytes], actor: AbstractBaseUser | None = None,
                      form_library: Mapping[str, bytes] | None = None) -> DeployResult:
    """Validate and store BPMN (+ DMN, + JSON Schema forms); identical bytes return the same versions.

    Forms the processes reference and the upload lacks are taken from ``form_library`` when given.
    Raises ``Invalid`` with ``details={"issues": [...]}`` (file, element id, type, line, message in the
    reader's language, and the English template and params it was made from); nothing is stored then.
    """
    if not files or len(files) > MAX_FILES:
        raise Invalid(_("upload between 1 and %(maximum)s files") % {"maximum": MAX_FILES}, {"issues": []})
    files = dict(files)
    forms, issues = _read_forms(files)
    try:
        package = compile_package({n: c for n, c in files.items() if not n.lower().endswith(".json")},
                                  engine_limits())
    except BpmnValidationError as exc:
        issues.extend(exc.issues)
        package = None
    if issues or package is None:
        raise Invalid(_("the BPMN cannot be deployed"), {"issues": [issue_dict(i) for i in issues]})
    library = {k: v for k, v in (form_library or {}).items()
               if k not in files and any(k in p.form_keys for p in package.processes)}
    if library:
        files.update(library)
        extra, extra_issues = _read_forms(library)
        if extra_issues:
            raise Invalid(_("a form schema is invalid"), {"issues": [issue_dict(i) for i in extra_issues]})
        forms.update(extra)
    sha = package_hash(files)
    existing = Deployment.objects.filter(sha256=sha).first()
    if existing is not None:
        return DeployResult(definitions=list(existing.definitions.order_by("key")), created=False)
    warnings = list(package.warnings) + _missing_forms(package.processes, forms)
    for _attempt in range(3):
        try:
            return _store(files, sha, package.processes, forms, warnings, actor)
        except IntegrityError:  # a concurrent deploy took the sha or the version number
            existing = Deployment.objects.filter(sha256=sha).first()
            if existing is not None:
                return DeployResult(definitions=list(existing.definitions.order_by("key")), created=False)
    raise Conflict(_("another deployment of the same process is in progress; try again"))


def definition_deploy_folder(*, folder: Path, actor: AbstractBaseUser | None = None) -> list[DeployResult]:
    """Deploy every BPMN file of a folder on its own, with forms from its forms/ subfolder."""
    forms_dir = folder / "forms"
    library = {p.name: p.read_bytes() for p in sorted(forms_dir.glob("*.json"))} if forms_dir.is_dir() else {}
    results = []
    for path in sorted(folder.glob("*.bpmn")):
        dmn = {p.name: p.read_bytes() for p in sorted(folder.glob("*.dmn"))}
        results.append(definition_deploy(files={path.name: path.read_bytes(), **dmn}, actor=actor,
                                         form_library=library))
    return results


def _read_forms(files: Mapping[str, bytes]) -> tuple[dict[str, dict], list[ValidationIssue]]:
    forms, issues = {}, []
    for name, content in files.items():
        if not name.lower().endswith(".json"):
            continue
        try:
            schema = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            issues.append(issue(name, gettext_noop("not valid JSON: %(detail)s"), detail=str(exc)))
            continue
        problems = check_schema(schema, name)
        issues.extend(problems)
        if not problems:
            forms[name] = schema
    return forms, issues


def _missing_forms(processes: list[CompiledProcess], forms: dict) -> list[ValidationIssue]:
    return [issue("", gettext_noop("form %(form)s used by %(process)s was not uploaded; its tasks accept any data "
                                   "until it is"), form=repr(key), process=p.key)
            for p in processes for key in p.form_keys if key not in forms]


@transaction.atomic
def _store(files, sha, processes, forms, warnings, actor) -> DeployResult:
    deployment = Deployment.objects.create(sha256=sha, deployed_by=actor)
    DeploymentFile.objects.bulk_create([
        DeploymentFile(deployment=deployment, name=name, content=content.decode("utf-8", errors="replace"))
        for name, content in files.items()
    ])
    definitions = []
    for compiled in processes:
        latest = ProcessDefinition.objects.filter(key=compiled.key).aggregate(v=Max("version"))["v"] or 0
        definition = ProcessDefinition.objects.create(
            deployment=deployment, key=compiled.key, version=latest + 1, name=compiled.name[:255],
            activated_at=timezone.now(),
            dialect=compiled.dialect, spec=compiled.spec, lanes=list(compiled.lanes), texts=compiled.texts,
            forms_json=json.dumps({**forms, **{f"inline:{k}": v for k, v in compiled.inline_forms.items()}},
                                  ensure_ascii=False),
        )
        definitions.append(definition)
        start_triggers_record(definition=definition, compiled=compiled)
        audit_record(action=AuditAction.DEPLOYED, actor=actor, definition_id=definition.pk,
                     detail={"key": definition.key, "version": definition.version, "sha256": sha})
    return DeployResult(definitions=definitions, created=True, warnings=warnings)


def start_triggers_record(*, definition: ProcessDefinition, compiled: CompiledProcess) -> None:
    """Keep a new version's start triggers; a new version is active, so its timers are scheduled."""
    StartTrigger.objects.bulk_create([StartTrigger(definition=definition, kind=t.kind, name=t.name[:255],
                                                   timer=t.timer[:255]) for t in compiled.start_triggers])
    start_triggers_activate(definition=definition)


def start_triggers_activate(*, definition: ProcessDefinition) -> None:
    """The version became the one new instances use: its timer starts count from now, the other
    versions' stop."""
    StartTrigger.objects.filter(definition__key=definition.key, kind="timer").exclude(
        definition=definition).update(next_at=None)
    now = timezone.now()
    for row in StartTrigger.objects.filter(definition=definition, kind="timer"):
        row.next_at, row.started = first_start_at(row.timer, now) if row.timer else None, 0
        row.save(update_fields=["next_at", "started"])


# Every start asks for the active version of a key: compiled once.
_ACTIVE = CompiledQuery(lambda key: ProcessDefinition.objects.filter(key=key).order_by(
    F("activated_at").desc(nulls_last=True), "-version")[:1], slots=(str,))


def definition_for_start(*, key: str, version: int | None = None) -> ProcessDefinition:
    """The given version of ``key``, else the most recently activated (a new deploy activates itself)."""
    if version:
        definition = ProcessDefinition.objects.filter(key=key, version=version).first()
    else:
        found = _ACTIVE(key) if "\x00" not in key else []  # PostgreSQL refuses NUL in text: no such key
        definition = found[0] if found else None
    if definition is None:
        raise NotFound(_("no process definition %(key)s version %(version)s") % {"key": repr(key), "version": version}
                       if version else _("no process definition %(key)s") % {"key": repr(key)})
    return definition


@transaction.atomic
def definition_activate(*, key: str, version: int, actor: AbstractBaseUser) -> ProcessDefinition:
    """Make a version the one new instances use (e.g. roll back); running instances are untouched."""
    definition = ProcessDefinition.objects.select_for_update().filter(key=key, version=version).first()
    if definition is None:
        raise NotFound(_("no process definition %(key)s version %(version)s") % {"key": repr(key), "version": version})
    definition.activated_at = timezone.now()
    definition.save(update_fields=["activated_at"])
    start_triggers_activate(definition=definition)
    audit_record(action=AuditAction.ACTIVATED, actor=actor, definition_id=definition.pk,
                 detail={"key": key, "version": version})
    return definition
