"""Issue 15, point 1: a fuzz test generated from the URL resolver, not from rendered pages.

Every URL pattern of the application (`get_resolver().url_patterns`, walked through all includes and
namespaces) is requested with GET and POST, as each role (city clerk, coordination office, district
administration, head of the JobAgentur, anonymous), with
- every path parameter filled with real ids of the seeded demo data (`seed_demo` plus a few extras) and
  with hostile values;
- every query-string and POST parameter the view reads, found by reading the view's source code (and the
  source of the project functions it hands the request to): `request.GET.get("x")`, `request.POST["x"]`,
  `request.GET.getlist("x")`, `"x" in request.GET`, names given by module constants; plus the fields of
  every form (and formset) class the view uses, with their prefixes; plus `next`. Where reading the code
  is not enough (prefixed action forms, the values an `aktion` switch expects) a small table per view
  (`VIEW_EXTRAS`) declares it;
- the hostile values of the issue: empty, "abc", 0, -1, 2^15, 2^31, 2^63, 0001-01-01, 9999-12-31 (ISO and
  TT.MM.JJJJ), a NUL byte, 10,000 characters, RTL and combining characters, a script tag.

Asserted for every request: no 5xx. For every answer that refuses (4xx, a form shown again with errors, or
an error message queued for the next page), nothing was committed: each request runs in a savepoint that
is rolled back afterwards, every write statement it executed is recorded, and when a refusing answer
executed writes outside the session/throttling tables, the content of every table of the application is
compared with the seeded state. All failures are collected and reported together (URL, method, values,
role); the request count is printed at the end of the run (`pytest_terminal_summary` in tests/conftest.py).

Left out, with reasons: the Django admin (`admin:`; hundreds of generated URLs of Django's own views,
read-only for the application's models and tested in tests/site/test_admin_read_only.py), static and
media files (not served by Django's URLs outside DEBUG). The language switch, login and logout are in.
"""
from __future__ import annotations

import datetime
import inspect
import itertools
import logging
import os
import re
import types
from dataclasses import dataclass, field

import pytest
from django import forms as django_forms
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security import resolver_fuzz_stats as stats

# the mark makes pytest-django create the test database and wrap each test in a savepoint; the data itself
# is seeded once for the module (`world`)
pytestmark = pytest.mark.django_db

# --- the hostile values of issue 15 -----------------------------------------------------------------

HOSTILE = ["", "abc", "0", "-1", "32768", "2147483648", "9223372036854775808", "0001-01-01", "9999-12-31",
           "01.01.0001", "31.12.9999", "a\x00b", "x" * 10_000, "\u202eabc", "e\u0301\u0301\u0301",
           "<script>alert(1)</script>"]
# what an int path converter accepts of them (the others cannot form such a URL: the resolver answers 404)
HOSTILE_INT_PATH = ["0", "2147483648", "9223372036854775808", "9" * 30]
HOSTILE_STR_PATH = ["abc", "0", "-1", "2147483648", "x" * 2000, "\u202eabc", "e\u0301\u0301", "%00",
                    "<script>alert(1)</script>"]
# every hostile value reaches every parameter in the all-at-once cases; on its own (the other parameters
# good) each parameter gets every SINGLE_SHARE-th value, shifted per parameter, so that both database passes
# stay within about three minutes
SINGLE_SHARE = 3
ROLES = {"clerk": "clerk-witten", "coordination": "koordination", "district_admin": "kreis", "head": "leitung",
         "anonymous": None}
SKIPPED_NAMESPACES = ("admin",)  # see the module docstring
# tables whose rows a refused request may write: the session, django-axes' record of failed logins and the
# record of access to candidates' data (PS: every read of a candidate is recorded, refused step or not)
ALLOWED_WRITE_TABLES = ("django_session", "axes_", "privacy_candidatedataaccess")

# --- the per-view table where reading the code is not enough ------------------------------------------


