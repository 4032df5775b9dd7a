"""Agents from a CSV file, as spreadsheets export them in French town halls.

Header names in French or English, in any case, with or without accents; a comma or a semicolon
between cells (found from the header); UTF-8 with or without BOM, or Windows-1252 (what Excel
writes by default). Every problem is collected, never only the first: ``ligne N : raison``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from beffroi.core.text import fold
from beffroi.directory.importing.rows import Problem, SourceRow, SourceRows, line, line_template

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000

# Header names (folded: lower case, no accents, "_" between words) and the field each names.
HEADERS = {
    "identifiant": "username",
    "username": "username",
    "prenom": "first_name",
    "first_name": "first_name",
    "nom": "last_name",
    "last_name": "last_name",
    "courriel": "email",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "service": "department",
    "department": "department",
    "fonction": "job_title",
    "job_title": "job_title",
    "telephone": "phone",
    "phone": "phone",
    "bureau": "office",
    "office": "office",
    "responsable": "manager",
    "manager": "manager",
    "categorie": "kind",
    "kind": "kind",
    "responsable_du_service": "manages_department",
    "department_manager": "manages_department",
    "groupes": "groups",
    "groups": "groups",
}
REQUIRED = ("username", "first_name", "last_name")
REQUIRED_NAMES = {"username": "identifiant", "first_name": "prenom", "last_name": "nom"}
DELIMITERS = (",", ";")
# Separators people try that are refused with an explanation rather than misread.
OTHER_DELIMITERS = {"\t": "tabulation", "|": "|", ":": ":"}
GROUP_SEPARATOR = "|"

KINDS = {
    "agent": "agent",
    "elu": "elected",
    "elected": "elected",
    "invite": "guest",
    "guest": "guest",
}
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0", ""}
YES_OR_NO = YES | NO


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-.']+", "_", fold(text.lstrip("\ufeff"))).strip("_")


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    """The file's text: UTF-8 (BOM or not) first, then Windows-1252; or why it is unreadable."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Problem(
            _("fichier"),
            _("encodage UTF-16 non pris en charge : enregistrez le fichier en « CSV UTF-8 »."),
        )
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if has_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if has_bom:
            return None, _undecodable(body, utf8_error.start, _("UTF-8"))
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError as cp1252_error:
            return None, _undecodable(body, cp1252_error.start, _("UTF-8 ni en Windows-1252"))
    if "\x00" in text:
        number = text.count("\n", 0, text.index("\x00")) + 1
        return None, Problem(
            line(number),
            _("caractère nul : ce fichier n'est pas un fichier CSV en texte."),
            number,
        )
    return text, None


def _undecodable(body: bytes, position: int, expected: str) -> Problem:
    number = body.count(b"\n", 0, position) + 1
    return Problem(
        line(number),
        _("octet 0x%(byte)02X illisible : le fichier n'est pas en %(expected)s.")
        % {"byte": body[position], "expected": expected},
        number,
    )


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _recognised(header: list[str]) -> int:
    return sum(1 for name in header if _header_key(name) in HEADERS)


