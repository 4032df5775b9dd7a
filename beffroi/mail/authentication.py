"""Who really sent an inbound message: SPF (RFC 7208), DKIM (RFC 6376, with dkimpy) and DMARC
(RFC 7489), written as an ``Authentication-Results`` header (RFC 8601).

Nothing is asked of any outside service unless the administrator configured resolvers
(``BEFFROI_MAIL_DNS_RESOLVERS``): without them the header says ``none``. The DNS lookups are
made with dnspython against those resolvers only.

ARC chains (RFC 8617) are verified with dkimpy and written as ``arc=``; DMARC's organisational
domain comes from the Public Suffix List (``beffroi.mail.public_suffix``). An
``Authentication-Results`` header already in the message that claims to be ours (our
authserv-id) is forged: it is removed before ours is added (RFC 8601 5).

Simplification of this first version, on the safe side: SPF covers ``ip4``, ``ip6``, ``a``,
``mx``, ``include``, ``all`` and ``redirect`` (``exists``, ``ptr`` and macros give
``permerror``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import getaddresses

import dkim  # type: ignore[import-untyped]
import dns.exception
import dns.nameserver
import dns.resolver
from django.conf import settings

from beffroi.mail.index import header, parse
from beffroi.mail.public_suffix import organisational_domain

MAX_LOOKUPS = 10
TIMEOUT_SECONDS = 5.0


class TemporaryDnsError(Exception):
    pass


def configured() -> bool:
    return bool(settings.MAIL_DNS_RESOLVERS)


def _resolver() -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    servers: list[str | dns.nameserver.Nameserver] = []
    for entry in settings.MAIL_DNS_RESOLVERS:
        host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        servers.append(dns.nameserver.Do53Nameserver(host, int(port) if port else 53))
    resolver.nameservers = servers
    resolver.lifetime = TIMEOUT_SECONDS
    return resolver


class Dns:
    """Lookups through the configured resolvers, counted for SPF's limit."""

    def __init__(self) -> None:
        self.resolver = _resolver()
        self.lookups = 0

    def query(self, name: str, kind: str) -> list[str]:
        try:
            answer = self.resolver.resolve(name, kind, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return []
        except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
            raise TemporaryDnsError(str(error)) from error
        if kind == "TXT":
            return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
        if kind == "MX":
            return [record.exchange.to_text().rstrip(".") for record in answer]
        return [record.to_text() for record in answer]

    def dkim_txt(self, name: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes | None:
        records = self.query(name.decode("ascii", "replace").rstrip("."), "TXT")
        return records[0].encode() if records else None


# --- SPF ------------------------------------------------------------------------------------


def _spf_record(dns_: Dns, domain: str) -> str | None:
    records = [r for r in dns_.query(domain, "TXT") if r.lower().startswith("v=spf1")]
    if len(records) != 1:
        return None if not records else "permerror"
    return records[0]


def _addresses_of(dns_: Dns, name: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    found = []
    for kind in ("A", "AAAA"):
        found += [ipaddress.ip_address(text) for text in dns_.query(name, kind)]
    return found


def _in(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, network: str) -> bool:
    try:
        return ip in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _matches(
    dns_: Dns, mechanism: str, value: str, domain: str, ip: ipaddress._BaseAddress
) -> bool:
    target, _, cidr = (value or domain).partition("/")
    suffix = f"/{cidr}" if cidr else ""
    if mechanism == "all":
        return True
    if mechanism in ("ip4", "ip6"):
        return _in(ip, value)  # type: ignore[arg-type]
    dns_.lookups += 1
    if dns_.lookups > MAX_LOOKUPS:
        raise ValueError("too many lookups")
    if mechanism == "a":
        return any(_in(ip, f"{a}{suffix}") for a in _addresses_of(dns_, target))  # type: ignore[arg-type]
    if mechanism == "mx":
        return any(
            _in(ip, f"{a}{suffix}")  # type: ignore[arg-type]
            for exchange in dns_.query(target, "MX")[:10]
            for a in _addresses_of(dns_, exchange)
        )
    if mechanism == "include":
        return check_spf_with(dns_, value, ip) == "pass"
    raise ValueError(f"unsupported mechanism {mechanism}")


_QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}


def check_spf_with(dns_: Dns, domain: str, ip: ipaddress._BaseAddress) -> str:
    record = _spf_record(dns_, domain)
    if record is None:
        return "none"
    if record == "permerror" or "%" in record:
        return "permerror"
    redirect = None
    try:
        for term in record.split()[1:]:
            if term.lower().startswith("redirect="):
                redirect = term.split("=", 1)[1]
                continue
            if "=" in term:
                continue  # other modifiers (exp=) change nothing here
            qualifier = term[0] if term[0] in _QUALIFIERS else "+"
            body = term[1:] if term[0] in _QUALIFIERS else term
            mechanism, _, value = body.partition(":")
            mechanism, _, cidr = mechanism.partition("/")
            if cidr:
                value = f"{value}/{cidr}"
            if _matches(dns_, mechanism.lower(), value, domain, ip):
                return _QUALIFIERS[qualifier]
        if redirect:
            dns_.lookups += 1
            if dns_.lookups > MAX_LOOKUPS:
                return "permerror"
            result = check_spf_with(dns_, redirect, ip)
            return "permerror" if result == "none" else result
    except ValueError:
        return "permerror"
    return "neutral"


# --- DKIM and DMARC ------------------------------------------------------------------------


def _organisational(domain: str) -> str:
    return organisational_domain(domain)


def _aligned(one: str, other: str) -> bool:
    return bool(one) and bool(other) and _organisational(one) == _organisational(other)


def _dkim(dns_: Dns, raw: bytes) -> list[tuple[str, str]]:
    """(result, d=) of each DKIM signature."""
    verifier = dkim.DKIM(raw, minkey=1024, timeout=TIMEOUT_SECONDS)
    results = []
    signatures = [value for name, value in verifier.headers if name.lower() == b"dkim-signature"]
    for index, value in enumerate(signatures[:5]):
        match = re.search(rb"(?:^|;)\s*d\s*=\s*([^;\s]+)", value)
        signer = match.group(1).decode("ascii", "replace") if match else ""
        try:
            passed = verifier.verify(idx=index, dnsfunc=dns_.dkim_txt)
        except TemporaryDnsError:
            results.append(("temperror", signer))
            continue
        except Exception:
            passed = False
        results.append(("pass" if passed else "fail", signer))
    return results


def _dmarc_policy(dns_: Dns, domain: str) -> dict[str, str] | None:
    for name in dict.fromkeys([domain, _organisational(domain)]):
        records = [r for r in dns_.query(f"_dmarc.{name}", "TXT") if r.startswith("v=DMARC1")]
        if len(records) == 1:
            tags = {}
            for part in records[0].split(";"):
                key, _, value = part.strip().partition("=")
                tags[key.strip().lower()] = value.strip().lower()
            return tags
    return None


@dataclass(frozen=True)
class Verdict:
    header: bytes
    dmarc: str  # pass, fail, none, temperror
    policy: str  # none, quarantine, reject (what the sender's domain asks on failure)
    spf: str = "none"
    dkim: tuple[str, ...] = ()  # the result of each signature
    arc: str = "none"


def _arc(dns_: Dns, raw: bytes) -> str:
    """The ARC chain's validation (pass, fail, none): what a forwarder vouched for."""
    if not re.search(rb"(?im)^arc-seal:", raw.partition(b"\r\n\r\n")[0]):
        return "none"
    try:
        result, _sets, _reason = dkim.arc_verify(
            raw, dnsfunc=dns_.dkim_txt, timeout=TIMEOUT_SECONDS
        )
    except TemporaryDnsError:
        return "temperror"
    except Exception:
        return "fail"
    text = result.decode("ascii", "replace") if isinstance(result, bytes) else str(result)
    return text if text in ("pass", "fail", "none") else "fail"


def _fields(head: bytes) -> list[bytes]:
    """The header fields of a header block, each with its continuation lines."""
    fields: list[bytes] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\r\n" + line
        else:
            fields.append(line)
    return fields


def _authserv_id(field: bytes) -> str:
    value = field.partition(b":")[2].decode("utf-8", "replace")
    value = re.sub(r"\([^)]*\)", "", value)  # comments (RFC 5322 CFWS)
    return value.split(";", 1)[0].strip().lower()


def strip_forged_results(raw: bytes) -> bytes:
    """``raw`` without the Authentication-Results fields that claim our authserv-id (only
    we may write those; one from outside is a forgery meant to look verified)."""
    ours = settings.MAIL_HOSTNAME.lower()
    head, separator, body = raw.partition(b"\r\n\r\n")
    kept = [
        field
        for field in _fields(head)
        if not (
            field.lower().startswith(b"authentication-results:") and _authserv_id(field) == ours
        )
    ]
    return b"\r\n".join(kept) + separator + body


def _clean(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.@+_=-]", "", text)[:255]


def verify(raw: bytes, mail_from: str, helo: str, client_ip: str) -> Verdict:
    """SPF, DKIM and DMARC results for an inbound message (``none`` when not configured)."""
    authserv = settings.MAIL_HOSTNAME
    if not configured():
        return Verdict(f"Authentication-Results: {authserv}; none\r\n".encode(), "none", "none")
    dns_ = Dns()
    ip = ipaddress.ip_address(client_ip)
    spf_domain = mail_from.rpartition("@")[2] if "@" in mail_from else helo
    try:
        spf = check_spf_with(dns_, spf_domain, ip) if spf_domain else "none"
    except TemporaryDnsError:
        spf = "temperror"
    signatures = _dkim(dns_, raw)
    arc = _arc(dns_, raw)
    senders = [a for _n, a in getaddresses([header(parse(raw), "from")]) if "@" in a]
    from_domain = senders[0].rpartition("@")[2].lower() if len(senders) == 1 else ""
    dmarc, policy = "none", "none"
    if from_domain:
        try:
            tags = _dmarc_policy(dns_, from_domain)
        except TemporaryDnsError:
            tags, dmarc = None, "temperror"
        if tags is not None:
            aligned = (spf == "pass" and _aligned(spf_domain, from_domain)) or any(
                result == "pass" and _aligned(signer, from_domain) for result, signer in signatures
            )
            dmarc = "pass" if aligned else "fail"
            policy = tags.get("p", "none") if tags.get("p") in ("quarantine", "reject") else "none"
    parts = [f"spf={spf} smtp.mailfrom={_clean(spf_domain) or 'unknown'}"]
    parts += [f"dkim={result} header.d={_clean(signer)}" for result, signer in signatures] or [
        "dkim=none"
    ]
    parts.append(f"dmarc={dmarc} header.from={_clean(from_domain) or 'unknown'}")
    parts.append(f"arc={arc}")
    text = f"Authentication-Results: {authserv};\r\n\t" + ";\r\n\t".join(parts) + "\r\n"
    return Verdict(
        text.encode(),
        dmarc,
        policy,
        spf=spf,
        dkim=tuple(result for result, _signer in signatures),
        arc=arc,
    )
