"""Server time and query count of the main pages at scale, each against its floor (issue 7).

Every page is requested in-process with Django's test Client (middleware, session, auth, context
processors and template included) as a seeded user of district 1: median of --runs runs after two
warm-ups. The floor of a page is measured in the same run: ONE hand-written SQL query that fetches
the same rows (checked: the notice ids it returns are the ones the page links to), plus rendering
the same template with the page's own context, already materialised (no queries). The ratio
page/floor says what the ORM, the extra queries and the request cycle cost on top of the minimum.
Usage: python bench/pages.py [--runs 15] [--explain]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median_ms, save, setup_django  # noqa: E402

LINK = re.compile(r'href="/mitteilungen/(\d+)/"')

SCOPE = ("FROM staffing_placementnotice n JOIN staffing_office o ON o.id = n.office_id "
         "JOIN staffing_city c ON c.id = o.city_id LEFT JOIN staffing_position p ON p.id = n.position_id "
         "LEFT JOIN staffing_function f ON f.id = n.function_id")
COLUMNS = ("n.id, n.state, n.reference, n.period_ends_at, n.period_last_day, n.created_at, n.updated_at, "
           "n.head_involved, c.name AS city, p.number, p.title, f.name AS function")

# the SQL floor of each guard of the state table (staffing.states.GUARDS); the selector itself is the ORM
GUARD_SQL = {
    None: "TRUE",
    "week_running": "n.period_ends_at > now()",
    "placement_permitted": "n.placement_permitted",
    "head_statement_missing": ("n.head_involved AND NOT EXISTS (SELECT 1 FROM staffing_noticecomment m "
                               "WHERE m.notice_id = n.id AND m.author_id = %(user)s)"),
}


def waiting_condition(user) -> tuple[str, str]:
    """What notices_waiting_for selects for the user's role, from the state table: (condition, order)."""
    from staffing.access import role_of
    from staffing.states import GUARDS, STATES

    assert set(GUARD_SQL) == set(GUARDS), "a guard of staffing.states has no SQL floor"
    role = role_of(user)
    parts = [f"(n.state = '{state}' AND {GUARD_SQL[m.duties[role].guard]})"
             for state, m in STATES.items() if role in m.duties]
    return " OR ".join(parts) or "FALSE", "n.period_ends_at NULLS LAST, n.updated_at, n.id"


def scope_condition(user) -> tuple[str, int]:
    from staffing.access import scope_of

    scope = scope_of(user)
    if scope.city_id is not None:
        return "o.city_id = %(scope)s", scope.city_id
    return "o.district_id = %(scope)s", scope.district_id


def notice_condition(user) -> tuple[str, int]:
    """The scope of notices, as the visibility rule has it (district staff may not see the cities' drafts)."""
    from staffing.models import NoticeState, PlacementNotice
    from staffing.selectors import notices_visible_to

    cond, scope = scope_condition(user)
    in_scope = PlacementNotice.objects.filter(state=NoticeState.DRAFT, **(
        {"office__city_id": scope} if cond.startswith("o.city_id") else {"office__district_id": scope}))
    if in_scope.exists() and not notices_visible_to(user).filter(state=NoticeState.DRAFT).exists():
        cond += " AND n.state <> 'draft'"
    return cond, scope


def floor_home(user, ctx) -> tuple[str, dict]:
    """Counts by state, the waiting notices and the long-open vacancies: one statement."""
    from django.conf import settings
    from django.utils import timezone

    cond, scope = scope_condition(user)
    notices, _ = notice_condition(user)
    waiting, order = waiting_condition(user)
    sql = f"""
    WITH s AS (SELECT {COLUMNS}, n.placement_permitted {SCOPE} WHERE {notices})
    (SELECT 'count' AS kind, state, count(*) AS n, NULL::bigint AS id, NULL AS city, NULL AS title
       FROM s GROUP BY state)
    UNION ALL
    (SELECT 'waiting', n.state, NULL, n.id, n.city, n.title FROM s n WHERE {waiting} ORDER BY {order} LIMIT 50)
    UNION ALL
    (SELECT 'vacancy', NULL, v.vacated_on - %(today)s, v.id, c.name, p.title
       FROM staffing_vacancy v JOIN staffing_position p ON p.id = v.position_id
       JOIN staffing_office o ON o.id = p.office_id JOIN staffing_city c ON c.id = o.city_id
      WHERE {cond} AND v.refilled_on IS NULL AND v.vacated_on < %(limit)s ORDER BY v.vacated_on LIMIT 20)
    """
    today = timezone.localdate()
    # the flag rule of staffing.selectors.long_open_before: open longer than VACANCY_FLAG_DAYS days
    return sql, {"scope": scope, "user": user.pk, "today": today,
                 "limit": today - timedelta(days=settings.VACANCY_FLAG_DAYS)}


