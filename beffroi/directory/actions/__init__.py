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
    generate_temporary_password,
)
from beffroi.directory.actions.app_passwords import (
    do_create_app_password,
    do_note_app_password_use,
    do_revoke_app_password,
)
from beffroi.directory.actions.handover import (
    do_transfer_ownership,
    register_handover,
    registered_capabilities,
)
from beffroi.directory.actions.importing import ImportResult, do_import_directory
from beffroi.directory.actions.organisation import (
    do_create_department,
    do_create_group,
    do_set_group_members,
    do_update_department,
    do_update_organisation,
)
from beffroi.directory.actions.security import (
    do_end_other_sessions,
    do_end_session,
    do_link_external_account,
    do_note_session,
    do_record_failed_second_factor,
    do_record_second_factor_change,
    do_record_second_factor_sign_in,
    do_reset_password_from_link,
)
from beffroi.directory.actions.tokens import (
    do_create_api_token,
    do_note_api_token_use,
    do_revoke_api_token,
)

__all__ = [
    "FIRST_ADMIN_USERNAME",
    "PROFILE_FIELDS",
    "ImportResult",
    "NewAgent",
    "do_change_password",
    "do_create_agent",
    "do_create_api_token",
    "do_create_app_password",
    "do_create_department",
    "do_create_first_administrator",
    "do_create_group",
    "do_end_all_sessions",
    "do_end_other_sessions",
    "do_end_session",
    "do_import_directory",
    "do_link_external_account",
    "do_note_api_token_use",
    "do_note_app_password_use",
    "do_note_session",
    "do_record_failed_second_factor",
    "do_record_failed_sign_in",
    "do_record_second_factor_change",
    "do_record_second_factor_sign_in",
    "do_record_sign_in",
    "do_reset_password",
    "do_reset_password_from_link",
    "do_revoke_api_token",
    "do_revoke_app_password",
    "do_set_departments",
    "do_set_group_members",
    "do_set_language",
    "do_set_status",
    "do_transfer_ownership",
    "do_update_department",
    "do_update_organisation",
    "do_update_profile",
    "generate_temporary_password",
    "register_handover",
    "registered_capabilities",
]
