"""HTTP load (issue 7): gunicorn + PostgreSQL under 50 simulated users (locust, headless, loopback).

Runs the same locust scenario against three database-connection set-ups, each for a bounded time:
  pool        psycopg 3 pool (DB_POOL=true, the default on PostgreSQL), max 10 connections per worker
  persistent  no pool, Django's persistent connections (DB_POOL=false, CONN_MAX_AGE=60)
  per-request no pool, a new connection per request (DB_POOL=false, CONN_MAX_AGE=0)
Usage: python bench/load.py [--users 50] [--seconds 60] [--compare-seconds 30] [--workers 3]
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
from bench.common import RESULTS, ROOT, bench_env, save  # noqa: E402

LOGIN_PHASE = 120  # upper bound for the logins; the stats are reset after the last one and run `seconds` more
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SETUPS = {
    "pool": {"DB_POOL": "true"},
    "persistent": {"DB_POOL": "false", "CONN_MAX_AGE": "60"},
    "per-request": {"DB_POOL": "false", "CONN_MAX_AGE": "0"},
}


def wait_ready(url: str, timeout: float = 60) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def run(setup: str, *, users: int, seconds: int, workers: int) -> dict:
    env = bench_env() | SETUPS[setup] | {
        # plain HTTP on loopback: in production TLS ends at the proxy, so secure cookies are off here only
        "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "AXES_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOGIN_TIMES_FILE": str(RESULTS / f"logins-{setup}.json"),
        "BENCH_MEASURE_SECONDS": str(seconds),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(RESULTS / f"gunicorn-{setup}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "jobagentur.wsgi", "--bind", f"127.0.0.1:{PORT}",
                               "--workers", str(workers), "--access-logfile", "-", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    prefix = RESULTS / f"locust-{setup}"
    try:
        wait_ready(f"http://127.0.0.1:{PORT}/anmelden/")
        subprocess.run([str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
                        "-u", str(users), "-r", str(max(users // 5, 1)), "-t", f"{seconds + LOGIN_PHASE}s",
                        "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary",
                        "--loglevel", "WARNING"],
                       cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                       timeout=seconds + LOGIN_PHASE + 60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        log.close()
    return parse(prefix, setup, users, seconds)


def parse(prefix: Path, setup: str, users: int, seconds: int) -> dict:
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

    out = {"setup": setup, "users": users, "seconds": seconds, "loadavg": os.getloadavg(),
           "total": figures(next(r for r in rows if r["Name"] == "Aggregated")),
           "by_name": {r["Name"]: figures(r) for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])}}
    logins = sorted(json.loads((RESULTS / f"logins-{setup}.json").read_text() or "[]"))
    if logins:
        out["login"] = {"count": len(logins), "p50_ms": round(logins[len(logins) // 2]),
                        "max_ms": round(logins[-1])}
    failures = Path(f"{prefix}_failures.csv")
    out["failure_lines"] = failures.read_text().splitlines()[1:6] if failures.exists() else []
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--compare-seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--setups", default="pool,persistent,per-request")
    args = parser.parse_args()
    results = []
    for setup in args.setups.split(","):
        seconds = args.seconds if setup == "pool" else args.compare_seconds
        r = run(setup, users=args.users, seconds=seconds, workers=args.workers)
        t = r["total"]
        print(f"{setup:12s} {t['requests']} requests, {t['failures']} failures, {t['rps']} req/s, "
              f"p50 {t['p50_ms']} ms, p95 {t['p95_ms']} ms, p99 {t['p99_ms']} ms", flush=True)
        results.append(r)
    save("load", {"workers": args.workers, "runs": results})


if __name__ == "__main__":
    main()
