"""Issue 15, point 5: `Cache-Control: no-store, private` on every page and export that shows personal data.

The URLs come from the resolver (every pattern of the site, as in the authorization matrix), with the real
ids of the matrix's world (two cities of one district, another district) and real tokens for the calendar
feed and the coach's form; each is fetched as every role. Every 200 answer of the app's namespaces
(pages, CSV/XLSX/PDF/ICS exports) and every answer to a signed-in user must carry the header; the health
probe and static files must not."""
import pytest
from django.conf import settings
from django.contrib.admin import site as admin_site
from django.test import Client
from django.urls import reverse

from integrations.models import CalendarFeed
from planning.coaching import coach_token
from planning.models import CoachingOffer
from tests.security import test_authorization_matrix as matrix
from tests.security.test_authorization_matrix import (
    ADMIN_PARAMS,
    ROLES,
    SITE_PATTERNS,
    build_path,
    pattern_id,
    rule_for,
)

# the matrix's world (two cities of one district, another district, one user per role) as fixtures here
fast_passwords, users, world = matrix.fast_passwords, matrix.users, matrix.world

pytestmark = pytest.mark.django_db
# the exports among the patterns: each must answer 200 with the header to at least one role
EXPORTS = {"staffing:notice_export", "planning:capacity_csv", "planning:capacity_xlsx", "planning:continuity_csv",
           "planning:continuity_xlsx", "planning:costs_csv", "planning:staff_plan_template",
           "integrations:notice_certificate", "integrations:calendar_feed", "integrations:import_template",
           "privacy_export"}
EXEMPT = {"health", "favicon"}


def no_store(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def in_app_namespace(name: str | None) -> bool:
    namespace = name.split(":")[0] if name and ":" in name else None
    return namespace in settings.NO_STORE_NAMESPACES or name in settings.NO_STORE_VIEWS


def real_tokens(users, objects):
    """Valid tokens instead of the matrix's invalid ones: the calendar feed of the Witten clerk, the coach's link."""
    _, token = CalendarFeed.issue(users["clerk_own_city"])
    for city in ("own", "other"):
        objects[city]["token"] = token
        objects[city]["coach_token"] = coach_token(CoachingOffer.objects.get(pk=objects[city]["coaching"]))


def test_every_page_and_export_with_personal_data_is_sent_with_no_store(world):
    users, objects = world
    real_tokens(users, objects)
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = Client()
        clients[role].force_login(users[role])
    failures, ok_by_name, answers = [], {}, 0
    for route, name, pattern in SITE_PATTERNS:
        if name in EXEMPT:
            continue
        rule = rule_for(route, name)
        for city in rule.cities:
            values = dict(ADMIN_PARAMS)
            for param, key in rule.params.items():
                key = "coach_token" if name == "planning:coaching_coach_form" and param == "token" else key
                values[param] = objects[city][key] if key in objects.get(city, {}) else key
            path = build_path(route, pattern, values)
            for role, client in clients.items():
                response = client.get(path)
                answers += 1
                must = (response.status_code == 200 and in_app_namespace(name)) or role != "anonymous"
                if response.status_code == 200:
                    ok_by_name.setdefault(pattern_id(route, name), set()).add(role)
                if must and not no_store(response):
                    failures.append(f"GET {path} as {role}: {response.status_code}, "
                                    f"Cache-Control {response.get('Cache-Control')!r}")
    print(f"no-store: {answers} answers over {len(SITE_PATTERNS)} URL patterns, "
          f"{sum(len(r) for r in ok_by_name.values())} of them 200 on {len(ok_by_name)} patterns")
    assert not failures, "\n".join(failures)
    assert set(ok_by_name) >= EXPORTS, f"exports that never answered 200: {EXPORTS - set(ok_by_name)}"
    # every app page answered 200 to somebody: the test reached the pages, not only their refusals
    app_pages = {pattern_id(r, n) for r, n, _ in SITE_PATTERNS if in_app_namespace(n)}
    never = app_pages - set(ok_by_name)
    assert len(never) <= len(app_pages) // 3, f"too many app patterns never answered 200: {sorted(never)}"


def test_the_calendar_feed_and_the_coach_form_answer_with_no_store_without_a_session(world):
    users, objects = world
    real_tokens(users, objects)
    feed = Client().get(reverse("integrations:calendar_feed", args=[objects["own"]["token"]]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar") and no_store(feed)
    form = Client().get(reverse("planning:coaching_coach_form",
                                args=[objects["own"]["coaching"], objects["own"]["coach_token"]]))
    assert form.status_code == 200 and no_store(form)


def test_the_admin_pages_are_sent_with_no_store(admin_client):
    paths = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin_site._registry]
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), (path, response.get("Cache-Control"))


def test_health_favicon_and_static_files_are_left_alone(client, clerk_witten):
    # the login page (never_cache of Django's LoginView) keeps its own header: the middleware adds nothing
    assert client.get(reverse("login"))["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    client.force_login(clerk_witten)
    health = client.get(reverse("health"))  # never_cache's own header, nothing changed by the middleware
    assert health["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    favicon = client.get(reverse("favicon"))
    assert "no-store" not in favicon.get("Cache-Control", "") and "private" not in favicon.get("Cache-Control", "")
    static = client.get(f"/{settings.STATIC_URL.strip('/')}/css/app.css")
    assert "no-store" not in static.get("Cache-Control", "")
