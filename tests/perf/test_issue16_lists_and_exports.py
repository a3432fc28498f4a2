"""Issue 16, point 6: pages that grow with a large district stay flat. The notice export is streamed (rows
written while they are sent, from a server-side cursor) with a query count that does not grow with the rows;
the district's escalation page is paged (a hostile page number never gives a 500); the admin's notice
changelist counts once, sorts by the index order and keeps its query count whatever the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffing import services
from staffing.models import PlacementNotice
from staffing.views import ESCALATION_PAGE_SIZE

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db


def submitted(office, clerk, n, *, objection_by=None):
    notices = []
    for _ in range(n):
        notice = PlacementNoticeFactory(position=PositionFactory(office=office),
                                        created_by=clerk)
        CandidateFactory(notice=notice)
        services.notice_submit(notice_id=notice.pk, by=clerk)
        if objection_by is not None:
            services.notice_raise_objection(notice_id=notice.pk, by=objection_by, kind="concerns",
                                            reason="Bitte Nachweise ergänzen.")
        notices.append(notice)
    return notices


def read(client, url, params=None):
    """GET and read the body to its end, counting the queries of both (a stream queries while it is sent)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        body = response.getvalue()
    assert response.status_code == 200, response.status_code
    return response, body, len(ctx.captured_queries)


