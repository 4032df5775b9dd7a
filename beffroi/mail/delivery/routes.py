"""Where mail for a domain goes: the configured smarthost, else the domain's MX hosts.

MX hosts are looked up with dnspython through the resolvers of ``BEFFROI_MAIL_DNS_RESOLVERS``
only (the ones inbound checks use); without resolvers and without a smarthost nothing leaves
and the message waits (a temporary failure the queue shows). RFC 5321 §5.1: MX hosts by
preference, the domain's own A/AAAA records when it has no MX; RFC 7505: a null MX (``0 .``)
means the domain takes no mail, a permanent failure.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.resolver
from django.conf import settings

from beffroi.mail import authentication


class RouteError(Exception):
    """No way to the domain now (``permanent`` False: try again later) or ever."""

    def __init__(self, text: str, *, permanent: bool, status: str = "") -> None:
        super().__init__(text)
        self.text = text
        self.permanent = permanent
        self.status = status or ("5.4.4" if permanent else "4.4.3")


@dataclass(frozen=True)
class Route:
    """One host to try: its name (for TLS and MTA-STS), the addresses to connect to, the port
    and how the connection is protected (``starttls-opportunistic`` for MX hosts)."""

    name: str
    addresses: tuple[str, ...]
    port: int
    security: str  # "none", "starttls", "tls" (smarthost) or "opportunistic" (MX)
    username: str | None = None
    password: str | None = None


def smarthost_route() -> Route | None:
    relay = settings.MAIL_SMARTHOST
    if relay is None:
        return None
    return Route(
        name=relay.host,
        addresses=(relay.host,),
        port=relay.port,
        security=relay.security,
        username=relay.username,
        password=settings.MAIL_SMARTHOST_PASSWORD,
    )


def _resolver() -> dns.resolver.Resolver:
    if not authentication.configured():
        raise RouteError(
            "no smarthost and no DNS resolvers configured (BEFFROI_MAIL_SMARTHOST, "
            "BEFFROI_MAIL_DNS_RESOLVERS)",
            permanent=False,
        )
    return authentication.Dns().resolver


def lookup(resolver: dns.resolver.Resolver, name: str, kind: str) -> list[dns.rdata.Rdata] | None:
    """The records, [] when the name exists without them, None when it does not exist."""
    try:
        answer = resolver.resolve(name, kind, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return None
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
        raise RouteError(f"DNS lookup of {name} {kind} failed: {error}", permanent=False) from None
    return list(answer)


def addresses_of(resolver: dns.resolver.Resolver, name: str) -> tuple[str, ...]:
    found: list[str] = []
    for kind in ("AAAA", "A"):
        found += [record.to_text() for record in lookup(resolver, name, kind) or []]
    return tuple(found)


def mx_routes(domain: str) -> list[Route]:
    """The MX hosts of ``domain`` by preference (each with its addresses)."""
    resolver = _resolver()
    records = lookup(resolver, domain, "MX")
    if records is None:
        raise RouteError(f"domain {domain} does not exist", permanent=True, status="5.1.2")
    port = settings.MAIL_MX_PORT
    if not records:
        own = addresses_of(resolver, domain)
        if not own:
            raise RouteError(f"no MX nor address for {domain}", permanent=True, status="5.1.2")
        return [Route(name=domain, addresses=own, port=port, security="opportunistic")]
    exchanges = sorted(
        (record.preference, record.exchange.to_text().rstrip(".").lower())  # type: ignore[attr-defined]
        for record in records
    )
    if any(name == "" for _preference, name in exchanges):
        raise RouteError(
            f"{domain} accepts no mail (null MX, RFC 7505)", permanent=True, status="5.1.10"
        )
    routes = []
    for _preference, name in exchanges:
        found = addresses_of(resolver, name)
        if found:
            routes.append(Route(name=name, addresses=found, port=port, security="opportunistic"))
    if not routes:
        raise RouteError(f"no address for the MX hosts of {domain}", permanent=False)
    return routes
