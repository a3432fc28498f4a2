"""Issue 13, point 2 (PS-1.4, PS-3.2): which placement officers and counsellors lack the field-specific
training within the set months of joining, the reminder to the city, and the induction an attended
induction offer completes."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planning import field_training, services
from planning.models import MessageKind, TrainingKind, TrainingOffer, TrainingParticipation, TrainingReminder
from staffing.models import Function, Induction, Notification, Organisation
from tests.factories import (
    CityFactory,
    PositionFactory,
    RegionalOfficeFactory,
    StaffMemberFactory,
    TrainingOfferFactory,
    TrainingParticipationFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db

URL = "/planung/fortbildung/fachspezifisch/"


@pytest.fixture
def fns(functions):
    return functions


def person(office, function, *, joined_on=None, **fields):
    position = PositionFactory(office=office, function=function)
    return StaffMemberFactory(position=position, joined_on=joined_on or datetime.date(2020, 1, 1), **fields)


def listed(user, today=None) -> set[str]:
    return {m.last_name for m in field_training.without_field_training(user, today=today)}


# --- the period's edge -------------------------------------------------------------------------

@pytest.mark.parametrize("offset, overdue, days", [(-1, False, 1), (0, False, 0), (1, True, 1)])
def test_the_last_day_of_the_period_is_still_open_the_day_after_is_overdue(
        settings, coordinator, witten_office, fns, offset, overdue, days):
    settings.TRAINING_FIELD_SPECIFIC_MONTHS = 12
    joined = datetime.date(2025, 3, 15)
    member = person(witten_office, fns[Function.Code.PLACEMENT], joined_on=joined, last_name="Kante")
    due = datetime.date(2026, 3, 15)
    today = due + datetime.timedelta(days=offset)
    gap = field_training.gap_of(field_training.without_field_training(coordinator, today=today).get(pk=member.pk),
                                today)
    assert (gap.due_on, gap.overdue, gap.days) == (due, overdue, days)


def test_the_period_follows_the_setting_in_calendar_months(settings, witten_office, fns):
    settings.TRAINING_FIELD_SPECIFIC_MONTHS = 6
    assert field_training.due_date(datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 28)
    settings.TRAINING_FIELD_SPECIFIC_MONTHS = 12
    assert field_training.due_date(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)


def test_the_page_says_noch_offen_bis_and_ueberfaellig(client, settings, coordinator, witten_office, fns):
    settings.TRAINING_FIELD_SPECIFIC_MONTHS = 12
    today = timezone.localdate()
    person(witten_office, fns[Function.Code.PLACEMENT], joined_on=today - datetime.timedelta(days=30),
           last_name="Neu")
    person(witten_office, fns[Function.Code.COUNSELLING], joined_on=today - datetime.timedelta(days=800),
           last_name="Alt")
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert "Neu, Anna" in html and "Alt, Anna" in html
    due_new = field_training.due_date(today - datetime.timedelta(days=30))
    assert f"noch offen bis {due_new:%d.%m.%Y}" in html
    assert "überfällig seit" in html
    assert "Regionalstelle Witten" in html


# --- what counts -----------------------------------------------------------------------------

@pytest.mark.parametrize("status, counts", [
    (TrainingParticipation.Status.ATTENDED, True),
    (TrainingParticipation.Status.REGISTERED, False),
    (TrainingParticipation.Status.CANCELLED, False),
])
def test_only_attendance_counts(coordinator, district, witten_office, fns, status, counts):
    placement = fns[Function.Code.PLACEMENT]
    member = person(witten_office, placement, last_name="Teil")
    offer = TrainingOfferFactory(district=district, targets=[placement])
    TrainingParticipationFactory(offer=offer, staff_member=member, status=status)
    assert ("Teil" in listed(coordinator)) is not counts


def test_an_offer_for_another_function_does_not_count(coordinator, district, witten_office, fns):
    member = person(witten_office, fns[Function.Code.PLACEMENT], last_name="Falsch")
    offer = TrainingOfferFactory(district=district, targets=[fns[Function.Code.COUNSELLING]])
    TrainingParticipationFactory(offer=offer, staff_member=member)
    assert "Falsch" in listed(coordinator)
    # the same offer counts for a counsellor
    counsellor = person(witten_office, fns[Function.Code.COUNSELLING], last_name="Richtig")
    TrainingParticipationFactory(offer=offer, staff_member=counsellor)
    assert "Richtig" not in listed(coordinator)


@pytest.mark.parametrize("kind", [TrainingKind.GENERAL, TrainingKind.INDUCTION])
def test_a_general_or_induction_offer_does_not_count(coordinator, district, witten_office, fns, kind):
    placement = fns[Function.Code.PLACEMENT]
    member = person(witten_office, placement, last_name="Allgemein")
    offer = TrainingOfferFactory(district=district, kind=kind, targets=[placement])
    TrainingParticipationFactory(offer=offer, staff_member=member)
    assert "Allgemein" in listed(coordinator)


def test_staff_who_left_and_benefits_and_leadership_staff_are_not_concerned(coordinator, witten_office, fns):
    today = timezone.localdate()
    person(witten_office, fns[Function.Code.PLACEMENT], last_name="Gegangen", left_on=today - datetime.timedelta(1))
    person(witten_office, fns[Function.Code.PLACEMENT], last_name="Geht", left_on=today + datetime.timedelta(10))
    person(witten_office, fns[Function.Code.BENEFITS], last_name="Leistung")
    person(witten_office, fns[Function.Code.TEAM_LEAD], last_name="Leitung")
    assert listed(coordinator) == {"Geht"}


def test_the_district_sees_its_own_district_only(coordinator, district_admin, witten_office, other_district, fns):
    office = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen"))
    person(office, fns[Function.Code.PLACEMENT], last_name="Anderswo")
    person(witten_office, fns[Function.Code.PLACEMENT], last_name="Hier")
    assert listed(coordinator) == {"Hier"} and listed(district_admin) == {"Hier"}
    offices = [e.office.name for e in field_training.gaps_by_office(coordinator)]
    assert offices == ["Regionalstelle Witten"]


def test_a_city_clerk_and_the_head_get_403_the_district_administration_reads(
        client, clerk_witten, head, district_admin, coordinator, witten_office, fns):
    person(witten_office, fns[Function.Code.PLACEMENT], last_name="Offen")
    for user in (clerk_witten, head):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(district_admin)
    response = client.get(URL)
    assert response.status_code == 200 and "Offen, Anna" in response.content.decode()
    assert "/erinnern/" not in response.content.decode()  # the district administration reads, it does not remind


# --- the reminder -----------------------------------------------------------------------------

def test_the_reminder_reaches_only_the_citys_clerks_and_names_its_people(
        client, settings, coordinator, witten, witten_office, hattingen, hattingen_office, fns, district_admin):
    settings.TRAINING_FIELD_SPECIFIC_MONTHS = 12
    today = timezone.localdate()
    person(witten_office, fns[Function.Code.PLACEMENT], last_name="Wittener", first_name="Jana",
           joined_on=today - datetime.timedelta(days=900))
    person(hattingen_office, fns[Function.Code.PLACEMENT], last_name="Hattinger")
    clerk_w = city_clerk(witten, username="w1")
    clerk_w2 = city_clerk(witten, username="w2")
    clerk_h = city_clerk(hattingen, username="h1")
    client.force_login(coordinator)
    response = client.post(reverse("planning:training_coverage_remind", args=[witten.pk]))
    assert response.status_code == 302
    notes = Notification.objects.filter(kind=MessageKind.TRAINING_REMINDER)
    assert {n.recipient for n in notes} == {clerk_w, clerk_w2}
    note = notes.first()
    assert "Jana Wittener" in note.body and "Hattinger" not in note.body
    assert "überfällig seit" in note.body and "Arbeitsvermittlung" in note.body
    assert "fachspezifische Fortbildung" in note.subject.lower() or "Fachspezifische Fortbildung" in note.subject
    assert note.url == reverse("planning:training")
    assert not Notification.objects.filter(recipient__in=[clerk_h, coordinator, district_admin]).exists()
    reminder = TrainingReminder.objects.get()
    assert reminder.office == witten_office and reminder.sent_by == coordinator and reminder.recipients == 2
    assert [p["name"] for p in reminder.people] == ["Wittener, Jana"]
    page = client.get(URL).content.decode()
    assert f"Zuletzt erinnert am {timezone.localtime(reminder.sent_at):%d.%m.%Y}" in page


def test_only_the_coordination_office_reminds(client, district_admin, clerk_witten, witten, witten_office, fns,
                                              other_district):
    person(witten_office, fns[Function.Code.PLACEMENT])
    url = reverse("planning:training_coverage_remind", args=[witten.pk])
    for user in (district_admin, clerk_witten):
        client.force_login(user)
        assert client.post(url).status_code == 403
    client.force_login(district_user(other_district, Organisation.Kind.COORDINATION))
    assert client.post(url).status_code == 404
    assert not TrainingReminder.objects.exists() and not Notification.objects.exists()


def test_nothing_to_remind_is_said_in_german_and_sends_nothing(client, coordinator, witten, witten_office):
    city_clerk(witten)
    client.force_login(coordinator)
    response = client.post(reverse("planning:training_coverage_remind", args=[witten.pk]), follow=True)
    assert response.status_code == 200
    assert "es gibt nichts zu erinnern" in response.content.decode()
    assert not TrainingReminder.objects.exists() and not Notification.objects.exists()


def test_the_reminder_kind_is_registered():
    from staffing import hooks
    assert MessageKind.TRAINING_REMINDER in hooks.notification_kind_values()


# --- offers: kind and target functions ----------------------------------------------------------

def test_the_coordination_office_plans_a_field_specific_offer_with_targets(client, coordinator, fns):
    client.force_login(coordinator)
    data = {"form": "offer", "offer-title": "Grundlagen Arbeitsvermittlung", "offer-kind": "field_specific",
            "offer-target_functions": [fns[Function.Code.PLACEMENT].pk], "offer-starts_on": "2027-03-01",
            "offer-ends_on": "2027-03-02", "offer-location": "Schwelm", "offer-places": "12"}
    assert client.post("/planung/fortbildung/", data).status_code == 302
    offer = TrainingOffer.objects.get()
    assert offer.kind == TrainingKind.FIELD_SPECIFIC
    assert list(offer.target_functions.values_list("code", flat=True)) == [Function.Code.PLACEMENT]
    html = client.get("/planung/fortbildung/").content.decode()
    assert "fachspezifische Fortbildung (Arbeitsvermittlung/Fachberatung)" in html
    assert "Zielgruppe" in html


@pytest.mark.parametrize("targets, message", [
    ([], "wählen Sie mindestens eine dieser Funktionen"),
    ([Function.Code.BENEFITS], "nur an die Arbeitsvermittlung und die Fachberatung"),
])
def test_a_field_specific_offer_must_be_for_placement_or_counselling(client, coordinator, fns, targets, message):
    client.force_login(coordinator)
    data = {"form": "offer", "offer-title": "Falsch geplant", "offer-kind": "field_specific",
            "offer-target_functions": [fns[c].pk for c in targets], "offer-starts_on": "2027-03-01",
            "offer-ends_on": "2027-03-01", "offer-location": "Schwelm", "offer-places": "12"}
    response = client.post("/planung/fortbildung/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'value="Falsch geplant"' in html  # nothing typed is lost
    assert not TrainingOffer.objects.exists()


def test_an_unknown_kind_is_a_german_form_error(client, coordinator, fns):
    client.force_login(coordinator)
    data = {"form": "offer", "offer-title": "X", "offer-kind": "magic", "offer-starts_on": "2027-03-01",
            "offer-ends_on": "2027-03-01", "offer-location": "Schwelm", "offer-places": "12"}
    response = client.post("/planung/fortbildung/", data)
    assert response.status_code == 200 and "keine gültige Auswahl" in response.content.decode()


# --- the induction (PS-1.3) -------------------------------------------------------------------

@pytest.mark.parametrize("kind, completes", [(TrainingKind.INDUCTION, True), (TrainingKind.GENERAL, False),
                                             (TrainingKind.FIELD_SPECIFIC, False)])
def test_attending_an_induction_offer_completes_the_induction(client, clerk_witten, district, witten_office, fns,
                                                               kind, completes):
    placement = fns[Function.Code.PLACEMENT]
    member = person(witten_office, placement, induction=Induction.PLANNED, months_experience=0)
    offer = TrainingOfferFactory(district=district, kind=kind, targets=[placement], title="Einarbeitung SGB II")
    participation = TrainingParticipationFactory(offer=offer, staff_member=member, status="registered")
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:training_participation_status", args=[participation.pk]),
                           {"status": "attended"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.induction == (Induction.COMPLETED if completes else Induction.PLANNED)
    page = client.get(reverse("planning:staff_detail", args=[member.pk])).content.decode()
    assert ("durch Teilnahme an" in page) is completes


def test_the_coordination_office_marking_attendance_also_completes_the_induction(coordinator, district,
                                                                                 hattingen_office, fns):
    member = person(hattingen_office, fns[Function.Code.COUNSELLING], induction=Induction.NOT_NEEDED)
    offer = TrainingOfferFactory(district=district, kind=TrainingKind.INDUCTION)
    participation = TrainingParticipationFactory(offer=offer, staff_member=member, status="registered")
    services.training_mark(participation_id=participation.pk, by=coordinator, status="attended")
    member.refresh_from_db()
    assert member.induction == Induction.COMPLETED


def test_the_staff_page_shows_the_field_specific_training(client, clerk_witten, district, witten_office, fns):
    placement = fns[Function.Code.PLACEMENT]
    trained = person(witten_office, placement)
    offer = TrainingOfferFactory(district=district, targets=[placement], title="Vermittlung kompakt")
    TrainingParticipationFactory(offer=offer, staff_member=trained)
    untrained = person(witten_office, placement)
    client.force_login(clerk_witten)
    assert "teilgenommen: „Vermittlung kompakt“" in client.get(
        reverse("planning:staff_detail", args=[trained.pk])).content.decode()
    assert "fehlt – überfällig seit" in client.get(
        reverse("planning:staff_detail", args=[untrained.pk])).content.decode()


# --- PS-3.2: the district-wide prioritisation of needs stays ----------------------------------

def test_prioritising_needs_still_works_next_to_the_kinds_of_offers(client, coordinator, clerk_witten, witten_office,
                                                                    fns):
    from planning.models import TrainingNeed

    low = TrainingNeed.objects.create(office=witten_office, topic="Gesprächsführung", created_by=clerk_witten)
    high = TrainingNeed.objects.create(office=witten_office, topic="U25", created_by=clerk_witten,
                                       function=fns[Function.Code.PLACEMENT])
    client.force_login(coordinator)
    assert client.post(reverse("planning:training_need_priority", args=[high.pk]), {"priority": "1"}).status_code == 302
    assert client.post(reverse("planning:training_need_priority", args=[low.pk]), {"priority": "2"}).status_code == 302
    data = {"form": "offer", "offer-title": "Aufsuchende Arbeit U25", "offer-kind": "field_specific",
            "offer-target_functions": [fns[Function.Code.PLACEMENT].pk], "offer-need": high.pk,
            "offer-starts_on": "2027-02-03", "offer-ends_on": "2027-02-04", "offer-location": "Witten",
            "offer-places": "12"}
    assert client.post("/planung/fortbildung/", data).status_code == 302
    assert list(TrainingNeed.objects.values_list("topic", flat=True)) == ["U25", "Gesprächsführung"]
    assert TrainingOffer.objects.get().need == high
