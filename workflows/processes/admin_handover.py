"""The admin's ways of ending a membership and deactivating a person call the handover services.

Registered here, not in the org app: the org app does not know about tasks (imports point one way).
"""
from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model

from workflows.org.admin import MembershipAdmin
from workflows.org.models import Membership

from .services.handover import membership_end, person_deactivate


class HandoverMembershipAdmin(MembershipAdmin):
    def delete_model(self, request, obj):
        membership_end(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            membership_end(membership=membership, actor=request.user)


admin.site.unregister(Membership)
admin.site.register(Membership, HandoverMembershipAdmin)

_people = get_user_model()
_PersonAdmin = type(admin.site._registry[_people])


class HandoverPersonAdmin(_PersonAdmin):
    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            person_deactivate(user=obj, actor=request.user)


admin.site.unregister(_people)
admin.site.register(_people, HandoverPersonAdmin)
