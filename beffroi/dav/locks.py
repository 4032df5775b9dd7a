"""WebDAV locks kept in the database, so that every node of a cluster sees the same ones.

The interface is WsgiDAV's lock storage (``LockStorageDict``); the rows are ``files.Lock``,
written through ``beffroi.files.actions``.

The engine asks for the locks of every resource it answers about, and of each of its parents: a
PROPFIND of a 10,000-entry folder would ask tens of thousands of times. Inside a request
(``beffroi.core.request_memo``), the live locks of a drive are read once and the questions
answered from that copy; any lock change in the request drops the copy.
"""

from __future__ import annotations

import time
from typing import Any

from wsgidav.lock_man.lock_manager import (  # type: ignore[import-untyped, unused-ignore]
    generate_lock_token,
    normalize_lock_root,
    validate_lock,
)
from wsgidav.lock_man.lock_storage import LockStorageDict  # type: ignore[import-untyped, unused-ignore]

from beffroi.core import request_memo
from beffroi.files import access, actions
from beffroi.files.models import Lock

DEFAULT_TIMEOUT = LockStorageDict.LOCK_TIME_OUT_DEFAULT
MAX_TIMEOUT = LockStorageDict.LOCK_TIME_OUT_MAX


def _forget_request_locks() -> None:
    request_memo.forget(_LOCKS)


_LOCKS = "dav.locks"


def _locks_under(root: str, *, include_root: bool, include_children: bool) -> list[Lock]:
    drive = "/" + root.strip("/").split("/", 1)[0]
    if drive == "/":
        # The top of the mount: asked about as the first parent of every path.
        return request_memo.remembered(
            _LOCKS,
            (root, include_root, include_children),
            lambda: access.access_locks(
                root, include_root=include_root, include_children=include_children
            ),
        )
    on_drive = request_memo.remembered(
        _LOCKS,
        drive,
        lambda: access.access_locks(drive, include_root=True, include_children=True),
    )
    now = time.time()
    below = root.rstrip("/") + "/"
    return [
        lock
        for lock in on_drive
        if lock.expires_at >= now
        and (
            (include_root and lock.root == root)
            or (include_children and lock.root.startswith(below))
        )
    ]


def _as_dict(lock: Lock) -> dict[str, Any]:
    return {
        "root": lock.root,
        "type": lock.kind,
        "scope": lock.scope,
        "depth": lock.depth,
        # The engine keeps the <owner> element as serialised XML bytes (with a declaration).
        "owner": lock.owner.encode("utf-8"),
        "timeout": lock.timeout,
        "principal": lock.principal,
        "token": lock.token,
        "expire": lock.expires_at,
    }


def _bounded(timeout: float | None) -> float:
    if timeout is None:
        return float(DEFAULT_TIMEOUT)
    if timeout < 0 or timeout > MAX_TIMEOUT:
        return float(MAX_TIMEOUT)
    return float(timeout)


class DatabaseLockStorage:
    """WsgiDAV lock storage over the ``files.Lock`` table."""

    def __repr__(self) -> str:
        return "DatabaseLockStorage()"

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def clear(self) -> None:
        _forget_request_locks()
        actions.do_clear_locks()

    def get(self, token: str) -> dict[str, Any] | None:
        lock = access.access_lock(token)
        return None if lock is None else _as_dict(lock)

    def create(self, path: str, lock: dict[str, Any]) -> dict[str, Any]:
        if lock.get("token") is not None or lock.get("expire") is not None:
            raise ValueError("a new lock has neither token nor expiry yet")
        lock["root"] = normalize_lock_root(path)
        timeout = lock.get("timeout")
        lock["timeout"] = _bounded(None if timeout is None else float(timeout))
        lock["expire"] = time.time() + lock["timeout"]
        validate_lock(lock)
        lock["token"] = generate_lock_token()
        if isinstance(lock.get("owner"), bytes):
            lock["owner"] = lock["owner"].decode("utf-8")
        _forget_request_locks()
        actions.do_create_lock(lock)
        return lock

    def refresh(self, token: str, *, timeout: float) -> dict[str, Any]:
        _forget_request_locks()
        lock = actions.do_refresh_lock(token, _bounded(timeout))
        if lock is None:
            raise ValueError("Lock must exist")
        return _as_dict(lock)

    def delete(self, token: str) -> bool:
        _forget_request_locks()
        return actions.do_delete_lock(token)

    def get_lock_list(
        self, path: str, *, include_root: bool, include_children: bool, token_only: bool
    ) -> list[Any]:
        root = normalize_lock_root(path)
        locks = _locks_under(root, include_root=include_root, include_children=include_children)
        if token_only:
            return [lock.token for lock in locks]
        return [_as_dict(lock) for lock in locks]
