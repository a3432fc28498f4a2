"""Shared set-up of the benchmark scripts: environment, Django, results folder."""
from __future__ import annotations

import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_perf"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/8"
BENCH_SECRET_KEY = secrets.token_urlsafe(64)  # one per bench run, shared by its processes


def bench_env() -> dict[str, str]:
    """The environment every bench process runs with (production-like: DEBUG off)."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    env.setdefault("DEBUG", "false")
    env.setdefault("SECRET_KEY", BENCH_SECRET_KEY)  # without DEBUG the secret-key check needs one (issue 15)
    env.setdefault("SECURE_SSL_REDIRECT", "false")  # the bench speaks plain HTTP to its own server
    env.setdefault("DEMO_LOGINS_ENABLED", "true")  # the seeded accounts are demo accounts
    env.setdefault("STATIC_MANIFEST", "false")  # no collectstatic needed; pages only, no static files
    env.setdefault("EMAIL_URL", "memorymail://")
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("DJANGO_SETTINGS_MODULE", "jobagentur.settings")
    return env


def setup_django() -> None:
    os.environ.update({k: v for k, v in bench_env().items() if k not in os.environ})
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def save(name: str, data) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))


def load(name: str):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def machine() -> dict:
    """nproc, CPU model, RAM and the load at the time (the CPU is shared with other engineers)."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    try:
        pg = subprocess.run(["psql", bench_env()["DATABASE_URL"], "-Atc", "show server_version"],
                            capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        pg = "?"
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "loadavg": os.getloadavg(), "python": platform.python_version(), "postgresql": pg}
