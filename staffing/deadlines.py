"""Objection period ("Wochenfrist") for a notice of a planned placement.

Rules implemented here:

* PS-2.3 – the coordination office may object to a notified placement within one week
  of receiving the notice (``OBJECTION_PERIOD_WEEKS``, default 1).
* PS-2.4 – if no objection has been received when the period has ended, the placement
  counts as approved (approval by silence); an objection received at 23:59:59 on the
  last day is in time.
* The period is computed as German administrative law requires (§ 31 Abs. 1 VwVfG NRW):
  - § 187 Abs. 1 BGB: the day on which the notice is received does not count;
  - § 188 Abs. 2 BGB: a period of weeks ends at the end (24:00) of the day of the last
    week that has the same weekday name as the day of receipt;
  - § 193 BGB (and § 31 Abs. 3 VwVfG NRW): if that day is a Saturday, a Sunday or a
    public holiday at the place of performance (North Rhine-Westphalia), the period
    ends at the end of the next working day.
* All calendar days are taken in the legal time zone (``LEGAL_TIME_ZONE``, default
  Europe/Berlin) regardless of ``settings.TIME_ZONE``; public holidays come from the
  ``holidays`` package (``PUBLIC_HOLIDAYS_COUNTRY`` "DE", ``PUBLIC_HOLIDAYS_SUBDIVISION``
  "NW").

Settings are read lazily at call time, so they can be overridden in tests.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format
from django.utils.translation import override

__all__ = [
    "ObjectionPeriod",
    "format_period_end",
    "is_within_period",
    "is_working_day",
    "objection_period",
    "objection_period_end",
    "working_day_before",
]

DEFAULT_OBJECTION_PERIOD_WEEKS = 1
DEFAULT_PUBLIC_HOLIDAYS_COUNTRY = "DE"
DEFAULT_PUBLIC_HOLIDAYS_SUBDIVISION = "NW"
DEFAULT_LEGAL_TIME_ZONE = "Europe/Berlin"

GERMAN_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
SATURDAY = 5

WEEKEND_PREFIX = "Wochenende: "
HOLIDAY_PREFIX = "Feiertag: "


@dataclass(frozen=True)
class ObjectionPeriod:
    """Result of the period computation under PS-2.3 / §§ 187 (1), 188 (2), 193 BGB."""

    received_at: datetime
    received_on: date
    nominal_last_day: date
    last_day: date
    ends_at: datetime
    extension_reasons: tuple[str, ...] = ()

    @property
    def extended(self) -> bool:
        """Whether § 193 BGB moved the end beyond the nominal last day."""
        return self.last_day != self.nominal_last_day

    @property
    def extension_reason(self) -> str:
        """German one-line explanation of a § 193 BGB extension ("" if not extended)."""
        if not self.extended:
            return ""
        weekend_days = _unique(
            r.removeprefix(WEEKEND_PREFIX) for r in self.extension_reasons if r.startswith(WEEKEND_PREFIX)
        )
        holiday_names = _unique(
            r.removeprefix(HOLIDAY_PREFIX) for r in self.extension_reasons if r.startswith(HOLIDAY_PREFIX)
        )
        holiday_label = "Feiertag" if len(holiday_names) == 1 else "Feiertagen"
        if weekend_days and holiday_names:
            return f"verlängert wegen Wochenende und {holiday_label}: {', '.join(holiday_names)}"
        if holiday_names:
            return f"verlängert wegen {holiday_label}: {', '.join(holiday_names)}"
        return f"verlängert wegen Wochenende ({', '.join(weekend_days)})"


def objection_period(received_at: datetime) -> ObjectionPeriod:
    """Compute the objection period of PS-2.3 per § 31 VwVfG NRW with §§ 187 (1), 188 (2), 193 BGB."""
    _require_aware(received_at, "received_at")
    tz = legal_time_zone()
    received_on = received_at.astimezone(tz).date()
    # § 187 (1) + § 188 (2) BGB: same weekday name, N weeks later.
    nominal_last_day = received_on + timedelta(weeks=_objection_period_weeks())

    # § 193 BGB: move past Saturdays, Sundays and public holidays.
    last_day = nominal_last_day
    reasons: list[str] = []
    while True:
        day_reasons = _non_working_reasons(last_day)
        if not day_reasons:
            break
        reasons.extend(day_reasons)
        last_day += timedelta(days=1)

    ends_at = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    return ObjectionPeriod(
        received_at=received_at,
        received_on=received_on,
        nominal_last_day=nominal_last_day,
        last_day=last_day,
        ends_at=ends_at,
        extension_reasons=tuple(reasons),
    )


def objection_period_end(received_at: datetime) -> datetime:
    """Return the instant the PS-2.3 period ends (00:00 legal time after the last day, § 188 (2) BGB)."""
    return objection_period(received_at).ends_at


def is_within_period(ends_at: datetime, at: datetime) -> bool:
    """Tell whether an objection at ``at`` is in time (PS-2.4: in time until ``ends_at``, exclusive)."""
    _require_aware(ends_at, "ends_at")
    _require_aware(at, "at")
    return at < ends_at


def is_working_day(d: date) -> bool:
    """Tell whether ``d`` is a working day in the sense of § 193 BGB (not Sat/Sun/public holiday)."""
    return not _non_working_reasons(d)


def working_day_before(d: date) -> date:
    """Return the last § 193 BGB working day strictly before ``d`` (for the reminder before the end)."""
    day = d - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def legal_time_zone() -> ZoneInfo:
    """Return the zone in which calendar days are counted for §§ 187, 188 BGB (LEGAL_TIME_ZONE)."""
    return _zone(getattr(settings, "LEGAL_TIME_ZONE", DEFAULT_LEGAL_TIME_ZONE))


def holiday_names(d: date) -> list[str]:
    """Return the German names of the public holidays on ``d`` that count for § 193 BGB."""
    country = getattr(settings, "PUBLIC_HOLIDAYS_COUNTRY", DEFAULT_PUBLIC_HOLIDAYS_COUNTRY)
    subdiv = getattr(settings, "PUBLIC_HOLIDAYS_SUBDIVISION", DEFAULT_PUBLIC_HOLIDAYS_SUBDIVISION)
    return _holiday_calendar(country, subdiv or None, d.year, d.year).get_list(d)


def format_period_end(notice) -> str:
    """PS-2.3: the end of a notice's period as users read it: "Mittwoch, 02.12.2026, 24:00 Uhr" (German,
    in pages, e-mails and calendar entries alike); "" while the notice has no period."""
    if not notice.period_last_day:
        return ""
    with override("de"):
        return f"{date_format(notice.period_last_day, 'l, d.m.Y')}, 24:00 Uhr"


@functools.lru_cache(maxsize=64)
def _holiday_calendar(
    country: str, subdiv: str | None, first_year: int, last_year: int
) -> holidays.HolidayBase:
    """Build (once per year range) the public-holiday calendar used for § 193 BGB."""
    return holidays.country_holidays(
        country,
        subdiv=subdiv,
        years=range(first_year, last_year + 1),
        language="de",
        expand=False,
    )


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    """Load the legal time zone for §§ 187, 188 BGB day counting."""
    return ZoneInfo(name)


def _objection_period_weeks() -> int:
    """Read the PS-2.3 period length in weeks (OBJECTION_PERIOD_WEEKS, default 1)."""
    weeks = int(getattr(settings, "OBJECTION_PERIOD_WEEKS", DEFAULT_OBJECTION_PERIOD_WEEKS))
    if weeks < 1:
        raise ImproperlyConfigured(f"OBJECTION_PERIOD_WEEKS must be at least 1, got {weeks}.")
    return weeks


def _non_working_reasons(d: date) -> list[str]:
    """List why ``d`` is no working day under § 193 BGB (holidays first, then the weekend)."""
    reasons = [f"{HOLIDAY_PREFIX}{name}" for name in holiday_names(d)]
    if d.weekday() >= SATURDAY:
        reasons.append(f"{WEEKEND_PREFIX}{GERMAN_WEEKDAYS[d.weekday()]}")
    return reasons


def _require_aware(value: datetime, name: str) -> None:
    """Reject naive datetimes: §§ 187, 188 BGB days are only defined for a known instant."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a time-zone-aware datetime (e.g. django.utils.timezone.now()), "
            f"got the naive datetime {value.isoformat()}."
        )


def _unique(items) -> list[str]:
    """Deduplicate while keeping order, for the extension text of § 193 BGB."""
    return list(dict.fromkeys(items))
