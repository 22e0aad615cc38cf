"""Units (bureau, departments, schools...) in a hierarchy, and people's roles in them."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    LEADING_GROUP = "leading_group", _("Leading group")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    SCHOOL = "school", _("School")
    KINDERGARTEN = "kindergarten", _("Kindergarten")


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    PRINCIPAL = "principal", _("Principal")
    LIAISON = "liaison", _("Liaison")
    STAFF = "staff", _("Staff")


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("parent unit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list[Unit]:
        """This unit, its parent, its parent's parent... (nearest first)."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, db_index=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class MembershipEnd(models.Model):
    """A membership the office ended, kept apart from the live ones: every query on ``Membership``
    stays a query on who holds a role now, and loading a plan's data file again does not bring it back."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="ended_memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="ended_memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    ended_at = models.DateTimeField(_("ended"), default=timezone.now)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ended membership")
        verbose_name_plural = _("ended memberships")
        indexes = [models.Index(fields=["user", "unit"], name="membership_end_user_unit")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()} ({self.ended_at:%Y-%m-%d})"
