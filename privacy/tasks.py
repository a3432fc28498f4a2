"""Celery tasks of data protection; beat runs them on the schedule in settings.CELERY_BEAT_SCHEDULE."""
from celery import shared_task

from .services import erase_expired_personal_data

# The task's name is what beat's rows and queued messages carry. It is kept from the time the task lived
# in staffing/retention.py, so schedules and messages of running installations keep working unchanged.
ERASE_TASK = "staffing.retention.erase_expired_personal_data_task"


@shared_task(name=ERASE_TASK, ignore_result=True)
def erase_expired_personal_data_task() -> int:
    """Daily: erase candidates' personal data past the retention period (DSGVO Art. 5 (1) e, Art. 17)."""
    return erase_expired_personal_data()
