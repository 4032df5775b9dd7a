"""What a file or folder may be called.

Names are stored in Unicode NFC, so that "é" typed on a Mac (decomposed) and on Windows
(composed) name one file. A name must also be usable on every agent's computer: no separator,
no control character, no name Windows reserves, no trailing dot or space, at most 255 bytes.

Desktops also write files of their own beside people's (Finder's ``.DS_Store`` and ``._name``
resource forks, Explorer's ``Thumbs.db`` and ``desktop.ini``). Refusing them would make a copy
from the Mac or Windows file manager fail half-way, so WebDAV takes them and gives them back;
but they keep no history, and the web pages and the API, made for people, do not list them.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext

from beffroi.core.errors import InvalidInput

MAX_NAME_BYTES = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{digit}" for digit in "0123456789"]
    + [f"LPT{digit}" for digit in "0123456789"]
)


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"name": [message]})


def clean_name(raw: str | bytes) -> str:
    """The name in NFC, or ``InvalidInput`` with a French explanation."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(gettext("Le nom n'est pas un texte UTF-8 valide.")) from None
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise _refuse(gettext("Le nom n'est pas un texte UTF-8 valide.")) from None
    name = unicodedata.normalize("NFC", raw)
    if not name or name in (".", ".."):
        raise _refuse(gettext("Donnez un nom."))
    if "/" in name or "\\" in name:
        raise _refuse(gettext("Un nom ne peut pas contenir de barre oblique (/ ou \\)."))
    if _CONTROL.search(name):
        raise _refuse(gettext("Un nom ne peut pas contenir de caractère de contrôle."))
    if name != name.rstrip(". "):
        raise _refuse(gettext("Un nom ne peut pas finir par un point ou une espace."))
    if name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        raise _refuse(gettext("Ce nom est réservé par Windows : choisissez-en un autre."))
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise _refuse(gettext("Ce nom est trop long (255 octets au plus)."))
    return name


_DESKTOP_FILES = frozenset([".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini"])


def is_desktop_file(name: str) -> bool:
    """Whether ``name`` is a file a desktop writes for itself (see above)."""
    return name.lower() in _DESKTOP_FILES or name.startswith("._")
