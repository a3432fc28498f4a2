"""Bad input never gives a 500 and never loses data (hypothesis).

Every POST form found on the site's pages (discovered from the rendered HTML, so new forms are
covered) gets random and hostile values: very long text, HTML/script, impossible dates, wrong types,
missing fields. The answer is never a server error; when the form is refused, the page is German,
names the error, keeps what the user typed, and no table changed (nothing half-saved). Posts without
a CSRF token are refused and change nothing.
"""
from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from planning.models import TrainingOffer, TrainingParticipation
from staffing import services
from staffing.models import Organisation
from tests.factories import (
    CandidateFactory,
    PlacementNoticeFactory,
    PositionFactory,
    StaffMemberFactory,
    city_clerk,
    district_user,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>", "x" * 5000, "ü" * 300,
    "31.02.2026", "2026-13-45", "00.00.0000", "9999-12-31", "-1", "0", "1e309", "NaN", "Infinity",
    "99999999999999999999999", "1,5", "0.0001", "' OR 1=1 --", "\u202eevil", "😀" * 50, "", " ", "\t",
    "{{ 7|add:7 }}", "{% debug %}", "%s%s%s%n", "../../etc/passwd", "null", "[]", "true", "on",
    "draft", "informed", "concerns", "999999",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str),
                   st.dates().map(lambda d: d.strftime("%d.%m.%Y")))
GERMAN_ERROR = re.compile(r"Bitte|erforderlich|gültig|Stellen Sie sicher|darf|höchstens|mindestens|nicht möglich|"
                          r"Wählen Sie|Geben Sie|fehlt|Fehler", re.I)
PLAIN = re.compile(r"^[\wäöüÄÖÜß .,-]{1,80}$")
SKIP_ACTIONS = ("/abmelden/", "/i18n/setlang/")


@dataclass
class FormInfo:
    page: str
    action: str
    fields: dict = field(default_factory=dict)  # name -> kind (text, textarea, select, checkbox, hidden, ...)
    hidden: dict = field(default_factory=dict)  # hidden inputs as rendered (management form, seen state)
    has_file: bool = False