def test_the_notice_export_is_streamed_with_the_same_queries_for_3_and_40_rows(
        client, coordinator, clerk_witten, witten_office):
    client.force_login(coordinator)
    submitted(witten_office, clerk_witten, 3)
    response, body, few = read(client, reverse("staffing:notice_export"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert body.decode("utf-8-sig").count("\r\n") == 1 + 3
    submitted(witten_office, clerk_witten, 37)
    _response, body, many = read(client, reverse("staffing:notice_export"))
    assert body.decode("utf-8-sig").count("\r\n") == 1 + 40
    assert many == few


@pytest.mark.parametrize(("seite", "shown"), [
    ("1", ESCALATION_PAGE_SIZE), ("2", 2), ("abc", ESCALATION_PAGE_SIZE), ("0", 2), ("-1", 2), ("999999", 2),
    ("9" * 400, 2), ("1.5", ESCALATION_PAGE_SIZE), ("<script>", ESCALATION_PAGE_SIZE),
])
def test_the_escalation_page_is_paged_and_any_page_number_gets_a_page(
        client, coordinator, clerk_witten, witten_office, seite, shown):
    submitted(witten_office, clerk_witten, ESCALATION_PAGE_SIZE + 2, objection_by=coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("staffing:escalation_list"), {"seite": seite})
    assert response.status_code == 200
    assert len(response.context["rows"]) == shown
    assert response.content.decode().count('class="kern-card"') == shown


def test_the_escalation_page_runs_the_same_queries_for_one_and_three_pages(
        client, coordinator, clerk_witten, witten_office):
    client.force_login(coordinator)
    submitted(witten_office, clerk_witten, 3, objection_by=coordinator)
    _r, _b, few = read(client, reverse("staffing:escalation_list"))
    submitted(witten_office, clerk_witten, 2 * ESCALATION_PAGE_SIZE, objection_by=coordinator)
    _r, _b, many = read(client, reverse("staffing:escalation_list"))
    assert many <= few + 1  # + the pager's COUNT once there is more than one page (none per row)


def test_the_admin_notice_changelist_counts_once_sorts_by_the_index_and_does_not_grow_with_rows(
        client, district_staff, clerk_witten, witten_office, hattingen_office, other_district):
    url = reverse("admin:staffing_placementnotice_changelist")
    submitted(witten_office, clerk_witten, 2)
    client.get(url)  # warm
    _r, _b, few = read(client, url)
    submitted(witten_office, clerk_witten, 30)
    for _ in range(5):  # drafts of a city: not shown to the district
        PlacementNoticeFactory(position=PositionFactory(office=hattingen_office))
    response, body, many = read(client, url)
    assert many == few
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
    assert len(counts) == 1, counts  # the filtered count for the pager; no second count of all rows
    assert "IN (SELECT" not in counts[0], counts  # the scope as a condition, not pk IN (the selector's rows)
    rows = [q["sql"] for q in ctx.captured_queries if 'FROM "staffing_placementnotice"' in q["sql"]
            and "ORDER BY" in q["sql"]]
    assert rows and all('"created_at" DESC, "staffing_placementnotice"."id" DESC' in sql for sql in rows), rows
    assert list(response.context["cl"].result_list) == list(
        PlacementNotice.objects.filter(office=witten_office).exclude(state="draft").order_by("-created_at", "-id"))


def test_the_admin_notice_city_filter_offers_the_own_district_cities_only(
        client, district_staff, witten_office, hattingen_office, other_district):
    from ..factories import CityFactory, RegionalOfficeFactory
    foreign = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen", slug="ratingen"))
    PlacementNoticeFactory(position=PositionFactory(office=foreign))
    response = client.get(reverse("admin:staffing_placementnotice_changelist"))
    changelist = response.context["cl"]
    choices = {str(choice["display"]) for spec in changelist.filter_specs for choice in spec.choices(changelist)}
    assert {"Witten", "Hattingen"} <= choices and "Ratingen" not in choices


def test_the_model_and_the_admin_sort_notices_like_the_index():
    from django.contrib import admin
    assert PlacementNotice._meta.ordering == ["-created_at", "-id"]
    assert tuple(admin.site._registry[PlacementNotice].ordering) == ("-created_at", "-id")
    assert any(index.name == "notice_created_idx" and list(index.fields) == ["-created_at", "-id"]
               for index in PlacementNotice._meta.indexes)
    assert admin.site._registry[PlacementNotice].show_full_result_count is False


def test_a_search_in_the_admin_notice_changelist_stays_in_the_scope_without_a_subquery(
        client, district_staff, clerk_witten, witten_office, other_district):
    """Issue 16: the changelist's search step keeps the district's scope as a condition on the rows."""
    from ..factories import CityFactory, RegionalOfficeFactory, city_clerk
    own = submitted(witten_office, clerk_witten, 2)
    ratingen = CityFactory(district=other_district, name="Ratingen", slug="ratingen")
    [foreign] = submitted(RegionalOfficeFactory(city=ratingen), city_clerk(ratingen), 1)
    url = reverse("admin:staffing_placementnotice_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"q": "x"})
    assert response.status_code == 200
    assert not any("IN (SELECT" in q["sql"] and "staffing_placementnotice" in q["sql"]
                   for q in ctx.captured_queries if q["sql"].upper().startswith("SELECT COUNT("))
    response = client.get(url)
    shown = {n.pk for n in response.context["cl"].result_list}
    assert shown == {n.pk for n in own} and foreign.pk not in shown


def _superuser(client):
    from staffing.models import User
    user = User.objects.create_superuser("betrieb", "betrieb@example.org", "x")
    client.force_login(user)
    return user


def test_the_operators_unfiltered_notice_changelist_counts_exactly_below_the_threshold(
        client, clerk_witten, witten_office):
    submitted(witten_office, clerk_witten, 3)
    _superuser(client)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:staffing_placementnotice_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == PlacementNotice.objects.count()
    assert "etwa" not in response.content.decode() and not response.context["cl"].paginator.estimated
    assert any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)  # on PostgreSQL inside the estimate's


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_operators_unfiltered_notice_changelist_takes_the_count_from_the_table_statistics(
        client, clerk_witten, witten_office, monkeypatch):
    """PostgreSQL: a million notices are not counted on every page; the total says "etwa". A filter (or a
    district's scope) counts exactly."""
    from staffing.ui import EstimatedCountPaginator
    submitted(witten_office, clerk_witten, 4)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE staffing_placementnotice")
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1)
    _superuser(client)
    url = reverse("admin:staffing_placementnotice_changelist")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert not any(q["sql"].upper().startswith("SELECT COUNT(") for q in ctx.captured_queries)
    assert response.context["cl"].paginator.estimated
    assert "etwa 4 " in response.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"state__exact": "informed"})
    assert response.status_code == 200 and not response.context["cl"].paginator.estimated
    assert "etwa" not in response.content.decode()
    assert any(q["sql"].upper().startswith("SELECT COUNT(") for q in ctx.captured_queries)


