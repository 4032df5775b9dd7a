"""A tiny authoritative DNS server on loopback for the sender-authentication tests: it answers
from a dictionary, over UDP, with dnspython."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Records = dict[tuple[str, str], list[str]]


def _answer(records: Records, data: bytes) -> bytes:
    query = dns.message.from_wire(data)
    response = dns.message.make_response(query)
    question = query.question[0]
    name = question.name.to_text().rstrip(".").lower()
    kind = dns.rdatatype.to_text(question.rdtype)
    values = records.get((name, kind))
    if values:
        response.answer.append(
            dns.rrset.from_text_list(question.name, 60, dns.rdataclass.IN, kind, values)
        )
    elif not any(key[0] == name for key in records):
        response.set_rcode(dns.rcode.NXDOMAIN)
    return response.to_wire()


@contextmanager
def dns_server(records: Records) -> Iterator[str]:
    """Serve ``records`` ({(name, type): [rdata text]}); yields "127.0.0.1:port"."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, client = server.recvfrom(4096)
            except TimeoutError:
                continue
            server.sendto(_answer(records, data), client)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        server.close()
