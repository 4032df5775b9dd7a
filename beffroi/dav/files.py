"""The WebDAV view of the drive: a WsgiDAV provider whose resources are ``files`` nodes.

``/dav/files/<username>/...`` is the personal drive of ``<username>``, and only its owner may
open it (anyone else gets 404, as for a path that does not exist). Every read goes through
``beffroi.files.access`` and every change through ``beffroi.files.actions``: the engine only
parses requests, checks locks and conditional headers, and renders multistatus answers.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from wsgidav import util, xml_tools  # type: ignore[import-untyped, unused-ignore]
from wsgidav.dav_error import (  # type: ignore[import-untyped, unused-ignore]
    HTTP_BAD_REQUEST,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_INTERNAL_ERROR,
    HTTP_NOT_FOUND,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider  # type: ignore[import-untyped, unused-ignore]
from wsgidav.util import etree  # type: ignore[import-untyped, unused-ignore]

from beffroi.core.errors import BeffroiError, InvalidInput, NotAllowed, NotFound
from beffroi.files import access, actions
from beffroi.files.blobs import BlobReader, BlobWriter, blob_store
from beffroi.files.models import Node, Space
from beffroi.files.quotas import QuotaExceeded, UploadMeter

logger = logging.getLogger(__name__)

AGENT_KEY = "beffroi.agent"
_LOCK_PROPERTIES = ("{DAV:}lockdiscovery", "{DAV:}supportedlock")


def as_dav_error(error: BeffroiError) -> DAVError:
    """The DAV status for an error Beffroi explains, with its French message."""
    if isinstance(error, NotFound):
        return DAVError(HTTP_NOT_FOUND, context_info=error.message)
    if isinstance(error, NotAllowed):
        return DAVError(HTTP_FORBIDDEN, context_info=error.message)
    if isinstance(error, InvalidInput):
        return DAVError(HTTP_BAD_REQUEST, context_info=error.message)
    if isinstance(error, QuotaExceeded):
        return DAVError(HTTP_INSUFFICIENT_STORAGE, context_info=error.message)
    return DAVError(HTTP_INTERNAL_ERROR, context_info=error.message)


def _timestamp(moment: datetime) -> float:
    return moment.timestamp()


class _Upload:
    """The sink WsgiDAV writes a PUT body into, chunk by chunk, straight to the blob store."""

    def __init__(self, resource: FileResource) -> None:
        self.resource = resource
        target = resource._node if resource._node is not None else resource.parent
        assert target is not None
        declared = str(resource.environ.get("CONTENT_LENGTH") or "")
        try:
            # A declared body over the quota is refused before a byte is stored.
            self.meter = UploadMeter(
                target.space, declared=int(declared) if declared.isdigit() else None
            )
        except QuotaExceeded as error:
            raise as_dav_error(error) from error
        self.writer: BlobWriter = blob_store().open_write()

    def write(self, data: bytes) -> int:
        try:
            self.meter.count(len(data))
        except QuotaExceeded as error:
            # Streamed (chunked) bodies are stopped as soon as they cross the quota.
            self.writer.abort()
            raise as_dav_error(error) from error
        return self.writer.write(data)

    def close(self) -> None:
        self.resource.stored = self.writer.commit()


class _NodeMixin:
    """Dead properties and deletion, shared by files and folders."""

    node: Node
    provider: BeffroiProvider
    environ: dict[str, Any]
    path: str

    @property
    def agent(self) -> Any:
        return self.environ[AGENT_KEY]

    def _dead_properties(self) -> dict[str, str]:
        if not hasattr(self, "_dead_cache"):
            try:
                self._dead_cache = access.access_dead_properties(self.agent, self.node)
            except BeffroiError as error:
                raise as_dav_error(error) from error
        return self._dead_cache

    def get_creation_date(self) -> float:
        return _timestamp(self.node.created_at)

    def get_last_modified(self) -> float:
        return _timestamp(self.node.modified_at)

    def get_etag(self) -> str:
        return self.node.etag

    def support_etag(self) -> bool:
        return True

    def get_display_name(self) -> str:
        return self.node.name

    def get_property_names(self, *, is_allprop: bool) -> list[str]:
        names: list[str] = super().get_property_names(is_allprop=is_allprop)  # type: ignore[misc]
        return names + list(self._dead_properties())

    def get_property_value(self, name: str) -> Any:
        if name.startswith("{DAV:}") or name in _LOCK_PROPERTIES:
            return super().get_property_value(name)  # type: ignore[misc]
        value = self._dead_properties().get(name)
        if value is None:
            raise DAVError(HTTP_NOT_FOUND)
        return xml_tools.string_to_xml(value)

    def set_property_value(self, name: str, value: Any, *, dry_run: bool = False) -> Any:
        if name.startswith("{DAV:}"):
            return super().set_property_value(name, value, dry_run=dry_run)  # type: ignore[misc]
        try:
            if value is None:
                if not dry_run:
                    actions.do_remove_dead_property(self.agent, self.node, name)
            else:
                xml = etree.tostring(value, encoding="unicode")
                if dry_run:
                    if len(xml) > 64 * 1024:
                        raise InvalidInput
                else:
                    actions.do_set_dead_property(self.agent, self.node, name, xml)
        except InvalidInput as error:
            raise DAVError(HTTP_FORBIDDEN, context_info=error.message) from error
        except BeffroiError as error:
            raise as_dav_error(error) from error
        self.__dict__.pop("_dead_cache", None)
        return None

    def remove_all_properties(self, *, recursive: bool) -> None:
        """Dead properties go with the node to the trash."""

    def delete(self) -> None:
        try:
            actions.do_trash(self.agent, self.node, address=self.environ.get("REMOTE_ADDR"))
        except BeffroiError as error:
            raise as_dav_error(error) from error
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]

    def _destination(self, dest_path: str) -> tuple[Node, str]:
        parent_path, name = _split(dest_path)
        parent = self.provider.node_at(parent_path, self.environ)
        if parent is None:
            raise DAVError(HTTP_NOT_FOUND)
        return parent, name

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        parent, name = self._destination(dest_path)
        try:
            existing = self.provider.node_at(dest_path, self.environ)
            if existing is not None and existing.is_folder and self.node.is_folder:
                return
            if existing is not None:
                actions.do_trash(self.agent, existing)
            if self.node.is_folder:
                actions.do_copy(self.agent, self.node, parent, name, recursive=False)
            else:
                actions.do_copy(self.agent, self.node, parent, name)
        except BeffroiError as error:
            raise as_dav_error(error) from error

    def support_recursive_move(self, dest_path: str) -> bool:
        return True

    def move_recursive(self, dest_path: str) -> list[Any]:
        parent, name = self._destination(dest_path)
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]
        try:
            actions.do_move(self.agent, self.node, parent, name)
        except BeffroiError as error:
            raise as_dav_error(error) from error
        return []


def _split(path: str) -> tuple[str, str]:
    trimmed = path.rstrip("/")
    parent, _, name = trimmed.rpartition("/")
    return parent or "/", name


class FileResource(_NodeMixin, DAVNonCollection):  # type: ignore[misc]
    """A file; ``node`` is None while a PUT creates it."""

    def __init__(
        self, path: str, environ: dict[str, Any], node: Node | None, parent: Node | None = None
    ) -> None:
        super().__init__(path, environ)
        self._node = node
        self.parent = parent
        self.stored: Any = None

    @property
    def node(self) -> Node:  # type: ignore[override]
        if self._node is None:
            raise DAVError(HTTP_NOT_FOUND)
        return self._node

    def get_content_length(self) -> int:
        return self._node.size if self._node is not None else 0

    def get_content_type(self) -> str:
        if self._node is None or not self._node.content_type:
            return actions.guess_content_type(util.get_uri_name(self.path))
        return self._node.content_type

    def get_etag(self) -> str | None:  # type: ignore[override]
        return self._node.etag if self._node is not None else None

    def get_creation_date(self) -> float | None:  # type: ignore[override]
        return _timestamp(self._node.created_at) if self._node is not None else None

    def get_last_modified(self) -> float | None:  # type: ignore[override]
        return _timestamp(self._node.modified_at) if self._node is not None else None

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> BlobReader:
        version = self.node.current_version
        if version is None:
            return blob_store().open_read(_empty_blob_sha())
        return blob_store().open_read(version.blob_id)

    def begin_write(self, *, content_type: str | None = None) -> _Upload:
        return _Upload(self)

    def end_write(self, *, with_errors: bool) -> None:
        if with_errors or self.stored is None:
            return
        try:
            if self._node is None:
                assert self.parent is not None
                self._node = actions.do_save_file(
                    self.agent, self.parent, util.get_uri_name(self.path), self.stored
                )
            else:
                self._node = actions.do_save_version(self.agent, self._node, self.stored)
        except BeffroiError as error:
            raise as_dav_error(error) from error


_EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _empty_blob_sha() -> str:
    store = blob_store()
    if not store.exists(_EMPTY_SHA256):
        with store.open_write() as writer:
            writer.commit()
    return _EMPTY_SHA256


class FolderResource(_NodeMixin, DAVCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], node: Node) -> None:
        super().__init__(path, environ)
        self.node = node

    def get_display_name(self) -> str:
        return self.node.name or self.path.strip("/")

    def _children(self) -> list[Node]:
        try:
            return access.access_children(self.agent, self.node, desktop_files=True)
        except BeffroiError as error:
            raise as_dav_error(error) from error

    def get_member_names(self) -> list[str]:
        return [child.name for child in self._children()]

    def get_member_list(self) -> list[Any]:
        """The children, each with its dead properties read in the same go (one query for all
        of them, not one each: a PROPFIND of a large folder stays a few queries)."""
        base = self.path.rstrip("/")
        try:
            listed = access.access_children_with_properties(self.agent, self.node)
        except BeffroiError as error:
            raise as_dav_error(error) from error
        members = []
        for child, properties in listed:
            member = self.provider.resource_for(f"{base}/{child.name}", self.environ, child)
            member._dead_cache = properties
            members.append(member)
        return members

    def create_empty_resource(self, name: str) -> FileResource:
        path = self.path.rstrip("/") + "/" + name
        if self.environ.get("REQUEST_METHOD") != "LOCK":
            # PUT: the node appears only once the whole body is stored.
            return FileResource(path, self.environ, None, parent=self.node)
        try:
            with blob_store().open_write() as writer:
                stored = writer.commit()
            node = actions.do_save_file(self.agent, self.node, name, stored)
        except BeffroiError as error:
            raise as_dav_error(error) from error
        return FileResource(path, self.environ, node)

    def create_collection(self, name: str) -> FolderResource:
        try:
            folder = actions.do_create_folder(self.agent, self.node, name)
        except BeffroiError as error:
            raise as_dav_error(error) from error
        return FolderResource(self.path.rstrip("/") + "/" + name, self.environ, folder)

    def support_recursive_delete(self) -> bool:
        return True


class BeffroiProvider(DAVProvider):  # type: ignore[misc]
    """``/<username>/<path>``: the personal drive of the signed-in agent."""

    def __init__(self) -> None:
        super().__init__()

    def is_readonly(self) -> bool:
        return False

    def _space(self, username: str, environ: dict[str, Any]) -> Space | None:
        agent = environ.get(AGENT_KEY)
        if agent is None or agent.get_username() != username:
            return None
        cache: dict[str, Space] = environ.setdefault("beffroi.spaces", {})
        if username not in cache:
            try:
                cache[username] = access.access_personal_space(agent, username)
            except NotFound:
                # The first visit of an agent whose drive was never opened.
                actions.do_open_personal_space(agent)
                try:
                    cache[username] = access.access_personal_space(agent, username)
                except NotFound:
                    return None
        return cache[username]

    def node_at(self, path: str, environ: dict[str, Any]) -> Node | None:
        segments = [segment for segment in path.split("/") if segment]
        if not segments:
            return None
        space = self._space(segments[0], environ)
        if space is None:
            return None
        try:
            return access.access_node(environ[AGENT_KEY], space, segments[1:])
        except NotFound:
            return None

    def resource_for(self, path: str, environ: dict[str, Any], node: Node) -> Any:
        if node.is_folder:
            return FolderResource(path, environ, node)
        return FileResource(path, environ, node)

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        node = self.node_at(path, environ)
        return None if node is None else self.resource_for(path, environ, node)
