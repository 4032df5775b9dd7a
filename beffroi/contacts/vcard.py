"""Reading and checking the vCard text of one address object (RFC 6352 §5.1).

An address object is exactly one vCard, version 3.0 or 4.0, with a UID. Anything else is refused
with the CardDAV precondition it breaks (RFC 6352 §6.3.2.1), so that the DAV adapter can name
it to the client; the API and the web show the same French sentence.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any

import vobject  # type: ignore[import-untyped, unused-ignore]
from django.utils.translation import gettext as _

from beffroi.core.errors import InvalidInput

MAX_CARD_BYTES = 512 * 1024
MAX_PHOTO_BYTES = 256 * 1024
MAX_IMPORT_BYTES = 10 * 1024 * 1024
SUPPORTED_VERSIONS = ("3.0", "4.0")
_CARD_BLOCK = re.compile(r"^BEGIN:VCARD\r?\n.*?^END:VCARD\r?$\n?", re.MULTILINE | re.DOTALL | re.I)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@-]")


class InvalidCard(InvalidInput):
    """The text is not an address object this server keeps.

    ``precondition`` names the CardDAV precondition the DAV adapter reports; ``status`` is the
    HTTP status it answers with.
    """

    code = "contact_invalide"

    def __init__(self, message: str, *, precondition: str, status: int = 403) -> None:
        super().__init__(message, fields={"data": [message]})
        self.precondition = precondition
        self.status = status


@dataclass(frozen=True)
class CardData:
    """What the database keeps about one checked card, besides its text."""

    text: str
    uid: str
    version: str
    full_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    organisation: str

    @property
    def etag(self) -> str:
        return etag_of(self.text)


def etag_of(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def parse_card(data: bytes | str) -> CardData:
    """Check ``data`` and work out its UID and search fields."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_CARD_BYTES:
        raise InvalidCard(
            _("La fiche dépasse la taille autorisée (%(size)s Kio).")
            % {"size": MAX_CARD_BYTES // 1024},
            precondition="max-resource-size",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCard(
            _("La fiche doit être encodée en UTF-8."), precondition="supported-address-data"
        ) from None
    card = _single_vcard(text)
    version = _value(card, "version")
    if version not in SUPPORTED_VERSIONS:
        raise InvalidCard(
            _("Seules les fiches vCard 3.0 et 4.0 sont acceptées (celle-ci : %(version)s).")
            % {"version": version or "?"},
            precondition="supported-address-data",
        )
    uid = _value(card, "uid")
    if not uid:
        raise InvalidCard(
            _("La fiche n'a pas d'identifiant (UID) : chaque contact doit en avoir un."),
            precondition="valid-address-data",
        )
    if len(uid) > 255:
        raise InvalidCard(
            _("L'identifiant (UID) de la fiche est trop long (255 caractères au plus)."),
            precondition="valid-address-data",
        )
    _check_photos(card)
    return CardData(
        text=text,
        uid=uid,
        version=version,
        full_name=_full_name(card)[:255],
        emails=tuple(_values(card, "email")),
        phones=tuple(_values(card, "tel")),
        organisation=_organisation(card)[:255],
    )


def split_cards(data: bytes | str) -> list[str]:
    """The vCards of a ``.vcf`` file, each as its own text, in order."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidCard(
            _("Le fichier dépasse la taille autorisée (%(size)s Mio).")
            % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
            precondition="max-resource-size",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidCard(
            _("Le fichier doit être encodé en UTF-8."), precondition="supported-address-data"
        ) from None
    blocks = [match.group(0) for match in _CARD_BLOCK.finditer(text)]
    if not blocks:
        raise InvalidCard(
            _("Le fichier ne contient aucune fiche vCard."), precondition="valid-address-data"
        )
    return [block if block.endswith("\n") else block + "\r\n" for block in blocks]


def with_uid(text: str) -> str:
    """``text`` with a UID added after VERSION when it has none (cards exported by software
    that does not write one); a card that has one is returned as it is."""
    if re.search(r"^UID[;:]", text, re.MULTILINE | re.IGNORECASE):
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    line = f"UID:urn:uuid:{uuid.uuid4()}{newline}"
    match = re.search(r"^VERSION:[^\r\n]*\r?\n", text, re.MULTILINE | re.IGNORECASE)
    at = match.end() if match else text.find("\n") + 1
    return text[:at] + line + text[at:]


def resource_name_for(uid: str) -> str:
    """A resource name for a card created by import, the web or the API (clients choose their
    own): the UID when it is safe in a URL, else a fresh UUID."""
    if uid and len(uid) <= 200 and not _UNSAFE_NAME.search(uid) and not uid.startswith("."):
        return f"{uid}.vcf"
    return f"{uuid.uuid4()}.vcf"


@dataclass(frozen=True)
class CardFields:
    """What the web form and the API edit; ``build_card`` writes them as a vCard 4.0."""

    full_name: str
    given_name: str = ""
    family_name: str = ""
    organisation: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    mobile: str = ""
    note: str = ""


def build_card(fields: CardFields, *, uid: str | None = None) -> str:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("uid").value = uid or f"urn:uuid:{uuid.uuid4()}"
    card.add("fn").value = fields.full_name.strip()
    card.add("n").value = vobject.vcard.Name(
        family=fields.family_name.strip(), given=fields.given_name.strip()
    )
    if fields.organisation.strip():
        card.add("org").value = [fields.organisation.strip()]
    if fields.title.strip():
        card.add("title").value = fields.title.strip()
    if fields.email.strip():
        email = card.add("email")
        email.value = fields.email.strip()
        email.type_param = "work"
    for number, kind in ((fields.phone, "work"), (fields.mobile, "cell")):
        if number.strip():
            tel = card.add("tel")
            tel.value = number.strip()
            tel.type_param = kind
    if fields.note.strip():
        card.add("note").value = fields.note.strip()
    text: str = card.serialize()
    return text


def update_card(text: str, fields: CardFields) -> str:
    """``text`` with the fields the form edits replaced, every other property kept (photo,
    addresses, birthday…)."""
    card = _single_vcard(text)
    for name in ("fn", "n", "org", "title", "email", "tel", "note"):
        card.contents.pop(name, None)
    edited = vobject.readOne(build_card(fields, uid="x"))
    for name in ("fn", "n", "org", "title", "email", "tel", "note"):
        for line in edited.contents.get(name, []):
            if card.version.value == "3.0" and name in ("email", "tel"):
                line.params["TYPE"] = [kind.upper() for kind in line.params.get("TYPE", [])]
            card.add(line)
    result: str = card.serialize()
    return result


def fields_of(text: str) -> CardFields:
    """The editable fields of a stored card (the web form shows them)."""
    card = _single_vcard(text)
    name = card.contents.get("n", [None])[0]
    phones = card.contents.get("tel", [])
    mobile = next((str(t.value) for t in phones if "CELL" in _types(t)), "")
    phone = next((str(t.value) for t in phones if str(t.value) != mobile), "")
    return CardFields(
        full_name=_full_name(card),
        given_name=str(getattr(name.value, "given", "") or "") if name else "",
        family_name=str(getattr(name.value, "family", "") or "") if name else "",
        organisation=_organisation(card),
        title=_value(card, "title"),
        email=next(iter(_values(card, "email")), ""),
        phone=_strip_tel(phone),
        mobile=_strip_tel(mobile),
        note=_value(card, "note"),
    )


def _single_vcard(text: str) -> Any:
    try:
        components = list(vobject.readComponents(text, validate=False))
    except Exception:  # vobject raises ParseError and, on odd input, plain Python errors
        raise _malformed() from None
    if len(components) != 1:
        if not components:
            raise _malformed()
        raise InvalidCard(
            _("Une ressource ne contient qu'une seule fiche vCard (ici : %(count)s).")
            % {"count": len(components)},
            precondition="valid-address-data",
        )
    card = components[0]
    if card.name != "VCARD":
        raise _malformed()
    return card


def _malformed() -> InvalidCard:
    return InvalidCard(
        _("Ce texte n'est pas une fiche vCard lisible."), precondition="valid-address-data"
    )


def _value(card: Any, name: str) -> str:
    lines = card.contents.get(name, [])
    if not lines:
        return ""
    value = lines[0].value
    return value.strip() if isinstance(value, str) else str(value).strip()


def _values(card: Any, name: str) -> list[str]:
    found = []
    for line in card.contents.get(name, []):
        value = line.value if isinstance(line.value, str) else str(line.value)
        if value.strip():
            found.append(value.strip())
    return found


def _types(line: Any) -> set[str]:
    return {kind.upper() for value in line.params.get("TYPE", []) for kind in value.split(",")}


def _strip_tel(value: str) -> str:
    return value[4:] if value.lower().startswith("tel:") else value


def _full_name(card: Any) -> str:
    full_name = _value(card, "fn")
    if full_name:
        return full_name
    name = card.contents.get("n", [None])[0]
    if name is not None and not isinstance(name.value, str):
        parts = [str(name.value.given or ""), str(name.value.family or "")]
        joined = " ".join(part for part in parts if part.strip()).strip()
        if joined:
            return joined
    return _organisation(card) or next(iter(_values(card, "email")), "")


def _organisation(card: Any) -> str:
    lines = card.contents.get("org", [])
    if not lines:
        return ""
    value = lines[0].value
    parts = value if isinstance(value, list) else [value]
    return " – ".join(str(part).strip() for part in parts if str(part).strip())


def _check_photos(card: Any) -> None:
    for line in card.contents.get("photo", []) + card.contents.get("logo", []):
        if _photo_size(line) > MAX_PHOTO_BYTES:
            raise InvalidCard(
                _("La photo de la fiche dépasse la taille autorisée (%(size)s Kio).")
                % {"size": MAX_PHOTO_BYTES // 1024},
                precondition="max-resource-size",
            )


def _photo_size(line: Any) -> int:
    value = line.value
    if isinstance(value, bytes):  # vCard 3.0 ENCODING=b, already decoded by vobject
        return len(value)
    text = str(value)
    if text.startswith("data:") and "," in text:
        header, payload = text.split(",", 1)
        if header.endswith(";base64"):
            try:
                return len(base64.b64decode(payload, validate=False))
            except (binascii.Error, ValueError):
                return len(payload)
        return len(payload)
    return 0
