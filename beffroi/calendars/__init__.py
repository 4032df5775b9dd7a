"""Calendars: agendas, their events and the change log that CalDAV sync tokens read."""
