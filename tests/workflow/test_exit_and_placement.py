"""Issue 12, points 1 and 2: "Besetzung findet nicht statt" after a clearance, an approval, an agreement or
a decision (reason, audit, the coordination office told, the position free again, never a raw database
error), and "Besetzung eintragen" with the person (candidate or another person with a reason), its day
(not before receipt, far ahead only confirmed), the staff record, the vacancy and retention.

The clock stands at SUBMITTED_AT (Wednesday 25.11.2026, 10:00 Berlin) while a notice is made; the cleared
notices are placed then, so "today" is the receipt day."""
from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from staffing import services
from staffing.models import (
    Candidate,
    NoticeState,
    Notification,
    PlacementNotice,
    StaffMember,
    Vacancy,
)

from ..factories import CandidateFactory, StaffMemberFactory
from .helpers import ARGS, SUBMITTED_AT, run

pytestmark = pytest.mark.django_db
S = NoticeState
RECEIPT_DAY = date(2026, 11, 25)


def _place(notice, user, **kwargs):
    return services.notice_place(notice_id=notice.pk, by=user, **kwargs)


# --- 1. Besetzung findet nicht statt ---------------------------------------------------------------------

@pytest.mark.parametrize("source", [S.CLEARED, S.APPROVED_BY_SILENCE, S.AGREED, S.DECIDED])
def test_the_placement_that_does_not_happen_is_recorded_with_its_reason_and_frees_the_position(
        make_notice, clerk_witten, coordinator, witten_office, source, django_capture_on_commit_callbacks):
    notice = make_notice(source)
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(notice_id=notice.pk, by=clerk_witten, reason="Die Bewerberin hat abgesagt.")
    notice.refresh_from_db()
    assert notice.state == S.WITHDRAWN
    event = notice.events.get(transition="withdraw")
    assert event.from_state == source and event.actor == clerk_witten
    assert event.reason == "Besetzung findet nicht statt: Die Bewerberin hat abgesagt."
    told = Notification.objects.get(recipient=coordinator, event=event)
    assert "Die Bewerberin hat abgesagt." in told.body
    # the position is free: a new notice for it is accepted
    again = services.notice_create(by=clerk_witten, position=notice.position, planned_start=date(2027, 3, 1))
    assert again.position_id == notice.position_id and again.state == S.DRAFT


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_placement_that_does_not_happen_needs_a_reason(make_notice, clerk_witten, reason):
    notice = make_notice(S.CLEARED)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_withdraw(notice_id=notice.pk, by=clerk_witten, reason=reason)
    assert exc.value.message_dict == {"reason": ["Bitte geben Sie einen Grund an."]}
    notice.refresh_from_db()
    assert notice.state == S.CLEARED and not notice.events.filter(transition="withdraw").exists()


def test_only_the_city_records_that_the_placement_does_not_happen(make_notice, coordinator):
    notice = make_notice(S.CLEARED)
    with pytest.raises(services.PermissionDenied):
        services.notice_withdraw(notice_id=notice.pk, by=coordinator, reason="Absage")


def test_a_second_notice_for_a_bound_position_gets_a_german_message_naming_the_open_one(make_notice, clerk_witten):
    notice = make_notice(S.CLEARED)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_create(by=clerk_witten, position=notice.position)
    assert exc.value.message_dict["position"] == [
        f"Für diese Stelle ist bereits die Mitteilung Nr. {notice.pk} (Status „Freigegeben ohne Bedenken“) offen. "
        "Eine neue Mitteilung ist möglich, sobald diese besetzt oder zurückgezogen ist."]
    draft = services.notice_create(by=clerk_witten)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_update_draft(notice_id=draft.pk, by=clerk_witten, position=notice.position)
    assert f"Mitteilung Nr. {notice.pk}" in exc.value.message_dict["position"][0]


def test_the_database_constraint_is_answered_with_the_same_german_message(make_notice, clerk_witten, monkeypatch):
    """The race the check cannot see (another transaction commits between check and save): the constraint's
    IntegrityError becomes the German message, never a raw database error."""
    notice = make_notice(S.INFORMED)
    real = services.open_notice_on
    calls = []

    def blind_first(position_id, *, exclude_pk=None):
        calls.append(position_id)
        return None if len(calls) == 1 else real(position_id, exclude_pk=exclude_pk)

    monkeypatch.setattr(services, "open_notice_on", blind_first)
    with pytest.raises(services.WorkflowError) as exc:
        services.notice_create(by=clerk_witten, position=notice.position)
    assert f"Mitteilung Nr. {notice.pk} (Status „Mitgeteilt, Frist läuft“)" in exc.value.message_dict["position"][0]
    assert PlacementNotice.objects.filter(position=notice.position).count() == 1


