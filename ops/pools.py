"""Recovery of psycopg's connection pool after a database outage (issue 15, point 9)."""
import logging

from django.db import connections

logger = logging.getLogger(__name__)


def _pool_timeout(exception: BaseException | None) -> bool:
    """True if `exception` (or what it wraps: Django raises its OperationalError from psycopg's) is the
    pool's "couldn't get a connection"."""
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite, or PostgreSQL without the pool
        return False
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, PoolTimeout):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


def reset_stuck_pools(exception: BaseException | None) -> int:
    """Issue 15, point 9: close a connection pool that could not connect, so the next request opens a
    fresh one. psycopg's pool retries a lost server with exponential back-off (1, 2, 4, … seconds) and opens
    no other connection meanwhile: after an outage of a few minutes every request kept answering 503 for
    minutes after PostgreSQL was back. A pool that is merely busy (all its connections in use) is left
    alone: it is reset only when it holds fewer connections than it may. Returns the number of pools closed."""
    if not _pool_timeout(exception):
        return 0
    closed = 0
    for conn in connections.all(initialized_only=True):
        if conn.vendor != "postgresql" or not conn.settings_dict["OPTIONS"].get("pool"):
            continue
        try:
            pool = conn.pool
            if pool is not None and pool.get_stats().get("pool_size", 0) < pool.max_size:
                conn.close_pool()
                closed += 1
        except Exception:
            logger.warning("could not reset the connection pool of %s", conn.alias, exc_info=True)
    if closed:
        logger.warning("database connection pool reset after a failed connection attempt (%s)", closed,
                       extra={"event": "database_pool_reset"})
    return closed


def reset_pools_after_failed_task(sender=None, exception=None, **kwargs):
    """celery task_failure: the worker's pool recovers the same way as the web's (issue 15, point 9)."""
    reset_stuck_pools(exception)
