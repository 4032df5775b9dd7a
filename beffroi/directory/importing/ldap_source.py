"""Agents from Active Directory or OpenLDAP, read with ldap3 in pages.

Directories cap how many entries one search returns (1,000 on Active Directory by default); a
paged search reads them all. A manager is a DN, resolved to that entry's username; groups come
from ``memberOf`` (Active Directory) or from the groups found under a given base.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import ldap3
from django.utils.translation import gettext as _
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.dn import parse_dn

from beffroi.core.errors import BeffroiError
from beffroi.directory.importing.rows import Problem, SourceRow, SourceRows

PAGE_SIZE = 500
# Active Directory: people, enabled accounts only (bit 2 of userAccountControl: disabled).
ACTIVE_DIRECTORY_FILTER = (
    "(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
)
OPENLDAP_FILTER = "(objectClass=inetOrgPerson)"
GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))"
ACTIVE_DIRECTORY_CAPABILITY = "1.2.840.113556.1.4.800"
ATTRIBUTES = [
    "sAMAccountName",
    "uid",
    "givenName",
    "sn",
    "mail",
    "department",
    "departmentNumber",
    "title",
    "telephoneNumber",
    "manager",
    "memberOf",
]
INVALID_CREDENTIALS = 49


class LdapError(BeffroiError):
    """The directory server could not be read: nothing is imported."""

    code = "annuaire_ldap"
    http_status = 502


@dataclass(frozen=True)
class LdapSource:
    url: str
    base_dn: str
    bind_dn: str
    password: str = field(repr=False)
    user_filter: str = ""
    group_base_dn: str = ""
    # Certificate authorities for ldaps:// and StartTLS (a commune's own CA); the system's by
    # default.
    ca_file: str = ""
    # Upgrade an ldap:// connection to TLS before binding (RFC 4513 StartTLS).
    starttls: bool = False
    page_size: int = PAGE_SIZE
    # Seconds; ldap3 packs it into a socket option, which wants an integer.
    timeout: int = 10


def _first(attributes: dict[str, Any], *names: str) -> str:
    """The first value of the first attribute present (names compared without case)."""
    lowered = {key.lower(): value for key, value in attributes.items()}
    for name in names:
        value = lowered.get(name.lower())
        if isinstance(value, list):
            value = value[0] if value else ""
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _all(attributes: dict[str, Any], name: str) -> list[str]:
    lowered = {key.lower(): value for key, value in attributes.items()}
    value = lowered.get(name.lower())
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _dn_key(dn: str) -> str:
    """DNs compare without case and without spaces around separators."""
    try:
        return ",".join(f"{a.lower()}={v.lower()}" for a, v, _sep in parse_dn(dn))
    except ldap_errors.LDAPInvalidDnError:
        return dn.strip().lower()


def _common_name(dn: str) -> str:
    try:
        return str(parse_dn(dn)[0][1])
    except (ldap_errors.LDAPInvalidDnError, IndexError):
        return dn


def _on_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_password_is_protected(source: LdapSource) -> None:
    """The bind password never crosses the network in clear: ldap:// to another machine needs
    StartTLS (ldap:// on this machine, as for a local relay, is allowed)."""
    plain = urlsplit(source.url).scheme.lower() == "ldap"
    if plain and not source.starttls and not _on_loopback(source.url):
        raise LdapError(
            _(
                "Le mot de passe de liaison ne part pas en clair vers %(url)s : utilisez "
                "ldaps:// ou --starttls. Rien n'a été importé."
            )
            % {"url": source.url}
        )


def _start_tls(connection: Any, source: LdapSource) -> None:
    try:
        upgraded = connection.start_tls()
    except ldap_errors.LDAPException as error:
        raise LdapError(_certificate_or_reason(source, error)) from error
    if not upgraded:
        raise LdapError(
            _("Le serveur LDAP %(url)s refuse StartTLS : %(reason)s. Rien n'a été importé.")
            % {"url": source.url, "reason": (connection.result or {}).get("description", "")}
        )


def _certificate_or_reason(source: LdapSource, error: Exception) -> str:
    if "certificate verify failed" in str(error).lower():
        return _(
            "Certificat du serveur LDAP %(url)s refusé (%(reason)s) : indiquez "
            "l'autorité de certification de la collectivité avec --ca-file. Rien n'a "
            "été importé."
        ) % {"url": source.url, "reason": _reason(error)}
    return _("Serveur LDAP injoignable à %(url)s : %(reason)s. Rien n'a été importé.") % {
        "url": source.url,
        "reason": _reason(error),
    }


def _connect(source: LdapSource) -> Any:
    if not source.password:
        raise LdapError(_("Le mot de passe de liaison LDAP est vide : rien n'a été importé."))
    _check_password_is_protected(source)
    try:
        # ldap3 does not check certificates unless asked: ldaps:// must prove who answers.
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=source.ca_file or None)
        server = ldap3.Server(
            source.url, get_info=ldap3.DSA, connect_timeout=source.timeout, tls=tls
        )
        connection = ldap3.Connection(
            server,
            user=source.bind_dn,
            password=source.password,
            read_only=True,
            receive_timeout=source.timeout,
            raise_exceptions=False,
        )
        connection.open()
    except ldap_errors.LDAPSSLConfigurationError as error:
        raise LdapError(
            _("Fichier d'autorités de certification illisible : %(path)s.")
            % {"path": source.ca_file}
        ) from error
    except (ldap_errors.LDAPInvalidServerError, ldap_errors.LDAPInvalidPortError) as error:
        raise LdapError(
            _("Adresse du serveur LDAP invalide : %(url)s.") % {"url": source.url}
        ) from error
    except ldap_errors.LDAPException as error:
        raise LdapError(_certificate_or_reason(source, error)) from error
    if source.starttls:
        _start_tls(connection, source)
    try:
        bound = connection.bind()
    except ldap_errors.LDAPException as error:
        raise LdapError(
            _("Le serveur LDAP %(url)s a interrompu la connexion : %(reason)s.")
            % {"url": source.url, "reason": _reason(error)}
        ) from error
    if not bound:
        result = connection.result or {}
        if result.get("result") == INVALID_CREDENTIALS:
            raise LdapError(
                _(
                    "Identifiants LDAP refusés pour « %(dn)s » : vérifiez --bind-dn et le "
                    "fichier de mot de passe. Rien n'a été importé."
                )
                % {"dn": source.bind_dn}
            )
        raise LdapError(
            _("Connexion LDAP refusée par %(url)s : %(reason)s.")
            % {"url": source.url, "reason": result.get("description", "")}
        )
    return connection


