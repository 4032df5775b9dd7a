"""What the REPORTs of both adapters share: multiget (RFC 4791 §7.9, RFC 6352 §8.7) and
sync-collection (RFC 6578) over collections that count their revisions."""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from django.utils.translation import gettext as _

from beffroi.core.errors import NotAllowed
from beffroi.dav.common.messages import DavResponse
from beffroi.dav.common.xml import DAV, Response, element, error, multistatus, tag

T = TypeVar("T")


class Change(Protocol):
    """One entry of a collection's change log."""

    @property
    def name(self) -> str: ...

    @property
    def deleted(self) -> bool: ...


def unsupported_report() -> DavResponse:
    return DavResponse.xml(
        403,
        error(element(tag(DAV, "supported-report")), _("Ce rapport n'est pas pris en charge.")),
    )


def multiget(
    root: ET.Element,
    collection: str,
    fetch: Callable[[list[str]], Iterable[T]],
    name_of: Callable[[T], str],
    answer: Callable[[T], Response],
) -> DavResponse:
    """The objects of ``collection`` (its percent-encoded href) the body names, each found by
    ``fetch`` or answered 404."""
    prefix = urllib.parse.unquote(collection)
    names: dict[str, str] = {}
    for node in root.findall(tag(DAV, "href")):
        href = node.text or ""
        path = urllib.parse.unquote(urllib.parse.urlsplit(href).path)
        names[href] = path[len(prefix) :] if path.startswith(prefix) else ""
    found = {name_of(item): item for item in fetch([name for name in names.values() if name])}
    answers = []
    for href, name in names.items():
        item = found.get(name)
        answers.append(Response(href, status=404) if item is None else answer(item))
    return DavResponse.xml(207, multistatus(answers))


def sync_collection(
    root: ET.Element,
    new_token: str,
    everything: Callable[[], list[Response]],
    since: Callable[[str], list[Response] | None],
    invalid: str,
) -> DavResponse:
    """A sync-collection of level 1: everything for no token, else what ``since`` the token
    answers (None: the token is not valid, ``invalid`` tells the person what to do)."""
    token_node = root.find(tag(DAV, "sync-token"))
    token = (token_node.text or "").strip() if token_node is not None else ""
    level = root.findtext(tag(DAV, "sync-level"), "1").strip()
    if level != "1":
        raise NotAllowed(_("Seule la synchronisation de niveau 1 est prise en charge."))
    if not token:
        return DavResponse.xml(207, multistatus(everything(), sync_token=new_token))
    answers = since(token)
    if answers is None:
        return DavResponse.xml(403, error(element(tag(DAV, "valid-sync-token")), invalid))
    return DavResponse.xml(207, multistatus(answers, sync_token=new_token))


def logged_answers(
    changes: Sequence[Change],
    found: Mapping[str, T],
    answer: Callable[[T], Response],
    gone: Callable[[str], Response],
) -> list[Response]:
    """One answer per logged change: the object as it is now, or gone (404)."""
    answers = []
    for change in changes:
        item = found.get(change.name)
        answers.append(gone(change.name) if item is None else answer(item))
    return answers