@dataclass
class Extras:
    """What a view needs beyond the names read from its code: fixed base values (e.g. the `aktion` an
    `if` compares with), alternative bases (each fuzzed on its own), and prefixed forms."""

    bases: list[dict] = field(default_factory=lambda: [{}])
    prefixed: dict = field(default_factory=dict)  # prefix -> form class
    skip_post: bool = False


def _action_extras() -> Extras:
    from staffing.forms import ACTION_FORMS

    return Extras(prefixed=dict(ACTION_FORMS))  # the form of the action named in the path (see _prefix_for)


def _notice_form_extras() -> Extras:
    from staffing.forms import CandidateFormSet
    from staffing.views import CANDIDATE_PREFIX

    management = {f"{CANDIDATE_PREFIX}-TOTAL_FORMS": "1", f"{CANDIDATE_PREFIX}-INITIAL_FORMS": "0",
                  f"{CANDIDATE_PREFIX}-MIN_NUM_FORMS": "0", f"{CANDIDATE_PREFIX}-MAX_NUM_FORMS": "1000"}
    return Extras(bases=[management, {**management, "aktion": "einreichen"}],
                  prefixed={f"{CANDIDATE_PREFIX}-0": CandidateFormSet.form})


VIEW_EXTRAS = {
    "staffing:notice_action": _action_extras,
    "staffing:notice_create": _notice_form_extras,
    "staffing:notice_edit": _notice_form_extras,
    "integrations:substitutes": lambda: Extras(bases=[{}, {"aktion": "beenden"}]),
    "integrations:calendar_settings": lambda: Extras(bases=[{"aktion": "anlegen"}, {"aktion": "widerrufen"}]),
    "integrations:import_preview": lambda: Extras(bases=[{}, {"aktion": "verwerfen"}]),
    "logout": lambda: Extras(),
}

# --- which real ids a path parameter gets -------------------------------------------------------------


def _ids(model_label: str, **filters):
    def pick(world):
        model = apps.get_model(model_label)
        qs = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
        return list(dict.fromkeys([str(pk) for pk in qs[:1]] + [str(pk) for pk in qs.reverse()[:1]]))
    return pick


def _notices(world):
    from staffing.models import PlacementNotice

    by_state = {}
    for pk, state in PlacementNotice.objects.order_by("pk").values_list("pk", "state"):
        by_state.setdefault(state, str(pk))
    return list(by_state.values())


