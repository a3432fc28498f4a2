"""Writes of the guide (issue 17, point 4): a message of the accessibility feedback form (BITV 2.0 § 7 Abs. 1
Nr. 3, "Feedback-Mechanismus") is stored and mailed to the operator."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import selectors
from .models import Feedback

logger = logging.getLogger(__name__)


class FeedbackRefused(Exception):
    """The form is refused as a whole (e.g. too many messages from one sender); the text is German."""


def client_key(remote_addr: str) -> str:
    """A keyed hash of the sender's address (SECRET_KEY): enough to count its messages, not to find it."""
    return hmac.new(settings.SECRET_KEY.encode(), (remote_addr or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def feedback_submit(*, message: str, name: str = "", email: str = "", page_url: str = "",
                    sender_key: str = "") -> Feedback:
    """issue 17, point 4: store a feedback message and mail it to the operator once committed. At most
    RATE_LIMIT_PER_HOUR messages per sender and hour (against spam); a failing mail server loses nothing
    (the message is stored, `mailed_at` stays empty)."""
    since = timezone.now() - datetime.timedelta(hours=1)
    if sender_key and selectors.feedback_count_since(sender_key, since) >= selectors.RATE_LIMIT_PER_HOUR:
        raise FeedbackRefused(_("Sie haben in der letzten Stunde bereits mehrere Rückmeldungen gesendet. Bitte "
                                "versuchen Sie es später noch einmal oder schreiben Sie uns eine E-Mail."))
    feedback = Feedback.objects.create(message=message, name=name, email=email, page_url=page_url,
                                       client_key=sender_key)
    transaction.on_commit(lambda: mail_feedback(feedback.pk))
    return feedback


def mail_feedback(feedback_id: int) -> bool:
    """Mail a stored message to the operator (ACCESSIBILITY_FEEDBACK_EMAIL, else OPERATOR_EMAIL); True if sent."""
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    recipient = selectors.operator()["feedback_email"]
    if feedback is None or not recipient:
        return False
    with override("de"):
        body = "\n".join([
            "Über das Formular der Erklärung zur Barrierefreiheit ist eine Rückmeldung eingegangen.",
            "",
            f"Eingegangen: {timezone.localtime(feedback.created_at):%d.%m.%Y, %H:%M} Uhr",
            f"Seite: {feedback.page_url or '–'}",
            f"Name: {feedback.name or '–'}",
            f"E-Mail: {feedback.email or '–'}",
            "",
            feedback.message,
        ])
        subject = "Rückmeldung zur Barrierefreiheit – JobAgentur EN"
    try:
        send_mail(subject, body, None, [recipient], fail_silently=False)
    except Exception:  # the message is stored; the operator sees it in the database
        logger.exception("feedback %s could not be mailed", feedback_id)
        return False
    Feedback.objects.filter(pk=feedback_id).update(mailed_at=timezone.now())
    return True
