"""Issue 12, point 5 (PS-2.5): the district's decision by kind ("Besetzung zulässig" / "unterbleibt" /
"mit Auflagen"), each optionally with a cut of the administrative-cost reimbursement (§ 4 Abs. 1
Heranziehungssatzung vom 18.04.2007) booked in its own ledger, revocable only by an audited decision of the
district administration, untouched by what becomes of the notice."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from staffing import notifications, services
from staffing.models import AdministrativeCostCut, DecisionKind, NoticeState

from .helpers import ARGS, run

pytestmark = pytest.mark.django_db
S = NoticeState
PERIOD = {"cut_from": date(2027, 1, 1), "cut_to": date(2027, 6, 30)}


def decide(notice, admin, **kwargs):
    return services.notice_decide(notice_id=notice.pk, by=admin, **kwargs)


@pytest.mark.parametrize(("kind", "directive", "permitted"), [
    (DecisionKind.PERMITTED, "", True),
    (DecisionKind.REFUSED, "", False),
    (DecisionKind.CONDITIONS, "Besetzung nur mit Praxiseinweisung von sechs Monaten.", True),
])
def test_each_decision_kind_sets_whether_the_placement_may_go_ahead(make_notice, district_admin, kind, directive,
                                                                    permitted):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=kind, directive=directive)
    notice.refresh_from_db()
    assert notice.state == S.DECIDED
    assert notice.decision_kind == kind and notice.placement_permitted is permitted
    assert notice.directive == directive
    assert not notice.cost_cuts.exists()
    assert notice.events.get(transition="decide").reason.startswith(str(DecisionKind(kind).label))


def test_a_decision_without_a_directive_lets_the_city_place(make_notice, district_admin, clerk_witten):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=DecisionKind.PERMITTED)
    run("place", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.PLACED


def test_a_refused_placement_cannot_be_carried_out(make_notice, district_admin, clerk_witten):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=DecisionKind.REFUSED)
    with pytest.raises(services.WorkflowError):
        run("place", notice, clerk_witten)


def test_a_directive_given_with_another_kind_is_not_kept(make_notice, district_admin):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=DecisionKind.PERMITTED, directive="wird nicht gespeichert")
    notice.refresh_from_db()
    assert notice.directive == ""


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": ""}, "kind"),
    ({"kind": "veto"}, "kind"),
    ({"kind": DecisionKind.CONDITIONS, "directive": "  "}, "directive"),
    ({"kind": DecisionKind.PERMITTED, "cut_amount": Decimal("100"), "cut_percent": Decimal("5"), **PERIOD},
     "cut_percent"),
    ({"kind": DecisionKind.PERMITTED, "cut_amount": Decimal("-1"), **PERIOD}, "cut_amount"),
    ({"kind": DecisionKind.PERMITTED, "cut_percent": Decimal("100.01"), **PERIOD}, "cut_percent"),
    ({"kind": DecisionKind.PERMITTED, "cut_amount": Decimal("100")}, "cut_from"),
    ({"kind": DecisionKind.PERMITTED, "cut_amount": Decimal("100"), "cut_from": date(2027, 1, 1)}, "cut_from"),
    ({"kind": DecisionKind.PERMITTED, "cut_amount": Decimal("100"), "cut_from": date(2027, 2, 1),
      "cut_to": date(2027, 1, 31)}, "cut_to"),
    ({"kind": DecisionKind.PERMITTED, **PERIOD}, "cut_amount"),
])
def test_an_incomplete_or_impossible_decision_is_refused_at_its_field(make_notice, district_admin, kwargs, field):
    notice = make_notice(S.ESCALATED)
    with pytest.raises(services.WorkflowError) as exc:
        decide(notice, district_admin, **kwargs)
    assert field in exc.value.message_dict
    notice.refresh_from_db()
    assert notice.state == S.ESCALATED
    assert not AdministrativeCostCut.objects.exists()


@pytest.mark.parametrize("value", [{"cut_amount": Decimal("2500.00")}, {"cut_percent": Decimal("7.5")}])
def test_a_cut_as_amount_or_percentage_is_booked_in_the_ledger(make_notice, district_admin, value):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=DecisionKind.REFUSED, **value, **PERIOD)
    [cut] = AdministrativeCostCut.objects.all()
    assert cut.notice == notice and cut.city == notice.office.city
    assert (cut.amount, cut.percent) == (value.get("cut_amount"), value.get("cut_percent"))
    assert (cut.period_from, cut.period_to) == (date(2027, 1, 1), date(2027, 6, 30))
    assert cut.legal_basis == services.LEGAL_BASIS_CUT and "18.04.2007" in cut.legal_basis
    assert cut.created_by == district_admin and cut.decided_event == notice.events.get(transition="decide")
    assert not cut.is_revoked


def _decided_with_cut(make_notice, admin, kind=DecisionKind.PERMITTED):
    notice = make_notice(S.ESCALATED)
    decide(notice, admin, kind=kind, cut_amount=Decimal("1000.00"), **PERIOD)
    notice.refresh_from_db()
    return notice, notice.cost_cuts.get()


def test_the_district_administration_revokes_a_cut_with_a_reason_audited_and_told_to_the_city(
        make_notice, district_admin, clerk_witten, coordinator):
    notice, cut = _decided_with_cut(make_notice, district_admin)
    services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=cut.pk,
                               reason="Die Stadt hat die Qualifikation nachgewiesen.")
    cut.refresh_from_db()
    notice.refresh_from_db()
    assert cut.is_revoked and cut.revoked_by == district_admin
    assert cut.revoke_reason == "Die Stadt hat die Qualifikation nachgewiesen."
    assert notice.state == S.DECIDED  # the decision itself stands
    event = notice.events.get(transition="revoke_cut")
    assert (event.from_state, event.to_state, event.actor) == (S.DECIDED, S.DECIDED, district_admin)
    assert cut.revoked_event == event and "aufgehoben" in event.reason
    told = {user for user, _kind in notifications.recipients_for_event(event)}
    assert clerk_witten in told and coordinator in told and district_admin not in told


@pytest.mark.parametrize("who", ["clerk", "coordination", "head", "other_district_coordination"])
def test_only_the_district_administration_revokes_a_cut(make_notice, users, district_admin, who):
    from django.http import Http404

    notice, cut = _decided_with_cut(make_notice, district_admin)
    with pytest.raises((PermissionDenied, Http404)):
        services.notice_revoke_cut(notice_id=notice.pk, by=users[who], cut_id=cut.pk, reason="Versehen")
    cut.refresh_from_db()
    assert not cut.is_revoked


def test_a_revocation_needs_a_reason_and_happens_once(make_notice, district_admin):
    notice, cut = _decided_with_cut(make_notice, district_admin)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=cut.pk, reason="  ")
    assert "reason" in exc.value.message_dict
    services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=cut.pk, reason="Versehen")
    with pytest.raises(services.WorkflowError):
        services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=cut.pk, reason="noch einmal")
    assert notice.events.filter(transition="revoke_cut").count() == 1


def test_a_cut_of_another_notice_cannot_be_revoked_through_this_one(make_notice, district_admin):
    notice, _cut = _decided_with_cut(make_notice, district_admin)
    other_notice = make_notice(S.ESCALATED)
    decide(other_notice, district_admin, kind=DecisionKind.REFUSED, cut_percent=Decimal("3"), **PERIOD)
    other_cut = other_notice.cost_cuts.get()
    with pytest.raises(services.WorkflowError):
        services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=other_cut.pk, reason="x")
    other_cut.refresh_from_db()
    assert not other_cut.is_revoked


def test_the_ledger_is_untouched_by_what_becomes_of_the_notice(make_notice, district_admin, clerk_witten):
    notice, cut = _decided_with_cut(make_notice, district_admin, kind=DecisionKind.REFUSED)
    run("withdraw", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.WITHDRAWN
    cut.refresh_from_db()
    assert not cut.is_revoked  # a withdrawal does not revoke the cut
    # the district may still revoke it by a new decision; the notice stays withdrawn
    services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=cut.pk, reason="neu entschieden")
    notice.refresh_from_db()
    cut.refresh_from_db()
    assert notice.state == S.WITHDRAWN and cut.is_revoked
    assert notice.events.get(transition="revoke_cut").to_state == S.WITHDRAWN


def test_the_ledger_is_kept_after_the_placement(make_notice, district_admin, clerk_witten):
    notice, cut = _decided_with_cut(make_notice, district_admin)
    run("place", notice, clerk_witten, **ARGS["place"])
    cut.refresh_from_db()
    assert not cut.is_revoked and AdministrativeCostCut.objects.count() == 1


def test_no_revocation_is_offered_without_an_active_cut(make_notice, district_admin):
    notice = make_notice(S.ESCALATED)
    decide(notice, district_admin, kind=DecisionKind.PERMITTED)
    notice.refresh_from_db()
    assert "revoke_cut" not in {t.name for t in notice.get_available_user_state_transitions(district_admin)}
    with pytest.raises(services.WorkflowError):
        services.notice_revoke_cut(notice_id=notice.pk, by=district_admin, cut_id=999999, reason="x")
