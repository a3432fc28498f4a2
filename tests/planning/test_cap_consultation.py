"""PS-5.1: the cap is fixed "in Abstimmung mit allen Städten" and changes are told "rechtzeitig": a proposal
goes to every city of the district for a stated period, each city states its view once within it, the
district fixes after the period (or once all cities answered); a late or retroactive cap needs a reason;
the history is new rows only."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning import services
from planning.models import CapConsultation, CapStatement, MessageKind, ReimbursementCap
from staffing.models import Notification

from ..factories import cap_consultation, city_clerk

pytestmark = pytest.mark.django_db
AGREE, CONCERNS = CapStatement.Verdict.AGREE, CapStatement.Verdict.CONCERNS


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def year(today):
    return today.year + 1


@pytest.fixture
def in_time(year):
    """A day well before the cut-off of `year` (the default 31 October of the year before)."""
    return services.cap_deadline(year) - datetime.timedelta(days=60)


@pytest.fixture
def open_consultation(district, witten, hattingen, district_admin, in_time, year):
    return cap_consultation(district, by=district_admin, year=year,
                            period_ends_on=in_time + datetime.timedelta(days=28),
                            amounts={witten: Decimal("3650000"), hattingen: Decimal("2350000")})


def proposal_of(consultation, city):
    return consultation.proposals.get(city=city)


def amounts_for(*cities):
    return {c.pk: Decimal("1000000") + c.pk for c in cities}


# --- the proposal goes to all cities --------------------------------------------------------------

def test_a_proposal_goes_to_every_city_and_each_clerk_is_told_once(district, witten, hattingen, district_admin,
                                                                   clerk_witten, clerk_hattingen, coordinator,
                                                                   in_time, year):
    second_witten_clerk = city_clerk(witten)
    consultation = services.cap_consultation_propose(
        by=district_admin, year=year, amounts=amounts_for(witten, hattingen),
        period_ends_on=in_time + datetime.timedelta(days=28), note="Tarifsteigerung 3 %", today=in_time)
    assert sorted(consultation.proposals.values_list("city__name", flat=True)) == ["Hattingen", "Witten"]
    told = Notification.objects.filter(kind=MessageKind.CAP_CONSULTATION)
    assert sorted(told.values_list("recipient__pk", flat=True)) == sorted(
        [clerk_witten.pk, second_witten_clerk.pk, clerk_hattingen.pk])
    witten_message = told.get(recipient=clerk_witten)
    assert witten_message.url == reverse("planning:cap_statement", args=[proposal_of(consultation, witten).pk])
    assert "Witten" in witten_message.subject and str(year) in witten_message.subject
    assert not Notification.objects.filter(recipient__in=[coordinator, district_admin]).exists()


def test_a_proposal_without_an_amount_for_every_city_is_refused(witten, hattingen, district_admin, in_time, year):
    with pytest.raises(ValidationError) as error:
        services.cap_consultation_propose(by=district_admin, year=year, amounts=amounts_for(witten),
                                          period_ends_on=in_time + datetime.timedelta(days=28), today=in_time)
    assert "Hattingen" in str(error.value) and not CapConsultation.objects.exists()


def test_a_proposal_for_a_past_year_or_with_a_too_short_period_is_refused(witten, hattingen, district_admin, today):
    with pytest.raises(ValidationError, match="vergangenes Jahr"):
        services.cap_consultation_propose(by=district_admin, year=today.year - 1,
                                          amounts=amounts_for(witten, hattingen),
                                          period_ends_on=today + datetime.timedelta(days=28), today=today)
    with pytest.raises(ValidationError, match="mindestens 7 Tage"):
        services.cap_consultation_propose(by=district_admin, year=today.year + 1,
                                          amounts=amounts_for(witten, hattingen),
                                          period_ends_on=today + datetime.timedelta(days=6), today=today)
    services.cap_consultation_propose(by=district_admin, year=today.year + 1, amounts=amounts_for(witten, hattingen),
                                      period_ends_on=today + datetime.timedelta(days=7), today=today)


def test_only_one_open_consultation_per_year(open_consultation, witten, hattingen, district_admin, in_time, year):
    with pytest.raises(ValidationError, match="läuft bereits"):
        services.cap_consultation_propose(by=district_admin, year=year, amounts=amounts_for(witten, hattingen),
                                          period_ends_on=in_time + datetime.timedelta(days=28), today=in_time)


def test_only_the_district_administration_proposes(coordinator, clerk_witten, witten, hattingen, in_time, year):
    for user in (coordinator, clerk_witten):
        with pytest.raises(PermissionDenied):
            services.cap_consultation_propose(by=user, year=year, amounts=amounts_for(witten, hattingen),
                                              period_ends_on=in_time + datetime.timedelta(days=28), today=in_time)


# --- the cities' statements within the period ------------------------------------------------------

def test_a_statement_on_the_last_day_of_the_period_is_in_time(open_consultation, witten, clerk_witten):
    last_day = open_consultation.period_ends_on
    statement = services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk,
                                              by=clerk_witten, verdict=AGREE, today=last_day)
    assert statement.stated_by == clerk_witten and statement.verdict == AGREE


def test_a_statement_the_day_after_the_period_is_refused(open_consultation, witten, clerk_witten):
    day_after = open_consultation.period_ends_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Frist für Stellungnahmen ist am .* abgelaufen"):
        services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk, by=clerk_witten,
                                      verdict=AGREE, today=day_after)
    assert not CapStatement.objects.exists()


def test_concerns_need_a_text_and_a_city_states_only_once(open_consultation, witten, clerk_witten, in_time):
    proposal = proposal_of(open_consultation, witten)
    with pytest.raises(ValidationError, match="Bedenken"):
        services.cap_statement_record(proposal_id=proposal.pk, by=clerk_witten, verdict=CONCERNS, text="  ",
                                      today=in_time)
    services.cap_statement_record(proposal_id=proposal.pk, by=clerk_witten, verdict=CONCERNS,
                                  text="Zwei Stellen der Eingliederung sind nicht berücksichtigt.", today=in_time)
    with pytest.raises(ValidationError, match="bereits Stellung"):
        services.cap_statement_record(proposal_id=proposal.pk, by=clerk_witten, verdict=AGREE, today=in_time)
    statement = CapStatement.objects.get()
    statement.text = "geändert"
    with pytest.raises(ValidationError):  # append-only
        statement.save()


def test_another_citys_clerk_cannot_state_for_a_city(open_consultation, witten, clerk_hattingen, district_admin,
                                                      other_district, client, in_time):
    proposal = proposal_of(open_consultation, witten)
    with pytest.raises(Http404):
        services.cap_statement_record(proposal_id=proposal.pk, by=clerk_hattingen, verdict=AGREE, today=in_time)
    with pytest.raises(PermissionDenied):
        services.cap_statement_record(proposal_id=proposal.pk, by=district_admin, verdict=AGREE, today=in_time)
    url = reverse("planning:cap_statement", args=[proposal.pk])
    client.force_login(clerk_hattingen)
    assert client.post(url, {"verdict": AGREE}).status_code == 404
    client.force_login(district_admin)
    assert client.post(url, {"verdict": AGREE}).status_code == 403
    assert not CapStatement.objects.exists()


def test_the_clerk_states_concerns_through_the_page(client, witten, clerk_witten, district, district_admin, year):
    consultation = cap_consultation(district, by=district_admin, year=year,
                                    period_ends_on=timezone.localdate() + datetime.timedelta(days=10))
    url = reverse("planning:cap_statement", args=[proposal_of(consultation, witten).pk])
    client.force_login(clerk_witten)
    page = client.get(url)
    assert page.status_code == 200 and "1.000.000,00 €" in page.content.decode()
    missing_text = client.post(url, {"verdict": CONCERNS, "text": ""})
    assert missing_text.status_code == 200 and "Bitte beschreiben Sie Ihre Bedenken." in missing_text.content.decode()
    assert client.post(url, {"verdict": CONCERNS, "text": "Tarifsteigerung fehlt"}).status_code == 302
    assert "Tarifsteigerung fehlt" in client.get(url).content.decode()
    assert CapStatement.objects.get().verdict == CONCERNS


# --- fixing ----------------------------------------------------------------------------------------

def test_fixing_before_the_period_ends_with_cities_missing_is_refused(open_consultation, witten, clerk_witten,
                                                                      district_admin, in_time):
    services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk, by=clerk_witten,
                                  verdict=AGREE, today=in_time)
    with pytest.raises(ValidationError) as error:
        services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                      today=open_consultation.period_ends_on)
    assert "fehlen die Stellungnahmen von: Hattingen" in str(error.value)
    assert not ReimbursementCap.objects.exists()
    open_consultation.refresh_from_db()
    assert open_consultation.fixed_at is None


def test_fixing_after_the_period_is_allowed_with_cities_missing(open_consultation, witten, hattingen, clerk_witten,
                                                                district_admin, clerk_hattingen, in_time):
    services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk, by=clerk_witten,
                                  verdict=CONCERNS, text="Zu knapp", today=in_time)
    caps = services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                         today=open_consultation.period_ends_on + datetime.timedelta(days=1))
    assert {(c.city, c.amount) for c in caps} == {(witten, Decimal("3650000.00")), (hattingen, Decimal("2350000.00"))}
    assert all(c.consultation == open_consultation and not c.late and c.set_by == district_admin for c in caps)
    open_consultation.refresh_from_db()
    assert open_consultation.fixed_by == district_admin and open_consultation.fixed_at is not None
    told = Notification.objects.filter(kind=MessageKind.CAP_CHANGED)
    assert sorted(told.values_list("recipient", flat=True)) == sorted([clerk_witten.pk, clerk_hattingen.pk])
    with pytest.raises(ValidationError, match="bereits festgesetzt"):
        services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                      today=open_consultation.period_ends_on + datetime.timedelta(days=2))
    with pytest.raises(ValidationError, match="bereits festgesetzt"):
        services.cap_statement_record(proposal_id=proposal_of(open_consultation, hattingen).pk, by=clerk_hattingen,
                                      verdict=AGREE, today=in_time)


def test_fixing_early_is_allowed_once_every_city_has_answered(open_consultation, witten, hattingen, clerk_witten,
                                                              clerk_hattingen, district_admin, in_time):
    for city, clerk in ((witten, clerk_witten), (hattingen, clerk_hattingen)):
        services.cap_statement_record(proposal_id=proposal_of(open_consultation, city).pk, by=clerk,
                                      verdict=AGREE, today=in_time)
    caps = services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin, today=in_time)
    assert len(caps) == 2 and ReimbursementCap.objects.filter(consultation=open_consultation).count() == 2


def test_only_the_district_administration_of_the_district_fixes(open_consultation, coordinator, other_district,
                                                                 in_time):
    from staffing.models import Organisation
    from tests.factories import district_user

    after = open_consultation.period_ends_on + datetime.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.cap_consultation_fix(consultation_id=open_consultation.pk, by=coordinator, today=after)
    foreign_admin = district_user(other_district, Organisation.Kind.DISTRICT_ADMIN)
    with pytest.raises(Http404):
        services.cap_consultation_fix(consultation_id=open_consultation.pk, by=foreign_admin, today=after)


# --- lead time ("rechtzeitig") ----------------------------------------------------------------------

def test_fixing_after_the_cut_off_needs_a_reason_which_the_history_keeps(open_consultation, district_admin, year,
                                                                         witten):
    late_day = services.cap_deadline(year) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="nach dem Stichtag"):
        services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                      today=max(late_day, open_consultation.period_ends_on + datetime.timedelta(1)))
    caps = services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                         reason="Haushaltssatzung erst im Dezember beschlossen",
                                         today=max(late_day, open_consultation.period_ends_on + datetime.timedelta(1)))
    assert all(c.late and c.reason == "Haushaltssatzung erst im Dezember beschlossen" for c in caps)
    open_consultation.refresh_from_db()
    assert open_consultation.fix_reason == "Haushaltssatzung erst im Dezember beschlossen"


def test_fixing_on_the_cut_off_day_needs_no_reason(district, witten, hattingen, district_admin, year):
    deadline = services.cap_deadline(year)
    consultation = cap_consultation(district, by=district_admin, year=year,
                                    period_ends_on=deadline - datetime.timedelta(days=1))
    caps = services.cap_consultation_fix(consultation_id=consultation.pk, by=district_admin, today=deadline)
    assert caps and not any(c.late for c in caps)


def test_the_cut_off_is_configurable(settings, year):
    settings.CAP_DEADLINE = "09-30"
    assert services.cap_deadline(year) == datetime.date(year - 1, 9, 30)
    assert services.cap_lateness(year, datetime.date(year - 1, 10, 1))
    assert not services.cap_lateness(year, datetime.date(year - 1, 9, 30))
    settings.CAP_DEADLINE = "kaputt"
    assert services.cap_deadline(year) == datetime.date(year - 1, 10, 31)


def test_a_cap_for_a_past_year_needs_a_reason(witten, district_admin, clerk_witten, today):
    with pytest.raises(ValidationError, match="rückwirkend"):
        services.cap_set(city_id=witten.pk, by=district_admin, year=today.year - 1, amount=Decimal("1"), today=today)
    assert not ReimbursementCap.objects.exists()
    cap = services.cap_set(city_id=witten.pk, by=district_admin, year=today.year - 1, amount=Decimal("1"),
                           reason="Rechenfehler in der Festsetzung", today=today)
    assert cap.late and cap.reason == "Rechenfehler in der Festsetzung"


def test_a_correction_outside_the_consultation_always_needs_a_reason(witten, district_admin, in_time, year):
    with pytest.raises(ValidationError, match="Begründung"):
        services.cap_set(city_id=witten.pk, by=district_admin, year=year, amount=Decimal("1"), today=in_time)
    cap = services.cap_set(city_id=witten.pk, by=district_admin, year=year, amount=Decimal("1"), reason="Korrektur",
                           today=in_time)
    assert not cap.late


def test_the_correction_page_refuses_a_past_year_without_reason_in_german(client, witten, district_admin, today):
    client.force_login(district_admin)
    response = client.post(reverse("planning:cap_create"),
                           {"city": witten.pk, "year": today.year - 1, "amount": "1000", "reason": ""})
    assert response.status_code == 200 and "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not ReimbursementCap.objects.exists()


# --- history ---------------------------------------------------------------------------------------

def test_a_second_consultation_adds_rows_and_never_updates_the_old_caps(open_consultation, district, witten,
                                                                        district_admin, year):
    after = open_consultation.period_ends_on + datetime.timedelta(days=1)
    first = services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin, today=after)
    second = cap_consultation(district, by=district_admin, year=year, period_ends_on=after + datetime.timedelta(7),
                              amounts={witten: Decimal("3700000")})
    with CaptureQueriesContext(connection) as queries:
        services.cap_consultation_fix(consultation_id=second.pk, by=district_admin, reason="Nachtrag",
                                      today=after + datetime.timedelta(days=8))
    assert not [q["sql"] for q in queries.captured_queries
                if q["sql"].lstrip().upper().startswith("UPDATE") and "reimbursementcap" in q["sql"].lower()]
    assert ReimbursementCap.objects.filter(city=witten, year=year).count() == 2
    assert {c.amount for c in ReimbursementCap.objects.filter(pk__in=[c.pk for c in first])} == {
        Decimal("3650000.00"), Decimal("2350000.00")}


def test_the_history_page_shows_the_consultation_and_the_citys_statement(client, open_consultation, witten,
                                                                         clerk_witten, district_admin, in_time):
    services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk, by=clerk_witten,
                                  verdict=CONCERNS, text="Eingliederung fehlt", today=in_time)
    services.cap_consultation_fix(consultation_id=open_consultation.pk, by=district_admin,
                                  today=open_consultation.period_ends_on + datetime.timedelta(days=1))
    for user in (clerk_witten, district_admin):
        client.force_login(user)
        html = client.get(reverse("planning:cap_history", args=[witten.pk])).content.decode()
        assert "Eingliederung fehlt" in html and "Abstimmung mit allen Städten" in html and "Bedenken" in html


# --- the district's pages ---------------------------------------------------------------------------

def test_the_detail_page_shows_who_has_and_has_not_answered(client, open_consultation, witten, clerk_witten,
                                                            coordinator, in_time):
    services.cap_statement_record(proposal_id=proposal_of(open_consultation, witten).pk, by=clerk_witten,
                                  verdict=CONCERNS, text="Zu knapp bemessen", today=in_time)
    client.force_login(coordinator)
    html = client.get(reverse("planning:cap_consultation_detail", args=[open_consultation.pk])).content.decode()
    assert "Zu knapp bemessen" in html and "noch keine Stellungnahme" in html
    assert 'action="' + reverse("planning:cap_consultation_fix", args=[open_consultation.pk]) not in html
    listing = client.get(reverse("planning:cap_consultation_list")).content.decode()
    assert "1 von 2 Städten" in listing and "1 mit Bedenken" in listing


def test_the_fix_page_refuses_early_fixing_in_german(client, district, witten, hattingen, district_admin, year):
    consultation = cap_consultation(district, by=district_admin, year=year,
                                    period_ends_on=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(district_admin)
    response = client.post(reverse("planning:cap_consultation_fix", args=[consultation.pk]), {"reason": "x"})
    assert response.status_code == 400
    assert "Festsetzen ist erst nach Fristablauf möglich" in response.content.decode()
    assert not ReimbursementCap.objects.exists()


def test_the_district_proposes_through_the_page(client, district_admin, witten, hattingen, clerk_witten):
    client.force_login(district_admin)
    page = client.get(reverse("planning:cap_consultation_create"))
    assert page.status_code == 200 and "Witten" in page.content.decode()
    today = timezone.localdate()
    data = {"year": today.year + 1, "period_ends_on": (today + datetime.timedelta(days=28)).isoformat(),
            "note": "Tarif", f"betrag_{witten.pk}": "3650000", f"betrag_{hattingen.pk}": ""}
    missing = client.post(reverse("planning:cap_consultation_create"), data)
    assert missing.status_code == 200 and not CapConsultation.objects.exists()
    assert "3650000" in missing.content.decode()  # nothing typed is lost
    data[f"betrag_{hattingen.pk}"] = "2350000"
    response = client.post(reverse("planning:cap_consultation_create"), data)
    consultation = CapConsultation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("planning:cap_consultation_detail",
                                                                           args=[consultation.pk])
    assert Notification.objects.filter(recipient=clerk_witten, kind=MessageKind.CAP_CONSULTATION).count() == 1
