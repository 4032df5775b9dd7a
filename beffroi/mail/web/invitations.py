"""Invitations received by e-mail, in the webmail: what the agent sees of them beside the
message, and their answer (accept, maybe, decline), a cancellation taken into their agenda, an
outside attendee's answer written into their meeting. Only in the agent's own mailbox: an
invitation is personal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from beffroi.calendars.access import access_invitation_answer
from beffroi.calendars.imip import Invitation
from beffroi.calendars.invitations import (
    do_answer_external_invitation,
    do_apply_external_cancellation,
    do_apply_external_reply,
)
from beffroi.core.errors import InvalidInput, NotFound
from beffroi.mail import access
from beffroi.mail.models import Message
from beffroi.mail.policies import may_answer_invitations
from beffroi.mail.reading import read
from beffroi.web.errors import readable
from beffroi.web.requests import acting_agent

ANSWER_LABELS = {
    "ACCEPTED": gettext_lazy("acceptée"),
    "TENTATIVE": gettext_lazy("peut-être"),
    "DECLINED": gettext_lazy("refusée"),
    "NEEDS-ACTION": gettext_lazy("sans réponse"),
    "CANCELLED": gettext_lazy("annulée"),
}


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    # Where the agent's agenda stands: their answer, or for a REPLY, the attendee's answer as
    # their meeting has it; "" when the event is not in their agenda.
    state: str
    state_label: str
    applied: bool  # a cancellation or an answer already written into the agenda


def invitation_view(
    agent: Any, message: Message, invitation: Invitation | None
) -> InvitationView | None:
    """What to show beside ``message`` (only in the agent's own mailbox)."""
    if invitation is None or not may_answer_invitations(agent, message.folder.mailbox):
        return None
    if invitation.method == "REPLY":
        state = access_invitation_answer(agent, invitation.uid, invitation.replier) or ""
        applied = state == invitation.answer
    else:
        state = access_invitation_answer(agent, invitation.uid) or ""
        applied = invitation.method == "CANCEL" and state == "CANCELLED"
    return InvitationView(invitation, state, str(ANSWER_LABELS.get(state, "")), applied)


def _sender_address(message: Message) -> str:
    return parseaddr(message.sender)[1].lower()


@login_required
@require_POST
def answer(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    agent = acting_agent(request)
    message = access.access_own_message(agent, message_id)
    invitation = read(access.access_message_bytes(agent, message)).invitation
    if invitation is None:
        raise NotFound()
    choice = request.POST.get("reponse", "")
    try:
        if invitation.method == "REQUEST":
            do_answer_external_invitation(agent, invitation, choice)
            messages.success(
                request,
                _(
                    "Votre réponse est envoyée à l'organisateur ; l'événement est dans "
                    "votre agenda."
                ),
            )
        elif invitation.method == "CANCEL":
            do_apply_external_cancellation(agent, invitation, _sender_address(message))
            messages.success(request, _("L'événement est marqué annulé dans votre agenda."))
        elif do_apply_external_reply(agent, invitation, _sender_address(message)) is not None:
            messages.success(request, _("La réponse est reportée dans votre agenda."))
        else:
            messages.error(request, _("Cette réponse ne correspond à aucune de vos réunions."))
    except InvalidInput as error:
        messages.error(request, readable(error))
    return redirect("mail:conversation", message.folder.mailbox_id, message.thread_id)
