"""Every change to the drive goes through here: one transaction, audited where it matters.

Adapters import from this package; the modules split it by topic.
"""

from beffroi.files.actions.favourites import do_set_favourite
from beffroi.files.actions.links import (
    do_check_link_password,
    do_count_download,
    do_create_link,
    do_deposit,
    do_log_link_access,
    do_revoke_link,
    link_problem,
    truncated_address,
)
from beffroi.files.actions.nodes import (
    UPLOAD_CHUNK_BYTES,
    do_clear_locks,
    do_copy,
    do_create_folder,
    do_create_lock,
    do_delete_lock,
    do_move,
    do_open_department_space,
    do_open_personal_space,
    do_refresh_lock,
    do_remove_dead_property,
    do_save_file,
    do_save_version,
    do_set_dead_property,
    do_trash,
    do_upload,
    guess_content_type,
)
from beffroi.files.actions.quotas import do_set_space_quota
from beffroi.files.actions.shares import (
    do_change_share_role,
    do_open_department_spaces,
    do_set_inheritance,
    do_share,
    do_unshare,
)
from beffroi.files.actions.thumbnails import (
    do_refuse_thumbnail,
    do_request_thumbnail,
    do_store_thumbnail,
)
from beffroi.files.actions.trash import (
    do_empty_trash,
    do_purge,
    do_purge_expired_trash,
    do_restore_from_trash,
)
from beffroi.files.actions.uploads import (
    UploadOffsetMismatch,
    do_abandon_upload,
    do_clean_abandoned_uploads,
    do_finish_upload,
    do_receive_chunk,
    do_start_upload,
)
from beffroi.files.actions.versions import do_apply_version_retention, do_restore_version

__all__ = [
    "UPLOAD_CHUNK_BYTES",
    "UploadOffsetMismatch",
    "do_abandon_upload",
    "do_apply_version_retention",
    "do_change_share_role",
    "do_check_link_password",
    "do_clean_abandoned_uploads",
    "do_clear_locks",
    "do_copy",
    "do_count_download",
    "do_create_folder",
    "do_create_link",
    "do_create_lock",
    "do_delete_lock",
    "do_deposit",
    "do_empty_trash",
    "do_finish_upload",
    "do_log_link_access",
    "do_move",
    "do_open_department_space",
    "do_open_department_spaces",
    "do_open_personal_space",
    "do_purge",
    "do_purge_expired_trash",
    "do_receive_chunk",
    "do_refresh_lock",
    "do_refuse_thumbnail",
    "do_remove_dead_property",
    "do_request_thumbnail",
    "do_restore_from_trash",
    "do_restore_version",
    "do_revoke_link",
    "do_save_file",
    "do_save_version",
    "do_set_dead_property",
    "do_set_favourite",
    "do_set_inheritance",
    "do_set_space_quota",
    "do_share",
    "do_start_upload",
    "do_store_thumbnail",
    "do_trash",
    "do_unshare",
    "do_upload",
    "guess_content_type",
    "link_problem",
    "truncated_address",
]
