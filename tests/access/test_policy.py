"""Issue 11, point 1: each predicate of the one access policy (staffing.access) proved against the
authorization matrix: every action x every role x a record of the own city, of another city of the
district, and of another district. A rule without a row here fails `test_every_rule_has_a_matrix_row`.

The roles are those of tests/security/test_authorization_matrix.py, which proves the same matrix
through every URL of the site.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from staffing import access
from staffing.models import City, Function, Office, Organisation, PlacementNotice, User
from staffing.states import NoticeState
from tests.factories import (
    CityFactory,
    DistrictFactory,
    FunctionFactory,
    PlacementNoticeFactory,
    PositionFactory,
    RegionalOfficeFactory,
    UserFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "superuser", "clerk_own_city", "clerk_other_city", "coordination", "district_admin",
         "head", "other_district_coordination"]
CLERK = {"clerk_own_city"}
COORD = {"coordination"}
ADMIN = {"district_admin"}
HEAD = {"head"}
DISTRICT_SIDE = COORD | ADMIN | HEAD

# action -> who may, on a submitted notice of the own city (Witten) for a leadership position (team lead) with
# the head involved (PS-2.6: the head reacts instead of the coordination office); "superuser"
# appears where the policy lets superusers in (they see everything but act in no role)
NOTICE_ACTIONS = {
    "notice.view": {"superuser"} | CLERK | DISTRICT_SIDE,
    "notice.comment": CLERK | DISTRICT_SIDE,
    "notice.edit": set(),  # only drafts
    "notice.submit": CLERK, "notice.place": CLERK, "notice.withdraw": CLERK,
    "notice.candidates": {"superuser"} | CLERK | DISTRICT_SIDE,
    "notice.clear": COORD | HEAD, "notice.raise_objection": COORD | HEAD,
    "notice.city_statement": CLERK,
    "notice.propose_agreement": CLERK | COORD | ADMIN,
    "notice.confirm_agreement": set(), "notice.reject_agreement": set(),  # only once a side has proposed
    "notice.agree": COORD | ADMIN, "notice.escalate": COORD | ADMIN,
    "notice.decide": ADMIN, "notice.revoke_cut": ADMIN,
    "notice.approve_by_silence": set(),  # only the system
    # issue 17, point 3: the audit export of a notice (no auditor role: the district's coordination office and
    # administration, the operator)
    "audit.export": {"superuser"} | COORD | ADMIN,
}
# actions without an object -> who may
GLOBAL_ACTIONS = {
    "notice.create": CLERK | {"clerk_other_city"},
    "escalations.view": {"superuser"} | DISTRICT_SIDE | {"other_district_coordination"},
    "reports.overview": {"superuser"} | DISTRICT_SIDE | {"other_district_coordination"},
    "office_data.keep": CLERK | {"clerk_other_city"} | COORD | {"other_district_coordination"},
    "report.confirm": CLERK | {"clerk_other_city"},
    "training.view": {"anonymous", "superuser"} | CLERK | {"clerk_other_city"} | COORD | ADMIN
    | {"other_district_coordination"},
    "coaching.view": {"anonymous", "superuser"} | CLERK | {"clerk_other_city"} | COORD | ADMIN
    | {"other_district_coordination"},
    "training_need.prioritise": COORD | {"other_district_coordination"},
    "training_offer.create": COORD | {"other_district_coordination"},
    "training.register": CLERK | {"clerk_other_city"} | COORD | {"other_district_coordination"},
    "coaching.organise": COORD | {"other_district_coordination"},
    "coaching.sign_up": CLERK | {"clerk_other_city"} | COORD | {"other_district_coordination"},
    "coaching.participants": {"superuser"} | COORD | {"other_district_coordination"},
    "costs.view": {"superuser"} | CLERK | {"clerk_other_city"} | COORD | ADMIN | {"other_district_coordination"},
    "cap.set": ADMIN,
    # issue 17: the district's agreement settings: the district side reads, the administration changes (without
    # a district: whether it changes any; the district itself: tests/deadlines/test_district_rule_sets.py)
    "rule_set.view": {"superuser"} | DISTRICT_SIDE | {"other_district_coordination"},
    "rule_set.keep": ADMIN,
    "cuts.view": {"superuser"} | CLERK | {"clerk_other_city"} | DISTRICT_SIDE | {"other_district_coordination"},
    "goals.keep": COORD | ADMIN | {"other_district_coordination"},
    "import.run": CLERK | {"clerk_other_city"},
    "integrations.admin": {"superuser"},
    "privacy.export": {"superuser"} | COORD | {"other_district_coordination"},
    # issue 13: career tracks (PS-1.1)
    "career_tracks.view": {"superuser"} | CLERK | {"clerk_other_city"} | DISTRICT_SIDE
    | {"other_district_coordination"},
    "career_tracks.keep": COORD | ADMIN | {"other_district_coordination"},
    # issue 13: training (PS-1.4, PS-3.2)
    "training_coverage.view": {"superuser"} | COORD | ADMIN | {"other_district_coordination"},
    "training_coverage.remind": COORD | {"other_district_coordination"},
    "training.record_induction": CLERK | {"clerk_other_city"} | COORD | {"other_district_coordination"},
    # issue 13: continuity of staff (PS-4.1); what each sees is cut by the scope (tests/planning/test_continuity_*)
    "continuity.view": {"superuser"} | CLERK | {"clerk_other_city"} | DISTRICT_SIDE | {"other_district_coordination"},
    "continuity.start_panel": COORD | ADMIN | {"other_district_coordination"},
    # issue 13: coaching (PS-3.3)
    "coaching.revoke": CLERK | {"clerk_other_city"} | COORD | {"other_district_coordination"},
    "coaching.evaluations": {"superuser"} | DISTRICT_SIDE | {"other_district_coordination"},
    "coaching.evaluation_text": {"superuser"} | COORD | {"other_district_coordination"},
    "coaching.coach_link": COORD | {"other_district_coordination"},
    # issue 17, point 2: the procedure statistics (each district its own; the operator every district)
    "statistics.view": {"superuser"} | COORD | ADMIN | {"other_district_coordination"},
    "statistics.all_districts": {"superuser"},
}


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: no login here
    district = DistrictFactory(name="Ennepe-Ruhr-Kreis", slug="en")
    other = DistrictFactory(name="Kreis Mettmann", slug="me")
    witten = CityFactory(district=district, name="Witten", slug="witten")
    hattingen = CityFactory(district=district, name="Hattingen", slug="hattingen")
    ratingen = CityFactory(district=other, name="Ratingen", slug="ratingen")
    offices = {c.slug: RegionalOfficeFactory(city=c) for c in (witten, hattingen, ratingen)}
    Office.objects.create(kind=Office.Kind.COORDINATION, district=district, name="Koordinierungsstelle EN")
    Office.objects.create(kind=Office.Kind.COORDINATION, district=other, name="Koordinierungsstelle ME")
    users = {
        "anonymous": AnonymousUser(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "clerk_own_city": city_clerk(witten),
        "clerk_other_city": city_clerk(hattingen),
        "coordination": district_user(district, Organisation.Kind.COORDINATION),
        "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN),
        "head": district_user(district, Organisation.Kind.MANAGEMENT),
        "other_district_coordination": district_user(other, Organisation.Kind.COORDINATION),
    }
    return {"district": district, "cities": (witten, hattingen, ratingen), "offices": offices, "users": users}


def notice_in(office, state, *, function=None, **fields) -> PlacementNotice:
    position = PositionFactory(office=office, **({"function": function} if function else {}))
    notice = PlacementNoticeFactory(position=position, **fields)
    period = {} if state == NoticeState.DRAFT else {
        "received_at": timezone.now(), "period_ends_at": timezone.now() + timedelta(days=7)}
    # the state machine is proved elsewhere; here only who may act
    PlacementNotice.objects.filter(pk=notice.pk).update(state=state, **period)
    notice.refresh_from_db()
    return notice


# actions on an office's records (positions, staff, vacancies) -> who may, for the own city's regional
# office and for the district's coordination office
OFFICE_ACTIONS = {"office_records.keep": {"regional": CLERK, "coordination": COORD}}
# issue 13: staff plan (PS-4.2) -- the district keeps every office's plan and decides; the city proposes
OFFICE_ACTIONS.update({
    "staff_plan.view": {"regional": {"superuser"} | CLERK | DISTRICT_SIDE,
                        "coordination": {"superuser"} | DISTRICT_SIDE},
    "staff_plan.keep": {"regional": COORD | ADMIN, "coordination": COORD | ADMIN},
    "staff_plan.decide": {"regional": COORD | ADMIN, "coordination": COORD | ADMIN},
    "staff_plan.propose": {"regional": CLERK, "coordination": set()},
})


def test_every_rule_has_a_matrix_row():
    assert set(access.RULES) == set(NOTICE_ACTIONS) | set(GLOBAL_ACTIONS) | set(OFFICE_ACTIONS)


@pytest.mark.parametrize("action", sorted(OFFICE_ACTIONS))
def test_office_record_predicates_follow_the_matrix(world, action):
    offices = {"regional": world["offices"]["witten"],
               "coordination": Office.objects.get(kind=Office.Kind.COORDINATION, district=world["district"])}
    for kind, office in offices.items():
        for role in ROLES:
            expected = role in OFFICE_ACTIONS[action][kind]
            assert access.can(world["users"][role], action, office) == expected, (action, kind, role)


@pytest.mark.parametrize("action", sorted(NOTICE_ACTIONS))
def test_notice_predicates_follow_the_matrix(world, action):
    own = notice_in(world["offices"]["witten"], NoticeState.INFORMED, head_involved=True,
                    function=FunctionFactory(code=Function.Code.TEAM_LEAD))
    for role in ROLES:
        assert access.can(world["users"][role], action, own) == (role in NOTICE_ACTIONS[action]), (action, role)


@pytest.mark.parametrize("action", sorted(GLOBAL_ACTIONS))
def test_global_predicates_follow_the_matrix(world, action):
    for role in ROLES:
        assert access.can(world["users"][role], action) == (role in GLOBAL_ACTIONS[action]), (action, role)


def test_a_draft_is_the_own_citys_alone(world):
    draft = notice_in(world["offices"]["witten"], NoticeState.DRAFT, head_involved=True)
    users = world["users"]
    assert {r for r in ROLES if access.can(users[r], "notice.view", draft)} == {"superuser", "clerk_own_city"}
    assert {r for r in ROLES if access.can(users[r], "notice.edit", draft)} == {"clerk_own_city"}
    assert {r for r in ROLES if access.can(users[r], "notice.comment", draft)} == {"clerk_own_city"}
    # the Q form of the same rule
    for role in ROLES:
        q = access.notice_scope_q(users[role])
        listed = PlacementNotice.objects.filter(pk=draft.pk).filter(q if q is not None else ~access.NOTHING).exists()
        assert listed == access.can(users[role], "notice.view", draft), role


def test_the_audit_export_of_a_period_and_of_another_districts_notice(world):
    """Issue 17, point 3: without a notice (a period of the own scope) the statistics' roles; a notice of another
    district: only the operator."""
    users = world["users"]
    assert {r for r in ROLES if access.can(users[r], "audit.export")} == {
        "superuser", "coordination", "district_admin", "other_district_coordination"}
    other_district = notice_in(world["offices"]["ratingen"], NoticeState.INFORMED)
    assert {r for r in ROLES if access.can(users[r], "audit.export", other_district)} == {
        "superuser", "other_district_coordination"}


def test_the_head_comments_only_where_directly_involved(world):
    notice = notice_in(world["offices"]["witten"], NoticeState.INFORMED, head_involved=False)
    assert not access.can(world["users"]["head"], "notice.comment", notice)
    assert access.can(world["users"]["coordination"], "notice.comment", notice)


def test_other_city_and_other_district_act_on_nothing(world):
    other_city = notice_in(world["offices"]["hattingen"], NoticeState.INFORMED)
    other_district = notice_in(world["offices"]["ratingen"], NoticeState.INFORMED)
    users = world["users"]
    assert not access.can(users["clerk_own_city"], "notice.view", other_city)
    assert not access.can(users["clerk_own_city"], "notice.withdraw", other_city)
    assert access.can(users["clerk_other_city"], "notice.withdraw", other_city)
    for action in ("notice.view", "notice.clear", "notice.agree", "notice.decide", "notice.comment"):
        assert not access.can(users["coordination"], action, other_district)
        assert not access.can(users["district_admin"], action, other_district)


@pytest.mark.parametrize("name", ["submit", "clear", "raise_objection", "agree", "escalate", "decide", "place",
                                  "withdraw", "approve_by_silence"])
def test_the_fsm_transitions_ask_the_same_policy(world, name):
    """django-fsm's `permission=` of every transition is `access.can(user, "notice.<name>", notice)`."""
    notice = notice_in(world["offices"]["witten"], NoticeState.INFORMED)
    meta = getattr(PlacementNotice, name)._django_fsm
    source = next(iter(meta.transitions))
    for role in ROLES:
        user = world["users"][role]
        if isinstance(user, AnonymousUser):
            continue
        assert meta.has_transition_perm(notice, source, user) == access.can(user, f"notice.{name}", notice), role


