"""Answers kept for the length of one request, and not a moment longer.

A WebDAV request asks the same questions many times (who is this agent, which locks lie on this
drive): inside ``per_request(app)``, ``remembered`` computes each answer once; outside a request
(a test, a task, the shell), it computes every time. Whoever changes what an answer depends on
calls ``forget`` with the key's kind.

The memo belongs to the thread that runs the request: the WSGI servers we run (WsgiDAV under
a2wsgi) call the application and consume its answer in one worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _Memo(threading.local):
    answers: dict[tuple[str, Hashable], Any] | None = None


_memo = _Memo()


@contextmanager
def request_memo() -> Iterator[None]:
    """Remember answers until the end of the block (one request)."""
    previous, _memo.answers = _memo.answers, {}
    try:
        yield
    finally:
        _memo.answers = previous


def per_request(app: WSGIApp) -> WSGIApp:
    """``app`` with a fresh memo for each request, dropped when its answer is sent."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with request_memo():
            yield from app(environ, start_response)

    return wrapped


def remembered(kind: str, key: Hashable, compute: Callable[[], T]) -> T:
    """The answer for ``(kind, key)`` of this request, computed on the first question."""
    answers = _memo.answers
    if answers is None:
        return compute()
    if (kind, key) not in answers:
        answers[(kind, key)] = compute()
    answer: T = answers[(kind, key)]
    return answer


def forget(kind: str) -> None:
    """Drop this request's answers of one kind (after a change they depend on)."""
    answers = _memo.answers
    if answers:
        for remembered_key in [k for k in answers if k[0] == kind]:
            del answers[remembered_key]