def _reason(error: Exception) -> str:
    """What went wrong, without ldap3's wrapping: « socket connection error while opening:
    [Errno 111] Connection refused » → « Connection refused »."""
    text = re.sub(r"\s*\(_ssl\.c:\d+\)", "", str(error))
    reason = text.rsplit("]", 1)[-1].strip(" :,)'\"")
    return reason or text or error.__class__.__name__


def _looks_like_active_directory(connection: Any) -> bool:
    info = connection.server.info
    if info is None:
        return False
    features = {str(feature[0]) for feature in (info.supported_features or [])}
    return ACTIVE_DIRECTORY_CAPABILITY in features or "forestFunctionality" in (info.other or {})


def _search(
    connection: Any, base: str, search_filter: str, attributes: list[str], size: int
) -> Any:
    try:
        entries = connection.extend.standard.paged_search(
            search_base=base,
            search_filter=search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=attributes,
            paged_size=size,
            generator=True,
        )
        for entry in entries:
            if entry.get("type") == "searchResEntry":
                yield entry
    except ldap_errors.LDAPInvalidFilterError as error:
        raise LdapError(
            _("Filtre LDAP invalide : %(filter)s.") % {"filter": search_filter}
        ) from error
    except ldap_errors.LDAPException as error:
        raise LdapError(
            _("La recherche LDAP sous « %(base)s » a échoué : %(reason)s.")
            % {"base": base, "reason": _reason(error)}
        ) from error
    result = connection.result or {}
    if result.get("result", 0) != 0:
        description = str(result.get("description", ""))
        raise LdapError(
            _("La recherche LDAP sous « %(base)s » a échoué : %(reason)s.")
            % {"base": base, "reason": _search_failure(description)}
        )


def _search_failure(description: str) -> str:
    """The server's reason in French when it is a common one, as the server said it otherwise."""
    known = {
        "noSuchObject": _("cette base n'existe pas (noSuchObject)"),
        "insufficientAccessRights": _(
            "le compte de liaison n'a pas le droit de lire (insufficientAccessRights)"
        ),
        "timeLimitExceeded": _("délai du serveur dépassé (timeLimitExceeded)"),
        "sizeLimitExceeded": _("limite de taille du serveur atteinte (sizeLimitExceeded)"),
        "unwillingToPerform": _("le serveur refuse cette recherche (unwillingToPerform)"),
    }
    return str(known.get(description, description))


@dataclass
class _Entry:
    dn: str
    attributes: dict[str, Any]
    username: str
    groups: list[str] = field(default_factory=list)