def test_the_scope_of_each_role(world):
    witten, hattingen, ratingen = world["cities"]
    expected = {
        "anonymous": set(), "superuser": {witten, hattingen, ratingen}, "clerk_own_city": {witten},
        "clerk_other_city": {hattingen}, "coordination": {witten, hattingen}, "district_admin": {witten, hattingen},
        "head": {witten, hattingen}, "other_district_coordination": {ratingen},
    }
    for role, cities in expected.items():
        q = access.scope_q(world["users"][role], city="pk", district="district_id")
        assert set(City.objects.filter(q) if q is not None else City.objects.all()) == cities, role


def test_my_regional_office_and_the_office_whose_data_i_keep(world):
    users, offices = world["users"], world["offices"]
    assert access.regional_office_of(users["clerk_own_city"]) == offices["witten"]
    assert access.own_office_of(users["clerk_own_city"]) == offices["witten"]
    assert access.own_office_of(users["coordination"]).kind == Office.Kind.COORDINATION
    for role in ("anonymous", "superuser", "coordination", "district_admin", "head"):
        assert access.regional_office_of(users[role]) is None, role
    assert access.own_office_of(users["district_admin"]) is None


def test_an_inactive_user_sees_and_may_nothing(world):
    clerk = world["users"]["clerk_own_city"]
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    clerk.refresh_from_db()
    assert access.scope_of(clerk).nothing
    assert not access.can(clerk, "notice.create")


