"""The hook points of the core (staffing.hooks): the other apps are connected in their AppConfig.ready(),
and the core calls each hook where its docstring says."""
import pytest
from django.db import connection, transaction

from guide import topics
from integrations import calendar, documents, substitutes
from planning import demo, scale_seed
from planning.models import MessageKind
from reports import navigation as reports_navigation
from staffing import hooks, services
from staffing.models import NoticeEvent, Notification
from tests.workflow.helpers import complete_draft

pytestmark = pytest.mark.django_db


def test_the_other_apps_are_connected_in_ready():
    assert calendar.attach_ics in hooks._mail_attachments
    assert substitutes.absent_colleague_for in hooks._on_behalf_of
    assert documents.certificate_link in hooks._notice_links
    assert reports_navigation.audit_link in hooks._notice_links  # issue 17: the audit export
    assert [(app, area) for app, _provider, area in hooks._navigation] == [("integrations", "user"),
                                                                            ("planning", "main"),
                                                                            ("ops", "user"),  # issue 14
                                                                            ("reports", "main"),  # issue 17
                                                                            ("guide", "user")]  # issue 17
    assert set(MessageKind.values) <= set(hooks.notification_kind_values())
    assert topics.footer_links in hooks._footer_links and topics.help_link in hooks._help_links  # issue 17
    assert demo.on_demo_seeded in [entry[1]() for entry in hooks.demo_seeded.receivers]  # (key, weak ref, ...)
    assert scale_seed.training in [entry[1]() for entry in hooks.scale_district_seeding.receivers]  # issue 16


def test_registering_twice_counts_once(monkeypatch):
    monkeypatch.setattr(hooks, "_mail_attachments", [])

    def provider(message, notification):
        pass

    hooks.register_mail_attachment(provider)
    hooks.register_mail_attachment(provider)
    assert hooks._mail_attachments == [provider]


def test_a_kind_of_the_core_cannot_be_redefined_and_areas_are_checked():
    with pytest.raises(ValueError):
        hooks.register_notification_kinds([("submitted", "anders")])
    with pytest.raises(ValueError):
        hooks.register_navigation("x", lambda user: [], area="footer")


def test_a_step_is_announced_in_its_transaction_with_its_event(witten_office, clerk_witten):
    notice = complete_draft(witten_office, clerk_witten)
    heard = []

    def receiver(sender, event, **kwargs):
        heard.append((event.transition, event.notice_id, connection.in_atomic_block))

    hooks.notice_step_recorded.connect(receiver)
    try:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    finally:
        hooks.notice_step_recorded.disconnect(receiver)
    assert heard == [("submit", notice.pk, True)]


def test_a_receiver_failing_rolls_the_step_back(witten_office, clerk_witten):
    notice = complete_draft(witten_office, clerk_witten)

    def receiver(sender, event, **kwargs):
        raise RuntimeError("the other app failed")

    hooks.notice_step_recorded.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    finally:
        hooks.notice_step_recorded.disconnect(receiver)
    notice.refresh_from_db()
    assert notice.state == "draft" and not NoticeEvent.objects.exists()


def test_the_first_on_behalf_of_resolver_that_names_somebody_wins(monkeypatch, witten_office, clerk_witten,
                                                                 coordinator):
    notice = complete_draft(witten_office, clerk_witten)
    monkeypatch.setattr(hooks, "_on_behalf_of", [lambda notice, user: None, lambda notice, user: coordinator,
                                                 lambda notice, user: clerk_witten])
    with transaction.atomic():
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert NoticeEvent.objects.get().on_behalf_of == coordinator


def test_every_mail_passes_the_attachment_providers(monkeypatch, witten_office, clerk_witten, coordinator,
                                                    mailoutbox):
    from staffing import notifications

    seen = []
    monkeypatch.setattr(hooks, "_mail_attachments", [lambda message, n: seen.append((message.to, n.notice_id))])
    notice = complete_draft(witten_office, clerk_witten)
    about_notice = Notification.objects.create(recipient=coordinator, notice=notice, kind="comment", subject="s",
                                               body="b")
    about_page = Notification.objects.create(recipient=clerk_witten, kind=MessageKind.CAP_CHANGED, subject="s",
                                             body="b", url="/planung/erstattung/")
    assert notifications.send_mails([about_notice.pk, about_page.pk]) == 2
    assert seen == [([coordinator.email], notice.pk), ([clerk_witten.email], None)]
