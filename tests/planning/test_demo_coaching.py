"""seed_demo shows PS-3.3 with realistic figures: consented sign-ups with dates, one revocation, one offer
extended to benefits staff with its reason, and coaches' evaluations with themes leaders can read."""
import pytest
from django.core.management import call_command

from planning.coaching import coaching_report, evaluation_report
from planning.models import CoachingEvaluation, CoachingOffer, CoachingSignup

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_consent_revocation_reason_and_evaluations():
    call_command("seed_demo", verbosity=0)
    signups = CoachingSignup.objects.all()
    assert signups.count() >= 10 and not signups.filter(consent_on__isnull=True).exists()
    assert all(s.consent_on < s.offer.starts_on and s.recorded_by_id for s in signups)
    assert signups.filter(revoked_on__isnull=False).count() == 1
    [extended] = CoachingOffer.objects.filter(open_to_benefits=True)
    assert "Leistungsteams" in extended.benefits_reason
    assert CoachingEvaluation.objects.count() >= 2 and all(e.themes for e in CoachingEvaluation.objects.all())
    offers = CoachingOffer.objects.all()
    assert any(not r.total.suppressed for r in coaching_report(offers))
    shown_themes = [t for r in evaluation_report(offers) for p in r.periods for t in p.themes
                    if not t.suppressed and t.count]
    assert len(shown_themes) >= 2  # leaders see which themes came up


def test_seeding_twice_adds_no_coaching_rows():
    call_command("seed_demo", verbosity=0)
    counts = (CoachingSignup.objects.count(), CoachingEvaluation.objects.count(),
              CoachingSignup.objects.filter(revoked_on__isnull=False).count())
    call_command("seed_demo", verbosity=0)
    assert (CoachingSignup.objects.count(), CoachingEvaluation.objects.count(),
            CoachingSignup.objects.filter(revoked_on__isnull=False).count()) == counts
