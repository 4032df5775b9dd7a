"""What the store indexes of a message: its headers and the shape of its MIME tree.

Parsing never fails: a message with broken charsets, malformed headers or an absurdly deep MIME
tree is still stored unchanged, and its index holds what could be read (a header that the
standard library cannot decode is kept as its raw text, undecodable bytes replaced).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from typing import Any

# Deeper than this, a MIME tree is summarised as truncated (a 100-level tree is an attack).
MAX_DEPTH = 20
MAX_PARTS = 500
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Control characters (NUL among them, which PostgreSQL's text refuses) are shown as U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


@dataclass(frozen=True)
class MessageIndex:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    sender: str = ""
    to: str = ""
    cc: str = ""
    date: datetime | None = None
    structure: dict[str, Any] = field(default_factory=dict)


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name:
            text = value if isinstance(value, str) else str(value)
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return ""


def header(message: Message, name: str) -> str:
    """The decoded value of header ``name``, or its raw text when it cannot be decoded."""
    try:
        value = message.get(name)
        text = "" if value is None else str(value)
        text.encode("utf-8")  # undecodable bytes surface as lone surrogates
    except Exception:
        return printable(" ".join(_raw_header(message, name).split()))
    return printable(" ".join(text.split()))


def _ids(text: str) -> list[str]:
    return _MESSAGE_ID.findall(text)


def _date(message: Message) -> datetime | None:
    text = header(message, "date")
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed


def _part(message: Message, depth: int, budget: list[int]) -> dict[str, Any]:
    budget[0] -= 1
    try:
        content_type = message.get_content_type()
    except Exception:
        content_type = "application/octet-stream"
    summary: dict[str, Any] = {"type": content_type}
    try:
        filename = message.get_filename()
    except Exception:
        filename = None
    if filename:
        summary["filename"] = printable(str(filename))
    disposition = header(message, "content-disposition").split(";")[0].strip().lower()
    if disposition:
        summary["disposition"] = disposition
    if message.is_multipart():
        if depth >= MAX_DEPTH or budget[0] <= 0:
            summary["truncated"] = True
            return summary
        payload = message.get_payload()
        children = payload if isinstance(payload, list) else []
        summary["parts"] = []
        for child in children:
            if not isinstance(child, Message):
                continue
            if budget[0] <= 0:
                summary["truncated"] = True
                break
            summary["parts"].append(_part(child, depth + 1, budget))
    else:
        charset = message.get_content_charset()
        if charset:
            summary["charset"] = printable(charset)
    return summary


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def index_of(raw: bytes) -> MessageIndex:
    """The index of ``raw``; never raises for a message's content."""
    try:
        message = parse(raw)
    except Exception:
        return MessageIndex(structure={"type": "application/octet-stream", "unparsed": True})
    try:
        structure = _part(message, 0, [MAX_PARTS])
    except RecursionError:
        structure = {"type": "multipart/mixed", "truncated": True}
    in_reply_to = _ids(header(message, "in-reply-to"))
    message_ids = _ids(header(message, "message-id"))
    return MessageIndex(
        message_id=message_ids[0][:998] if message_ids else "",
        in_reply_to=in_reply_to[0][:998] if in_reply_to else "",
        references=[ref[:998] for ref in _ids(header(message, "references"))][-100:],
        subject=header(message, "subject"),
        sender=header(message, "from"),
        to=header(message, "to"),
        cc=header(message, "cc"),
        date=_date(message),
        structure=structure,
    )