REAL_IDS = {
    ("integrations:notice_certificate", "pk"): _notices,
    ("integrations:import_preview", "pk"): lambda world: [str(world["pending_import"])],
    ("integrations:calendar_feed", "token"): lambda world: [world["calendar_token"]],
    ("integrations:import_template", "kind"): lambda world: ["personal", "vakanzen", "stellenplan"],
    ("integrations:import_template", "fmt"): lambda world: ["csv", "xlsx"],
    ("dev_mail_detail", "mail_id"): lambda world: ["20260101-000000-abc.eml"],
    ("planning:staff_detail", "pk"): _ids("staffing.StaffMember"),
    ("planning:staff_edit", "pk"): _ids("staffing.StaffMember", left_on__isnull=True),
    ("planning:staff_leave", "pk"): _ids("staffing.StaffMember", left_on__isnull=True),
    ("moved:staff_detail", "pk"): _ids("staffing.StaffMember"),
    ("planning:report_detail", "pk"): _ids("planning.QuarterlyReport"),
    ("planning:training_need_priority", "pk"): _ids("planning.TrainingNeed"),
    ("planning:training_offer", "pk"): _ids("planning.TrainingOffer"),
    ("planning:training_participation_status", "pk"): _ids("planning.TrainingParticipation"),
    ("planning:training_coverage_remind", "pk"): _ids("staffing.City"),
    ("planning:coaching_sign_up", "pk"): _ids("planning.CoachingOffer"),
    ("planning:coaching_participants", "pk"): _ids("planning.CoachingOffer"),
    ("planning:coaching_offer_evaluations", "pk"): _ids("planning.CoachingOffer"),
    ("planning:coaching_coach_form", "pk"): lambda world: [str(world["coach_offer"])],
    ("planning:coaching_coach_form", "token"): lambda world: [world["coach_token"]],
    ("planning:cap_history", "pk"): _ids("staffing.City"),
    ("planning:cap_consultation_detail", "pk"): _ids("planning.CapConsultation"),
    ("planning:cap_consultation_fix", "pk"): _ids("planning.CapConsultation"),
    ("planning:cap_statement", "pk"): _ids("planning.CapProposal"),
    ("planning:staff_plan_office", "office_pk"): _ids("staffing.Office"),
    ("planning:staff_plan_position_create", "office_pk"): _ids("staffing.Office"),
    ("planning:staff_plan_import", "office_pk"): _ids("staffing.Office"),
    ("planning:position_proposal_create", "office_pk"): _ids("staffing.Office"),
    ("planning:staff_plan_position_edit", "pk"): _ids("staffing.Position"),
    ("planning:position_proposal_detail", "pk"): _ids("staffing.PositionProposal"),
    ("reports:audit_notice_csv", "pk"): _notices,  # issue 17
    ("reports:audit_notice_pdf", "pk"): _notices,
    ("staffing:notice_detail", "pk"): _notices,
    ("staffing:notice_edit", "pk"): _notices,
    ("staffing:notice_action", "pk"): _notices,
    ("staffing:notice_action", "name"): lambda world: list(world["action_names"]),
    ("staffing:notice_comment", "pk"): _notices,
    ("staffing:escalation_decide", "pk"): _notices,  # issue 16: the decision form of an escalation row
    ("staffing:career_track_edit", "pk"): _ids("staffing.GradeCareerTrack"),
    ("staffing:career_track_delete", "pk"): _ids("staffing.GradeCareerTrack"),
    ("staffing:rule_set_edit", "pk"): _ids("staffing.District"),  # issue 17
    ("staffing:notification_read", "pk"): _ids("staffing.Notification"),
    ("staffing:position_detail", "pk"): _ids("staffing.Position"),
    ("staffing:vacancy_detail", "pk"): _ids("staffing.Vacancy"),
    # issue 17, point 5: every page of the user guide
    ("guide:help_page", "slug"): lambda world: ["verfahren", "personalstelle", "koordinierungsstelle",
                                                "kreisverwaltung", "leitung"],
}

# --- reading the view's code ---------------------------------------------------------------------------

PARAM_LITERAL = re.compile(r"""request\.(GET|POST)(?:\.(?:get|getlist|pop)\(\s*|\[\s*)(["'])([^"']+)\2""")
PARAM_CONSTANT = re.compile(r"""request\.(GET|POST)(?:\.(?:get|getlist|pop)\(\s*|\[\s*)([A-Z][A-Z0-9_]*)\b""")
PARAM_IN = re.compile(r"""(["'])([^"']+)\1\s+(?:not\s+)?in\s+request\.(GET|POST)""")
GET_FORM = re.compile(r"\b([A-Za-z_][\w.]*)\(\s*request\.GET\b")
CALLED = re.compile(r"\b([A-Za-z_][\w.]*)\(\s*request\b")
NAME = re.compile(r"\b([A-Za-z_][\w.]*)\b")
PROJECT_MODULES = ("staffing", "planning", "integrations", "privacy", "ops", "reports", "jobagentur")


def _resolve(name: str, namespace: dict):
    head, *rest = name.split(".")
    obj = namespace.get(head)
    for part in rest:
        obj = getattr(obj, part, None)
    return obj


