"""Faults against the real services: Redis stopped, a worker killed during the sweep, the database
connection dropped during a request, two users acting on one notice at once.

Services we stop or kill are private instances on spare ports; PostgreSQL is never stopped: we
terminate our own test database's connections instead."""
import datetime
import threading
import time

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffing.models import (
    NoticeEvent,
    NoticeState,
    Notification,
    PlacementNotice,
    Position,
)
from staffing.tasks import run_sweep, sweep_deadlines
from tests.factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory

from .helpers import PrivateRedis, Worker, broker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_redis():
    server = PrivateRedis(6392)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_redis():
    server = PrivateRedis(6393)
    server.start()
    yield server
    server.stop()


def complete_draft(office):
    notice = PlacementNoticeFactory(position=PositionFactory(office=office))
    CandidateFactory(notice=notice)
    return notice


# --- 1. Redis stopped while notices are submitted --------------------------------------------

def test_submissions_succeed_while_redis_is_down_and_notifications_follow_when_it_is_back(
        private_redis, witten_office, clerk_witten, coordinator, mailoutbox, time_machine):
    notices = [complete_draft(witten_office) for _ in range(3)]
    client = Client()
    client.force_login(clerk_witten)
    with broker(private_redis.url):
        private_redis.stop()
        for notice in notices:
            response = client.post(reverse("staffing:notice_action", args=[notice.pk, "submit"]),
                                   {"submit-seen_state": "draft", "submit-confirm": "on"})
            assert response.status_code == 302, response.content.decode()[:500]
        # every submission is saved with its period; its notifications wait in the outbox
        assert set(PlacementNotice.objects.values_list("state", flat=True)) == {NoticeState.INFORMED}
        outbox = NoticeEvent.objects.filter(to_state=NoticeState.INFORMED, notifications_sent_at__isnull=True)
        assert outbox.count() == 3
        assert not Notification.objects.exists() and not mailoutbox
        with pytest.raises(Exception):  # noqa: B017 - beat cannot hand out the sweep either
            sweep_deadlines.apply_async(retry=False)

        private_redis.start()  # Redis is back (empty: it kept nothing)
        sweep_deadlines.delay()  # what beat sends every minute
        assert private_redis.queue_length() == 1
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
        result = sweep_deadlines.apply().get(disable_sync_subtasks=False)  # what the worker does with it
    assert result["outbox"] == 3
    assert not outbox.exists()
    assert Notification.objects.filter(recipient=coordinator, kind=Notification.Kind.SUBMITTED).count() == 3
    assert sum(coordinator.email in m.to for m in mailoutbox) == 3

    # deadlines still fire: after the period every notice is approved by silence, exactly once
    latest_end = max(PlacementNotice.objects.values_list("period_ends_at", flat=True))
    time_machine.move_to(latest_end + datetime.timedelta(seconds=1))
    assert run_sweep()["approved"] == 3
    assert run_sweep()["approved"] == 0
    assert set(PlacementNotice.objects.values_list("state", flat=True)) == {NoticeState.APPROVED_BY_SILENCE}


def test_a_cap_set_while_redis_is_down_answers_and_the_sweep_mails_it_later(
        private_redis, witten, clerk_witten, district_admin, mailoutbox, time_machine):
    """The planning side's messages are notifications of the same pipeline, with the same outbox."""
    client = Client()
    client.force_login(district_admin)
    with broker(private_redis.url):
        private_redis.stop()
        response = client.post(reverse("planning:cap_create"),
                               {"city": witten.pk, "year": 2027, "amount": "250000", "reason": "Tarif"})
        assert response.status_code == 302, response.content.decode()[:500]
        notification = Notification.objects.get()  # saved with the cap, waiting for its mail
        assert notification.recipient == clerk_witten and notification.emailed_at is None
        assert not mailoutbox
        private_redis.start()
        time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
        result = sweep_deadlines.apply().get(disable_sync_subtasks=False)  # what the worker does with beat's sweep
    assert result["mailed"] == 1
    assert [m.to for m in mailoutbox] == [[clerk_witten.email]]
    assert Notification.objects.get().emailed_at is not None


# --- 2. the worker killed (SIGKILL) during the sweep ------------------------------------------

def due_notices(office, count: int) -> list[int]:
    function = FunctionFactory()
    positions = Position.objects.bulk_create([
        Position(office=office, function=function, number=f"K-{i:04d}", title="Arbeitsvermittler/in",
                 grade="EG 9c", fte=1) for i in range(count)])
    PlacementNotice.objects.bulk_create([
        PlacementNotice(office=office, district_id=office.district_id, position=p, function=function,
                        planned_start=datetime.date(2027, 2, 1), reason="Nachbesetzung") for p in positions])
    now = timezone.now()
    PlacementNotice.objects.update(state=NoticeState.INFORMED, received_at=now - datetime.timedelta(days=10),
                                   period_ends_at=now - datetime.timedelta(days=1),
                                   period_last_day=(now - datetime.timedelta(days=2)).date())
    return list(PlacementNotice.objects.values_list("pk", flat=True))


def approved_count() -> int:
    return PlacementNotice.objects.filter(state=NoticeState.APPROVED_BY_SILENCE).count()


