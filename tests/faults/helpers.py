"""Private services for fault tests: a Redis we may stop, and Celery workers we may kill."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from jobagentur.celery import app as celery_app

VENV_BIN = Path(sys.executable).parent


class PrivateRedis:
    """A redis-server on a spare port, without persistence, started and stopped by the test."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--loglevel", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a paused server is killed too
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: Redis hangs (as on a frozen host or a lost network), keeping everything it holds."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.2).ping())
        except redis.exceptions.ConnectionError:
            return False

    def queue_length(self) -> int:
        import redis

        return redis.Redis(port=self.port).llen(celery_app.conf.task_default_queue)


def _reset_broker_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Send tasks of this process to `url` (a real broker, not eager)."""
    # broker_url would lose to the CELERY_BROKER_URL environment variable; the write URL does not
    previous = (celery_app.conf.get("broker_write_url"), celery_app.conf.task_always_eager)
    celery_app.conf.broker_write_url = url
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_write_url, celery_app.conf.task_always_eager = previous
        _reset_broker_pools()


def worker_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real `celery worker` process against the test database and a private Redis."""

    def __init__(self, broker_url: str, *, extra_env: dict | None = None, stderr=subprocess.PIPE):
        env = {k: v for k, v in os.environ.items() if k not in ("CELERY_TASK_ALWAYS_EAGER",)}
        env.update({"DATABASE_URL": worker_database_url(), "CELERY_BROKER_URL": broker_url, "LOG_LEVEL": "WARNING",
                    "DB_POOL": "false", "EMAIL_URL": "consolemail://"})
        env.update(extra_env or {})
        self.process = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "jobagentur", *self.arguments()],
            cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True)

    def arguments(self) -> list[str]:
        return ["worker", "-P", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"faults-{uuid.uuid4().hex[:8]}@%h", "--loglevel=WARNING"]

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Beat(Worker):
    """A real `celery beat` process (the DatabaseScheduler of the settings) against the test database."""

    def __init__(self, broker_url: str, schedule_file: Path, **kwargs):
        self.schedule_file = schedule_file
        super().__init__(broker_url, **kwargs)

    def arguments(self) -> list[str]:
        return ["beat", "--max-interval", "2", "-s", str(self.schedule_file), "--loglevel=WARNING"]


def free_port() -> int:
    """A TCP port nobody listens on now (never the shared 5432/6379)."""
    import socket

    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in (5432, 6379):
            return port


def wait_until(predicate, *, timeout: float, interval: float = 0.05, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s: {message}")
