"""Fixtures for the placement-notice workflow: a stopped clock, one user per role, and notices driven
into each state through the services."""
import pytest

from staffing import services
from staffing.models import NoticeState, Organisation, PlacementNotice

from ..factories import CityFactory, DistrictFactory, RegionalOfficeFactory, district_user
from .helpers import PERIOD_END, SUBMITTED_AT, complete_draft, run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are created by the dozen here; Argon2 would make each test take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(time_machine):
    """A stopped clock at SUBMITTED_AT; move it with clock.move_to(dt, tick=False)."""
    time_machine.move_to(SUBMITTED_AT, tick=False)
    return time_machine


@pytest.fixture
def hattingen_clerk(hattingen_office, clerk_hattingen):
    return clerk_hattingen


@pytest.fixture
def other_district_coordinator(db):
    other = DistrictFactory(name="Kreis Mettmann", slug="me-kreis")
    RegionalOfficeFactory(city=CityFactory(district=other, name="Velbert", slug="velbert"))
    return district_user(other, Organisation.Kind.COORDINATION, username="koordination-me")


@pytest.fixture
def users(clerk_witten, hattingen_clerk, coordinator, district_admin, head, other_district_coordinator):
    """One user per role, keyed as in the permission matrix."""
    return {
        "clerk": clerk_witten,
        "other_city_clerk": hattingen_clerk,
        "coordination": coordinator,
        "district_admin": district_admin,
        "head": head,
        "other_district_coordination": other_district_coordinator,
    }


@pytest.fixture
def make_notice(witten_office, clerk_witten, coordinator, district_admin, clock):
    """make_notice(state): a notice of Witten brought into `state` via the services (the clock may move)."""

    def make(state: str, *, leadership: bool = False, head_involved: bool = False,
             placement_permitted: bool = True) -> PlacementNotice:
        clock.move_to(SUBMITTED_AT, tick=False)
        notice = complete_draft(witten_office, clerk_witten, leadership=leadership, head_involved=head_involved)
        path = {
            NoticeState.DRAFT: [],
            NoticeState.INFORMED: ["submit"],
            NoticeState.CLEARED: ["submit", "clear"],
            NoticeState.APPROVED_BY_SILENCE: ["submit", "sweep"],
            NoticeState.CONSULTATION: ["submit", "raise_objection"],
            NoticeState.AGREEMENT_PROPOSED: ["submit", "raise_objection", "propose_agreement"],
            NoticeState.AGREED: ["submit", "raise_objection", "agree"],
            NoticeState.ESCALATED: ["submit", "raise_objection", "escalate"],
            NoticeState.DECIDED: ["submit", "raise_objection", "escalate", "decide"],
            NoticeState.PLACED: ["submit", "clear", "place"],
            NoticeState.WITHDRAWN: ["submit", "withdraw"],
        }[state]
        actor = {"submit": clerk_witten, "clear": coordinator, "raise_objection": coordinator, "agree": coordinator,
                 "propose_agreement": coordinator,
                 "escalate": coordinator, "decide": district_admin, "place": clerk_witten,
                 "withdraw": clerk_witten}
        for step in path:
            if step == "sweep":
                clock.move_to(PERIOD_END, tick=False)
                assert services.sweep_approvals() == [notice.pk]
            elif step == "decide":
                run(step, notice, actor[step], kind="conditions" if placement_permitted else "refused")
            else:
                run(step, notice, actor[step])
        notice.refresh_from_db()
        assert notice.state == state
        return notice

    return make
