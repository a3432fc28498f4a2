"""Abwesenheitsvertretung: a named substitute acts on the absent colleague's notices, audited "i. V. für"."""
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from integrations.models import Substitution
from integrations.substitutes import substitution_create
from staffing import services
from staffing.models import NoticeEvent, Notification, Organisation

from ..factories import city_clerk, district_user
from .conftest import berlin, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_witten(witten):
    return city_clerk(witten, username="clerk-witten-2", first_name="Bernd", last_name="Vertreter")


@pytest.fixture
def absence(clerk_witten, colleague_witten):
    return Substitution.objects.create(absent=clerk_witten, substitute=colleague_witten,
                                       starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 11))


def test_substitute_acting_during_the_absence_is_audited_in_the_name_of_the_absent(
        informed, clerk_witten, colleague_witten, absence):
    with time_machine.travel(berlin(2026, 12, 1, 9, 0), tick=False):
        services.notice_withdraw(notice_id=informed.pk, by=colleague_witten, reason="Absage")
    event = NoticeEvent.objects.get(notice=informed, to_state="withdrawn")
    assert event.actor == colleague_witten
    assert event.on_behalf_of == clerk_witten
    absent_name = clerk_witten.get_full_name()
    assert event.actor_label == f"Bernd Vertreter i. V. für {absent_name}"


def test_outside_the_period_the_colleague_acts_in_their_own_name(informed, colleague_witten, absence):
    with time_machine.travel(berlin(2026, 11, 27, 9, 0), tick=False):
        services.notice_withdraw(notice_id=informed.pk, by=colleague_witten, reason="Absage")
    assert NoticeEvent.objects.get(notice=informed, to_state="withdrawn").on_behalf_of is None


def test_substitute_on_their_own_notice_is_not_marked(draft, colleague_witten, clerk_witten, absence):
    draft.created_by = colleague_witten
    draft.save()
    with time_machine.travel(berlin(2026, 12, 1, 9, 0), tick=False):
        submit(draft, colleague_witten, at=berlin(2026, 12, 1, 9, 0))
    assert NoticeEvent.objects.get(notice=draft, to_state="informed").on_behalf_of is None


def test_coordination_substitute_continues_the_absent_coordinators_consultation(in_consultation, coordinator,
                                                                                 district):
    deputy = district_user(district, Organisation.Kind.COORDINATION, username="koordination-2",
                           first_name="Clara", last_name="Stellvertreterin")
    Substitution.objects.create(absent=coordinator, substitute=deputy, starts_on=date(2026, 11, 30),
                                ends_on=date(2026, 12, 4))
    with time_machine.travel(berlin(2026, 12, 2, 10, 0), tick=False):
        services.notice_agree(notice_id=in_consultation.pk, by=deputy, solution="Praxiseinweisung",
                              for_district="Koordinierungsstelle", for_city="Stadt Witten",
                              administrative_heads_involved=False)
    event = NoticeEvent.objects.get(notice=in_consultation, to_state="agreed")
    assert (event.actor, event.on_behalf_of) == (deputy, coordinator)


def test_notifications_reach_both_the_absent_and_the_substitute(
        informed, clerk_witten, colleague_witten, absence, coordinator, django_capture_on_commit_callbacks):
    with time_machine.travel(berlin(2026, 12, 1, 9, 0), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.notice_clear(notice_id=informed.pk, by=coordinator)
    assert set(Notification.objects.filter(notice=informed, kind="decision").values_list("recipient", flat=True)) \
        == {clerk_witten.pk, colleague_witten.pk}


def test_certificate_annex_shows_i_v(client, informed, coordinator, district):
    deputy = district_user(district, Organisation.Kind.COORDINATION, username="koordination-2",
                           first_name="Clara", last_name="Stellvertreterin")
    with time_machine.travel(berlin(2026, 11, 26, 9, 0), tick=False):
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="clarification",
                                        reason="Nachweis fehlt")
    Substitution.objects.create(absent=coordinator, substitute=deputy, starts_on=date(2026, 11, 30),
                                ends_on=date(2026, 12, 4))
    with time_machine.travel(berlin(2026, 12, 2, 10, 0), tick=False):
        services.notice_agree(notice_id=informed.pk, by=deputy, solution="Nachweis liegt vor",
                              for_district="Kreis", for_city="Stadt",
                              administrative_heads_involved=False)
    from .test_certificates import fetch, pdf_text
    text = pdf_text(fetch(client, deputy, informed).content)
    assert f"Clara Stellvertreterin i. V. für {coordinator.get_full_name()}" in text


