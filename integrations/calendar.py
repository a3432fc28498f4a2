"""Deadlines in the calendar (PS-2.3): an iCalendar event for the end of each running objection period,
attached to the e-mails about it and served as a personal, token-protected feed.

One stable UID per notice, so a later mail updates the event (SEQUENCE grows with every step of the
notice and with the reminder) and a withdrawal cancels it (METHOD:CANCEL). Times carry TZID
Europe/Berlin with its VTIMEZONE, as the period ends at 24:00 legal time (§ 188 Abs. 2 BGB)."""
from __future__ import annotations

from datetime import timedelta
from email.mime.text import MIMEText
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from staffing import wording
from staffing.deadlines import format_period_end, legal_time_zone
from staffing.models import NoticeEvent, NoticeState, Notification, PlacementNotice
from staffing.selectors import notices_visible_to

PRODID = "-//JobAgentur EN//Personelle Standards//DE"
DEADLINE_KINDS = (Notification.Kind.SUBMITTED, Notification.Kind.REMINDER)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "jobagentur-en.invalid"


def notice_uid(notice: PlacementNotice) -> str:
    """The event's UID: one per notice, stable across mails and the feed."""
    return f"wochenfrist-{notice.pk}@{_host()}"


def notice_sequence(notice: PlacementNotice) -> int:
    """RFC 5545 SEQUENCE: grows with every audit event and with the reminder, so later mails win.
    Uses the notice's `event_count` where the query annotated it (the feed), else counts."""
    events = getattr(notice, "event_count", None)
    if events is None:
        events = notice.events.count()
    return max(events - 1, 0) + (1 if notice.reminder_sent_at else 0)


def with_event_count(notices):
    """The notices annotated with their number of audit events (one query for the whole feed)."""
    per_notice = (NoticeEvent.objects.filter(notice=OuterRef("pk")).order_by().values("notice")
                  .annotate(n=Count("pk")).values("n"))
    return notices.annotate(event_count=Coalesce(Subquery(per_notice, output_field=IntegerField()), 0))


def _notice_url(notice: PlacementNotice) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("staffing:notice_detail", args=[notice.pk])


def deadline_event(notice: PlacementNotice, *, cancelled: bool = False, attendee: str | None = None) -> Event:
    """PS-2.3: the end of the objection period as a calendar event (last hour of the last day)."""
    tz = legal_time_zone()
    ends = timezone.localtime(notice.period_ends_at, tz)
    city = notice.office.city.name if notice.office.city_id else notice.office.name
    event = Event()
    event.add("uid", notice_uid(notice))
    event.add("sequence", notice_sequence(notice))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", ends - timedelta(hours=1))
    event.add("dtend", ends)
    title = f"Ende der Wochenfrist: Stellenbesetzungsmitteilung {notice.pk} ({city})"
    event.add("summary", ("Abgesagt: " if cancelled else "") + title)
    with override("de"):  # the words of the agreement, as in the mails and pages (staffing.wording)
        lines = [wording.period_ends(format_period_end(notice)), wording.if_silent()]
    if notice.reference:
        lines.insert(0, f"Aktenzeichen: {notice.reference}")
    if cancelled:
        lines = [f"Die Mitteilung {notice.pk} wurde zurückgezogen; die Wochenfrist ist gegenstandslos."]
    lines.append(_notice_url(notice))
    event.add("description", "\n".join(lines))
    event.add("url", _notice_url(notice))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("class", "PRIVATE")
    if attendee:
        organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
        organizer.params["cn"] = vText("JobAgentur EN")
        event.add("organizer", organizer)
        person = vCalAddress(f"mailto:{attendee}")
        person.params.update({"role": vText("NON-PARTICIPANT"), "partstat": vText("ACCEPTED"),
                              "rsvp": vText("FALSE")})
        event.add("attendee", person)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", title)
        alarm.add("trigger", timedelta(hours=-15))  # 08:00 on the last day
        event.add_component(alarm)
    return event


def calendar(events: list[Event], *, method: str | None = None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", str(legal_time_zone()))
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal


def ics_for_notification(notification: Notification) -> tuple[bytes, str] | None:
    """The iCalendar part of a notification's mail and its METHOD, or None if the mail needs none
    (also for a notification without a notice)."""
    notice = notification.notice
    if notice is None or notice.period_ends_at is None:
        return None
    email = notification.recipient.email
    if notification.kind in DEADLINE_KINDS and notice.state == NoticeState.INFORMED:
        method, cancelled = "REQUEST", False
    elif notice.state == NoticeState.WITHDRAWN and Notification.objects.filter(
            notice=notice, recipient=notification.recipient, kind__in=DEADLINE_KINDS).exists():
        method, cancelled = "CANCEL", True
    else:
        return None
    cal = calendar([deadline_event(notice, cancelled=cancelled, attendee=email)], method=method)
    return cal.to_ical(), method


def attach_ics(message, notification: Notification) -> None:
    """Attach the deadline event to a mail about a running objection period (or its cancellation).
    A mail-attachment provider of the core's notification pipeline (`IntegrationsConfig.ready()`)."""
    part = ics_for_notification(notification)
    if part is None:
        return
    content, method = part
    mime = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    mime.set_param("method", method)
    mime.add_header("Content-Disposition", "attachment", filename=f"frist-mitteilung-{notification.notice_id}.ics")
    message.attach(mime)


def feed_for_user(user) -> bytes:
    """A user's personal feed: every running objection period the user may see (PS-2.3), in a fixed
    number of queries however many notices it holds."""
    notices = with_event_count(notices_visible_to(user).filter(state=NoticeState.INFORMED,
                                                               period_ends_at__isnull=False)
                               .select_related("office__city").order_by("period_ends_at"))
    cal = calendar([deadline_event(n) for n in notices], method="PUBLISH", name="Wochenfristen – JobAgentur EN")
    return cal.to_ical()
