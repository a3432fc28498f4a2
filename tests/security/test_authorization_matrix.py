"""Authorization matrix: every URL pattern of the site x every role x an object of the own and of
another city -> the expected answer (200, 403, 404, 405, redirect to login).

The patterns come from the URL resolver, so a new page cannot be forgotten: a pattern without a rule
below fails `test_every_url_pattern_has_a_rule`. Rules go by URL name (or, for unnamed admin
patterns, by route).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from staffing import services
from staffing.models import Notification, Organisation
from tests.factories import (
    CandidateFactory,
    DistrictFactory,
    PlacementNoticeFactory,
    PositionFactory,
    StaffMemberFactory,
    VacancyFactory,
    city_clerk,
    district_user,
)

LOGIN = "login"  # redirect to the site's login page
ADMIN_LOGIN = "admin_login"  # redirect to the admin's login page
ROLES = ["anonymous", "clerk_own_city", "clerk_other_city", "coordination", "district_admin", "head",
         "other_district_coordination"]
# Which city's records a role sees: "own" = Witten (the clerk's city), "other" = Hattingen.
SEES = {
    "anonymous": set(), "clerk_own_city": {"own"}, "clerk_other_city": {"other"},
    "coordination": {"own", "other"}, "district_admin": {"own", "other"}, "head": {"own", "other"},
    "other_district_coordination": set(),
}
CLERKS = {"clerk_own_city", "clerk_other_city"}
DISTRICT = {"coordination", "district_admin", "head", "other_district_coordination"}


def walk(resolver=None, prefix="", namespace=""):
    """Every URL pattern of the site: (route, name with namespace, pattern)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None, pattern


PATTERNS = list(walk())


def pattern_id(route, name):
    return name or f"unnamed:{route}"


# --- expectations ------------------------------------------------------------------------------

def everyone(status):
    return lambda role, city: status


def signed_in(status):
    return lambda role, city: LOGIN if role == "anonymous" else status


def scoped(status_if_visible=200):
    """Objects of a city: visible -> status, else 404 (never 403: the record's existence is not told)."""
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        return status_if_visible if city in SEES[role] else 404
    return expect


def clerks_only(status=200):
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        return status if role in CLERKS else 403
    return expect


def district_only(status=200):
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        return status if role in DISTRICT else 403
    return expect


def scoped_clerk_edit(role, city):
    """Editing a record of the city: the city's clerk; the district sees it but may not edit it (403)."""
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return 200 if role in CLERKS else 403


def draft_edit(role, city):
    """Editing a draft: the city's clerk only; the district does not even see the city's drafts (404)."""
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role] or role not in CLERKS:
        return 404
    return 200


def scoped_post(role, city):
    """A POST on a notice: outside the scope 404; inside, a workflow answer (done, refused, form error)."""
    if role == "anonymous":
        return LOGIN
    return {302, 200, 400, 403} if city in SEES[role] else 404


def own_notification(role, city):
    """Notifications belong to their recipient: own = the Witten clerk's, other = the Hattingen clerk's."""
    if role == "anonymous":
        return LOGIN
    owner = {"own": "clerk_own_city", "other": "clerk_other_city"}[city]
    return 302 if role == owner else 404


def escalation_decision(status):
    """An escalated notice's decision form: the escalation page's policy (district side only, 403 for a city),
    outside the district 404; the district administration gets `status`, the rest of the district is sent back."""
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        if role in CLERKS:
            return 403
        if city not in SEES[role]:
            return 404
        return status if role == "district_admin" else 302
    return expect


def district_scoped(status=200):
    """Records of a district (training and coaching offers): own = this district's, other = another's."""
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        if city == "own":
            return 404 if role == "other_district_coordination" else status
        return status if role == "other_district_coordination" else 404
    return expect


def coordination_only(status=200, *, scoped_by_district=False):
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        if role == "other_district_coordination" and scoped_by_district:
            return 404
        return status if role in ("coordination", "other_district_coordination") else 403
    return expect


def only_role(role_name, status=200):
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        return status if role == role_name else 403
    return expect


def coaching_participants(role, city):
    """PS-3.3: nobody but the coordination office of the offer's district sees who takes part."""
    if role == "anonymous":
        return LOGIN
    owner = "coordination" if city == "own" else "other_district_coordination"
    return 200 if role == owner else 404


