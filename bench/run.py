"""`make bench`: the national-scale benchmark on the local PostgreSQL and Redis (issues 7 and 16).

Creates the bench database if it is missing (DATABASE_URL, default bench_perf), migrates, then grows
the data in stages (BENCH_STAGES, default 10,100,300 districts: 109,590, 479,240 and 1,002,600
notices; seed_scale is idempotent, so each stage only adds districts, and ends with VACUUM (ANALYZE)).
Each stage is frozen as a copy right after its seed (<db>_s10, <db>_s100, <db>_s300: CREATE DATABASE ...
TEMPLATE) on which its pages are measured, at this run and at later ones; the sweep and the load write into <db>
only. A database that already holds as many districts as a stage whose copy is missing, or more, is dropped and
seeded again (it may carry an earlier run's sweeps). The pages are measured at each stage for the
largest district (1) and a small one; the growth from the second-last to the last stage is measured in
lockstep (bench/growth.py: a worker on each of the two stages' copies take turns request by
request, BENCH_GROWTH_PAIRS pairs per page in each of BENCH_GROWTH_SWEEPS sweeps, 10 and 3). Then
the EXPLAIN comparison, the deadline sweep and the HTTP load at the last stage, and the tables are written
to docs/performance.md and the summary to the README (between bench markers), with the machine's load
before and after.
Environment: BENCH_STAGES (10,100,300), BENCH_DISTRICTS (one stage of N districts, for a quick look;
used when BENCH_STAGES is not set), BENCH_SCALE (notices per district × factor, 1), BENCH_RUNS (page/floor
pairs per round, 5), BENCH_ROUNDS (3), BENCH_SWEEP_NOTICES (10000), BENCH_LOAD_SECONDS (60),
BENCH_LOAD_USERS (50,200), BENCH_GROWTH_PAIRS (10), BENCH_GROWTH_SWEEPS (3), BENCH_SKIP (comma list of steps
to skip: migrate, seed, pages, growth, explain, sweep, load).
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


def _admin_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed.path.lstrip("/"), parsed._replace(path="/postgres").geturl()


def ensure_database(url: str) -> None:
    import psycopg

    name, admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def stage_url(url: str, n: int) -> str:
    """The frozen copy of the data as it was at the stage of n districts (issue 16, point 8)."""
    parsed = urlparse(url)
    return parsed._replace(path=f"{parsed.path}_s{n}").geturl()


def database_exists(url: str) -> bool:
    import psycopg

    name, admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def seeded_districts(url: str) -> int:
    """How many seed_scale districts the database holds (0 before the first migrate)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass('staffing_district')").fetchone()[0]:
            return 0
        return conn.execute("SELECT count(*) FROM staffing_district WHERE slug LIKE 'bench-d%%'").fetchone()[0]


def smallest_district(url: str, among: int) -> int:
    """The smallest of the first `among` seed districts (fewest notices, then the lowest number) in the database at
    `url`. Issue 16, point 5: read once per run from the first stage's data (its frozen copy), so every stage and
    every growth request measures the same small district; chosen per stage, it could change when the load step's
    top-up had added notices to the main database (2026-12-03: district 9 at 100 districts, 6 at 300)."""
    import psycopg

    slugs = [f"bench-d{k:03d}" for k in range(1, among + 1)]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT d.slug, count(n.id) FROM staffing_district d LEFT JOIN staffing_placementnotice n "
                            "ON n.district_id = d.id WHERE d.slug = ANY(%s) GROUP BY d.slug", [slugs]).fetchall()
    slug = min(rows, key=lambda row: (row[1], row[0]))[0]
    return int(slug[len("bench-d"):])


def drop_database(url: str) -> None:
    import psycopg

    name, admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def snapshot(url: str, copy_url: str) -> float:
    """Freeze the database as it is now (CREATE DATABASE ... TEMPLATE, a file copy): the pages of this stage are
    measured on the copy, at every later run too, and the lockstep growth compares it with the last stage request
    by request."""
    import psycopg

    t0 = time.monotonic()
    name, admin = _admin_url(url)
    copy = _admin_url(copy_url)[0]
    drop_database(copy_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}" STRATEGY FILE_COPY')
    return round(time.monotonic() - t0, 1)


