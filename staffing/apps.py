from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    """The core: the placement-notice workflow (PS-2), its access policy, states and notifications.

    It imports no other app of the project; they plug in through `staffing.hooks` in their own
    `ready()`."""

    name = "staffing"
    verbose_name = _("Personalstandards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # register the Celery tasks in every process: the notification pipeline hands work to them by name
        # PS-1.1: each district's career-track table is read once per request; a new district gets the defaults
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_save

        from . import (
            middleware,
            qualification,
            tasks,  # noqa: F401
        )
        from .models import District

        request_started.connect(qualification.start_request_memo, dispatch_uid="career_tables_start")
        request_finished.connect(qualification.end_request_memo, dispatch_uid="career_tables_end")
        # issue 16, point 3: a new session carries the idle timer's stamp from the login on
        user_logged_in.connect(middleware.stamp_session_at_login, dispatch_uid="session_idle_stamp")
        post_save.connect(_seed_career_tracks, sender=District, dispatch_uid="career_tracks_new_district")


def _seed_career_tracks(sender, instance, created, raw=False, **kwargs):
    """PS-1.1: a new district starts with the default career-track table, which it then edits."""
    if created and not raw:
        from .records import career_tracks_seed_defaults
        career_tracks_seed_defaults(district=instance)
