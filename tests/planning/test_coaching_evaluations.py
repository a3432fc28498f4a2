"""PS-3.3: coaches evaluate "in anonymisierter und allgemeiner Form": the external coach sends evaluations
through a personal, expiring, signed link (no account, CSRF-protected); the coordination office reads
the free text, the leaders (district administration, head) only themes aggregated per offer and period;
the city's HR reads nothing of it."""
import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from planning import coaching
from planning.models import CoachingEvaluation, CoachingOffer

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
SECRET_TEXT = "Die Gruppe arbeitete an Erstgesprächen mit hoher Fallzahl."


@pytest.fixture
def offer(district):
    return CoachingOffer.objects.create(district=district, title="Fallcoaching", coach="Dr. Extern",
                                        starts_on=TODAY - datetime.timedelta(days=40))


def _link(offer):
    return reverse("planning:coaching_coach_form", args=[offer.pk, coaching.coach_token(offer)])


def _data(**overrides):
    data = {"year": TODAY.year, "quarter": (TODAY.month - 1) // 3 + 1, "participants": 6,
            "themes": ["belastung", "konflikte"], "text": SECRET_TEXT}
    data.update(overrides)
    return data


def _evaluate(offer, participants, themes, *, year=2026, quarter=4, text=SECRET_TEXT):
    return CoachingEvaluation.objects.create(offer=offer, year=year, quarter=quarter, participants=participants,
                                             themes=themes, text=text, coach=offer.coach)


def test_the_coordination_office_creates_a_link_and_the_coach_submits_several_evaluations(
        client, coordinator, offer):
    client.force_login(coordinator)
    html = client.post(reverse("planning:coaching_offer_evaluations", args=[offer.pk])).content.decode()
    link = re.search(r'<code id="coach-link">([^<]+)</code>', html).group(1)
    coach = Client(enforce_csrf_checks=True)  # the coach: no account, a fresh browser
    form = coach.get(link)
    assert form.status_code == 200 and "Auswertung senden" in form.content.decode()
    csrf = form.cookies["csrftoken"].value
    for n in (6, 5):
        response = coach.post(link, {**_data(participants=n), "csrfmiddlewaretoken": csrf})
        assert response.status_code == 302
    assert list(CoachingEvaluation.objects.values_list("participants", flat=True).order_by("pk")) == [6, 5]
    assert CoachingEvaluation.objects.first().themes == ["belastung", "konflikte"]


def test_the_coach_form_is_csrf_protected(offer):
    coach = Client(enforce_csrf_checks=True)
    assert coach.post(_link(offer), _data()).status_code == 403
    assert not CoachingEvaluation.objects.exists()


@pytest.mark.parametrize(("override", "message"), [
    ({"text": ""}, "Dieses Feld ist zwingend erforderlich"),
    ({"participants": "0"}, "größer oder gleich 1"),
    ({"themes": ["unbekannt"]}, "keine gültige Auswahl"),
    ({"quarter": "5"}, "keine gültige Auswahl"),
])
def test_bad_input_of_the_coach_is_a_german_message_and_nothing_typed_is_lost(client, offer, override, message):
    response = client.post(_link(offer), _data(**override))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if override.get("text") != "":
        assert SECRET_TEXT in html
    assert not CoachingEvaluation.objects.exists()


def test_a_tampered_token_is_404_in_german(client, offer):
    token = coaching.coach_token(offer)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "kein-token", "a:b:c"):
        response = client.get(reverse("planning:coaching_coach_form", args=[offer.pk, bad]))
        assert response.status_code == 404 and "Der Link ist nicht gültig" in response.content.decode()
    assert client.post(reverse("planning:coaching_coach_form", args=[offer.pk, tampered]), _data()).status_code == 404
    assert not CoachingEvaluation.objects.exists()


def test_a_token_of_another_offer_is_404(client, offer, district):
    other = CoachingOffer.objects.create(district=district, title="Resilienz", coach="Dr. Extern", starts_on=TODAY)
    response = client.get(reverse("planning:coaching_coach_form", args=[other.pk, coaching.coach_token(offer)]))
    assert response.status_code == 404
    assert client.post(reverse("planning:coaching_coach_form", args=[other.pk, coaching.coach_token(offer)]),
                       _data()).status_code == 404


