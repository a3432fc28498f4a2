"""PS-3.3: coaching is voluntary; reports show only aggregates and suppress any figure based on fewer
than 5 people; only the coordination office sees who takes part."""
import datetime

import pytest
from django.urls import reverse

from planning import services
from planning.coaching import coaching_report
from planning.models import CoachingOffer, CoachingSignup
from staffing.models import Function

from ..factories import PositionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(district):
    return CoachingOffer.objects.create(district=district, title="Fallcoaching", coach="Dr. Extern",
                                        starts_on=datetime.date(2026, 12, 1))


def _staff(office, functions, n, code=Function.Code.PLACEMENT):
    return [StaffMemberFactory(position=PositionFactory(office=office, function=functions[code]))
            for _ in range(n)]


def _sign_up(offer, members):
    for m in members:
        CoachingSignup.objects.create(offer=offer, staff_member=m, consent_on=datetime.date.today())


def _form(offer, member):
    """The sign-up form of one offer on the coaching page (PS-3.3: with the person's consent and date)."""
    p = f"o{offer.pk}"
    return {f"{p}-staff_member": member.pk, f"{p}-consent_given": "on", f"{p}-consent_on": datetime.date.today()}


def test_a_total_below_five_is_suppressed(offer, witten_office, functions):
    _sign_up(offer, _staff(witten_office, functions, 4))
    [report] = coaching_report([offer])
    assert report.total.count == 4 and report.total.suppressed
    assert all(c.suppressed for c in report.by_office + report.by_area)


def test_groups_of_five_are_shown_and_smaller_ones_hidden_also_against_subtraction(
        offer, witten_office, hattingen_office, functions):
    _sign_up(offer, _staff(witten_office, functions, 5) + _staff(hattingen_office, functions, 1))
    [report] = coaching_report([offer])
    assert report.total.shown == 6
    cells = {c.label: c for c in report.by_office}
    assert cells["Regionalstelle Hattingen"].shown is None
    # 6 - 5 would reveal the one person from Hattingen: Witten is hidden as well
    assert cells["Regionalstelle Witten"].shown is None


def test_large_groups_are_all_shown(offer, witten_office, hattingen_office, functions):
    _sign_up(offer, _staff(witten_office, functions, 6) + _staff(hattingen_office, functions, 5))
    [report] = coaching_report([offer])
    assert {c.label: c.shown for c in report.by_office} == {
        "Regionalstelle Hattingen": 5, "Regionalstelle Witten": 6}
    assert {c.label: c.shown for c in report.by_area} == {
        "Arbeitsvermittlung / Fachberatung": 11, "Leistungssachbearbeitung": 0}  # a zero identifies nobody


def test_page_shows_no_small_figures_and_no_names(client, clerk_witten, offer, witten_office, functions):
    members = _staff(witten_office, functions, 3)
    _sign_up(offer, members)
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:coaching")).content.decode()
    assert "weniger als 5" in html
    assert members[0].last_name in html  # in the sign-up choice of the city's own staff ...
    assert f"{members[0].last_name}, {members[0].first_name}</th>" not in html  # ... never as a participant
    assert reverse("planning:coaching_participants", args=[offer.pk]) not in html


@pytest.mark.parametrize("who", ["clerk_witten", "district_admin", "head"])
def test_only_the_coordination_office_sees_participants(client, request, who, offer):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("planning:coaching_participants", args=[offer.pk])).status_code == 404


def test_coordination_office_sees_participants(client, coordinator, offer, witten_office, functions):
    members = _staff(witten_office, functions, 2)
    _sign_up(offer, members)
    client.force_login(coordinator)
    html = client.get(reverse("planning:coaching_participants", args=[offer.pk])).content.decode()
    assert members[0].last_name in html and members[1].last_name in html


def test_city_signs_up_its_own_staff_voluntarily(client, clerk_witten, offer, witten_office, functions):
    [member] = _staff(witten_office, functions, 1)
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:coaching_sign_up", args=[offer.pk]), _form(offer, member),
                           follow=True)
    assert "Die Teilnahme ist freiwillig" in response.content.decode()
    assert CoachingSignup.objects.filter(offer=offer, staff_member=member).count() == 1
    client.post(reverse("planning:coaching_sign_up", args=[offer.pk]), _form(offer, member))
    assert CoachingSignup.objects.filter(offer=offer, staff_member=member).count() == 1


def test_city_cannot_sign_up_another_citys_staff(client, clerk_witten, offer, hattingen_office, functions):
    [member] = _staff(hattingen_office, functions, 1)
    client.force_login(clerk_witten)
    client.post(reverse("planning:coaching_sign_up", args=[offer.pk]), _form(offer, member))
    assert not CoachingSignup.objects.exists()


def test_benefits_staff_only_where_the_offer_is_extended(clerk_witten, offer, witten_office, functions):
    from django.core.exceptions import ValidationError

    [member] = _staff(witten_office, functions, 1, code=Function.Code.BENEFITS)
    consent = {"consent_given": True, "consent_on": datetime.date.today()}
    with pytest.raises(ValidationError):
        services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, **consent)
    offer.open_to_benefits, offer.benefits_reason = True, "Besondere Belastung der Leistungsteams"
    offer.save()
    services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, **consent)
    assert CoachingSignup.objects.count() == 1


def test_signup_carries_no_performance_data():
    fields = {f.name for f in CoachingSignup._meta.get_fields()}
    assert fields == {"id", "offer", "staff_member", "signed_up_at", "consent_on", "recorded_by", "revoked_on",
                      "revoked_by"}
