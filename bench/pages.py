"""Server time and query count of the pages at scale, each against its honest floor (issues 7 and 16).

Every page is requested in-process with Django's test Client (middleware, session, auth, context
processors and template included), for the users of the largest district (district 1) and of a small
one (--small). The floor of a page (issue 16, point 4) is: the unavoidable session and user lookup
(the session loaded by its key, the user with the organisation in one statement), ONE hand-written
SQL query for the page's data, and rendering the same template with the page's own context, already
materialised (no queries). Rows AND shown columns of page and floor are compared for equality: the
rows the page links to, in order, are exactly the floor's rows, and every shown column value of each
floor row appears in that row of the page (the CSV export: the floor writes the same CSV, compared
byte for byte). Page and floor runs are interleaved (page, floor, page, floor, ...) in --rounds rounds
of --runs pairs; reported: the median of the round medians and their spread (min-max).
Usage: python bench/pages.py [--runs 7] [--rounds 5] [--small N] [--only TEXT] [--out pages] [--explain]
"""
from __future__ import annotations

import argparse
import csv
import html as htmllib
import io
import os
import re
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import save, setup_django  # noqa: E402

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
    "head_reacts_in_week": "n.head_involved AND f.is_leadership AND n.period_ends_at > now()",
    "city_statement_missing": ("NOT EXISTS (SELECT 1 FROM staffing_noticeevent e WHERE e.notice_id = n.id "
                               "AND e.transition = 'city_statement')"),
    "agreement_proposed_by_district": "n.agreement_proposed_side = 'district'",
    "agreement_proposed_by_city": "n.agreement_proposed_side = 'city'",
}


def waiting_condition(user) -> tuple[str, str]:
    """What notices_waiting_for selects for the user's role, from the state table: (condition, order)."""
    from staffing.access import role_of
    from staffing.states import GUARDS, STATES

    assert set(GUARD_SQL) == set(GUARDS), "a guard of staffing.states has no SQL floor"
    role = role_of(user)
    states = [state for state, m in STATES.items() if role in m.duties]
    parts = [f"(n.state = '{state}' AND {GUARD_SQL[STATES[state].duties[role].guard]})" for state in states]
    if not parts:
        return "FALSE", "n.period_ends_at NULLS LAST, n.updated_at, n.id"
    # the states once more as one IN, as the selector has it: the scope's rows in those states as index ranges
    listed = ", ".join(f"'{state}'" for state in states)
    return f"n.state IN ({listed}) AND ({' OR '.join(parts)})", "n.period_ends_at NULLS LAST, n.updated_at, n.id"


def scope_condition(user) -> tuple[str, int]:
    from staffing.access import scope_of

    scope = scope_of(user)
    if scope.city_id is not None:
        return "o.city_id = %(scope)s", scope.city_id
    return "o.district_id = %(scope)s", scope.district_id


def notice_condition(user) -> tuple[str, int]:
    """The scope of notices, as the visibility rule has it (district staff may not see the cities' drafts); a
    district by the notice's own district column (issue 16: notice_district_created_idx), a city by its office."""
    from staffing.models import NoticeState, PlacementNotice
    from staffing.selectors import notices_visible_to

    cond, scope = scope_condition(user)
    by_city = cond.startswith("o.city_id")
    if not by_city:
        cond = cond.replace("o.district_id", "n.district_id")
    in_scope = PlacementNotice.objects.filter(state=NoticeState.DRAFT, **(
        {"office__city_id": scope} if by_city else {"district_id": scope}))
    if in_scope.exists() and not notices_visible_to(user).filter(state=NoticeState.DRAFT).exists():
        cond += " AND n.state <> 'draft'"
    return cond, scope


# issue 16, point 2: the continuity panel of the district's start page (PS-4.1) in the floor's one statement:
# per regional office and in total (GROUPING SETS) the leavers, the headcounts on the month ends, the tenure
# count, sum and median (percentile_cont) and the vacancies opened, refilled in 30/90 days and still open
CONTINUITY = """
(SELECT 'continuity', NULL, NULL, NULL, NULL, NULL, json_build_object(
   'offices', (SELECT json_agg(json_build_object('id', o.id, 'name', o.name)) FROM staffing_office o
                WHERE {cond} AND o.kind = 'regional'),
   'staff', (SELECT json_agg(t) FROM (
     SELECT s.office_id AS office,
            count(*) FILTER (WHERE d.day = %(ref)s AND s.left_on BETWEEN %(start)s AND %(end)s) AS leavers,
            count(*) FILTER (WHERE s.joined_on <= d.day AND (s.left_on IS NULL OR s.left_on >= d.day)) AS heads,
            count(*) FILTER (WHERE d.day = %(ref)s AND s.joined_on <= d.day
                               AND (s.left_on IS NULL OR s.left_on >= d.day)) AS people,
            sum(%(ref)s - CASE WHEN s.function_since <= %(ref)s THEN s.function_since ELSE s.joined_on END)
              FILTER (WHERE d.day = %(ref)s AND s.joined_on <= d.day
                        AND (s.left_on IS NULL OR s.left_on >= d.day)) AS days,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY %(ref)s - CASE WHEN s.function_since <= %(ref)s
                                                THEN s.function_since ELSE s.joined_on END)
              FILTER (WHERE d.day = %(ref)s AND s.joined_on <= d.day
                        AND (s.left_on IS NULL OR s.left_on >= d.day)) AS median
       FROM staffing_staffmember s JOIN staffing_office o ON o.id = s.office_id
      CROSS JOIN unnest(%(ends)s::date[]) d(day)
      WHERE {cond} AND o.kind = 'regional' AND s.joined_on <= %(end)s
        AND (s.left_on IS NULL OR s.left_on >= %(start)s)
      GROUP BY GROUPING SETS ((s.office_id), ())) t),
   'vacancies', (SELECT json_agg(t) FROM (
     SELECT p.office_id AS office, count(*) AS opened,
            count(*) FILTER (WHERE v.refilled_on - v.vacated_on <= 30) AS r30,
            count(*) FILTER (WHERE v.refilled_on - v.vacated_on <= 90) AS r90,
            count(*) FILTER (WHERE v.refilled_on IS NULL) AS open
       FROM staffing_vacancy v JOIN staffing_position p ON p.id = v.position_id
       JOIN staffing_office o ON o.id = p.office_id
      WHERE {cond} AND o.kind = 'regional' AND v.vacated_on BETWEEN %(start)s AND %(end)s
      GROUP BY GROUPING SETS ((p.office_id), ())) t)))
"""


