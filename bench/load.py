"""HTTP load (issues 7 and 16, point 7): gunicorn + PostgreSQL under 50 and 200 simulated users (locust,
headless, loopback), mixing reads and writes of all three roles (bench/locustfile.py), and the same
50-user mix while the deadline sweep approves 10,000 notices.

gunicorn runs sized for the 2 CPUs: 2 worker processes × 8 threads (gthread; BENCH_WORKERS, BENCH_THREADS;
8 threads, not 4: at 200 users the requests queued behind busy threads, p95 5.6 s with 4, 1.3 s with 8),
the psycopg 3 pool (DB_POOL=true) per process. The users log in one after the other, --spawn-rate a second
(default 1: a ramp; 20 a second queued 200 Argon2 logins of about 0.3 CPU seconds each, and their first
clicks came in one burst); the figures are reset one longest think time after the last login. Runs, each
measured for --seconds from then, with a think time of --think seconds after every click (default 5-15 s:
an office worker reads the page and types between two clicks):
  50 users; 200 users; 50 users while `staffing.services.sweep_approvals()` sweeps --sweep-notices due
  notices of a separate bench district (`bench-load-sweep`), started when the measured window starts;
  then the stress run: the first number of users with --stress-think seconds (default 1-2 s), which shows the
  server's capacity (requests per second at saturation); it has no goal of its own.
Each run records who used the CPUs in the measured window (locust, the gunicorn processes, the bench
database's PostgreSQL backends, other processes, time taken by the hypervisor), as the 2 CPUs are shared.
Usage: python bench/load.py [--users 50,200] [--seconds 60] [--sweep-notices 10000] [--districts N]
       [--think 5,15] [--stress-think 1,2] [--spawn-rate 2] [--nice N] [--pool N] [--max-requests N]
       [--locustfile PATH] [--out load]
locust: BENCH_LOCUST, else .venv/bin/locust (the extra `bench`), else the one on the PATH.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, ROOT, bench_env, save, setup_django  # noqa: E402

LOGIN_SLACK = 120  # the ramp plus this bounds the logins; the stats are reset after the last one, `seconds` more
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))  # two CPUs: one process per CPU,
THREADS = int(os.environ.get("BENCH_THREADS", "8"))  # threads to overlap the database round trips
CLK = os.sysconf("SC_CLK_TCK")


def locust_command() -> str:
    """BENCH_LOCUST, or the venv's locust (`make bench` installs the extra `bench`), or one on the PATH."""
    own = ROOT / ".venv/bin/locust"
    return os.environ.get("BENCH_LOCUST") or (str(own) if own.exists() else shutil.which("locust") or str(own))


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _postgres_backends(database: str) -> list[int]:
    """The PostgreSQL backends serving the bench database (their title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                pids.append(int(entry.name))
    return pids


def _busy() -> tuple[float, float]:
    """Busy and stolen CPU seconds of the machine (all CPUs) from /proc/stat: stolen is the time the
    hypervisor gave to other machines (counted in busy)."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLK, values[7] / CLK


class CpuMeter(threading.Thread):
    """Who used the two CPUs during the measured window: locust, the gunicorn workers, the bench database's
    PostgreSQL backends, and everything else on the machine (other users' work included)."""

    def __init__(self, started_file: Path, seconds: int, locust_pid: int, server_pid: int, database: str):
        super().__init__(daemon=True)
        self.started_file, self.seconds, self.database = started_file, seconds, database
        self.locust_pid, self.server_pid = locust_pid, server_pid
        self.result: dict | None = None

    def _sample(self) -> dict:
        workers = _children(self.server_pid)
        return {"locust": {self.locust_pid: _cpu(self.locust_pid)},
                "gunicorn": {pid: _cpu(pid) for pid in [self.server_pid, *workers]},
                "postgres": {pid: _cpu(pid) for pid in _postgres_backends(self.database)},
                "machine": _busy(), "loadavg": os.getloadavg(), "workers": workers}

    def run(self) -> None:
        while not self.started_file.exists():
            time.sleep(0.2)
        t0, first = time.monotonic(), self._sample()
        time.sleep(max(self.seconds - 2, 1))  # the window ends with locust's quit
        wall, last = time.monotonic() - t0, self._sample()

        def share(kind):
            used = sum(v - first[kind].get(pid, 0.0) for pid, v in last[kind].items())
            return round(100 * used / wall)  # percent of one CPU

        busy = last["machine"][0] - first["machine"][0]
        stolen = last["machine"][1] - first["machine"][1]
        shares = {kind: share(kind) for kind in ("locust", "gunicorn", "postgres")}
        self.result = {"percent_of_one_cpu": shares | {
            "other": round(100 * (busy - stolen) / wall) - sum(shares.values()),
            "stolen": round(100 * stolen / wall), "machine_busy": round(100 * busy / wall),
            "machine_capacity": 100 * (os.cpu_count() or 1)},
            "by_worker": {str(pid): round(100 * (last["gunicorn"].get(pid, 0) - first["gunicorn"].get(pid, 0))
                                          / wall) for pid in last["workers"]},
            "loadavg_start": first["loadavg"], "loadavg_end": last["loadavg"]}
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
            notices.add(office_id=office.pk, district_id=district.pk, position_id=position_id, function_id=function.pk,
                        state="informed",
                        reference="Last", received_at=received, period_ends_at=ends_at,
                        period_last_day=(ends_at - timedelta(days=1)).date(),
                        reminder_due_at=ends_at - timedelta(days=2), reminder_sent_at=ends_at - timedelta(days=2),
                        created_at=received, updated_at=received)
        notices.write()


