"""MTA-STS (RFC 8461): a domain's published demand that mail to it travel over verified TLS.

The ``_mta-sts`` TXT record gives the policy's id; the policy itself comes over HTTPS from
``https://mta-sts.<domain>/.well-known/mta-sts.txt`` (short timeout, size limit, the system's
CA bundle, which ``SSL_CERT_FILE`` may replace) and is kept in the cache by domain for its
``max_age`` while the id does not change. Only ``enforce`` changes delivery: MX hosts must match
the policy and present a certificate valid for their name; ``testing`` and ``none`` do not.
A policy that cannot be fetched while a TXT record says there is one is treated as none
(RFC 8461 §5.1, unless a cached one is still valid).
"""

from __future__ import annotations

import logging
import ssl
import urllib.request
from dataclasses import dataclass

from django.core.cache import cache

from beffroi.mail.delivery.routes import RouteError, _resolver, lookup

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 10
MAX_POLICY_BYTES = 64 * 1024
MAX_AGE_SECONDS = 31557600  # RFC 8461 §3.2: at most a year


@dataclass(frozen=True)
class Policy:
    id: str
    mode: str  # "enforce", "testing" or "none"
    mx: tuple[str, ...]
    max_age: int

    @property
    def enforced(self) -> bool:
        return self.mode == "enforce"

    def allows(self, host: str) -> bool:
        """Whether MX ``host`` matches one of the policy's ``mx`` patterns (``*.`` is one
        label)."""
        host = host.lower().rstrip(".")
        for pattern in self.mx:
            if pattern.startswith("*."):
                head, _, rest = host.partition(".")
                if head and rest == pattern[2:]:
                    return True
            elif host == pattern:
                return True
        return False


def parse_policy(text: str, policy_id: str) -> Policy | None:
    """The policy file's fields, or None when it is not a valid STSv1 policy."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    mode = (fields.get("mode") or [""])[0]
    try:
        max_age = int((fields.get("max_age") or [""])[0])
    except ValueError:
        return None
    if fields.get("version") != ["STSv1"] or mode not in ("enforce", "testing", "none"):
        return None
    mx = tuple(value.lower().rstrip(".") for value in fields.get("mx", []))
    if mode != "none" and not mx:
        return None
    return Policy(id=policy_id, mode=mode, mx=mx, max_age=max(0, min(max_age, MAX_AGE_SECONDS)))


def _txt_id(domain: str) -> str | None:
    records = lookup(_resolver(), f"_mta-sts.{domain}", "TXT") or []
    texts = [b"".join(record.strings).decode("ascii", "replace") for record in records]  # type: ignore[attr-defined]
    sts = [text for text in texts if text.startswith("v=STSv1")]
    if len(sts) != 1:
        return None
    for part in sts[0].split(";"):
        key, _, value = part.strip().partition("=")
        if key == "id" and value:
            return value
    return None


def _fetch(domain: str, policy_id: str) -> Policy | None:
    url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    context = ssl.create_default_context()  # honours SSL_CERT_FILE
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS, context=context) as reply:
            if reply.status != 200:
                return None
            body = reply.read(MAX_POLICY_BYTES + 1)
    except (OSError, ValueError) as error:
        logger.warning("MTA-STS policy of %s not fetched: %s", domain, error)
        return None
    if len(body) > MAX_POLICY_BYTES:
        return None
    return parse_policy(body.decode("utf-8", "replace"), policy_id)


def remember(domain: str, policy: Policy) -> None:
    cache.set(f"mail:mta-sts:{domain}", policy, timeout=policy.max_age or 1)


def policy_for(domain: str) -> Policy | None:
    """The domain's MTA-STS policy now: the cached one while its id is still published, else
    fetched afresh."""
    cached: Policy | None = cache.get(f"mail:mta-sts:{domain}")
    try:
        policy_id = _txt_id(domain)
    except RouteError:
        return cached  # DNS down: a cached policy still holds (RFC 8461 §5.1)
    if policy_id is None:
        return cached
    if cached is not None and cached.id == policy_id:
        return cached
    fetched = _fetch(domain, policy_id)
    if fetched is None:
        return cached
    remember(domain, fetched)
    return fetched
