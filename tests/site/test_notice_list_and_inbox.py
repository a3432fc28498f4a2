"""Notice list (filters, sorting, CSV), start page, notifications and settings, error pages, the
visibility rule on every notice URL, and query counts that do not grow with the number of rows."""
import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffing import services
from staffing.models import Notification

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory, VacancyFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _fixed_time():
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), tick=False):
        yield


def _notices(office, n, **kwargs):
    notices = []
    for i in range(n):
        notice = PlacementNoticeFactory(position=PositionFactory(office=office, title=f"Stelle {i}"), **kwargs)
        CandidateFactory(notice=notice)
        notices.append(notice)
    return notices


def test_filters_by_state_city_and_text(client, coordinator, witten_office, hattingen_office, clerk_witten,
                                        clerk_hattingen):
    a = _notices(witten_office, 1)[0]
    b = PlacementNoticeFactory(position=PositionFactory(office=hattingen_office, title="Fachberater/in"))
    CandidateFactory(notice=b, full_name="Jana Sonderbar")
    services.notice_submit(notice_id=a.pk, by=clerk_witten)
    services.notice_submit(notice_id=b.pk, by=clerk_hattingen)
    services.notice_clear(notice_id=a.pk, by=coordinator)
    a.refresh_from_db()
    client.force_login(coordinator)
    url = reverse("staffing:notice_list")
    assert [n.pk for n in client.get(url, {"status": "cleared"}).context["page"]] == [a.pk]
    assert [n.pk for n in client.get(url, {"stadt": hattingen_office.city_id}).context["page"]] == [b.pk]
    assert [n.pk for n in client.get(url, {"q": "sonderbar"}).context["page"]] == [b.pk]
    last_day = a.period_last_day
    in_range = client.get(url, {"frist_von": last_day.isoformat(), "frist_bis": last_day.isoformat()})
    assert {n.pk for n in in_range.context["page"]} == {a.pk, b.pk}
    later = last_day.replace(year=last_day.year + 1).isoformat()
    assert list(client.get(url, {"frist_von": later}).context["page"]) == []
    assert [n.pk for n in client.get(url, {"sortierung": "stadt"}).context["page"]] == [b.pk, a.pk]


def test_the_text_search_finds_notices_by_the_title_or_number_of_their_position(
        client, coordinator, witten_office, hattingen_office, clerk_witten, clerk_hattingen, other_district):
    """PS-2, issue 16 point 8: the search reads the positions of the user's scope (a notice's position is one of
    its own office's); a matching position of another district's notice is not shown."""
    from ..factories import CityFactory, RegionalOfficeFactory, city_clerk
    by_title = PlacementNoticeFactory(position=PositionFactory(office=witten_office, title="Fallmanager/in"))
    by_number = PlacementNoticeFactory(position=PositionFactory(office=hattingen_office, number="HAT-4711"))
    ratingen = CityFactory(district=other_district, name="Ratingen", slug="ratingen")
    foreign_office = RegionalOfficeFactory(city=ratingen)
    foreign = PlacementNoticeFactory(position=PositionFactory(office=foreign_office, title="Fallmanager/in",
                                                              number="HAT-4712"))
    for notice in (by_title, by_number, foreign):
        CandidateFactory(notice=notice)
    services.notice_submit(notice_id=by_title.pk, by=clerk_witten)
    services.notice_submit(notice_id=by_number.pk, by=clerk_hattingen)
    services.notice_submit(notice_id=foreign.pk, by=city_clerk(ratingen))
    client.force_login(coordinator)
    url = reverse("staffing:notice_list")
    assert [n.pk for n in client.get(url, {"q": "fallmanager"}).context["page"]] == [by_title.pk]
    assert [n.pk for n in client.get(url, {"q": "hat-471"}).context["page"]] == [by_number.pk]
    assert [n.pk for n in client.get(url, {"q": "Stelle ohne Treffer"}).context["page"]] == []


def test_the_district_does_not_see_the_citys_drafts(client, coordinator, district_admin, witten_office,
                                                    clerk_witten):
    draft = _notices(witten_office, 1)[0]
    for user in (coordinator, district_admin):
        client.force_login(user)
        assert draft not in client.get(reverse("staffing:notice_list")).context["page"]
        assert client.get(reverse("staffing:notice_detail", args=[draft.pk])).status_code == 404
    client.force_login(clerk_witten)
    assert client.get(reverse("staffing:notice_detail", args=[draft.pk])).status_code == 200


