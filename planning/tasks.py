"""Celery tasks of the planning side; beat runs the reminder daily (see migration 0002)."""
from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def remind_overdue_reports() -> int:
    """PS-6.1: remind the cities whose quarterly report is overdue (once per quarter)."""
    return services.send_report_reminders()


@shared_task(acks_late=True, ignore_result=True)
def send_planning_messages(message_ids: list[int]) -> int:
    """Kept for tasks queued by an earlier release: planning messages are now the core's notifications
    (migration 0003 copied them); the deadline sweep mails those still unsent. Does nothing."""
    return 0