def test_page_names_a_substitute_and_lists_the_absent_colleagues_work(client, informed, clerk_witten,
                                                                      colleague_witten):
    with time_machine.travel(berlin(2026, 11, 26, 9, 0), tick=True):
        client.force_login(clerk_witten)
        response = client.post(reverse("integrations:substitutes"), {
            "substitute": colleague_witten.pk, "starts_on": "2026-11-26", "ends_on": "2026-12-04",
            "note": "Urlaub"})
        assert response.status_code == 302 and response["Location"] == reverse("integrations:substitutes")
        assert Substitution.objects.filter(absent=clerk_witten, substitute=colleague_witten).exists()
        client.force_login(colleague_witten)
        page = client.get(reverse("integrations:substitutes")).content.decode()
    assert "Sie vertreten heute" in page
    assert reverse("staffing:notice_detail", args=[informed.pk]) in page


def test_substitute_must_be_a_colleague_of_the_same_organisation(client, clerk_witten, clerk_hattingen):
    with time_machine.travel(berlin(2026, 11, 26, 9, 0), tick=True):
        client.force_login(clerk_witten)
        response = client.post(reverse("integrations:substitutes"), {
            "substitute": clerk_hattingen.pk, "starts_on": "2026-11-26", "ends_on": "2026-12-04"})
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Person aus Ihrer Organisation." in response.content.decode()
    assert not Substitution.objects.exists()


def test_period_and_overlap_rules_are_explained_in_german(clerk_witten, colleague_witten, absence):
    with time_machine.travel(berlin(2026, 11, 26, 9, 0), tick=False):
        with pytest.raises(ValidationError) as exc:
            substitution_create(by=clerk_witten, substitute=colleague_witten, starts_on=date(2026, 12, 5),
                                ends_on=date(2026, 12, 1))
        assert exc.value.message_dict["ends_on"] == ["Das Ende darf nicht vor dem Beginn liegen."]
        with pytest.raises(ValidationError) as exc:
            substitution_create(by=clerk_witten, substitute=colleague_witten, starts_on=date(2026, 12, 10),
                                ends_on=date(2026, 12, 20))
        assert "bereits eine Vertretung benannt" in exc.value.message_dict["starts_on"][0]
        with pytest.raises(ValidationError) as exc:
            substitution_create(by=clerk_witten, substitute=clerk_witten, starts_on=date(2026, 12, 20),
                                ends_on=date(2026, 12, 21))
        assert "andere Person" in exc.value.message_dict["substitute"][0]


def test_ending_a_substitution_stops_the_i_v(client, informed, clerk_witten, colleague_witten, absence):
    client.force_login(clerk_witten)
    client.post(reverse("integrations:substitutes"), {"aktion": "beenden", "id": absence.pk})
    with time_machine.travel(berlin(2026, 12, 1, 9, 0), tick=False):
        services.notice_withdraw(notice_id=informed.pk, by=colleague_witten, reason="Absage")
    assert NoticeEvent.objects.get(notice=informed, to_state="withdrawn").on_behalf_of is None


@pytest.mark.services
def test_the_i_v_of_an_audit_record_cannot_be_changed_afterwards(informed, colleague_witten):
    from django.db import DatabaseError, transaction

    event = NoticeEvent.objects.get(notice=informed, to_state="informed")
    assert event.notifications_sent_at is None  # the one update the trigger allows is still open
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).update(on_behalf_of=colleague_witten)
