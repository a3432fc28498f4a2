"""Bad input on the planning pages is refused with a German message at the field, never with a 500,
and nothing is saved (PS-1.4, PS-3.2, PS-3.3)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from planning import services
from planning.models import CoachingOffer, CoachingSignup, TrainingNeed, TrainingOffer, TrainingParticipation

pytestmark = pytest.mark.django_db


@pytest.fixture
def participation(district, witten_plan):
    day = datetime.date(2027, 2, 1)
    offer = TrainingOffer.objects.create(district=district, title="Gesprächsführung", location="Schwelm",
                                         starts_on=day, ends_on=day, places=5)
    return TrainingParticipation.objects.create(offer=offer, staff_member=witten_plan["staff"][0])


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("data", [{"status": "<script>"}, {"status": "anwesend"}, {}],
                         ids=["script", "unknown", "missing"])
def test_an_unknown_or_missing_training_status_shows_the_page_with_an_error_at_the_field(coordinator, participation,
                                                                                       data):
    response = _client(coordinator).post(
        reverse("planning:training_participation_status", args=[participation.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Gesprächsführung" in html and 'lang="de"' in html
    assert f'id="status-{participation.pk}-fehler"' in html
    assert "Bitte eine gültige Auswahl treffen" in html or "Dieses Feld ist zwingend erforderlich" in html
    assert 'aria-invalid="true"' in html
    participation.refresh_from_db()
    assert participation.status == TrainingParticipation.Status.REGISTERED


def test_a_known_training_status_is_still_saved(clerk_witten, participation):
    response = _client(clerk_witten).post(
        reverse("planning:training_participation_status", args=[participation.pk]), {"status": "attended"})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == "attended"


def test_a_bad_status_from_someone_who_may_not_mark_is_still_refused_as_forbidden(head, participation):
    response = _client(head).post(
        reverse("planning:training_participation_status", args=[participation.pk]), {"status": "<script>"})
    assert response.status_code == 403


def test_a_bad_status_for_another_citys_participation_is_404(clerk_hattingen, participation):
    response = _client(clerk_hattingen).post(
        reverse("planning:training_participation_status", args=[participation.pk]), {"status": "x"})
    assert response.status_code == 404


def test_a_coaching_offer_the_service_refuses_keeps_the_form_with_the_message(coordinator, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"coach": "Bitte geben Sie einen Coach an, der zugelassen ist."})

    monkeypatch.setattr(services, "coaching_offer_create", refuse)
    response = _client(coordinator).post(reverse("planning:coaching"), {
        "title": "Fallcoaching", "coach": "Dr. Extern", "starts_on": "2027-03-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte geben Sie einen Coach an, der zugelassen ist." in html
    assert 'value="Fallcoaching"' in html and 'value="Dr. Extern"' in html
    assert not CoachingOffer.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1e309", "-1", "", "99999999999999999999999"])
def test_a_tampered_coaching_sign_up_id_is_404_and_removes_nothing(coordinator, district, witten_plan, value):
    offer = CoachingOffer.objects.create(district=district, title="Fallcoaching", coach="Dr. Extern",
                                         starts_on=datetime.date(2027, 1, 1))
    CoachingSignup.objects.create(offer=offer, staff_member=witten_plan["staff"][0])
    response = _client(coordinator).post(reverse("planning:coaching_participants", args=[offer.pk]),
                                         {"signup": value})
    assert response.status_code == 404
    assert CoachingSignup.objects.count() == 1


@pytest.mark.parametrize("value", ["40000", "99999999999999999999999", "0", "x"])
def test_a_priority_out_of_range_is_refused_and_nothing_changes(coordinator, witten_office, functions, value):
    need = TrainingNeed.objects.create(office=witten_office, topic="Sucht", persons=3, created_by=coordinator)
    response = _client(coordinator).post(reverse("planning:training_need_priority", args=[need.pk]),
                                         {"priority": value}, follow=True)
    assert response.status_code == 200
    assert "Die Priorität muss eine ganze Zahl" in response.content.decode()
    need.refresh_from_db()
    assert need.priority is None
