"""`make bench`: the national-scale benchmark on the local PostgreSQL and Redis (issue 7).

Creates the bench database if it is missing (DATABASE_URL, default bench_perf), migrates, seeds
`--districts` (BENCH_DISTRICTS, default 100: 1,000 cities, 200,000 notices; idempotent), then runs
the page timings, the EXPLAIN comparison, the deadline sweep and the HTTP load, and writes the
tables to docs/performance.md and the summary to the README (between bench markers).
Environment: BENCH_DISTRICTS, BENCH_RUNS (page runs, 15), BENCH_SWEEP_NOTICES (10000),
BENCH_LOAD_SECONDS (60), BENCH_COMPARE_SECONDS (20), BENCH_SKIP (comma list of steps to skip).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, bench_env, machine, save  # noqa: E402

PY = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def step(name: str, args: list[str], timings: dict) -> None:
    if name in os.environ.get("BENCH_SKIP", "").split(","):
        print(f"== {name}: skipped", flush=True)
        return
    print(f"== {name}: {' '.join(args)}", flush=True)
    t0 = time.monotonic()
    subprocess.run([PY, *args], cwd=ROOT, env=bench_env(), check=True)
    timings[name] = round(time.monotonic() - t0, 1)


def main() -> None:
    env = bench_env()
    started = time.monotonic()
    ensure_database(env["DATABASE_URL"])
    before = machine()
    timings: dict[str, float] = {}
    districts = env.get("BENCH_DISTRICTS", "100")
    step("migrate", ["manage.py", "migrate", "--no-input", "-v0"], timings)
    step("seed", ["manage.py", "seed_scale", "--districts", districts], timings)
    step("pages", ["bench/pages.py", "--runs", env.get("BENCH_RUNS", "15")], timings)
    step("explain", ["bench/explain.py"], timings)
    step("sweep", ["bench/sweep.py", "--notices", env.get("BENCH_SWEEP_NOTICES", "10000")], timings)
    step("load", ["bench/load.py", "--seconds", env.get("BENCH_LOAD_SECONDS", "60"),
                  "--compare-seconds", env.get("BENCH_COMPARE_SECONDS", "20")], timings)
    save("run", {"machine_before": before, "machine_after": machine(), "districts": int(districts),
                 "timings": timings, "total_seconds": round(time.monotonic() - started, 1),
                 "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    subprocess.run([PY, "bench/report.py"], cwd=ROOT, env=env, check=True)
    print(f"== make bench done in {time.monotonic() - started:.0f} s: docs/performance.md", flush=True)


if __name__ == "__main__":
    main()