def scoped_mark(role, city):
    """Marking a participation: the coordination office and the city inside the scope; 404 outside."""
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return {302, 403}


def need_priority(role, city):
    """PS-3.2: the coordination office sets priorities; others are refused, outside the scope 404."""
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return 302 if role == "coordination" else 403


# issue 17: a district's agreement settings: the district side reads its own district's, the district
# administration changes them; another district's (and every one for a city): 404
def rule_set_edit(status):
    def expect(role, city):
        if role == "anonymous":
            return LOGIN
        in_district = (role in ("coordination", "district_admin", "head") if city == "own"
                       else role == "other_district_coordination")
        if not in_district:
            return 404
        return status if role == "district_admin" else 403
    return expect


# issue 13: staff plan (PS-4.2) -- the district keeps and decides, the city proposes, outside the scope 404
def plan_keep(role, city):
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return 200 if role in ("coordination", "district_admin") else 403


def plan_propose(role, city):
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return 200 if role in CLERKS else 403


# issue 17: the procedure statistics and the audit export: the coordination office and the district administration
# (each its own district); a city's clerk and the head are refused (403); a notice outside the scope is 404
STATISTICS_ROLES = ("coordination", "district_admin", "other_district_coordination")


def statistics_roles(role, city):
    if role == "anonymous":
        return LOGIN
    return 200 if role in STATISTICS_ROLES else 403


def audit_notice(role, city):
    if role == "anonymous":
        return LOGIN
    if city not in SEES[role]:
        return 404
    return 200 if role in ("coordination", "district_admin") else 403


def login_page(role, city):
    return 200 if role == "anonymous" else 302  # signed-in users go on to the start page


@dataclass
class Rule:
    get: object
    post: object | None = None
    params: dict = field(default_factory=dict)  # path parameter -> object key in the world
    post_data: dict = field(default_factory=dict)
    cities: tuple = (None,)


