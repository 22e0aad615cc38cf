from django.contrib import admin

from .models import AuditEvent, Escalation, HumanTask, Incident, ProcessDefinition, ProcessInstance


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ["key", "version", "name", "dialect", "deployment"]
    search_fields = ["key", "name"]
    readonly_fields = [f.name for f in ProcessDefinition._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(admin.ModelAdmin):
    list_display = ["id", "definition", "status", "business_key", "unit", "next_timer_at", "started_at"]
    list_filter = ["status"]
    search_fields = ["business_key"]
    exclude = ["state"]
    readonly_fields = ["definition", "parent", "status", "next_timer_at", "revision", "started_by", "ended_at"]


@admin.register(HumanTask)
class HumanTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "state", "candidate_unit", "candidate_role", "assignee", "due_at"]
    list_filter = ["state", "candidate_role"]
    search_fields = ["name", "bpmn_id"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["id", "level", "target_unit", "target_role", "raised_at", "closed_at"]
    list_filter = ["level"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "instance", "bpmn_id", "raised_at", "resolved_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["at", "action", "actor", "instance_id", "task_guid"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import admin_handover  # noqa: E402,F401  (the admin ends memberships and deactivates through the services)