def test_a_link_stops_working_when_the_coach_changes(client, offer):
    link = _link(offer)
    offer.coach = "Neue Coachin"
    offer.save()
    assert client.get(link).status_code == 404


def test_an_expired_link_is_400_in_german_and_valid_until_its_last_day(client, offer, settings):
    settings.COACHING_LINK_MAX_AGE_DAYS = 60
    now = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(now, tick=False):
        link = _link(offer)
    with time_machine.travel(now + datetime.timedelta(days=60) - datetime.timedelta(seconds=5), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(now + datetime.timedelta(days=60, seconds=5), tick=False):
        response = client.get(link)
        assert response.status_code == 400 and "Der Link ist abgelaufen" in response.content.decode()
        assert client.post(link, _data()).status_code == 400
    assert not CoachingEvaluation.objects.exists()


def test_a_token_for_another_purpose_does_not_open_the_form(client, offer):
    from django.core import signing

    token = signing.TimestampSigner(salt="another.purpose").sign_object({"offer": offer.pk, "coach": offer.coach})
    assert client.get(reverse("planning:coaching_coach_form", args=[offer.pk, token])).status_code == 404


@pytest.mark.parametrize("who", ["clerk_witten", "clerk_hattingen"])
def test_the_citys_hr_cannot_see_evaluations(client, request, who, offer):
    _evaluate(offer, 6, ["belastung"])
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("planning:coaching_evaluations")).status_code == 403
    assert client.get(reverse("planning:coaching_offer_evaluations", args=[offer.pk])).status_code == 404
    assert SECRET_TEXT not in client.get(reverse("planning:coaching")).content.decode()


@pytest.mark.parametrize("who", ["head", "district_admin"])
def test_leaders_see_only_aggregated_themes_never_the_free_text(client, request, who, offer):
    _evaluate(offer, 6, ["belastung", "konflikte"])
    _evaluate(offer, 5, ["belastung"], text="Zweiter Text")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("planning:coaching_evaluations"))
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET_TEXT not in html and "Zweiter Text" not in html
    assert "4. Quartal 2026" in html
    [report] = response.context["evaluations"]
    themes = {t.label: t.shown for t in report.periods[0].themes}
    assert themes["Belastung/Stress"] == 11  # named for all 11 participants
    assert themes["Konflikte"] == 6  # 6 named, 5 not: both groups ≥ 5
    assert themes["Gesprächsführung"] == 0
    assert client.get(reverse("planning:coaching_offer_evaluations", args=[offer.pk])).status_code == 404


def test_the_coordination_office_reads_the_free_text(client, coordinator, offer):
    _evaluate(offer, 2, ["belastung"])
    client.force_login(coordinator)
    html = client.get(reverse("planning:coaching_offer_evaluations", args=[offer.pk])).content.decode()
    assert SECRET_TEXT in html and "Belastung/Stress" in html


def test_a_theme_that_leaves_a_small_group_of_the_period_is_hidden(offer):
    _evaluate(offer, 6, ["belastung"])
    _evaluate(offer, 2, ["konflikte"])
    [report] = coaching.evaluation_report([offer])
    themes = {t.label: t for t in report.periods[0].themes}
    # 8 participants: "Belastung" 6 would leave 2 who did not name it; "Konflikte" 2 is itself small
    assert themes["Belastung/Stress"].suppressed and themes["Konflikte"].suppressed
    assert report.periods[0].participants.shown == 8


def test_a_period_of_fewer_than_five_hides_its_themes_and_the_next_smallest_period(offer):
    _evaluate(offer, 3, ["belastung"], quarter=3)
    _evaluate(offer, 9, ["belastung"], quarter=4)
    _evaluate(offer, 7, ["team"], year=2027, quarter=1)
    [report] = coaching.evaluation_report([offer])
    assert report.total.shown == 19
    shown = [p.participants.shown for p in report.periods]
    assert shown == [None, 9, None]  # 3 hidden, and 7 with it: 19 - 9 = 10, never 3
    assert all(t.suppressed for t in report.periods[0].themes)