def test_list_answers_htmx_with_the_results_only(client, coordinator, witten_office):
    _notices(witten_office, 2)
    client.force_login(coordinator)
    response = client.get(reverse("staffing:notice_list"), headers={"HX-Request": "true", "HX-Target": "div#ergebnis"})
    html = response.content.decode()
    assert 'id="ergebnis"' in html and "<html" not in html


def test_csv_export_of_the_filtered_list(client, coordinator, witten_office, hattingen_office, clerk_witten):
    a = _notices(witten_office, 1)[0]
    _notices(hattingen_office, 1)
    services.notice_submit(notice_id=a.pk, by=clerk_witten)
    client.force_login(coordinator)
    response = client.get(reverse("staffing:notice_export"), {"stadt": witten_office.city_id})
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # issue 16, point 6: written while it is sent
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == ["Nr.", "Stadt", "Stellennummer", "Stelle", "Funktion", "Status"]
    assert len(rows) == 2
    assert rows[1][1] == "Witten" and rows[1][5] == "Mitgeteilt, Frist läuft" and rows[1][8] == "02.12.2026"


def test_start_page_per_role(client, coordinator, clerk_witten, witten_office, settings):
    settings.VACANCY_FLAG_DAYS = 90
    a = _notices(witten_office, 1)[0]
    services.notice_submit(notice_id=a.pk, by=clerk_witten)
    VacancyFactory(position=PositionFactory(office=witten_office, title="Lange frei"),
                   vacated_on=date(2026, 11, 25) - timedelta(days=120))
    client.force_login(coordinator)
    html = client.get(reverse("staffing:home")).content.decode()
    assert "Wartet auf mich" in html and "7 Tage" in html
    assert "Lange frei" in html and "länger als 90 Tage" in html
    client.force_login(clerk_witten)
    html = client.get(reverse("staffing:home")).content.decode()
    assert "Neue Mitteilung" in html


