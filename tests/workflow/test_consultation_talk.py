"""Issue 12, points 3 and 7, at the edges of the services: the two formal reactions stop the Wochenfrist
while a comment does not (PS-2.3/PS-2.4); the city's statement in the consultation; an agreed solution
proposed by one side and confirmed or rejected by the other ("Kreis und Stadt … erörtern", PS-2.4); the
head of the JobAgentur reacting for the coordination office when directly involved (PS-2.6)."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from staffing import services
from staffing.models import NoticeState, Notification

from .helpers import ARGS, PERIOD_END, run

pytestmark = pytest.mark.django_db

S = NoticeState


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- Klärungsbedarf / Bedenken stop the clock, a comment does not -------------------------------------

def test_a_comment_does_not_stop_the_wochenfrist(make_notice, coordinator, clock):
    notice = make_notice(S.INFORMED)
    services.notice_comment(notice_id=notice.pk, by=coordinator, text="Bitte Zeugnis nachreichen")
    clock.move_to(PERIOD_END, tick=False)
    assert services.sweep_approvals() == [notice.pk]
    notice.refresh_from_db()
    assert notice.state == S.APPROVED_BY_SILENCE


@pytest.mark.parametrize("kind", ["clarification", "concerns"])
def test_klaerungsbedarf_and_bedenken_stop_the_wochenfrist(make_notice, coordinator, clock, kind):
    notice = make_notice(S.INFORMED)
    run("raise_objection", notice, coordinator, kind=kind, reason="Bitte Zeugnis nachreichen")
    clock.move_to(PERIOD_END, tick=False)
    assert services.sweep_approvals() == []
    notice.refresh_from_db()
    assert notice.state == S.CONSULTATION
    assert notice.objection_kind == kind


# --- the city's statement in the consultation -------------------------------------------------------

def test_the_city_gives_its_statement_in_the_consultation_audited_and_told(
        make_notice, clerk_witten, coordinator, district_admin, on_commit):
    notice = make_notice(S.CONSULTATION)
    with on_commit():
        services.notice_city_statement(notice_id=notice.pk, by=clerk_witten, text="  Das Zeugnis liegt bei.  ")
    notice.refresh_from_db()
    assert notice.state == S.CONSULTATION
    event = notice.events.get(transition="city_statement")
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        clerk_witten, S.CONSULTATION, S.CONSULTATION, "Das Zeugnis liegt bei.")
    told = dict(Notification.objects.filter(event=event).values_list("recipient_id", "kind"))
    assert told == {coordinator.pk: "city_statement", district_admin.pk: "city_statement"}


def test_the_city_statement_only_in_the_consultation(make_notice, clerk_witten):
    for state in (S.INFORMED, S.AGREEMENT_PROPOSED, S.ESCALATED):
        notice = make_notice(state)
        with pytest.raises(services.WorkflowError):
            services.notice_city_statement(notice_id=notice.pk, by=clerk_witten, text="Stellungnahme")


def test_the_city_statement_only_by_the_own_city_and_with_a_text(make_notice, clerk_hattingen, coordinator,
                                                                  clerk_witten):
    notice = make_notice(S.CONSULTATION)
    with pytest.raises(Http404):
        services.notice_city_statement(notice_id=notice.pk, by=clerk_hattingen, text="Stellungnahme")
    with pytest.raises(PermissionDenied):
        services.notice_city_statement(notice_id=notice.pk, by=coordinator, text="Stellungnahme")
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_city_statement(notice_id=notice.pk, by=clerk_witten, text="   ")
    assert exc.value.message_dict == {"text": ["Bitte geben Sie die Stellungnahme der Stadt ein."]}
    assert not notice.events.filter(transition="city_statement").exists()


# --- proposed, confirmed or rejected agreed solution -------------------------------------------------

def test_the_district_proposes_and_the_city_confirms(make_notice, coordinator, clerk_witten, on_commit):
    notice = make_notice(S.CONSULTATION)
    with on_commit():
        run("propose_agreement", notice, coordinator)
    notice.refresh_from_db()
    assert (notice.state, notice.agreement_proposed_side) == (S.AGREEMENT_PROPOSED, "district")
    proposal = notice.events.get(transition="propose_agreement")
    assert Notification.objects.filter(event=proposal, recipient=clerk_witten, kind="agreement_proposed").exists()
    run("confirm_agreement", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.AGREED
    assert notice.agreed_solution == ARGS["propose_agreement"]["solution"]
    assert notice.agreement_proposed_side == ""
    run("place", notice, clerk_witten)


def test_the_city_proposes_and_the_district_confirms(make_notice, clerk_witten, district_admin):
    notice = make_notice(S.CONSULTATION)
    run("propose_agreement", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.agreement_proposed_side == "city"
    with pytest.raises(PermissionDenied):
        run("confirm_agreement", notice, clerk_witten)
    run("confirm_agreement", notice, district_admin)
    notice.refresh_from_db()
    assert notice.state == S.AGREED


def test_a_side_cannot_confirm_its_own_proposal(make_notice, coordinator, district_admin, head):
    notice = make_notice(S.CONSULTATION)
    run("propose_agreement", notice, coordinator)
    for user in (coordinator, district_admin):  # the same person, and the same side
        with pytest.raises(PermissionDenied) as exc:
            run("confirm_agreement", notice, user)
        assert "nur die andere Seite" in str(exc.value)
        with pytest.raises(PermissionDenied):
            run("reject_agreement", notice, user)
    with pytest.raises(PermissionDenied):
        run("confirm_agreement", notice, head)  # the head is no side of the consultation
    notice.refresh_from_db()
    assert notice.state == S.AGREEMENT_PROPOSED


def test_a_rejected_proposal_goes_back_to_the_consultation(make_notice, coordinator, clerk_witten):
    notice = make_notice(S.CONSULTATION)
    run("propose_agreement", notice, coordinator)
    with pytest.raises(services.WorkflowError) as exc:
        run("reject_agreement", notice, clerk_witten, reason=" ")
    assert exc.value.message_dict == {"reason": ["Bitte begründen Sie, warum Sie die Einigung ablehnen."]}
    run("reject_agreement", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.CONSULTATION
    assert (notice.agreed_solution, notice.agreement_proposed_side) == ("", "")
    assert notice.events.get(transition="reject_agreement").reason == ARGS["reject_agreement"]["reason"]
    # the consultation goes on: a new proposal, or the escalation
    run("escalate", notice, coordinator)
    notice.refresh_from_db()
    assert notice.state == S.ESCALATED


def test_a_proposal_needs_solution_and_participants(make_notice, clerk_witten):
    notice = make_notice(S.CONSULTATION)
    with pytest.raises(services.WorkflowError) as exc:
        run("propose_agreement", notice, clerk_witten, solution="", participants=" ")
    assert set(exc.value.message_dict) == {"solution", "participants"}


def test_the_joint_recording_names_both_sides(make_notice, coordinator):
    notice = make_notice(S.CONSULTATION)
    run("agree", notice, coordinator)
    notice.refresh_from_db()
    assert notice.state == S.AGREED
    assert notice.consultation_participants == "für den Kreis: Frau Heimann\nfür die Stadt: Herr Brandt"


# --- PS-2.6: the directly involved head reacts for the coordination office ----------------------------

@pytest.mark.parametrize("step, target", [("clear", S.CLEARED), ("raise_objection", S.CONSULTATION)])
def test_the_involved_head_reacts_on_a_leadership_notice(make_notice, head, step, target):
    notice = make_notice(S.INFORMED, leadership=True, head_involved=True)
    run(step, notice, head)
    notice.refresh_from_db()
    assert notice.state == target
    assert notice.events.order_by("pk").last().actor == head


def test_the_head_does_not_react_where_not_involved(make_notice, head):
    for notice in (make_notice(S.INFORMED, leadership=True, head_involved=False), make_notice(S.INFORMED)):
        for step in ("clear", "raise_objection"):
            with pytest.raises(PermissionDenied):
                run(step, notice, head)
        notice.refresh_from_db()
        assert notice.state == S.INFORMED


def test_the_head_reacts_only_within_the_wochenfrist(make_notice, head, clock):
    notice = make_notice(S.INFORMED, leadership=True, head_involved=True)
    clock.move_to(PERIOD_END, tick=False)
    with pytest.raises(services.WorkflowError):
        run("clear", notice, head)
    notice.refresh_from_db()
    assert notice.state == S.INFORMED
