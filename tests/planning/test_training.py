"""PS-1.4, PS-3.2: needs entered per office, prioritised district-wide by the coordination office;
offers with dates and places; participation per staff member."""
import datetime

import pytest
from django.urls import reverse

from planning.models import TrainingNeed, TrainingOffer, TrainingParticipation

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(district):
    return TrainingOffer.objects.create(district=district, title="Gesprächsführung", location="Schwelm",
                                        starts_on=datetime.date(2027, 2, 1), ends_on=datetime.date(2027, 2, 2),
                                        places=1)


def test_city_enters_a_need_and_the_coordination_office_prioritises_it(client, clerk_witten, coordinator,
                                                                       witten_office, functions):
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:training"), {"form": "need", "need-topic": "Sucht", "need-persons": "3"})
    assert response.status_code == 302
    need = TrainingNeed.objects.get()
    assert need.office == witten_office and need.priority is None
    assert client.post(reverse("planning:training_need_priority", args=[need.pk]), {"priority": "1"}).status_code == 403
    client.force_login(coordinator)
    client.post(reverse("planning:training_need_priority", args=[need.pk]), {"priority": "1"})
    need.refresh_from_db()
    assert need.priority == 1


def test_coordination_office_plans_an_offer_and_end_before_start_is_refused(client, coordinator):
    client.force_login(coordinator)
    data = {"form": "offer", "offer-title": "KdU", "offer-starts_on": "2027-03-02", "offer-ends_on": "2027-03-01",
            "offer-location": "online", "offer-places": "20"}
    response = client.post(reverse("planning:training"), data)
    assert "nicht vor dem Beginn" in response.content.decode()
    data["offer-ends_on"] = "2027-03-02"
    assert client.post(reverse("planning:training"), data).status_code == 302
    assert TrainingOffer.objects.get().places == 20


def test_city_cannot_plan_offers(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:training"), {"form": "offer", "offer-title": "x"})
    assert response.status_code == 403


def test_participation_is_recorded_until_the_places_are_taken(client, clerk_witten, offer, witten_plan):
    first, second = witten_plan["staff"][:2]
    client.force_login(clerk_witten)
    client.post(reverse("planning:training_offer", args=[offer.pk]), {"staff_member": first.pk})
    response = client.post(reverse("planning:training_offer", args=[offer.pk]), {"staff_member": second.pk})
    assert "Keine freien Plätze mehr." in response.content.decode()
    participation = TrainingParticipation.objects.get()
    assert participation.staff_member == first
    client.post(reverse("planning:training_participation_status", args=[participation.pk]), {"status": "attended"})
    participation.refresh_from_db()
    assert participation.status == "attended"


def test_staff_register_lists_training_participation(client, clerk_witten, offer, witten_plan):
    from planning import services

    services.training_register(offer_id=offer.pk, member_id=witten_plan["staff"][0].pk, by=clerk_witten)
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:staff_register")).content.decode()
    assert "Gesprächsführung (02/2027, angemeldet)" in html


def test_the_forms_offer_the_needs_and_functions_read_once_with_the_german_empty_choice(
        client, coordinator, witten_office, functions, offer):
    """issue 16, point 4: the offer form's needs and both forms' functions come from the page's one read of
    each; the selects still start with "Bitte wählen", a chosen need is kept after a refused post."""
    need = TrainingNeed.objects.create(office=witten_office, topic="Sucht & Abhängigkeit", persons=2,
                                       created_by=coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("planning:training")).content.decode()
    assert "---------" not in html and '<option value="" selected>Bitte wählen</option>' in html
    assert f'<option value="{need.pk}">Sucht &amp; Abhängigkeit</option>' in html
    assert all(f">{f.name}</label>" in html or f">{f.name}<" in html for f in functions.values())  # target boxes
    data = {"form": "offer", "offer-title": "KdU", "offer-starts_on": "2027-03-02", "offer-ends_on": "2027-03-01",
            "offer-location": "online", "offer-places": "20", "offer-need": str(need.pk)}
    html = client.post(reverse("planning:training"), data).content.decode()
    assert f'<option value="{need.pk}" selected>Sucht &amp; Abhängigkeit</option>' in html
