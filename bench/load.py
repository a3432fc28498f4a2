"""HTTP load (issues 7 and 16, point 7): gunicorn + PostgreSQL under 50 and 200 simulated users (locust,
headless, loopback), mixing reads and writes of all three roles (bench/locustfile.py), and the same
50-user mix while the deadline sweep approves 10,000 notices.

gunicorn runs sized for the 2 CPUs: 2 worker processes × 4 threads (gthread), the psycopg 3 pool
(DB_POOL=true) per process. Runs, each measured for --seconds after the last login, with a think time of
--think seconds (default 5-15 s: an office worker reads the page and types between two clicks):
  50 users; 200 users; 50 users while `staffing.services.sweep_approvals()` sweeps --sweep-notices due
  notices of a separate bench district (`bench-load-sweep`), started when the measured window starts;
  then the stress run: the first number of users with --stress-think seconds (default 1-2 s), which shows the
  server's capacity (requests per second at saturation); it has no goal of its own.
Usage: python bench/load.py [--users 50,200] [--seconds 60] [--sweep-notices 10000] [--districts N]
       [--think 5,15] [--stress-think 1,2]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, ROOT, bench_env, save, setup_django  # noqa: E402

LOGIN_PHASE = 240  # upper bound for the logins; the stats are reset after the last one and run `seconds` more
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS, THREADS = 2, 4  # two CPUs: one process per CPU, threads to overlap the database round trips
SWEEP_SLUG = "bench-load-sweep"


def wait_ready(url: str, timeout: float = 60) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def prepare_sweep(n: int) -> None:
    """n informed notices of the bench district `bench-load-sweep` whose week ended a minute ago."""
    setup_django()
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from staffing.management.commands.seed_scale import Table
    from staffing.models import OPEN_STATES, City, District, Function, Office, PlacementNotice, Position

    with transaction.atomic():
        district, _ = District.objects.get_or_create(slug=SWEEP_SLUG, defaults={"name": "Kreis Last + Frist"})
        city, _ = City.objects.get_or_create(district=district, name="Laststadt", defaults={"slug": "laststadt"})
        office, _ = Office.objects.get_or_create(kind=Office.Kind.REGIONAL, city=city, district=district,
                                                 defaults={"name": "Regionalstelle Laststadt"})
        function = Function.objects.get(code=Function.Code.PLACEMENT)
        have = Position.objects.filter(office=office).count()
        table = Table(Position)
        for k in range(have, n):
            table.add(office_id=office.pk, function_id=function.pk, number=f"L-{k:05d}",
                      title="Arbeitsvermittler/in", grade="EG 9c", fte=Decimal("1.000"), is_active=True)
        table.write()
        with connection.cursor() as cursor:  # the previous run's notices are closed (bench only)
            cursor.execute("UPDATE staffing_placementnotice SET state = 'withdrawn' WHERE office_id = %s "
                           "AND state = ANY(%s)", [office.pk, [str(s) for s in OPEN_STATES]])
        ends_at = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
        received = ends_at - timedelta(days=8)
        notices = Table(PlacementNotice)
        for position_id in Position.objects.filter(office=office).order_by("pk").values_list("pk", flat=True)[:n]:
            notices.add(office_id=office.pk, position_id=position_id, function_id=function.pk, state="informed",
                        reference="Last", received_at=received, period_ends_at=ends_at,
                        period_last_day=(ends_at - timedelta(days=1)).date(),
                        reminder_due_at=ends_at - timedelta(days=2), reminder_sent_at=ends_at - timedelta(days=2),
                        created_at=received, updated_at=received)
        notices.write()


def sweeper(started_file: str, out: str) -> None:
    """Internal: waits for the measured window, then sweeps once and writes its time and count."""
    setup_django()
    from staffing import services

    while not Path(started_file).exists():
        time.sleep(0.2)
    t0 = time.perf_counter()
    approved = services.sweep_approvals()
    count = approved if isinstance(approved, int) else len(approved or [])
    Path(out).write_text(json.dumps({"approved": count, "seconds": round(time.perf_counter() - t0, 1)}))


def run(label: str, *, users: int, seconds: int, districts: int, sweep: int = 0, think: str = "5,15") -> dict:
    env = bench_env() | {
        "BENCH_THINK_SECONDS": think,
        "DB_POOL": "true",
        # plain HTTP on loopback: in production TLS ends at the proxy, so secure cookies are off here only
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "AXES_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOGIN_TIMES_FILE": str(RESULTS / f"logins-{label}.json"),
        "BENCH_MEASURE_SECONDS": str(seconds), "BENCH_DISTRICTS": str(districts),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    started_file = RESULTS / f"measure-started-{label}"
    started_file.unlink(missing_ok=True)
    sweep_out = RESULTS / f"load-sweep-{label}.json"
    sweep_out.unlink(missing_ok=True)
    sweep_process = None
    if sweep:
        prepare_sweep(sweep)
        env["BENCH_MEASURE_STARTED_FILE"] = str(started_file)
        sweep_process = subprocess.Popen([sys.executable, __file__, "--sweeper", str(started_file), str(sweep_out)],
                                         cwd=ROOT, env=bench_env())
    log = open(RESULTS / f"gunicorn-{label}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "jobagentur.wsgi", "--bind", f"127.0.0.1:{PORT}",
                               "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
                               "--keep-alive", "30",  # longer than the users' pauses: no reset of a reused connection
                               "--access-logfile", "-", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    prefix = RESULTS / f"locust-{label}"
    try:
        wait_ready(f"http://127.0.0.1:{PORT}/anmelden/")
        subprocess.run([str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
                        "-u", str(users), "-r", str(max(users // 10, 1)), "-t", f"{seconds + LOGIN_PHASE}s",
                        "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary",
                        "--loglevel", "WARNING"],
                       cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                       timeout=seconds + LOGIN_PHASE + 60)
        if sweep_process is not None:
            started_file.touch()  # if the logins never finished, the sweep still runs (and is reported)
            sweep_process.wait(600)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
        if sweep_process is not None and sweep_process.poll() is None:
            sweep_process.kill()
    out = parse(prefix, label, users, seconds)
    out["think_seconds"] = [float(x) for x in think.split(",")]
    if sweep:
        out["sweep"] = json.loads(sweep_out.read_text()) if sweep_out.exists() else None
        out["sweep_notices"] = sweep
    return out


def parse(prefix: Path, label: str, users: int, seconds: int) -> dict:
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))

    def num(value):
        try:
            return round(float(value), 1)
        except ValueError:  # "N/A" for a name without requests after the reset
            return None

    def figures(row):
        return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": num(row["Requests/s"]), "p50_ms": num(row["50%"]), "p95_ms": num(row["95%"]),
                "p99_ms": num(row["99%"]), "max_ms": num(row["Max Response Time"])}

    out = {"setup": label, "users": users, "seconds": seconds, "loadavg": os.getloadavg(),
           "workers": WORKERS, "threads": THREADS,
           "total": figures(next(r for r in rows if r["Name"] == "Aggregated")),
           "by_name": {r["Name"]: figures(r) for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])}}
    login_file = RESULTS / f"logins-{label}.json"
    logins = sorted(json.loads(login_file.read_text() or "[]")) if login_file.exists() else []
    if logins:
        out["login"] = {"count": len(logins), "p50_ms": round(logins[len(logins) // 2]),
                        "max_ms": round(logins[-1])}
    failures = Path(f"{prefix}_failures.csv")
    out["failure_lines"] = failures.read_text().splitlines()[1:6] if failures.exists() else []
    return out


def seeded_districts() -> int:
    setup_django()
    from staffing.models import District

    return District.objects.filter(slug__startswith="bench-d").count() or 1


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--sweeper":
        return sweeper(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sweep-notices", type=int, default=10_000, help="0: no run during a sweep")
    parser.add_argument("--districts", type=int, default=0, help="seeded districts (0: count them)")
    parser.add_argument("--think", default="5,15", help="think time between two clicks, min,max seconds")
    parser.add_argument("--stress-think", default="1,2", help="think time of the stress run ('' for none)")
    args = parser.parse_args()
    districts = args.districts or seeded_districts()
    first = int(args.users.split(",")[0])
    plan = [(f"{u} users", int(u), 0, args.think) for u in args.users.split(",") if u.strip()]
    if args.sweep_notices:
        plan.append((f"{first} users during the sweep", first, args.sweep_notices, args.think))
    if args.stress_think:
        plan.append((f"stress: {first} users, {args.stress_think.replace(',', '–')} s think time", first, 0,
                     args.stress_think))
    results = []
    for label, users, sweep, think in plan:
        r = run(f"run{len(results) + 1}-{users}", users=users, seconds=args.seconds, districts=districts,
                sweep=sweep, think=think)
        r["setup"] = label
        r["stress"] = label.startswith("stress")
        t = r["total"]
        print(f"{label:28s} {t['requests']} requests, {t['failures']} failures, {t['rps']} req/s, "
              f"p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms, p99 {t['p99_ms']} ms"
              + (f"; sweep {r['sweep']}" if sweep else ""), flush=True)
        results.append(r)
    save("load", {"workers": WORKERS, "threads": THREADS, "districts": districts, "runs": results})


if __name__ == "__main__":
    main()