@pytest.mark.services
def test_a_persons_newest_notifications_are_read_from_one_index_range_without_a_sort(coordinator):
    """Issue 16: the notifications page reads one person's 25 newest through `notification_inbox_idx`
    (recipient, -created_at, -id). Before, PostgreSQL scanned the whole country's notifications and sorted
    them: the page grew with every district."""
    from staffing import selectors
    from staffing.models import Notification
    assert any(index.name == "notification_inbox_idx" and list(index.fields) == ["recipient", "-created_at", "-id"]
               for index in Notification._meta.indexes)
    sql, params = selectors.notifications_for_list(coordinator)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask whether the index serves
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notification_inbox_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_the_operators_notice_changelist_filters_by_district_not_by_every_city_of_the_country(
        client, district_staff, witten_office, other_district):
    """Issue 16: the operator's sidebar offers the districts (a list of every city, 3,000 at 300 districts, made
    the page grow with the country); a district's staff still choose among their own cities."""
    from ..factories import CityFactory, RegionalOfficeFactory
    foreign = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen", slug="ratingen"))
    PlacementNoticeFactory(position=PositionFactory(office=foreign))
    url = reverse("admin:staffing_placementnotice_changelist")

    def offered(response):
        changelist = response.context["cl"]
        return {str(spec.title): {str(choice["display"]) for choice in spec.choices(changelist)}
                for spec in changelist.filter_specs}

    _superuser(client)
    response = client.get(url)
    assert response.status_code == 200
    sidebar = offered(response)
    districts = next(choices for title, choices in sidebar.items() if other_district.name in choices)
    assert witten_office.district.name in districts
    assert not any("Ratingen" in choices or "Witten" in choices for choices in sidebar.values())
    response = client.get(url, {"office__district__id__exact": other_district.pk})
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    client.force_login(district_staff)
    assert any("Witten" in choices for choices in offered(client.get(url)).values())


def test_the_export_guards_every_typed_text_once_and_writes_dates_and_labels_as_django_formats_them(
        client, coordinator, clerk_witten, witten_office):
    """The export passes only the typed text through the formula guard per row (the labels once per export) and
    formats the dates itself: each cell is what `csv_cell` over the values with Django's own formatting gives."""
    import csv
    import io

    from django.utils import timezone

    from staffing.ui import csv_cell

    notice = submitted(witten_office, clerk_witten, 1)[0]
    PlacementNotice.objects.filter(pk=notice.pk).update(
        reference="=HYPERLINK(\"http://x\")", period_extension_reason="@SUMME(A1)", head_involved=True)
    notice.position.title, notice.position.number = "+Sachbearbeitung", "-12"
    notice.position.save()
    notice.refresh_from_db()
    client.force_login(coordinator)
    _response, body, _queries = read(client, reverse("staffing:notice_export"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    received = timezone.localtime(notice.received_at)
    assert rows[1] == [csv_cell(v) for v in (
        notice.pk, witten_office.city.name, "-12", "+Sachbearbeitung", notice.function.name,
        notice.get_state_display(), "=HYPERLINK(\"http://x\")", received.strftime("%d.%m.%Y %H:%M"),
        notice.period_last_day.strftime("%d.%m.%Y"), "@SUMME(A1)",
        notice.planned_start.strftime("%d.%m.%Y") if notice.planned_start else "", 1, "ja", "",
        notice.get_notice_kind_display())]
    assert rows[1][2:4] == ["'-12", "'+Sachbearbeitung"] and rows[1][6] == "'=HYPERLINK(\"http://x\")"