def test_an_integrity_error_of_another_kind_is_not_hidden(make_notice, clerk_witten, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(PlacementNotice, "save", broken_save)
    with pytest.raises(IntegrityError):
        services.notice_create(by=clerk_witten)


def test_the_notice_form_names_the_open_notice_for_a_crafted_post(make_notice, client, clerk_witten):
    notice = make_notice(S.APPROVED_BY_SILENCE)
    client.force_login(clerk_witten)
    response = client.post(reverse("staffing:notice_create"), {
        "position": notice.position_id, "aktion": "entwurf", "personen-TOTAL_FORMS": "1",
        "personen-INITIAL_FORMS": "0"})
    assert response.status_code == 400
    assert f"Für diese Stelle ist bereits die Mitteilung Nr. {notice.pk}" in response.content.decode()
    assert PlacementNotice.objects.filter(position=notice.position).count() == 1


def test_the_notice_page_names_the_step_by_the_state(make_notice, client, clerk_witten):
    client.force_login(clerk_witten)
    cleared = make_notice(S.CLEARED)
    html = client.get(reverse("staffing:notice_detail", args=[cleared.pk])).content.decode()
    assert "Besetzung findet nicht statt" in html and "Mitteilung zurückziehen" not in html
    informed = make_notice(S.INFORMED)
    html = client.get(reverse("staffing:notice_detail", args=[informed.pk])).content.decode()
    assert "Mitteilung zurückziehen" in html and "Besetzung findet nicht statt" not in html


def test_withdrawal_is_possible_but_never_a_duty(make_notice, clerk_witten):
    """The start page lists duties; a withdrawal that is always possible does not make a notice wait."""
    from staffing import selectors
    make_notice(S.INFORMED)
    consultation = make_notice(S.CONSULTATION)
    make_notice(S.ESCALATED)
    # in the consultation the city's duty is its statement (PS-2.4), not the withdrawal
    waiting = list(selectors.notices_waiting_for(clerk_witten))
    assert waiting == [consultation]
    assert consultation.meaning.duty_of("city").steps == ("city_statement",)


# --- 2. Besetzung eintragen ------------------------------------------------------------------------------

@pytest.fixture
def cleared(make_notice):
    """A cleared notice with two candidates ("Anna Beispiel" first); the clock at the receipt day."""
    notice = make_notice(S.CLEARED)
    notice.candidates.update(full_name="Anna Beispiel", grade="EG 10", months_experience=48)
    CandidateFactory(notice=notice, full_name="Bernd Zweiter")
    return notice


def _anna(notice):
    return notice.candidates.get(full_name="Anna Beispiel")


def test_placement_on_the_receipt_day_names_the_person_marks_her_selected_and_enters_her_in_the_register(
        cleared, clerk_witten):
    anna = _anna(cleared)
    _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=anna.pk)
    cleared.refresh_from_db()
    assert cleared.state == S.PLACED and cleared.placed_on == RECEIPT_DAY
    assert cleared.events.get(transition="place").reason == "besetzt zum 25.11.2026 mit Anna Beispiel"
    assert list(cleared.candidates.filter(is_selected=True)) == [anna]
    member = StaffMember.objects.get(first_name="Anna", last_name="Beispiel")
    assert member.position_id == cleared.position_id and member.office_id == cleared.office_id
    assert member.function_id == cleared.position.function_id and member.joined_on == RECEIPT_DAY
    assert (member.employment, member.grade, member.qualification, member.months_experience) == (
        anna.employment, "EG 10", anna.qualification, 48)
    assert member.fte == cleared.position.fte and member.left_on is None
    vacancy = Vacancy.objects.get(position=cleared.position)
    assert vacancy.refilled_on == RECEIPT_DAY and cleared.vacancy_id == vacancy.pk


def test_placement_the_day_before_receipt_is_refused(cleared, clerk_witten):
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY - timedelta(days=1), candidate_id=_anna(cleared).pk)
    assert exc.value.message_dict == {"placed_on": [
        "Die Besetzung kann nicht vor dem Eingang der Mitteilung (25.11.2026) liegen."]}
    cleared.refresh_from_db()
    assert cleared.state == S.CLEARED and not StaffMember.objects.exists()


