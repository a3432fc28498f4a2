"""DSGVO: erasure after the retention period, the audit trail keeps the decision without personal data,
record of access to candidate data, and the Art. 15 export."""
import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacy.models import CandidateDataAccess
from privacy.selectors import personal_data_export
from privacy.services import erase_expired_personal_data
from staffing import services
from staffing.models import Candidate, NoticeEvent, NoticeState
from tests.factories import CandidateFactory, PlacementNoticeFactory, PositionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(days=731)


@pytest.fixture
def withdrawn(witten_office, clerk_witten):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    CandidateFactory(notice=notice, full_name="Berta Beispiel", qualification_detail="Diplom",
                     professional_background="Jobcenter Bochum")
    CandidateFactory(notice=notice, full_name="Carl Muster")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    services.notice_withdraw(notice_id=notice.pk, by=clerk_witten, reason="Stelle entfällt")
    return notice


@pytest.fixture
def placed(witten_office, clerk_witten, coordinator):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    dora = CandidateFactory(notice=notice, full_name="Dora Gewählt")
    CandidateFactory(notice=notice, full_name="Emil Abgelehnt")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    services.notice_clear(notice_id=notice.pk, by=coordinator)
    # issue 12: the placement names the person; the service marks her selected
    services.notice_place(notice_id=notice.pk, by=clerk_witten, placed_on=datetime.date(2027, 2, 1),
                          candidate_id=dora.pk, confirm_ahead=True)
    return notice


def test_candidates_of_a_withdrawn_notice_are_erased_after_the_retention_period(withdrawn):
    events_before = list(NoticeEvent.objects.filter(notice=withdrawn).values())
    assert erase_expired_personal_data(now=timezone.now() + LATER) == 2
    for candidate in Candidate.objects.filter(notice=withdrawn):
        assert candidate.full_name == "" and candidate.qualification_detail == ""
        assert candidate.professional_background == "" and candidate.erased_at is not None
    # the audit trail keeps the fact of each decision, unchanged
    assert list(NoticeEvent.objects.filter(notice=withdrawn).values()) == events_before
    assert [e["to_state"] for e in events_before] == [NoticeState.INFORMED, NoticeState.WITHDRAWN]


def test_the_audit_trail_holds_no_candidate_data(withdrawn, placed):
    # issue 12: the placement's record names the placed person, whose data is kept (not erased); no other
    names = list(Candidate.objects.filter(is_selected=False).values_list("full_name", flat=True))
    texts = [json.dumps(e, default=str) for e in NoticeEvent.objects.values()]
    assert texts and not any(name in text for name in names for text in texts)
    field_names = {f.name for f in NoticeEvent._meta.get_fields()}
    assert not field_names & {"full_name", "qualification_detail", "professional_background", "candidate"}


def test_only_candidates_not_placed_lose_their_data_in_a_placed_notice(placed):
    erase_expired_personal_data(now=timezone.now() + LATER)
    assert Candidate.objects.get(notice=placed, is_selected=True).full_name == "Dora Gewählt"
    erased = Candidate.objects.get(notice=placed, is_selected=False)
    assert erased.full_name == "" and erased.erased_at is not None


def test_nothing_is_erased_within_the_retention_period_or_in_open_notices(withdrawn, witten_office, clerk_witten):
    open_notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    CandidateFactory(notice=open_notice, full_name="Fritz Offen")
    services.notice_submit(notice_id=open_notice.pk, by=clerk_witten)
    assert erase_expired_personal_data(now=timezone.now() + datetime.timedelta(days=729)) == 0
    assert erase_expired_personal_data(now=timezone.now() + datetime.timedelta(days=3000)) == 2
    assert Candidate.objects.get(notice=open_notice).full_name == "Fritz Offen"
    assert erase_expired_personal_data(now=timezone.now() + datetime.timedelta(days=3000)) == 0  # idempotent


def test_retention_period_comes_from_the_setting(withdrawn, settings):
    settings.RETENTION_DAYS = 30
    assert erase_expired_personal_data(now=timezone.now() + datetime.timedelta(days=31)) == 2


def test_erasure_runs_daily_from_beat(beat_schedule):
    from jobagentur.celery import app
    from privacy.tasks import erase_expired_personal_data_task

    task = PeriodicTask.objects.get(task="staffing.retention.erase_expired_personal_data_task")
    assert task.enabled and task.crontab.hour == "3" and task.crontab.minute == "15"
    assert str(task.crontab.timezone) == "Europe/Berlin"
    # the task kept its name when it moved to privacy/tasks.py: beat's rows and queued messages still find it
    assert erase_expired_personal_data_task.name == "staffing.retention.erase_expired_personal_data_task"
    assert "staffing.retention.erase_expired_personal_data_task" in app.tasks


def test_management_command_erases_too(withdrawn, settings):
    settings.RETENTION_DAYS = 0
    call_command("erase_expired_personal_data", verbosity=0)
    assert not Candidate.objects.filter(notice=withdrawn).exclude(full_name="").exists()


def test_viewing_a_notice_with_candidates_is_recorded(client, withdrawn, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("staffing:notice_detail", args=[withdrawn.pk])).status_code == 200
    access = CandidateDataAccess.objects.get()
    assert access.user == coordinator and access.notice == withdrawn
    assert sorted(access.candidate_ids) == sorted(Candidate.objects.filter(notice=withdrawn).values_list("pk",
                                                                                                         flat=True))