def test_a_worker_killed_during_the_sweep_approves_nothing_twice_and_skips_nothing(worker_redis, witten_office):
    total = 400
    ids = due_notices(witten_office, total)
    first = Worker(worker_redis.url)
    try:
        with broker(worker_redis.url):
            sweep_deadlines.delay()
        wait_until(lambda: approved_count() > 0, timeout=60, interval=0.01, message="the sweep did not start")
        first.kill()
    finally:
        first.kill()
    at_kill = approved_count()
    assert 0 < at_kill < total, f"the kill came too late ({at_kill} of {total} approved): nothing was tested"
    # what was approved before the kill is complete: state and audit record in one transaction
    events = NoticeEvent.objects.filter(transition="approve_by_silence")
    assert events.count() == at_kill

    second = Worker(worker_redis.url)  # the restarted worker; beat sends the next sweep
    try:
        with broker(worker_redis.url):
            sweep_deadlines.delay()
        wait_until(lambda: approved_count() == total, timeout=120, interval=0.2,
                   message="the second sweep did not approve every due notice")
    finally:
        second.stop()
    per_notice = dict.fromkeys(ids, 0)
    for notice_id in events.values_list("notice_id", flat=True):
        per_notice[notice_id] += 1
    assert set(per_notice.values()) == {1}, "a notice was approved twice or not at all"
    assert run_sweep()["approved"] == 0


# --- 3. the PostgreSQL connection dropped during a request ------------------------------------

def terminate_own_connections() -> int:
    """Terminate every other session of this test database (ours only: the database is our own)."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"],
                         autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
    return len(rows)


def test_a_dropped_database_connection_gives_a_german_error_page_and_the_next_request_works(
        clerk_witten, witten_office):
    complete_draft(witten_office)
    client = Client()
    client.force_login(clerk_witten)
    assert client.get(reverse("staffing:notice_list")).status_code == 200
    assert terminate_own_connections() >= 1
    response = client.get(reverse("staffing:notice_list"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "Die Verbindung zur Datenbank ist unterbrochen" in html and 'lang="de"' in html
    assert response["Retry-After"]
    # the broken connection was discarded: the retry works, the user is still signed in
    retry = client.get(reverse("staffing:notice_list"))
    assert retry.status_code == 200
    assert retry.wsgi_request.user == clerk_witten


def test_a_dropped_connection_during_a_submission_saves_nothing_half(clerk_witten, witten_office):
    notice = complete_draft(witten_office)
    client = Client()
    client.force_login(clerk_witten)
    client.get(reverse("staffing:notice_list"))
    terminate_own_connections()
    response = client.post(reverse("staffing:notice_action", args=[notice.pk, "submit"]),
                           {"submit-seen_state": "draft", "submit-confirm": "on"})
    assert response.status_code == 503
    close_old_connections()
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT and not NoticeEvent.objects.exists()
    retry = client.post(reverse("staffing:notice_action", args=[notice.pk, "submit"]),
                        {"submit-seen_state": "draft", "submit-confirm": "on"})
    assert retry.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED and NoticeEvent.objects.count() == 1


# --- 4. two users acting on one notice at once ----------------------------------------------

def test_two_coordinators_acting_at_once_exactly_one_wins_and_the_other_is_told(
        witten_office, clerk_witten, coordinator, district):
    from staffing import services
    from staffing.models import Organisation
    from tests.factories import district_user

    second = district_user(district, Organisation.Kind.COORDINATION, username="koordination-2")
    notice = complete_draft(witten_office)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    posts = {
        coordinator.pk: ("clear", {"clear-seen_state": "informed", "clear-reason": "keine Bedenken",
                                  "clear-confirm": "on"}),
        second.pk: ("raise_concerns", {"raise_concerns-seen_state": "informed",
                                       "raise_concerns-reason": "Qualifikation fehlt"}),
    }
    barrier = threading.Barrier(2)
    answers = {}

    def act(user):
        try:
            client = Client()
            client.force_login(user)
            name, data = posts[user.pk]
            barrier.wait()
            response = client.post(reverse("staffing:notice_action", args=[notice.pk, name]), data, follow=True)
            answers[user.pk] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (coordinator, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    decisions = NoticeEvent.objects.filter(notice=notice, from_state=NoticeState.INFORMED)
    assert decisions.count() == 1, "exactly one of the two steps may happen"
    winner = decisions.get().actor_id
    loser = second.pk if winner == coordinator.pk else coordinator.pk
    notice.refresh_from_db()
    assert notice.state in (NoticeState.CLEARED, NoticeState.CONSULTATION)
    status, html = answers[loser]
    assert status in (200, 400, 409)
    assert ("inzwischen von jemand anderem bearbeitet" in html or "nicht möglich" in html
            or "nicht mehr" in html), html[:2000]
    assert answers[winner][0] == 200


def test_many_simultaneous_clicks_on_one_step_record_it_once(witten_office, clerk_witten, coordinator):
    from staffing import services

    notice = complete_draft(witten_office)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    barrier = threading.Barrier(4)
    codes = []

    def click():
        try:
            client = Client()
            client.force_login(coordinator)
            barrier.wait()
            codes.append(client.post(reverse("staffing:notice_action", args=[notice.pk, "clear"]),
                                     {"clear-seen_state": "informed", "clear-confirm": "on"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(codes) == 4 and 500 not in codes
    assert NoticeEvent.objects.filter(notice=notice, transition="clear").count() == 1
    time.sleep(0)  # threads are joined; nothing left running
