"""CalDAV (RFC 4791, RFC 6578) over beffroi's calendars: a small adapter of our own.

See docs/adr/0005-caldav-engine.md for why it is ours rather than Radicale's. The adapter parses
the request, calls ``beffroi.calendars.access`` and ``actions``, and renders DAV XML; it keeps
no state of its own.
"""
