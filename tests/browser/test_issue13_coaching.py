"""Issue 13, PS-3.3 in a real browser on the demo data: the city's HR records a sign-up with the person's
consent and its date, then records its revocation at the person's request; the coordination office hands
the external coach a personal link and the coach, without an account, sends an evaluation through it.
axe-core checks the pages on the way."""
import datetime

import pytest
from playwright.sync_api import expect

from planning.models import CoachingEvaluation, CoachingOffer, CoachingSignup
from staffing.models import Function, StaffMember

from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
OFFER = "Resilienz im Beratungsalltag"  # the demo offer extended to benefits staff


def _free_member(offer) -> StaffMember:
    return (StaffMember.objects.filter(office__city__name="Witten", left_on__isnull=True,
                                       function__code__in=[Function.Code.PLACEMENT, Function.Code.BENEFITS])
            .exclude(coaching_signups__offer=offer).order_by("last_name").first())


def test_city_records_a_consented_sign_up_and_its_revocation(demo, page):
    offer = CoachingOffer.objects.get(title=OFFER)
    member = _free_member(offer)
    login(page, demo, "clerk-witten")
    page.goto(f"{demo}/planung/coaching/")
    section = page.locator("section", has=page.get_by_role("heading", name=OFFER, exact=True))
    expect(section).to_contain_text("aus besonderen Gründen")
    assert_accessible(page)

    # without the person's consent: refused, the choice stays
    section.get_by_label("Mitarbeiter/in").select_option(str(member.pk))
    section.get_by_role("button", name="Anmelden").click()
    section = page.locator("section", has=page.get_by_role("heading", name=OFFER, exact=True))
    expect(section).to_contain_text("Bitte bestätigen Sie, dass die Person selbst zugestimmt hat")
    expect(section.get_by_label("Mitarbeiter/in")).to_have_value(str(member.pk))
    assert not CoachingSignup.objects.filter(offer=offer, staff_member=member).exists()

    consent_on = datetime.date.today() - datetime.timedelta(days=2)
    section.get_by_label("Die Person hat der Anmeldung selbst zugestimmt").check()
    section.get_by_label("Zustimmung der Person am").fill(consent_on.isoformat())
    section.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Die Anmeldung zum Coaching ist gespeichert")
    signup = CoachingSignup.objects.get(offer=offer, staff_member=member)
    assert signup.consent_on == consent_on and signup.revoked_on is None

    page.get_by_role("link", name="Erfasste Anmeldungen und Rücknahmen").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Rücknahme erfassen {member}, {OFFER}").click()
    expect(page.get_by_role("status")).to_contain_text("Die Rücknahme der Anmeldung ist gespeichert")
    signup.refresh_from_db()
    assert signup.revoked_on == datetime.date.today()
    assert signup not in CoachingSignup.objects.counted()


def test_coach_sends_an_evaluation_through_the_personal_link(demo, new_page):
    offer = CoachingOffer.objects.get(title="Kollegiales Fallcoaching Arbeitsvermittlung")
    before = CoachingEvaluation.objects.filter(offer=offer).count()
    office = new_page()
    login(office, demo, "koordination")
    office.goto(f"{demo}/planung/coaching/{offer.pk}/auswertung/")
    office.get_by_role("button", name="Link für den Coach erzeugen").click()
    link = office.locator("#coach-link").inner_text()
    assert_accessible(office)

    coach = new_page()  # the coach: another browser, no account
    coach.goto(link)
    expect(coach.get_by_role("heading", level=1)).to_have_text(offer.title)
    assert_accessible(coach)
    coach.get_by_label("Zahl der Teilnehmenden im Zeitraum").fill("7")
    coach.get_by_label("Belastung/Stress").check()
    coach.get_by_label("Rollenklarheit").check()
    coach.get_by_label("Auswertung (allgemein, ohne Namen)").fill("Rollenverständnis im Erstgespräch geklärt.")
    coach.get_by_role("button", name="Auswertung senden").click()
    expect(coach.get_by_role("status")).to_contain_text("Die Auswertung ist gespeichert")
    assert CoachingEvaluation.objects.filter(offer=offer).count() == before + 1
    latest = CoachingEvaluation.objects.filter(offer=offer).latest("pk")
    assert (latest.participants, latest.themes) == (7, ["belastung", "rollenklarheit"])

    coach.goto(link.replace("/coach/", "/coach/x"))
    expect(coach.get_by_role("heading", level=1)).to_have_text("Der Link ist nicht gültig")
