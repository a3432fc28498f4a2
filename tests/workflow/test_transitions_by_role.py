"""Every transition of the placement notice, for every role (PS-2.2 to PS-2.5), through the services.

Outcomes: the transition is done and audited; the role may not take it (PermissionDenied: 403 in the
views); the notice belongs to another city or district (Http404); or the step is impossible in the
notice's state (WorkflowError with a German message). A refused step changes nothing.
"""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from staffing import services
from staffing.models import NoticeEvent, NoticeState

from .helpers import ARGS, events, run

pytestmark = pytest.mark.django_db

S = NoticeState
DONE = "done"
# transition -> (source state used for the matrix, target state, roles that may take it)
TRANSITIONS = {
    "submit": (S.DRAFT, S.INFORMED, {"clerk"}),
    "clear": (S.INFORMED, S.CLEARED, {"coordination"}),
    "raise_objection": (S.INFORMED, S.CONSULTATION, {"coordination"}),
    "agree": (S.CONSULTATION, S.AGREED, {"coordination", "district_admin"}),
    "escalate": (S.CONSULTATION, S.ESCALATED, {"coordination", "district_admin"}),
    "decide": (S.ESCALATED, S.DECIDED, {"district_admin"}),
    "place": (S.CLEARED, S.PLACED, {"clerk"}),
    "withdraw": (S.INFORMED, S.WITHDRAWN, {"clerk"}),
    # issue 12 (PS-2.4): the city's statement; an agreed solution proposed by one side (here the
    # coordination office), confirmed or rejected by the other
    "city_statement": (S.CONSULTATION, S.CONSULTATION, {"clerk"}),
    "propose_agreement": (S.CONSULTATION, S.AGREEMENT_PROPOSED, {"clerk", "coordination", "district_admin"}),
    "confirm_agreement": (S.AGREEMENT_PROPOSED, S.AGREED, {"clerk"}),
    "reject_agreement": (S.AGREEMENT_PROPOSED, S.CONSULTATION, {"clerk"}),
}
OWN_PROPOSAL = "Die Einigung hat Ihre Seite vorgeschlagen; bestätigen oder ablehnen kann sie nur die andere Seite."
ROLES = ["clerk", "other_city_clerk", "coordination", "district_admin", "head", "other_district_coordination"]
OUT_OF_SCOPE = {"other_city_clerk", "other_district_coordination"}


def expected(transition: str, role: str):
    if role in OUT_OF_SCOPE:
        return Http404
    if TRANSITIONS[transition][0] == S.DRAFT and role not in ("clerk", "other_city_clerk"):
        return Http404  # a draft is the city's own until submitted: the district does not see it (PS-2.2)
    return DONE if role in TRANSITIONS[transition][2] else PermissionDenied


MATRIX = [pytest.param(t, r, expected(t, r), id=f"{t}-{r}-{getattr(expected(t, r), '__name__', DONE)}")
          for t in TRANSITIONS for r in ROLES]


@pytest.mark.parametrize(("transition", "role", "outcome"), MATRIX)
def test_each_role_may_take_exactly_its_own_transitions(make_notice, users, transition, role, outcome):
    source, target, _ = TRANSITIONS[transition]
    notice = make_notice(source)
    before = notice.events.count()
    if outcome == DONE:
        run(transition, notice, users[role])
        notice.refresh_from_db()
        assert notice.state == target
        last = notice.events.order_by("pk").last()
        assert (last.transition, last.actor, last.from_state, last.to_state) == (
            transition, users[role], source, target)
    else:
        with pytest.raises(outcome) as exc:
            run(transition, notice, users[role])
        if outcome is PermissionDenied:
            own_side = transition in ("confirm_agreement", "reject_agreement") and role in (
                "coordination", "district_admin")
            assert str(exc.value) == (OWN_PROPOSAL if own_side else "Ihre Rolle darf diesen Schritt nicht ausführen.")
        notice.refresh_from_db()
        assert notice.state == source
        assert notice.events.count() == before


