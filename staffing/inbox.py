"""Writes of the user's own inbox and settings (not part of the notice workflow)."""
from __future__ import annotations

from django.utils import timezone

from . import hooks
from .models import Notification, User


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def user_set_email_kinds(*, user: User, wanted: list[str]) -> list[str]:
    """The user receives e-mails for `wanted` kinds only; every other kind is muted."""
    muted = [kind for kind in hooks.notification_kind_values() if kind not in set(wanted)]
    User.objects.filter(pk=user.pk).update(muted_email_kinds=muted)
    user.muted_email_kinds = muted
    return muted
