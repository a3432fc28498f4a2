"""The deadline sweep at scale (issue 7, issue 16 points 1 and 2): 10,000 notices whose periods end at
the same moment.

Scenarios, each on 10,000 fresh notices of a dedicated bench district (`bench-sweep`):
  1. one sweeper: `staffing.services.sweep_approvals()` (batches claimed with SKIP LOCKED, approved through
     the state machine, audit rows in one INSERT, one delivery task per batch enqueued to Redis on commit), in a
     process of its own; after the first round a Celery worker (a real worker on the bench Redis, e-mails to the
     memory backend) delivers all their notifications, timed to completion;
  2. two sweeper processes at once: correctness (each notice approved exactly once, one audit record each) and
     wall time.
     1. and 2. run interleaved in rounds (one, two, one, two, one, two: ROUNDS) and the median round of each is
     reported with every round's time: on a shared 2-core machine one pass swung between 1.29× and 1.67×. Every
     sweeper process is started, set up and warmed up (one sweep while nothing is due: imports, connections,
     query plans) before the due notices exist and released at one instant once they do; the time runs from
     that instant to the last one's end;
  3. the floor: one bulk SQL UPDATE of the same rows, and the same UPDATE plus one INSERT ... SELECT of the
     audit rows (the figure issue 16 compares the sweep with).
Usage: python bench/sweep.py [--notices 10000] [--no-delivery]; `--worker FILE` is internal.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, ROOT, bench_env, save, setup_django  # noqa: E402

SLUG = "bench-sweep"
DELIVERY_BOUND = 600  # seconds the delivery may take before the bench stops waiting (goal: < 60 s)


def copy_rows(model, rows: list[dict]) -> int:
    """Write rows of `model` with COPY (PostgreSQL), ids from the table's identity; every concrete field
    but the id, defaults for those a row leaves out. (Bench only; independent of seed_scale.)"""
    from django.db import connection
    from django.db.models import CharField, TextField
    from psycopg import sql

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        elif isinstance(f, CharField | TextField):
            defaults[f.attname] = ""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields))
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            values = {**defaults, **row}
            copy.write_row([values[f.attname] for f in fields])
    return len(rows)


def ensure_district(n: int):
    """The sweep district: one city, its regional office, n positions, one clerk, one coordinator."""
    from django.db import transaction

    from staffing.models import City, District, Function, Office, Organisation, Position, User

    with transaction.atomic():
        district, _ = District.objects.get_or_create(slug=SLUG, defaults={"name": "Kreis Fristablauf (Lasttest)"})
        city, _ = City.objects.get_or_create(district=district, name="Fristenstadt", defaults={"slug": "fristenstadt"})
        office, _ = Office.objects.get_or_create(kind=Office.Kind.REGIONAL, city=city, district=district,
                                                 defaults={"name": "Regionalstelle Fristenstadt"})
        function, _ = Function.objects.get_or_create(code=Function.Code.PLACEMENT, defaults={
            "name": "Arbeitsvermittlung", "requires_notice": True, "sort_order": 3})
        for kind, name, city_ in [(Organisation.Kind.CITY, "Stadt Fristenstadt", city),
                                  (Organisation.Kind.COORDINATION, "Koordinierungsstelle Fristablauf", None)]:
            org, _ = Organisation.objects.get_or_create(kind=kind, district=district, city=city_,
                                                        defaults={"name": name})
            User.objects.get_or_create(username=f"sweep-{kind}", defaults={
                "organisation": org, "email": f"sweep-{kind}@bench.jobagentur.example", "is_demo": True})
        have = Position.objects.filter(office=office).count()
        if have < n:
            copy_rows(Position, [{"office_id": office.pk, "function_id": function.pk, "number": f"F-{k:05d}",
                                      "title": "Arbeitsvermittler/in", "grade": "EG 9c", "fte": Decimal("1.000"),
                                      "is_active": True} for k in range(have, n)])
    return office


def prepare_batch(office, n: int, ends_at: datetime) -> list[int]:
    """Close the previous batch (raw UPDATE, bench only) and write n informed notices ending at ends_at."""
    from django.db import connection, transaction

    from staffing.models import OPEN_STATES, PlacementNotice, Position

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE staffing_placementnotice SET state = 'withdrawn' "
                           "WHERE office_id = %s AND state = ANY(%s)", [office.pk, [str(s) for s in OPEN_STATES]])
        received = ends_at - timedelta(days=8)
        copy_rows(PlacementNotice, [
            {"office_id": office.pk, "district_id": office.district_id, "position_id": position_id,
             "function_id": None, "state": "informed",
             "reference": "Frist", "received_at": received, "period_ends_at": ends_at,
             "period_last_day": (ends_at - timedelta(days=1)).date(), "reminder_due_at": ends_at - timedelta(days=2),
             "reminder_sent_at": ends_at - timedelta(days=2), "created_at": received, "updated_at": received}
            for position_id in Position.objects.filter(office=office).order_by("pk").values_list("pk", flat=True)[:n]])
        ids = list(PlacementNotice.objects.filter(office=office, state="informed").order_by("pk")
                   .values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE staffing_placementnotice")
    return ids


def verify(office, ids: list[int], approved_lists: list[list[int]]) -> dict:
    """Each notice approved exactly once, with exactly one audit record; nobody approved twice."""
    from django.db.models import Count

    from staffing.models import NoticeEvent, NoticeState, PlacementNotice

    flat = [pk for lst in approved_lists for pk in lst]
    events = (NoticeEvent.objects.filter(notice_id__in=ids, to_state=NoticeState.APPROVED_BY_SILENCE)
              .values("notice_id").annotate(n=Count("pk")))
    per_notice = {row["notice_id"]: row["n"] for row in events}
    return {
        "notices": len(ids),
        "approved_state": PlacementNotice.objects.filter(pk__in=ids, state=NoticeState.APPROVED_BY_SILENCE).count(),
        "returned_by_sweepers": len(flat),
        "returned_twice": len(flat) - len(set(flat)),
        "returned_outside_batch": len(set(flat) - set(ids)),
        "without_audit_record": len(set(ids) - set(per_notice)),
        "with_several_audit_records": sum(1 for n in per_notice.values() if n != 1),
        "per_sweeper": [len(lst) for lst in approved_lists],
    }


def run_worker_process(out: str, go_file: str) -> None:
    """Internal: one sweeper process; set up and warm up (one sweep while nothing is due: imports, connections to
    PostgreSQL and Redis, query plans), say so in `out`.ready, wait for the common start instant that the main
    process writes to `go_file` once the due notices exist, sweep, write the ids it approved and when it ended
    (the time is taken from the start instant: start-up and warm-up are not the sweep's)."""
    setup_django()
    from django.db import connection

    from staffing import services

    connection.ensure_connection()
    assert services.sweep_approvals() == [], "nothing may be due while the sweepers warm up"
    Path(out + ".ready").write_text("1")
    go = Path(go_file)
    while not go.exists():
        time.sleep(0.01)
    start_at = float(go.read_text())
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    approved = services.sweep_approvals()
    ended = time.time()
    Path(out).write_text(json.dumps({"approved": approved, "started": started, "ended": ended}))


def deliver_with_celery(ids: list[int], timeout: float = DELIVERY_BOUND) -> dict:
    """Start a real Celery worker (2 processes) on the bench Redis and let it deliver the notifications of
    these approvals (the sweep enqueued one task per batch): in-app notifications written and e-mails sent
    to the memory backend, timed until every event is delivered and every notification with an address
    mailed (or `timeout`)."""
    from django.db.models import Max, Min

    from staffing.models import NoticeEvent, NoticeState, Notification

    events = NoticeEvent.objects.filter(notice_id__in=ids, to_state=NoticeState.APPROVED_BY_SILENCE)
    notes = Notification.objects.filter(event__in=events)
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(RESULTS / "celery-worker.log", "w")  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    worker = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "jobagentur", "worker", "--concurrency", "2",
                               "--loglevel", "WARNING", "--without-mingle", "--without-gossip"],
                              cwd=ROOT, env=bench_env(), stdout=log, stderr=subprocess.STDOUT)
    done_at = None
    try:
        while time.perf_counter() - t0 < timeout:
            if (not events.filter(notifications_sent_at__isnull=True).exists()
                    and not notes.filter(emailed_at__isnull=True).exclude(recipient__email="").exists()):
                done_at = time.perf_counter() - t0
                break
            time.sleep(0.25)
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
    stamps = events.aggregate(first=Min("notifications_sent_at"), last=Max("notifications_sent_at"))
    mailed = notes.aggregate(last=Max("emailed_at"))
    first, last = stamps["first"], max(filter(None, [stamps["last"], mailed["last"]]), default=None)
    drain = (last - first).total_seconds() if first and last else None
    delivered = events.filter(notifications_sent_at__isnull=False).count()
    return {"bound_seconds": timeout, "events": events.count(), "delivered": delivered,
            "seconds_to_completion": round(done_at, 1) if done_at is not None else None,
            "drain_seconds": round(drain, 1) if drain is not None else None,
            "notifications": notes.count(), "mailed": notes.filter(emailed_at__isnull=False).count(),
            "per_event_ms": round(drain * 1000 / max(delivered, 1), 2) if drain else None,
            "complete": done_at is not None}