# Every state from which a transition is not possible, taken by a role that may take it elsewhere.
SOURCES = {
    "submit": {S.DRAFT},
    "clear": {S.INFORMED},
    "raise_objection": {S.INFORMED},
    "agree": {S.CONSULTATION},
    "escalate": {S.CONSULTATION},
    "decide": {S.ESCALATED},
    "place": {S.CLEARED, S.APPROVED_BY_SILENCE, S.AGREED, S.DECIDED},
    # issue 12: "Besetzung findet nicht statt" also after a clearance, an approval by silence or an agreement
    "withdraw": {S.DRAFT, S.INFORMED, S.CONSULTATION, S.AGREEMENT_PROPOSED, S.ESCALATED, S.CLEARED,
                 S.APPROVED_BY_SILENCE, S.AGREED, S.DECIDED},
    "city_statement": {S.CONSULTATION},
    "propose_agreement": {S.CONSULTATION},
    "confirm_agreement": {S.AGREEMENT_PROPOSED},
    "reject_agreement": {S.AGREEMENT_PROPOSED},
}
ACTOR = {"submit": "clerk", "clear": "coordination", "raise_objection": "coordination", "agree": "coordination",
         "escalate": "district_admin", "decide": "district_admin", "place": "clerk", "withdraw": "clerk",
         "city_statement": "clerk", "propose_agreement": "coordination", "confirm_agreement": "clerk",
         "reject_agreement": "clerk"}
WRONG_STATE = [pytest.param(t, s, id=f"{t}-from-{s}") for t in SOURCES for s in S.values if s not in SOURCES[t]]


@pytest.mark.parametrize(("transition", "state"), WRONG_STATE)
def test_a_transition_from_a_wrong_state_is_refused_with_a_german_message(make_notice, users, transition, state):
    notice = make_notice(state)
    before = notice.events.count()
    if state == S.DRAFT and ACTOR[transition] != "clerk":
        with pytest.raises(Http404):  # the district does not see the city's drafts at all
            run(transition, notice, users[ACTOR[transition]])
        return
    with pytest.raises(services.WorkflowError) as exc:
        run(transition, notice, users[ACTOR[transition]])
    message = exc.value.messages[0]
    if state == S.APPROVED_BY_SILENCE and transition in ("clear", "raise_objection"):
        assert "Die Wochenfrist endete am Mittwoch, 02.12.2026, 24:00 Uhr" in message
    else:
        assert message == f"Dieser Schritt ist im Status „{S(state).label}“ nicht möglich."
    notice.refresh_from_db()
    assert notice.state == state
    assert notice.events.count() == before


