"""Issue 15, point 9: the pieces that let users go on through a broker or database outage (the faults
themselves run against real services in tests/faults/test_issue15_outages.py)."""
import pytest
from django.db import OperationalError
from django.test import RequestFactory

from ops.middleware import DatabaseUnavailableMiddleware
from ops.pools import _pool_timeout, reset_stuck_pools
from staffing import notifications


def wrapped(cause):
    try:
        try:
            raise cause
        except Exception as error:
            raise OperationalError(str(error)) from error
    except OperationalError as django_error:
        return django_error


def test_a_pool_timeout_is_recognised_through_djangos_wrapper():
    psycopg_pool = pytest.importorskip("psycopg_pool")
    assert _pool_timeout(wrapped(psycopg_pool.PoolTimeout("couldn't get a connection after 5.00 sec")))
    assert not _pool_timeout(wrapped(ValueError("canceling statement due to statement timeout")))
    assert not _pool_timeout(None)


@pytest.mark.django_db
def test_another_database_error_resets_no_pool_and_answers_the_german_503_page():
    assert reset_stuck_pools(wrapped(ValueError("server closed the connection unexpectedly"))) == 0
    request = RequestFactory().get("/mitteilungen/")
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
        request, wrapped(ValueError("server closed the connection unexpectedly")))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Die Verbindung zur Datenbank ist unterbrochen" in response.content.decode()


def test_after_a_failed_hand_off_the_broker_is_left_alone_for_a_while(monkeypatch, settings):
    """A broker that hangs costs one request the socket timeout, not every request (BROKER_RETRY_AFTER)."""
    calls = []

    class Unreachable:
        def delay(self, *args):
            calls.append(args)
            raise ConnectionError("Timeout reading from socket")

    monkeypatch.setattr(notifications.current_app, "tasks", {notifications.SEND_MAILS_TASK: Unreachable()})
    notifications.reset_broker_state()
    settings.BROKER_RETRY_AFTER = 30
    try:
        notifications._hand_off(notifications.SEND_MAILS_TASK, [1], what="test")
        assert notifications.broker_marked_down()
        notifications._hand_off(notifications.SEND_MAILS_TASK, [2], what="test")
        assert calls == [([1],)]  # the second hand-off did not wait for the broker; the outbox keeps it
        notifications.reset_broker_state()
        notifications._hand_off(notifications.SEND_MAILS_TASK, [3], what="test")
        assert calls == [([1],), ([3],)]
    finally:
        notifications.reset_broker_state()


def test_a_redis_broker_gets_socket_timeouts_and_one_publish_retry():
    """Without them a stopped (SIGSTOP) Redis hung every step's hand-off for good (measured: > 200 s)."""
    import importlib
    import os

    from jobagentur import settings as project_settings

    previous = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    try:
        module = importlib.reload(project_settings)
        options = module.CELERY_BROKER_TRANSPORT_OPTIONS
        assert options["socket_timeout"] == options["socket_connect_timeout"] == module.BROKER_SOCKET_TIMEOUT
        assert 0 < module.BROKER_SOCKET_TIMEOUT <= 5
        assert module.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 1
    finally:
        if previous is None:
            os.environ.pop("CELERY_BROKER_URL")
        else:
            os.environ["CELERY_BROKER_URL"] = previous
        importlib.reload(project_settings)