def test_placement_at_most_the_set_days_ahead_unless_confirmed(cleared, clerk_witten, settings):
    settings.PLACEMENT_MAX_DAYS_AHEAD = 30
    limit = date(2026, 11, 25) + timedelta(days=30)
    anna = _anna(cleared).pk
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=limit + timedelta(days=1), candidate_id=anna)
    assert exc.value.message_dict == {"placed_on": [
        "Das Datum liegt mehr als 30 Tage in der Zukunft. Bitte prüfen Sie es oder bestätigen Sie es ausdrücklich."]}
    with pytest.raises(services.WorkflowError):
        _place(cleared, clerk_witten, placed_on=limit + timedelta(days=1), candidate_id=anna, confirm_ahead=False)
    _place(cleared, clerk_witten, placed_on=limit + timedelta(days=1), candidate_id=anna, confirm_ahead=True)
    cleared.refresh_from_db()
    assert cleared.state == S.PLACED


def test_placement_exactly_the_set_days_ahead_needs_no_confirmation(cleared, clerk_witten, settings):
    settings.PLACEMENT_MAX_DAYS_AHEAD = 30
    _place(cleared, clerk_witten, placed_on=date(2026, 12, 25), candidate_id=_anna(cleared).pk)
    assert StaffMember.objects.get(last_name="Beispiel").joined_on == date(2026, 12, 25)


def test_a_candidate_of_another_notice_is_refused(cleared, make_notice, clerk_witten):
    other = make_notice(S.CLEARED)
    stranger = other.candidates.get()
    for bad in (stranger.pk, "x", 999999):
        with pytest.raises(services.WorkflowError) as exc:
            _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=bad)
        assert exc.value.message_dict["person"][0].startswith("Diese Person gehört nicht zu dieser Mitteilung.")
    cleared.refresh_from_db()
    assert cleared.state == S.CLEARED
    assert not Candidate.objects.filter(is_selected=True).exists()


def test_with_several_candidates_the_person_must_be_named(cleared, clerk_witten):
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY)
    assert exc.value.message_dict == {"person": ["Bitte wählen Sie die Person, mit der die Stelle besetzt wurde."]}


def test_a_substitute_needs_a_name_and_a_reason(cleared, clerk_witten):
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=services.SUBSTITUTE,
               substitute_name="Clara Ersatz", employment="employee", qualification="degree")
    assert exc.value.message_dict == {"substitute_reason": [
        "Bitte begründen Sie, warum die Stelle mit einer anderen als den mitgeteilten Personen besetzt wurde."]}
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=services.SUBSTITUTE,
               substitute_reason="Beide haben abgesagt.")
    assert exc.value.message_dict == {"substitute_name": ["Bitte geben Sie den Namen der anderen Person an."]}


def test_a_substitute_is_entered_the_coordination_office_is_told_and_no_candidate_is_selected(
        cleared, clerk_witten, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=services.SUBSTITUTE,
               substitute_name="Clara  Ersatz", substitute_reason="Beide Bewerberinnen haben abgesagt.",
               employment="civil_servant", qualification="career_training")
    cleared.refresh_from_db()
    assert cleared.state == S.PLACED
    assert (cleared.substitute_name, cleared.substitute_reason) == ("Clara Ersatz", "Beide Bewerberinnen haben "
                                                                                     "abgesagt.")
    assert not cleared.candidates.filter(is_selected=True).exists()
    event = cleared.events.get(transition="place")
    assert event.reason.startswith("besetzt zum 25.11.2026 mit Clara Ersatz – eine andere als die mitgeteilten")
    told = Notification.objects.get(recipient=coordinator, event=event)
    assert "Clara Ersatz" in told.body and "Beide Bewerberinnen haben abgesagt." in told.body
    member = StaffMember.objects.get(first_name="Clara", last_name="Ersatz")
    assert (member.employment, member.qualification, member.grade) == (
        "civil_servant", "career_training", cleared.position.grade)


def test_a_substitute_without_employment_is_refused_in_german(cleared, clerk_witten):
    with pytest.raises(services.WorkflowError) as exc:
        _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=services.SUBSTITUTE,
               substitute_name="Clara Ersatz", substitute_reason="Absage", qualification="degree")
    assert exc.value.message_dict == {"employment": ["Bitte geben Sie das Beschäftigungsverhältnis der Person an."]}
    cleared.refresh_from_db()
    assert cleared.state == S.CLEARED and not cleared.events.filter(transition="place").exists()


def test_a_person_already_in_the_register_is_updated_not_duplicated(cleared, clerk_witten, witten_office):
    before = StaffMemberFactory(position__office=witten_office, first_name="Anna", last_name="Beispiel",
                                joined_on=date(2015, 4, 1), grade="EG 9a")
    _place(cleared, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=_anna(cleared).pk)
    assert StaffMember.objects.filter(last_name="Beispiel").count() == 1
    before.refresh_from_db()
    assert before.position_id == cleared.position_id and before.grade == "EG 10"
    assert before.joined_on == date(2015, 4, 1)


