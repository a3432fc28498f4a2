"""The one notification pipeline: who is told what (PS-2.3 to PS-2.6), the in-app notification, the
hand-off to the broker on commit, the e-mail, and the outbox that catches what the broker missed.

Workflow events, reminders and comments create their notifications here; every other message of the
application (e.g. the planning side's) goes through `notify()`. Recipients of the workflow come from
the roles, never from free text. Each audit event yields at most one in-app notification per recipient
(a database constraint), so a re-delivered task adds nothing; e-mails go out for notifications not yet
mailed, unless muted, each sent outside any open transaction of the caller (`send_mails`).

The Celery tasks (`staffing.tasks`) call this module; this module hands work to them by task name,
so neither imports the other's caller (no import loop).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from . import access, hooks, wording
from .deadlines import format_period_end
from .models import NoticeComment, NoticeEvent, NoticeState, Notification, Organisation, PlacementNotice, User
from .states import Role, notice_kinds_for_step

logger = logging.getLogger(__name__)
Kind = Notification.Kind

# the tasks of staffing.tasks that deliver an event's notifications and send mails (by name: tasks
# imports this module)
DELIVER_EVENT_TASK = "staffing.tasks.deliver_event_notifications"
DELIVER_EVENTS_TASK = "staffing.tasks.deliver_events_notifications"  # a batch of events (the sweep)
SEND_MAILS_TASK = "staffing.tasks.send_notification_mails"


def _members(notice: PlacementNotice, *roles: str) -> QuerySet[User]:
    return access.people_of(*roles, city_id=notice.office.city_id, district_id=notice.office.district_id)


class MemberCache:
    """Issue 16, point 2: the recipients of a batch, looked up once per (city, district, roles)."""

    def __init__(self):
        self._people: dict[tuple, list[User]] = {}

    def __call__(self, notice: PlacementNotice, *roles: str) -> list[User]:
        key = (notice.office.city_id, notice.office.district_id, roles)
        if key not in self._people:
            self._people[key] = list(_members(notice, *roles))
        return self._people[key]


def recipients_for_event(event: NoticeEvent, *, members=_members) -> list[tuple[User, str]]:
    """PS-2.3–2.6: who is told of a step, as the state table says (staffing.states: `tell`); the head of
    the JobAgentur of every step when directly involved (PS-2.6); never the actor. `members` looks the
    people of roles up (a `MemberCache` for a batch)."""
    notice = event.notice
    plan = list(notice_kinds_for_step(event.transition, event.to_state, event.from_state))
    if notice.head_involved and event.to_state != NoticeState.DRAFT:
        plan.append(((Role.HEAD,), Kind.HEAD_INVOLVED))
    seen, result = set(), []
    for roles, kind in plan:
        for user in members(notice, *roles):
            if user.pk not in seen and user.pk != event.actor_id:
                seen.add(user.pk)
                result.append((user, kind))
    return result


def _texts(notice: PlacementNotice, kind: str, *, event: NoticeEvent | None = None,
           comment: NoticeComment | None = None, cache: dict | None = None) -> tuple[str, str]:
    """Subject and text of a notification (German). `cache` (a dict kept for a batch) keeps the period's
    sentences per received/last day, which many notices of a batch share (issue 16, point 2)."""
    with override("de"):
        # the state the event led to: a notification delivered late (outbox) must not describe a later step
        state_label = event.get_to_state_display() if event is not None else notice.get_state_display()
        # issue 17: the explanation also depends on the rule set of the notice's receipt (Land, weeks)
        key = (notice.received_at, notice.period_last_day, notice.period_extension_reason, notice.rule_set_id)
        if cache is None or key not in cache:
            end = format_period_end(notice)
            words = (end, wording.mail_words(notice, end))
            if cache is not None:
                cache[key] = words
        else:
            words = cache[key]
        context = {"notice": notice, "kind": kind, "event": event, "comment": comment, "state_label": state_label,
                   "period_end": words[0], "city": notice.office.city, "words": words[1],
                   "url": settings.SITE_URL.rstrip("/") + reverse("staffing:notice_detail", args=[notice.pk])}
        subject = render_to_string("staffing/email/subject.txt", context).strip()
        body = render_to_string("staffing/email/notification.txt", context)
    return subject[:200], body


def _event_notifications(events: list[NoticeEvent]) -> list[Notification]:
    """Issue 16, point 2: the unsaved in-app notifications of these events (recipients looked up once per
    city, district and roles; subject and text rendered once per event and kind, not per recipient),
    leaving out those that exist (one per event and recipient: a re-delivered event adds nothing)."""
    members, period_words = MemberCache(), {}
    existing = set(Notification.objects.filter(event__in=events).values_list("event_id", "recipient_id"))
    rows = []
    for event in events:
        texts: dict[str, tuple[str, str]] = {}
        for user, kind in recipients_for_event(event, members=members):
            if (event.pk, user.pk) in existing:
                continue
            if kind not in texts:
                texts[kind] = _texts(event.notice, kind, event=event, cache=period_words)
            subject, body = texts[kind]
            rows.append(Notification(recipient=user, event=event, notice=event.notice, kind=kind, subject=subject,
                                     body=body))
    return rows


def create_event_notifications(event: NoticeEvent) -> list[int]:
    """In-app notifications for one audit event; idempotent (one per event and recipient)."""
    return [n.pk for n in Notification.objects.bulk_create(_event_notifications([event]))]


def create_reminder_notifications(notice: PlacementNotice) -> list[int]:
    """PS-2.3: one reminder per coordination-office member, one working day before the end."""
    return create_reminders([notice])


def create_reminders(notices: list[PlacementNotice]) -> list[int]:
    """PS-2.3: the reminders of these notices, one per coordination-office member and notice (a database
    constraint; existing ones are left out); issue 16: members looked up once per district, the text
    rendered once per notice, the rows written with one INSERT."""
    members, period_words = MemberCache(), {}
    existing = set(Notification.objects.filter(notice__in=notices, kind=Kind.REMINDER)
                   .values_list("notice_id", "recipient_id"))
    rows = []
    for notice in notices:
        texts = None
        for user in members(notice, Organisation.Kind.COORDINATION):
            if (notice.pk, user.pk) in existing:
                continue
            texts = texts or _texts(notice, Kind.REMINDER, cache=period_words)
            rows.append(Notification(recipient=user, notice=notice, kind=Kind.REMINDER, subject=texts[0],
                                     body=texts[1]))
    return [n.pk for n in Notification.objects.bulk_create(rows)]


def create_comment_notifications(comment: NoticeComment) -> list[int]:
    """A comment goes to the other side: the city, the coordination office and, if involved, the head."""
    notice = comment.notice
    kinds = [Organisation.Kind.CITY, Organisation.Kind.COORDINATION]
    if notice.head_involved:
        kinds.append(Organisation.Kind.MANAGEMENT)
    if notice.state in (NoticeState.ESCALATED, NoticeState.DECIDED):
        kinds.append(Organisation.Kind.DISTRICT_ADMIN)
    created = []
    for user in _members(notice, *kinds).exclude(pk=comment.author_id):
        subject, body = _texts(notice, Kind.COMMENT, comment=comment)
        created.append(Notification.objects.create(recipient=user, notice=notice, kind=Kind.COMMENT,
                                                   subject=subject, body=body).pk)
    return created


def _locked(qs, **of):
    """qs locked; rows another transaction holds are skipped (PostgreSQL: they belong to that sender)."""
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True, **of)
    return qs.select_for_update()


def deliver_event(event_id: int) -> list[int]:
    """Create the notifications of one event once; returns ids of notifications to mail."""
    return deliver_events([event_id])


def deliver_events(event_ids: list[int]) -> list[int]:
    """Issue 16, point 2: create the notifications of a batch of events once, in one transaction; returns
    the ids of the notifications to mail.

    The events still waiting (`notifications_sent_at` NULL) are locked (SKIP LOCKED: an event another
    sender holds is that sender's), their notifications written with one INSERT and the events stamped
    with one UPDATE, so an event is delivered exactly once however often its task or the outbox runs."""
    with transaction.atomic():
        events = list(_locked(NoticeEvent.objects.filter(pk__in=list(event_ids), notifications_sent_at__isnull=True)
                              .select_related("notice", "notice__office", "notice__office__city", "notice__rule_set")
                              .order_by("pk"), of=("self",)))
        if not events:
            return []
        created = Notification.objects.bulk_create(_event_notifications(events))
        NoticeEvent.objects.filter(pk__in=[event.pk for event in events]).update(notifications_sent_at=timezone.now())
    return [n.pk for n in created]


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


#: notifications locked and stamped per transaction while their mails go out
MAIL_BATCH = 200


def send_mails(notification_ids: list[int]) -> int:
    """Send the e-mail of each notification not yet mailed (plain text and HTML, German), unless muted.

    Issue 16, point 2: ONE mail connection (SMTP) for all of them; per batch of `MAIL_BATCH` the
    notifications are locked, their HTML rendered once per distinct text, the mails sent and `emailed_at`
    stamped with one UPDATE. The lock keeps two senders (a task and the sweep's outbox) from mailing one
    twice: a locked one belongs to the other sender. That lock is the only transaction open while a mail
    goes out: `durable=True` refuses to run inside a caller's transaction, so no mail ever leaves for a step
    that may still roll back. Marked after sending: at-least-once; a mail that fails stops the batch, the
    ones sent before it are stamped, and the error is raised after that commit (the outbox retries the rest).
    """
    ids = list(dict.fromkeys(notification_ids))
    sent = 0
    mail_connection = None
    try:
        for start in range(0, len(ids), MAIL_BATCH):
            failure = None
            with transaction.atomic(durable=True):
                batch = list(_locked(Notification.objects.filter(pk__in=ids[start:start + MAIL_BATCH],
                                                                 emailed_at__isnull=True)
                                     .select_related("recipient", "notice").order_by("pk"), of=("self",)))
                messages, html_of = [], {}
                for notification in batch:
                    user = notification.recipient
                    if not user.email or notification.kind in (user.muted_email_kinds or []):
                        continue
                    url = _absolute(notification.get_absolute_url())
                    key = (notification.subject, notification.body, url, bool(notification.notice_id))
                    if key not in html_of:
                        with override("de"):
                            html_of[key] = render_to_string("staffing/email/notification.html", {
                                "notification": notification, "url": url})
                    message = EmailMultiAlternatives(notification.subject, notification.body,
                                                     settings.DEFAULT_FROM_EMAIL, [user.email])
                    message.attach_alternative(html_of[key], "text/html")
                    hooks.add_mail_attachments(message, notification)  # e.g. the deadline as an iCalendar event
                    messages.append((notification.pk, message))
                done = []
                if messages and mail_connection is None:
                    mail_connection = get_connection()
                    mail_connection.open()
                for pk, message in messages:
                    try:
                        mail_connection.send_messages([message])
                    except Exception as exc:  # raised after the stamps of the mails already sent are committed
                        failure = exc
                        break
                    done.append(pk)
                if done:
                    Notification.objects.filter(pk__in=done).update(emailed_at=timezone.now())
                sent += len(done)
            if failure is not None:
                raise failure
    finally:
        if mail_connection is not None:
            mail_connection.close()
    return sent


def pending_mail_ids(limit: int = 500) -> list[int]:
    """Notifications older than a minute that still wait for their e-mail (the broker was down).

    Muted kinds and recipients without an address never get a mail; they are filtered here so that
    they cannot fill the batch and starve the mails that are really due.
    """
    cutoff = timezone.now() - timezone.timedelta(minutes=1)
    pending = (Notification.objects.filter(emailed_at__isnull=True, created_at__lte=cutoff)
               .exclude(recipient__email="").order_by("pk")
               .values_list("pk", "kind", "recipient__muted_email_kinds"))
    ids = []
    for pk, kind, muted in pending.iterator(chunk_size=2000):
        if kind not in (muted or []):
            ids.append(pk)
            if len(ids) >= limit:
                break
    return ids


# --- any other message, and the hand-off to the broker -------------------------------------

@transaction.atomic
def notify(*, recipients: Iterable[User], kind: str, subject: str, body: str, url: str = "",
           notice: PlacementNotice | None = None) -> list[int]:
    """One in-app notification per recipient, created in the caller's transaction; their e-mails are
    handed to the broker when it commits (nothing if it rolls back). Broker down: the sweep mails them
    (`pending_mail_ids`), the caller never sees an error. `url` (a path of this site) is where a
    notification without a notice leads; a `url` of a notice's page links the notification to that notice, so
    the inbox names it (issue 14). The recipient's e-mail preferences (muted kinds) apply."""
    if kind not in hooks.notification_kind_values():
        raise ValueError(f"unknown notification kind {kind!r}: register it in staffing.hooks")
    if notice is None and not url:
        raise ValueError("a notification without a notice needs the url of the page it is about")
    if notice is None:  # issue 14: a link to a notice's page makes it a notification about that notice
        from .selectors import notice_id_from_url

        notice_id = notice_id_from_url(url)
        notice = PlacementNotice.objects.filter(pk=notice_id).first() if notice_id else None
    ids, seen = [], set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        ids.append(Notification.objects.create(recipient=user, notice=notice, kind=kind, subject=subject[:200],
                                               body=body, url=url).pk)
    mail_on_commit(ids)
    return ids


# issue 15, point 9: after a failed hand-off this process leaves the broker alone until this moment
# (time.monotonic()); the outbox sweep delivers what was not handed over
_broker_down_until = 0.0


def broker_marked_down() -> bool:
    """True while this process skips the broker after a failed hand-off (issue 15, point 9)."""
    return time.monotonic() < _broker_down_until


def reset_broker_state() -> None:
    """Forget a failed hand-off (tests, and a process that knows the broker is back)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _hand_off(task_name: str, *args, what: str) -> None:
    """Give a task to the broker; if it is unreachable, log it: the outbox sweep does the work later.

    Issue 15, point 9: a broker that is down or hangs must never fail or hang the user's step (already
    committed). After a failure the process skips the broker for BROKER_RETRY_AFTER seconds, so during
    an outage only one request in that time waits for the socket timeout; the sweep's outbox (events
    and mails older than a minute) does the work without the broker in the meantime."""
    global _broker_down_until
    if broker_marked_down():
        logger.info("broker marked unreachable, %s", what)
        return
    try:
        current_app.tasks[task_name].delay(*args)  # CELERY_TASK_PUBLISH_RETRY_POLICY: one retry
    except Exception:  # the broker may be unreachable: the outbox keeps the work
        _broker_down_until = time.monotonic() + settings.BROKER_RETRY_AFTER
        logger.warning("broker unreachable, %s", what, exc_info=True)


def deliver_on_commit(event_id: int) -> None:
    """When the step's transaction commits, hand its event to the worker (notifications and mails)."""
    transaction.on_commit(lambda: _hand_off(DELIVER_EVENT_TASK, event_id,
                                            what=f"event {event_id} stays in the outbox"))


def deliver_batch_on_commit(event_ids: list[int]) -> None:
    """Issue 16, point 1: when the sweep's batch commits, hand ALL its events to the worker in ONE task
    (`DELIVER_EVENTS_TASK`); broker down: they stay in the outbox (`notifications_sent_at` NULL)."""
    if event_ids:
        ids = list(event_ids)
        transaction.on_commit(lambda: _hand_off(DELIVER_EVENTS_TASK, ids,
                                                what=f"{len(ids)} events stay in the outbox"))


def mail_on_commit(notification_ids: list[int]) -> None:
    """When the transaction commits, hand these notifications' e-mails to the worker."""
    if notification_ids:
        ids = list(notification_ids)
        transaction.on_commit(lambda: _hand_off(SEND_MAILS_TASK, ids,
                                                what=f"mails for {ids} sent by the next sweep"))
