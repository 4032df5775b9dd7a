"""iCalendar texts the calendar tests share."""

from __future__ import annotations


def event_text(
    uid: str = "conseil-2026-12-01",
    summary: str = "Conseil municipal",
    start: str = "20261201T183000",
    end: str = "20261201T210000",
    *,
    extra: tuple[str, ...] = (),
    calendar_extra: tuple[str, ...] = (),
    tzid: str = "Europe/Paris",
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Beffroi tests//FR",
        *calendar_extra,
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T090000Z",
        f"DTSTART;TZID={tzid}:{start}",
        f"DTEND;TZID={tzid}:{end}",
        f"SUMMARY:{summary}",
        *extra,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def two_events(first_uid: str, second_uid: str) -> str:
    one = event_text(first_uid).split("BEGIN:VEVENT")[1].split("END:VCALENDAR")[0]
    two = event_text(second_uid, "Autre").split("BEGIN:VEVENT")[1].split("END:VCALENDAR")[0]
    head = event_text().split("BEGIN:VEVENT")[0]
    return f"{head}BEGIN:VEVENT{one}BEGIN:VEVENT{two}END:VCALENDAR\r\n"
