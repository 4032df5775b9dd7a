"""The agenda pages at /agenda/: an adapter over the calendars domain."""