def floor_list(user, ctx, *, state=None, city=None, text=None) -> tuple[str, dict]:
    """The 25 rows of the page, the total for the pager and the candidate count of each row."""
    cond, scope = notice_condition(user)
    params = {"scope": scope}
    if state:
        cond += " AND n.state = %(state)s"
        params["state"] = state
    if city:
        cond += " AND o.city_id = %(city)s"
        params["city"] = city
    if text:
        cond += (" AND (p.title ILIKE %(like)s OR p.number ILIKE %(like)s OR n.reference ILIKE %(like)s "
                 "OR n.reason ILIKE %(like)s OR c.name ILIKE %(like)s OR EXISTS (SELECT 1 FROM staffing_candidate "
                 "k WHERE k.notice_id = n.id AND UPPER(k.full_name) LIKE UPPER(%(like)s)))")
        params["like"] = f"%{text}%"
    sql = f"""
    SELECT page.*, (SELECT count(*) FROM staffing_candidate k WHERE k.notice_id = page.id) AS candidates
      FROM (SELECT {COLUMNS}, count(*) OVER () AS total {SCOPE} WHERE {cond}
             ORDER BY n.created_at DESC, n.id DESC LIMIT 25) page
     ORDER BY page.created_at DESC, page.id DESC
    """
    return sql, params


def floor_detail(user, ctx, *, pk) -> tuple[str, dict]:
    """The notice with its office, city, position, vacancy, candidates, audit trail and comments."""
    cond, scope = notice_condition(user)
    sql = f"""
    SELECT n.*, o.name AS office, c.name AS city, p.number, p.title, f.name AS function, v.vacated_on,
           u.username AS created_by,
           (SELECT json_agg(k ORDER BY k.id) FROM staffing_candidate k WHERE k.notice_id = n.id) AS candidates,
           (SELECT json_agg(json_build_object('e', e, 'actor', a.username) ORDER BY e.at, e.id)
              FROM staffing_noticeevent e LEFT JOIN staffing_user a ON a.id = e.actor_id
             WHERE e.notice_id = n.id) AS events,
           (SELECT json_agg(json_build_object('c', m, 'author', a.username) ORDER BY m.created_at, m.id)
              FROM staffing_noticecomment m JOIN staffing_user a ON a.id = m.author_id
             WHERE m.notice_id = n.id) AS comments
      {SCOPE} LEFT JOIN staffing_vacancy v ON v.id = n.vacancy_id LEFT JOIN staffing_user u ON u.id = n.created_by_id
     WHERE n.id = %(pk)s AND {cond}
    """
    return sql, {"pk": pk, "scope": scope}


def floor_capacity(user, ctx) -> tuple[str, dict]:
    """Budgeted positions, staff, open vacancies and the qualification mix per office: one statement."""
    cond, scope = scope_condition(user)
    sql = f"""
    WITH o AS (SELECT o.id FROM staffing_office o WHERE {cond})
    SELECT 'position', p.office_id, p.function_id, p.grade, sum(p.fte), count(*) FROM staffing_position p
      WHERE p.office_id IN (SELECT id FROM o) AND p.is_active GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'staff', s.office_id, s.function_id, s.grade, sum(s.fte), count(*) FROM staffing_staffmember s
      WHERE s.office_id IN (SELECT id FROM o) AND s.left_on IS NULL GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'vacancy', p.office_id, p.function_id, p.grade, NULL, count(*) FROM staffing_vacancy v
      JOIN staffing_position p ON p.id = v.position_id
      WHERE p.office_id IN (SELECT id FROM o) AND v.refilled_on IS NULL GROUP BY 2, 3, 4
    UNION ALL
    SELECT 'mix', s.office_id, NULL::bigint, s.qualification, sum(s.fte), count(*) FROM staffing_staffmember s
      WHERE s.office_id IN (SELECT id FROM o) AND s.left_on IS NULL GROUP BY 2, 3, 4
    """
    return sql, {"scope": scope}


def pages(users, detail_pk, city_id) -> list[dict]:
    from django.urls import NoReverseMatch, reverse

    clerk, coord, admin, head = users
    home = reverse("staffing:home")
    lst = reverse("staffing:notice_list")
    result = [
        {"page": "Start page, city clerk", "user": clerk, "url": home, "floor": floor_home},
        {"page": "Start page, coordination office", "user": coord, "url": home, "floor": floor_home},
        {"page": "Start page, district administration", "user": admin, "url": home, "floor": floor_home},
        {"page": "Start page, head of the JobAgentur", "user": head, "url": home, "floor": floor_home},
        {"page": "Notice list, city clerk", "user": clerk, "url": lst, "floor": floor_list},
        {"page": "Notice list, district (2,000 notices)", "user": coord, "url": lst, "floor": floor_list},
        {"page": "Notice list, filter status + city", "user": coord, "url": f"{lst}?status=placed&stadt={city_id}",
         "floor": lambda u, c: floor_list(u, c, state="placed", city=city_id)},
        {"page": "Notice list, text search", "user": coord, "url": f"{lst}?q=Nachbesetzung",
         "floor": lambda u, c: floor_list(u, c, text="Nachbesetzung")},
        {"page": "Notice detail (full audit trail)", "user": coord,
         "url": reverse("staffing:notice_detail", args=[detail_pk]),
         "floor": lambda u, c: floor_detail(u, c, pk=detail_pk), "same_rows": False},
    ]
    try:
        capacity = reverse("planning:capacity")
    except NoReverseMatch:
        capacity = None
    if capacity:
        result.append({"page": "Capacity plan, district (10 offices)", "user": coord, "url": capacity,
                       "floor": floor_capacity, "same_rows": False})
        result.append({"page": "Capacity plan, city clerk", "user": clerk, "url": capacity,
                       "floor": floor_capacity, "same_rows": False})
    return result


