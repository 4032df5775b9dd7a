"""A stored message made readable: its text, its HTML made safe, its attachments.

Whatever arrives is shown, never a server error: a part in an unknown or lying charset is
decoded with replacement characters, a MIME tree deeper than ``index.MAX_DEPTH`` or wider than
``index.MAX_PARTS`` is read only that far, and the HTML of a message goes through nh3's
allow-list: no script, no event handler, no style, no ``javascript:`` link, and no image (a
remote image is a read receipt for whoever sent it), every link opened with ``noopener``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

import nh3

from beffroi.calendars.imip import Invitation, invitation_in
from beffroi.mail.index import MAX_DEPTH, MAX_PARTS, header, parse, printable

# Text shown for one message at most (a bigger part is cut, with a note in the page).
MAX_TEXT_CHARS = 500_000

_HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_HTML_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}
_SCHEMES = {"http", "https", "mailto", "tel"}
_SAFE_NAME = re.compile(r"[^\w .()+-]", re.UNICODE)


@dataclass(frozen=True)
class Attachment:
    number: int  # the part's place among the message's leaves, for its download address
    filename: str
    content_type: str
    size: int


@dataclass
class Reading:
    text: str = ""
    html: str = ""  # already sanitized
    attachments: list[Attachment] = field(default_factory=list)
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    # A calendar invitation, answer or cancellation the message carries (iMIP).
    invitation: Invitation | None = None


def decode_part(part: Message) -> str:
    """The text of a leaf part, whatever its declared charset and transfer encoding."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return printable(raw if isinstance(raw, str) else "")
    charset = "utf-8"
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:
        charset = "utf-8"
    try:
        text = payload.decode(charset, "replace")
    except (LookupError, ValueError):
        text = payload.decode("utf-8", "replace")
    return printable(text)


def safe_filename(name: str, fallback: str = "piece-jointe") -> str:
    """A file name that is a name only: no folders, no control or quoting characters."""
    base = printable(name).replace("\ufffd", "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")[:150]
    return cleaned or fallback


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_HTML_TAGS,
        attributes=_HTML_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _leaves(message: Message) -> tuple[list[Message], bool]:
    """The leaf parts in order, depth first, and whether the tree was cut."""
    leaves: list[Message] = []
    truncated = False
    pending: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while pending:
        part, depth = pending.pop()
        seen += 1
        if seen > MAX_PARTS:
            truncated = True
            break
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                truncated = True
                continue
            children = part.get_payload()
            if isinstance(children, list):
                pending.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
            continue
        leaves.append(part)
    return leaves, truncated


def _is_attachment(part: Message, content_type: str) -> bool:
    disposition = header(part, "content-disposition").split(";")[0].strip().lower()
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    if disposition == "attachment" or filename:
        return True
    return not content_type.startswith("text/")


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def read(raw: bytes) -> Reading:
    """What the reader sees of ``raw``; never raises for a message's content."""
    try:
        message = parse(raw)
    except Exception:
        return Reading(text=printable(raw[:MAX_TEXT_CHARS].decode("utf-8", "replace")))
    return read_message(message)


def read_message(message: Message) -> Reading:
    """``read`` for a message already parsed."""
    reading = Reading(
        headers={name: header(message, name) for name in ("from", "to", "cc", "date", "subject")}
    )
    try:
        leaves, reading.truncated = _leaves(message)
    except RecursionError:
        leaves, reading.truncated = [], True
    texts: list[str] = []
    htmls: list[str] = []
    for number, part in enumerate(leaves):
        content_type = _content_type(part)
        if _is_attachment(part, content_type):
            try:
                filename = part.get_filename() or ""
            except Exception:
                filename = ""
            payload = part.get_payload(decode=True)
            reading.attachments.append(
                Attachment(
                    number=number,
                    filename=safe_filename(str(filename)),
                    content_type=content_type,
                    size=len(payload) if isinstance(payload, bytes) else 0,
                )
            )
        elif content_type == "text/html":
            htmls.append(decode_part(part))
        else:
            texts.append(decode_part(part))
    text = "\n\n".join(texts)
    if len(text) > MAX_TEXT_CHARS:
        text, reading.truncated = text[:MAX_TEXT_CHARS], True
    reading.text = text
    if htmls:
        reading.html = sanitize_html("\n".join(htmls)[:MAX_TEXT_CHARS])
    try:
        reading.invitation = invitation_in(message)
    except Exception:  # a broken calendar part is shown as an attachment, nothing more
        reading.invitation = None
    return reading


def attachment_bytes(raw: bytes, number: int) -> tuple[Attachment, bytes] | None:
    """The attachment ``number`` of ``raw`` (as ``read`` numbers them) and its bytes."""
    try:
        message = parse(raw)
        leaves, _truncated = _leaves(message)
    except Exception:
        return None
    if not 0 <= number < len(leaves):
        return None
    part = leaves[number]
    content_type = _content_type(part)
    if not _is_attachment(part, content_type):
        return None
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        filename = str(part.get_filename() or "")
    except Exception:
        filename = ""
    return Attachment(number, safe_filename(filename), content_type, len(data)), data


def plain_text(raw: bytes | Message) -> str:
    """The words of a message for search: its text, or its HTML without tags."""
    reading = read(raw) if isinstance(raw, bytes) else read_message(raw)
    if reading.text.strip():
        return reading.text
    return nh3.clean(reading.html, tags=set())
