"""The development mail viewer's store (issue 14, point 5): what the users would receive, for a newcomer.

In development (DEBUG and no EMAIL_URL) the worker's mails go to `DevMailBackend`: each message is kept as
one `.eml` file in DEV_MAIL_DIR (default `var/mail/`) and one line is logged. The pages of `ops.views`
read these files back (`mails`, `mail`). Nothing here runs in production: the backend is only configured
while DEBUG, and the pages answer 404 unless DEBUG.
"""
from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)

MAIL_ID = re.compile(r"^[0-9]{8}-[0-9]{12}-[0-9a-f]{8}$")


def mail_dir() -> Path:
    return Path(settings.DEV_MAIL_DIR)


class DevMailBackend(BaseEmailBackend):
    """Keeps every message as `<time>-<random>.eml` in DEV_MAIL_DIR (one file per message, newest last)."""

    def send_messages(self, email_messages) -> int:
        folder = mail_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            mail_id = f"{timezone.now():%Y%m%d-%H%M%S%f}-{uuid.uuid4().hex[:8]}"
            (folder / f"{mail_id}.eml").write_bytes(message.message().as_bytes(linesep="\n"))
            logger.info("mail to %s kept for the mail viewer: %s", ", ".join(message.recipients()), mail_id)
            sent += 1
        return sent


@dataclass
class DevMail:
    """One kept mail as the viewer shows it."""

    id: str
    subject: str
    sender: str
    to: str
    cc: str = ""
    date: datetime | None = None
    body: str = ""
    has_html: bool = False
    attachments: list[str] = field(default_factory=list)


def _parse(path: Path, *, full: bool) -> DevMail:
    with path.open("rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle, headersonly=not full)
    try:
        date = message["Date"].datetime if message["Date"] else None
    except (TypeError, ValueError, AttributeError):
        date = None
    mail = DevMail(id=path.stem, subject=str(message["Subject"] or ""), sender=str(message["From"] or ""),
                   to=str(message["To"] or ""), cc=str(message["Cc"] or ""), date=date)
    if full:
        text = message.get_body(preferencelist=("plain",))
        mail.body = text.get_content() if text is not None else ""
        mail.has_html = message.get_body(preferencelist=("html",)) is not None
        mail.attachments = [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
    return mail


def mails(limit: int = 200) -> list[DevMail]:
    """The newest kept mails first (headers only)."""
    folder = mail_dir()
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.glob("*.eml") if MAIL_ID.match(p.stem)), reverse=True)[:limit]
    return [_parse(path, full=False) for path in paths]


def mail(mail_id: str) -> DevMail | None:
    """One kept mail with its text and the names of its attachments; None for an unknown or malformed id."""
    if not MAIL_ID.match(mail_id):
        return None
    path = mail_dir() / f"{mail_id}.eml"
    return _parse(path, full=True) if path.is_file() else None