def _own(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.split(".")[0] in PROJECT_MODULES


def _sources(view, depth: int = 3) -> list[tuple[str, dict]]:
    """The source of the view and of the project functions it passes `request` to (a few levels deep)."""
    target = getattr(view, "view_class", None) or inspect.unwrap(view)
    seen, result, todo = set(), [], [(target, depth)]
    while todo:
        obj, level = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):
            continue
        namespace = vars(inspect.getmodule(obj)) if inspect.getmodule(obj) else {}
        result.append((source, namespace))
        if level:
            for name in CALLED.findall(source):
                called = _resolve(name, namespace)
                if isinstance(called, types.FunctionType) and _own(called):
                    todo.append((inspect.unwrap(called), level - 1))
    return result


def _form_classes(sources) -> list[type]:
    found = []
    for source, namespace in sources:
        for name in set(NAME.findall(source)):
            obj = _resolve(name, namespace) if name[0].isupper() or "." in name else None
            if (isinstance(obj, type) and issubclass(obj, django_forms.BaseForm) and _own(obj)
                    and obj not in found):
                found.append(obj)
    return found


def view_parameters(view) -> tuple[set[str], set[str], list[type]]:
    """(query-string names, POST names, form classes) the view reads, from its code."""
    sources = _sources(view)
    get_names, post_names = set(), set()
    for source, namespace in sources:
        for method, _quote, name in PARAM_LITERAL.findall(source):
            (get_names if method == "GET" else post_names).add(name)
        for method, constant in PARAM_CONSTANT.findall(source):
            value = namespace.get(constant)
            if isinstance(value, str):
                (get_names if method == "GET" else post_names).add(value)
        for _quote, name, method in PARAM_IN.findall(source):
            (get_names if method == "GET" else post_names).add(name)
        for name in GET_FORM.findall(source):  # a filter form bound to the query string: its fields are GET
            form_class = _resolve(name, namespace)
            if isinstance(form_class, type) and issubclass(form_class, django_forms.BaseForm):
                get_names.update(form_class.base_fields)
    return get_names, post_names, _form_classes(sources)


# --- a good value for every field, so one hostile value at a time reaches deep --------------------------

