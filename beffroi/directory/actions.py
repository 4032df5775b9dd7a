"""Every change to the directory goes through here: one transaction, one audit event each."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.audit.actions import record
from beffroi.core.errors import InvalidInput
from beffroi.core.events import agent_group, publish_on_commit
from beffroi.directory import tokens
from beffroi.directory.models import Agent, ApiToken


@dataclass(frozen=True)
class NewAgent:
    username: str
    password: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    kind: str = Agent.Kind.AGENT
    is_admin: bool = False


def _validate_new_agent(new: NewAgent) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    try:
        Agent.username_validator(new.username)
    except ValidationError as error:
        problems["username"] = list(error.messages)
    if not new.username:
        problems["username"] = [_("L'identifiant est obligatoire.")]
    elif Agent.objects.filter(username__iexact=new.username).exists():
        problems["username"] = [_("Cet identifiant est déjà utilisé.")]
    if new.email:
        try:
            validate_email(new.email)
        except ValidationError:
            problems["email"] = [_("Cette adresse électronique n'est pas valide.")]
    if new.kind not in Agent.Kind.values:
        problems["kind"] = [_("Catégorie inconnue.")]
    candidate = Agent(
        username=new.username, email=new.email, first_name=new.first_name, last_name=new.last_name
    )
    try:
        validate_password(new.password, user=candidate)
    except ValidationError as error:
        problems["password"] = list(error.messages)
    return problems


def do_create_agent(
    new: NewAgent, *, acting: Agent | None = None, address: str | None = None
) -> Agent:
    """Create an agent account, or raise ``InvalidInput`` naming every field at fault."""
    problems = _validate_new_agent(new)
    if problems:
        raise InvalidInput(fields=problems)
    with transaction.atomic():
        agent = Agent(
            username=new.username,
            email=new.email,
            first_name=new.first_name,
            last_name=new.last_name,
            kind=new.kind,
            is_staff=new.is_admin,
            is_superuser=new.is_admin,
        )
        agent.set_password(new.password)
        agent.save()
        record(
            "directory.agent_created",
            actor=acting,
            target=agent,
            address=address,
            details={"username": agent.username, "administrator": new.is_admin},
        )
    return agent


FIRST_ADMIN_USERNAME = "admin"


def do_create_first_administrator() -> tuple[Agent, str] | None:
    """On an instance with no administrator, create one with a random password.

    Returns the account and its password (to be shown once), or None when one already exists.
    """
    with transaction.atomic():
        if Agent.objects.filter(is_superuser=True).exists():
            return None
        password = secrets.token_urlsafe(18)
        agent = do_create_agent(
            NewAgent(
                username=FIRST_ADMIN_USERNAME,
                password=password,
                first_name="Administrateur",
                is_admin=True,
            )
        )
    return agent, password


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


def do_record_sign_in(agent: Agent, *, channel: str, address: str | None) -> None:
    record(
        "directory.sign_in",
        actor=agent,
        target=agent,
        address=address,
        details={"channel": channel},
    )


def do_record_failed_sign_in(
    username: str, *, channel: str, address: str | None, failures: int
) -> None:
    # The username as typed is kept (it may be a typo of a real one), never the password.
    record(
        "directory.sign_in_failed",
        address=address,
        details={"channel": channel, "username": username[:150], "failures": failures},
    )
