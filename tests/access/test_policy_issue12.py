"""Issue 12, points 3 and 7: the access rules of the consultation's sides (PS-2.4) and of the head of the
JobAgentur (PS-2.6), beyond the matrix of test_policy.py."""
from __future__ import annotations

import pytest

from staffing import access
from staffing.models import Function
from staffing.states import AgreementSide, NoticeState
from tests.access import test_policy as policy
from tests.factories import FunctionFactory

pytestmark = pytest.mark.django_db

world = policy.world  # the users and offices of the authorization matrix
notice_in = policy.notice_in


def _leadership():
    return FunctionFactory(code=Function.Code.TEAM_LEAD)


def test_the_head_reacts_only_when_involved_on_a_leadership_position(world):
    head, office = world["users"]["head"], world["offices"]["witten"]
    involved = notice_in(office, NoticeState.INFORMED, head_involved=True, function=_leadership())
    not_involved = notice_in(office, NoticeState.INFORMED, head_involved=False, function=_leadership())
    not_leadership = notice_in(office, NoticeState.INFORMED, head_involved=True)
    for action in ("notice.clear", "notice.raise_objection"):
        assert access.can(head, action, involved)
        assert not access.can(head, action, not_involved)
        assert not access.can(head, action, not_leadership)
    # the head of another district never
    other = notice_in(world["offices"]["ratingen"], NoticeState.INFORMED, head_involved=True, function=_leadership())
    assert not access.can(head, "notice.clear", other)


def test_the_head_sees_candidates_only_where_involved_or_escalated(world):
    head, coordination, office = world["users"]["head"], world["users"]["coordination"], world["offices"]["witten"]
    informed = notice_in(office, NoticeState.INFORMED)
    assert not access.can(head, "notice.candidates", informed)
    assert access.can(coordination, "notice.candidates", informed)
    assert access.can(world["users"]["clerk_own_city"], "notice.candidates", informed)
    assert not access.can(world["users"]["clerk_other_city"], "notice.candidates", informed)
    assert access.can(head, "notice.candidates", notice_in(office, NoticeState.INFORMED, head_involved=True,
                                                           function=_leadership()))
    assert access.can(head, "notice.candidates", notice_in(office, NoticeState.ESCALATED))
    assert access.can(head, "notice.candidates", notice_in(office, NoticeState.PLACED, escalation_reason="x"))


@pytest.mark.parametrize("side, answering, not_answering", [
    (AgreementSide.DISTRICT, {"clerk_own_city"}, {"coordination", "district_admin", "head", "clerk_other_city"}),
    (AgreementSide.CITY, {"coordination", "district_admin"}, {"clerk_own_city", "head", "clerk_other_city",
                                                             "other_district_coordination"}),
])
def test_only_the_other_side_answers_a_proposal(world, side, answering, not_answering):
    notice = notice_in(world["offices"]["witten"], NoticeState.AGREEMENT_PROPOSED, agreement_proposed_side=side)
    for role in answering:
        for action in ("notice.confirm_agreement", "notice.reject_agreement"):
            assert access.can(world["users"][role], action, notice), (role, action)
    for role in not_answering:
        for action in ("notice.confirm_agreement", "notice.reject_agreement"):
            assert not access.can(world["users"][role], action, notice), (role, action)
