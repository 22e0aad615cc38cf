"""The office's holiday calendar: paste the State Council's notice, check the days it gives, save them."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.org.roles import is_office
from workflows.plans.calendar_years import calendar_year_warning
from workflows.plans.models import CalendarDay
from workflows.plans.services.calendar_days import calendar_days_save_notice, day_note, notice_read
from workflows.processes.errors import Invalid


class NoticeForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("The notice's text, as published"), max_length=20000, strip=False,
                           widget=forms.Textarea(attrs={"rows": 14}))
    year = forms.IntegerField(label=gettext_lazy("Year (if the text does not name it)"), min_value=2000,
                              max_value=2100, required=False)


class YearQuery(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


@login_required
def holiday_calendar(request):
    """GET: the form and the year's entered days; POST preview: the notice's days; POST confirm: saved."""
    if not is_office(request.user):
        raise PermissionDenied
    form = NoticeForm(request.POST or None)
    preview, problems = None, []
    if request.method == "POST" and form.is_valid():
        text, year = form.cleaned_data["text"], form.cleaned_data["year"]
        try:
            if request.POST.get("action") == "confirm":
                year, saved = calendar_days_save_notice(text=text, year=year, actor=request.user)
                messages.success(request, _("Saved %(count)s days of %(year)s as the office's calendar days.")
                                 % {"count": len(saved), "year": year})
                return redirect(f"{reverse('web:holiday_calendar')}?year={year}")
            year, days = notice_read(text=text, year=year)
            preview = {"year": year, "days": [{"day": d, "note": day_note(d)} for d in days]}
        except Invalid as exc:
            problems = exc.details.get("lines", [])
    query = YearQuery(request.GET)
    shown = query.cleaned_data["year"] if query.is_valid() else None
    warning = calendar_year_warning()
    shown = shown or (preview or {}).get("year") or (warning.year if warning else None)
    entered = CalendarDay.objects.filter(date__year=shown) if shown else CalendarDay.objects.none()
    return render(request, "web/holiday_calendar.html", {
        "form": form, "preview": preview, "problems": problems, "warning": warning, "year": shown,
        "entered": entered})
