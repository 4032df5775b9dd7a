"""DAV XML in and out: parsing with defusedxml (no DTD, no entities), building multistatus."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    fromstring,
)

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CALENDARSERVER = "http://calendarserver.org/ns/"
APPLE = "http://apple.com/ns/ical/"
BEFFROI = "urn:beffroi:dav"

PREFIXES = {
    DAV: "D",
    CALDAV: "C",
    CARDDAV: "CR",
    CALENDARSERVER: "CS",
    APPLE: "A",
    BEFFROI: "B",
}
for _namespace, _prefix in PREFIXES.items():
    ET.register_namespace(_prefix, _namespace)


class InvalidXml(Exception):
    """The body is not well-formed XML, or uses DTDs or entities (refused outright)."""


def tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def parse(body: bytes) -> ET.Element | None:
    """The root element of ``body``, or None for an empty body."""
    if not body.strip():
        return None
    try:
        root: ET.Element = fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )

    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        raise InvalidXml(str(error)) from None
    return root


def element(name: str, text: str | None = None, *children: ET.Element) -> ET.Element:
    node = ET.Element(name)
    if text is not None:
        node.text = text
    node.extend(children)
    return node


def serialize(root: ET.Element) -> bytes:
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


@dataclass
class Response:
    """One ``D:response`` of a multistatus: found properties, missing ones, or a bare status."""

    href: str
    found: list[ET.Element] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    status: int | None = None


_REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found"}


def multistatus(responses: list[Response], *, sync_token: str | None = None) -> bytes:
    root = ET.Element(tag(DAV, "multistatus"))
    for item in responses:
        node = ET.SubElement(root, tag(DAV, "response"))
        ET.SubElement(node, tag(DAV, "href")).text = item.href
        if item.status is not None:
            ET.SubElement(node, tag(DAV, "status")).text = _status_line(item.status)
            continue
        if item.found or not item.missing:
            _propstat(node, item.found, 200)
        if item.missing:
            _propstat(node, [ET.Element(name) for name in item.missing], 404)
    if sync_token is not None:
        ET.SubElement(root, tag(DAV, "sync-token")).text = sync_token
    return serialize(root)


def error(precondition: ET.Element, message: str) -> bytes:
    """A ``D:error`` body naming the precondition, with a sentence for the person."""
    root = ET.Element(tag(DAV, "error"))
    root.append(precondition)
    ET.SubElement(root, tag(BEFFROI, "message")).text = message
    return serialize(root)


def _propstat(parent: ET.Element, properties: list[ET.Element], status: int) -> None:
    propstat = ET.SubElement(parent, tag(DAV, "propstat"))
    prop = ET.SubElement(propstat, tag(DAV, "prop"))
    prop.extend(properties)
    ET.SubElement(propstat, tag(DAV, "status")).text = _status_line(status)


def _status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {_REASONS.get(status, '')}".rstrip()
