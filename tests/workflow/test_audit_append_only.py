"""On PostgreSQL the audit trail is append-only, enforced by the database (PS-2, migration 0002): UPDATE and
DELETE on staffing_noticeevent are refused, except the one-time stamp of the notification outbox."""
import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from staffing import services
from staffing.models import NoticeEvent

from .helpers import complete_draft

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def event(witten_office, clerk_witten, clock):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)  # not committed: the outbox stamp is open
    return NoticeEvent.objects.get(notice=notice)


def _refused(statement, *params):
    with pytest.raises(DatabaseError) as exc, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    assert "staffing_noticeevent is append-only" in str(exc.value)


@pytest.mark.parametrize("assignment", [
    "reason = 'nachträglich geändert'", "to_state = 'cleared'", "actor_id = NULL", "at = now()",
    "from_state = 'informed'", "transition = 'clear'",
])
def test_the_database_refuses_to_change_an_audit_record(event, assignment):
    _refused(f"UPDATE staffing_noticeevent SET {assignment} WHERE id = %s", event.pk)
    event.refresh_from_db()
    assert (event.to_state, event.reason, event.transition) == ("informed", "", "submit")


def test_the_database_refuses_to_delete_an_audit_record(event):
    _refused("DELETE FROM staffing_noticeevent WHERE id = %s", event.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).delete()
    assert NoticeEvent.objects.filter(pk=event.pk).exists()


def test_the_orm_cannot_rewrite_the_trail_either(event):
    event.reason = "geschönt"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert NoticeEvent.objects.get(pk=event.pk).reason == ""


def test_the_outbox_stamp_is_allowed_exactly_once(event):
    stamp = timezone.now()
    assert NoticeEvent.objects.filter(pk=event.pk).update(notifications_sent_at=stamp) == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).update(notifications_sent_at=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        NoticeEvent.objects.filter(pk=event.pk).update(notifications_sent_at=timezone.now())
    assert NoticeEvent.objects.get(pk=event.pk).notifications_sent_at == stamp


def test_the_outbox_stamp_cannot_smuggle_in_another_change(event):
    _refused("UPDATE staffing_noticeevent SET notifications_sent_at = now(), reason = 'x' WHERE id = %s", event.pk)


def test_new_records_are_still_appended(event, coordinator):
    services.notice_clear(notice_id=event.notice_id, by=coordinator)
    assert list(NoticeEvent.objects.filter(notice_id=event.notice_id).values_list("to_state", flat=True)) == [
        "informed", "cleared"]
