"""WebDAV adapters: the drive at ``/dav/files/`` (WsgiDAV engine, ``app``, ``files``, ``locks``)
and calendars (``caldav``)."""