def continuity_panel(row: dict) -> str:
    """Issue 16, point 2: the floor's continuity panel from its row of `floor_home`, with the page's arithmetic
    (`figures_from_counts`, no query) and the page's template."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from planning.continuity import ContinuityReport, figures_from_counts, month_ends
    from staffing.models import Office

    year = timezone.localdate().year
    ends = len(month_ends(year))
    offices = sorted((Office(pk=o["id"], name=o["name"], kind=Office.Kind.REGIONAL) for o in row["offices"] or []),
                     key=lambda o: o.name)
    staff = {r["office"]: r for r in row["staff"] or []}
    vacancies = {r["office"]: r for r in row["vacancies"] or []}

    def figures(office):
        s = staff.get(office.pk if office else None) or {"leavers": 0, "heads": 0, "people": 0, "days": 0}
        v = vacancies.get(office.pk if office else None) or {"opened": 0, "r30": 0, "r90": 0, "open": 0}
        median = s.get("median")  # (a + b) / 2 of the two middle values: low + high = 2 * median
        middle = (None, None) if median is None else (int(median), int(2 * median) - int(median))
        return figures_from_counts(year, office, leavers=s["leavers"], headcounts=s["heads"], month_end_count=ends,
                                   tenure_people=s["people"], tenure_total_days=s["days"] or 0, tenure_middle=middle,
                                   vacancies_opened=v["opened"], refilled_30=v["r30"], refilled_90=v["r90"],
                                   still_open=v["open"], leavers_by_reason={})

    rows = [figures(o) for o in offices]
    report = ContinuityReport(year=year, years=[year], offices=offices, rows=rows, total=figures(None),
                              by_year={year: rows})
    return render_to_string("planning/includes/continuity_panel.html", {"continuity": report})


def floor_home(user, ctx) -> tuple:
    """Counts by state, the waiting notices and the long-open vacancies: one statement. Issue 16, point 2: for
    the coordination office and the district administration the same statement carries the continuity panel's
    figures (PS-4.1, `CONTINUITY`: one row, a JSON value), and the floor renders the panel from them with the
    page's template and arithmetic inside its render time (the page's context carries the panel as finished
    HTML, which alone would leave the panel's work out of the floor); the check compares the two panels'
    HTML. The panel shows no leave reasons, so the floor reads none."""
    from django.conf import settings
    from django.utils import timezone

    from planning.continuity import month_ends, reference_day
    from staffing.access import can

    cond, scope = scope_condition(user)
    notices, _ = notice_condition(user)
    waiting, order = waiting_condition(user)
    panel = can(user, "continuity.start_panel")
    # no CTE: a CTE used twice is materialised (all the district's notices); each branch uses its indexes
    sql = f"""
    (SELECT 'count' AS kind, n.state, count(*) AS n, NULL::bigint AS id, NULL AS city, NULL AS title,
            NULL::json AS data
       FROM staffing_placementnotice n JOIN staffing_office o ON o.id = n.office_id WHERE {notices} GROUP BY n.state)
    UNION ALL
    (SELECT 'waiting', n.state, NULL, n.id, c.name, p.title, NULL {SCOPE} WHERE ({notices}) AND ({waiting})
      ORDER BY {order} LIMIT 50)
    UNION ALL
    (SELECT 'vacancy', NULL, v.vacated_on - %(today)s, v.id, c.name, p.title, NULL
       FROM staffing_vacancy v JOIN staffing_position p ON p.id = v.position_id
       JOIN staffing_office o ON o.id = p.office_id JOIN staffing_city c ON c.id = o.city_id
      WHERE {cond} AND v.refilled_on IS NULL AND v.vacated_on < %(limit)s ORDER BY v.vacated_on LIMIT 20)
    """
    today = timezone.localdate()
    # the flag rule of staffing.selectors.long_open_before: open longer than VACANCY_FLAG_DAYS days
    params = {"scope": scope, "user": user.pk, "today": today,
              "limit": today - timedelta(days=settings.VACANCY_FLAG_DAYS)}
    if not panel:
        return sql, params
    sql += " UNION ALL " + CONTINUITY.format(cond=cond)
    params.update(start=today.replace(month=1, day=1), end=today.replace(month=12, day=31),
                  ref=reference_day(today.year, today), ends=month_ends(today.year, today))

    def finish(rows, columns, context):
        data = next(r[columns.index("data")] for r in rows if r[columns.index("kind")] == "continuity")
        html = continuity_panel(data)
        return {**context, "panels": [html if 'id="kontinuitaet"' in p else p for p in context["panels"]]}

    return sql, params, finish


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
    if text:  # the positions of the scope only, as the selector reads them (a notice's position is its office's)
        positions, _scope = scope_condition(user)
        cond += (" AND (n.position_id IN (SELECT p2.id FROM staffing_position p2 JOIN staffing_office o2 ON "
                 f"o2.id = p2.office_id WHERE {positions.replace('o.', 'o2.')} AND (p2.title ILIKE %(like)s OR "
                 "p2.number ILIKE %(like)s)) OR n.reference ILIKE %(like)s "
                 "OR n.reason ILIKE %(like)s OR c.name ILIKE %(like)s OR EXISTS (SELECT 1 FROM staffing_candidate "
                 "k WHERE k.notice_id = n.id AND UPPER(k.full_name) LIKE UPPER(%(like)s)))")
        params["like"] = f"%{text}%"
    # the 25 ids first (PostgreSQL drops the unused position and function joins there), their columns after; a
    # text search tests every notice of the scope for the count anyway: its hits are collected once (id, date)
    hits = f"SELECT n.id, n.created_at {SCOPE} WHERE {cond}"
    total = "(SELECT count(*) FROM hits)" if text else f"(SELECT count(*) {SCOPE} WHERE {cond})"
    sql = f"""
    {f"WITH hits AS MATERIALIZED ({hits})" if text else ""}
    SELECT {COLUMNS}, (SELECT count(*) FROM staffing_candidate k WHERE k.notice_id = n.id) AS candidates,
           {total} AS total
      FROM ({"SELECT id, created_at FROM hits" if text else hits} ORDER BY created_at DESC, id DESC LIMIT 25) page
      JOIN staffing_placementnotice n ON n.id = page.id JOIN staffing_office o ON o.id = n.office_id
      JOIN staffing_city c ON c.id = o.city_id LEFT JOIN staffing_position p ON p.id = n.position_id
      LEFT JOIN staffing_function f ON f.id = n.function_id
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
    """PS-3.1, PS-4.2: per office and function/grade, per office, per function and in total: positions, budgeted
    and filled FTE, headcount, open vacancies (GROUPING SETS), and the qualification mix per office and in total:
    one statement, in the page's order. The offices come from the office table (an office without positions is
    shown with zeros); the aggregates read only the scope's offices through their indexes, no CTE.
    PS-4.1 (where the user sees it): the continuity of the scope's regional offices per office and year (the
    page's year and the two before) and all of them in the page's year: leavers (by reason), average headcount
    of the month ends, turnover, tenure in the function (average, median), vacancies opened, refilled within 30
    and 90 days, still open; from the staff rows and vacancy rows, rounded as the page rounds (one place)."""
    from django.utils import timezone

    from planning.continuity import month_ends, reference_day
    from staffing.access import can
    from staffing.models import LeaveReason, Qualification

    cond, scope = scope_condition(user)
    quals = ", ".join(f"({i}, %(q{i})s, %(l{i})s)" for i in range(len(Qualification.choices)))
    params = {"scope": scope}
    for i, (value, label) in enumerate(Qualification.choices):
        params.update({f"q{i}": value, f"l{i}": str(label)})
    offices = f"SELECT o.id FROM staffing_office o WHERE {cond}"
    sql = f"""
    SELECT 'cell' AS kind, o.kind <> 'regional' AS not_regional, o.name AS office, o.id AS office_id,
           f.sort_order, f.name AS function, f.id AS function_id, x.grade,
           GROUPING(o.id) AS all_offices, GROUPING(f.id) AS all_functions, GROUPING(x.grade) AS all_grades,
           coalesce(sum(x.positions), 0) AS positions, coalesce(sum(x.budgeted), 0) AS budgeted,
           coalesce(sum(x.filled), 0) AS filled, coalesce(sum(x.headcount), 0) AS headcount,
           coalesce(sum(x.vacancies), 0) AS vacancies, NULL::int AS q, NULL::json AS extra
      FROM staffing_office o LEFT JOIN (
           SELECT p.office_id, p.function_id, p.grade, count(*) AS positions, sum(p.fte) AS budgeted,
                  0 AS filled, 0 AS headcount, 0 AS vacancies
             FROM staffing_position p WHERE p.office_id IN ({offices}) AND p.is_active GROUP BY 1, 2, 3
           UNION ALL
           SELECT s.office_id, s.function_id, s.grade, 0, 0, sum(s.fte), count(*), 0
             FROM staffing_staffmember s WHERE s.office_id IN ({offices}) AND s.left_on IS NULL GROUP BY 1, 2, 3
           UNION ALL
           SELECT p.office_id, p.function_id, p.grade, 0, 0, 0, 0, count(*)
             FROM staffing_vacancy v JOIN staffing_position p ON p.id = v.position_id
            WHERE p.office_id IN ({offices}) AND v.refilled_on IS NULL GROUP BY 1, 2, 3
      ) x ON x.office_id = o.id LEFT JOIN staffing_function f ON f.id = x.function_id
     WHERE {cond}
     GROUP BY GROUPING SETS ((o.kind, o.name, o.id, f.sort_order, f.name, f.id, x.grade), (o.kind, o.name, o.id),
                             (f.sort_order, f.name, f.id), ())
    HAVING GROUPING(f.id) = 1 OR f.id IS NOT NULL
    UNION ALL
    SELECT 'mix', o.kind <> 'regional', o.name, o.id, NULL, q.label, NULL, q.value, GROUPING(o.id), 1, 1,
           NULL, NULL, coalesce(sum(m.fte), 0), coalesce(sum(m.n), 0), NULL, q.i, NULL
      FROM staffing_office o CROSS JOIN (VALUES {quals}) q (i, value, label)
      LEFT JOIN (SELECT s.office_id, s.qualification, sum(s.fte) AS fte, count(*) AS n FROM staffing_staffmember s
                  WHERE s.office_id IN ({offices}) AND s.left_on IS NULL GROUP BY 1, 2) m
        ON m.office_id = o.id AND m.qualification = q.value
     WHERE {cond}
     GROUP BY GROUPING SETS ((o.kind, o.name, o.id, q.i, q.label, q.value), (q.i, q.label, q.value))
    {{continuity}}
     ORDER BY all_offices, not_regional, office, office_id, all_functions, q NULLS FIRST, sort_order NULLS LAST,
              function, all_grades, grade
    """
    report = ctx.get("continuity")
    if not (report and can(user, "continuity.view")):
        return sql.format(continuity=""), params
    today = timezone.localdate()
    years = []
    for k, year in enumerate(report.years):  # the year asked for (?jahr=) and the chart's years: parameters
        ends = month_ends(year, today)
        params.update({f"y{k}": year, f"f{k}": date(year, 1, 1), f"t{k}": date(year, 12, 31),
                       f"r{k}": reference_day(year, today), f"m{k}": ends, f"n{k}": len(ends)})
        years.append(f"(%(y{k})s::int, %(f{k})s::date, %(t{k})s::date, %(r{k})s::date, %(m{k})s::date[], "
                     f"%(n{k})s::int)")
    params["year"] = report.year
    reasons = []
    for k, (value, _label) in enumerate(LeaveReason.choices):
        params[f"reason{k}"] = value
        reasons.append(f"count(*) FILTER (WHERE x.person AND x.left_in AND x.reason = %(reason{k})s)")
    continuity = f"""
    UNION ALL
    SELECT 'cont', false, o.name, o.id, y.year, NULL, NULL, NULL, GROUPING(o.id), 1, 1, NULL, NULL, NULL, NULL,
           NULL, NULL, json_build_object(
             'leavers', count(*) FILTER (WHERE x.person AND x.left_in),
             'headcount', round(coalesce(sum(x.months), 0)::numeric / y.n, 1)::text,
             'turnover', CASE WHEN round(coalesce(sum(x.months), 0)::numeric / y.n, 1) > 0 THEN round(
                 count(*) FILTER (WHERE x.person AND x.left_in) * 100
                 / round(coalesce(sum(x.months), 0)::numeric / y.n, 1), 1)::text END,
             'tenure_avg', round(avg(x.days) FILTER (WHERE x.person)::numeric / 365.25, 1)::text,
             'tenure_median', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days)
                 FILTER (WHERE x.person))::numeric / 365.25, 1)::text,
             'opened', count(*) FILTER (WHERE NOT x.person),
             'r30', count(*) FILTER (WHERE NOT x.person AND x.days <= 30),
             'r90', count(*) FILTER (WHERE NOT x.person AND x.days <= 90),
             'share30', round(count(*) FILTER (WHERE NOT x.person AND x.days <= 30) * 100.0
                 / nullif(count(*) FILTER (WHERE NOT x.person), 0), 1)::text,
             'share90', round(count(*) FILTER (WHERE NOT x.person AND x.days <= 90) * 100.0
                 / nullif(count(*) FILTER (WHERE NOT x.person), 0), 1)::text,
             'open', count(*) FILTER (WHERE NOT x.person AND x.days IS NULL),
             'reasons', json_build_array({", ".join(reasons)}))
      FROM staffing_office o CROSS JOIN (VALUES {", ".join(years)}) y (year, first, last, ref, ends, n)
      LEFT JOIN LATERAL (
           SELECT true AS person, s.left_on BETWEEN y.first AND y.last AS left_in,
                  (SELECT count(*) FROM unnest(y.ends) d
                    WHERE s.joined_on <= d AND (s.left_on IS NULL OR s.left_on >= d)) AS months,
                  CASE WHEN s.joined_on <= y.ref AND (s.left_on IS NULL OR s.left_on >= y.ref) THEN y.ref - CASE
                       WHEN s.function_since <= y.ref THEN s.function_since ELSE s.joined_on END END AS days,
                  coalesce(nullif(s.leave_reason, ''), 'unknown') AS reason
             FROM staffing_staffmember s
            WHERE s.office_id = o.id AND s.joined_on <= y.last AND (s.left_on IS NULL OR s.left_on >= y.first)
           UNION ALL
           SELECT false, false, 0, v.refilled_on - v.vacated_on, NULL
             FROM staffing_vacancy v JOIN staffing_position p ON p.id = v.position_id
            WHERE p.office_id = o.id AND v.vacated_on BETWEEN y.first AND y.last) x ON true
     WHERE {cond} AND o.kind = 'regional'
     GROUP BY GROUPING SETS ((o.name, o.id, y.year, y.n), (y.year, y.n))
    HAVING GROUPING(o.id) = 0 OR y.year = %(year)s
    """
    return sql.format(continuity=continuity), params