OBJ = ("own", "other")
RULES: dict[str, Rule] = {
    "login": Rule(login_page),
    "logout": Rule(everyone(405), post=everyone(LOGIN)),  # signed out, back to the login page
    "set_language": Rule(everyone({302, 204}), post=everyone(302)),
    "health": Rule(everyone({200, 503})),
    "privacy_export": Rule(coordination_only(200)),  # DSGVO Art. 15, scoped to the district in the export
    "staffing:home": Rule(signed_in(200)),
    "staffing:notice_list": Rule(signed_in(200)),
    "staffing:notice_export": Rule(signed_in(200)),
    "staffing:notice_create": Rule(clerks_only(200)),
    "staffing:notice_detail": Rule(scoped(200), params={"pk": "notice"}, cities=OBJ),
    "staffing:notice_edit": Rule(draft_edit, params={"pk": "draft"}, cities=OBJ),
    "staffing:notice_action": Rule(signed_in(405), post=scoped_post, params={"pk": "notice", "name": "clear"},
                                   cities=OBJ),
    "staffing:notice_comment": Rule(signed_in(405), post=scoped_post, params={"pk": "notice"}, cities=OBJ),
    "staffing:escalation_list": Rule(district_only(200)),
    # issue 16: the decision form of an escalated notice, the page's policy (a city: 403; another district: 404);
    # the district administration decides (an empty POST: a form error), the others are sent back to the page
    "staffing:escalation_decide": Rule(escalation_decision(200), post=escalation_decision(400),
                                       params={"pk": "escalated"}, cities=OBJ),
    # PS-2.5: the cut ledger: every role, each sees its scope (a city its own, the district its cities)
    "staffing:cost_cut_ledger": Rule(signed_in(200)),
    # PS-2.1: everybody reads the goals; the coordination office and the district administration keep them
    # (an empty POST: a form error)
    "staffing:goal_list": Rule(signed_in(200), post=lambda role, city: LOGIN if role == "anonymous" else (
        400 if role in ("coordination", "district_admin", "other_district_coordination") else 403)),
    "staffing:notification_list": Rule(signed_in(200)),
    "staffing:notification_read": Rule(signed_in(405), post=own_notification, params={"pk": "notification"},
                                       cities=OBJ),
    "staffing:notification_read_all": Rule(signed_in(405), post=signed_in(302)),
    "staffing:user_settings": Rule(signed_in(200)),
    "staffing:position_list": Rule(signed_in(200)),
    "staffing:position_detail": Rule(scoped(200), params={"pk": "position"}, cities=OBJ),
    "staffing:vacancy_detail": Rule(scoped(200), params={"pk": "vacancy"}, cities=OBJ),
    # former addresses of pages that moved (one page per dataset): a permanent redirect for everybody;
    # the page they lead to answers as its own rule says
    "moved:staff_list": Rule(everyone(301)),
    "moved:staff_detail": Rule(everyone(301), params={"pk": "staff"}, cities=OBJ),
    "moved:vacancy_list": Rule(everyone(301)),
    "integrations:notice_certificate": Rule(scoped(200), params={"pk": "cleared"}, cities=OBJ),
    "integrations:calendar_settings": Rule(signed_in(200)),
    # the feed authenticates by its secret token, not by the session: a wrong token is 404 for everyone
    "integrations:calendar_feed": Rule(everyone(404), params={"token": "token"}, cities=OBJ),
    "integrations:substitutes": Rule(signed_in(200)),
    "integrations:import_upload": Rule(clerks_only(200)),
    "integrations:import_preview": Rule(lambda role, city: LOGIN if role == "anonymous" else {403, 404},
                                        params={"pk": "999999"}),
    "integrations:import_template": Rule(signed_in(200), params={"kind": "personal", "fmt": "csv"}),
    "integrations:home": Rule(signed_in(200)),
    # OpenID Connect answers 404 while it is not configured (the default; tests/integrations/test_sso_oidc.py)
    "integrations:oidc_login": Rule(everyone(404)),
    "integrations:oidc_callback": Rule(everyone(404)),
    "planning:staff_register": Rule(signed_in(200)),
    "planning:staff_create": Rule(clerks_only(200)),
    "planning:staff_detail": Rule(scoped(200), params={"pk": "staff"}, cities=OBJ),
    "planning:staff_edit": Rule(scoped_clerk_edit, params={"pk": "staff"}, cities=OBJ),
    "planning:staff_leave": Rule(scoped_clerk_edit, params={"pk": "staff"}, cities=OBJ),
    "planning:report_list": Rule(signed_in(200)),
    "planning:report_confirm": Rule(signed_in(405), post=signed_in(302)),
    "planning:report_detail": Rule(scoped(200), params={"pk": "report"}, cities=OBJ),
    "planning:capacity": Rule(signed_in(200)),
    "planning:capacity_csv": Rule(signed_in(200)),
    "planning:capacity_xlsx": Rule(signed_in(200)),
    "planning:vacancies": Rule(signed_in(200)),
    "planning:training": Rule(signed_in(200), post=coordination_only(200)),
    "planning:training_need_priority": Rule(signed_in(405), post=need_priority,
                                            params={"pk": "need"}, cities=OBJ, post_data={"priority": "1"}),
    "planning:training_offer": Rule(district_scoped(200), params={"pk": "offer"}, cities=OBJ),
    "planning:training_participation_status": Rule(signed_in(405), post=scoped_mark, params={"pk": "participation"},
                                                   cities=OBJ, post_data={"status": "attended"}),
    "planning:coaching": Rule(signed_in(200), post=coordination_only(200)),
    # issue 13 (PS-3.3): an empty sign-up is a form error (400); the district administration and the head
    # sign nobody up (403)
    "planning:coaching_sign_up": Rule(signed_in(405), post=lambda role, city: (
        403 if role in ("district_admin", "head") and city == "own" else district_scoped(400)(role, city)),
        params={"pk": "coaching"}, cities=OBJ),
    "planning:coaching_participants": Rule(coaching_participants, params={"pk": "coaching"}, cities=OBJ),
    "planning:costs": Rule(signed_in(200)),
    "planning:cap_create": Rule(only_role("district_admin", 200)),
    "planning:cap_history": Rule(scoped(200), params={"pk": "city"}, cities=OBJ),
    "planning:messages": Rule(signed_in(301)),  # the former planning inbox: to the one notification list
    # issue 13: costs (PS-6.2) – the comparison as CSV, like the page: every role, cut to its cities
    "planning:costs_csv": Rule(signed_in(200)),
    # issue 17: the district's agreement settings (rule sets)
    "staffing:rule_sets": Rule(district_only(200)),
    "staffing:rule_set_edit": Rule(rule_set_edit(200), post=rule_set_edit(400), params={"pk": "district"},
                                   cities=OBJ),
    # issue 13: career tracks (PS-1.1): every role reads its district's table; the coordination office and
    # the district administration keep it (an empty POST: a form error); a row not of the district: 404
    "staffing:career_tracks": Rule(signed_in(200), post=lambda role, city: LOGIN if role == "anonymous" else (
        400 if role in ("coordination", "district_admin", "other_district_coordination") else 403)),
    "staffing:career_track_edit": Rule(lambda role, city: LOGIN if role == "anonymous" else (
        404 if role in ("coordination", "district_admin", "other_district_coordination") else 403),
        params={"pk": "999999"}),
    "staffing:career_track_delete": Rule(signed_in(405), post=lambda role, city: LOGIN if role == "anonymous" else (
        404 if role in ("coordination", "district_admin", "other_district_coordination") else 403),
        params={"pk": "999999"}),
    # issue 13: training (PS-1.4): the coordination office and the district administration read who lacks the
    # field-specific training (each district its own); only the coordination office reminds a city of its district
    "planning:training_coverage": Rule(lambda role, city: LOGIN if role == "anonymous" else (
        200 if role in ("coordination", "district_admin", "other_district_coordination") else 403)),
    "planning:training_coverage_remind": Rule(
        signed_in(405), post=lambda role, city: LOGIN if role == "anonymous" else (
            302 if role == "coordination" else 404 if role == "other_district_coordination" else 403),
        params={"pk": "city"}, cities=OBJ),
    # issue 13: continuity of staff (PS-4.1): every role downloads the figures of the offices in its scope
    "planning:continuity_csv": Rule(signed_in(200)),
    "planning:continuity_xlsx": Rule(signed_in(200)),
    # issue 13: coaching (PS-3.3)
    # the sign-ups a user recorded: the city's HR and the coordination office; an empty POST names no sign-up
    "planning:coaching_signups": Rule(
        lambda role, city: LOGIN if role == "anonymous" else (200 if role in CLERKS | {
            "coordination", "other_district_coordination"} else 403),
        post=lambda role, city: LOGIN if role == "anonymous" else (404 if role in CLERKS | {
            "coordination", "other_district_coordination"} else 403)),
    # leaders read the coaches' evaluations aggregated; the city's HR does not
    "planning:coaching_evaluations": Rule(district_only(200)),
    # the free text and the coach's link: the coordination office of the offer's district only
    "planning:coaching_offer_evaluations": Rule(coaching_participants, post=coaching_participants,
                                                params={"pk": "coaching"}, cities=OBJ),
    # the coach has no account: the signed token is the key; a wrong token is 404 for everyone
    "planning:coaching_coach_form": Rule(everyone(404), post=everyone(404),
                                         params={"pk": "coaching", "token": "token"}, cities=OBJ),
    # issue 13: staff plan (PS-4.2)
    "planning:staff_plan": Rule(signed_in(200)),
    "planning:staff_plan_template": Rule(signed_in(200)),
    "planning:staff_plan_office": Rule(scoped(200), params={"office_pk": "office"}, cities=OBJ),
    "planning:staff_plan_position_create": Rule(plan_keep, params={"office_pk": "office"}, cities=OBJ),
    "planning:staff_plan_import": Rule(plan_keep, params={"office_pk": "office"}, cities=OBJ),
    "planning:staff_plan_position_edit": Rule(plan_keep, params={"pk": "position"}, cities=OBJ),
    "planning:position_proposal_create": Rule(plan_propose, params={"office_pk": "office"}, cities=OBJ),
    "planning:position_proposals": Rule(signed_in(200)),
    "planning:position_proposal_detail": Rule(scoped(200), post=plan_keep, params={"pk": "proposal"}, cities=OBJ),
    # issue 17: procedure statistics (point 2) and audit export (point 3)
    "reports:statistics": Rule(statistics_roles),
    "reports:statistics_csv": Rule(statistics_roles),
    "reports:statistics_xlsx": Rule(statistics_roles),
    "reports:audit_period_csv": Rule(statistics_roles),
    "reports:audit_period_pdf": Rule(statistics_roles),
    "reports:audit_notice_csv": Rule(audit_notice, params={"pk": "notice"}, cities=OBJ),
    "reports:audit_notice_pdf": Rule(audit_notice, params={"pk": "notice"}, cities=OBJ),
    # issue 17, point 4: the accessibility statement, its feedback form, imprint and data protection are public
    # (BITV 2.0 § 7); an empty feedback POST is the form again with its German errors (200)
    "guide:accessibility": Rule(everyone(200)),
    "guide:feedback": Rule(everyone(200), post=everyone(200)),
    "guide:feedback_thanks": Rule(everyone(200)),
    "guide:imprint": Rule(everyone(200)),
    "guide:privacy": Rule(everyone(200)),
    # issue 17, point 5: the help, every page for every signed-in role; an unknown page is 404
    "guide:help_index": Rule(signed_in(200)),
    "guide:help_page": Rule(signed_in(200), params={"slug": "verfahren"}),
}
# Prefix rules: the Django admin (no role of the site is staff: every admin page sends to the admin
# login; the admin's own scoping is tested in tests/site).
PREFIX_RULES: list[tuple[str, Rule]] = [
    ("admin:login", Rule(everyone(200))),
    ("admin:logout", Rule(everyone(302))),  # the admin sends a GET on logout to its index
    ("admin:", Rule(everyone(ADMIN_LOGIN))),
    ("unnamed:admin/", Rule(everyone(ADMIN_LOGIN))),
]
ADMIN_PARAMS = {"object_id": "1", "content_type_id": "1", "app_label": "staffing", "id": "1",
                "url": "gibt-es-nicht/"}


