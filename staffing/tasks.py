"""Celery tasks. Deadlines live in the database; beat runs `sweep_deadlines` every minute (PS-2.3).

Tasks call the services and the notification pipeline, never the other way round: `notifications`
hands work to these tasks by name (`notifications.DELIVER_EVENT_TASK`, `SEND_MAILS_TASK`). The module
is imported in `StaffingConfig.ready()`, so the tasks are registered in every process (the web process
too, which hands them to the broker), not only in the worker that autodiscovers them.
"""
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import notifications, services
from .models import NoticeComment, NoticeEvent

logger = logging.getLogger(__name__)

OUTBOX_LIMIT, OUTBOX_BATCH = 2000, 200  # events the sweep's outbox delivers per run, and per transaction


@shared_task(acks_late=True, ignore_result=True)
def deliver_event_notifications(event_id: int) -> int:
    """Notify the recipients of one audit event (idempotent)."""
    ids = notifications.deliver_event(event_id)
    return notifications.send_mails(ids)


@shared_task(acks_late=True, ignore_result=True)
def deliver_events_notifications(event_ids: list[int]) -> int:
    """Issue 16, point 2: notify the recipients of a batch of audit events (one task per batch of the
    deadline sweep): notifications written in bulk, mails sent over one connection; idempotent."""
    ids = notifications.deliver_events(event_ids)
    return notifications.send_mails(ids)


@shared_task(acks_late=True, ignore_result=True)
def deliver_comment_notifications(comment_id: int) -> int:
    """Notify the other side of a new comment (services now create these in the comment's own transaction;
    kept for messages queued by an earlier release)."""
    with transaction.atomic():
        comment = NoticeComment.objects.select_related("notice", "notice__office", "notice__office__city").get(
            pk=comment_id)
        ids = notifications.create_comment_notifications(comment)
    return notifications.send_mails(ids)


@shared_task(acks_late=True, ignore_result=True)
def send_notification_mails(notification_ids: list[int]) -> int:
    """Send the e-mails of these notifications (those not yet mailed)."""
    return notifications.send_mails(notification_ids)


@shared_task(ignore_result=True)
def sweep_deadlines() -> dict:
    """PS-2.3: approve by silence, send reminders, and deliver what the broker missed (the outbox)."""
    return run_sweep()


def run_sweep() -> dict:
    """One pass of the sweep; also used by `manage.py process_deadlines`. Mails go out after each
    batch's own transaction, so the sweep must not run inside an open transaction."""
    approved = services.sweep_approvals()
    reminded = services.sweep_reminders()
    cutoff = timezone.now() - timezone.timedelta(minutes=1)
    outbox = list(NoticeEvent.objects.filter(notifications_sent_at__isnull=True, at__lte=cutoff)
                  .order_by("pk").values_list("pk", flat=True)[:OUTBOX_LIMIT])
    mailed = 0
    for start in range(0, len(outbox), OUTBOX_BATCH):  # issue 16, point 2: delivered in batches
        mailed += notifications.send_mails(notifications.deliver_events(outbox[start:start + OUTBOX_BATCH]))
    mailed += notifications.send_mails(notifications.pending_mail_ids())
    result = {"approved": len(approved), "reminded": len(reminded), "outbox": len(outbox), "mailed": mailed}
    if any(result.values()):
        logger.info("deadline sweep: %s", result)
    return result