def capacity_figures(html, columns, rows) -> tuple[bool, str]:
    """The capacity page against its floor: every table row (label and its six figures: positions, budgeted,
    filled and difference FTE, headcount, open vacancies, FTE as the page formats them) in the page's order
    (offices, district total, per function, district mix, then each office's rows, sum and mix); the page has
    no other such rows (its continuity section, PS-4.1, is not part of this comparison)."""
    from staffing.ui import format_fte

    r = [dict(zip(columns, row, strict=True)) for row in rows]
    cells = [x for x in r if x["kind"] == "cell"]
    mix = [x for x in r if x["kind"] == "mix"]

    def figures(x):
        return [str(x["positions"]), format_fte(x["budgeted"]), format_fte(x["filled"]),
                format_fte(x["filled"] - x["budgeted"]), str(x["headcount"]), str(x["vacancies"])]

    totals = [x for x in cells if not x["all_offices"] and x["all_functions"]]
    district = [x for x in cells if x["all_offices"] and x["all_functions"]]
    by_function = [x for x in cells if x["all_offices"] and not x["all_functions"]]
    expected = [[x["office"], *figures(x)] for x in totals]
    expected += [["Kreis gesamt", *figures(x)] for x in district]
    expected += [[x["function"], *figures(x)] for x in by_function]
    expected += [[x["function"], str(x["headcount"]), format_fte(x["filled"])] for x in mix if x["all_offices"]]
    for t in totals:
        expected += [[f"{x['function']} · {x['grade']}", *figures(x)] for x in cells
                     if x["office_id"] == t["office_id"] and not x["all_functions"]]
        expected.append(["Summe", *figures(t)])
    text = re.sub(r'<section aria-labelledby="kontinuitaet".*?</section>', "", html, flags=re.S)
    tokens = [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
              for c in re.findall(r"<t[hd][\s>].*?</t[hd]>", text, flags=re.S)]
    page_rows_ = [m for m in re.findall(r"<tr[\s>].*?</tr>", text, flags=re.S) if 'scope="row"' in m]
    if len(page_rows_) != len(expected):
        return False, f"rows differ: page {len(page_rows_)}, floor {len(expected)}"
    at = 0
    for k, row in enumerate(expected):
        try:
            at = tokens.index(row[0], at)
        except ValueError:
            return False, f"row {k} {row[0]!r} not shown (in order)"
        if tokens[at:at + len(row)] != row:
            return False, f"row {k}: page {tokens[at:at + len(row)]}, floor {row}"
        at += len(row)
    plain = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    for t in totals:  # each office's mix line: "label headcount · label headcount ..."
        line = " · ".join(f"{x['function']} {x['headcount']}" for x in mix if x["office_id"] == t["office_id"])
        if line not in plain:
            return False, f"mix of {t['office']!r} not shown: {line!r}"
    same, note = continuity_figures(html, r)
    if not same:
        return False, note
    return True, (f"equal: {len(expected)} rows × 7 columns (label and 6 figures; the {len(totals) + 1} mix "
                  f"rows/lines: label, heads, FTE); {note}")


def continuity_figures(html, r) -> tuple[bool, str]:
    """PS-4.1, the continuity section of the capacity page against the floor's 'cont' rows, row by row in the
    page's order: the turnover per office and year (the chart's text table), the year's figures per office and
    in total (leavers, average headcount, turnover, tenure average and median, vacancies opened, refilled within
    30 and 90 days with their shares, still open), the leavers by reason per office and in total; German
    notation by the app's own `de_number`."""
    from decimal import Decimal

    from planning.continuity import de_number

    section = re.search(r'<section aria-labelledby="kontinuitaet".*?</section>', html, flags=re.S)
    cont = [x for x in r if x["kind"] == "cont"]
    if not section:
        return (not cont), ("continuity: not shown, not fetched" if not cont else "continuity: fetched, not shown")
    if not cont:
        return False, "continuity: shown, not fetched by the floor"

    def number(v):
        return de_number(None if v is None else Decimal(v))

    def percent(v):
        return "–" if v is None else f"{number(v)} %"

    offices = list(dict.fromkeys((x["office_id"], x["office"]) for x in cont if not x["all_offices"]))
    years = sorted({x["sort_order"] for x in cont})
    year = max(years)
    cell = {(x["office_id"], x["sort_order"]): x["extra"] for x in cont if not x["all_offices"]}
    total = next(x["extra"] for x in cont if x["all_offices"])
    shown = [(name, cell[(pk, year)]) for pk, name in offices]
    if len(offices) > 1:
        shown.append(("Kreis gesamt", total))
    expected = [[name, *[percent(cell[(pk, y)]["turnover"]) for y in years]] for pk, name in offices]
    expected += [[name, str(f["leavers"]), number(f["headcount"]), percent(f["turnover"]), number(f["tenure_avg"]),
                  number(f["tenure_median"]), str(f["opened"]), f"{f['r30']} ({percent(f['share30'])})",
                  f"{f['r90']} ({percent(f['share90'])})", str(f["open"])] for name, f in shown]
    expected += [[name, *map(str, f["reasons"])] for name, f in shown]
    page = [[" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split())
             for c in re.findall(r"<t[hd][\s>].*?</t[hd]>", row, flags=re.S)]
            for row in re.findall(r"<tr[\s>].*?</tr>", section.group(0), flags=re.S) if 'scope="row"' in row]
    if len(page) != len(expected):
        return False, f"continuity rows differ: page {len(page)}, floor {len(expected)}"
    for k, (a, b) in enumerate(zip(page, expected, strict=True)):
        if a != b:
            return False, f"continuity row {k}: page {a}, floor {b}"
    return True, (f"continuity equal: {len(offices)} offices × {len(years)} years (turnover), {len(shown)} rows × "
                  f"10 figures, {len(shown)} rows × {len(total['reasons'])} reasons")