def test_an_unknown_action_is_a_programming_error(world):
    with pytest.raises(KeyError):
        access.can(world["users"]["coordination"], "notice.teleport")


# issue 13: PS-5.1 cap consultation -------------------------------------------------------------------
# global rows; the object rules (fix: the consultation, state: the city's proposal) are proved below.
# (GLOBAL_ACTIONS is extended here so that test_every_rule_has_a_matrix_row knows them.)
CAP_CONSULTATION_GLOBAL = {
    "cap_consultation.view": {"superuser"} | DISTRICT_SIDE | {"other_district_coordination"},
    "cap_consultation.propose": ADMIN,
}
# object rule -> who may, on the own district's consultation / on Witten's proposal
CAP_CONSULTATION_OBJECT = {
    "cap_consultation.fix": ADMIN,
    "cap_consultation.state": CLERK,
}
GLOBAL_ACTIONS.update(CAP_CONSULTATION_GLOBAL)
GLOBAL_ACTIONS.update(CAP_CONSULTATION_OBJECT)


@pytest.mark.parametrize("action", sorted(CAP_CONSULTATION_GLOBAL))
def test_cap_consultation_global_predicates_follow_the_matrix(world, action):
    for role in ROLES:
        expected = role in CAP_CONSULTATION_GLOBAL[action]
        assert access.can(world["users"][role], action) == expected, (action, role)