def rule_for(route, name) -> Rule | None:
    key = pattern_id(route, name)
    if key in RULES:
        return RULES[key]
    for prefix, rule in PREFIX_RULES:
        if key.startswith(prefix):
            return rule
    return None


def test_every_url_pattern_has_a_rule():
    missing = [pattern_id(route, name) for route, name, _ in PATTERNS if rule_for(route, name) is None]
    assert not missing, ("URL patterns without a rule in the authorization matrix "
                         f"(tests/security/test_authorization_matrix.py): {missing}")


# --- the world: two cities of one district, and another district ----------------------------

@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(fast_passwords, district, witten, hattingen):
    other = DistrictFactory(name="Kreis Mettmann", slug="me-kreis")
    return {"clerk_own_city": city_clerk(witten, username="clerk-witten"),
            "clerk_other_city": city_clerk(hattingen, username="clerk-hattingen"),
            "coordination": district_user(district, Organisation.Kind.COORDINATION, username="koordination"),
            "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN, username="kreis"),
            "head": district_user(district, Organisation.Kind.MANAGEMENT, username="leitung"),
            "other_district_coordination": district_user(other, Organisation.Kind.COORDINATION,
                                                         username="koordination-me")}


@pytest.fixture
def world(users, witten_office, hattingen_office):
    clerk_witten, clerk_hattingen, coordinator = (users["clerk_own_city"], users["clerk_other_city"],
                                                  users["coordination"])
    objects = {}
    for city, office, clerk in (("own", witten_office, clerk_witten), ("other", hattingen_office, clerk_hattingen)):
        position = PositionFactory(office=office)
        staff = StaffMemberFactory(position=position)
        vacancy = VacancyFactory(position=position)
        draft = PlacementNoticeFactory(position=PositionFactory(office=office))
        CandidateFactory(notice=draft)
        informed = PlacementNoticeFactory(position=PositionFactory(office=office))
        CandidateFactory(notice=informed)
        services.notice_submit(notice_id=informed.pk, by=clerk)
        cleared = PlacementNoticeFactory(position=PositionFactory(office=office))
        CandidateFactory(notice=cleared)
        services.notice_submit(notice_id=cleared.pk, by=clerk)
        services.notice_clear(notice_id=cleared.pk, by=coordinator)
        escalated = PlacementNoticeFactory(position=PositionFactory(office=office))
        CandidateFactory(notice=escalated)
        services.notice_submit(notice_id=escalated.pk, by=clerk)
        services.notice_raise_objection(notice_id=escalated.pk, by=coordinator, kind="concerns", reason="PS-1.2")
        services.notice_escalate(notice_id=escalated.pk, by=coordinator, reason="keine Einigung")
        notification = Notification.objects.create(recipient=clerk, notice=cleared, kind=Notification.Kind.DECISION,
                                                   subject="Entscheidung", body="Freigegeben")
        objects[city] = {"position": position.pk, "staff": staff.pk, "vacancy": vacancy.pk, "draft": draft.pk,
                         "notice": informed.pk, "cleared": cleared.pk, "notification": notification.pk,
                         "escalated": escalated.pk,
                         "city": office.city_id, "token": "kein-gueltiges-token"}
        objects[city].update(planning_objects(office, clerk, staff, users))
        objects[city].update(staff_plan_objects(office, clerk))  # issue 13
        objects[city]["district"] = (office.district_id if city == "own"  # issue 17: own and another district
                                     else users["other_district_coordination"].organisation.district_id)
    return users, objects