def floor_escalations(user, ctx, *, limit=None) -> tuple[str, dict]:
    """PS-2.4/2.5: the district's consultations and escalations, escalations first, oldest change first; per row
    whether the user decides it (PS-2.5: an escalated notice, the district administration). Issue 16, point 4: the
    page builds no decision form; a row it may decide links to the form's own URL (`escalation_decide`), so the
    floor renders the same template and context (record and link per row) and `escalation_rows` compares the rows
    and the rows with that link."""
    from staffing.access import Role, role_of

    cond, scope = notice_condition(user)
    decides = "TRUE" if role_of(user) == Role.DISTRICT_ADMIN else "FALSE"
    # the page's ids first (from notice_escalation_idx; the district's own column needs no join), their columns after
    source = SCOPE if "o." in cond else "FROM staffing_placementnotice n"
    where = f"{cond} AND n.state IN ('escalated', 'consultation', 'agreement_proposed')"
    order = "CASE {0}.state WHEN 'escalated' THEN 0 WHEN 'consultation' THEN 1 ELSE 2 END, {0}.updated_at"
    sql = f"""
    SELECT {COLUMNS}, o.name AS office, (n.state = 'escalated' AND {decides}) AS may_decide,
           (SELECT count(*) {source} WHERE {where}) AS total
      FROM (SELECT n.id, n.state, n.updated_at {source} WHERE {where} ORDER BY {order.format("n")}
            {f'LIMIT {int(limit)}' if limit else ''}) page
      JOIN staffing_placementnotice n ON n.id = page.id JOIN staffing_office o ON o.id = n.office_id
      JOIN staffing_city c ON c.id = o.city_id LEFT JOIN staffing_position p ON p.id = n.position_id
      LEFT JOIN staffing_function f ON f.id = n.function_id
     ORDER BY {order.format("page")}
    """
    return sql, {"scope": scope}


DECIDE_LINK = re.compile(r'href="/eskalationen/(\d+)/entscheidung/')


def escalation_rows(html, columns, rows) -> tuple[bool, str]:
    """The escalation page: rows and shown columns as every list, plus: the rows linking their decision form are
    exactly the floor's rows the user decides, and no decision form is built on the page."""
    same, detail = compare_rows(html, columns, rows, link=NOTICE_LINK, shown=["city", "title"])
    if not same:
        return same, detail
    linked = [int(pk) for pk in DECIDE_LINK.findall(html)]
    deciding = [r[columns.index("id")] for r in rows if r[columns.index("may_decide")]]
    if linked != deciding:
        return False, f"decision links differ: page {linked[:3]}, floor {deciding[:3]}"
    if 'name="decide-kind"' in html:
        return False, "the page builds a decision form"
    return True, f"{detail}; {len(linked)} decision links equal, no form built"


def floor_notifications(user, ctx, *, limit=25) -> tuple[str, dict]:
    """The user's notifications, newest first, with the notice each one names."""
    sql = f"""
    SELECT m.id AS notification, m.subject, m.created_at, m.read_at, m.notice_id AS id, n.reference,
           count(*) OVER () AS total
      FROM staffing_notification m LEFT JOIN staffing_placementnotice n ON n.id = m.notice_id
     WHERE m.recipient_id = %(user)s ORDER BY m.created_at DESC, m.id DESC LIMIT {int(limit)}
    """
    return sql, {"user": user.pk}


def floor_staff(user, ctx, *, limit=50) -> tuple[str, dict]:
    """PS-6.1: the staff register, current staff ordered by office, last and first name."""
    cond, scope = scope_condition(user)
    sql = f"""
    SELECT s.id, s.last_name, s.first_name, o.name AS office, count(*) OVER () AS total
      FROM staffing_staffmember s JOIN staffing_office o ON o.id = s.office_id
     WHERE {cond} AND s.left_on IS NULL ORDER BY o.name, s.last_name, s.first_name, s.id LIMIT {int(limit)}
    """
    return sql, {"scope": scope}


def floor_admin(user, ctx, *, limit=100) -> tuple[str, dict]:
    """The admin changelist of notices: one page in the default ordering, office and position shown."""
    if user.is_superuser:
        cond, scope = "TRUE", None
    else:
        cond, scope = notice_condition(user)
    sql = f"""
    SELECT n.id, o.name AS office, p.number, n.state FROM staffing_placementnotice n
      JOIN staffing_office o ON o.id = n.office_id JOIN staffing_city c ON c.id = o.city_id
      LEFT JOIN staffing_position p ON p.id = n.position_id
     WHERE {cond} ORDER BY n.created_at DESC, n.id DESC LIMIT {int(limit)}
    """
    return sql, {"scope": scope}


def floor_export(user, ctx, **kw) -> tuple[str, dict]:
    """The CSV export: every visible notice with its final columns, one statement: the candidate count, the
    state and kind labels (CASE over the field's choices), "ja"/"nein", the dates formatted as the page writes
    them (the receipt in the current time zone) and the formula guard (`staffing.ui.csv_cell`) done in SQL, so
    the floor only hands the rows to the same C csv writer as the page (issue 16, point 4: the minimum)."""
    from django.utils import timezone
    from django.utils.translation import gettext

    from staffing.models import PlacementNotice
    from staffing.ui import FORMULA_STARTS, csv_cell

    cond, scope = notice_condition(user)
    fields = PlacementNotice._meta
    params = {"scope": scope, "zone": timezone.get_current_timezone_name(), "starts": list(FORMULA_STARTS),
              "yes": csv_cell(gettext("ja")), "no": csv_cell(gettext("nein"))}

    def label(column, field):  # the choices as a CASE; an unknown value is written as it is (like the page)
        whens = []
        for k, (value, text) in enumerate(fields.get_field(field).flatchoices):
            params[f"{field}_v{k}"], params[f"{field}_l{k}"] = value, csv_cell(str(text))
            whens.append(f"WHEN %({field}_v{k})s THEN %({field}_l{k})s")
        return f"CASE {column} {' '.join(whens)} ELSE {column} END"

    def text(column):  # csv_cell on a text column: NULL as "", a formula start gets an apostrophe
        return (f"CASE WHEN left({column}, 1) = ANY(%(starts)s) THEN '''' || {column} "
                f"ELSE coalesce({column}, '') END")

    def day(column):
        return f"coalesce(to_char({column}, 'DD.MM.YYYY'), '')"

    sql = f"""
    SELECT n.id, {text("c.name")}, {text("p.number")}, {text("p.title")}, {text("f.name")},
           {label("n.state", "state")}, {text("n.reference")},
           coalesce(to_char(n.received_at AT TIME ZONE %(zone)s, 'DD.MM.YYYY HH24:MI'), ''),
           {day("n.period_last_day")}, {text("n.period_extension_reason")}, {day("n.planned_start")},
           (SELECT count(*) FROM staffing_candidate k WHERE k.notice_id = n.id),
           CASE WHEN n.head_involved THEN %(yes)s ELSE %(no)s END, {day("n.placed_on")},
           {label("n.notice_kind", "notice_kind")}
      {SCOPE} WHERE {cond} ORDER BY n.created_at DESC, n.id DESC
    """
    return sql, params


def export_csv(rows) -> bytes:
    """The floor's writing of the export: the rows of its statement are final, so the same writer as the page's
    (`staffing.ui.csv_response`: ";", CRLF; the BOM is left out of the comparison) writes them in one call."""
    from staffing.ui import csv_cell
    from staffing.views import CSV_HEADERS

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in CSV_HEADERS])
    writer.writerows(rows)
    return out.getvalue().encode()


def materialise(ctx) -> None:
    """The floor renders the page's context with no queries: the choices of every model choice field of the
    context's forms (a query on each render: `ModelChoiceIterator`) become a fixed list, read once here."""
    from django import forms

    for value in ctx.values():
        if isinstance(value, forms.BaseForm):
            for field in value.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.choices = list(field.choices)  # a set list wins over the queryset's iterator


def floor_training(user, ctx) -> tuple[str, dict]:
    """PS-1.4, PS-3.2: the needs of the scope's offices (priority, then newest), the district's offers with their
    booked places, and the first 200 participations by start date: one statement, three branches, in the page's
    order (the outer ORDER BY: a UNION ALL keeps no branch's order). The page's context has the offer form's
    choices (needs, functions) as querysets, read again on every render: the floor renders them read once."""
    materialise(ctx)
    cond, scope = scope_condition(user)
    sql = f"""
    SELECT * FROM (
    SELECT 'need' AS kind, 1 AS part, row_number() OVER (ORDER BY n.priority NULLS LAST, n.created_at DESC) AS k,
           n.id, n.topic AS title, o.name AS office, n.persons::text AS figure, n.priority AS rank,
           n.created_at AS at, NULL AS extra
      FROM planning_trainingneed n JOIN staffing_office o ON o.id = n.office_id WHERE {cond}
    UNION ALL
    SELECT 'offer', 2, row_number() OVER (ORDER BY t.starts_on, t.title), t.id, t.title, t.location, t.places::text,
           (SELECT count(*) FROM planning_trainingparticipation b WHERE b.offer_id = t.id AND b.status <> 'cancelled'),
           t.starts_on, NULL FROM planning_trainingoffer t WHERE t.district_id = %(district)s
    UNION ALL
    (SELECT 'participation', 3, row_number() OVER (ORDER BY t.starts_on, b.id), b.id, t.title, o.name,
            s.last_name || ', ' || s.first_name, NULL, t.starts_on, b.status
       FROM planning_trainingparticipation b JOIN staffing_staffmember s ON s.id = b.staff_member_id
       JOIN staffing_office o ON o.id = s.office_id JOIN planning_trainingoffer t ON t.id = b.offer_id
      WHERE {cond} ORDER BY t.starts_on, b.id LIMIT 200)
    ) x ORDER BY part, k
    """
    return sql, {"scope": scope, "district": user.organisation.district_id}


