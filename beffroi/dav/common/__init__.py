"""Pieces the DAV adapters of our own (CalDAV, CardDAV) share: the ASGI face, the request and
answer, DAV XML, the handler's frame (authentication, errors), PROPFIND and PROPPATCH, the
REPORTs' multiget and sync-collection."""
