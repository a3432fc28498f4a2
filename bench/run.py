"""`make bench`: the national-scale benchmark on the local PostgreSQL and Redis (issues 7 and 16).

Creates the bench database if it is missing (DATABASE_URL, default bench_perf), migrates, then grows
the data in stages (BENCH_STAGES, default 10,100,300 districts: 109,590, 479,240 and 1,002,600
notices; seed_scale is idempotent, so each stage only adds districts) and measures the pages at each
stage for the largest district (1) and a small one; then the EXPLAIN comparison, the deadline sweep
and the HTTP load at the last stage, and writes the tables to docs/performance.md and the summary to
the README (between bench markers), with the machine's load before and after.
Environment: BENCH_STAGES (10,100,300), BENCH_DISTRICTS (one stage of N districts, for a quick look;
used when BENCH_STAGES is not set), BENCH_SCALE (notices per district × factor, 1), BENCH_RUNS (page/floor
pairs per round, 5), BENCH_ROUNDS (3), BENCH_SWEEP_NOTICES (10000), BENCH_LOAD_SECONDS (60),
BENCH_LOAD_USERS (50,200), BENCH_SKIP (comma list of steps to skip: migrate, seed, pages, explain, sweep,
load).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, ROOT, bench_env, machine, save  # noqa: E402

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


def step(name: str, args: list[str], timings: dict, *, label: str = "") -> None:
    if name in os.environ.get("BENCH_SKIP", "").split(","):
        print(f"== {name}: skipped", flush=True)
        return
    print(f"== {label or name}: {' '.join(args)}", flush=True)
    t0 = time.monotonic()
    subprocess.run([PY, *args], cwd=ROOT, env=bench_env(), check=True)
    timings[label or name] = round(time.monotonic() - t0, 1)


def stages(env) -> list[int]:
    if env.get("BENCH_STAGES"):
        return sorted({int(x) for x in env["BENCH_STAGES"].split(",") if x.strip()})
    if env.get("BENCH_DISTRICTS"):
        return [int(env["BENCH_DISTRICTS"])]
    return [10, 100, 300]


def main() -> None:
    env = bench_env()
    started = time.monotonic()
    ensure_database(env["DATABASE_URL"])
    before = machine()
    timings: dict[str, float] = {}
    steps = stages(env)
    scale = env.get("BENCH_SCALE", "1")
    step("migrate", ["manage.py", "migrate", "--no-input", "-v0"], timings)
    for n in steps:  # issue 16, point 8: the cost of the pages as the data grows
        step("seed", ["manage.py", "seed_scale", "--districts", str(n), "--scale", scale], timings,
             label=f"seed {n}")
        final = n == steps[-1]  # the full table at the last stage; fewer runs before (time of the full run)
        step("pages", ["bench/pages.py", "--runs", env.get("BENCH_RUNS", "5") if final else "3",
                       "--rounds", env.get("BENCH_ROUNDS", "3") if final else "2", "--small-among", str(steps[0]),
                       "--out", f"pages-{n}", *(["--memory"] if final else ["--skip", "CSV export"])],
             timings, label=f"pages {n}")  # the export reads one district: measured once, at the last stage
    last = RESULTS / f"pages-{steps[-1]}.json"
    if last.exists():
        shutil.copyfile(last, RESULTS / "pages.json")
    step("explain", ["bench/explain.py"], timings)
    step("sweep", ["bench/sweep.py", "--notices", env.get("BENCH_SWEEP_NOTICES", "10000")], timings)
    step("load", ["bench/load.py", "--seconds", env.get("BENCH_LOAD_SECONDS", "60"),
                  "--users", env.get("BENCH_LOAD_USERS", "50,200"),
                  "--sweep-notices", env.get("BENCH_SWEEP_NOTICES", "10000")], timings)
    save("run", {"machine_before": before, "machine_after": machine(), "districts": steps[-1], "stages": steps,
                 "scale": float(scale), "timings": timings, "total_seconds": round(time.monotonic() - started, 1),
                 "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    subprocess.run([PY, "bench/report.py"], cwd=ROOT, env=env, check=True)
    print(f"== make bench done in {time.monotonic() - started:.0f} s: docs/performance.md", flush=True)


if __name__ == "__main__":
    main()