def training_rows(html, columns, rows) -> tuple[bool, str]:
    """The training page against its floor: the needs (topic, office, persons) and the offers (title, place,
    places, booked) row by row in order; the participations (person, office, offer, start date) as a set, as the
    page orders them by start date only."""
    r = [dict(zip(columns, row, strict=True)) for row in rows]
    sections = re.split(r'<section aria-labelledby="', html)

    def texts(section, tag):
        return [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", m)).split())
                for m in re.findall(rf"<{tag}[\s>].*?</{tag}>", section, flags=re.S)]

    def section(name):
        return next(s for s in sections if s.startswith(name))

    parts = [("need", texts(section("bedarfe").split("<tbody")[1].split("</tbody>")[0], "tr"),
              lambda x: [x["title"], x["office"], x["figure"]]),
             ("offer", texts(section("angebote").split("<tbody")[1].split("</tbody>")[0], "tr"),
              lambda x: [x["title"], x["office"], x["figure"], str(x["rank"])])]
    for kind, page, shown in parts:
        floor = [x for x in r if x["kind"] == kind]
        if len(page) != max(len(floor), 1) or (not floor and page and "Keine" not in page[0]):
            return False, f"{kind}s differ: page {len(page)} rows, floor {len(floor)}"
        for k, (text, x) in enumerate(zip(page, floor, strict=False)):
            missing = [v for v in shown(x) if v not in text]
            if missing:
                return False, f"{kind} row {k}: {missing} not shown in {text[:80]!r}"
    page = texts(section("teilnahme").split("</ul>")[0], "li")
    floor = [f"{x['figure']} ({x['office']}): {x['title']}, {shown_value(x['at'])}" for x in r
             if x["kind"] == "participation"]
    if len(page) != max(len(floor), 1) or sorted(t.rsplit(" – ", 1)[0] for t in page[:len(floor)]) != sorted(floor):
        return False, f"participations differ: page {len(page)}, floor {len(floor)}"
    n = {k: sum(x["kind"] == k for x in r) for k in ("need", "offer", "participation")}
    return True, (f"equal: {n['need']} needs × 3, {n['offer']} offers × 4, {n['participation']} participations × 4 "
                  "columns (participations as a set: the page orders them by start date only)")


def floor_coaching(user, ctx) -> tuple[str, dict]:
    """PS-3.3: the district's coaching offers (start, title), per offer the counted sign-ups (consent recorded, not
    revoked) by area (benefits staff or not) and by office (every office of the district, also with none), and,
    where the user records sign-ups and there is an offer, the district's current staff for the sign-up form
    (last name, first name, function): one statement. The small-group rule is the page's arithmetic on these."""
    from planning.coaching import AREA_BENEFITS, AREA_PLACEMENT
    from staffing.access import can

    materialise(ctx)
    members = can(user, "coaching.sign_up")
    counted = "g.consent_on IS NOT NULL AND g.revoked_on IS NULL"
    sql = f"""
    SELECT * FROM (
    SELECT 'offer' AS kind, t.starts_on, t.title, t.id AS offer, 0 AS part, NULL AS label, NULL::bigint AS n,
           t.coach, t.open_to_benefits, t.benefits_reason, t.description
      FROM planning_coachingoffer t WHERE t.district_id = %(district)s
    UNION ALL
    SELECT 'area', t.starts_on, t.title, t.id, 1 + a.i, a.label, count(g.id), NULL, NULL, NULL, NULL
      FROM planning_coachingoffer t CROSS JOIN (VALUES (0, %(placement)s), (1, %(benefits)s)) a (i, label)
      LEFT JOIN (planning_coachingsignup g JOIN staffing_staffmember s ON s.id = g.staff_member_id
                 LEFT JOIN staffing_function f ON f.id = s.function_id)
        ON g.offer_id = t.id AND {counted} AND coalesce(f.code = 'benefits', false) = (a.i = 1)
     WHERE t.district_id = %(district)s GROUP BY t.starts_on, t.title, t.id, a.i, a.label
    UNION ALL
    SELECT 'office', t.starts_on, t.title, t.id, 3, o.name, count(g.id), NULL, NULL, NULL, NULL
      FROM planning_coachingoffer t JOIN staffing_office o ON o.district_id = t.district_id
      LEFT JOIN (planning_coachingsignup g JOIN staffing_staffmember s ON s.id = g.staff_member_id)
        ON g.offer_id = t.id AND s.office_id = o.id AND {counted}
     WHERE t.district_id = %(district)s GROUP BY t.starts_on, t.title, t.id, o.id, o.name
    UNION ALL
    SELECT 'member', NULL, NULL, NULL, 4, s.last_name || ', ' || s.first_name, s.id, f.name, NULL, NULL, NULL
      FROM staffing_staffmember s JOIN staffing_office o ON o.id = s.office_id
      LEFT JOIN staffing_function f ON f.id = s.function_id
     WHERE %(members)s AND o.district_id = %(district)s AND s.left_on IS NULL
       AND EXISTS (SELECT 1 FROM planning_coachingoffer t WHERE t.district_id = %(district)s)
    ) x ORDER BY starts_on NULLS LAST, title, offer, part, label COLLATE "C"
    """
    return sql, {"district": user.organisation.district_id, "members": members, "placement": AREA_PLACEMENT,
                 "benefits": AREA_BENEFITS}


def coaching_rows(html, columns, rows) -> tuple[bool, str]:
    """The coaching page against its floor: per offer (in order) its title, coach and start, the total and the
    cells by area and by office with the small-group rule applied by the app's own `breakdown` (a hidden cell
    shows "weniger als 5"), and the staff offered in the sign-up form (name and function; equal names in any
    order: the page orders by name only)."""
    from planning.coaching import MIN_GROUP, Cell, breakdown, total_hidden

    r = [dict(zip(columns, row, strict=True)) for row in rows]
    offers = [x for x in r if x["kind"] == "offer"]
    sections = re.findall(r'<section aria-labelledby="coaching-(\d+)".*?</section>', html, flags=re.S)
    if [int(k) for k in sections] != [x["offer"] for x in offers]:
        return False, f"offers differ: page {sections[:5]}, floor {[x['offer'] for x in offers][:5]}"
    if not offers and "Zurzeit keine Coaching-Angebote" not in html:
        return False, "no offers, but the page shows some"

    def text(chunk):
        return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", chunk)).split())

    def shown(c):
        return f"weniger als {MIN_GROUP}" if c.suppressed else str(c.count)

    cells = 0
    for offer, chunk in zip(offers, re.findall(r'<section aria-labelledby="coaching-\d+".*?</section>', html,
                                               flags=re.S), strict=True):
        head = f"{offer['title']} Coach: {offer['coach']} · ab {shown_value(offer['starts_on'])}"
        if not text(chunk).startswith(head):
            return False, f"offer {offer['offer']}: {head!r} not shown"
        n = sum(x["n"] for x in r if x["kind"] == "area" and x["offer"] == offer["offer"])
        total = Cell("Gesamt", n, suppressed=total_hidden(n))
        expected = [["Gesamt", shown(total)]]
        for kind in ("area", "office"):
            pairs = [(x["label"], x["n"]) for x in r if x["kind"] == kind and x["offer"] == offer["offer"]]
            expected += [[c.label, shown(c)] for c in breakdown(pairs, total=total)]
        page = [[text(c) for c in re.findall(r"<t[hd][\s>].*?</t[hd]>", row, flags=re.S)]
                for row in re.findall(r"<tr[\s>].*?</tr>", chunk, flags=re.S) if 'scope="row"' in row]
        if page != expected:
            return False, f"offer {offer['offer']}: page {page[:4]}, floor {expected[:4]}"
        cells += len(expected)
    members = [f"{x['label']} ({x['coach'] or 'None'})" for x in r if x["kind"] == "member"]
    options = [htmllib.unescape(m) for m in re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>',
                                                         sections and html.split('aria-labelledby="coaching-')[1]
                                                         or "")]
    if options != members and not (sorted(options) == sorted(members)
                                   and [o.rsplit(" (", 1)[0] for o in options]
                                   == [m.rsplit(" (", 1)[0] for m in members]):
        return False, f"sign-up staff differ: page {len(options)}, floor {len(members)}"
    return True, (f"equal: {len(offers)} offers (title, coach, start), {cells} cells (label, count or hidden), "
                  f"{len(members)} staff in the sign-up form (name, function)")