def good_value(form_field, world) -> str | list | None:
    if isinstance(form_field, django_forms.FileField):
        return None
    if isinstance(form_field, django_forms.ModelChoiceField):  # the queryset is often set per request: any row
        queryset = form_field.queryset
        first = queryset.order_by("pk").first() if queryset is not None else None
        value = str(first.pk) if first else "1"
        return [value] if isinstance(form_field, django_forms.ModelMultipleChoiceField) else value
    if isinstance(form_field, django_forms.MultipleChoiceField):
        choices = [str(k) for k, _v in form_field.choices if k not in ("", None)]
        return choices[:1]
    if isinstance(form_field, django_forms.ChoiceField):
        choices = [str(k) for k, _v in form_field.choices if k not in ("", None) and not isinstance(_v, list | tuple)]
        return choices[0] if choices else ""
    if isinstance(form_field, django_forms.BooleanField):
        return "on"
    if isinstance(form_field, django_forms.DateField):
        return (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d.%m.%Y")
    if isinstance(form_field, django_forms.IntegerField):
        return str(max(form_field.min_value or 1, 1)) if form_field.min_value is None or form_field.min_value > 0 \
            else "1"
    if isinstance(form_field, django_forms.DecimalField | django_forms.FloatField):
        return "1"
    if isinstance(form_field, django_forms.EmailField):
        return "person@example.org"
    return "Beispiel"


GOOD_PARAMS = {"jahr": str(datetime.date.today().year - 1), "quartal": "1", "seite": "2", "stichtag": "01.10.2026",
               "sortierung": "-erstellt", "next": "/mitteilungen/", "status": "informed", "q": "Muster"}


# --- the requests ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    name: str
    route: str
    view: object
    converters: dict


def url_targets() -> list[Target]:
    targets = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or str(pattern.pattern))
                targets.append(Target(name, prefix + str(pattern.pattern), pattern.callback,
                                      dict(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "", "")
    return targets


ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def build_path(route: str, values: dict) -> str:
    return "/" + ROUTE_PARAM.sub(lambda m: values[m.group(2)], route)


def path_variants(target: Target, world) -> list[dict]:
    """Real ids for every path parameter, then each parameter hostile in turn (the others real)."""
    params = [m.group(2) for m in ROUTE_PARAM.finditer(target.route)]
    if not params:
        return [{}], 1
    real = {}
    for param in params:
        picker = REAL_IDS.get((target.name, param))
        if picker is None:
            pytest.fail(f"{target.name}: no real values for <{param}>; add them to REAL_IDS")
        real[param] = picker(world) or ["1"]
    variants = [dict(zip(params, combo, strict=True)) for combo in itertools.product(*(real[p] for p in params))]
    if target.name == "staffing:notice_action":  # every action on every notice would be 14 x 6 x ...: one
        variants = [{"pk": pk, "name": name} for pk, name in zip(itertools.cycle(real["pk"]), real["name"])]
        variants += [{"pk": pk, "name": real["name"][0]} for pk in real["pk"]]
    base = variants[0]
    real_count = len(variants)
    for param in params:
        converter = target.converters.get(param)
        hostile = HOSTILE_INT_PATH if type(converter).__name__ == "IntConverter" else HOSTILE_STR_PATH
        if type(converter).__name__ == "SlugConverter":
            hostile = ["abc", "0", "-1", "x" * 2000, "gibt-es-nicht"]
        variants += [{**base, param: value} for value in hostile]
    return variants, real_count


@dataclass
class Plan:
    target: Target
    path_values: dict
    get_names: list
    post_fields: dict  # name -> good value (form fields and names read from the code)
    bases: list
    first: bool  # the first (real) path values: all parameters are fuzzed; the other path values get fewer
    hostile_path: int  # -1: real path values; else the number of the hostile path value (shared by the roles)


def plan_for(target: Target, world) -> list[Plan]:
    get_names, post_names, form_classes = view_parameters(target.view)
    extras = VIEW_EXTRAS.get(target.name, Extras)()
    post_fields = {name: GOOD_PARAMS.get(name, "1") for name in post_names}
    for form_class in form_classes:
        for name, form_field in form_class.base_fields.items():
            value = good_value(form_field, world)
            if value is not None:
                post_fields.setdefault(name, value)
    plans = []
    variants, real_count = path_variants(target, world)
    for index, values in enumerate(variants):
        fields = dict(post_fields)
        for prefix, form_class in extras.prefixed.items():
            if target.name == "staffing:notice_action":
                if prefix != values.get("name"):
                    continue
                fields[f"{prefix}-seen_state"] = world["states"].get(values.get("pk"), "")
            for name, form_field in form_class.base_fields.items():
                value = good_value(form_field, world)
                if value is not None:
                    fields[f"{prefix}-{name}"] = value
        first = index < (len(world["action_names"]) if target.name == "staffing:notice_action" else 1)
        plans.append(Plan(target, values, sorted(get_names), fields, extras.bases, first,
                          index - real_count if index >= real_count else -1))
    return plans


@dataclass
class Request:
    method: str
    path: str
    data: dict
    label: str


def requests_for(plan: Plan, role_index: int, n_roles: int, *, single: bool = True) -> list[Request]:
    """GET and POST: the plain and the good request, every hostile value in all parameters at once (and in
    `next`), and each parameter hostile on its own (the others good). The hostile cases are shared out
    between the roles: role i sends value k to all parameters when k % n_roles == i (so the roles together
    send every value to every parameter), and value k to parameter j alone when
    (k + j) % (n_roles * SINGLE_SHARE) == i. `single=False` (anonymous on a page that needs a login, which
    answers every request with the login redirect): no single-parameter cases."""
    path = build_path(plan.target.route, plan.path_values)
    result = [Request("GET", path, {}, "GET plain")]
    good_get = {name: GOOD_PARAMS.get(name, "1") for name in plan.get_names}
    if plan.first:
        result.append(Request("GET", path, good_get, "GET good"))
        for i, value in enumerate(HOSTILE):
            if i % n_roles == role_index:
                result.append(Request("GET", path, dict.fromkeys([*plan.get_names, "next"], value),
                                      f"GET all={value[:20]!r}"))
        for j, name in enumerate(plan.get_names if single else []):
            for i, value in enumerate(HOSTILE):
                if (i + j) % (n_roles * SINGLE_SHARE) == role_index:
                    result.append(Request("GET", path, {**good_get, name: value}, f"GET {name}={value[:20]!r}"))
    for base in plan.bases if plan.first else plan.bases[:1]:  # other path values: one POST
        good_post = {**plan.post_fields, **base}
        result.append(Request("POST", path, good_post, f"POST good base={base}"))
        if not plan.first:
            continue
        for i, value in enumerate(HOSTILE):
            if i % n_roles == role_index:
                data = {**dict.fromkeys([*plan.post_fields, "next"], value), **base}
                result.append(Request("POST", path, data, f"POST all={value[:20]!r} base={base}"))
        for j, name in enumerate(sorted(plan.post_fields) if single else []):
            if name in base:
                continue
            for i, value in enumerate(HOSTILE):
                if (i + j) % (n_roles * SINGLE_SHARE) == role_index:
                    result.append(Request("POST", path, {**good_post, name: value},
                                          f"POST {name}={value[:20]!r} base={base}"))
    return result


# --- the seeded data, once for the module ------------------------------------------------------------

def _seed_extras(world):
    from integrations.models import CalendarFeed, PendingImport, Substitution
    from planning import coaching
    from planning.models import CoachingOffer
    from staffing.forms import ACTION_FORMS
    from staffing.models import PlacementNotice, User

    # the demo accounts sign in only in development (DEMO_LOGINS_ENABLED); here they are ordinary accounts
    User.objects.filter(is_demo=True).update(is_demo=False)
    users = {role: User.objects.get(username=name) for role, name in ROLES.items() if name}
    clerk = users["clerk"]
    colleague = User.objects.filter(organisation=clerk.organisation).exclude(pk=clerk.pk).first() or users["head"]
    today = datetime.date.today()
    Substitution.objects.create(absent=clerk, substitute=colleague, starts_on=today,
                                ends_on=today + datetime.timedelta(days=5))
    _feed, token = CalendarFeed.issue(clerk)
    pending = PendingImport.objects.create(user=clerk, kind="personal", filename="personal.csv",
                                           content=b"Nachname;Vorname\nMuster;Anna\n")
    offer = CoachingOffer.objects.order_by("pk").first()
    world.update(users=users, calendar_token=token, pending_import=pending.pk, coach_offer=offer.pk,
                 coach_token=coaching.coach_token(offer), action_names=sorted(ACTION_FORMS),
                 states={str(pk): state for pk, state in PlacementNotice.objects.values_list("pk", "state")})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """seed_demo (and a substitution, a calendar feed, a pending import) in a transaction that stays open
    for the module and is rolled back at its end; each request runs in a savepoint of its own."""
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer._from_testcase = True  # like Django's TestCase: durable blocks inside remain allowed
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            world = {}
            _seed_extras(world)
            world["baseline"] = fingerprint()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def app_models():
    return [m for label in ("staffing", "planning", "integrations", "privacy", "ops", "guide")
            for m in apps.get_app_config(label).get_models()
            if not m._meta.db_table.startswith(ALLOWED_WRITE_TABLES)]


def fingerprint() -> dict:
    """Every row of every table of the application (the seeded data is small)."""
    return {m._meta.label: sorted(map(repr, m.objects.order_by().values_list())) for m in app_models()}


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b[^\"'`]*?(?:INTO|FROM|UPDATE)?\s*[\"'`]?(\w+)", re.I)


class WriteRecorder:
    """The tables written by the statements a request executes (outside the allowed ones)."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            table = re.search(r"(?:INTO|UPDATE|FROM)\s+[\"'`]?(\w+)", sql, re.I)
            name = table.group(1) if table else match.group(2)
            if not name.startswith(ALLOWED_WRITE_TABLES):
                self.tables.add(name)
        return execute(sql, params, many, context)


def refused(response) -> bool:
    """A refusing answer: 4xx, a form shown again with its errors, or an error message for the next page."""
    if 400 <= response.status_code < 500:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is not None and any(m.level >= message_levels.ERROR for m in getattr(storage, "_queued_messages", [])):
        return True
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        return b'class="kern-error"' in response.content
    return False


def send(client: Client, request: Request, world, failures: list, role: str, plan_name: str = "") -> None:
    """One request in a savepoint that is rolled back; a 5xx or a refused but committed request is a failure.
    The health check's 503 is its designed answer while the sweep's heartbeat or the broker is missing."""
    recorder = WriteRecorder()
    with transaction.atomic():
        try:
            with connection.execute_wrapper(recorder):
                if request.method == "GET":
                    response = client.get(request.path, request.data)
                else:
                    response = client.post(request.path, request.data)
            stats.count(connection.vendor)
            where = f"{request.method} {request.path[:120]} as {role} ({request.label})"
            if response.status_code >= 500 and not (response.status_code == 503 and plan_name == "health"):
                exc = getattr(response, "exc_info", None)
                failures.append(f"{response.status_code}: {where}: {exc[1]!r}"[:600] if exc else
                                f"{response.status_code}: {where}")
                stats.server_error(connection.vendor)
            elif recorder.tables and refused(response):
                try:
                    if fingerprint() != world["baseline"]:
                        failures.append(f"committed although refused ({response.status_code}): {where}: "
                                        f"wrote {sorted(recorder.tables)}")
                except Exception as error:  # e.g. an aborted transaction the view swallowed
                    failures.append(f"database left unusable ({response.status_code}): {where}: {error!r}"[:600])
        finally:
            transaction.set_rollback(True)


def _needs_login(client: Client, path: str) -> bool:
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    return response.status_code == 302 and response["Location"].startswith("/anmelden/")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_url_with_hostile_values_never_gives_a_server_error_or_commits_a_refused_step(world, role):
    targets = url_targets()
    assert len(targets) > 60, "the resolver walk found too few URLs"
    client = Client(raise_request_exception=False)
    user = world["users"].get(role)
    if user is not None:
        client.force_login(user)
        assert client.get("/").status_code == 200, f"{role} is not signed in: the fuzz would test the login page"
    failures, sent = [], 0
    signed_in = [r for r, name in ROLES.items() if name]
    logging.disable(logging.CRITICAL)  # thousands of expected 400/404 warnings: the failures are collected
    try:
        for target in targets:
            if user is None:  # anonymous: every case on the public pages, the rest ends at the login
                public = not _needs_login(client, build_path(target.route, plan_for(target, world)[0].path_values))
                role_index, n_roles, single = (0, 1, True) if public else (0, len(signed_in), False)
            else:
                role_index, n_roles, single = signed_in.index(role), len(signed_in), True
            for plan in plan_for(target, world):
                if plan.hostile_path >= 0 and plan.hostile_path % n_roles != role_index:
                    continue  # each hostile path value is sent by one of the roles
                for request in requests_for(plan, role_index, n_roles, single=single):
                    send(client, request, world, failures, role, target.name)
                    sent += 1
                    if user is not None and target.name == "logout":
                        client.force_login(user)
    finally:
        logging.disable(logging.NOTSET)
    assert sent > 500
    assert not failures, f"{len(failures)} failures of {sent} requests as {role}:\n" + "\n".join(failures[:80])