def planning_objects(office, clerk, staff, users) -> dict:
    """Records of the planning app: per city (reports, needs, participation) and per district
    (training and coaching offers: "own" = the own district's, "other" = the other district's)."""
    import datetime

    from planning.models import CoachingOffer, QuarterlyReport, TrainingNeed, TrainingOffer, TrainingParticipation

    own_city = office.city.slug == "witten"
    district = office.district if own_city else users["other_district_coordination"].organisation.district
    day = datetime.date(2026, 12, 1)
    report = QuarterlyReport.objects.create(office=office, year=2026, quarter=3, as_of=datetime.date(2026, 9, 30),
                                            confirmed_by=clerk)
    need = TrainingNeed.objects.create(office=office, topic="Gesprächsführung", created_by=clerk)
    offer = TrainingOffer.objects.create(district=district, title="Gesprächsführung", starts_on=day, ends_on=day,
                                         location="Schwelm", places=10)
    own_offer = TrainingOffer.objects.create(district=office.district, title="Recht", starts_on=day, ends_on=day,
                                             location="Schwelm", places=10)
    participation = TrainingParticipation.objects.create(offer=own_offer, staff_member=staff)
    coaching = CoachingOffer.objects.create(district=district, title="Coaching", coach="Extern GmbH", starts_on=day)
    return {"report": report.pk, "need": need.pk, "offer": offer.pk, "participation": participation.pk,
            "coaching": coaching.pk}


