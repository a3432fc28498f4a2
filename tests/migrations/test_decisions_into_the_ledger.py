"""Migration 0015 (issue 12, PS-2.5): decisions taken before the decision kind existed get their kind, and
the cuts stored on the notice become rows of the ledger before those fields go."""
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest

from staffing.models import AdministrativeCostCut, PlacementNotice

from .helpers import migrated_back_to, old_office

BEFORE = [("staffing", "0014_state_labels")]


@pytest.mark.django_db(transaction=True)
def test_existing_decisions_keep_their_outcome_and_their_cuts():
    with migrated_back_to(BEFORE) as old:
        office = old_office(old, "witten", name="Kreis", city_name="Witten")
        function = old.get_model("staffing", "Function").objects.create(code="placement", name="Arbeitsvermittlung")
        admin = old.get_model("staffing", "User").objects.create(username="kreis-alt")
        Notice, Event = old.get_model("staffing", "PlacementNotice"), old.get_model("staffing", "NoticeEvent")
        decided_at = datetime(2026, 5, 4, 10, 0, tzinfo=dt_timezone.utc)
        made = {}
        for key, permitted, directive, amount, percent in [
                ("cut", False, "", Decimal("5000.00"), None), ("conditions", True, "Nur befristet.", None, None),
                ("permitted", True, "", None, Decimal("2.50"))]:
            position = old.get_model("staffing", "Position").objects.create(
                office=office, function=function, number=key, title=key, grade="EG 9c", fte=Decimal("1"))
            notice = Notice.objects.create(office=office, position=position, function=function, state="decided",
                                           received_at=decided_at, period_ends_at=decided_at,
                                           placement_permitted=permitted, directive=directive,
                                           reimbursement_cut_amount=amount, reimbursement_cut_percent=percent)
            Event.objects.create(notice=notice, actor=admin, transition="decide", from_state="escalated",
                                 to_state="decided", at=decided_at, reason="Entscheidung")
            made[key] = notice.pk

    kinds = dict(PlacementNotice.objects.values_list("pk", "decision_kind"))
    assert kinds == {made["cut"]: "refused", made["conditions"]: "conditions", made["permitted"]: "permitted"}
    cuts = {c.notice_id: c for c in AdministrativeCostCut.objects.all()}
    assert set(cuts) == {made["cut"], made["permitted"]}
    assert cuts[made["cut"]].amount == Decimal("5000.00") and cuts[made["cut"]].percent is None
    assert cuts[made["permitted"]].percent == Decimal("2.50")
    assert cuts[made["cut"]].period_from.isoformat() == "2026-05-04"
    assert cuts[made["cut"]].period_to.isoformat() == "2026-12-31"
    assert "§ 4 Abs. 1" in cuts[made["cut"]].legal_basis and cuts[made["cut"]].revoked_at is None