TOP_UP_REF = "Last-Test"


def top_up(users: int, districts: int, per_account: int = 12) -> dict:
    """The load's writes find their work in every run (bench data only): each clerk account's city gets back to
    `per_account` complete drafts (PS-2.2: submit), each coordination account's district to `per_account`
    informed notices in their week (PS-2.3/2.4: clear, Bedenken) per account, on positions of their own
    ('LT-…', written in bulk as seed_scale writes). Without it a run used up what the previous one left and
    the writes fell back to comments. Returns what it added."""
    setup_django()
    from collections import Counter
    from datetime import timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from bench.accounts import account
    from staffing.management.commands.seed_scale import Table
    from staffing.models import (
        Candidate,
        Employment,
        Function,
        Office,
        PlacementNotice,
        Position,
        Qualification,
        User,
    )

    logins = {name: role for role, name in (account(n, districts) for n in range(users))
              if role in ("clerk", "koordination")}
    sharing = Counter(name for _role, name in (account(n, districts) for n in range(users)))  # users per login
    wanted: dict[tuple[int, str], list] = {}  # (regional office, state) -> [how many, a clerk of its city]
    district_of: dict[int, int] = {}  # regional office -> its district (the notice's district, issue 16)
    for user in User.objects.filter(username__in=logins).select_related("organisation"):
        org = user.organisation
        if logins[user.username] == "clerk":  # the clerk's own city
            office = Office.objects.filter(kind=Office.Kind.REGIONAL, city_id=org.city_id).first()
            state, clerk = "draft", user.pk
        else:  # the coordination office sees its district's notices: they go to its first city
            office = (Office.objects.filter(kind=Office.Kind.REGIONAL, district_id=org.district_id)
                      .order_by("pk").first())
            state = "informed"
            clerk = office and User.objects.filter(organisation__city_id=office.city_id).values_list(
                "pk", flat=True).first()
        if office:
            district_of[office.pk] = office.district_id
            wanted.setdefault((office.pk, state), [0, clerk])[0] += per_account * sharing[user.username]
    present = {(row["office_id"], row["state"]): row["n"] for row in PlacementNotice.objects.filter(
        office_id__in={office for office, _state in wanted}, state__in=["draft", "informed"]).values(
        "office_id", "state").annotate(n=Count("pk")).order_by()}
    todo = [(office, state, clerk) for (office, state), (want, clerk) in wanted.items()
            for _ in range(max(0, want - present.get((office, state), 0)))]
    function = Function.objects.get(code=Function.Code.PLACEMENT)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    positions, notices, candidates = Table(Position), Table(PlacementNotice), Table(Candidate)
    serial = Position.objects.filter(number__startswith="LT-").count()
    for k, (office, _state, _clerk) in enumerate(todo, start=serial + 1):
        positions.add(office_id=office, function_id=function.pk, number=f"LT-{k:06d}", title="Arbeitsvermittler/in",
                      grade="EG 9c", fte=Decimal("1.000"), is_active=True)
    positions.assign_ids()
    for position, (office, state, clerk) in zip(positions.rows, todo, strict=True):
        received = {} if state == "draft" else {
            "received_at": now, "period_ends_at": now + timedelta(days=7),
            "period_last_day": today + timedelta(days=6), "reminder_due_at": now + timedelta(days=5)}
        notices.add(office_id=office, district_id=district_of[office], position_id=position["id"],
                    function_id=function.pk, state=state,
                    reference=TOP_UP_REF, planned_start=today + timedelta(days=60), reason="Nachbesetzung",
                    goals_statement="Die Besetzung sichert die Beratung und Vermittlung.", created_by_id=clerk,
                    created_at=now, updated_at=now, **received)
    notices.assign_ids()
    for notice in notices.rows:
        candidates.add(notice_id=notice["id"], full_name="Lena Lasttest", employment=Employment.values[0],
                       grade="EG 9c", qualification=Qualification.DEGREE, qualification_detail="Soziale Arbeit",
                       months_experience=24, professional_background="Beratung und Vermittlung im SGB II")
    added = {state: sum(1 for _o, s, _c in todo if s == state) for state in ("draft", "informed")}
    with transaction.atomic():
        positions.write()
        notices.write()
        candidates.write()
    return added


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