def test_cap_consultation_object_predicates_follow_the_matrix(world):
    from planning.models import CapConsultation, CapProposal

    witten = world["cities"][0]
    admin = world["users"]["district_admin"]
    consultation = CapConsultation.objects.create(district=world["district"], year=2099,
                                                  period_ends_on=timezone.localdate(), proposed_by=admin)
    proposal = CapProposal.objects.create(consultation=consultation, city=witten, amount=1)
    for role in ROLES:
        user = world["users"][role]
        assert access.can(user, "cap_consultation.fix", consultation) == (role in ADMIN), role
        assert access.can(user, "cap_consultation.state", proposal) == (role in CLERK), role
    other = CapConsultation.objects.create(district=world["cities"][2].district, year=2099,
                                           period_ends_on=timezone.localdate(), proposed_by=admin)
    assert not access.can(admin, "cap_consultation.fix", other)


# issue 14: development mail viewer -- nobody outside DEBUG; in DEBUG staff/superusers and the demo logins
DEV_MAIL_GLOBAL = {"dev_mail.view": set()}  # the matrix runs with DEBUG off
GLOBAL_ACTIONS.update(DEV_MAIL_GLOBAL)


def test_dev_mail_view_is_nobody_outside_debug(world):
    for role in ROLES:
        assert not access.can(world["users"][role], "dev_mail.view"), role


def test_dev_mail_view_in_debug_is_staff_superusers_and_demo_logins_only(world, settings):
    settings.DEBUG = True
    for role in ROLES:
        assert access.can(world["users"][role], "dev_mail.view") == (role == "superuser"), role
    coordination = world["users"]["coordination"]
    coordination.is_demo = True
    assert access.can(coordination, "dev_mail.view")
    clerk = world["users"]["clerk_own_city"]
    clerk.is_staff = True
    assert access.can(clerk, "dev_mail.view")
    clerk.is_active = False
    assert not access.can(clerk, "dev_mail.view")
