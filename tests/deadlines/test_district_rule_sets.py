"""Issue 17, point 1: each district's own agreement settings (AgreementRuleSet).

The same receipt gives a different, correct end of the period in districts of different Länder; a change
of the settings applies only to notices received afterwards; the change is audited and scoped.

Calendars checked by hand (holidays 0.109, German Länder laws):
- Fronleichnam Thu 27.05.2027: holiday in NW and BY, not in BE or NI.
- Internationaler Frauentag Mon 08.03.2027: holiday in BE (since 2019), not in NW.
- Allerheiligen Mon 01.11.2027: holiday in NW and BY, not in NI or BE (DST ended 31.10.2027).
- Mariä Himmelfahrt Tue 15.08.2028: in BY only in predominantly Catholic communities (and in the city of
  Augsburg), not in NW.
- Augsburger Hohes Friedensfest Tue 08.08.2028: holiday only in the city of Augsburg.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from staffing import services
from staffing.deadlines import Rules, objection_period, reminder_day
from staffing.models import AgreementRuleSet, NoticeState, Organisation, PlacementNotice

from ..factories import CityFactory, DistrictFactory, RegionalOfficeFactory, city_clerk, district_user
from ..workflow.helpers import complete_draft

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def end_in(region, received_at, *, catholic=False, weeks=1):
    return objection_period(received_at, Rules(weeks=weeks, region=region, catholic=catholic)).ends_at


# --- the same receipt in different Länder --------------------------------------------------------------

def test_fronleichnam_moves_the_end_in_nrw_but_not_in_berlin():
    received = berlin(2027, 5, 20, 10)  # Thursday; the nominal last day is Fronleichnam, Thu 27.05.2027
    assert end_in("NW", received) == berlin(2027, 5, 29)  # Fri 28.05., 24:00
    assert end_in("BY", received) == berlin(2027, 5, 29)
    assert end_in("BE", received) == berlin(2027, 5, 28)  # Thu 27.05., 24:00: a working day in Berlin
    period = objection_period(received, Rules(region="NW"))
    assert period.extension_reason == "verlängert wegen Feiertag: Fronleichnam"


def test_the_international_womens_day_moves_the_end_in_berlin_but_not_in_nrw():
    received = berlin(2027, 3, 1, 9)  # Monday; the nominal last day is Mon 08.03.2027
    assert end_in("BE", received) == berlin(2027, 3, 10)  # Tue 09.03., 24:00
    assert end_in("NW", received) == berlin(2027, 3, 9)  # Mon 08.03., 24:00
    assert objection_period(received, Rules(region="BE")).extension_reason == "verlängert wegen Feiertag: Frauentag"


def test_allerheiligen_moves_the_end_in_bavaria_but_not_in_lower_saxony():
    received = berlin(2027, 10, 25, 14)  # Monday (CEST); the nominal last day is Allerheiligen, Mon 01.11.
    assert end_in("BY", received) == berlin(2027, 11, 3)  # Tue 02.11., 24:00 (CET)
    assert end_in("NW", received) == berlin(2027, 11, 3)
    assert end_in("NI", received) == berlin(2027, 11, 2)  # Mon 01.11., 24:00
    assert end_in("BY", received).utcoffset().total_seconds() == 3600


def test_mariae_himmelfahrt_counts_in_bavarias_catholic_communities_not_in_nrw():
    received = berlin(2028, 8, 8, 11)  # Tuesday; the nominal last day is Tue 15.08.2028
    assert end_in("BY", received, catholic=True) == berlin(2028, 8, 17)  # Wed 16.08., 24:00
    assert end_in("BY", received) == berlin(2028, 8, 16)  # a Bavarian community without the holiday
    assert end_in("NW", received) == berlin(2028, 8, 16)  # Tue 15.08., 24:00
    assert end_in("NW", received, catholic=True) == berlin(2028, 8, 16)  # NRW has no such category


def test_the_augsburg_peace_festival_counts_only_in_augsburg():
    received = berlin(2028, 8, 1, 8)  # Tuesday; the nominal last day is Tue 08.08.2028
    assert end_in("Augsburg", received) == berlin(2028, 8, 10)  # Wed 09.08., 24:00
    assert end_in("BY", received) == berlin(2028, 8, 9)  # Tue 08.08., 24:00
    period = objection_period(received, Rules(region="Augsburg"))
    assert period.extension_reason == "verlängert wegen Feiertag: Augsburger Hohes Friedensfest"


def test_a_longer_period_and_an_earlier_reminder_follow_the_rules():
    received = berlin(2027, 5, 20, 10)
    assert end_in("NW", received, weeks=2) == berlin(2027, 6, 4)  # Thu 03.06., 24:00
    # last day Fri 28.05.2027 (after Fronleichnam): two working days before it are Wed 26. and Tue 25.
    assert reminder_day(date(2027, 5, 28), Rules(region="NW", reminder_working_days=2)) == date(2027, 5, 25)
    assert reminder_day(date(2027, 5, 28), Rules(region="NW", reminder_working_days=1)) == date(2027, 5, 26)


# --- the rule set through the services -----------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bavaria(db):
    district = DistrictFactory(name="Landkreis Augsburg", slug="lk-augsburg")
    office = RegionalOfficeFactory(city=CityFactory(district=district, name="Gersthofen", slug="gersthofen"))
    return {"district": district, "office": office, "clerk": city_clerk(office.city, username="clerk-gersthofen"),
            "admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN, username="kreis-augsburg")}


VALUES_BY = {"holiday_region": "BY", "catholic_holidays": True, "period_weeks": 1, "reminder_working_days": 1,
             "vacancy_flag_days": 60, "qualification_min_months": 12, "statute_date": date(2010, 3, 1),
             "statute_reference": "§ 5 der Heranziehungssatzung des Landkreises Augsburg"}


def _submitted(office, clerk, received_at, time_machine):
    time_machine.move_to(berlin(2026, 11, 25, 10), tick=False)
    notice = complete_draft(office, clerk)
    PlacementNotice.objects.filter(pk=notice.pk).update(planned_start=date(2029, 12, 3))
    time_machine.move_to(received_at, tick=False)
    return services.notice_submit(notice_id=notice.pk, by=clerk, received_at=received_at)


def test_the_same_receipt_ends_differently_in_a_bavarian_and_the_nrw_district(
        bavaria, witten_office, clerk_witten, time_machine):
    time_machine.move_to(berlin(2028, 1, 3, 9), tick=False)
    services.rule_set_change(by=bavaria["admin"], district_id=bavaria["district"].pk,
                             reason="Satzung des Landkreises", **VALUES_BY)
    received = berlin(2028, 8, 8, 11)
    in_nrw = _submitted(witten_office, clerk_witten, received, time_machine)
    in_bavaria = _submitted(bavaria["office"], bavaria["clerk"], received, time_machine)
    assert in_nrw.period_ends_at == berlin(2028, 8, 16)
    assert in_bavaria.period_ends_at == berlin(2028, 8, 17)
    assert in_bavaria.period_extension_reason == "verlängert wegen Feiertag: Mariä Himmelfahrt"
    assert in_nrw.rule_set.holiday_region == "NW" and in_nrw.rule_set.version == 1
    assert in_bavaria.rule_set.holiday_region == "BY" and in_bavaria.rule_set.version == 2
    # the reminder: the working day before the last day; in Bavaria Tue 15.08. is a holiday, so Mon 14.08.
    assert in_bavaria.reminder_due_at == berlin(2028, 8, 14)
    assert in_nrw.reminder_due_at == berlin(2028, 8, 14)


def test_a_change_after_receipt_does_not_move_a_running_period_and_a_later_notice_uses_it(
        district, witten_office, clerk_witten, district_admin, time_machine):
    received = berlin(2027, 5, 20, 10)
    running = _submitted(witten_office, clerk_witten, received, time_machine)
    assert running.period_ends_at == berlin(2027, 5, 29)
    time_machine.move_to(berlin(2027, 5, 21, 9), tick=False)
    new = services.rule_set_change(by=district_admin, district_id=district.pk, reason="Zwei Wochen vereinbart",
                                   **{**VALUES_BY, "holiday_region": "BE", "catholic_holidays": False,
                                      "period_weeks": 2})
    running.refresh_from_db()
    assert running.period_ends_at == berlin(2027, 5, 29) and running.rule_set.version == 1
    later = _submitted(witten_office, clerk_witten, berlin(2027, 5, 27, 10), time_machine)  # Fronleichnam
    assert later.rule_set_id == new.pk
    assert later.period_ends_at == berlin(2027, 6, 11)  # Thu 10.06.2027, 24:00: two weeks, Berlin's holidays
    assert new.changes["Dauer der Frist in Wochen"] == ["1", "2"]
    assert new.changes["Feiertage des Landes"] == ["NW", "BE"]


def test_a_change_for_a_later_day_applies_from_that_day_on(district, witten_office, clerk_witten, district_admin,
                                                           time_machine):
    time_machine.move_to(berlin(2027, 5, 1, 9), tick=False)
    services.rule_set_change(by=district_admin, district_id=district.pk, reason="ab Juni",
                             valid_from=berlin(2027, 6, 1), **{**VALUES_BY, "holiday_region": "BE",
                                                                "catholic_holidays": False})
    before = _submitted(witten_office, clerk_witten, berlin(2027, 5, 20, 10), time_machine)
    assert before.rule_set.holiday_region == "NW" and before.period_ends_at == berlin(2027, 5, 29)


def test_the_change_is_audited_with_who_when_old_new_and_why(district, district_admin, time_machine):
    time_machine.move_to(berlin(2027, 1, 4, 9), tick=False)
    rule_set = services.rule_set_change(by=district_admin, district_id=district.pk, reason="Neue Satzung",
                                        **{**VALUES_BY, "holiday_region": "NW", "catholic_holidays": False})
    assert rule_set.created_by == district_admin and rule_set.reason == "Neue Satzung"
    assert rule_set.created_at == berlin(2027, 1, 4, 9)
    assert rule_set.changes["Vakanz hervorheben nach (Tagen)"] == ["90", "60"]
    assert rule_set.changes["Heranziehungssatzung vom"] == ["18.04.2007", "01.03.2010"]
    assert list(AgreementRuleSet.objects.filter(district=district).values_list("version", flat=True)) == [2, 1]


def test_another_districts_admin_gets_404_and_other_roles_are_refused(
        district, bavaria, coordinator, time_machine, client):
    with pytest.raises(Http404):
        services.rule_set_change(by=bavaria["admin"], district_id=district.pk, reason="x", **VALUES_BY)
    with pytest.raises(PermissionDenied):
        services.rule_set_change(by=coordinator, district_id=district.pk, reason="x", **VALUES_BY)
    client.force_login(bavaria["admin"])
    assert client.get(reverse("staffing:rule_set_edit", args=[district.pk])).status_code == 404
    assert client.post(reverse("staffing:rule_set_edit", args=[district.pk]), {"reason": "x"}).status_code == 404
    assert not AgreementRuleSet.objects.filter(district=district, version__gt=1).exists()


def test_refused_values_get_german_messages(district, district_admin):
    with pytest.raises(ValidationError) as error:
        services.rule_set_change(by=district_admin, district_id=district.pk, reason="",
                                 **{**VALUES_BY, "holiday_region": "NW", "period_weeks": 0})
    messages = error.value.message_dict
    assert messages["catholic_holidays"] == ["Feiertage überwiegend katholischer Gemeinden gibt es nur in Bayern, "
                                             "Sachsen und Thüringen."]
    assert messages["period_weeks"] == ["Bitte geben Sie eine ganze Zahl von 1 bis 8 an."]
    assert messages["reason"] == ["Bitte begründen Sie die Änderung."]


def test_the_edit_page_saves_a_new_version_and_the_overview_shows_it(district, district_admin, client,
                                                                     time_machine):
    time_machine.move_to(berlin(2027, 1, 4, 9), tick=False)
    client.force_login(district_admin)
    url = reverse("staffing:rule_set_edit", args=[district.pk])
    assert client.get(url).status_code == 200
    form = {"valid_from": "04.01.2027", "holiday_region": "Augsburg", "period_weeks": "1",
            "reminder_working_days": "2", "vacancy_flag_days": "90", "qualification_min_months": "6",
            "statute_date": "18.04.2007", "statute_reference": "§ 4 Abs. 1 der Heranziehungssatzung",
            "reason": "Umzug nach Augsburg"}
    response = client.post(url, form)
    assert response.status_code == 302
    page = client.get(reverse("staffing:rule_sets")).content.decode()
    assert "Umzug nach Augsburg" in page and "Augsburger Hohem Friedensfest" in page
    refused = client.post(url, {**form, "valid_from": "01.01.2027", "period_weeks": "neun"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Bitte geben Sie eine ganze Zahl von 1 bis 8 an." in text
    assert "Eine Änderung gilt nur für Mitteilungen, die künftig eingehen" not in text  # the form stops first
    refused = client.post(url, {**form, "valid_from": "01.01.2027", "reminder_working_days": "1"})
    assert refused.status_code == 400
    assert "Eine Änderung gilt nur für Mitteilungen, die künftig eingehen" in refused.content.decode()
    assert client.post(url, {**form, "reason": "a\x00b"}).status_code == 400
    assert AgreementRuleSet.objects.filter(district=district).count() == 2


def test_the_notice_page_names_the_rule_set_it_used(witten_office, clerk_witten, coordinator, client,
                                                    time_machine):
    notice = _submitted(witten_office, clerk_witten, berlin(2027, 5, 20, 10), time_machine)
    client.force_login(coordinator)
    page = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    assert "Regelwerk Fassung 1 (Voreinstellung): Nordrhein-Westfalen, Wochenfrist 1 Woche" in page
    assert notice.state == NoticeState.INFORMED
