"""Issue 13, PS-5.1: hostile values in every form of the cap consultation (proposal, statement, fixing,
correction) give a German form message or a 400/404, never a 500, save nothing half and lose no input.
Reuses the fuzzing of tests/security/test_hostile_input.py."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffing.models import Organisation
from tests.factories import cap_consultation, city_clerk, district_user

from .test_hostile_input import forms_on, fuzz

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_people(settings, district, witten, hattingen):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = district_user(district, Organisation.Kind.DISTRICT_ADMIN, username="kreis")
    consultation = cap_consultation(district, by=admin, year=timezone.localdate().year + 1,
                                    period_ends_on=timezone.localdate() + datetime.timedelta(days=10))
    return {"clerk": city_clerk(witten, username="clerk-witten"), "district_admin": admin,
            "consultation": consultation.pk, "proposal": consultation.proposals.get(city=witten).pk}


PAGES = [
    ("district_admin", "planning:cap_consultation_create", None),
    ("district_admin", "planning:cap_consultation_detail", "consultation"),
    ("district_admin", "planning:cap_create", None),
    ("clerk", "planning:cap_statement", "proposal"),
]


@pytest.mark.parametrize("role,name,key", PAGES, ids=[f"{r}-{n}" for r, n, _ in PAGES])
def test_hostile_values_in_the_cap_consultation_forms_never_give_a_server_error(cap_people, role, name, key):
    client = Client(raise_request_exception=False)
    client.force_login(cap_people[role])
    forms = [f for f in forms_on(client, reverse(name, args=[cap_people[key]] if key else [])) if not f.has_file]
    assert forms, name
    for form in forms:
        fuzz(client, form)()