def staff_plan_objects(office, clerk) -> dict:
    """Issue 13 (PS-4.2): the office of the staff plan and a waiting proposal of its city."""
    from tests.factories import PositionProposalFactory

    proposal = PositionProposalFactory(position=PositionFactory(office=office), proposed_by=clerk)
    return {"office": office.pk, "proposal": proposal.pk}


def build_path(route: str, pattern, values: dict) -> str:
    if "(?P<" in route:  # regex patterns of the admin (app index, catch-all)
        path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route).replace(
            "^", "").replace("$", "").replace("//", "/")
    else:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    assert resolve(path).func == pattern.callback or resolve(path).route == route, path
    return path


def answer_kind(response) -> object:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/anmelden/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def matches(expected, actual) -> bool:
    return actual in expected if isinstance(expected, set) else actual == expected


def run_matrix(route, name, pattern, world, method: str) -> tuple[list[str], int]:
    users, objects = world
    rule = rule_for(route, name)
    expect = rule.get if method == "get" else rule.post
    failures, count = [], 0
    for city in rule.cities:
        values = dict(ADMIN_PARAMS)
        for param, key in rule.params.items():
            values[param] = objects[city][key] if key in objects.get(city, {}) else key
        path = build_path(route, pattern, values)
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            response = getattr(client, method)(path, rule.post_data) if method == "post" else client.get(path)
            actual, expected = answer_kind(response), expect(role, city)
            count += 1
            if not matches(expected, actual):
                failures.append(f"{method.upper()} {path} as {role} (object: {city}): "
                                f"expected {expected}, got {actual}")
    return failures, count


def _check(route, name, pattern, world) -> tuple[list[str], int]:
    if rule_for(route, name) is None:
        return [f"no rule for {pattern_id(route, name)}"], 0
    failures, count = run_matrix(route, name, pattern, world, "get")
    if rule_for(route, name).post is not None:
        more, n = run_matrix(route, name, pattern, world, "post")
        failures, count = failures + more, count + n
    return failures, count


SITE_PATTERNS = [p for p in PATTERNS if not p[0].startswith("admin/")]
ADMIN_PATTERNS = [p for p in PATTERNS if p[0].startswith("admin/")]


