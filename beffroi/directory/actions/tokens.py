"""Personal API tokens: issued once, stored as a hash, revocable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory import tokens
from beffroi.directory.models import Agent, ApiToken


def do_create_api_token(
    agent: Agent, label: str, *, address: str | None = None
) -> tuple[ApiToken, str]:
    """Issue a personal API token; its clear text is returned once and never stored."""
    label = label.strip()
    if not label or len(label) > 100:
        raise InvalidInput(fields={"label": [_("Donnez un nom de 1 à 100 caractères.")]})
    issued = tokens.issue()
    with transaction.atomic():
        token = ApiToken.objects.create(
            agent=agent, label=label, prefix=issued.prefix, secret_hash=issued.secret_hash
        )
        record(
            "directory.api_token_created",
            actor=agent,
            target=token,
            address=address,
            details={"label": label, "prefix": issued.prefix},
        )
        publish_on_commit(
            [agent_group(agent.pk)], "directory.api_tokens_changed", {"token": str(token.pk)}
        )
    return token, issued.clear_text


def do_revoke_api_token(token: ApiToken, *, acting: Agent, address: str | None = None) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record(
            "directory.api_token_revoked",
            actor=acting,
            target=token,
            address=address,
            details={"label": token.label, "prefix": token.prefix},
        )
        publish_on_commit(
            [agent_group(token.agent_id)], "directory.api_tokens_changed", {"token": str(token.pk)}
        )


def do_note_api_token_use(token: ApiToken) -> None:
    """Keep the last-use time, at most once a minute so that reads stay cheap."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
