"""PROPFIND and PROPPATCH bodies: which properties a client asks for, the answer's found and
missing, the properties every adapter's resources share, and the all-or-nothing PROPPATCH."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime
from email.utils import format_datetime

from beffroi.dav.common.xml import (
    CALENDARSERVER,
    DAV,
    InvalidXml,
    Response,
    element,
    serialize,
    tag,
)

Getter = Callable[[], ET.Element]


def allprop(home_set: str) -> list[str]:
    """What PROPFIND allprop answers (RFC 4918 §9.1: the live properties worth listing). The
    principal's are there too because clients following the 301 of /.well-known/… lose the
    PROPFIND body on the way (HTTP libraries drop bodies on 301), and still look for them."""
    return [
        tag(DAV, "current-user-principal"),
        home_set,
        tag(DAV, "resourcetype"),
        tag(DAV, "displayname"),
        tag(DAV, "getetag"),
        tag(DAV, "getcontenttype"),
        tag(DAV, "getcontentlength"),
        tag(DAV, "getlastmodified"),
        tag(CALENDARSERVER, "getctag"),
        tag(DAV, "sync-token"),
    ]


def requested_properties(root: ET.Element | None) -> list[str] | None:
    """The property names a PROPFIND asks for; None for allprop (and propname)."""
    if root is None:
        return None
    if root.tag != tag(DAV, "propfind"):
        raise InvalidXml("propfind expected")
    prop = root.find(tag(DAV, "prop"))
    if prop is None:
        return None
    return [child.tag for child in prop]


def answer(
    href: str, available: dict[str, Getter], wanted: list[str] | None, allprop: list[str]
) -> Response:
    """One multistatus response: the wanted properties found, the others as 404 (``allprop``
    lists what a PROPFIND without names gets)."""
    if wanted is None:
        found = [available[name]() for name in allprop if name in available]
        return Response(href, found=found)
    found = [available[name]() for name in wanted if name in available]
    missing = [name for name in wanted if name not in available]
    return Response(href, found=found, missing=missing)


# --- properties -------------------------------------------------------------------------------


def href(value: str) -> ET.Element:
    return element(tag(DAV, "href"), value)


def principal_properties(request_href: str, home: str, homes: dict[str, str]) -> dict[str, Getter]:
    """The principal's: ``home`` is its URL, ``homes`` the home sets by property name (one
    principal for calendars and contacts), ``request_href`` the adapter's root."""
    props: dict[str, Getter] = {
        tag(DAV, "current-user-principal"): lambda: element(
            tag(DAV, "current-user-principal"), None, href(home)
        ),
        tag(DAV, "principal-URL"): lambda: element(tag(DAV, "principal-URL"), None, href(home)),
    }
    for name, value in homes.items():
        props[name] = _home_set(name, value)
    props[tag(DAV, "principal-collection-set")] = lambda: element(
        tag(DAV, "principal-collection-set"), None, href(request_href)
    )
    return props


def _home_set(name: str, value: str) -> Getter:
    return lambda: element(name, None, href(value))


def with_root(props: dict[str, Getter]) -> dict[str, Getter]:
    """The principal's properties, as the adapter's root answers them."""
    props[tag(DAV, "resourcetype")] = lambda: element(
        tag(DAV, "resourcetype"), None, element(tag(DAV, "collection"))
    )
    return props


def with_home(props: dict[str, Getter], display_name: str) -> dict[str, Getter]:
    """The principal's properties, as the home (which is the principal) answers them."""
    props[tag(DAV, "resourcetype")] = lambda: element(
        tag(DAV, "resourcetype"),
        None,
        element(tag(DAV, "collection")),
        element(tag(DAV, "principal")),
    )
    props[tag(DAV, "displayname")] = lambda: element(tag(DAV, "displayname"), display_name)
    return props