def floor_update(office, ends_at) -> dict:
    """The floor: one bulk SQL UPDATE of the same rows; and the same plus one INSERT of the audit rows."""
    from django.db import connection, transaction

    result = {}
    for label, with_audit in [("update", False), ("update_and_audit_insert", True)]:
        prepare_batch(office, N, ends_at)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE staffing_placementnotice SET state = 'approved_by_silence', updated_at = now() "
                "WHERE state = 'informed' AND period_ends_at <= now() AND office_id = %s RETURNING id", [office.pk])
            ids = [r[0] for r in cursor.fetchall()]
            if with_audit:
                cursor.execute(
                    "INSERT INTO staffing_noticeevent (notice_id, actor_id, transition, from_state, to_state, at, "
                    "reason) SELECT id, NULL, 'approve_by_silence', 'informed', 'approved_by_silence', now(), "
                    "'Keine Reaktion innerhalb der Frist (PS-2.3).' FROM unnest(%s::bigint[]) AS id", [ids])
        result[label] = {"rows": len(ids), "seconds": round(time.perf_counter() - t0, 3)}
    return result


N = 10_000
ROUNDS = 3  # rounds of (one sweeper, two sweepers); the median of each


def correct(check: dict, n: int) -> bool:
    """Each of the n notices approved once, with one audit record, by exactly one sweeper."""
    return (check["approved_state"] == n and check["returned_by_sweepers"] == n and check["returned_twice"] == 0
            and check["without_audit_record"] == 0 and check["with_several_audit_records"] == 0)


