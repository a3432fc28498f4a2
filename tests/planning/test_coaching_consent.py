"""PS-3.3: "Die Inanspruchnahme … ist freiwillig": a sign-up is recorded only with the person's consent and
its date (not in the future), is revoked at the person's request (date kept, out of every figure), and
benefits staff take part only in an offer extended to them "aus besonderen Gründen" (reason required)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from planning import services
from planning.coaching import coaching_report
from planning.models import CoachingOffer, CoachingSignup
from staffing.models import Function

from ..factories import PositionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def offer(district):
    return CoachingOffer.objects.create(district=district, title="Fallcoaching", coach="Dr. Extern",
                                        starts_on=TODAY + datetime.timedelta(days=30))


def _member(office, functions, code=Function.Code.PLACEMENT):
    return StaffMemberFactory(position=PositionFactory(office=office, function=functions[code]))


def _post(offer, member, **overrides):
    p = f"o{offer.pk}"
    data = {f"{p}-staff_member": member.pk, f"{p}-consent_given": "on", f"{p}-consent_on": TODAY.isoformat()}
    for key, value in overrides.items():
        if value is None:
            data.pop(f"{p}-{key}")
        else:
            data[f"{p}-{key}"] = value
    return data


def test_a_sign_up_with_consent_records_date_and_who(client, clerk_witten, offer, witten_office, functions):
    member = _member(witten_office, functions)
    client.force_login(clerk_witten)
    day = TODAY - datetime.timedelta(days=3)
    response = client.post(reverse("planning:coaching_sign_up", args=[offer.pk]),
                           _post(offer, member, consent_on=day.isoformat()))
    assert response.status_code == 302
    signup = CoachingSignup.objects.get()
    assert (signup.consent_on, signup.recorded_by, signup.revoked_on) == (day, clerk_witten, None)


def test_consent_given_today_is_accepted(clerk_witten, offer, witten_office, functions):
    member = _member(witten_office, functions)
    services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=True,
                              consent_on=TODAY, today=TODAY)
    assert CoachingSignup.objects.counted().count() == 1


@pytest.mark.parametrize(("override", "message"), [
    ({"consent_given": None}, "Bitte bestätigen Sie, dass die Person selbst zugestimmt hat"),
    ({"consent_on": None}, "Bitte geben Sie an, wann die Person zugestimmt hat"),
    ({"consent_on": ""}, "Bitte geben Sie an, wann die Person zugestimmt hat"),
    ({"consent_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "nicht in der Zukunft"),
    ({"consent_on": "31.02.2026"}, "gültiges Datum"),
])
def test_a_sign_up_without_consent_or_with_a_future_date_is_refused_and_kept_in_the_form(
        client, clerk_witten, offer, witten_office, functions, override, message):
    member = _member(witten_office, functions)
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:coaching_sign_up", args=[offer.pk]), _post(offer, member, **override))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'<option value="{member.pk}" selected>' in html  # nothing typed is lost
    assert not CoachingSignup.objects.exists()


def test_the_service_refuses_a_future_consent_date_also_without_the_form(clerk_witten, offer, witten_office,
                                                                        functions):
    member = _member(witten_office, functions)
    with pytest.raises(ValidationError) as error:
        services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=True,
                                  consent_on=TODAY + datetime.timedelta(days=1), today=TODAY)
    assert "consent_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=False,
                                  consent_on=TODAY, today=TODAY)
    assert "consent_given" in error.value.message_dict
    assert not CoachingSignup.objects.exists()


def _signed_up(offer, office, functions, n):
    members = [_member(office, functions) for _ in range(n)]
    for m in members:
        CoachingSignup.objects.create(offer=offer, staff_member=m, consent_on=TODAY)
    return members


def test_revocation_by_the_persons_city_keeps_the_date_and_removes_the_person_from_every_figure(
        client, clerk_witten, offer, witten_office, functions):
    members = _signed_up(offer, witten_office, functions, 6)
    [before] = coaching_report([offer])
    assert before.total.shown == 6
    signup = CoachingSignup.objects.get(staff_member=members[0])
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:coaching_signups"), {"signup": signup.pk}, follow=True)
    assert "Die Rücknahme der Anmeldung ist gespeichert" in response.content.decode()
    signup.refresh_from_db()
    assert (signup.revoked_on, signup.revoked_by) == (TODAY, clerk_witten)
    [after] = coaching_report([offer])
    assert after.total.shown == 5
    assert {c.label: c.shown for c in after.by_office}["Regionalstelle Witten"] == 5
    # and out of the coordination office's list of participants
    assert signup not in CoachingSignup.objects.counted()


def test_a_revocation_leaving_four_hides_the_figures(offer, witten_office, functions, clerk_witten):
    members = _signed_up(offer, witten_office, functions, 5)
    services.coaching_revoke(signup_id=CoachingSignup.objects.get(staff_member=members[0]).pk, by=clerk_witten)
    [report] = coaching_report([offer])
    assert report.total.suppressed and all(c.suppressed for c in report.by_office + report.by_area)


def test_another_city_cannot_revoke_and_the_leaders_cannot_either(client, clerk_hattingen, district_admin, head,
                                                                 offer, witten_office, functions):
    [member] = _signed_up(offer, witten_office, functions, 1)
    signup = CoachingSignup.objects.get(staff_member=member)
    with pytest.raises(Http404):
        services.coaching_revoke(signup_id=signup.pk, by=clerk_hattingen)
    for user in (district_admin, head):
        client.force_login(user)
        assert client.post(reverse("planning:coaching_signups"), {"signup": signup.pk}).status_code == 403
    signup.refresh_from_db()
    assert signup.revoked_on is None


def test_the_city_sees_only_its_own_staffs_sign_ups(client, clerk_hattingen, offer, witten_office, functions):
    [member] = _signed_up(offer, witten_office, functions, 1)
    client.force_login(clerk_hattingen)
    assert member.last_name not in client.get(reverse("planning:coaching_signups")).content.decode()


def test_signing_up_again_after_revocation_needs_new_consent_and_counts_again(clerk_witten, offer, witten_office,
                                                                             functions):
    member = _member(witten_office, functions)
    services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=True,
                              consent_on=TODAY - datetime.timedelta(days=20))
    signup = services.coaching_revoke(signup_id=CoachingSignup.objects.get().pk, by=clerk_witten)
    assert not CoachingSignup.objects.counted().exists() and signup.revoked_on == TODAY
    services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=True,
                              consent_on=TODAY)
    signup = CoachingSignup.objects.get()
    assert (signup.consent_on, signup.revoked_on) == (TODAY, None)


def test_a_sign_up_without_recorded_consent_counts_nowhere(offer, witten_office, functions):
    members = [_member(witten_office, functions) for _ in range(5)]
    for m in members:
        CoachingSignup.objects.create(offer=offer, staff_member=m)  # recorded before consent was kept
    [report] = coaching_report([offer])
    assert report.total.count == 0


def test_benefits_staff_are_refused_for_an_offer_not_open_to_them(client, clerk_witten, offer, witten_office,
                                                                 functions):
    member = _member(witten_office, functions, Function.Code.BENEFITS)
    client.force_login(clerk_witten)
    response = client.post(reverse("planning:coaching_sign_up", args=[offer.pk]), _post(offer, member))
    assert response.status_code == 400
    assert "nicht für die Leistungssachbearbeitung geöffnet" in response.content.decode()
    assert not CoachingSignup.objects.exists()


def test_an_offer_open_to_benefits_staff_needs_the_reason(client, coordinator):
    client.force_login(coordinator)
    data = {"title": "Resilienz", "coach": "Extern", "starts_on": (TODAY + datetime.timedelta(days=40)).isoformat(),
            "open_to_benefits": "on", "benefits_reason": "   "}
    response = client.post(reverse("planning:coaching"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte nennen Sie die besonderen Gründe" in html and 'value="Resilienz"' in html
    assert not CoachingOffer.objects.exists()
    data["benefits_reason"] = "Mehr konflikthafte Vorsprachen in den Leistungsteams"
    assert client.post(reverse("planning:coaching"), data).status_code == 302
    offer = CoachingOffer.objects.get()
    assert offer.open_to_benefits and offer.benefits_reason == data["benefits_reason"]
    html = client.get(reverse("planning:coaching")).content.decode()
    assert "aus besonderen Gründen:" in html and data["benefits_reason"] in html


def test_a_reason_without_the_extension_is_not_kept(coordinator):
    offer = services.coaching_offer_create(by=coordinator, title="Fallcoaching", coach="Extern",
                                           starts_on=TODAY, open_to_benefits=False, benefits_reason="egal",
                                           description="")
    assert offer.benefits_reason == ""


def test_benefits_staff_can_take_part_in_an_extended_offer(clerk_witten, offer, witten_office, functions):
    offer.open_to_benefits, offer.benefits_reason = True, "Besondere Belastung"
    offer.save()
    member = _member(witten_office, functions, Function.Code.BENEFITS)
    services.coaching_sign_up(offer_id=offer.pk, member_id=member.pk, by=clerk_witten, consent_given=True,
                              consent_on=TODAY)
    assert CoachingSignup.objects.counted().get().staff_member == member
