"""Issue 11, point 2: over every demo notice and every demo role, a notice is listed as waiting for a user
exactly when that user has a step to take on it, and the "Zu tun" text names a step that the notice
page offers (staffing.states is the one table both sides read)."""
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from staffing import access, selectors, states
from staffing.forms import ACTION_FORMS, transition_of
from staffing.models import NoticeComment, PlacementNotice, User

pytestmark = pytest.mark.django_db

DEMO_USERS = ["clerk-witten", "clerk-hattingen", "koordination", "kreis", "leitung"]


@pytest.fixture
def demo(db, settings):
    settings.DEMO_LOGINS_ENABLED = True  # the demo accounts sign in only in development
    call_command("seed_demo", verbosity=0)


@pytest.fixture(params=["before", "after"])
def head_statement(request, demo):
    """Both sides of the head's duty (PS-2.6): before and after its statement on the involved notice."""
    involved = PlacementNotice.objects.filter(head_involved=True).exclude(state="draft").first()
    assert involved is not None
    if request.param == "after":
        NoticeComment.objects.create(notice=involved, author=User.objects.get(username="leitung"),
                                     text="Einverstanden.")
    return request.param, involved


def offered_on_page(client, user, notice) -> set[str]:
    """The steps the notice page offers this user: workflow forms, the draft's edit link, the comment form."""
    client.force_login(user)
    html = client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()
    offered = set(re.findall(r'id="schritt-([a-z_]+)"', html))
    # a step may be offered as several forms of one transition (PS-2.4: Klärungsbedarf, Bedenken)
    offered |= {transition_of(step) for step in offered if step in ACTION_FORMS}
    if reverse("staffing:notice_edit", args=[notice.pk]) in html:
        offered.add("edit")
    if f'action="{reverse("staffing:notice_comment", args=[notice.pk])}"' in html:
        offered.add("comment")
    return offered


def required_steps(user, notice) -> set[str]:
    """The due steps of the user's role that the user can really take now (fsm transitions checked
    with django-fsm, edit and comment with the access policy)."""
    duty = states.due_duty(notice, user, access.role_of(user))
    if duty is None:
        return set()
    transitions = {t.name for t in notice.get_available_user_state_transitions(user)}
    possible = set()
    for step in duty.steps:
        if step in transitions or (step in ("edit", "comment") and access.can(user, f"notice.{step}", notice)):
            possible.add(step)
    return possible


def test_waiting_for_me_lists_exactly_the_notices_with_a_step_for_the_user(client, head_statement):
    notices = list(PlacementNotice.objects.select_related("office").prefetch_related("comments"))
    assert len(notices) >= 8
    checked = 0
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        waiting = set(selectors.notices_waiting_for(user).values_list("pk", flat=True))
        visible = set(selectors.notices_visible_to(user).values_list("pk", flat=True))
        for notice in notices:
            steps = required_steps(user, notice) if notice.pk in visible else set()
            assert (notice.pk in waiting) == bool(steps), (username, notice.reference, notice.state, steps)
            if notice.pk in waiting:
                offered = offered_on_page(client, user, notice)
                assert steps <= offered, (username, notice.reference, steps, offered)
            checked += 1
    assert checked == len(notices) * len(DEMO_USERS)


def test_every_role_has_work_in_the_demo_and_the_start_page_names_it(client, demo):
    for username in DEMO_USERS:
        user = User.objects.get(username=username)
        waiting = list(selectors.notices_waiting_for(user))
        assert waiting, f"{username} has nothing to do in the demo"
        client.force_login(user)
        html = client.get(reverse("staffing:home")).content.decode()
        for notice in waiting:
            todo = str(notice.meaning.duty_of(access.role_of(user)).todo)
            assert todo in html.replace("&#x27;", "'").replace("&quot;", '"'), (username, todo)


def test_the_head_waits_only_for_its_own_statement(head_statement):
    moment, involved = head_statement
    head = User.objects.get(username="leitung")
    waiting = set(selectors.notices_waiting_for(head))
    assert (involved in waiting) == (moment == "before")
    assert all(n.head_involved for n in waiting)


def test_the_coordination_office_sees_consultations_it_must_conclude(demo):
    coordination = User.objects.get(username="koordination")
    in_consultation = PlacementNotice.objects.filter(state=states.NoticeState.CONSULTATION,
                                                     office__district=coordination.organisation.district)
    assert in_consultation.exists()  # issue 17: the second demo district's are its own coordination office's
    assert set(in_consultation) <= set(selectors.notices_waiting_for(coordination))


def test_the_city_is_told_to_answer_a_consultation_until_it_gave_its_statement(demo):
    """Issue 12: in the consultation the city gives its statement (PS-2.4); after it, nothing waits."""
    from staffing import services
    clerk = User.objects.get(username="clerk-witten")
    waiting = selectors.notices_waiting_for(clerk).filter(state=states.NoticeState.CONSULTATION)
    assert waiting.exists()
    for notice in list(waiting):
        services.notice_city_statement(notice_id=notice.pk, by=clerk, text="Nachweise liegen bei.")
    assert not selectors.notices_waiting_for(clerk).filter(state=states.NoticeState.CONSULTATION).exists()


def test_the_other_side_confirms_a_proposed_agreement(demo):
    """Issue 12: a proposal of the coordination office waits for the city, not for the district side."""
    proposed = PlacementNotice.objects.get(state=states.NoticeState.AGREEMENT_PROPOSED)
    city = User.objects.filter(organisation__city=proposed.office.city, organisation__kind="city").first()
    assert proposed in set(selectors.notices_waiting_for(city))
    for username in ("koordination", "kreis"):
        assert proposed not in set(selectors.notices_waiting_for(User.objects.get(username=username)))
