"""CardDAV (RFC 6352, RFC 6578) over beffroi's address books and the directory: the same small
adapter as CalDAV's (docs/adr/0005-caldav-engine.md), on ``beffroi.contacts``."""
