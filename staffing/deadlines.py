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

Issue 17, point 1: a district keeps its own agreement settings (``staffing.models.AgreementRuleSet``):
period length, the Land (or the finer region, e.g. the city of Augsburg) whose public holidays move
the end, the holidays of predominantly Catholic communities where the Land has them, and the reminder
lead time. Every function here takes those settings as ``rules`` (a ``Rules``); without them the
environment's defaults apply (``default_rules``).
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
    "Rules",
    "default_rules",
    "reminder_day",
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
DEFAULT_REMINDER_WORKING_DAYS = 1

# Issue 17: the regions whose public holidays the `holidays` package knows for Germany: the 16 Länder and,
# finer, the city of Augsburg (Bavaria's holidays plus Mariä Himmelfahrt and the Hohes Friedensfest).
HOLIDAY_REGIONS = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
    "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
    "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
    "Augsburg": "Bayern: Stadt Augsburg (mit Augsburger Hohem Friedensfest)",
}
# Länder with holidays only in predominantly Catholic communities (the package's "catholic" category):
# Bavaria (Mariä Himmelfahrt), Saxony and Thuringia (Fronleichnam, in some communities).
CATHOLIC_REGIONS = ("BY", "SN", "TH")


@dataclass(frozen=True)
class Rules:
    """Issue 17: the settings of a district that the PS-2.3 computations read (see AgreementRuleSet)."""

    weeks: int = DEFAULT_OBJECTION_PERIOD_WEEKS
    region: str = DEFAULT_PUBLIC_HOLIDAYS_SUBDIVISION
    catholic: bool = False
    reminder_working_days: int = DEFAULT_REMINDER_WORKING_DAYS
    country: str = DEFAULT_PUBLIC_HOLIDAYS_COUNTRY


def default_rules() -> Rules:
    """Issue 17: the environment's settings, for a district without its own rule set (and its first one)."""
    return Rules(
        weeks=_objection_period_weeks(),
        region=getattr(settings, "PUBLIC_HOLIDAYS_SUBDIVISION", DEFAULT_PUBLIC_HOLIDAYS_SUBDIVISION) or "",
        catholic=bool(getattr(settings, "PUBLIC_HOLIDAYS_CATHOLIC", False)),
        reminder_working_days=int(getattr(settings, "REMINDER_WORKING_DAYS", DEFAULT_REMINDER_WORKING_DAYS)),
        country=getattr(settings, "PUBLIC_HOLIDAYS_COUNTRY", DEFAULT_PUBLIC_HOLIDAYS_COUNTRY),
    )

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


def objection_period(received_at: datetime, rules: Rules | None = None) -> ObjectionPeriod:
    """Compute the objection period of PS-2.3 per § 31 VwVfG NRW with §§ 187 (1), 188 (2), 193 BGB, under the
    district's rules (issue 17: period length, the Land's holidays)."""
    _require_aware(received_at, "received_at")
    rules = rules or default_rules()
    if rules.weeks < 1:
        raise ImproperlyConfigured(f"The period must be at least one week, got {rules.weeks}.")
    tz = legal_time_zone()
    received_on = received_at.astimezone(tz).date()
    # § 187 (1) + § 188 (2) BGB: same weekday name, N weeks later.
    nominal_last_day = received_on + timedelta(weeks=rules.weeks)

    # § 193 BGB: move past Saturdays, Sundays and public holidays.
    last_day = nominal_last_day
    reasons: list[str] = []
    while True:
        day_reasons = _non_working_reasons(last_day, rules)
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


def objection_period_end(received_at: datetime, rules: Rules | None = None) -> datetime:
    """Return the instant the PS-2.3 period ends (00:00 legal time after the last day, § 188 (2) BGB)."""
    return objection_period(received_at, rules).ends_at


def is_within_period(ends_at: datetime, at: datetime) -> bool:
    """Tell whether an objection at ``at`` is in time (PS-2.4: in time until ``ends_at``, exclusive)."""
    _require_aware(ends_at, "ends_at")
    _require_aware(at, "at")
    return at < ends_at


def is_working_day(d: date, rules: Rules | None = None) -> bool:
    """Tell whether ``d`` is a working day in the sense of § 193 BGB (not Sat/Sun/public holiday)."""
    return not _non_working_reasons(d, rules)


def working_day_before(d: date, rules: Rules | None = None, *, count: int = 1) -> date:
    """Return the ``count``-th § 193 BGB working day strictly before ``d`` (for the reminder before the end)."""
    day = d
    for _step in range(max(1, count)):
        day -= timedelta(days=1)
        while not is_working_day(day, rules):
            day -= timedelta(days=1)
    return day


def reminder_day(last_day: date, rules: Rules | None = None) -> date:
    """PS-2.3 (issue 17): the day the reminder is due, the district's lead time in working days before the
    last day of the period."""
    rules = rules or default_rules()
    return working_day_before(last_day, rules, count=rules.reminder_working_days)


def legal_time_zone() -> ZoneInfo:
    """Return the zone in which calendar days are counted for §§ 187, 188 BGB (LEGAL_TIME_ZONE)."""
    return _zone(getattr(settings, "LEGAL_TIME_ZONE", DEFAULT_LEGAL_TIME_ZONE))


def holiday_names(d: date, rules: Rules | None = None) -> list[str]:
    """Return the German names of the public holidays on ``d`` that count for § 193 BGB in the district's
    Land (issue 17), with the holidays of Catholic communities where the district chose them."""
    rules = rules or default_rules()
    catholic = rules.catholic and rules.region in CATHOLIC_REGIONS
    return _holiday_calendar(rules.country, rules.region or None, d.year, d.year, catholic).get_list(d)


def format_period_end(notice) -> str:
    """PS-2.3: the end of a notice's period as users read it: "Mittwoch, 02.12.2026, 24:00 Uhr" (German,
    in pages, e-mails and calendar entries alike); "" while the notice has no period."""
    if not notice.period_last_day:
        return ""
    with override("de"):
        return f"{date_format(notice.period_last_day, 'l, d.m.Y')}, 24:00 Uhr"


@functools.lru_cache(maxsize=64)
def _holiday_calendar(
    country: str, subdiv: str | None, first_year: int, last_year: int, catholic: bool = False
) -> holidays.HolidayBase:
    """Build (once per year range) the public-holiday calendar used for § 193 BGB."""
    return holidays.country_holidays(
        country,
        subdiv=subdiv,
        years=range(first_year, last_year + 1),
        language="de",
        expand=False,
        categories=("public", "catholic") if catholic else ("public",),
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


def _non_working_reasons(d: date, rules: Rules | None = None) -> list[str]:
    """List why ``d`` is no working day under § 193 BGB (holidays first, then the weekend)."""
    reasons = [f"{HOLIDAY_PREFIX}{name}" for name in holiday_names(d, rules)]
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
