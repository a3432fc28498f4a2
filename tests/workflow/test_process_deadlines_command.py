"""`manage.py process_deadlines` runs the deadline sweep once (PS-2.3), the same code beat runs."""
from io import StringIO

import pytest
from django.core.management import call_command

from staffing import services
from staffing.models import NoticeState, Notification

from .helpers import PERIOD_END, complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("process_deadlines", stdout=out)
        return out.getvalue().strip()

    return run


def test_process_deadlines_approves_due_notices_once_and_reports_in_german(
        witten_office, clerk_witten, coordinator, clock, mailoutbox, run):
    due = [complete_draft(witten_office, clerk_witten) for _ in range(2)]
    for notice in due:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    clock.move_to(PERIOD_END.replace(hour=8), tick=False)
    running = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=running.pk, by=clerk_witten)
    # the two due submissions were never handed to a worker here: their events wait in the outbox
    assert run() == ("Wochenfrist ohne Reaktion abgelaufen: 2, Erinnerungen: 0, nachgeholte Benachrichtigungen: 2, "
                     "E-Mails: 2")
    states = {n.pk: n.state for n in type(running).objects.all()}
    assert states == {due[0].pk: NoticeState.APPROVED_BY_SILENCE, due[1].pk: NoticeState.APPROVED_BY_SILENCE,
                      running.pk: NoticeState.INFORMED}
    assert Notification.objects.filter(recipient=clerk_witten, kind="approved_by_silence").count() == 2
    assert sorted(m.subject.split(":")[0] for m in mailoutbox) == (
        ["[JobAgentur EN] Besetzung kann vollzogen werden (keine Reaktion innerhalb der Wochenfrist)"] * 4
        + ["[JobAgentur EN] Neue Stellenbesetzungsmitteilung aus Witten"] * 2)
    assert run() == ("Wochenfrist ohne Reaktion abgelaufen: 0, Erinnerungen: 0, nachgeholte Benachrichtigungen: 0, "
                     "E-Mails: 0")


def test_process_deadlines_with_nothing_due_changes_nothing(witten_office, clerk_witten, clock, run):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert run().startswith("Wochenfrist ohne Reaktion abgelaufen: 0, Erinnerungen: 0")
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED
