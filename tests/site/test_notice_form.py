"""The notice form (PS-2.2): drafts save with empty fields, submission needs every field and names
what is missing at the field and in a summary, nothing typed is lost."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from staffing.models import NoticeState, PlacementNotice

from ..factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _post(position=None, **candidate):
    data = {
        "position": position.pk if position else "", "function": "", "reference": "AZ-1",
        "planned_start": "", "reason": "Nachbesetzung", "goals_statement": "Sichert die Vermittlung in Arbeit.",
        "notice_kind": "new", "personen-TOTAL_FORMS": "1",
        "personen-INITIAL_FORMS": "0", "personen-MIN_NUM_FORMS": "1", "personen-MAX_NUM_FORMS": "1000",
    }
    for key, value in candidate.items():
        data[f"personen-0-{key}"] = value
    return data


COMPLETE_CANDIDATE = {"full_name": "Dana Beispiel", "qualification": "degree",
                      "qualification_detail": "B.A. Soziale Arbeit", "professional_background": "Beratung",
                      "months_experience": "12", "employment": "employee", "grade": "EG 9c"}


@pytest.fixture
def position(witten_office):
    return PositionFactory(office=witten_office, title="Arbeitsvermittler/in Witten")


def test_a_draft_saves_with_empty_fields(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    response = client.post(reverse("staffing:notice_create"), {**_post(), "aktion": "entwurf"})
    notice = PlacementNotice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("staffing:notice_detail", args=[notice.pk])
    assert notice.state == NoticeState.DRAFT
    assert notice.reference == "AZ-1"


def test_submitting_an_incomplete_notice_names_every_missing_field_and_keeps_the_input(
        client, clerk_witten, position):
    client.force_login(clerk_witten)
    response = client.post(reverse("staffing:notice_create"),
                           {**_post(position, full_name="Dana Beispiel"), "aktion": "einreichen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert not PlacementNotice.objects.exists()
    assert 'role="alert"' in html and 'id="fehlerliste"' in html
    assert 'href="#id_planned_start"' in html
    assert 'href="#id_personen-0-qualification_detail"' in html
    assert 'href="#id_personen-0-months_experience"' in html
    assert "Bitte geben Sie „Geplanter Besetzungstermin“ an." in html
    assert 'aria-invalid="true"' in html
    assert 'value="Dana Beispiel"' in html and 'value="AZ-1"' in html
    assert 'aria-describedby="id_planned_start_hint id_planned_start_error"' in html


def test_submitting_a_complete_notice_informs_the_coordination_office(client, clerk_witten, position):
    client.force_login(clerk_witten)
    data = {**_post(position, **COMPLETE_CANDIDATE), "planned_start": "2027-03-01", "aktion": "einreichen"}
    response = client.post(reverse("staffing:notice_create"), data)
    notice = PlacementNotice.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert notice.state == NoticeState.INFORMED
    assert notice.candidates.get().full_name == "Dana Beispiel"
    page = client.get(response.url).content.decode()
    assert "Die Mitteilung wurde eingereicht" in page


def test_add_person_keeps_the_input_and_shows_a_second_form(client, clerk_witten, position):
    client.force_login(clerk_witten)
    response = client.post(reverse("staffing:notice_create"),
                           {**_post(position, full_name="Dana Beispiel"), "aktion": "person_hinzufuegen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_personen-1-full_name"' in html and 'value="Dana Beispiel"' in html
    assert not PlacementNotice.objects.exists()


def test_edit_a_draft_replaces_candidates(client, clerk_witten, position):
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten)
    CandidateFactory(notice=notice, full_name="Alt")
    client.force_login(clerk_witten)
    page = client.get(reverse("staffing:notice_edit", args=[notice.pk])).content.decode()
    assert 'value="Alt"' in page
    data = {**_post(position, **{**COMPLETE_CANDIDATE, "full_name": "Neu"}), "planned_start": "01.03.2027",
            "personen-INITIAL_FORMS": "1", "aktion": "entwurf"}
    response = client.post(reverse("staffing:notice_edit", args=[notice.pk]), data)
    assert response.status_code == 302
    assert list(notice.candidates.values_list("full_name", flat=True)) == ["Neu"]
    notice.refresh_from_db()
    assert notice.planned_start == date(2027, 3, 1)


def test_positions_offered_are_the_own_citys_positions_needing_a_notice(client, clerk_witten, position,
                                                                        hattingen_office, witten_office):
    other = PositionFactory(office=hattingen_office, title="Fremde Stelle")
    benefits = PositionFactory(office=witten_office, title="Leistungsstelle",
                               function=FunctionFactory(code="benefits"))
    client.force_login(clerk_witten)
    form = client.get(reverse("staffing:notice_create")).context["form"]
    offered = set(form.fields["position"].queryset)
    assert position in offered and other not in offered and benefits not in offered


def test_head_involved_only_for_leadership_functions(client, clerk_witten, position):
    client.force_login(clerk_witten)
    data = {**_post(position), "head_involved": "on", "aktion": "entwurf"}
    response = client.post(reverse("staffing:notice_create"), data)
    assert response.status_code == 400
    assert "nur bei Leitungsfunktionen" in response.content.decode()


def test_warning_when_planned_start_lies_before_the_end_of_the_period(client, clerk_witten, position):
    client.force_login(clerk_witten)
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), tick=False):
        response = client.post(reverse("staffing:notice_create"),
                               {**_post(position), "planned_start": "2026-12-01", "aktion": "person_hinzufuegen"})
    html = response.content.decode()
    assert "liegt vor dem Ende der Wochenfrist" in html
    assert "Mittwoch, 02.12.2026" in html


def test_other_roles_cannot_create_notices(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("staffing:notice_create"))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_qualification_advice_per_candidate_on_form_and_detail(client, clerk_witten, position, settings):
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten)
    CandidateFactory(notice=notice, months_experience=0, induction_planned=False)
    client.force_login(clerk_witten)
    for url in (reverse("staffing:notice_edit", args=[notice.pk]), reverse("staffing:notice_detail", args=[notice.pk])):
        assert "qualification-check" in client.get(url).content.decode()
    settings.SHOW_QUALIFICATION_CHECK = False
    assert "qualification-check" not in client.get(reverse("staffing:notice_detail", args=[notice.pk])).content.decode()


def test_a_person_can_be_removed_from_a_draft(client, clerk_witten, position):
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten)
    CandidateFactory(notice=notice, full_name="Bleibt")
    CandidateFactory(notice=notice, full_name="Geht")
    client.force_login(clerk_witten)
    data = {**_post(position, full_name="Bleibt"), "personen-TOTAL_FORMS": "2", "personen-INITIAL_FORMS": "2",
            "personen-1-full_name": "Geht", "personen-1-DELETE": "on", "aktion": "entwurf"}
    assert client.post(reverse("staffing:notice_edit", args=[notice.pk]), data).status_code == 302
    assert list(notice.candidates.values_list("full_name", flat=True)) == ["Bleibt"]


def test_a_submitted_notice_is_no_longer_edited(client, clerk_witten, position):
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten)
    CandidateFactory(notice=notice)
    from staffing import services

    services.notice_submit(notice_id=notice.pk, by=clerk_witten)
    client.force_login(clerk_witten)
    response = client.get(reverse("staffing:notice_edit", args=[notice.pk]))
    assert response.status_code == 302
    assert response.url == reverse("staffing:notice_detail", args=[notice.pk])
