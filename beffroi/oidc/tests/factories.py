from __future__ import annotations

from oauth2_provider.models import Application

from beffroi.directory.models import Agent
from beffroi.oidc.actions import ClientSettings, do_register_client

CALLBACK = "https://intranet.ville-exemple.fr/oidc/callback"


def registered_client(
    administrator: Agent, *, name: str = "Intranet", confidential: bool = True
) -> Application:
    application, _secret = do_register_client(
        ClientSettings(name=name, redirect_uris=[CALLBACK]),
        confidential=confidential,
        acting=administrator,
    )
    return application
