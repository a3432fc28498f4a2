"""A real Celery worker with embedded beat, as a subprocess against the test database (PS-2.3).

The tests here are `services` tests with `transaction=True`: what the test commits is what the worker
sees. Every process started here is stopped in the fixture's teardown, whatever happens.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from ..conftest import REQUIRE_SERVICES, start_beat_schedule

CELERY = str(Path(sys.executable).with_name("celery"))
PROJECT = Path(__file__).resolve().parents[2]


def require(condition: bool, message: str) -> None:
    """A missing service fails the run in CI (REQUIRE_SERVICES=1) and only skips elsewhere."""
    if not condition:
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


def redis_ping(url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def database_url_of_this_test() -> str:
    """The URL of the database this test runs against (pytest-django's test database)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def stop(process: subprocess.Popen, *, grace: float = 20) -> None:
    """SIGTERM to the process group we started (warm shutdown), SIGKILL if it does not end in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fast_sweep_schedule(transactional_db):
    """Beat reads its schedule from the (test) database: the sweep every 2 s instead of every minute.

    The rows of settings.CELERY_BEAT_SCHEDULE are written first, as beat does when it starts, and switched
    off: beat's start updates them by name but keeps them off, so only the 2-second sweep runs."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    start_beat_schedule()
    PeriodicTask.objects.update(enabled=False)
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    return PeriodicTask.objects.create(name="Fristen prüfen (Test, alle 2 s)", task="staffing.tasks.sweep_deadlines",
                                       interval=every_2s, enabled=True)


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of our own on a free port (never the shared one: this one gets flushed)."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server is not installed")
    port = free_port()
    log = open(tmp_path / "redis.log", "w")  # noqa: SIM115  (closed in teardown)
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(tmp_path)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while not redis_ping(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"private redis-server did not start: {(tmp_path / 'redis.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        stop(process, grace=5)
        log.close()


@pytest.fixture
def start_worker(fast_sweep_schedule, tmp_path):
    """start_worker(broker_url): `celery -A jobagentur worker --beat` on the test database."""
    started = []

    def start(broker_url: str) -> Path:
        require(redis_ping(broker_url), f"Redis is not reachable at {broker_url}")
        log_path = tmp_path / f"celery-{len(started)}.log"
        log = open(log_path, "w")  # noqa: SIM115  (closed in teardown)
        env = {**os.environ, "DATABASE_URL": database_url_of_this_test(), "CELERY_BROKER_URL": broker_url,
               "CELERY_TASK_ALWAYS_EAGER": "false", "EMAIL_URL": "consolemail://", "DEBUG": "false",
               "PYTHONUNBUFFERED": "1",
               # a queue of our own: a parallel run on the same Redis must not take our tasks, nor we its
               "CELERY_TASK_DEFAULT_QUEUE": f"wf-test-{os.getpid()}-{len(started)}"}
        process = subprocess.Popen(
            [CELERY, "-A", "jobagentur", "worker", "--beat", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"wf-test-{os.getpid()}@%h"],
            cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log, log_path, broker_url, env["CELERY_TASK_DEFAULT_QUEUE"]))
        return log_path

    yield start
    for process, log, log_path, broker_url, queue in started:
        stop(process)
        log.close()
        forget_queue(broker_url, queue)
        if os.environ.get("WORKER_LOG"):
            sys.stderr.write(log_path.read_text())


def forget_queue(broker_url: str, queue: str) -> None:
    """Remove our private queue and its kombu bindings from a shared Redis (only keys named after it)."""
    import redis

    with contextlib.suppress(redis.RedisError):  # a private instance may be gone already
        redis.Redis.from_url(broker_url, socket_connect_timeout=2).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def wait_for(predicate, *, timeout: float, log_path: Path | None = None, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    tail = log_path.read_text()[-6000:] if log_path else ""
    pytest.fail(f"{what} not reached within {timeout:.0f} s\n--- worker log (tail) ---\n{tail}")