def floor_costs(user, ctx) -> tuple[str, dict]:
    """PS-6.2, PS-5.1: per city of the scope (by name) for the page's quarter: the confirmed report of its regional
    office (date, claim), the estimate priced from the report's rows (cost rate of the grade / 4 × FTE × days in
    the quarter / days of the quarter, rounded to cents; persons, FTE, grades without a rate), the latest cap of
    the year and its quarter (Q4 takes the remainder), deviation (€, %), the flags, the reimbursable amount, and
    the page's totals (window sums): one statement."""
    from planning.costs import tolerance

    quarter = ctx["quarter"]
    cond, scope = scope_condition(user)
    cond = cond.replace("o.city_id", "c.id").replace("o.district_id", "c.district_id")
    share = "round(a.amount / 4, 2)"
    sql = f"""
    WITH reports AS MATERIALIZED (  -- the scope's reports first: the estimate expands the rows of these only
    SELECT o.city_id, r.id, r.confirmed_at, r.personnel_costs, r.rows
      FROM staffing_city c JOIN staffing_office o ON o.city_id = c.id AND o.kind = 'regional'
      JOIN planning_quarterlyreport r ON r.office_id = o.id AND r.year = %(year)s AND r.quarter = %(q)s
     WHERE {cond})
    SELECT *, sum(claim) FILTER (WHERE report IS NOT NULL) OVER () AS total_claim,
           sum(estimate) OVER () AS total_estimate, sum(cap_quarter) OVER () AS total_cap,
           sum(reimbursable) OVER () AS total_reimbursable FROM (
    SELECT y.*, y.claim - y.estimate AS deviation,
           round((y.claim - y.estimate) * 100 / nullif(y.estimate, 0), 1) AS deviation_percent,
           abs(y.claim - y.estimate) * 100 > %(tolerance)s * y.estimate AS beyond_tolerance,
           y.claim > y.cap_quarter AS above_cap,
           CASE WHEN y.claim IS NOT NULL AND y.cap_quarter IS NOT NULL
                THEN least(y.claim, y.cap_quarter) END AS reimbursable
      FROM (
    SELECT c.id, c.name, r.id AS report, r.confirmed_at, r.personnel_costs AS claim, e.estimate, e.headcount, e.fte,
           e.missing, a.amount AS cap,
           CASE WHEN %(q)s = 4 THEN a.amount - 3 * {share} ELSE {share} END AS cap_quarter
      FROM staffing_city c
      LEFT JOIN reports r ON r.city_id = c.id
      LEFT JOIN LATERAL (
           SELECT round(coalesce(sum(k.annual_cost / 4 * coalesce(x.e->>'fte', '0')::numeric
                        * CASE WHEN coalesce((x.e->>'days_in_quarter')::int, 0) > 0
                               THEN least((x.e->>'days_in_quarter')::int, %(days)s)::numeric / %(days)s ELSE 1 END)
                        , 0), 2) AS estimate,
                  count(*) AS headcount, coalesce(sum(coalesce(x.e->>'fte', '0')::numeric), 0) AS fte,
                  (SELECT string_agg(m.grade, ', ' ORDER BY m.first) FROM (
                     SELECT coalesce(z.e->>'grade', '') AS grade, min(z.i) AS first
                       FROM jsonb_array_elements(r.rows) WITH ORDINALITY z (e, i)
                      WHERE NOT EXISTS (SELECT 1 FROM planning_costrate w WHERE w.grade = coalesce(z.e->>'grade', ''))
                      GROUP BY 1) m) AS missing
             FROM jsonb_array_elements(r.rows) x (e)
             LEFT JOIN planning_costrate k ON k.grade = coalesce(x.e->>'grade', '')
            WHERE r.id IS NOT NULL) e ON r.id IS NOT NULL
      LEFT JOIN LATERAL (SELECT a.amount FROM planning_reimbursementcap a WHERE a.city_id = c.id AND a.year = %(year)s
                          ORDER BY a.set_at DESC, a.id DESC LIMIT 1) a ON true
     WHERE {cond}) y) z
     ORDER BY name, id
    """
    return sql, {"scope": scope, "year": quarter.year, "q": quarter.quarter, "days": quarter.days,
                 "tolerance": tolerance()}


def costs_rows(html, columns, rows) -> tuple[bool, str]:
    """The costs page against its floor: per city in order the label cell (city, report date, grades without a
    rate) and the five figure cells as the page formats them (the app's `format_euro`, `format_fte`, the
    percent with one place and a comma), then the totals row."""
    from django.utils import timezone

    from staffing.ui import format_euro, format_fte

    r = [dict(zip(columns, row, strict=True)) for row in rows]
    table = re.search(r'<table[^>]*id="kostenvergleich".*?</table>', html, flags=re.S)

    def text(chunk):
        return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", chunk)).split())

    page = [[text(c) for c in re.findall(r"<t[hd][\s>].*?</t[hd]>", row, flags=re.S)]
            for row in re.findall(r"<tr[\s>].*?</tr>", table.group(0) if table else "", flags=re.S)
            if 'scope="row"' in row]
    expected = []
    for x in r:
        label = x["name"]
        if x["report"]:
            label += f" Quartalsmeldung vom {timezone.localtime(x['confirmed_at']):%d.%m.%Y}"
        if x["missing"]:
            label += f" ohne Kostensatz: {x['missing']}"
        if not x["report"]:
            cells = ["keine bestätigte Quartalsmeldung"]
        else:
            claim = ("keine Personalkosten gemeldet" if x["claim"] is None else
                     format_euro(x["claim"]) + (" über dem Höchstrahmen" if x["above_cap"] else ""))
            dev = "–"
            if x["deviation"] is not None:
                dev = format_euro(x["deviation"])
                if x["deviation_percent"] is not None:
                    dev += f" ({str(x['deviation_percent']).replace('.', ',')} %)"
                if x["beyond_tolerance"]:
                    dev += " über der Toleranz"
            cells = [claim, f"{format_euro(x['estimate'])} {x['headcount']} Personen, {format_fte(x['fte'])} VZÄ", dev]
        cells += [format_euro(x["cap_quarter"]) if x["cap"] is not None else "nicht festgesetzt",
                  format_euro(x["reimbursable"]) if x["reimbursable"] is not None else "–"]
        expected.append([label, *cells])
    if r:
        t = r[0]
        expected.append(["Summe", *[format_euro(t[k] or 0) for k in ("total_claim", "total_estimate")], "",
                         *[format_euro(t[k] or 0) for k in ("total_cap", "total_reimbursable")]])
    if page != expected:
        k = next((k for k, (a, b) in enumerate(zip(page, expected, strict=False)) if a != b),
                 min(len(page), len(expected)))
        return False, (f"rows differ ({len(page)} / {len(expected)}) at {k}: page {page[k:k + 1]}, "
                       f"floor {expected[k:k + 1]}")
    reported = sum(1 for x in r if x["report"])
    return True, (f"equal: {len(r)} cities × 6 cells ({reported} with a confirmed report: claim, estimate with "
                  f"persons and FTE, deviation € and %, flags; cap quarter, reimbursable) and the totals row")


def floor_none(user, ctx) -> tuple[str, dict]:
    """No hand-written data query yet: the floor is the session/user lookup and the render only."""
    return "SELECT 1", {}


NOTICE_LINK = r'href="/mitteilungen/(\d+)/"'
ROW_START = re.compile(r"(?=<tr[\s>]|<li[\s>]|<article[\s>]|<h2[\s>])")


def page_rows(html: str, link: str) -> list[tuple[int, str]]:
    """The rows of a page: (the id its first link names, the row's text), in page order."""
    pattern = re.compile(link)
    rows = []
    for chunk in ROW_START.split(html):
        m = pattern.search(chunk)
        nested = not chunk.startswith(("<tr", "<li"))  # a heading inside a row's card: the same row
        if m and not (rows and rows[-1][0] == int(m.group(1)) and nested):
            rows.append((int(m.group(1)), htmllib.unescape(re.sub(r"<[^>]+>", " ", chunk))))
    return rows


def shown_value(value) -> str | None:
    """A value as the templates show it: dates as d.m.Y (local time), the rest as text."""
    from datetime import date, datetime

    from django.utils import timezone

    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return None if value is None else str(value)


def compare_rows(html, columns, rows, *, link, shown, key="id", ties=False) -> tuple[bool, str]:
    """Rows in order and every shown column value of each row: equality, not a subset."""
    page = page_rows(html, link)
    floor = [r for r in rows if r[columns.index(key)] is not None]
    if "kind" in columns:
        floor = [r for r in floor if r[columns.index("kind")] == "waiting"]
    page_ids = [i for i, _ in page]
    floor_ids = [r[columns.index(key)] for r in floor]
    note = ""
    if page_ids != floor_ids and ties and sorted(page_ids) == sorted(floor_ids):
        note = " (the page orders equal names without a tie-break: same rows, ties in another order)"
    elif page_ids != floor_ids:
        first = next((k for k, (a, b) in enumerate(zip(page_ids, floor_ids, strict=False)) if a != b),
                     min(len(page_ids), len(floor_ids)))
        return False, (f"rows differ: page {len(page_ids)}, floor {len(floor_ids)}, first difference at row {first}: "
                       f"page {page_ids[first:first + 3]}, floor {floor_ids[first:first + 3]}")
    for (pk, text), r in zip(page, floor, strict=True):
        text = " ".join(text.split())
        for name in shown:
            value = shown_value(r[columns.index(name)])
            if value not in (None, "") and " ".join(value.split()) not in text:
                return False, f"row {pk}: {name}={value!r} not shown"
    return True, f"{len(floor_ids)} rows × {len(shown)} columns equal{note}"


