"""Issue 12, point 6: PS-2.1 (the notice states how the placement serves the overall goals of the
JobAgentur EN, optionally naming goals the district keeps) and PS-2.2 (early information: the planned
start not in the past, a start before the end of the Wochenfrist only with a reason; other personnel
changes of the same group may be notified too)."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from staffing import services
from staffing.models import JobAgenturGoal, NoticeKind, NoticeState

from ..factories import CandidateFactory, DistrictFactory, FunctionFactory, PositionFactory
from .helpers import complete_draft

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)  # the workflow clock (tests/workflow/helpers.SUBMITTED_AT)


def draft(office, clerk, **data):
    position = PositionFactory(office=office, function=FunctionFactory(code="placement"))
    notice = services.notice_create(by=clerk, position=position, reason="Nachbesetzung",
                                    goals_statement="Vermittlung in Arbeit stärken.", **data)
    CandidateFactory(notice=notice)
    return notice


def test_the_goals_statement_is_required_for_submission(clock, witten_office, clerk_witten):
    notice = draft(witten_office, clerk_witten, planned_start=date(2027, 2, 1))
    notice.goals_statement = " "
    notice.save()
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert "Beitrag zu den Gesamtzielen der JobAgentur EN" in exc.value.messages[0]
    services.notice_update_draft(notice_id=notice.pk, by=clerk_witten, goals_statement="Sichert die Beratung.")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED


def test_a_notice_names_active_goals_of_its_own_district_only(clock, district, witten_office, clerk_witten,
                                                              coordinator):
    goal = services.goal_create(by=coordinator, title="Langzeitleistungsbezug abbauen")
    retired = services.goal_create(by=coordinator, title="Altes Ziel")
    services.goal_set_active(by=coordinator, goal_id=retired.pk, active=False)
    foreign = JobAgenturGoal.objects.create(district=DistrictFactory(name="Anderer Kreis", slug="ak"), title="X")
    notice = draft(witten_office, clerk_witten, planned_start=date(2027, 2, 1), goals=[goal])
    assert list(notice.goals.all()) == [goal]
    for wrong in (retired, foreign):
        with pytest.raises(services.WorkflowError) as exc:
            services.notice_update_draft(notice_id=notice.pk, by=clerk_witten, goals=[wrong])
        assert "goals" in exc.value.message_dict


def test_the_goals_are_kept_by_the_coordination_office_or_the_district_administration(
        district, coordinator, district_admin, clerk_witten, head):
    services.goal_create(by=coordinator, title="Ziel A")
    services.goal_create(by=district_admin, title="Ziel B")
    for user in (clerk_witten, head):
        with pytest.raises(PermissionDenied):
            services.goal_create(by=user, title="Ziel C")
    with pytest.raises(services.WorkflowError):
        services.goal_create(by=coordinator, title="Ziel A")  # no duplicates
    with pytest.raises(services.WorkflowError):
        services.goal_create(by=coordinator, title="  ")
    assert sorted(JobAgenturGoal.objects.values_list("title", flat=True)) == ["Ziel A", "Ziel B"]


def test_a_planned_start_yesterday_is_refused_today_is_accepted(clock, witten_office, clerk_witten):
    with pytest.raises(services.WorkflowError) as exc:
        draft(witten_office, clerk_witten, planned_start=TODAY - timedelta(days=1))
    assert "Vergangenheit" in exc.value.message_dict["planned_start"][0]
    notice = draft(witten_office, clerk_witten, planned_start=TODAY, early_start_reason="Dringende Vertretung")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED


def test_a_start_that_lies_in_the_past_at_submission_is_refused(clock, witten_office, clerk_witten):
    notice = draft(witten_office, clerk_witten, planned_start=TODAY + timedelta(days=30))
    clock.move_to("2027-01-05 10:00+01:00", tick=False)  # the draft lay about; the start has passed
    services.notice_update_draft(notice_id=notice.pk, by=clerk_witten)
    type(notice).objects.filter(pk=notice.pk).update(planned_start=date(2027, 1, 4))
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert "planned_start" in exc.value.message_dict
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT


def test_a_start_before_the_end_of_the_week_needs_a_reason(clock, witten_office, clerk_witten):
    # submitted on Wed 25.11.2026: the Wochenfrist ends on Wed 02.12.2026, 24:00
    notice = draft(witten_office, clerk_witten, planned_start=date(2026, 12, 2))
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    assert "02.12.2026" in exc.value.message_dict["early_start_reason"][0]
    services.notice_update_draft(notice_id=notice.pk, by=clerk_witten,
                                 early_start_reason="Die Vertretung endet am 01.12.; sonst bleibt die Stelle leer.")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED


def test_a_start_the_day_after_the_week_needs_no_reason(clock, witten_office, clerk_witten):
    notice = draft(witten_office, clerk_witten, planned_start=date(2026, 12, 3))
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED and notice.early_start_reason == ""


def test_other_personnel_changes_can_be_notified(clock, witten_office, clerk_witten):
    notice = complete_draft(witten_office, clerk_witten, leadership=True)
    assert notice.notice_kind == NoticeKind.NEW  # the default
    services.notice_update_draft(notice_id=notice.pk, by=clerk_witten, notice_kind=NoticeKind.TRANSFER,
                                 reason="Die Teamleitung übernimmt die Regionalstellenleitung.")
    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    notice.refresh_from_db()
    assert notice.state == NoticeState.INFORMED
    assert notice.get_notice_kind_display() == "Umsetzung / Funktionswechsel"
