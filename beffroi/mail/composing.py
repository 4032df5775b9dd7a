"""Writing a message in the webmail: recipients checked, headers that cannot be smuggled, the
body as text and as safe HTML, the signature of the organisation.

The body is written in Markdown: the text/plain part is what the agent typed, the text/html
alternative is its CommonMark rendering through nh3's allow-list (the wiki's pipeline), so
both parts say the same and neither can carry a script. No header value may hold a CR or LF:
they are refused with a clear message, never cleaned into something else (a header injection).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid

import nh3
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from beffroi.core.errors import InvalidInput
from beffroi.mail.addresses import InvalidAddress, parse_address

MAX_RECIPIENTS = 100
MAX_SUBJECT_CHARS = 500
MAX_BODY_CHARS = 500_000
MAX_NAME_CHARS = 200
_LINE_BREAK = re.compile(r"[\r\n\x00]")

# breaks: a line break typed in a message stays one (as every mail client shows it).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)
_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str

    def header(self) -> str:
        local, _at, domain = self.address.rpartition("@")
        return str(HeaderAddress(display_name=self.name, username=local, domain=domain))


@dataclass
class Outgoing:
    """What the agent wrote, checked: ready to be turned into RFC 5322 bytes."""

    sender: Recipient
    to: list[Recipient]
    cc: list[Recipient] = field(default_factory=list)
    bcc: list[Recipient] = field(default_factory=list)
    subject: str = ""
    body: str = ""
    on_behalf_of: str | None = None  # the agent's own address, for Sender:
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(r.address for r in [*self.to, *self.cc, *self.bcc]))


def refuse_line_breaks(value: str, label: str) -> None:
    """A CR, LF or NUL in a header value is an injection attempt: refused, never cleaned."""
    if _LINE_BREAK.search(value):
        message = _("Le champ « %(champ)s » ne peut pas contenir de retour à la ligne.") % {
            "champ": label
        }
        raise InvalidInput(message, fields={label: [message]})


def parse_recipients(text: str, label: str, field_name: str) -> list[Recipient]:
    """``Nom <adresse>, autre@exemple.fr; …`` as checked recipients (or a clear refusal)."""
    refuse_line_breaks(text, label)
    if len(text) > 20_000:
        raise InvalidInput(fields={field_name: [_("Trop de destinataires.")]})
    found: list[Recipient] = []
    for name, address in getaddresses([text.replace(";", ",")]):
        if not name and not address:
            continue
        try:
            parsed = parse_address(address)
        except InvalidAddress:
            shown = address or name
            message = _("« %(adresse)s » n'est pas une adresse électronique valide.") % {
                "adresse": shown
            }
            raise InvalidInput(message, fields={field_name: [message]}) from None
        found.append(Recipient(name=name.strip()[:MAX_NAME_CHARS], address=str(parsed)))
    if len(found) > MAX_RECIPIENTS:
        message = _("Au plus %(nombre)d destinataires par champ.") % {"nombre": MAX_RECIPIENTS}
        raise InvalidInput(message, fields={field_name: [message]})
    return found


def check_subject(subject: str) -> str:
    refuse_line_breaks(subject, _("Objet"))
    if len(subject) > MAX_SUBJECT_CHARS:
        message = _("L'objet est trop long (%(nombre)d caractères au plus).") % {
            "nombre": MAX_SUBJECT_CHARS
        }
        raise InvalidInput(message, fields={"subject": [message]})
    return subject.strip()


def check_body(body: str) -> str:
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(fields={"body": [_("Le message est trop long.")]})
    return body.replace("\r\n", "\n").replace("\x00", "")


def body_html(body: str) -> str:
    """The body's Markdown as safe HTML (no raw HTML, only allowed tags and link schemes)."""
    return nh3.clean(
        _MARKDOWN.render(body),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def build(outgoing: Outgoing, *, with_bcc: bool = False) -> bytes:
    """The RFC 5322 bytes of ``outgoing`` (CRLF line ends); Bcc: only in the sender's copy."""
    message = EmailMessage(policy=SMTP)
    message["From"] = outgoing.sender.header()
    if outgoing.on_behalf_of:
        message["Sender"] = outgoing.on_behalf_of
    if outgoing.to:
        message["To"] = ", ".join(r.header() for r in outgoing.to)
    if outgoing.cc:
        message["Cc"] = ", ".join(r.header() for r in outgoing.cc)
    if with_bcc and outgoing.bcc:
        message["Bcc"] = ", ".join(r.header() for r in outgoing.bcc)
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(timezone.now())
    domain = outgoing.sender.address.rpartition("@")[2]
    message["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)
    if outgoing.in_reply_to:
        message["In-Reply-To"] = outgoing.in_reply_to
    if outgoing.references:
        message["References"] = " ".join(outgoing.references[-20:])
    message["MIME-Version"] = "1.0"
    message.set_content(outgoing.body or "\n", subtype="plain", charset="utf-8")
    message.add_alternative(body_html(outgoing.body), subtype="html", charset="utf-8")
    for name, content_type, data in outgoing.attachments:
        maintype, _slash, subtype = content_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def signature(agent: object) -> str:
    """The organisation's signature template filled from the directory (empty lines dropped)."""
    departments = getattr(agent, "departments", None)
    first = departments.order_by("name").first() if departments is not None else None
    values = {
        "nom": str(getattr(agent, "display_name", "")),
        "fonction": str(getattr(agent, "job_title", "")),
        "service": first.name if first is not None else "",
        "telephone": str(getattr(agent, "phone", "")),
    }
    lines = []
    for line in settings.MAIL_SIGNATURE_TEMPLATE.replace("\\n", "\n").split("\n"):
        filled = line
        for key, value in values.items():
            filled = filled.replace("{" + key + "}", value)
        if filled.strip():
            lines.append(filled.rstrip())
    return "-- \n" + "\n".join(lines) if lines else ""


def quoted(text: str, author: str, date: str) -> str:
    """The answered message's text, quoted in Markdown under an attribution line."""
    intro = _("Le %(date)s, %(auteur)s a écrit :") % {"date": date, "auteur": author}
    lines = text.strip("\n").split("\n")[:2000]
    return f"\n\n{intro}\n" + "\n".join(f"> {line}" if line else ">" for line in lines) + "\n"


def reply_subject(subject: str, prefix: str) -> str:
    stripped = re.sub(r"^\s*((re|tr|fwd?|aw)\s*:\s*)+", "", subject, flags=re.IGNORECASE)
    return f"{prefix} {stripped}".strip()[:MAX_SUBJECT_CHARS]


def addresses_in(text: str) -> list[str]:
    return [address.lower() for _name, address in getaddresses([text]) if "@" in address]


def exclude(recipients: Sequence[str], mine: set[str]) -> list[str]:
    return [address for address in dict.fromkeys(recipients) if address not in mine]
