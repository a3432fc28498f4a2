"""EXPLAIN (ANALYZE) of the queries the bench found slow, without and with the indexes of
staffing/migrations/*_performance_indexes.py (the index is dropped inside a transaction that is
rolled back, so the database keeps it), and the text search's count with the positions of the scope
against the former join of every position (a query shape, no index). Usage: python bench/explain.py
"""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import save, setup_django  # noqa: E402


def plan(cursor, sql: str, params) -> str:
    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + sql, params)
    return "\n".join(r[0] for r in cursor.fetchall())


def with_and_without(index: str, sql: str, params) -> dict:
    from django.db import connection, transaction

    out = {}
    with connection.cursor() as cursor:
        plan(cursor, sql, params)  # warm the cache the same way for both
        out["with"] = plan(cursor, sql, params)
        try:
            with transaction.atomic():
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
                plan(cursor, sql, params)
                out["without"] = plan(cursor, sql, params)
                raise _Rollback
        except _Rollback:
            pass
    return out


class _Rollback(Exception):
    pass


def main() -> None:
    setup_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import sweep
    from staffing import selectors
    from staffing.models import NoticeState, PlacementNotice, User

    results = {}
    # 1. the sweep's selection with 10,000 notices due at the same moment
    office = sweep.ensure_district(10_000)
    sweep.prepare_batch(office, 10_000, timezone.now().replace(microsecond=0) - timedelta(minutes=1))
    qs = (PlacementNotice.objects.filter(state=NoticeState.INFORMED, period_ends_at__lte=timezone.now())
          .order_by("period_ends_at", "pk").select_for_update(skip_locked=True)[:100])
    with transaction.atomic():
        sql, params = qs.query.sql_with_params()
    results["sweep_batch"] = {"index": "notice_informed_deadline_idx", "sql": sql,
                              **with_and_without("notice_informed_deadline_idx", sql, params)}
    with connection.cursor() as cursor:  # leave no due notices behind for the other scripts
        cursor.execute("UPDATE staffing_placementnotice SET state = 'withdrawn' WHERE office_id = %s "
                       "AND state = 'informed'", [office.pk])
    # 2. the notice list's text search (a name of a candidate) for a coordination office
    user = User.objects.get(username="d001-koordination1")
    text = "Nachbesetzung"
    qs = selectors.notices_filtered(user, text=text)[:25]
    sql, params = qs.query.sql_with_params()
    results["text_search"] = {"index": "candidate_name_trgm_idx", "sql": sql,
                              **with_and_without("candidate_name_trgm_idx", sql, params)}
    # 3. the same search's count (the pager's): the position title/number among the positions of the scope (the
    # selector since issue 16 point 8) against the former join of every position of the country
    from django.db.models import Exists, OuterRef, Q

    from staffing.models import Candidate

    def counted(queryset):
        inner, inner_params = queryset.order_by().values("pk").query.sql_with_params()
        return f"SELECT count(*) FROM ({inner}) s", inner_params

    joined = selectors.notices_visible_to(user).filter(
        Q(position__title__icontains=text) | Q(position__number__icontains=text) | Q(reference__icontains=text)
        | Q(reason__icontains=text) | Q(office__city__name__icontains=text)
        | Exists(Candidate.objects.filter(notice=OuterRef("pk"), full_name__icontains=text)))
    sql, params = counted(selectors.notices_filtered(user, text=text))
    old_sql, old_params = counted(joined)
    with connection.cursor() as cursor:
        plan(cursor, sql, params)
        plan(cursor, old_sql, old_params)
        results["text_search_positions"] = {
            "index": "none: the positions of the scope (query shape)", "what": "without = every position joined",
            "sql": sql, "with": plan(cursor, sql, params), "without": plan(cursor, old_sql, old_params)}
    # 4. the coordination office's notifications page (25 newest): one index range instead of a scan of the whole
    # country's notifications and a sort
    qs = selectors.notifications_for_list(user)[:25]
    sql, params = qs.query.sql_with_params()
    results["notifications"] = {"index": "notification_inbox_idx", "sql": sql,
                                **with_and_without("notification_inbox_idx", sql, params)}
    # 5. a district's notices newest first (the notice list, the admin changelist of district staff): the district's
    # own range instead of the country's notices in that order, filtered by district
    qs = selectors.notices_visible_to(user).order_by("-created_at", "-id")[:100]
    sql, params = qs.query.sql_with_params()
    results["district_notices_newest_first"] = {"index": "notice_district_created_idx", "sql": sql,
                                                **with_and_without("notice_district_created_idx", sql, params)}
    # 6. the district administration's escalation page (notices in consultation or escalated): the partial index
    # of those states; without it PostgreSQL chooses, by its sample of the table, between the district's states
    # (notice_district_state_idx) and the states of the whole country
    qs = selectors.escalations_visible_to(User.objects.get(username="d001-kreis1"))[:10]
    sql, params = qs.query.sql_with_params()
    results["escalations"] = {"index": "notice_escalation_idx", "sql": sql,
                              **with_and_without("notice_escalation_idx", sql, params)}
    for name, r in results.items():
        print(f"== {name}: without {r['index']}\n{r['without']}\n== with\n{r['with']}\n")
    save("explain", results)


if __name__ == "__main__":
    main()