# how the runs are set up (bench/load.py's options; the defaults are the measured choice, docs/performance.md)
SETUP = {"spawn_rate": 1.0, "nice": 0, "pool": 0, "max_requests": 0, "locustfile": str(ROOT / "bench/locustfile.py"),
         "out": "load"}


def run(label: str, *, users: int, seconds: int, districts: int, sweep: int = 0, think: str = "5,15") -> dict:
    env = bench_env() | {
        "BENCH_THINK_SECONDS": think,
        "DB_POOL": "true",
        # plain HTTP on loopback: in production TLS ends at the proxy, so secure cookies are off here only
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "AXES_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOGIN_TIMES_FILE": str(RESULTS / f"logins-{label}.json"),
        "BENCH_MEASURE_SECONDS": str(seconds), "BENCH_DISTRICTS": str(districts),
    }
    if SETUP["pool"]:
        env["DB_POOL_MAX_SIZE"] = str(SETUP["pool"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    started_file = RESULTS / f"measure-started-{label}"
    started_file.unlink(missing_ok=True)
    env["BENCH_MEASURE_STARTED_FILE"] = str(started_file)  # locust writes it when it resets the figures
    sweep_out = RESULTS / f"load-sweep-{label}.json"
    sweep_out.unlink(missing_ok=True)
    sweep_process = None
    topped_up = top_up(users, districts)
    if sweep:
        prepare_sweep(sweep)
        sweep_process = subprocess.Popen([sys.executable, __file__, "--sweeper", str(started_file), str(sweep_out)],
                                         cwd=ROOT, env=bench_env())
    log = open(RESULTS / f"gunicorn-{label}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "jobagentur.wsgi", "--bind", f"127.0.0.1:{PORT}",
                               "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
                               "--keep-alive", "30",  # longer than the users' pauses: no reset of a reused connection
                               *(["--max-requests", str(SETUP["max_requests"])] if SETUP["max_requests"] else []),
                               "--access-logfile", "-", "--access-logformat", '%(p)s %(s)s %(m)s %(U)s %(M)s',
                               "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    prefix = RESULTS / f"locust-{SETUP['out']}-{label}"
    spawn_rate = SETUP["spawn_rate"]
    settle = float(think.split(",")[1])  # the locustfile resets the figures this long after the last login
    env["BENCH_SETTLE_SECONDS"] = f"{settle:g}"
    login_phase = int(users / spawn_rate + settle) + LOGIN_SLACK
    meter = None
    try:
        wait_ready(f"http://127.0.0.1:{PORT}/anmelden/")
        locust = subprocess.Popen(
            [*(["nice", "-n", str(SETUP["nice"])] if SETUP["nice"] else []), locust_command(),
             "-f", SETUP["locustfile"], "--headless",
             "-u", str(users), "-r", f"{spawn_rate:g}", "-t", f"{seconds + login_phase}s",
             "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        meter = CpuMeter(started_file, seconds, locust.pid, server.pid,
                         env["DATABASE_URL"].rsplit("/", 1)[1].split("?")[0])
        meter.start()
        try:
            locust.wait(timeout=seconds + login_phase + 60)
        except subprocess.TimeoutExpired:
            locust.kill()
            locust.wait()
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
    out["spawn_rate"] = spawn_rate
    out["topped_up"] = topped_up
    out["settle_seconds"] = settle
    if meter is not None:
        meter.join(5)
        out["cpu"] = meter.result
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


WRITES = ("submit a notice", "clear a notice", "raise concerns (Bedenken)", "comment")


def writes(result: dict) -> str:
    """How many of each write the run made (the work topped up before it: `top_up`)."""
    by_name = result.get("by_name", {})
    return ", ".join(f"{name} {by_name.get(name, {}).get('requests', 0)}" for name in WRITES) + (
        f" (added before the run: {result['topped_up']})" if result.get("topped_up") else "")


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
    parser.add_argument("--spawn-rate", type=float, default=SETUP["spawn_rate"], help="users logging in a second")
    parser.add_argument("--nice", type=int, default=0, help="niceness of locust (the server gets the CPU first)")
    parser.add_argument("--pool", type=int, default=0, help="DB_POOL_MAX_SIZE per gunicorn process (0: settings)")
    parser.add_argument("--max-requests", type=int, default=0, help="gunicorn --max-requests (0: none)")
    parser.add_argument("--locustfile", default=SETUP["locustfile"])
    parser.add_argument("--out", default="load", help="name of the results file in var/bench/")
    args = parser.parse_args()
    SETUP.update(spawn_rate=args.spawn_rate, nice=args.nice, pool=args.pool, max_requests=args.max_requests,
                 locustfile=args.locustfile, out=args.out)
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
              + f"; writes {writes(r)}"
              + (f"; sweep {r['sweep']}" if sweep else "")
              + (f"; CPU % of one: {r['cpu']['percent_of_one_cpu']}" if r.get("cpu") else ""), flush=True)
        results.append(r)
    save(args.out, {"workers": WORKERS, "threads": THREADS, "districts": districts, "setup": SETUP,
                    "runs": results})


if __name__ == "__main__":
    main()
