"""Signal receivers of operations; connected in OpsConfig.ready(), not at import."""
import logging

from .services import SWEEP_TASK, beat_heartbeat

logger = logging.getLogger(__name__)
security_log = logging.getLogger("jobagentur.security")


def client_ip(request) -> str:
    """The client's address as the login throttling sees it (behind a proxy: from X-Forwarded-For, issue 15)."""
    from .auth import client_ip_address

    return (client_ip_address(request) or "") if request is not None else ""


def sweep_heartbeat(sender=None, state=None, **kwargs):
    """celery task_postrun: a successful deadline sweep writes the heartbeat that /health/ reads."""
    if getattr(sender, "name", None) == SWEEP_TASK and state == "SUCCESS":
        try:
            beat_heartbeat()
        except Exception:  # the health check will report the missing heartbeat
            logger.exception("could not write the sweep heartbeat")


def log_login_failed(sender, credentials, request=None, **kwargs):
    """django user_login_failed: every failed login goes to the logger `jobagentur.security`."""
    username = (credentials or {}).get("username", "")
    security_log.warning("login failed: username=%r ip=%s", str(username)[:150], client_ip(request),
                         extra={"event": "login_failed", "username": str(username)[:150]})


def dev_mail_link(user) -> list:
    """Issue 14: the header link to the development mail viewer, for whom `dev_mail.view` allows (DEBUG only)."""
    from django.utils.translation import gettext_lazy as _

    from staffing import hooks
    from staffing.access import can

    if not can(user, "dev_mail.view"):
        return []
    return [(hooks.page_url("dev_mail_list"), _("Gesendete E-Mails (Entwicklung)"))]
