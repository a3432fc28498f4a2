"""Migration 0022 (issue 17, point 1): every existing district gets its initial rule set from the current
settings, and every received notice points at its district's; a draft has none."""
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from staffing.models import AgreementRuleSet, PlacementNotice

from .helpers import migrated_back_to, old_office

BEFORE = [("staffing", "0021_notice_created_idx")]


@pytest.mark.django_db(transaction=True)
def test_existing_districts_get_their_initial_rule_set_and_received_notices_point_at_it(settings):
    settings.PUBLIC_HOLIDAYS_SUBDIVISION = "NW"
    settings.OBJECTION_PERIOD_WEEKS = 1
    with migrated_back_to(BEFORE) as old:
        made = {}
        for slug in ("en", "me"):
            office = old_office(old, slug)
            function = old.get_model("staffing", "Function").objects.get_or_create(code="placement",
                                                                                   name="Arbeitsvermittlung")[0]
            for state, received in (("informed", datetime(2026, 11, 25, 9, tzinfo=dt_timezone.utc)), ("draft", None)):
                position = old.get_model("staffing", "Position").objects.create(
                    office=office, function=function, number=f"{slug}-{state}", title="AV", grade="EG 9c",
                    fte=Decimal("1"))
                notice = old.get_model("staffing", "PlacementNotice").objects.create(
                    office=office, position=position, function=function, state=state, received_at=received,
                    period_ends_at=received, period_last_day=received.date() if received else None)
                made[(slug, state)] = notice.pk

    rule_sets = {r.district.slug: r for r in AgreementRuleSet.objects.select_related("district")}
    assert set(rule_sets) == {"en", "me"}
    assert all((r.version, r.holiday_region, r.period_weeks, r.created_by_id) == (1, "NW", 1, None)
               for r in rule_sets.values())
    for slug in ("en", "me"):
        assert PlacementNotice.objects.get(pk=made[(slug, "informed")]).rule_set_id == rule_sets[slug].pk
        assert PlacementNotice.objects.get(pk=made[(slug, "draft")]).rule_set_id is None
