"""Submission needs a complete notice (PS-2.2); the head of the JobAgentur takes part only in filling
leadership positions, is told of the submission and can comment (PS-2.6)."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from staffing import services
from staffing.models import NoticeComment, NoticeState, Notification

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory
from .helpers import PERIOD_END, SUBMITTED_AT, complete_draft

pytestmark = pytest.mark.django_db


def test_submission_stores_the_receipt_and_the_end_of_the_period(witten_office, clerk_witten, clock):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED
    assert notice.received_at == SUBMITTED_AT
    assert notice.period_ends_at == PERIOD_END
    assert str(notice.period_last_day) == "2026-12-02"
    assert notice.period_extension_reason == ""


def test_submission_before_a_holiday_stores_why_the_period_was_extended(witten_office, clerk_witten, clock):
    from datetime import datetime

    from .helpers import BERLIN

    clock.move_to(datetime(2026, 12, 18, 9, 0, tzinfo=BERLIN), tick=False)  # Friday; +7 days = Christmas Day
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert str(notice.period_last_day) == "2026-12-28"
    assert "Weihnachtstag" in notice.period_extension_reason
    assert notice.period_extension_reason.startswith("verlängert wegen")


def test_an_empty_draft_cannot_be_submitted_and_the_message_names_what_is_missing(witten_office, clerk_witten):
    notice = services.notice_create(by=clerk_witten)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert exc.value.messages == [
        "Die Mitteilung ist unvollständig. Es fehlen: Funktion; Stelle; geplanter Besetzungstermin; "
        "Beitrag zu den Gesamtzielen der JobAgentur EN; mindestens eine Bewerberin / ein Bewerber."]
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    assert notice.received_at is None
    assert not notice.events.exists()


def test_a_candidate_without_qualification_and_background_blocks_submission(witten_office, clerk_witten):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), created_by=clerk_witten)
    CandidateFactory(notice=notice)
    CandidateFactory(notice=notice, qualification="", qualification_detail="", professional_background=" ",
                     months_experience=None)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert exc.value.messages == [
        "Die Mitteilung ist unvollständig. Es fehlen: Person 2: Qualifikation; Person 2: Abschluss / Ausbildung; "
        "Person 2: Beruflicher Werdegang; Person 2: Monate einschlägiger Berufserfahrung."]


def test_the_head_cannot_be_involved_outside_leadership_positions(witten_office, clerk_witten):
    notice = complete_draft(witten_office, clerk_witten, head_involved=True)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert "Beteiligung der Leitung nur bei Leitungsfunktionen" in exc.value.messages[0]


def test_the_involved_head_is_told_of_the_submission_and_of_every_later_step(
        witten_office, clerk_witten, coordinator, head, mailoutbox, clock, django_capture_on_commit_callbacks):
    notice = complete_draft(witten_office, clerk_witten, leadership=True, head_involved=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    told = Notification.objects.filter(recipient=head, notice=notice)
    assert list(told.values_list("kind", flat=True)) == [Notification.Kind.HEAD_INVOLVED]
    assert [m.subject for m in mailoutbox if m.to == [head.email]] == [
        f"[JobAgentur EN] Beteiligung der Leitung: Mitteilung {notice.pk} (Witten)"]
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_clear(notice_id=notice.pk, by=coordinator)
    assert told.count() == 2


def test_the_head_is_not_told_when_not_involved(
        witten_office, clerk_witten, coordinator, head, clock, django_capture_on_commit_callbacks):
    notice = complete_draft(witten_office, clerk_witten, leadership=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert Notification.objects.filter(recipient=coordinator).exists()
    assert not Notification.objects.filter(recipient=head).exists()


def test_the_involved_head_comments_and_city_and_coordination_are_told(
        witten_office, clerk_witten, coordinator, head, mailoutbox, clock, django_capture_on_commit_callbacks):
    notice = complete_draft(witten_office, clerk_witten, leadership=True, head_involved=True)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.notice_comment(notice_id=notice.pk, by=head, text="  Ich unterstütze die Auswahl.  ")
    assert comment.text == "Ich unterstütze die Auswahl."
    comments = Notification.objects.filter(kind=Notification.Kind.COMMENT, notice=notice)
    assert set(comments.values_list("recipient__username", flat=True)) == {"clerk-witten", "koordination"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([clerk_witten.email, coordinator.email])
    assert "Ich unterstütze die Auswahl." in mailoutbox[0].body


def test_the_head_cannot_comment_where_not_involved_nor_take_any_step(witten_office, clerk_witten, head, clock):
    notice = complete_draft(witten_office, clerk_witten, leadership=True)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with pytest.raises(PermissionDenied):
        services.notice_comment(notice_id=notice.pk, by=head, text="Meinung")
    with pytest.raises(PermissionDenied):
        services.notice_clear(notice_id=notice.pk, by=head)
    assert not NoticeComment.objects.exists()


def test_an_empty_comment_is_refused_next_to_the_field(witten_office, clerk_witten, coordinator, clock):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_comment(notice_id=notice.pk, by=coordinator, text="   ")
    assert exc.value.message_dict == {"text": ["Bitte geben Sie einen Kommentar ein."]}


def test_a_submitted_notice_can_no_longer_be_edited(witten_office, clerk_witten, clock):
    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_update_draft(notice_id=notice.pk, by=clerk_witten, reason="anders")
    assert exc.value.messages == ["Die Mitteilung ist bereits eingereicht und kann nicht mehr geändert werden."]


def test_receipt_is_the_server_time_of_submission(witten_office, clerk_witten, clock):
    notice = complete_draft(witten_office, clerk_witten)
    clock.move_to(SUBMITTED_AT.replace(hour=23, minute=30), tick=False)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.received_at == SUBMITTED_AT.replace(hour=23, minute=30)
    assert notice.period_ends_at == PERIOD_END


def test_people_of_another_city_or_district_cannot_comment(
        witten_office, clerk_witten, hattingen_clerk, other_district_coordinator, clock):
    from django.http import Http404

    notice = complete_draft(witten_office, clerk_witten)
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    for outsider in (hattingen_clerk, other_district_coordinator):
        with pytest.raises(Http404):
            services.notice_comment(notice_id=notice.pk, by=outsider, text="Hallo")
    assert not NoticeComment.objects.exists()


def test_only_the_city_comments_on_its_draft(witten_office, clerk_witten, coordinator):
    notice = complete_draft(witten_office, clerk_witten)
    with pytest.raises(Http404):  # the district does not see the city's drafts at all (PS-2.2)
        services.notice_comment(notice_id=notice.pk, by=coordinator, text="Vorab")
    services.notice_comment(notice_id=notice.pk, by=clerk_witten, text="Notiz")
    assert NoticeComment.objects.count() == 1
