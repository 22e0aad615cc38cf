"""A bureau's plan and its work items (工作重点), each owned by departments (lead first)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    year = models.PositiveIntegerField(_("year"))
    bureau = models.ForeignKey("org.Unit", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="plans")
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    addressees = models.CharField(_("addressees"), max_length=300, blank=True)
    copy_to = models.CharField(_("copied to"), max_length=300, blank=True,
                               help_text="抄送 on the plan's bulletins; the office may change it on each bulletin")
    printed_by = models.CharField(_("printed by"), max_length=200, blank=True,
                                  help_text="印发机关 on the plan's bulletins; empty: the issuer's office")
    description = models.TextField(_("description"), blank=True)
    schools = models.ManyToManyField("org.Unit", verbose_name=_("schools"), related_name="school_plans", blank=True)
    departments_start_work_items = models.BooleanField(
        _("lead departments start their work items"), default=True,
        help_text="the plan itself assigns each work item to its lead department, which starts and dispatches it")
    extensions_decided_by = models.ForeignKey(
        "org.Unit", verbose_name=_("extensions decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="the department whose head decides schools' extension requests; empty: the office")
    settings = models.JSONField(_("cycle settings"), default=dict, blank=True,
                                help_text="report_due_workdays, reminder_workdays_before, supervise_workdays_after, "
                                          "close_workdays_after, open_workdays_before, yellow_workdays")

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.title


class WorkItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="work_items")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    figures = models.JSONField(_("figures to report"), default=list, blank=True,
                               help_text='[{"key": "...", "label": "...", "type": "integer|number|boolean|percent"}]')
    carry_over = models.BooleanField(_("carry answers over"), default=False,
                                     help_text="a school's report starts from its previous quarter's answers")
    departments = models.ManyToManyField("org.Unit", through="WorkItemDepartment", related_name="work_items")
    schools = models.ManyToManyField("org.Unit", verbose_name=_("schools"), related_name="carried_work_items",
                                     blank=True, help_text="empty: every school of the plan carries it")

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="work_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class WorkItemDepartment(models.Model):
    """A department responsible for a work item; the lowest position leads (the plan's order)."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="responsibilities")
    position = models.PositiveSmallIntegerField(default=0)
    is_lead = models.BooleanField(_("lead"), default=False)

    class Meta:
        ordering = ["work_item", "position"]
        constraints = [models.UniqueConstraint(fields=["work_item", "unit"], name="work_item_department")]

    def __str__(self) -> str:
        return f"{self.unit} ({'lead' if self.is_lead else 'cooperating'})"