@pytest.mark.django_db
@pytest.mark.parametrize("route,name,pattern", SITE_PATTERNS, ids=[pattern_id(r, n) for r, n, _ in SITE_PATTERNS])
def test_each_role_gets_the_expected_answer_on_every_page(route, name, pattern, world):
    failures, _ = _check(route, name, pattern, world)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_no_role_of_the_site_gets_into_the_admin(users):
    """The admin's pages (one test: they need no objects) send every non-staff role to the admin login."""
    failures, count = [], 0
    for route, name, pattern in ADMIN_PATTERNS:
        more, n = _check(route, name, pattern, (users, {None: {}}))
        failures, count = failures + more, count + n
    assert count >= 7 * len(ADMIN_PATTERNS)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_denials_in_the_matrix_are_logged(world, caplog, client):
    users, objects = world
    client.force_login(users["clerk_own_city"])
    with caplog.at_level("WARNING", logger="jobagentur.security"):
        assert client.get(f"/mitteilungen/{objects['other']['notice']}/").status_code == 404
        assert client.get("/eskalationen/").status_code in (403, 404)
    statuses = [r.status for r in caplog.records if r.name == "jobagentur.security"]
    assert statuses[:1] == [404] and len(statuses) == 2


# issue 13: PS-5.1 cap consultation ----------------------------------------------------------------------

def cap_consultation_detail(role, city):
    """District roles of the consultation's district see it (own = this district's, other = another's); a city's
    clerks reach only their own proposal (403 here)."""
    if role == "anonymous":
        return LOGIN
    if role in CLERKS:
        return 403
    if city == "own":
        return 404 if role == "other_district_coordination" else 200
    return 200 if role == "other_district_coordination" else 404


def cap_consultation_fix(role, city):
    """Only the district administration of the consultation's district fixes; the world's consultation is
    still in its period with statements missing, so its POST is refused with a form message (400)."""
    if role == "anonymous":
        return LOGIN
    district_roles = {"own": {"clerk_own_city", "clerk_other_city", "coordination", "district_admin", "head"},
                      "other": {"other_district_coordination"}}[city]
    if role not in district_roles:
        return 404
    return 400 if role == "district_admin" else 403


RULES.update({
    "planning:cap_consultation_list": Rule(district_only(200)),
    "planning:cap_consultation_create": Rule(only_role("district_admin", 200)),
    "planning:cap_consultation_detail": Rule(cap_consultation_detail, params={"pk": "cap_consultation"},
                                             cities=OBJ),
    "planning:cap_consultation_fix": Rule(signed_in(405), post=cap_consultation_fix,
                                          params={"pk": "cap_consultation"}, cities=OBJ),
    # a city's clerk states for the own city only; the district sees the proposal but does not state
    "planning:cap_statement": Rule(scoped_clerk_edit, params={"pk": "cap_proposal"}, cities=OBJ),
})

_planning_objects_without_cap_consultation = planning_objects


def planning_objects(office, clerk, staff, users) -> dict:  # noqa: F811 - extends the world above
    """Adds a cap consultation per district (own = this district's, other = another's) and the proposal of
    the office's city in this district's consultation."""
    import datetime

    from planning.models import CapConsultation, CapProposal

    objects = _planning_objects_without_cap_consultation(office, clerk, staff, users)
    own_city = office.city.slug == "witten"
    admin = users["district_admin"]
    ends = datetime.date.today() + datetime.timedelta(days=20)
    district = office.district if own_city else users["other_district_coordination"].organisation.district
    consultation = CapConsultation.objects.create(district=district, year=2099, period_ends_on=ends,
                                                  proposed_by=admin)
    parent = CapConsultation.objects.filter(district=office.district, year=2099).first()
    proposal = CapProposal.objects.create(consultation=parent, city=office.city, amount=1000)
    objects.update({"cap_consultation": consultation.pk, "cap_proposal": proposal.pk})
    return objects


# issue 14: development mail viewer and favicon -----------------------------------------------------------
# The matrix runs with DEBUG off: the viewer does not exist for anybody (404, not even a login redirect);
# its answers in DEBUG (login redirect, 403, 200) are tested in tests/ops/test_issue14_dev_mail.py.
RULES.update({
    "dev_mail_list": Rule(everyone(404)),
    "dev_mail_detail": Rule(everyone(404), params={"mail_id": "20260101-000000000000-00000000"}),
    "favicon": Rule(everyone(301)),  # to the icon in static/, for everybody
})
