"""Objection period of PS-2.3/PS-2.4 (§ 31 VwVfG NRW, §§ 187 (1), 188 (2), 193 BGB).

Every expected date below was checked by hand against a calendar; NRW holidays:
Fronleichnam Thu 4 Jun 2026, Allerheiligen Sun 1 Nov 2026 / Mon 1 Nov 2027,
Weihnachten Fri 25 + Sat 26 Dec 2026, Karfreitag Fri 26 Mar 2027, Ostermontag Mon 29 Mar 2027.
DST: 29 Mar 2026, 25 Oct 2026, 28 Mar 2027, 31 Oct 2027.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from staffing.deadlines import (
    ObjectionPeriod,
    is_within_period,
    is_working_day,
    objection_period,
    objection_period_end,
    working_day_before,
)

BERLIN = ZoneInfo("Europe/Berlin")
CET = timedelta(hours=1)
CEST = timedelta(hours=2)


def berlin(year, month, day, hour=0, minute=0, second=0, microsecond=0):
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=BERLIN)


def utc(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# (received_at, received_on, nominal_last_day, last_day, ends_at, expected utcoffset of ends_at)
PERIOD_CASES = [
    pytest.param(
        berlin(2026, 1, 14, 10),
        date(2026, 1, 14),
        date(2026, 1, 21),
        date(2026, 1, 21),
        berlin(2026, 1, 22),
        CET,
        id="wednesday-ends-after-next-wednesday",
    ),
    pytest.param(
        berlin(2026, 1, 16, 15, 30),
        date(2026, 1, 16),
        date(2026, 1, 23),
        date(2026, 1, 23),
        berlin(2026, 1, 24),
        CET,
        id="friday-ends-after-next-friday",
    ),
    pytest.param(
        berlin(2026, 1, 17, 9),
        date(2026, 1, 17),
        date(2026, 1, 24),
        date(2026, 1, 26),
        berlin(2026, 1, 27),
        CET,
        id="saturday-moves-to-monday",
    ),
    pytest.param(
        berlin(2026, 1, 18, 9),
        date(2026, 1, 18),
        date(2026, 1, 25),
        date(2026, 1, 26),
        berlin(2026, 1, 27),
        CET,
        id="sunday-moves-to-monday",
    ),
    pytest.param(
        berlin(2026, 5, 28, 11),
        date(2026, 5, 28),
        date(2026, 6, 4),
        date(2026, 6, 5),
        berlin(2026, 6, 6),
        CEST,
        id="fronleichnam-2026-moves-to-friday",
    ),
    pytest.param(
        berlin(2026, 6, 1, 11),
        date(2026, 6, 1),
        date(2026, 6, 8),
        date(2026, 6, 8),
        berlin(2026, 6, 9),
        CEST,
        id="holiday-inside-period-does-not-extend",
    ),
    pytest.param(
        berlin(2027, 10, 25, 8),
        date(2027, 10, 25),
        date(2027, 11, 1),
        date(2027, 11, 2),
        berlin(2027, 11, 3),
        CET,
        id="allerheiligen-2027-monday-moves-to-tuesday",
    ),
    pytest.param(
        berlin(2026, 10, 25, 8),
        date(2026, 10, 25),
        date(2026, 11, 1),
        date(2026, 11, 2),
        berlin(2026, 11, 3),
        CET,
        id="allerheiligen-2026-sunday-moves-to-monday",
    ),
    pytest.param(
        berlin(2026, 12, 17, 8),
        date(2026, 12, 17),
        date(2026, 12, 24),
        date(2026, 12, 24),
        berlin(2026, 12, 25),
        CET,
        id="christmas-eve-is-no-holiday",
    ),
    pytest.param(
        berlin(2026, 12, 18, 8),
        date(2026, 12, 18),
        date(2026, 12, 25),
        date(2026, 12, 28),
        berlin(2026, 12, 29),
        CET,
        id="christmas-2026-moves-to-monday-28th",
    ),
    pytest.param(
        berlin(2027, 3, 19, 8),
        date(2027, 3, 19),
        date(2027, 3, 26),
        date(2027, 3, 30),
        berlin(2027, 3, 31),
        CEST,
        id="karfreitag-to-ostermontag-2027-moves-to-tuesday",
    ),
    pytest.param(
        berlin(2027, 3, 22, 8),
        date(2027, 3, 22),
        date(2027, 3, 29),
        date(2027, 3, 30),
        berlin(2027, 3, 31),
        CEST,
        id="ostermontag-2027-moves-to-tuesday",
    ),
    pytest.param(
        berlin(2027, 3, 20, 8),
        date(2027, 3, 20),
        date(2027, 3, 27),
        date(2027, 3, 30),
        berlin(2027, 3, 31),
        CEST,
        id="saturday-before-easter-2027-moves-to-tuesday",
    ),
    pytest.param(
        berlin(2025, 10, 24, 8),
        date(2025, 10, 24),
        date(2025, 10, 31),
        date(2025, 10, 31),
        berlin(2025, 11, 1),
        CET,
        id="reformationstag-not-a-holiday-in-nrw",
    ),
    pytest.param(
        berlin(2026, 11, 11, 8),
        date(2026, 11, 11),
        date(2026, 11, 18),
        date(2026, 11, 18),
        berlin(2026, 11, 19),
        CET,
        id="buss-und-bettag-not-a-holiday-in-nrw",
    ),
    pytest.param(
        berlin(2026, 12, 30, 8),
        date(2026, 12, 30),
        date(2027, 1, 6),
        date(2027, 1, 6),
        berlin(2027, 1, 7),
        CET,
        id="heilige-drei-koenige-not-a-holiday-in-nrw-across-new-year",
    ),
    pytest.param(
        utc(2026, 11, 24, 23, 30),
        date(2026, 11, 25),
        date(2026, 12, 2),
        date(2026, 12, 2),
        berlin(2026, 12, 3),
        CET,
        id="utc-evening-already-next-day-in-berlin",
    ),
    pytest.param(
        utc(2026, 11, 25, 22, 59, 59),
        date(2026, 11, 25),
        date(2026, 12, 2),
        date(2026, 12, 2),
        berlin(2026, 12, 3),
        CET,
        id="utc-2259-is-still-same-day-in-berlin",
    ),
    pytest.param(
        utc(2026, 11, 25, 23, 0, 0),
        date(2026, 11, 26),
        date(2026, 12, 3),
        date(2026, 12, 3),
        berlin(2026, 12, 4),
        CET,
        id="utc-2300-is-berlin-midnight-of-next-day",
    ),
    pytest.param(
        berlin(2026, 3, 23, 10),
        date(2026, 3, 23),
        date(2026, 3, 30),
        date(2026, 3, 30),
        berlin(2026, 3, 31),
        CEST,
        id="spans-march-dst-change",
    ),
    pytest.param(
        berlin(2026, 10, 19, 10),
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 10, 26),
        berlin(2026, 10, 27),
        CET,
        id="spans-october-dst-change",
    ),
]


@pytest.mark.parametrize(
    ("received_at", "received_on", "nominal_last_day", "last_day", "ends_at", "offset"), PERIOD_CASES
)
def test_period_ends_at_midnight_berlin_after_last_working_day(
    received_at, received_on, nominal_last_day, last_day, ends_at, offset
):
    period = objection_period(received_at)

    assert period.received_at == received_at
    assert period.received_on == received_on
    assert period.nominal_last_day == nominal_last_day
    assert period.last_day == last_day
    assert period.ends_at == ends_at
    assert period.ends_at.utcoffset() == offset
    assert period.ends_at.tzinfo.key == "Europe/Berlin"
    assert (period.ends_at.hour, period.ends_at.minute, period.ends_at.second) == (0, 0, 0)
    assert period.extended is (last_day != nominal_last_day)
    assert objection_period_end(received_at) == ends_at


def test_period_received_on_a_wednesday_ends_at_midnight_after_next_wednesday():
    ends_at = objection_period_end(berlin(2026, 1, 14, 10))

    assert ends_at == berlin(2026, 1, 22)
    assert ends_at.astimezone(UTC) == utc(2026, 1, 21, 23)


def test_period_spanning_march_dst_change_ends_at_2200_utc():
    ends_at = objection_period_end(berlin(2026, 3, 23, 10))

    assert ends_at.isoformat() == "2026-03-31T00:00:00+02:00"
    assert ends_at.utcoffset() == CEST
    assert ends_at.astimezone(UTC) == utc(2026, 3, 30, 22)


def test_period_spanning_october_dst_change_ends_at_2300_utc():
    ends_at = objection_period_end(berlin(2026, 10, 19, 10))

    assert ends_at.isoformat() == "2026-10-27T00:00:00+01:00"
    assert ends_at.utcoffset() == CET
    assert ends_at.astimezone(UTC) == utc(2026, 10, 26, 23)


def test_christmas_2026_receipt_on_friday_18th_ends_at_29th_midnight():
    period = objection_period(berlin(2026, 12, 18, 12))

    assert period.last_day == date(2026, 12, 28)
    assert period.ends_at.isoformat() == "2026-12-29T00:00:00+01:00"


def test_receipt_time_of_day_does_not_change_the_end():
    early = objection_period_end(berlin(2026, 1, 14, 0, 0, 0))
    late = objection_period_end(berlin(2026, 1, 14, 23, 59, 59, 999999))

    assert early == late == berlin(2026, 1, 22)


def test_objection_at_235959_berlin_on_last_day_is_within_period():
    ends_at = objection_period_end(berlin(2026, 1, 14, 10))

    assert is_within_period(ends_at, berlin(2026, 1, 21, 23, 59, 59))
    assert is_within_period(ends_at, berlin(2026, 1, 21, 23, 59, 59, 999999))


def test_objection_at_midnight_after_last_day_is_too_late_and_approval_by_silence_applies():
    ends_at = objection_period_end(berlin(2026, 1, 14, 10))

    assert not is_within_period(ends_at, berlin(2026, 1, 22, 0, 0, 0))
    assert not is_within_period(ends_at, berlin(2026, 1, 22, 0, 0, 1))


def test_is_within_period_compares_instants_across_time_zones():
    ends_at = objection_period_end(berlin(2026, 3, 23, 10))  # 2026-03-31 00:00+02:00

    assert is_within_period(ends_at, utc(2026, 3, 30, 21, 59, 59))
    assert not is_within_period(ends_at, utc(2026, 3, 30, 22, 0, 0))


def test_objection_on_extended_last_day_is_within_period():
    ends_at = objection_period_end(berlin(2026, 12, 18, 8))

    assert is_within_period(ends_at, berlin(2026, 12, 28, 23, 59, 59))
    assert not is_within_period(ends_at, berlin(2026, 12, 29, 0, 0, 0))


def test_naive_received_at_raises_value_error():
    with pytest.raises(ValueError, match="time-zone-aware"):
        objection_period(datetime(2026, 1, 14, 10))


def test_naive_received_at_raises_value_error_in_objection_period_end():
    with pytest.raises(ValueError, match="received_at"):
        objection_period_end(datetime(2026, 1, 14, 10))


def test_naive_instant_in_is_within_period_raises_value_error():
    with pytest.raises(ValueError, match="at must be a time-zone-aware"):
        is_within_period(berlin(2026, 1, 22), datetime(2026, 1, 21, 12))


def test_two_week_setting_is_honoured(settings):
    settings.OBJECTION_PERIOD_WEEKS = 2

    period = objection_period(berlin(2026, 1, 14, 10))

    assert period.nominal_last_day == date(2026, 1, 28)
    assert period.ends_at == berlin(2026, 1, 29)


def test_two_week_setting_still_extends_over_holidays(settings):
    settings.OBJECTION_PERIOD_WEEKS = 2

    period = objection_period(berlin(2026, 12, 11, 10))  # Friday -> Friday 25 Dec 2026

    assert period.nominal_last_day == date(2026, 12, 25)
    assert period.ends_at == berlin(2026, 12, 29)


def test_holiday_subdivision_setting_is_honoured(settings):
    settings.PUBLIC_HOLIDAYS_SUBDIVISION = "SN"  # Buß- und Bettag is a holiday in Saxony

    period = objection_period(berlin(2026, 11, 11, 8))

    assert period.last_day == date(2026, 11, 19)
    assert period.ends_at == berlin(2026, 11, 20)
    assert period.extension_reason == "verlängert wegen Feiertag: Buß- und Bettag"


def test_legal_time_zone_does_not_depend_on_django_time_zone(settings):
    settings.TIME_ZONE = "UTC"

    assert objection_period(utc(2026, 11, 24, 23, 30)).received_on == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("received_at", "reasons", "text"),
    [
        pytest.param(berlin(2026, 1, 14, 10), (), "", id="not-extended"),
        pytest.param(
            berlin(2026, 5, 28, 11),
            ("Feiertag: Fronleichnam",),
            "verlängert wegen Feiertag: Fronleichnam",
            id="fronleichnam",
        ),
        pytest.param(
            berlin(2027, 10, 25, 8),
            ("Feiertag: Allerheiligen",),
            "verlängert wegen Feiertag: Allerheiligen",
            id="allerheiligen",
        ),
        pytest.param(
            berlin(2026, 1, 17, 9),
            ("Wochenende: Samstag", "Wochenende: Sonntag"),
            "verlängert wegen Wochenende (Samstag, Sonntag)",
            id="saturday-receipt",
        ),
        pytest.param(
            berlin(2026, 1, 18, 9),
            ("Wochenende: Sonntag",),
            "verlängert wegen Wochenende (Sonntag)",
            id="sunday-receipt",
        ),
        pytest.param(
            berlin(2027, 3, 20, 8),
            ("Wochenende: Samstag", "Wochenende: Sonntag", "Feiertag: Ostermontag"),
            "verlängert wegen Wochenende und Feiertag: Ostermontag",
            id="weekend-and-ostermontag",
        ),
        pytest.param(
            berlin(2027, 3, 19, 8),
            ("Feiertag: Karfreitag", "Wochenende: Samstag", "Wochenende: Sonntag", "Feiertag: Ostermontag"),
            "verlängert wegen Wochenende und Feiertagen: Karfreitag, Ostermontag",
            id="easter",
        ),
        pytest.param(
            berlin(2026, 12, 18, 8),
            (
                "Feiertag: Erster Weihnachtstag",
                "Feiertag: Zweiter Weihnachtstag",
                "Wochenende: Samstag",
                "Wochenende: Sonntag",
            ),
            "verlängert wegen Wochenende und Feiertagen: Erster Weihnachtstag, Zweiter Weihnachtstag",
            id="christmas",
        ),
    ],
)
def test_extension_reason_texts_name_weekend_and_german_holiday_names(received_at, reasons, text):
    period = objection_period(received_at)

    assert period.extension_reasons == reasons
    assert period.extension_reason == text
    assert period.extended is bool(text)


def test_objection_period_is_frozen():
    period = objection_period(berlin(2026, 1, 14, 10))

    assert isinstance(period, ObjectionPeriod)
    with pytest.raises(AttributeError):
        period.last_day = date(2026, 1, 30)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 1, 14), True, id="ordinary-wednesday"),
        pytest.param(date(2026, 1, 17), False, id="saturday"),
        pytest.param(date(2026, 1, 18), False, id="sunday"),
        pytest.param(date(2026, 6, 4), False, id="fronleichnam"),
        pytest.param(date(2027, 11, 1), False, id="allerheiligen"),
        pytest.param(date(2026, 12, 24), True, id="christmas-eve"),
        pytest.param(date(2026, 12, 25), False, id="christmas-day"),
        pytest.param(date(2027, 3, 26), False, id="karfreitag"),
        pytest.param(date(2027, 3, 29), False, id="ostermontag"),
        pytest.param(date(2025, 10, 31), True, id="reformationstag"),
        pytest.param(date(2026, 11, 18), True, id="buss-und-bettag"),
        pytest.param(date(2027, 1, 6), True, id="heilige-drei-koenige"),
    ],
)
def test_is_working_day_in_nrw(day, expected):
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 1, 22), date(2026, 1, 21), id="ordinary-previous-day"),
        pytest.param(date(2026, 1, 26), date(2026, 1, 23), id="monday-to-friday"),
        pytest.param(date(2026, 12, 28), date(2026, 12, 24), id="over-christmas-to-christmas-eve"),
        pytest.param(date(2027, 3, 30), date(2027, 3, 25), id="over-easter-2027"),
        pytest.param(date(2026, 6, 5), date(2026, 6, 3), id="over-fronleichnam"),
        pytest.param(date(2027, 1, 4), date(2026, 12, 31), id="over-new-year"),
    ],
)
def test_working_day_before_skips_weekends_and_nrw_holidays(day, expected):
    assert working_day_before(day) == expected


def test_reminder_one_working_day_before_end_of_christmas_period():
    period = objection_period(berlin(2026, 12, 18, 8))

    assert working_day_before(period.last_day) == date(2026, 12, 24)
