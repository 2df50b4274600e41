"""iCalendar files for sessions, so they land in a phone's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone


@lru_cache(maxsize=16)
def _vtimezone(tz: ZoneInfo, year: int) -> Timezone:
    """The VTIMEZONE for events in `year`: its rules from the year before to the year
    after. icalendar works it out transition by transition (milliseconds each time), so
    it is made once, not for each of a thousand invitees."""
    return Timezone.from_tzinfo(
        tz, first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31)
    )


def session_ics(
    *,
    uid: str,
    sequence: int,
    title: str,
    start: datetime,
    duration: timedelta,
    tz: ZoneInfo,
    place: str | None,
    url: str | None,
    description: str,
    stamp: datetime,
    cancelled: bool = False,
) -> bytes:
    """A VCALENDAR with one VEVENT in `tz`, with its VTIMEZONE; SEQUENCE rises on changes."""
    calendar = Calendar()
    calendar.add("prodid", "-//Pactbot//Pactbot//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    local_start = start.astimezone(tz)
    event.add("dtstart", local_start)
    event.add("dtend", local_start + duration)
    event.add("summary", title)
    if place:
        event.add("location", place)
    if url:
        event.add("url", url)
    event.add("description", description)
    if cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(_vtimezone(tz, local_start.year))
    calendar.add_component(event)
    return bytes(calendar.to_ical())
