"""End to end with a real Celery worker and beat against Redis (PS-2.3): the deadline lives in the
database, so a due notice is approved by the sweep that beat schedules, even after Redis lost everything."""
import os
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from staffing import services
from staffing.models import NoticeEvent, NoticeState, Notification, PlacementNotice

from ..workflow.helpers import complete_draft
from .conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)


def submitted_notice(office, clerk) -> PlacementNotice:
    notice = complete_draft(office, clerk)
    services.notice_submit(notice_id=notice.pk, by=clerk)
    return notice


def approved(pk: int) -> bool:
    return PlacementNotice.objects.get(pk=pk).state == NoticeState.APPROVED_BY_SILENCE


def test_worker_and_beat_approve_a_due_notice_and_notify_the_city(
        witten_office, clerk_witten, coordinator, start_worker):
    assert BROKER_URL.startswith("redis://"), "the worker test runs against Redis (CELERY_BROKER_URL)"
    notice = submitted_notice(witten_office, clerk_witten)
    running = submitted_notice(witten_office, clerk_witten)
    PlacementNotice.objects.filter(pk=notice.pk).update(period_ends_at=timezone.now() - timedelta(minutes=1))

    log = start_worker(BROKER_URL)

    wait_for(lambda: approved(notice.pk), timeout=90, log_path=log, what="approval by silence")
    # the approval's notifications travel through Redis to the same worker
    wait_for(lambda: Notification.objects.filter(notice=notice, recipient=clerk_witten,
                                                 kind=Notification.Kind.APPROVED_BY_SILENCE).exists(),
             timeout=30, log_path=log, what="notification of the city")
    event = NoticeEvent.objects.get(notice=notice, to_state=NoticeState.APPROVED_BY_SILENCE)
    assert event.actor is None
    assert event.notifications_sent_at is not None
    assert PlacementNotice.objects.get(pk=running.pk).state == NoticeState.INFORMED
    assert "staffing.tasks.sweep_deadlines" in log.read_text()


def test_flushing_redis_while_a_notice_waits_does_not_lose_its_approval(
        private_redis, witten_office, clerk_witten, coordinator, start_worker):
    log = start_worker(private_redis)
    wait_for(lambda: "Sending due task" in log.read_text() and " ready." in log.read_text(), timeout=60,
             log_path=log, what="worker and beat running")
    notice = submitted_notice(witten_office, clerk_witten)
    ends = timezone.now() + timedelta(seconds=8)
    PlacementNotice.objects.filter(pk=notice.pk).update(period_ends_at=ends)

    assert redis.Redis.from_url(private_redis).flushall()  # Redis loses the queue, the bindings, everything

    wait_for(lambda: approved(notice.pk), timeout=90, log_path=log, what="approval after FLUSHALL")
    event = NoticeEvent.objects.get(notice=notice, to_state=NoticeState.APPROVED_BY_SILENCE)
    assert event.at >= ends