def test_the_only_candidate_is_placed_when_no_choice_is_given(make_notice, clerk_witten):
    notice = make_notice(S.CLEARED)
    _place(notice, clerk_witten, placed_on=RECEIPT_DAY)
    assert notice.candidates.get().is_selected
    assert StaffMember.objects.filter(position=notice.position).count() == 1


def test_an_impossible_placement_is_refused_for_its_real_reason_before_the_input(make_notice, coordinator):
    notice = make_notice(S.CLEARED)
    with pytest.raises(services.PermissionDenied):
        _place(notice, coordinator, placed_on=RECEIPT_DAY - timedelta(days=5))


def test_a_second_notice_after_the_placement_did_not_happen_can_be_placed(make_notice, clerk_witten, coordinator,
                                                                          clock):
    first = make_notice(S.CLEARED)
    services.notice_withdraw(notice_id=first.pk, by=clerk_witten, reason="Absage")
    second = services.notice_create(by=clerk_witten, position=first.position, planned_start=date(2027, 3, 1),
                                    reason="Neue Auswahl", goals_statement="Stärkt die Vermittlung (PS-2.1).")
    CandidateFactory(notice=second, full_name="Dora Neu")
    clock.move_to(SUBMITTED_AT, tick=False)
    run("submit", second, clerk_witten)
    run("clear", second, coordinator)
    _place(second, clerk_witten, placed_on=RECEIPT_DAY, candidate_id=second.candidates.get().pk)
    second.refresh_from_db()
    assert second.state == S.PLACED
    assert StaffMember.objects.get(last_name="Neu").position_id == first.position_id
    assert ARGS["withdraw"]["reason"]  # the helpers' withdrawal carries a reason too


# --- the forms: German field errors, never a 500 ---------------------------------------------------------

def _post(client, notice, name, data):
    payload = {f"{name}-{k}": v for k, v in data.items()}
    payload[f"{name}-seen_state"] = notice.state
    return client.post(reverse("staffing:notice_action", args=[notice.pk, name]), payload)


def test_the_placement_form_refuses_a_crafted_candidate_and_a_substitute_without_reason(
        cleared, make_notice, client, clerk_witten):
    stranger = make_notice(S.CLEARED).candidates.get()
    client.force_login(clerk_witten)
    crafted = _post(client, cleared, "place", {"person": stranger.pk, "placed_on": "2026-11-25", "confirm": "on"})
    assert crafted.status_code == 400
    assert "Diese Person gehört nicht zu dieser Mitteilung." in crafted.content.decode()
    no_reason = _post(client, cleared, "place", {"person": services.SUBSTITUTE, "substitute_name": "Clara Ersatz",
                                                 "placed_on": "2026-11-25", "confirm": "on"})
    assert no_reason.status_code == 400
    assert "Bitte begründen Sie, warum die Stelle mit einer anderen" in no_reason.content.decode()
    too_far = _post(client, cleared, "place", {"person": _anna(cleared).pk, "placed_on": "2027-02-01",
                                               "confirm": "on"})
    assert too_far.status_code == 400 and "Tage in der Zukunft" in too_far.content.decode()
    before = _post(client, cleared, "place", {"person": _anna(cleared).pk, "placed_on": "2026-11-24",
                                              "confirm": "on"})
    assert before.status_code == 400 and "vor dem Eingang der Mitteilung (25.11.2026)" in before.content.decode()
    cleared.refresh_from_db()
    assert cleared.state == S.CLEARED
    ok = _post(client, cleared, "place", {"person": _anna(cleared).pk, "placed_on": "2027-02-01",
                                          "confirm_ahead": "on", "confirm": "on"})
    assert ok.status_code == 302
    assert StaffMember.objects.get(last_name="Beispiel").joined_on == date(2027, 2, 1)


def test_the_decline_form_needs_a_reason_and_says_what_happened(make_notice, client, clerk_witten):
    notice = make_notice(S.AGREED)
    client.force_login(clerk_witten)
    missing = _post(client, notice, "withdraw", {"confirm": "on"})
    assert missing.status_code == 400 and "Bitte geben Sie einen Grund an." in missing.content.decode()
    done = _post(client, notice, "withdraw", {"reason": "Absage der Bewerberin", "confirm": "on"})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "Die Besetzung findet nicht statt" in page
    notice.refresh_from_db()
    assert notice.state == S.WITHDRAWN