def measure(spec, runs: int, explain: bool) -> dict:
    from django.db import connection, reset_queries
    from django.template.loader import get_template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(spec["user"])
    for _ in range(2):
        response = client.get(spec["url"])
        assert response.status_code == 200, (spec["page"], response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(spec["url"])
    queries = len(captured.captured_queries)
    slowest = max((q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")),
                  key=lambda q: float(q["time"]))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(spec["url"])
        times.append(time.perf_counter() - t0)
    # the floor: one statement for the same rows + the same template with the page's context
    context = response.context[0].flatten() if hasattr(response.context, "__getitem__") else {}
    template = get_template(response.templates[0].name)
    sql, params = spec["floor"](spec["user"], context)
    floor_times, sql_times, render_times = [], [], []
    for _ in range(runs + 2):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            columns = [c.name for c in cursor.description]
        t1 = time.perf_counter()
        with CaptureQueriesContext(connection) as render_queries:
            html = template.render(context)
        t2 = time.perf_counter()
        sql_times.append(t1 - t0)
        render_times.append(t2 - t1)
        floor_times.append(t2 - t0)
    reset_queries()
    page_ids = LINK.findall(response.content.decode())
    floor_ids = [str(r[columns.index("id")]) for r in rows
                 if "id" in columns and r[columns.index("id")] is not None
                 and ("kind" not in columns or r[columns.index("kind")] == "waiting")]
    same = None
    if spec.get("same_rows", True):
        same = set(floor_ids) <= set(page_ids) and len(set(floor_ids)) == len(
            {i for i in page_ids if i in set(floor_ids)})
    page_ms, floor_ms = median_ms(times), median_ms(floor_times[2:])
    out = {
        "page": spec["page"], "url": spec["url"], "user": spec["user"].username, "median_ms": page_ms,
        "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1] * 1000, 2), "queries": queries,
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 2),
        "floor_ms": floor_ms, "floor_sql_ms": median_ms(sql_times[2:]), "floor_render_ms": median_ms(render_times[2:]),
        "floor_render_queries": len(render_queries.captured_queries), "floor_rows": len(rows),
        "same_rows": same, "ratio": round(page_ms / floor_ms, 2) if floor_ms else None,
        "bytes": len(response.content), "floor_bytes": len(html),
    }
    if explain:
        out["slowest_sql"] = slowest["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + slowest["sql"])
            out["slowest_plan"] = "\n".join(r[0] for r in cursor.fetchall())
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page")
    parser.add_argument("--only", default="", help="run only pages whose name contains this")
    parser.add_argument("--out", default="pages")
    args = parser.parse_args()
    setup_django()
    from django.test.utils import setup_test_environment

    from staffing.models import NoticeEvent, PlacementNotice, User

    setup_test_environment()  # the test Client records the template context only when instrumented
    from django.conf import settings

    settings.DEBUG = False
    users = [User.objects.select_related("organisation").get(username=name)
             for name in ("d001-c01-clerk1", "d001-koordination1", "d001-kreis1", "d001-leitung1")]
    district = users[1].organisation.district_id
    # the notice with the longest audit trail in district 1
    detail_pk = (NoticeEvent.objects.filter(notice__office__district_id=district).values("notice_id")
                 .order_by().annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk"))
                 .order_by("-n", "notice_id").first()["notice_id"])
    city_id = PlacementNotice.objects.get(pk=detail_pk).office.city_id
    results = []
    for spec in pages(users, detail_pk, city_id):
        if args.only and args.only.lower() not in spec["page"].lower():
            continue
        r = measure(spec, args.runs, args.explain)
        results.append(r)
        print(f"{r['page']:45s} {r['median_ms']:8.1f} ms {r['queries']:3d} q | floor {r['floor_ms']:7.1f} ms "
              f"(sql {r['floor_sql_ms']:.1f}, render {r['floor_render_ms']:.1f}, {r['floor_render_queries']} q) "
              f"ratio {r['ratio']} rows={r['same_rows']}", flush=True)
    save(args.out, {"runs": args.runs, "pages": results})


if __name__ == "__main__":
    main()
