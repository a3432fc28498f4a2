"""Acceptance of issue 13 (PS-3.3): no coaching figure in any page lets a group of 1–4 people be worked
out, alone or from the total. Every coaching page is rendered as each role, on the demo data and on
random data; every figure is read from the page (the `data-fig` marks of
templates/planning/coaching/cell.html) and checked: no shown figure is 1–4; with a total shown, the total
minus the shown cells of each breakdown is 0 or at least 5; a hidden total hides its breakdowns; a
theme leaves no group of 1–4 of its period. There is no coaching export (CSV/XLSX) to check.

Not checked: the coordination office's own pages with names (participants, the coaches' free text): it
organises the coaching and sees who takes part by design (PS-3.3 anonymises what leaders read)."""
import datetime
import random
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from planning.coaching import MIN_GROUP
from planning.models import CoachingEvaluation, CoachingOffer, CoachingSignup, CoachingTheme
from staffing.models import Function, Organisation, User

from ..factories import PositionFactory, StaffMemberFactory, city_clerk, district_user

pytestmark = pytest.mark.django_db
FIGURE = re.compile(r'<span data-fig="(?P<group>[^"]+)"(?: data-fig-of="(?P<of>[^"]+)")? '
                    r'data-fig-kind="(?P<kind>\w+)"(?: title="[^"]*")?>(?P<text>[^<]*)</span>')
HIDDEN = f"weniger als {MIN_GROUP}"
PAGES = ["planning:coaching", "planning:coaching_evaluations"]  # every page with coaching figures


def small(n) -> bool:
    return n is not None and 0 < n < MIN_GROUP


def figures(html: str) -> list[dict]:
    result = []
    for m in FIGURE.finditer(html):
        text = m["text"].strip()
        assert text.isdigit() or text == HIDDEN, f"unexpected figure {text!r}"
        result.append({"group": m["group"], "of": m["of"], "kind": m["kind"],
                       "value": int(text) if text.isdigit() else None})
    return result


def check_page(html: str) -> int:
    """The small-group rule on every figure of one page; returns how many figures were checked."""
    figs = figures(html)
    for f in figs:
        assert not small(f["value"]), f"a figure of 1–4 is shown: {f}"
    totals = {f["group"]: f["value"] for f in figs if f["kind"] == "total"}
    groups: dict[str, list[dict]] = {}
    for f in figs:
        if f["of"]:
            groups.setdefault(f["group"], []).append(f)
    for name, cells in groups.items():
        total = totals[cells[0]["of"]]
        if total is None:
            assert all(c["value"] is None for c in cells), f"a hidden total with shown cells: {name}"
            continue
        rest = total - sum(c["value"] for c in cells if c["value"] is not None)
        assert rest == 0 or rest >= MIN_GROUP, f"total minus shown cells is {rest} in {name}"
        assert rest >= 0
    period = None
    for f in figs:  # each theme splits the participants of its period (the period cell precedes it)
        if f["kind"] == "period":
            period = f["value"]
        elif f["kind"] == "theme":
            if period is None:
                assert f["value"] is None, "a theme of a hidden period is shown"
            elif f["value"] is not None:
                assert not small(period - f["value"]), "a theme leaves a group of 1–4 of its period"
    return len(figs)


def check_every_page(users) -> int:
    checked = 0
    for user in users:
        client = Client()
        client.force_login(user)
        for name in PAGES:
            response = client.get(reverse(name))
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (name, user)
            checked += check_page(response.content.decode())
    return checked


def test_every_coaching_figure_of_the_demo_data_is_safe_for_every_role(settings):
    settings.DEMO_LOGINS_ENABLED = True  # the demo accounts sign in only where demo logins are on
    call_command("seed_demo", verbosity=0)
    users = [User.objects.get(username=u) for u in ("clerk-witten", "clerk-hattingen", "koordination", "kreis",
                                                    "leitung")]
    assert check_every_page(users) > 20


def _random_world(district, witten_office, hattingen_office, functions, rng: random.Random):
    offices = [witten_office, hattingen_office]
    codes = [Function.Code.PLACEMENT, Function.Code.COUNSELLING, Function.Code.BENEFITS]
    members = [StaffMemberFactory(position=PositionFactory(office=rng.choice(offices),
                                                          function=functions[rng.choice(codes)]))
               for _ in range(rng.randint(0, 40))]
    today = datetime.date.today()
    for i in range(rng.randint(1, 4)):
        open_to_benefits = rng.random() < 0.5
        offer = CoachingOffer.objects.create(district=district, title=f"Coaching {i}", coach="Extern",
                                             starts_on=today, open_to_benefits=open_to_benefits,
                                             benefits_reason="Besondere Gründe" if open_to_benefits else "")
        for m in rng.sample(members, rng.randint(0, len(members))):
            if m.function.code == Function.Code.BENEFITS and not open_to_benefits:
                continue
            CoachingSignup.objects.create(offer=offer, staff_member=m, consent_on=today,
                                          revoked_on=today if rng.random() < 0.15 else None)
        for _ in range(rng.randint(0, 6)):
            CoachingEvaluation.objects.create(
                offer=offer, year=rng.choice([2026, 2027]), quarter=rng.randint(1, 4),
                participants=rng.randint(1, 9), coach="Extern", text="allgemein",
                themes=rng.sample(CoachingTheme.values, rng.randint(0, 3)))


@pytest.mark.parametrize("seed", range(8))
def test_every_coaching_figure_of_random_data_is_safe_for_every_role(seed, district, witten, hattingen,
                                                                     witten_office, hattingen_office, functions):
    _random_world(district, witten_office, hattingen_office, functions, random.Random(seed))
    users = [city_clerk(witten), city_clerk(hattingen),
             *(district_user(district, kind) for kind in (Organisation.Kind.COORDINATION,
                                                          Organisation.Kind.DISTRICT_ADMIN,
                                                          Organisation.Kind.MANAGEMENT))]
    assert check_every_page(users) > 0


def test_the_checker_finds_a_complement_of_one():
    html = ('<span data-fig="1" data-fig-kind="total">6</span>'
            '<span data-fig="1-office" data-fig-of="1" data-fig-kind="cell">5</span>'
            '<span data-fig="1-office" data-fig-of="1" data-fig-kind="cell" title="x">weniger als 5</span>')
    with pytest.raises(AssertionError, match="total minus shown cells is 1"):
        check_page(html)