def test_a_refused_view_and_a_list_record_no_access(client, withdrawn, clerk_hattingen):
    client.force_login(clerk_hattingen)
    assert client.get(reverse("staffing:notice_detail", args=[withdrawn.pk])).status_code == 404
    assert client.get(reverse("staffing:notice_list")).status_code == 200
    assert not CandidateDataAccess.objects.exists()


def test_export_holds_everything_about_one_person(client, withdrawn, coordinator, witten_office):
    client.force_login(coordinator)
    client.get(reverse("staffing:notice_detail", args=[withdrawn.pk]))
    StaffMemberFactory(position=PositionFactory(office=witten_office), first_name="Berta", last_name="Beispiel")
    data = personal_data_export(name="  berta   BEISPIEL ")
    assert [c["full_name"] for c in data["candidates"]] == ["Berta Beispiel"]
    assert data["candidates"][0]["professional_background"] == "Jobcenter Bochum"
    assert data["candidates"][0]["viewed_by"][0]["user"] == coordinator.username
    assert [s["last_name"] for s in data["staff_records"]] == ["Beispiel"]
    json.dumps(data)  # serialisable as it is


def test_export_of_a_user_lists_their_comments_and_views(client, withdrawn, coordinator):
    client.force_login(coordinator)
    client.get(reverse("staffing:notice_detail", args=[withdrawn.pk]))
    data = personal_data_export(name=coordinator.get_full_name())
    assert data["user_accounts"][0]["username"] == coordinator.username
    assert data["user_accounts"][0]["candidate_data_viewed"][0]["notice_id"] == withdrawn.pk


def test_export_for_a_user_stays_inside_their_scope(withdrawn, other_district):
    from staffing.models import Organisation
    from tests.factories import district_user

    stranger = district_user(other_district, Organisation.Kind.COORDINATION, username="koordination-me")
    assert personal_data_export(name="Berta Beispiel", by=stranger)["candidates"] == []


def test_export_command_writes_json(withdrawn, tmp_path):
    target = tmp_path / "auskunft.json"
    call_command("export_personal_data", "Carl Muster", output=str(target), verbosity=0)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["legal_basis"] == "Art. 15 DSGVO" and data["candidates"][0]["full_name"] == "Carl Muster"


def test_coordination_office_downloads_the_export_as_json(client, withdrawn, coordinator, caplog):
    client.force_login(coordinator)
    with caplog.at_level("INFO", logger="jobagentur.security"):
        response = client.get(reverse("privacy_export"), {"name": "Berta Beispiel"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert 'filename="auskunft-berta-beispiel.json"' in response["Content-Disposition"]
    assert response.json()["candidates"][0]["full_name"] == "Berta Beispiel"
    assert any("personal data export" in r.getMessage() for r in caplog.records)


def test_export_page_asks_for_a_name_in_german_and_is_for_the_coordination_office_only(
        client, withdrawn, coordinator, clerk_witten):
    client.force_login(coordinator)
    page = client.get(reverse("privacy_export"))
    assert page.status_code == 200 and "Auskunft nach Art. 15 DSGVO" in page.content.decode()
    empty = client.get(reverse("privacy_export"), {"name": "  "})
    assert empty.status_code == 400 and "Bitte geben Sie den vollständigen Namen" in empty.content.decode()
    client.force_login(clerk_witten)
    assert client.get(reverse("privacy_export"), {"name": "Berta Beispiel"}).status_code == 403


def test_export_page_of_another_district_finds_nothing_here(client, withdrawn, other_district):
    from staffing.models import Organisation
    from tests.factories import district_user

    client.force_login(district_user(other_district, Organisation.Kind.COORDINATION, username="koordination-me"))
    response = client.get(reverse("privacy_export"), {"name": "Berta Beispiel"})
    assert response.status_code == 200 and response.json()["candidates"] == []


# --- issue 12: retention after a placement that names the person --------------------------------------

def test_retention_keeps_the_placed_person_and_erases_the_others(placed):
    """The placement marks the chosen candidate selected (services.notice_place): her data stays, the
    others' is erased after the retention period; her staff record is untouched."""
    from staffing.models import StaffMember
    assert erase_expired_personal_data(now=timezone.now() + LATER) == 1
    kept = Candidate.objects.get(notice=placed, full_name="Dora Gewählt")
    assert kept.is_selected and kept.erased_at is None and kept.professional_background
    erased = Candidate.objects.get(notice=placed, is_selected=False)
    assert erased.full_name == "" and erased.erased_at is not None
    assert StaffMember.objects.filter(first_name="Dora", last_name="Gewählt").exists()


def test_retention_after_a_substitute_placement_erases_every_candidate(witten_office, clerk_witten, coordinator):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    CandidateFactory(notice=notice, full_name="Gerd Abgesagt")
    CandidateFactory(notice=notice, full_name="Hanna Abgesagt")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    services.notice_clear(notice_id=notice.pk, by=coordinator)
    services.notice_place(notice_id=notice.pk, by=clerk_witten, placed_on=timezone.localdate(),
                          candidate_id=services.SUBSTITUTE, substitute_name="Ida Ersatz",
                          substitute_reason="Beide haben abgesagt.", employment="employee", qualification="degree")
    assert not Candidate.objects.filter(notice=notice, is_selected=True).exists()
    assert erase_expired_personal_data(now=timezone.now() + LATER) == 2
    assert set(Candidate.objects.filter(notice=notice).values_list("full_name", flat=True)) == {""}
    notice.refresh_from_db()
    assert notice.substitute_name == "Ida Ersatz"  # the placed person is kept, as with a placed candidate