def pages(users, detail_pk, city_id, label) -> list[dict]:
    from django.urls import reverse

    clerk, coord, admin, head, superuser, district_staff = users
    home = reverse("staffing:home")
    lst = reverse("staffing:notice_list")
    notice_rows = {"link": NOTICE_LINK, "shown": ["title", "number", "city", "function", "created_at"]}
    return [
        {"page": "Start page, city clerk", "user": clerk, "url": home, "floor": floor_home,
         "check": {"link": NOTICE_LINK, "shown": ["city", "title"]}},
        {"page": "Start page, coordination office", "user": coord, "url": home, "floor": floor_home,
         "check": {"link": NOTICE_LINK, "shown": ["city", "title"]}},
        {"page": "Start page, district administration", "user": admin, "url": home, "floor": floor_home,
         "check": {"link": NOTICE_LINK, "shown": ["city", "title"]}},
        {"page": "Start page, head of the JobAgentur", "user": head, "url": home, "floor": floor_home,
         "check": {"link": NOTICE_LINK, "shown": ["city", "title"]}},
        {"page": "Notice list, city clerk", "user": clerk, "url": lst, "floor": floor_list, "check": notice_rows},
        {"page": "Notice list, district (all its notices)", "user": coord, "url": lst, "floor": floor_list,
         "check": notice_rows},
        {"page": "Notice list, filter status + city", "user": coord, "url": f"{lst}?status=placed&stadt={city_id}",
         "floor": lambda u, c: floor_list(u, c, state="placed", city=city_id), "check": notice_rows},
        {"page": "Notice list, text search", "user": coord, "url": f"{lst}?q=Nachbesetzung",
         "floor": lambda u, c: floor_list(u, c, text="Nachbesetzung"), "check": notice_rows},
        {"page": "Notice detail (full audit trail)", "user": coord,
         "url": reverse("staffing:notice_detail", args=[detail_pk]),
         "floor": lambda u, c: floor_detail(u, c, pk=detail_pk),
         "check": {"link": r'id="(?:main|inhalt)"|<h1()', "shown": ["reference", "city", "number", "title"],
                   "detail": True}},
        {"page": "Capacity plan, district", "user": coord, "url": reverse("planning:capacity"),
         "floor": floor_capacity, "check": {"figures": capacity_figures}},
        {"page": "Capacity plan, city clerk", "user": clerk, "url": reverse("planning:capacity"),
         "floor": floor_capacity, "check": {"figures": capacity_figures}},
        {"page": "CSV export, district (streamed)", "user": coord, "url": reverse("staffing:notice_export"),
         "floor": floor_export, "check": {"csv": True}, "runs": 1, "rounds": 3,
         "warmups": 0},
        {"page": "Escalation page, district", "user": admin, "url": reverse("staffing:escalation_list"),
         "floor": floor_escalations, "paged": True, "check": {"figures": escalation_rows}},
        {"page": "Staff register, district", "user": coord, "url": reverse("planning:staff_register"),
         "floor": floor_staff, "paged": True,
         "check": {"link": r'href="/planung/personal/(\d+)/"', "shown": ["last_name", "first_name"], "ties": True}},
        {"page": "Notifications, coordination office", "user": coord, "url": reverse("staffing:notification_list"),
         "floor": floor_notifications, "paged": True, "check": {"link": NOTICE_LINK, "shown": ["subject"]}},
        {"page": "Training, district", "user": coord, "url": reverse("planning:training"), "floor": floor_training,
         "check": {"figures": training_rows}},
        {"page": "Coaching, district", "user": coord, "url": reverse("planning:coaching"), "floor": floor_coaching,
         "check": {"figures": coaching_rows}},
        {"page": "Costs, district", "user": coord, "url": reverse("planning:costs"), "floor": floor_costs,
         "check": {"figures": costs_rows}},
        {"page": "Admin changelist of notices, superuser", "user": superuser,
         "url": reverse("admin:staffing_placementnotice_changelist"), "floor": floor_admin, "paged": True,
         "check": {"link": r'href="/admin/staffing/placementnotice/(\d+)/change/', "shown": ["office"]}},
        {"page": "Admin changelist of notices, district staff", "user": district_staff,
         "url": reverse("admin:staffing_placementnotice_changelist"), "floor": floor_admin, "paged": True,
         "check": {"link": r'href="/admin/staffing/placementnotice/(\d+)/change/', "shown": ["office"]}},
    ]


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _per_page(response) -> int | None:
    for ctx in (response.context or []):
        for name in ("page", "page_obj"):
            if name in ctx and hasattr(ctx[name], "paginator"):
                return ctx[name].paginator.per_page
        if "cl" in ctx:
            return ctx["cl"].list_per_page
    return None