def sniff_delimiter(text: str) -> tuple[str | None, Problem | None]:
    """Comma or semicolon, whichever makes sense of the header; anything else is refused."""
    scores = {d: _recognised(_first_record(text, d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (scores[d], len(_first_record(text, d))))
    if scores[best] >= 2:
        return best, None
    for delimiter, name in OTHER_DELIMITERS.items():
        if _recognised(_first_record(text, delimiter)) >= 2:
            return None, Problem(
                line(1),
                _(
                    "séparateur « %(name)s » non pris en charge : séparez les colonnes par "
                    "des virgules ou des points-virgules."
                )
                % {"name": name},
            )
    if scores[best] == 1:
        return best, None  # the missing columns will be named
    return None, Problem(
        line(1),
        _(
            "en-tête non reconnu : la première ligne doit nommer les colonnes (identifiant, "
            "prenom, nom…), séparées par des virgules ou des points-virgules."
        ),
    )


def _columns(header: list[str], rows: SourceRows) -> dict[int, str]:
    """Which field each column position carries; unknown columns are noted and ignored."""
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, name in enumerate(header):
        key = _header_key(name)
        if not key:
            continue
        target = HEADERS.get(key)
        if target is None:
            rows.notes.append(
                f"{line(1)} : " + _("colonne « %(name)s » inconnue, ignorée.") % {"name": name}
            )
            continue
        if target in seen:
            rows.problems.append(
                Problem(
                    line(1),
                    _("les colonnes « %(a)s » et « %(b)s » désignent la même information.")
                    % {"a": seen[target], "b": name.strip()},
                )
            )
            continue
        seen[target] = name.strip()
        positions[position] = target
    missing = [REQUIRED_NAMES[f] for f in REQUIRED if f not in seen]
    if missing:
        rows.problems.append(
            Problem(
                line(1),
                _("colonnes obligatoires manquantes : %(names)s.") % {"names": ", ".join(missing)},
            )
        )
    return positions


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | None]]:
    """Each record with the line it starts on (quoted cells may span lines); None when the
    quoting is broken, after which nothing further can be trusted."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start, None
            return
        yield start, record


def _row(where: str, number: int, cells: dict[str, str], problems: list[Problem]) -> SourceRow:
    kind = ""
    if cells.get("kind"):
        kind = KINDS.get(fold(cells["kind"]), "")
        if not kind:
            problems.append(
                Problem(
                    where,
                    order=number,
                    reason=_("catégorie « %(value)s » inconnue (agent, élu ou invité).")
                    % {"value": cells["kind"]},
                )
            )
    manages = fold(cells.get("manages_department", ""))
    if manages not in YES_OR_NO:
        problems.append(
            Problem(
                where,
                _("« %(value)s » : indiquez oui ou non pour responsable du service.")
                % {"value": cells["manages_department"]},
                number,
            )
        )
    groups = [g.strip() for g in cells.get("groups", "").split(GROUP_SEPARATOR)]
    return SourceRow(
        where=where,
        order=number,
        username=cells.get("username", "").lower(),
        first_name=cells.get("first_name", ""),
        last_name=cells.get("last_name", ""),
        email=cells.get("email", ""),
        department=cells.get("department", ""),
        job_title=cells.get("job_title", ""),
        phone=cells.get("phone", ""),
        office=cells.get("office", ""),
        manager=cells.get("manager", "").lower(),
        kind=kind,
        manages_department=manages in YES,
        groups=tuple(dict.fromkeys(g for g in groups if g)),
    )


def read_csv(data: bytes, *, label: str) -> SourceRows:
    """Read a CSV export into rows, collecting every problem of the file and of its lines."""
    if len(data) > MAX_BYTES:
        return SourceRows(
            label=label,
            columns=frozenset(),
            problems=[
                Problem(
                    _("fichier"),
                    _("fichier trop volumineux : %(max)s Mo au plus.")
                    % {"max": MAX_BYTES // (1024 * 1024)},
                )
            ],
        )
    text, problem = decode(data)
    if text is None:
        return SourceRows(label=label, columns=frozenset(), problems=[problem] if problem else [])
    delimiter, problem = sniff_delimiter(text)
    if delimiter is None:
        return SourceRows(label=label, columns=frozenset(), problems=[problem] if problem else [])
    records = _records(text, delimiter)
    header = next(records, (1, []))[1] or []
    rows = SourceRows(label=label, columns=frozenset())
    positions = _columns(header, rows)
    rows.columns = frozenset(positions.values())
    width = len(header)
    template = line_template()
    for number, record in records:
        if record is None:
            rows.problems.append(
                Problem(
                    line(number),
                    _("guillemets mal fermés : la suite du fichier est illisible."),
                    number,
                )
            )
            break
        if not any(cell.strip() for cell in record):
            continue
        if len(rows.rows) >= MAX_ROWS:
            # The file is refused as a whole: listing the problems of 100,000 lines would
            # bury the one that matters.
            rows.rows.clear()
            rows.problems = [
                Problem(
                    line(number),
                    _("trop de lignes : %(max)s agents au plus par import.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", "\u202f")},
                    number,
                )
            ]
            break
        if len(record) < width or any(cell.strip() for cell in record[width:]):
            rows.problems.append(
                Problem(
                    line(number),
                    _("%(found)s valeurs pour %(expected)s colonnes.")
                    % {"found": len(record), "expected": width},
                    number,
                )
            )
            continue
        cells = {field: record[position].strip() for position, field in positions.items()}
        rows.rows.append(_row(template % {"number": number}, number, cells, rows.problems))
    return rows
