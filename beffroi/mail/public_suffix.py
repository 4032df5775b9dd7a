"""The organisational domain of a name (RFC 7489 3.2), for DMARC alignment: the public suffix
(``fr``, ``gouv.fr``, ``co.uk``…) and one label more.

The suffixes come from the Public Suffix List as Debian ships it (package ``publicsuffix``),
else from the PyPI package ``publicsuffixlist`` when installed; without either, the last two
labels (strict alignment for names under a multi-label suffix, the safe side), logged once.
"""

from __future__ import annotations

import functools
import importlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEBIAN_LIST = Path("/usr/share/publicsuffix/public_suffix_list.dat")


@dataclass(frozen=True)
class SuffixRules:
    normal: frozenset[str]
    wildcard: frozenset[str]  # "*.ck" kept as "ck"
    exception: frozenset[str]  # "!www.ck" kept as "www.ck"


def _ascii(rule: str) -> str:
    try:
        return rule.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return rule.lower()


def parse_rules(text: str) -> SuffixRules:
    normal, wildcard, exception = set(), set(), set()
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].startswith("//"):
            continue
        rule = words[0]
        if rule.startswith("!"):
            exception.add(_ascii(rule[1:]))
        elif rule.startswith("*."):
            wildcard.add(_ascii(rule[2:]))
        else:
            normal.add(_ascii(rule))
    return SuffixRules(frozenset(normal), frozenset(wildcard), frozenset(exception))


@functools.cache
def _rules() -> SuffixRules | None:
    if DEBIAN_LIST.is_file():
        return parse_rules(DEBIAN_LIST.read_text(encoding="utf-8"))
    return None


@functools.cache
def _pypi_list() -> Any:
    try:
        module = importlib.import_module("publicsuffixlist")
    except ImportError:
        logger.warning(
            "no public suffix list (Debian publicsuffix or PyPI publicsuffixlist): DMARC "
            "alignment uses the last two labels"
        )
        return None
    return module.PublicSuffixList()


def suffix_length(labels: list[str], rules: SuffixRules) -> int:
    """How many labels at the end of ``labels`` are the public suffix (at least one: the
    list's implicit ``*`` rule)."""
    best = 1
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in rules.exception:
            return len(labels) - start - 1
        if candidate in rules.normal:
            best = max(best, len(labels) - start)
        if start + 1 < len(labels) and ".".join(labels[start + 1 :]) in rules.wildcard:
            best = max(best, len(labels) - start)
    return best


def organisational_domain(domain: str, rules: SuffixRules | None = None) -> str:
    name = domain.lower().rstrip(".")
    labels = name.split(".")
    chosen = rules or _rules()
    if chosen is None:
        pypi = _pypi_list()
        if pypi is not None:
            return str(pypi.privatesuffix(name) or name)
        return ".".join(labels[-2:])
    keep = suffix_length(labels, chosen) + 1
    return ".".join(labels[-keep:]) if keep <= len(labels) else name