@pytest.mark.parametrize("source", sorted(SOURCES["place"] | SOURCES["withdraw"]))
def test_every_source_state_of_place_and_withdraw_works_for_the_city(make_notice, clerk_witten, source):
    notice = make_notice(source)
    name = "place" if source in SOURCES["place"] else "withdraw"
    run(name, notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == (S.PLACED if name == "place" else S.WITHDRAWN)


@pytest.mark.parametrize("source", sorted(SOURCES["place"] & SOURCES["withdraw"]))
def test_the_city_may_also_withdraw_where_it_could_place(make_notice, clerk_witten, source):
    notice = make_notice(source)
    run("withdraw", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.WITHDRAWN


def test_placement_after_a_decision_that_forbids_it_is_refused(make_notice, clerk_witten):
    notice = make_notice(S.DECIDED, placement_permitted=False)
    with pytest.raises(services.WorkflowError) as exc:
        run("place", notice, clerk_witten)
    assert exc.value.messages == ["Nach der Entscheidung des Kreises ist die Besetzung nicht zulässig."]
    run("withdraw", notice, clerk_witten)
    notice.refresh_from_db()
    assert notice.state == S.WITHDRAWN


def test_a_withdrawn_draft_keeps_no_period_and_frees_its_position(make_notice, witten_office, clerk_witten):
    from .helpers import complete_draft

    notice = make_notice(S.DRAFT)
    run("withdraw", notice, clerk_witten)
    notice.refresh_from_db()
    assert (notice.state, notice.received_at, notice.period_ends_at) == (S.WITHDRAWN, None, None)
    again = services.notice_create(by=clerk_witten, position=notice.position)
    assert again.state == S.DRAFT
    assert complete_draft(witten_office, clerk_witten).state == S.DRAFT


def test_approval_by_silence_is_for_the_system_only(make_notice, users):
    notice = make_notice(S.INFORMED)
    meta = notice.approve_by_silence._django_fsm
    assert not any(meta.has_transition_perm(notice, S.INFORMED, user) for user in users.values())
    assert not hasattr(services, "notice_approve_by_silence")


# --- the paths through the machine ------------------------------------------------------------

PATHS = {
    "silence": ["submit", "sweep", "place"],
    "cleared": ["submit", "clear", "place"],
    "agreed": ["submit", "raise_objection", "agree", "place"],
    "decided_permitted": ["submit", "raise_objection", "escalate", "decide", "place"],
    "decided_forbidden": ["submit", "raise_objection", "escalate", "decide", "withdraw"],
    "withdrawn_draft": ["withdraw"],
    "withdrawn_informed": ["submit", "withdraw"],
    "withdrawn_consultation": ["submit", "raise_objection", "withdraw"],
    "withdrawn_escalated": ["submit", "raise_objection", "escalate", "withdraw"],
}
TARGET = {"submit": S.INFORMED, "sweep": S.APPROVED_BY_SILENCE, "clear": S.CLEARED,
          "raise_objection": S.CONSULTATION, "agree": S.AGREED, "escalate": S.ESCALATED, "decide": S.DECIDED,
          "place": S.PLACED, "withdraw": S.WITHDRAWN}


@pytest.mark.parametrize("path", PATHS)
def test_each_path_through_the_machine_leaves_one_audit_record_per_step(
        path, users, witten_office, clerk_witten, clock):
    from .helpers import PERIOD_END, complete_draft

    notice = complete_draft(witten_office, clerk_witten)
    actors = {"submit": "clerk", "clear": "coordination", "raise_objection": "coordination", "agree": "district_admin",
              "escalate": "coordination", "decide": "district_admin", "place": "clerk", "withdraw": "clerk"}
    expected_trail, state = [], S.DRAFT
    for step in PATHS[path]:
        if step == "sweep":
            clock.move_to(PERIOD_END, tick=False)
            assert services.sweep_approvals() == [notice.pk]
            expected_trail.append(("approve_by_silence", None, state, TARGET[step]))
        else:
            extra = {"kind": "conditions" if path == "decided_permitted" else "refused"} if step == "decide" else {}
            run(step, notice, users[actors[step]], **extra)
            expected_trail.append((step, users[actors[step]].username, state, TARGET[step]))
        state = TARGET[step]
    notice.refresh_from_db()
    assert notice.state == state
    assert events(notice) == expected_trail
    if state == S.PLACED:
        assert notice.vacancy.refilled_on == ARGS["place"]["placed_on"]
    assert all(e.at is not None for e in NoticeEvent.objects.filter(notice=notice))


def test_audit_records_carry_the_reason_of_each_step(make_notice):
    notice = make_notice(S.DECIDED)
    reasons = dict(notice.events.values_list("transition", "reason"))
    assert reasons["submit"] == ""
    assert reasons["raise_objection"] == ARGS["raise_objection"]["reason"]
    assert reasons["escalate"] == ARGS["escalate"]["reason"]
    assert reasons["decide"] == "Besetzung mit Auflagen (Weisung im Einzelfall)\n" + ARGS["decide"]["directive"]
    placed = make_notice(S.PLACED)
    assert placed.events.get(transition="place").reason == (
        f"besetzt zum 01.02.2027 mit {placed.candidates.get().full_name}")  # issue 12: names the person
    silent = make_notice(S.APPROVED_BY_SILENCE)
    event = silent.events.get(transition="approve_by_silence")
    assert event.actor is None and event.actor_label == "System"
    assert "Keine Reaktion innerhalb der Wochenfrist bis Mittwoch, 02.12.2026, 24:00 Uhr" in event.reason


# --- the data each step needs -----------------------------------------------------------------

@pytest.mark.parametrize(("transition", "state", "overrides", "field", "message"), [
    ("raise_objection", S.INFORMED, {"reason": "  "}, "reason", "Bitte begründen Sie Ihre Reaktion schriftlich."),
    ("raise_objection", S.INFORMED, {"kind": "veto"}, "kind", "Bitte wählen Sie „Bedenken“ oder „Klärungsbedarf“."),
    ("agree", S.CONSULTATION, {"solution": ""}, "solution", "Bitte beschreiben Sie die einvernehmliche Lösung."),
    ("agree", S.CONSULTATION, {"for_district": ""}, "for_district",
     "Bitte nennen Sie, wer für den Kreis an der Einigung beteiligt ist."),
    ("agree", S.CONSULTATION, {"for_city": " "}, "for_city",
     "Bitte nennen Sie, wer für die Stadt an der Einigung beteiligt ist."),
    ("escalate", S.CONSULTATION, {"reason": ""}, "reason", "Bitte begründen Sie, warum keine Einigung erzielt wurde."),
    ("decide", S.ESCALATED, {"directive": ""}, "directive",
     "Bitte formulieren Sie die Weisung im Einzelfall (die Auflagen)."),
    ("place", S.CLEARED, {"placed_on": None}, "placed_on", "Bitte geben Sie das Datum der Besetzung an."),
], ids=lambda v: v if isinstance(v, str) and " " not in v else None)
def test_a_step_without_its_required_data_is_refused_next_to_the_field(
        make_notice, users, transition, state, overrides, field, message):
    notice = make_notice(state)
    with pytest.raises(services.WorkflowError) as exc:
        run(transition, notice, users[ACTOR[transition]], **overrides)
    assert exc.value.message_dict == {field: [message]}
    notice.refresh_from_db()
    assert notice.state == state


def test_a_reimbursement_cut_cites_the_statute(make_notice, district_admin):
    from decimal import Decimal

    notice = make_notice(S.ESCALATED)
    from datetime import date

    services.notice_decide(notice_id=notice.pk, by=district_admin, kind="permitted", cut_amount=Decimal("12500.00"),
                           cut_from=date(2027, 1, 1), cut_to=date(2027, 6, 30))
    notice.refresh_from_db()
    assert notice.state == S.DECIDED
    [cut] = notice.cost_cuts.all()
    assert cut.amount == Decimal("12500.00") and cut.legal_basis == services.LEGAL_BASIS_CUT
    assert notice.events.get(transition="decide").reason == (
        "Besetzung zulässig\nKürzung der Verwaltungskostenerstattung um 12.500,00 € für den Zeitraum 01.01.2027 bis "
        "30.06.2027 nach § 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises vom 18.04.2007")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"cut_amount": "100", "cut_percent": "5"}, "cut_percent"),
    ({"cut_amount": "0"}, "cut_amount"),
    ({"cut_percent": "101"}, "cut_percent"),
])
def test_an_impossible_reimbursement_cut_is_refused(make_notice, district_admin, kwargs, field):
    from datetime import date
    from decimal import Decimal

    notice = make_notice(S.ESCALATED)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_decide(notice_id=notice.pk, by=district_admin, kind="permitted",
                               cut_from=date(2027, 1, 1), cut_to=date(2027, 3, 31),
                               **{k: Decimal(v) for k, v in kwargs.items()})
    assert list(exc.value.message_dict) == [field]