def prepare(spec) -> dict:
    """Warm the page up, capture its queries and context, and build its floor: the page run and the floor run as
    two functions (the page run returns its time, the floor run its time first), for `measure` and for the lockstep
    growth (`serve`)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.template.loader import get_template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(spec["user"])
    for _ in range(spec.get("warmups", 2)):
        response = client.get(spec["url"])
        assert response.status_code == 200, (spec["page"], response.status_code)
        _content(response)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(spec["url"])
        content = _content(response)
    queries = len(captured.captured_queries)
    selects = [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    slowest = max(selects, key=lambda q: float(q["time"])) if selects else {"sql": "", "time": 0}
    is_csv = bool(spec.get("check") and spec["check"].get("csv"))
    # the page's own template: the first rendered one that is no include (issue 16, point 2: a view that renders a
    # part first, like the start panel with render_to_string, put that part first; the floor rendered only it)
    main = next((i for i, t in enumerate(response.templates or []) if "/includes/" not in (t.name or "")), 0)
    context = {} if is_csv else (response.context[main].flatten() if hasattr(response.context, "__getitem__")
                                 else {})
    template = None if is_csv else get_template(response.templates[main].name)
    kw = {"limit": _per_page(response)} if spec.get("paged") else {}
    sql, params, *finish = spec["floor"](spec["user"], context, **kw)  # finish: the floor's own context
    session_key = client.cookies["sessionid"].value
    user_sql = ("SELECT u.*, o.kind, o.district_id, o.city_id FROM staffing_user u "
                "LEFT JOIN staffing_organisation o ON o.id = u.organisation_id WHERE u.id = %s")

    def page_run():
        t0 = time.perf_counter()
        _content(client.get(spec["url"]))
        return time.perf_counter() - t0

    def floor_run():
        t0 = time.perf_counter()
        session = SessionStore(session_key).load()  # the unavoidable lookups: session and user
        with connection.cursor() as cursor:
            cursor.execute(user_sql, [int(session["_auth_user_id"])])
            cursor.fetchone()
            t1 = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            columns = [c.name for c in cursor.description]
        t2 = time.perf_counter()
        memo_var.set(dict(memo))  # the page reads the district's career-track table once per request
        floor_context = finish[0](rows, columns, context) if finish else context
        out = export_csv(rows) if is_csv else template.render(floor_context).encode()
        t3 = time.perf_counter()
        return t3 - t0, t1 - t0, t2 - t1, t3 - t2, rows, columns, out, floor_context

    from staffing.qualification import _tables as memo_var

    memo: dict = {}
    memo_var.set(memo)
    if not is_csv:
        template.render(context)  # fills the memo: outside the timing, like the page's one read per request
    memo = dict(memo_var.get() or {})
    floor_run()
    return {"client": client, "content": content, "queries": queries, "slowest": slowest, "is_csv": is_csv,
            "context": context, "own_context": bool(finish), "page_run": page_run, "floor_run": floor_run}


def measure(spec, runs: int, rounds: int, explain: bool, memory: bool = True) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ready = prepare(spec)
    client, content, queries, slowest = ready["client"], ready["content"], ready["queries"], ready["slowest"]
    is_csv, context, page_run, floor_run = ready["is_csv"], ready["context"], ready["page_run"], ready["floor_run"]
    round_pages, round_floors, parts = [], [], []
    for _ in range(rounds):
        p_times, f_times = [], []
        for _ in range(runs):  # interleaved: page, floor, page, floor, ...
            p_times.append(page_run())
            f = floor_run()
            f_times.append(f[0])
            parts.append(f[1:4])
        round_pages.append(statistics.median(p_times))
        round_floors.append(statistics.median(f_times))
    with CaptureQueriesContext(connection) as floor_queries:
        _total, _lookup, _sql, _render, rows, columns, floor_out, floor_context = floor_run()
    render_queries = len(floor_queries.captured_queries) - 3  # session, user, the data query
    check = spec.get("check")
    html = content.decode("utf-8-sig", errors="replace")
    if check is None:
        same, detail = None, "not compared"
    elif check.get("csv"):
        same = floor_out == content.lstrip("\ufeff".encode())
        detail = f"{len(rows):,} rows, CSV {'identical' if same else 'DIFFERENT'} ({len(content):,} bytes)"
    elif check.get("figures"):
        same, detail = check["figures"](html, columns, rows)
    elif check.get("detail"):
        r = dict(zip(columns, rows[0], strict=True)) if len(rows) == 1 else None
        missing = [] if r else ["the notice"]
        if r:
            text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
            for name in check["shown"]:
                if r[name] and str(r[name]) not in text:
                    missing.append(name)
            for k in r["candidates"] or []:
                if k["full_name"] not in text:
                    missing.append(f"candidate {k['full_name']}")
            for c in r["comments"] or []:
                if " ".join(c["c"]["text"].split()) not in text:
                    missing.append(f"comment {c['c']['id']}")
            for e in r["events"] or []:
                if e["e"]["reason"] and " ".join(e["e"]["reason"].split()) not in text:
                    missing.append(f"event {e['e']['id']}")
        same = not missing
        detail = "notice, candidates, comments, audit trail shown" if same else f"missing: {missing[:3]}"
    else:
        same, detail = compare_rows(html, columns, rows, link=check["link"], shown=check["shown"],
                                    ties=check.get("ties", False))
        if ready["own_context"]:  # issue 16, point 2: the panels the floor rendered from its rows, equal to the page's
            equal = floor_context.get("panels") == context.get("panels")
            same = same and equal
            detail += f"; panels {'identical' if equal else 'DIFFERENT'}"
    page_ms = statistics.median(round_pages) * 1000
    floor_ms = statistics.median(round_floors) * 1000
    ratios = [p / f for p, f in zip(round_pages, round_floors, strict=True)]
    out = {
        "page": spec["page"], "url": spec["url"], "user": spec["user"].username, "median_ms": round(page_ms, 2),
        "spread_ms": [round(min(round_pages) * 1000, 2), round(max(round_pages) * 1000, 2)],
        "queries": queries, "slowest_query_ms": round(float(slowest["time"]) * 1000, 2),
        "floor_ms": round(floor_ms, 2),
        "floor_spread_ms": [round(min(round_floors) * 1000, 2), round(max(round_floors) * 1000, 2)],
        "floor_lookup_ms": round(statistics.median(p[0] for p in parts) * 1000, 2),
        "floor_sql_ms": round(statistics.median(p[1] for p in parts) * 1000, 2),
        "floor_render_ms": round(statistics.median(p[2] for p in parts) * 1000, 2),
        "floor_rows": len(rows), "floor_render_queries": render_queries, "same_rows": same, "check": detail,
        "ratio": round(page_ms / floor_ms, 2) if floor_ms else None,
        "ratio_spread": [round(min(ratios), 2), round(max(ratios), 2)],
        "bytes": len(content), "rounds": rounds, "runs": runs,
    }
    if is_csv:  # issue 16, point 6: rows per second and peak memory of one export
        out.update(rows=len(rows), rows_per_second=round(len(rows) / (page_ms / 1000)) if page_ms else None)
    if is_csv and memory:
        # the server's memory: each piece is dropped once it is read, as a WSGI server drops it once it is sent
        # (joining the body, as `_content` does, would measure the test client's copy of the whole file)
        tracemalloc.start()
        response = client.get(spec["url"])
        sent = sum(len(piece) for piece in (response.streaming_content if response.streaming else [response.content]))
        del response
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert sent == len(content), (sent, len(content))
        out["peak_memory_kb"] = round(peak / 1024)
        tracemalloc.start()  # for comparison with earlier runs: the peak with the whole body kept
        _content(client.get(spec["url"]))
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out["peak_memory_with_body_kb"] = round(peak / 1024)
    if explain and slowest["sql"]:
        out["slowest_sql"] = slowest["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + slowest["sql"])
            out["slowest_plan"] = "\n".join(r[0] for r in cursor.fetchall())
    return out


def district_users(index: int):
    from staffing.models import User

    prefix = f"d{index:03d}"
    return [User.objects.select_related("organisation").get(username=f"{prefix}-{name}")
            for name in ("c01-clerk1", "koordination1", "kreis1", "leitung1")]


def admin_staff(coordinator):
    """District staff in the admin: an account of the coordination office with the admin's view right."""
    from django.contrib.auth.models import Permission

    from staffing.models import User

    user, created = User.objects.get_or_create(username=f"{coordinator.username}-admin", defaults={
        "is_staff": True, "is_demo": True, "organisation": coordinator.organisation,
        "email": f"{coordinator.username}-admin@bench.jobagentur.example"})
    if created:
        user.user_permissions.add(Permission.objects.get(codename="view_placementnotice"))
    return User.objects.select_related("organisation").get(pk=user.pk)


def superuser():
    from staffing.models import User

    user, created = User.objects.get_or_create(username="bench-superuser", defaults={
        "is_superuser": True, "is_staff": True, "is_demo": True, "email": "bench-superuser@bench.jobagentur.example"})
    return user


def selected(args):
    """The pages to measure, for district 1 (the largest) and the small district: (district, which, notices, spec)
    in a fixed order, and the database's district count, notice total and small district."""
    from django.db.models import Count

    from staffing.models import District, NoticeEvent, PlacementNotice

    sizes = dict(PlacementNotice.objects.filter(district__slug__startswith="bench-d").values_list(
        "district__slug").annotate(n=Count("pk")).order_by())
    districts = District.objects.filter(slug__startswith="bench-d").count()
    candidates = {slug: n for slug, n in sizes.items()
                  if not args.small_among or int(slug[len("bench-d"):]) <= args.small_among}
    small = args.small or int(min(candidates, key=lambda slug: (candidates[slug], slug))[len("bench-d"):])
    chosen = []
    for index in dict.fromkeys([1, small]):
        users = district_users(index)
        district = users[1].organisation.district_id
        notices = sizes.get(f"bench-d{index:03d}", 0)
        detail_pk = (NoticeEvent.objects.filter(notice__district_id=district).values("notice_id")
                     .order_by().annotate(n=Count("pk")).order_by("-n", "notice_id").first()["notice_id"])
        city_id = PlacementNotice.objects.get(pk=detail_pk).office.city_id
        which = "largest" if index == 1 else "small"
        for spec in pages([*users, superuser(), admin_staff(users[1])], detail_pk, city_id, f"{notices:,} notices"):
            if args.only and args.only.lower() not in spec["page"].lower():
                continue
            if args.skip and args.skip.lower() in spec["page"].lower():
                continue
            chosen.append((index, which, notices, spec))
    return chosen, districts, sum(sizes.values()), small


def serve(chosen) -> None:
    """The lockstep growth's worker (bench/growth.py): prepares every chosen page once (warm, with its floor),
    says which are ready, then runs one page or floor request per line it reads ({"key", "what"}) and answers with
    the time. Two of them, one per database, take turns, so both stages see the machine of the same moment."""
    import json

    answer = os.fdopen(os.dup(1), "w")  # the answers only; anything else printed goes to stderr
    os.dup2(2, 1)
    runners = {}
    for index, which, _notices, spec in chosen:
        runners[f"{which}|{index}|{spec['page']}"] = prepare(spec)
    answer.write(json.dumps({"ready": list(runners)}) + "\n")
    answer.flush()
    for line in sys.stdin:
        ask = json.loads(line)
        ready = runners[ask["key"]]
        seconds = ready["page_run"]() if ask["what"] == "page" else ready["floor_run"]()[0]
        answer.write(json.dumps({"seconds": seconds}) + "\n")
        answer.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7, help="page/floor pairs per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--small", type=int, default=0, help="the small district (0: the smallest seeded one)")
    parser.add_argument("--small-among", type=int, default=0,
                        help="the small district among districts 1..N (the first stage: the same at every stage)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of each page")
    parser.add_argument("--memory", action="store_true", help="peak memory of one CSV export (tracemalloc, slow)")
    parser.add_argument("--only", default="", help="run only pages whose name contains this")
    parser.add_argument("--skip", default="", help="skip pages whose name contains this")
    parser.add_argument("--serve", action="store_true", help="the lockstep growth's worker (bench/growth.py)")
    parser.add_argument("--out", default="pages")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client records the template context only when instrumented
    settings.DEBUG = False
    chosen, districts, notices, small = selected(args)
    if args.serve:
        serve(chosen)
        return
    results = []
    for index, which, district_notices, spec in chosen:
        r = measure(spec, spec.get("runs", args.runs), min(spec.get("rounds", args.rounds), args.rounds),
                    args.explain, args.memory)
        r.update(district=index, which=which, district_notices=district_notices)
        results.append(r)
        print(f"d{index:03d} {r['page'][:42]:42s} {r['median_ms']:8.1f} ms {r['queries']:3d} q | floor "
              f"{r['floor_ms']:7.1f} ms (lookup {r['floor_lookup_ms']:.1f}, sql {r['floor_sql_ms']:.1f}, render "
              f"{r['floor_render_ms']:.1f}, {r['floor_render_queries']} q) ratio {r['ratio']} "
              f"[{r['ratio_spread'][0]}–{r['ratio_spread'][1]}] "
              f"same={r['same_rows']} ({r['check']})", flush=True)
    save(args.out, {"runs": args.runs, "rounds": args.rounds, "districts": districts, "small": small,
                    "notices": notices, "pages": results})


if __name__ == "__main__":
    main()
