from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations and security plumbing: health endpoint, JSON logs, middleware, login throttling, and the
    receivers below. Builds on `staffing`; `staffing` knows nothing of it."""

    name = "ops"
    verbose_name = _("Betrieb")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_failure, task_postrun
        from django.contrib.auth.signals import user_login_failed

        from . import deploy_checks, pools, receivers  # noqa: F401  (deploy_checks registers its system check)

        # in every process that sets Django up: web (failed logins) and worker (the sweep's heartbeat)
        task_postrun.connect(receivers.sweep_heartbeat, dispatch_uid="ops.sweep_heartbeat")
        user_login_failed.connect(receivers.log_login_failed, dispatch_uid="ops.log_login_failed")
        # issue 15, point 9: a worker's connection pool stuck after a database outage is replaced
        task_failure.connect(pools.reset_pools_after_failed_task, dispatch_uid="ops.reset_pools")

        from staffing import hooks

        # issue 14: the development mail viewer's header link (only while DEBUG, for whom `dev_mail.view` allows)
        hooks.register_navigation("ops", receivers.dev_mail_link, area="user")
