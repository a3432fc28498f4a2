"""Issue 17: the PDF certificate reads the notice's rule set: the Land's procedure act, its holidays and
the rule set named in the period's length."""
from datetime import date

import pytest
import time_machine

from staffing import services
from staffing.models import PlacementNotice

from .conftest import berlin, submit
from .test_certificates import fetch, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate_under(client, draft, clerk_witten, district, district_admin, settings):
    """The certificate of `draft` under a rule set changed on 03.01.2028: submitted at `submitted_at` (Berlin),
    approved by the sweep at `swept_at`; returns the PDF's text."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def certificate(*, reason, holiday_region, catholic_holidays, period_weeks, submitted_at, swept_at):
        with time_machine.travel(berlin(2028, 1, 3, 9, 0), tick=False):
            services.rule_set_change(
                by=district_admin, district_id=district.pk, reason=reason, holiday_region=holiday_region,
                catholic_holidays=catholic_holidays, period_weeks=period_weeks, reminder_working_days=1,
                vacancy_flag_days=90, qualification_min_months=6, statute_date=date(2007, 4, 18),
                statute_reference="§ 4 Abs. 1 der Heranziehungssatzung")
        PlacementNotice.objects.filter(pk=draft.pk).update(planned_start=date(2029, 1, 1))
        submit(draft, clerk_witten, at=submitted_at)
        with time_machine.travel(swept_at, tick=False):
            from staffing.tasks import run_sweep
            assert run_sweep()["approved"] == 1
        return pdf_text(fetch(client, clerk_witten, draft).content)
    return certificate


def test_a_bavarian_certificate_names_bavarias_law_and_holidays(certificate_under):
    text = certificate_under(reason="Umzug nach Bayern", holiday_region="BY", catholic_holidays=True,
                             period_weeks=1,
                             submitted_at=berlin(2028, 8, 8, 11, 0),  # Tuesday: nominal end Mariä Himmelfahrt
                             swept_at=berlin(2028, 8, 17, 0, 0, 1))
    assert "Art. 31 BayVwVfG" in text and "VwVfG NRW" not in text
    assert "Feiertage: Bayern mit katholischen Feiertagen; Regelwerk vom 03.01.2028" in text
    assert "Mariä Himmelfahrt" in text
    assert "Ende der Wochenfrist Mittwoch, 16.08.2028, 24:00 Uhr" in text
    assert "Tag der folgenden Woche mit dem Wochentag des Eingangs" in text


def test_a_two_week_period_is_explained_with_the_second_following_week(certificate_under):
    text = certificate_under(reason="Zwei Wochen vereinbart", holiday_region="NW", catholic_holidays=False,
                             period_weeks=2,
                             submitted_at=berlin(2028, 3, 7, 11, 0),  # Tuesday; two weeks: Tuesday, 21.03.2028
                             swept_at=berlin(2028, 3, 22, 0, 0, 1))
    assert "rechnerisches Fristende Dienstag, 21.03.2028" in text
    assert "Tag der 2. folgenden Woche mit dem Wochentag des Eingangs" in text
    assert "Ende der Wochenfrist Dienstag, 21.03.2028, 24:00 Uhr" in text
