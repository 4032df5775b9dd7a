"""The scheduling side of an iCalendar object (RFC 5545 §3.8.4, RFC 6638): who organizes, who
attends and how they answered, and the forms the server gives a copy (an attendee's copy, a
cancelled copy, an iTIP message, the "busy" view of a private event).

Functions take and return iCalendar text, so that callers keep the stored-text-is-the-truth rule
of ``models``; they never decide anything (``scheduling`` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import icalendar
from django.utils.translation import gettext as _

PARTSTATS = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED")
# RFC 6638 §3.2.9: the request was delivered / is pending / the address is not known.
DELIVERED = "1.2"
PENDING = "1.0"
SUCCESS = "2.0"
PRIVATE_CLASSES = {"PRIVATE", "CONFIDENTIAL"}
_SCHEDULED = ("VEVENT", "VTODO")


def address(value: Any) -> str:
    """``mailto:Agent@Mairie.fr`` → ``agent@mairie.fr``; other URIs are kept as they are."""
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.lower()


def load(text: str) -> Any:
    return icalendar.Calendar.from_ical(text)


def dump(calendar: Any) -> str:
    return str(calendar.to_ical().decode("utf-8"))


def components(calendar: Any) -> Iterator[Any]:
    for item in calendar.subcomponents:
        if item.name in _SCHEDULED:
            yield item


def _attendees(component: Any) -> list[Any]:
    values = component.get("ATTENDEE")
    if values is None:
        return []
    return list(values) if isinstance(values, list) else [values]


def organizer(calendar: Any) -> str | None:
    for item in components(calendar):
        if "ORGANIZER" in item:
            return address(item["ORGANIZER"])
    return None


def attendees(calendar: Any) -> list[str]:
    """Every attendee's address, over the master and its overridden instances, in order."""
    found: dict[str, None] = {}
    for item in components(calendar):
        for value in _attendees(item):
            found[address(value)] = None
    return list(found)


def attendee_params(calendar: Any, who: str) -> dict[str, str]:
    for item in components(calendar):
        for value in _attendees(item):
            if address(value) == who:
                return {key.upper(): str(param) for key, param in value.params.items()}
    return {}


def partstat(calendar: Any, who: str) -> str | None:
    params = attendee_params(calendar, who)
    return params.get("PARTSTAT", "NEEDS-ACTION") if params else None


def set_attendee(
    calendar: Any, who: str, *, partstat: str | None = None, schedule_status: str | None = None
) -> bool:
    """Set the participation (and the delivery status) of ``who`` everywhere they attend."""
    changed = False
    for item in components(calendar):
        for value in _attendees(item):
            if address(value) != who:
                continue
            if partstat is not None and value.params.get("PARTSTAT") != partstat:
                value.params["PARTSTAT"] = partstat
                changed = True
            if schedule_status is not None:
                value.params["SCHEDULE-STATUS"] = schedule_status
    return changed


def without_schedule_status(calendar: Any) -> Any:
    """The copy attendees receive: delivery statuses are the organizer's business."""
    for item in components(calendar):
        for value in _attendees(item):
            value.params.pop("SCHEDULE-STATUS", None)
        organizer_value = item.get("ORGANIZER")
        if organizer_value is not None:
            organizer_value.params.pop("SCHEDULE-STATUS", None)
    return calendar


def sequence(calendar: Any) -> int:
    values = [int(item.get("SEQUENCE", 0)) for item in components(calendar)]
    return max(values, default=0)


def is_cancelled(calendar: Any) -> bool:
    masters = [item for item in components(calendar) if "RECURRENCE-ID" not in item]
    return any(str(item.get("STATUS", "")).upper() == "CANCELLED" for item in masters)


def cancelled(calendar: Any) -> Any:
    """The object marked cancelled (RFC 6638 §3.2.2.1: what an attendee's copy becomes)."""
    for item in components(calendar):
        item.pop("STATUS", None)
        item.add("STATUS", "CANCELLED")
        current = int(item.get("SEQUENCE", 0))
        item.pop("SEQUENCE", None)
        item.add("SEQUENCE", current + 1)
    return calendar


def message(calendar: Any, method: str, *, only: str | None = None) -> str:
    """An iTIP message (RFC 5546) of the object: METHOD added, and for a REPLY only the
    replying attendee kept."""
    copy = load(dump(calendar))
    copy.pop("METHOD", None)
    copy.add("METHOD", method)
    if only is not None:
        for item in components(copy):
            mine = [value for value in _attendees(item) if address(value) == only]
            item.pop("ATTENDEE", None)
            for value in mine:
                item.add("ATTENDEE", value)
    return dump(without_schedule_status(copy))


def summary(calendar: Any) -> str:
    for item in components(calendar):
        if "RECURRENCE-ID" not in item:
            return str(item.get("SUMMARY", ""))
    return ""


def is_private(component: Any) -> bool:
    return str(component.get("CLASS", "PUBLIC")).upper() in PRIVATE_CLASSES


# What a person without the right to see private details keeps of a private event.
_BUSY_KEPT = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "DURATION",
    "DUE",
    "RRULE",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
    "SEQUENCE",
    "STATUS",
    "TRANSP",
    "CLASS",
    "CREATED",
    "LAST-MODIFIED",
}


def busy_only(text: str) -> str:
    """The text with private components reduced to their times and a « Occupé » summary;
    unchanged (byte for byte) when nothing in it is private."""
    calendar = load(text)
    private = [item for item in components(calendar) if is_private(item)]
    if not private:
        return text
    for item in private:
        for name in list(item.keys()):
            if name.upper() not in _BUSY_KEPT:
                del item[name]
        item.subcomponents = []
        item.add("SUMMARY", _("Occupé"))
    return dump(calendar)
