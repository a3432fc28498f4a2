"""Writes of operations: the heartbeat of a periodic job."""
from django.utils import timezone

from .models import Heartbeat

SWEEP_TASK = "staffing.tasks.sweep_deadlines"
SWEEP_HEARTBEAT = "deadline-sweep"


def beat_heartbeat(*, name: str = SWEEP_HEARTBEAT) -> None:
    """Record that a periodic job has just run (written by the worker after each sweep, PS-2.3)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