def collection_properties(
    kind: str, name: str, token: str, owner: str, privileges: list[str], reports: Iterable[str]
) -> dict[str, Getter]:
    """What a calendar and an address book share; ``kind`` is the resourcetype's second name."""
    return {
        tag(DAV, "resourcetype"): lambda: element(
            tag(DAV, "resourcetype"), None, element(tag(DAV, "collection")), element(kind)
        ),
        tag(DAV, "displayname"): lambda: element(tag(DAV, "displayname"), name),
        tag(CALENDARSERVER, "getctag"): lambda: element(tag(CALENDARSERVER, "getctag"), token),
        tag(DAV, "sync-token"): lambda: element(tag(DAV, "sync-token"), token),
        tag(DAV, "owner"): lambda: element(tag(DAV, "owner"), None, href(owner)),
        tag(DAV, "supported-report-set"): lambda: element(
            tag(DAV, "supported-report-set"),
            None,
            *(
                element(
                    tag(DAV, "supported-report"),
                    None,
                    element(tag(DAV, "report"), None, element(report)),
                )
                for report in reports
            ),
        ),
        tag(DAV, "current-user-privilege-set"): lambda: element(
            tag(DAV, "current-user-privilege-set"),
            None,
            *(element(tag(DAV, "privilege"), None, element(tag(DAV, p))) for p in privileges),
        ),
    }


def privileges(*, write: bool, manage: bool) -> list[str]:
    granted = ["read"] + (["write", "write-content", "bind", "unbind"] if write else [])
    if manage:
        granted.append("write-properties")
    return granted


def object_properties(
    etag: str, content_type: str, data: str, updated_at: datetime
) -> dict[str, Getter]:
    """An object of a collection (an event, a card)."""
    return {
        tag(DAV, "resourcetype"): lambda: element(tag(DAV, "resourcetype")),
        tag(DAV, "getetag"): lambda: element(tag(DAV, "getetag"), etag),
        tag(DAV, "getcontenttype"): lambda: element(tag(DAV, "getcontenttype"), content_type),
        tag(DAV, "getcontentlength"): lambda: element(
            tag(DAV, "getcontentlength"), str(len(data.encode("utf-8")))
        ),
        tag(DAV, "getlastmodified"): lambda: element(
            tag(DAV, "getlastmodified"), format_datetime(updated_at, usegmt=True)
        ),
    }


# --- PROPPATCH --------------------------------------------------------------------------------


def property_update(root: ET.Element | None) -> ET.Element:
    if root is None or root.tag != tag(DAV, "propertyupdate"):
        raise InvalidXml("propertyupdate expected")
    return root


def settable(root: ET.Element, *, ignored: Iterable[str] = ()) -> dict[str, str | None]:
    """The values a PROPPATCH (or an extended MKCOL) sets, None for those it removes."""
    skipped = set(ignored)
    changes: dict[str, str | None] = {}
    for operation in root:
        prop = operation.find(tag(DAV, "prop"))
        for item in prop if prop is not None else []:
            if item.tag in skipped:
                continue
            value = (item.text or "").strip() if operation.tag == tag(DAV, "set") else None
            changes[item.tag] = value
    return changes


def refused(changes: dict[str, str | None], allowed: Iterable[str]) -> list[str]:
    permitted = set(allowed)
    return [name for name in changes if name not in permitted]


def partial_failure(href: str, changes: dict[str, str | None], refused: list[str]) -> bytes:
    """RFC 4918 §9.2: PROPPATCH is all or nothing; the others fail with 424."""
    root = ET.Element(tag(DAV, "multistatus"))
    node = ET.SubElement(root, tag(DAV, "response"))
    ET.SubElement(node, tag(DAV, "href")).text = href
    for status, names in (
        ("HTTP/1.1 403 Forbidden", refused),
        ("HTTP/1.1 424 Failed Dependency", [n for n in changes if n not in refused]),
    ):
        if not names:
            continue
        propstat = ET.SubElement(node, tag(DAV, "propstat"))
        prop = ET.SubElement(propstat, tag(DAV, "prop"))
        prop.extend(ET.Element(name) for name in names)
        ET.SubElement(propstat, tag(DAV, "status")).text = status
    return serialize(root)
