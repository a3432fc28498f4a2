"""Issue 16, point 3 (a cheap request): the lookups of every signed-in request (the session by its key, the
user with organisation, district, city and unread count) are compiled to SQL once per process
(`staffing.compiled`); they give what the ORM gives, in one statement each."""
import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from staffing import selectors
from staffing.models import Notification, User
from staffing.sessions import SessionStore
from staffing.states import NotificationKind

pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_the_orms_user_with_organisation_district_city_and_unread_count(
        clerk_witten, django_assert_num_queries):
    for n, read in enumerate((None, None, timezone.now())):
        Notification.objects.create(recipient=clerk_witten, kind=NotificationKind.values[0], subject=f"s{n}", body="b",
                                    url="/benachrichtigungen/",
                                    read_at=read)
    orm = (User.objects.select_related("organisation", "organisation__district", "organisation__city")
           .get(pk=clerk_witten.pk))
    for _ in range(2):  # the first call compiles, the second reuses the statement
        with django_assert_num_queries(1):
            user = selectors.signed_in_user(clerk_witten.pk)
            assert (user.organisation.name, user.organisation.district.name, user.organisation.city.name) == (
                orm.organisation.name, orm.organisation.district.name, orm.organisation.city.name)
        assert {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in User._meta.concrete_fields}
        assert user.unread_notifications_count == 2
        assert not user._state.adding and user._state.db == "default"
    assert selectors.signed_in_user(clerk_witten.pk + 1000) is None


def test_a_user_without_organisation_is_found_too(django_assert_num_queries):
    admin = User.objects.create_user("betrieb", password="x", is_superuser=True, is_staff=True)
    with django_assert_num_queries(1):
        user = selectors.signed_in_user(admin.pk)
        assert user.organisation is None and user.unread_notifications_count == 0


def test_the_session_store_loads_what_djangos_loads_and_not_an_expired_session():
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        store = SessionStore()
        store["_auth_user_id"] = "7"
        store.set_expiry(600)
        store.save()
        key = store.session_key
        expected = {"_auth_user_id": "7", "_session_expiry": 600}
        assert SessionStore(key).load() == DjangoSessionStore(key).load() == expected
        assert SessionStore("unbekannt" * 4).load() == {}
        clock.move_to(start + datetime.timedelta(seconds=601))
        expired = SessionStore(key)
        assert expired.load() == DjangoSessionStore(key).load() == {}
        assert expired.session_key is None
        assert Session.objects.filter(session_key=key).exists()  # expired, not deleted (clearsessions does)


def test_a_signed_in_page_reads_session_and_user_once_each(client, clerk_witten):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(clerk_witten)
    client.get(reverse("staffing:notification_list"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("staffing:notification_list")).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "django_session"' in s for s in sqls) == 1
    assert sum(s.lstrip().startswith('SELECT "staffing_user"') for s in sqls) == 1


def _main_navigation(html: str) -> str:
    return html[html.index('<div class="kern-container app-nav__row">'):html.index("</header>")]


def test_the_main_navigation_kept_per_menu_and_page_is_the_templates(client, clerk_witten, coordinator):
    """The navigation is rendered once per language, menu and current page (`kern.main_navigation`); every
    page shows the HTML the template gives for its user and page."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from staffing.context_processors import navigation
    from staffing.templatetags import kern

    for user in (clerk_witten, coordinator, clerk_witten):
        client.force_login(user)
        for url in (reverse("staffing:home"), reverse("staffing:notice_list"), reverse("staffing:user_settings")):
            html = client.get(url).content.decode()
            request = RequestFactory().get(url)
            request.user = user
            fresh = render_to_string(kern.MAIN_NAVIGATION_TEMPLATE, {**navigation(request), "request": request})
            assert _main_navigation(html).rstrip() == _main_navigation(fresh + "</header>").rstrip()
            current = html.count('aria-current="page"')
            assert current == (0 if url == reverse("staffing:user_settings") else 1)
    assert kern._main_navigation_html  # kept