class _FormParser(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.page, self.forms, self.current = page, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = FormInfo(page=self.page, action=a.get("action") or self.page)
        elif self.current is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = tag if tag != "input" else (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset") or a["name"] == "csrfmiddlewaretoken":
                return
            if kind == "file":
                self.current.has_file = True
            if kind == "hidden":
                self.current.hidden[a["name"]] = a.get("value") or ""
            else:
                self.current.fields.setdefault(a["name"], kind)

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            if not self.current.action.startswith(SKIP_ACTIONS):
                self.forms.append(self.current)
            self.current = None


def forms_on(client, url) -> list[FormInfo]:
    response = client.get(url)
    if response.status_code != 200:
        return []
    parser = _FormParser(url)
    parser.feed(response.content.decode())
    return parser.forms


def table_counts() -> dict[str, int]:
    models = [m for label in ("staffing", "planning", "integrations", "privacy", "ops", "reports", "guide")
              for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: m.objects.count() for m in models}


def form_values(form: FormInfo):
    """A value, or nothing (missing field), for every field of the form."""
    return st.fixed_dictionaries({name: st.one_of(st.none(), VALUES) for name in form.fields})


def check_answer(form: FormInfo, data: dict, response, before: dict) -> None:
    status = response.status_code
    assert status < 500, f"{form.action} answered {status} for {data!r}"
    body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/") else ""
    assert "<script>alert('x')</script>" not in body, f"{form.action} echoed a script unescaped"
    refused = status == 400 or (status == 200 and "kern-error" in body)
    if refused and "<form" in body:
        assert 'lang="de"' in body and GERMAN_ERROR.search(body), f"{form.action}: no German error shown"
        assert table_counts() == before, f"{form.action} saved something although it refused {data!r}"
        for name, value in data.items():
            kind = form.fields.get(name)
            if kind in ("text", "textarea", "email", "number", "date") and value and PLAIN.match(value.strip()):
                assert html.escape(value.strip()) in body, f"{form.action}: the input of {name!r} was lost"


# --- the pages and who opens them -------------------------------------------------------------

@pytest.fixture
def people(settings, district, witten_office, hattingen_office):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clerk = city_clerk(witten_office.city, username="clerk-witten")
    return {
        "clerk": clerk,
        "coordination": district_user(district, Organisation.Kind.COORDINATION, username="koordination"),
        "district_admin": district_user(district, Organisation.Kind.DISTRICT_ADMIN, username="kreis"),
        "head": district_user(district, Organisation.Kind.MANAGEMENT, username="leitung"),
    }


@pytest.fixture
def records(people, witten_office):
    draft = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    CandidateFactory(notice=draft)
    informed = PlacementNoticeFactory(position=PositionFactory(office=witten_office), head_involved=False)
    CandidateFactory(notice=informed)
    services.notice_submit(notice_id=informed.pk, by=people["clerk"])
    staff = StaffMemberFactory(position=PositionFactory(office=witten_office))
    result = {"draft": draft.pk, "informed": informed.pk, "staff": staff.pk}
    day = datetime.date(2026, 12, 1)
    offer = TrainingOffer.objects.create(district=witten_office.district, title="Recht", starts_on=day,
                                         ends_on=day, location="Schwelm", places=10)
    TrainingParticipation.objects.create(offer=offer, staff_member=staff)
    result["offer"] = offer.pk
    result["district"] = witten_office.district_id  # issue 17: the district's agreement settings
    return result


PAGES = [
    ("clerk", "staffing:notice_create", None),
    ("clerk", "staffing:notice_edit", "draft"),
    ("clerk", "staffing:notice_detail", "draft"),
    ("clerk", "staffing:notice_detail", "informed"),
    ("coordination", "staffing:notice_detail", "informed"),
    ("clerk", "staffing:user_settings", None),
    ("clerk", "planning:staff_create", None),
    ("clerk", "planning:staff_edit", "staff"),
    ("clerk", "planning:staff_leave", "staff"),
    ("clerk", "planning:report_list", None),
    ("clerk", "planning:training", None),
    ("coordination", "planning:training", None),
    ("coordination", "planning:coaching", None),
    ("district_admin", "planning:cap_create", None),
    ("district_admin", "staffing:rule_set_edit", "district"),  # issue 17
    ("coordination", "planning:training_offer", "offer"),
    ("clerk", "planning:training_offer", "offer"),
    ("clerk", "integrations:substitutes", None),
    ("clerk", "integrations:calendar_settings", None),
    ("clerk", "guide:feedback", None),  # issue 17, point 4: the accessibility feedback form
]


def page_url(name, key, records) -> str:
    """The page's URL; a URL name or record that no longer exists fails the test (never a silent skip)."""
    try:
        return reverse(name, args=[records[key]] if key else [])
    except (NoReverseMatch, KeyError) as error:
        pytest.fail(f"{name} ({key}) cannot be reached: {error!r}; update PAGES")


HYPOTHESIS = settings(max_examples=25, deadline=None, derandomize=True,
                      phases=[Phase.explicit, Phase.reuse, Phase.generate],  # report the first failure as is
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TRIED = {"forms": 0, "posts": 0}


@pytest.mark.parametrize("role,name,key", PAGES, ids=[f"{r}-{n}-{k or ''}" for r, n, k in PAGES])
def test_hostile_values_in_every_form_never_give_a_server_error_or_half_saved_data(people, records, role, name,
                                                                                  key):
    url = page_url(name, key, records)
    client = Client(raise_request_exception=False)
    client.force_login(people[role])
    forms = [f for f in forms_on(client, url) if not f.has_file]
    assert forms or name in ("staffing:notice_detail",), f"no POST form found on {url}"
    for form in forms:
        TRIED["forms"] += 1
        fuzz(client, form)()


def fuzz(client, form: FormInfo):
    @HYPOTHESIS
    @given(data=form_values(form))
    def post(data):
        payload = {**form.hidden, **{k: v for k, v in data.items() if v is not None}}
        before = table_counts()
        response = client.post(form.action, payload)
        TRIED["posts"] += 1
        check_answer(form, payload, response, before)

    return post


def test_an_unknown_training_status_is_refused_without_a_server_error(people, records):
    assert "offer" in records, "the records fixture must create a training offer"

    participation = TrainingParticipation.objects.get()
    client = Client(raise_request_exception=False)
    client.force_login(people["coordination"])
    response = client.post(reverse("planning:training_participation_status", args=[participation.pk]),
                           {"status": "<script>"})
    assert response.status_code == 400
    participation.refresh_from_db()
    assert participation.status == TrainingParticipation.Status.REGISTERED


@HYPOTHESIS
@given(username=VALUES, password=VALUES)
def test_hostile_logins_are_refused_in_german_and_sign_nobody_in(username, password):
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 400, 403, 429)
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    if response.status_code == 400:  # issue 15: a NUL byte is refused before the login (German 400 page)
        assert "\x00" in username + password and "ungültige Zeichen" in body
    else:
        assert "Die Anmeldung ist fehlgeschlagen" in body or "gesperrt" in body
    assert "<script>alert('x')</script>" not in body


@pytest.mark.parametrize("role,name,key", PAGES, ids=[f"{r}-{n}-{k or ''}" for r, n, k in PAGES])
def test_posts_without_csrf_token_are_refused_and_change_nothing(people, records, role, name, key):
    url = page_url(name, key, records)
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(people[role])
    for form in forms_on(client, url):
        before = table_counts()
        response = client.post(form.action, {**form.hidden, **dict.fromkeys(form.fields, "1")})
        assert response.status_code == 403, form.action
        assert "Formular abgelaufen" in response.content.decode()
        assert table_counts() == before
