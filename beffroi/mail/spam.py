"""A spam score for inbound mail: built-in checks with their weights, and rspamd's verdict over
its HTTP protocol (``POST /checkv2``) when ``BEFFROI_MAIL_RSPAMD_URL`` is set.

The score decides: from ``BEFFROI_MAIL_SPAM_JUNK_SCORE`` the message goes to Junk, from
``BEFFROI_MAIL_SPAM_REJECT_SCORE`` it is refused at DATA. rspamd's own action is honoured on
top (reject, soft reject / greylist: try later, add header / rewrite subject: Junk). rspamd
unreachable or answering nonsense: the built-in score alone, and a line in the log.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import Message as ParsedMessage
from email.utils import getaddresses, parseaddr

from django.conf import settings

from beffroi.mail.authentication import Verdict
from beffroi.mail.index import header
from beffroi.mail.models import Mailbox
from beffroi.mail.queries import is_local_domain

logger = logging.getLogger(__name__)

RSPAMD_TIMEOUT_SECONDS = 10.0
EXECUTABLE_EXTENSIONS = (".exe", ".js", ".vbs", ".scr", ".bat", ".cmd", ".pif", ".com", ".jse")
MASS_MAIL_RECIPIENTS = 5

# The built-in checks' weights. A DMARC failure weighs little by itself: the sender's policy
# (quarantine, reject) is what acts on it; a lure (a look-alike sender, a program) weighs most.
WEIGHTS = {
    "SPF_FAIL": 2.0,
    "SPF_SOFTFAIL": 1.0,
    "DKIM_FAIL": 2.0,
    "DMARC_FAIL": 1.5,
    "DMARC_NONE": 0.5,
    "MISSING_MESSAGE_ID": 1.0,
    "MISSING_DATE": 1.5,
    "FROM_IMPERSONATES_AGENT": 5.0,
    "EXECUTABLE_ATTACHMENT": 6.0,
    "BCC_MASS_MAIL": 2.5,
    "SUBJECT_ALL_CAPS": 1.5,
}


class Action:
    ACCEPT = "accept"
    JUNK = "junk"
    DEFER = "defer"
    REJECT = "reject"


@dataclass(frozen=True)
class SpamVerdict:
    score: float
    action: str
    checks: list[str] = field(default_factory=list)

    @property
    def header(self) -> bytes:
        status = "Yes" if self.action in (Action.JUNK, Action.REJECT) else "No"
        tests = ",".join(self.checks) or "none"
        return (
            f"X-Spam-Score: {self.score:.1f}\r\n"
            f"X-Spam-Status: {status}, score={self.score:.1f} "
            f"required={settings.MAIL_SPAM_JUNK_SCORE}\r\n\ttests={tests}\r\n"
        ).encode("ascii", "replace")


def _folded(text: str) -> str:
    """Lower case, without accents or punctuation: « Mme Édith Piaf » ≈ "mme edith piaf"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


_NAMES_TTL_SECONDS = 60.0
_agent_names: tuple[float, frozenset[str]] = (0.0, frozenset())


def _folded_agent_names() -> frozenset[str]:
    """The folded names of the agents' mailboxes, read at most once a minute (every inbound
    message asks)."""
    global _agent_names
    read_at, names = _agent_names
    if time.monotonic() - read_at > _NAMES_TTL_SECONDS:
        mailboxes = Mailbox.objects.filter(owner__isnull=False).values_list("name", flat=True)
        names = frozenset(_folded(name) for name in mailboxes)
        _agent_names = (time.monotonic(), names)
    return names


def forget_agent_names() -> None:
    global _agent_names
    _agent_names = (0.0, frozenset())


def _impersonates_agent(message: ParsedMessage) -> bool:
    """The From: shows the name of one of our mailboxes with an address that is not ours."""
    name, address = parseaddr(header(message, "from"))
    if not name or "@" not in address:
        return False
    if is_local_domain(address.rpartition("@")[2].lower()):
        return False
    shown = _folded(name)
    if len(shown) < 4:
        return False
    return shown in _folded_agent_names()


def _filenames(message: ParsedMessage) -> list[str]:
    names = []
    for part in message.walk():
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if name:
            names.append(str(name).strip().lower().rstrip("."))
    return names


def _caps(subject: str) -> bool:
    letters = [c for c in subject if c.isalpha()]
    return len(letters) >= 10 and all(c.isupper() for c in letters)


