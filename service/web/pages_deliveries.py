"""The office sees the notices that could not be sent, and why, and sends one again."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflows.notifications.delivery import deliveries_failed, delivery_resend

from .common import attempt, require_office
from .filters import bad_request


class ResendForm(forms.Form):
    delivery = forms.IntegerField(min_value=1, max_value=2**31 - 1)


@login_required
def deliveries(request):
    require_office(request)
    if request.method == "POST":
        form = ResendForm(request.POST)
        if not form.is_valid():
            return bad_request(request, form, back=request.path)
        attempt(request, lambda: delivery_resend(delivery_id=form.cleaned_data["delivery"]),
                _("The notice is being sent again."))
        return redirect(request.path)
    page = Paginator(deliveries_failed(), 50).get_page(request.GET.get("page"))
    return render(request, "web/deliveries.html", {"page": page})