def read_ldap(source: LdapSource) -> SourceRows:
    """Read every person under ``base_dn`` (all pages), with their groups; raise ``LdapError``
    when the server cannot be reached, refuses the bind or the search."""
    connection = _connect(source)
    try:
        active_directory = _looks_like_active_directory(connection)
        user_filter = source.user_filter or (
            ACTIVE_DIRECTORY_FILTER if active_directory else OPENLDAP_FILTER
        )
        entries: list[_Entry] = []
        for found in _search(connection, source.base_dn, user_filter, ATTRIBUTES, source.page_size):
            attributes = dict(found.get("attributes", {}))
            username = _first(attributes, "sAMAccountName", "uid").lower()
            entries.append(_Entry(dn=found["dn"], attributes=attributes, username=username))
        by_dn = {_dn_key(entry.dn): entry for entry in entries}
        has_groups = _attach_groups(connection, source, entries, by_dn)
        rows = SourceRows(
            label=source.url,
            columns=frozenset(
                {
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "department",
                    "job_title",
                    "phone",
                    "manager",
                }
                | ({"groups"} if has_groups else set())
            ),
        )
        outside: dict[str, str] = {}
        for order, entry in enumerate(entries, start=2):
            rows.rows.append(_row(connection, entry, order, by_dn, outside, rows.problems))
        return rows
    finally:
        connection.unbind()


def _attach_groups(
    connection: Any, source: LdapSource, entries: list[_Entry], by_dn: dict[str, _Entry]
) -> bool:
    """Each entry's group names; False when the directory says nothing about groups."""
    if source.group_base_dn:
        base = _dn_key(source.group_base_dn)
        for found in _search(
            connection,
            source.group_base_dn,
            GROUP_FILTER,
            ["cn", "member", "uniqueMember"],
            source.page_size,
        ):
            attributes = dict(found.get("attributes", {}))
            name = _first(attributes, "cn") or _common_name(found["dn"])
            for member in _all(attributes, "member") + _all(attributes, "uniqueMember"):
                entry = by_dn.get(_dn_key(member))
                if entry is not None and name not in entry.groups:
                    entry.groups.append(name)
        for entry in entries:
            for group_dn in _all(entry.attributes, "memberOf"):
                name = _common_name(group_dn)
                if _dn_key(group_dn).endswith("," + base) and name not in entry.groups:
                    entry.groups.append(name)
        return True
    seen = False
    for entry in entries:
        member_of = _all(entry.attributes, "memberOf")
        seen = seen or bool(member_of)
        entry.groups.extend(dict.fromkeys(_common_name(dn) for dn in member_of))
    return seen


def _manager_username(
    connection: Any,
    entry: _Entry,
    by_dn: dict[str, _Entry],
    outside: dict[str, str],
) -> str | None:
    """The username of the entry's manager: among the entries read, or looked up (a manager
    outside the filter, a disabled account); None when the DN leads nowhere."""
    manager_dn = _first(entry.attributes, "manager")
    if not manager_dn:
        return ""
    key = _dn_key(manager_dn)
    if key in by_dn:
        return by_dn[key].username
    if key not in outside:
        outside[key] = ""
        try:
            connection.search(
                manager_dn,
                "(objectClass=*)",
                search_scope=ldap3.BASE,
                attributes=["sAMAccountName", "uid"],
            )
        except ldap_errors.LDAPException:
            return None
        for found in connection.response or []:
            if found.get("type") == "searchResEntry":
                outside[key] = _first(dict(found.get("attributes", {})), "sAMAccountName", "uid")
    return outside[key].lower() or None


def _row(
    connection: Any,
    entry: _Entry,
    order: int,
    by_dn: dict[str, _Entry],
    outside: dict[str, str],
    problems: list[Problem],
) -> SourceRow:
    where = _("entrée %(dn)s") % {"dn": entry.dn}
    manager = _manager_username(connection, entry, by_dn, outside)
    if manager is None:
        problems.append(
            Problem(
                where,
                _("responsable « %(dn)s » introuvable dans l'annuaire LDAP.")
                % {"dn": _first(entry.attributes, "manager")},
                order,
            )
        )
    attributes = entry.attributes
    return SourceRow(
        where=where,
        order=order,
        username=entry.username,
        first_name=_first(attributes, "givenName"),
        last_name=_first(attributes, "sn"),
        email=_first(attributes, "mail"),
        department=_first(attributes, "department", "departmentNumber"),
        job_title=_first(attributes, "title"),
        phone=_first(attributes, "telephoneNumber"),
        manager=manager or "",
        groups=tuple(entry.groups),
    )
