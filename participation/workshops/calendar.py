"""An RFC 5545 iCalendar file for a workshop: CRLF lines folded at 75 octets, escaped text, Paris time."""

from __future__ import annotations

from datetime import UTC, datetime

from participation.i18n import PARIS
from participation.workshops.models import Workshop

# Europe/Paris since 1996: CET/CEST, switching on the last Sundays of March and October.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character (§3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for character in line:
        length = len(character.encode("utf-8"))
        if size + length > limit:
            parts.append(current)
            current, size, limit = character, length, 74  # continuation lines start with a space
        else:
            current += character
            size += length
    parts.append(current)
    return "\r\n ".join(parts)


def _local(value: datetime) -> str:
    return value.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def workshop_calendar(workshop: Workshop, *, url: str, host: str, now: datetime) -> str:
    """The VCALENDAR text of one workshop (cancelled workshops say so, with a higher SEQUENCE)."""
    location = ", ".join(part for part in (workshop.place, workshop.address) if part)
    description_parts = [workshop.description.strip()] if workshop.description.strip() else []
    if workshop.directions:
        description_parts.append(workshop.directions)
    description_parts.append(url)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Participation//Ateliers des conseils citoyens//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:workshop-{workshop.id}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"CREATED:{_utc(workshop.created_at)}",
        f"LAST-MODIFIED:{_utc(workshop.updated_at)}",
        f"SEQUENCE:{workshop.sequence}",
        f"DTSTART;TZID=Europe/Paris:{_local(workshop.starts_at)}",
        f"DTEND;TZID=Europe/Paris:{_local(workshop.ends_at)}",
        f"SUMMARY:{escape_text(workshop.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description_parts))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if workshop.is_cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
