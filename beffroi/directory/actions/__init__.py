"""Every change to the directory goes through here: one transaction, one audit event each.

Adapters import from this package; the modules split it by topic.
"""

from beffroi.directory.actions.agents import (
    FIRST_ADMIN_USERNAME,
    PROFILE_FIELDS,
    NewAgent,
    do_change_password,
    do_create_agent,
    do_create_first_administrator,
    do_end_all_sessions,
    do_record_failed_sign_in,
    do_record_sign_in,
    do_reset_password,
    do_set_departments,
    do_set_language,
    do_set_status,
    do_update_profile,
)
from beffroi.directory.actions.handover import (
    do_transfer_ownership,
    register_handover,
    registered_capabilities,
)
from beffroi.directory.actions.organisation import (
    do_create_department,
    do_create_group,
    do_set_group_members,
    do_update_department,
    do_update_organisation,
)
from beffroi.directory.actions.tokens import (
    do_create_api_token,
    do_note_api_token_use,
    do_revoke_api_token,
)

__all__ = [
    "FIRST_ADMIN_USERNAME",
    "PROFILE_FIELDS",
    "NewAgent",
    "do_change_password",
    "do_create_agent",
    "do_create_api_token",
    "do_create_department",
    "do_create_first_administrator",
    "do_create_group",
    "do_end_all_sessions",
    "do_note_api_token_use",
    "do_record_failed_sign_in",
    "do_record_sign_in",
    "do_reset_password",
    "do_revoke_api_token",
    "do_set_departments",
    "do_set_group_members",
    "do_set_language",
    "do_set_status",
    "do_transfer_ownership",
    "do_update_department",
    "do_update_organisation",
    "do_update_profile",
    "register_handover",
    "registered_capabilities",
]