def builtin_checks(
    message: ParsedMessage, recipients: Sequence[str], verdict: Verdict, *, verified: bool
) -> list[str]:
    """The names of the built-in checks the message trips."""
    found = []
    if verdict.spf == "fail":
        found.append("SPF_FAIL")
    elif verdict.spf == "softfail":
        found.append("SPF_SOFTFAIL")
    if "fail" in verdict.dkim and "pass" not in verdict.dkim:
        found.append("DKIM_FAIL")
    if verdict.dmarc == "fail":
        found.append("DMARC_FAIL")
    elif verdict.dmarc == "none" and verified:
        found.append("DMARC_NONE")
    if not header(message, "message-id"):
        found.append("MISSING_MESSAGE_ID")
    if not header(message, "date"):
        found.append("MISSING_DATE")
    if _impersonates_agent(message):
        found.append("FROM_IMPERSONATES_AGENT")
    if any(name.endswith(EXECUTABLE_EXTENSIONS) for name in _filenames(message)):
        found.append("EXECUTABLE_ATTACHMENT")
    shown = {a.lower() for _n, a in getaddresses([header(message, "to"), header(message, "cc")])}
    if len(recipients) >= MASS_MAIL_RECIPIENTS and not shown & {r.lower() for r in recipients}:
        found.append("BCC_MASS_MAIL")
    if _caps(header(message, "subject")):
        found.append("SUBJECT_ALL_CAPS")
    return found


@dataclass(frozen=True)
class RspamdAnswer:
    score: float
    action: str  # rspamd's: no action, add header, rewrite subject, greylist, soft reject, reject
    symbols: list[str]


def ask_rspamd(
    url: str, raw: bytes, *, client_ip: str, helo: str, mail_from: str, recipients: Sequence[str]
) -> RspamdAnswer | None:
    """rspamd's verdict on ``raw`` (its HTTP protocol, ``/checkv2``), or None when it cannot
    be had (logged: the built-in score then decides alone)."""
    if not url.startswith(("http://", "https://")):
        logger.warning("BEFFROI_MAIL_RSPAMD_URL is not an http(s) address, rspamd not asked")
        return None
    endpoint = url.rstrip("/") + "/checkv2"
    request = urllib.request.Request(endpoint, data=raw, method="POST")  # noqa: S310 (http only)
    request.add_header("Ip", client_ip)
    request.add_header("Helo", re.sub(r"[^\x21-\x7e]", "", helo)[:255] or "unknown")
    request.add_header("From", re.sub(r"[^\x21-\x7e]", "", mail_from)[:320])
    for recipient in recipients:
        request.add_header("Rcpt", re.sub(r"[^\x21-\x7e]", "", recipient)[:320])
    request.add_header("Hostname", settings.MAIL_HOSTNAME)
    try:
        with urllib.request.urlopen(request, timeout=RSPAMD_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read(1_000_000))
        return RspamdAnswer(
            score=float(answer["score"]),
            action=str(answer["action"]),
            symbols=sorted(str(name) for name in answer.get("symbols", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("rspamd unreachable, built-in spam score only: %s", error)
        return None


def _action_for(score: float) -> str:
    if score >= settings.MAIL_SPAM_REJECT_SCORE:
        return Action.REJECT
    if score >= settings.MAIL_SPAM_JUNK_SCORE:
        return Action.JUNK
    return Action.ACCEPT


_RSPAMD_ACTIONS = {
    "reject": Action.REJECT,
    "soft reject": Action.DEFER,
    "greylist": Action.DEFER,
    "add header": Action.JUNK,
    "rewrite subject": Action.JUNK,
}
_SEVERITY = [Action.ACCEPT, Action.JUNK, Action.DEFER, Action.REJECT]


def builtin_verdict(
    message: ParsedMessage, recipients: Sequence[str], verdict: Verdict, *, verified: bool
) -> SpamVerdict:
    """The built-in checks' score and action (reads the database: run it where it may)."""
    checks = builtin_checks(message, recipients, verdict, verified=verified)
    score = round(sum(WEIGHTS[name] for name in checks), 1)
    return SpamVerdict(score=score, action=_action_for(score), checks=checks)


def with_rspamd(
    judged: SpamVerdict,
    raw: bytes,
    *,
    client_ip: str,
    helo: str,
    mail_from: str,
    recipients: Sequence[str],
) -> SpamVerdict:
    """``judged`` with rspamd's verdict added when rspamd is configured and answers: the
    scores add up, and the stricter of the two actions wins (no database: it may wait on
    rspamd without holding the thread that serves the database)."""
    if not settings.MAIL_RSPAMD_URL:
        return judged
    answer = ask_rspamd(
        settings.MAIL_RSPAMD_URL,
        raw,
        client_ip=client_ip,
        helo=helo,
        mail_from=mail_from,
        recipients=recipients,
    )
    if answer is None:
        return judged
    score = round(judged.score + answer.score, 1)
    theirs = _RSPAMD_ACTIONS.get(answer.action, Action.ACCEPT)
    action = max(judged.action, _action_for(score), theirs, key=_SEVERITY.index)
    return SpamVerdict(
        score=score, action=action, checks=[*judged.checks, f"RSPAMD({answer.action})"]
    )
