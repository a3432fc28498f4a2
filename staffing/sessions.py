"""Issue 16, point 3 (a cheap request): the session engine (SESSION_ENGINE). Django's database sessions,
unchanged, except that the lookup every signed-in request makes (the session by its key, not expired) is
compiled to SQL once per process (`staffing.compiled`) instead of on each request."""
import datetime
import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from .compiled import CompiledLookup


def _session_queryset(session_key, now):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1]


_session_lookup = CompiledLookup(Session, _session_queryset,
                                 kinds=(str, (datetime.datetime, Session._meta.get_field("expire_date"))))


class SessionStore(db.SessionStore):
    """`django.contrib.sessions.backends.db.SessionStore` with the compiled lookup (same rows, same query
    count: one statement)."""

    def _get_session_from_db(self):
        if self.model is not Session:  # a subclass with its own model: Django's lookup
            return super()._get_session_from_db()
        try:
            session = _session_lookup.first(self.session_key, timezone.now())
            if session is None:
                raise Session.DoesNotExist
            return session
        except (Session.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logger = logging.getLogger(f"django.security.{e.__class__.__name__}")
                logger.warning(str(e))
            self._session_key = None
