from django.contrib import admin

from .models import Membership, MembershipEnd, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    can_delete = False  # ending a membership hands its tasks over: the membership list does it


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "unit__name"]


@admin.register(MembershipEnd)
class MembershipEndAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "ended_at", "ended_by", "reason"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    readonly_fields = ["user", "unit", "role", "ended_at", "ended_by", "reason"]

    def has_add_permission(self, request):
        return False