def step(name: str, args: list[str], timings: dict, *, label: str = "", url: str = "") -> None:
    if name in os.environ.get("BENCH_SKIP", "").split(","):
        print(f"== {name}: skipped", flush=True)
        return
    env = bench_env() | ({"DATABASE_URL": url} if url else {})
    print(f"== {label or name}: {' '.join(args)}" + (f" (on {urlparse(url).path.lstrip('/')})" if url else ""),
          flush=True)
    t0 = time.monotonic()
    subprocess.run([PY, *args], cwd=ROOT, env=env, check=True)
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
    url = env["DATABASE_URL"]
    ensure_database(url)
    before = machine()
    timings: dict[str, float] = {}
    steps = stages(env)
    scale = env.get("BENCH_SCALE", "1")
    seeding = "seed" not in env.get("BENCH_SKIP", "").split(",")
    # Every stage is measured on its own data: each stage is a frozen copy (<db>_sN), taken right after its seed;
    # the sweep and the load then write into <db> only (their notices never reach a stage's pages or the growth).
    # A database that already holds a stage whose copy is missing, or more, cannot show that stage as seeded (it
    # may carry an earlier run's sweeps and load): start afresh.
    missing = [n for n in steps if not database_exists(stage_url(url, n))]
    if seeding and missing and seeded_districts(url) >= min(missing):
        print(f"== {urlparse(url).path.lstrip('/')} holds {seeded_districts(url)} districts, the stage of "
              f"{min(missing)} whose copy is missing or more: dropped, seeded again", flush=True)
        drop_database(url)
        ensure_database(url)
    step("migrate", ["manage.py", "migrate", "--no-input", "-v0"], timings)
    small = 0  # the small district, from the first stage's data (the same at every stage and pass)
    for n in steps:  # issue 16, point 8: the cost of the pages as the data grows
        final = n == steps[-1]
        frozen = stage_url(url, n)  # the last stage too: its pages and the growth are measured before any sweep
        if database_exists(frozen):
            step("migrate", ["manage.py", "migrate", "--no-input", "-v0"], timings, label=f"migrate {n}", url=frozen)
        else:
            step("seed", ["manage.py", "seed_scale", "--districts", str(n), "--scale", scale], timings,
                 label=f"seed {n}")
            if seeding:
                timings[f"copy {n}"] = snapshot(url, frozen)
                print(f"== copy {n}: {urlparse(frozen).path.lstrip('/')} in {timings[f'copy {n}']} s", flush=True)
        if not small:
            small = smallest_district(frozen if database_exists(frozen) else url, steps[0])
            print(f"== small district: {small} (the smallest of the first {steps[0]})", flush=True)
        # the full table at the last stage; fewer runs before (time of the full run)
        step("pages", ["bench/pages.py", "--runs", env.get("BENCH_RUNS", "5") if final else "3",
                       "--rounds", env.get("BENCH_ROUNDS", "3") if final else "2", "--small", str(small),
                       "--out", f"pages-{n}", *(["--memory"] if final else ["--skip", "CSV export"])],
             timings, label=f"pages {n}", url=frozen if database_exists(frozen) else "")
    # The growth from the second-last to the last stage, measured in lockstep: two workers, one on each stage's
    # frozen copy, take turns request by request, so both see the machine of the same moment.
    growth = {"pairs": int(env.get("BENCH_GROWTH_PAIRS", "10")), "sweeps": int(env.get("BENCH_GROWTH_SWEEPS", "3"))}
    if len(steps) > 1 and database_exists(stage_url(url, steps[-2])):
        later = stage_url(url, steps[-1])
        step("growth", ["bench/growth.py", "--earlier", stage_url(url, steps[-2]),
                        "--later", later if database_exists(later) else url,
                        "--stages", f"{steps[-2]},{steps[-1]}", "--small", str(small),
                        "--pairs", str(growth["pairs"]), "--sweeps", str(growth["sweeps"])], timings)
    last = RESULTS / f"pages-{steps[-1]}.json"
    if last.exists():
        shutil.copyfile(last, RESULTS / "pages.json")
    step("explain", ["bench/explain.py"], timings)
    step("sweep", ["bench/sweep.py", "--notices", env.get("BENCH_SWEEP_NOTICES", "10000")], timings)
    step("load", ["bench/load.py", "--seconds", env.get("BENCH_LOAD_SECONDS", "60"),
                  "--users", env.get("BENCH_LOAD_USERS", "50,200"),
                  "--sweep-notices", env.get("BENCH_SWEEP_NOTICES", "10000")], timings)
    save("run", {"machine_before": before, "machine_after": machine(), "districts": steps[-1], "stages": steps,
                 "growth": growth, "scale": float(scale), "timings": timings,
                 "total_seconds": round(time.monotonic() - started, 1),
                 "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())})
    subprocess.run([PY, "bench/report.py"], cwd=ROOT, env=env, check=True)
    print(f"== make bench done in {time.monotonic() - started:.0f} s: docs/performance.md", flush=True)


if __name__ == "__main__":
    main()