def median_round(results: list[dict]) -> dict:
    """The round with the median time (its own check and split are reported with it)."""
    ordered = sorted(results, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def run_sweepers(office, count: int, ends_at) -> tuple[list[int], dict]:
    """`count` sweeper processes, started and warmed up before the due notices exist, then released together once
    n due notices are written; the time runs from that instant to the last one's end."""
    files = [RESULTS / f"sweeper-{k}.json" for k in range(1, count + 1)]
    go = RESULTS / "sweepers-go"
    for f in [*files, *(Path(str(f) + ".ready") for f in files), go]:
        f.unlink(missing_ok=True)
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(f), "--go-file", str(go)], cwd=ROOT,
                              env=bench_env()) for f in files]
    deadline = time.time() + 120
    while not all(Path(str(f) + ".ready").exists() for f in files):
        if time.time() > deadline or any(p.poll() not in (None, 0) for p in procs):
            raise RuntimeError("the sweeper processes did not get ready")
        time.sleep(0.05)
    ids = prepare_batch(office, N, ends_at)
    start_at = time.time() + 1
    go.write_text(str(start_at))
    for p in procs:
        p.wait()
    results = [json.loads(f.read_text()) for f in files]
    seconds = max(r["ended"] for r in results) - start_at
    return ids, {"seconds": round(seconds, 2), "per_notice_ms": round(seconds * 1000 / max(len(ids), 1), 3),
                 "late_start_seconds": round(max(r["started"] for r in results) - start_at, 2),
                 "check": verify(office, ids, [r["approved"] for r in results])}


def main() -> None:
    global N
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=N)
    parser.add_argument("--no-delivery", action="store_true")
    parser.add_argument("--worker")
    parser.add_argument("--go-file")
    args = parser.parse_args()
    if args.worker:
        return run_worker_process(args.worker, args.go_file)
    N = args.notices
    setup_django()
    from django.utils import timezone

    from jobagentur.celery import app
    from staffing import services

    app.control.purge()  # start with an empty queue: tasks of earlier, interrupted runs are not this run's
    office = ensure_district(N)
    ends_at = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    out = {"notices": N, "batch_size": services.SWEEP_BATCH}

    # 1. and 2., interleaved in rounds (one, two, one, two, ...; the median of each): sweeper processes started,
    # set up and warmed up (one sweep while nothing is due) before the due notices exist, then released at the
    # same instant. After the first round's single sweep a Celery worker delivers all its notifications.
    assert services.sweep_approvals() == [], "nothing may be due before the bench's own notices"
    singles, pairs = [], []
    for k in range(ROUNDS):
        for count in (1, 2):
            ids, result = run_sweepers(office, count, ends_at)
            (singles if count == 1 else pairs).append(result)
            print(f"round {k + 1}, {count} sweeper(s): {result['seconds']:.2f} s, per sweeper "
                  f"{result['check']['per_sweeper']}", flush=True)
            if count == 1 and k == 0 and not args.no_delivery:
                out["delivery"] = deliver_with_celery(ids)
                print(f"delivery: {out['delivery']}", flush=True)
            app.control.purge()  # the other rounds' notifications are not delivered here
    out["rounds"] = ROUNDS
    out["single"] = median_round(singles)
    out["two_sweepers"] = median_round(pairs)
    out["single_rounds"] = [r["seconds"] for r in singles]
    out["two_sweepers_rounds"] = [r["seconds"] for r in pairs]
    out["all_rounds_correct"] = all(correct(r["check"], N) for r in singles + pairs)
    out["speedup_two_sweepers"] = round(out["single"]["seconds"] / max(out["two_sweepers"]["seconds"], 1e-6), 2)
    out["speedup_per_round"] = [round(a["seconds"] / max(b["seconds"], 1e-6), 2)
                                for a, b in zip(singles, pairs, strict=True)]
    print(f"sweep: one {out['single_rounds']} s, two {out['two_sweepers_rounds']} s, speedup "
          f"{out['speedup_two_sweepers']}× (per round {out['speedup_per_round']})", flush=True)

    # 3. the floor
    out["floor"] = floor_update(office, ends_at)
    out["ratio_to_floor"] = round(out["single"]["seconds"] / max(out["floor"]["update"]["seconds"], 1e-6), 1)
    out["ratio_to_floor_with_audit"] = round(
        out["single"]["seconds"] / max(out["floor"]["update_and_audit_insert"]["seconds"], 1e-6), 1)
    print(json.dumps(out, indent=2), flush=True)
    save("sweep", out)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