def test_notifications_page_and_mark_read(client, coordinator, clerk_witten, witten_office,
                                          django_capture_on_commit_callbacks):
    a, b = _notices(witten_office, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_submit(notice_id=a.pk, by=clerk_witten)
        services.notice_submit(notice_id=b.pk, by=clerk_witten)
    assert Notification.objects.filter(recipient=coordinator, read_at__isnull=True).count() == 2
    client.force_login(coordinator)
    html = client.get(reverse("staffing:notification_list")).content.decode()
    assert "2 ungelesen" in html
    first = Notification.objects.filter(recipient=coordinator).first()
    client.post(reverse("staffing:notification_read", args=[first.pk]))
    assert Notification.objects.filter(recipient=coordinator, read_at__isnull=True).count() == 1
    client.post(reverse("staffing:notification_read_all"))
    assert not Notification.objects.filter(recipient=coordinator, read_at__isnull=True).exists()
    client.force_login(clerk_witten)
    assert client.post(reverse("staffing:notification_read", args=[first.pk])).status_code == 404


def test_settings_turn_emails_off_per_kind(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("staffing:user_settings")).content.decode()
    assert "Neue Mitteilung eingegangen" in page
    response = client.post(reverse("staffing:user_settings"), {"email_kinds": ["submitted", "escalation"]})
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert "submitted" not in coordinator.muted_email_kinds
    assert "reminder" in coordinator.muted_email_kinds and "comment" in coordinator.muted_email_kinds


def test_404_page_is_german(client, clerk_witten):
    client.force_login(clerk_witten)
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def _notice_patterns():
    from staffing import urls

    return [p for p in urls.urlpatterns if "<int:pk>" in str(p.pattern) and "mitteilungen" in str(p.pattern)]


POST_ONLY = {"notice_action", "notice_comment"}


@pytest.mark.parametrize("pattern", _notice_patterns(), ids=lambda p: p.name)
def test_every_notice_url_answers_404_to_a_clerk_of_another_city(client, clerk_witten, hattingen_office, pattern):
    notice = _notices(hattingen_office, 1)[0]
    kwargs = {"pk": notice.pk}
    if "<slug:name>" in str(pattern.pattern):
        kwargs["name"] = "withdraw"
    client.force_login(clerk_witten)
    url = reverse(f"staffing:{pattern.name}", kwargs=kwargs)
    if pattern.name not in POST_ONLY:
        assert client.get(url).status_code == 404
    assert client.post(url, {"withdraw-reason": "x", "withdraw-confirm": "on", "text": "x"}).status_code == 404


def _get(client, url):
    """A GET whose body is read to the end (a streamed export runs its queries while it is sent)."""
    response = client.get(url)
    response.getvalue()
    return response


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = _get(client, url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["staffing:notice_list", "staffing:home", "staffing:escalation_list",
                                      "staffing:notification_list", "staffing:notice_export"])
def test_list_page_query_count_does_not_grow_with_rows(client, coordinator, clerk_witten, witten_office, url_name,
                                                       django_assert_max_num_queries,
                                                       django_capture_on_commit_callbacks):
    def make(n):
        notices = _notices(witten_office, n)
        with django_capture_on_commit_callbacks(execute=True):
            for notice in notices:
                services.notice_submit(notice_id=notice.pk, by=clerk_witten)
        for notice in notices[: n // 3]:
            services.notice_raise_objection(notice_id=notice.pk, by=coordinator, kind="concerns", reason="x")

    client.force_login(coordinator)
    make(3)
    few = _count(client, reverse(url_name))
    make(27)
    with django_assert_max_num_queries(few):
        _get(client, reverse(url_name))
    assert few <= 20


def test_detail_page_query_count_does_not_grow_with_rows(client, coordinator, clerk_witten, witten_office,
                                                         django_assert_max_num_queries):
    def notice_with(n):
        notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
        for _ in range(n):
            CandidateFactory(notice=notice)
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
        for i in range(n):
            services.notice_comment(notice_id=notice.pk, by=coordinator, text=f"Kommentar {i}")
        return notice

    client.force_login(coordinator)
    few = _count(client, reverse("staffing:notice_detail", args=[notice_with(3).pk]))
    many = notice_with(30)
    with django_assert_max_num_queries(few):
        client.get(reverse("staffing:notice_detail", args=[many.pk]))
    assert few <= 20


def test_pages_switch_to_english(client, coordinator, witten_office):
    from django.core.management import call_command

    call_command("compilemessages_py", verbosity=0)
    _notices(witten_office, 1)
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("staffing:home")).content.decode()
    assert 'lang="en"' in html and "Waiting for me" in html
    html = client.get(reverse("staffing:notice_list")).content.decode()
    assert "Placement notices" in html and "Download as CSV (Excel)" in html


def test_csrf_failure_page_is_german(coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(reverse("staffing:user_settings"), {})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()


def test_500_page_is_german_and_standalone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Ein technischer Fehler ist aufgetreten" in html and 'lang="de"' in html


def test_vacancy_list_flags_long_open_vacancies(client, clerk_witten, witten_office, settings):
    settings.VACANCY_FLAG_DAYS = 90
    VacancyFactory(position=PositionFactory(office=witten_office, title="Alt"), vacated_on=date(2026, 5, 1))
    VacancyFactory(position=PositionFactory(office=witten_office, title="Neu"), vacated_on=date(2026, 11, 1))
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:vacancies")).content.decode()  # the one vacancy page (issue 11)
    assert html.count("über 90 Tage") == 1
    assert "1 Vakanz ist länger als 90 Tage offen." in html


def test_csv_export_neutralises_formulas(client, clerk_witten, witten_office):
    notice = _notices(witten_office, 1)[0]
    notice.reference = "=HYPERLINK(\"http://x\")"
    notice.save()
    client.force_login(clerk_witten)
    body = client.get(reverse("staffing:notice_export")).getvalue().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][6] == "'=HYPERLINK(\"http://x\")"


def test_templates_have_no_inline_script_style_or_event_handlers():
    """A Content-Security-Policy without unsafe-inline must not break any page."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    mine = [*root.glob("*.html"), *root.glob("registration/*.html"), *(
        p for p in root.glob("staffing/**/*.html") if "email" not in p.parts)]
    offenders = []
    for path in mine:
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text) \
                or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(path.name)
    assert mine and offenders == []


def test_candidate_counts_are_per_notice_and_the_list_does_not_join_all_candidates(client, clerk_witten,
                                                                                  witten_office):
    none = PlacementNoticeFactory(position=PositionFactory(office=witten_office, number="OHNE"))
    one = _notices(witten_office, 1)[0]
    three = _notices(witten_office, 1)[0]
    CandidateFactory(notice=three)
    CandidateFactory(notice=three)
    client.force_login(clerk_witten)
    body = client.get(reverse("staffing:notice_export")).getvalue().decode("utf-8").lstrip("\ufeff")
    counts = {int(row[0]): row[11] for row in list(csv.reader(io.StringIO(body), delimiter=";"))[1:]}
    assert counts == {none.pk: "0", one.pk: "1", three.pk: "3"}
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staffing:notice_list")).status_code == 200
    # counted per row of the page (a correlated subquery), not by a JOIN + GROUP BY over every visible notice
    assert not any('JOIN "staffing_candidate"' in q["sql"] for q in queries.captured_queries)
