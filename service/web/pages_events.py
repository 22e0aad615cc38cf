"""The office sends a message or a signal: it reaches the instances waiting for it and starts the
processes whose start events wait for it; the page lists what starts processes besides a person."""
from __future__ import annotations

import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workflows.processes.errors import Conflict, NotFound
from workflows.processes.models import ProcessInstance
from workflows.processes.selectors import start_triggers_active
from workflows.processes.services.start_triggers import Sent, message_send, signal_send

from .common import attempt_form, require_office


class SendForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Send"), choices=[("message", gettext_lazy("a message")),
                                                                  ("signal", gettext_lazy("a signal"))],
                             widget=forms.RadioSelect, initial="message")
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    business_key = forms.CharField(label=gettext_lazy("Business key (a message only)"), max_length=200,
                                   required=False)
    data = forms.CharField(label=gettext_lazy("Data (a JSON object; the instance receives it)"), required=False,
                           max_length=100_000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError(_("must not contain NUL characters"))
        return name

    def clean_data(self) -> dict:
        text = self.cleaned_data["data"].strip()
        try:
            data = json.loads(text) if text else {}
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Write a JSON object, such as {\"school\": \"A\"}."))
        return data


def _send(request, form: SendForm) -> Sent | None:
    v = form.cleaned_data

    def send() -> Sent:
        try:
            if v["kind"] == "signal":
                return signal_send(name=v["name"], payload=v["data"], actor=request.user)
            return message_send(name=v["name"], payload=v["data"], data=v["data"], business_key=v["business_key"],
                                actor=request.user)
        except NotFound as exc:  # nobody to reach is said on this page, not a missing page
            raise Conflict(exc.message) from None
    return attempt_form(request, form, send, _("Signal sent.") if v["kind"] == "signal" else _("Message sent."))


@login_required
def send_event(request):
    require_office(request)
    form = SendForm(request.POST or None)
    sent = _send(request, form) if request.method == "POST" and form.is_valid() else None
    started = ProcessInstance.objects.filter(pk__in=sent.started).select_related("definition") if sent else []
    return render(request, "web/send_event.html", {"form": form, "sent": sent, "started": started,
                                                   "triggers": start_triggers_active()})
