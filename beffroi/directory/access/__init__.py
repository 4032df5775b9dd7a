"""Reads for a given person (``access_*``) and credential checks (``authenticate_*``).

``access_*`` raises the same ``NotFound`` for what is missing and what the person may not see.
"""

from beffroi.directory.access.credentials import (
    access_own_app_password,
    access_own_app_passwords,
    authenticate_api_token,
    authenticate_app_password,
    authenticate_password,
    authenticate_protocol_client,
)
from beffroi.directory.access.organisation import (
    SEARCH_LIMIT,
    access_agent_by_id,
    access_agents,
    access_department_by_id,
    access_departments,
    access_own_api_token,
    access_own_api_tokens,
)

__all__ = [
    "SEARCH_LIMIT",
    "access_agent_by_id",
    "access_agents",
    "access_department_by_id",
    "access_departments",
    "access_own_api_token",
    "access_own_api_tokens",
    "access_own_app_password",
    "access_own_app_passwords",
    "authenticate_api_token",
    "authenticate_app_password",
    "authenticate_password",
    "authenticate_protocol_client",
]
