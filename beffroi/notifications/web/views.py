"""The agent's notifications page: what they were told, marking it read, and how often they
want an e-mail about it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beffroi.notifications import access, actions
from beffroi.notifications.models import Preference
from beffroi.web.requests import acting_agent


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label=gettext_lazy("Recevoir les notifications par courriel"),
        choices=Preference.Digest.choices,
        widget=forms.RadioSelect,
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    agent = acting_agent(request)
    form = DigestForm(request.POST or None, initial={"digest": access.access_digest(agent)})
    if request.method == "POST" and form.is_valid():
        actions.do_set_digest(agent, form.cleaned_data["digest"])
        messages.success(request, _("Votre préférence est enregistrée."))
        return redirect("notifications:list")
    return render(
        request,
        "notifications/list.html",
        {"notifications": access.access_notifications(agent), "form": form},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.do_mark_read(acting_agent(request))
    return redirect("notifications:list")
