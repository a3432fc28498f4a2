"""PS-1.1 (issue 13): the district keeps its career-track table on /laufbahnen/ (coordination office and
district administration), audited; cities read it; the notice's advice and the staff register follow it."""
import pytest
from django.urls import reverse

from staffing.models import CareerTrack, Employment, GradeCareerTrack, GradeCareerTrackChange, StaffMember

from ..factories import StaffMemberFactory, benefits_candidate

pytestmark = pytest.mark.django_db


def _row(district, grade):
    return GradeCareerTrack.objects.get(district=district, grade=grade)


@pytest.mark.parametrize("who", ["coordinator", "district_admin"])
def test_the_district_changes_a_row_and_it_is_audited(client, request, who, district):
    user = request.getfixturevalue(who)
    client.force_login(user)
    row = _row(district, "A 13")
    response = client.post(reverse("staffing:career_track_edit", args=[row.pk]),
                           {"grade": "a13", "employment": Employment.CIVIL_SERVANT, "track": CareerTrack.LG2_SECOND})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.grade, row.track, row.changed_by) == ("A 13", CareerTrack.LG2_SECOND, user)
    change = GradeCareerTrackChange.objects.get(district=district)
    assert (change.action, change.from_track, change.to_track, change.by) == (
        "changed", CareerTrack.LG2_FIRST, CareerTrack.LG2_SECOND, user)
    html = client.get(reverse("staffing:career_tracks")).content.decode()
    assert "Laufbahngruppe 2, zweites Einstiegsamt" in html and "Letzte Änderungen" in html


def test_the_district_adds_and_deletes_a_row(client, coordinator, district):
    client.force_login(coordinator)
    response = client.post(reverse("staffing:career_tracks"),
                           {"grade": "A4", "employment": Employment.CIVIL_SERVANT, "track": CareerTrack.LG1_FIRST})
    assert response.status_code == 302
    row = _row(district, "A 4")
    assert client.post(reverse("staffing:career_track_delete", args=[row.pk])).status_code == 302
    assert not GradeCareerTrack.objects.filter(pk=row.pk).exists()
    assert list(GradeCareerTrackChange.objects.filter(district=district).values_list("action", flat=True)) == [
        "deleted", "created"]


@pytest.mark.parametrize("data, message", [
    ({"grade": "", "employment": "civil_servant", "track": "lg1_1"}, "Bitte geben Sie die Besoldungs- oder"),
    ({"grade": "Chef", "employment": "civil_servant", "track": "lg1_1"}, "ist keine Besoldungsgruppe"),
    ({"grade": "A 10", "employment": "civil_servant", "track": "lg2_1"}, "Für A 10 gibt es bereits eine Zeile"),
    ({"grade": "A 4", "employment": "employee", "track": "lg1_1"}, "gilt für Beamtinnen und Beamte"),
    ({"grade": "A 4", "employment": "civil_servant", "track": "al1"}, "Laufbahngruppe und Einstiegsamt"),
    ({"grade": "EG 4", "employment": "employee", "track": "lg1_1"}, "Qualifikation nach TVöD"),
    ({"grade": "EG 4", "employment": "civil_servant", "track": "al1"}, "gilt für Tarifbeschäftigte"),
    ({"grade": "EG 4", "employment": "x", "track": "?"}, "Bitte wählen Sie das Beschäftigungsverhältnis"),
])
def test_bad_input_gets_a_german_message_and_keeps_what_was_typed(client, coordinator, data, message):
    client.force_login(coordinator)
    response = client.post(reverse("staffing:career_tracks"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data["grade"]:
        assert f'value="{data["grade"]}"' in html


def test_a_city_clerk_reads_but_cannot_edit(client, clerk_witten, district):
    client.force_login(clerk_witten)
    row = _row(district, "A 10")
    assert client.get(reverse("staffing:career_tracks")).status_code == 200
    assert client.post(reverse("staffing:career_tracks"), {"grade": "A 4", "employment": "civil_servant",
                                                            "track": "lg1_1"}).status_code == 403
    assert client.get(reverse("staffing:career_track_edit", args=[row.pk])).status_code == 403
    assert client.post(reverse("staffing:career_track_edit", args=[row.pk]),
                       {"grade": "A 10", "employment": "civil_servant", "track": "lg2_2"}).status_code == 403
    assert client.post(reverse("staffing:career_track_delete", args=[row.pk])).status_code == 403
    assert _row(district, "A 10").track == CareerTrack.LG2_FIRST


def test_another_districts_row_is_not_found(client, coordinator, other_district):
    client.force_login(coordinator)
    row = _row(other_district, "A 10")
    assert client.get(reverse("staffing:career_track_edit", args=[row.pk])).status_code == 404
    assert client.post(reverse("staffing:career_track_delete", args=[row.pk])).status_code == 404
    assert GradeCareerTrack.objects.filter(pk=row.pk).exists()


def test_the_navigation_links_the_page_for_the_district_only(client, coordinator, clerk_witten):
    client.force_login(coordinator)
    assert reverse("staffing:career_tracks") in client.get(reverse("staffing:home")).content.decode()
    client.force_login(clerk_witten)
    assert reverse("staffing:career_tracks") not in client.get(reverse("staffing:home")).content.decode()


def test_editing_the_table_changes_the_advice_on_the_notice_page(client, coordinator, witten_office, district):
    from staffing import services

    candidate = benefits_candidate(position_grade="A 9", career_track=CareerTrack.LG1_SECOND, office=witten_office,
                                   full_name="Jana Laufbahn")
    notice = candidate.notice
    from ..factories import city_clerk
    services.notice_submit(notice_id=notice.pk, by=city_clerk(notice.office.city))
    client.force_login(coordinator)
    url = reverse("staffing:notice_detail", args=[notice.pk])
    assert "Laufbahngruppe 1, zweites Einstiegsamt entspricht der Stelle A 9" in client.get(url).content.decode()
    row = _row(district, "A 9")
    client.post(reverse("staffing:career_track_edit", args=[row.pk]),
                {"grade": "A 9", "employment": "civil_servant", "track": CareerTrack.LG2_FIRST})
    html = client.get(url).content.decode()
    assert "Laufbahngruppe 1, zweites Einstiegsamt reicht für die Stelle A 9 nicht" in html


def test_the_staff_register_filters_deviations(client, clerk_witten, witten_office):
    from staffing.models import Function

    met = StaffMemberFactory(position__office=witten_office, position__grade="A 9", last_name="Erfuellt",
                             position__function__code=Function.Code.BENEFITS, employment=Employment.CIVIL_SERVANT,
                             grade="A 9", career_track=CareerTrack.LG2_FIRST)
    short = StaffMemberFactory(position__office=witten_office, position__grade="A 11", last_name="Darunter",
                               position__function=met.function, employment=Employment.CIVIL_SERVANT,
                               grade="A 9", career_track=CareerTrack.LG1_SECOND)
    assert StaffMember.objects.count() == 2 and short.function == met.function
    client.force_login(clerk_witten)
    html = client.get(reverse("planning:staff_register")).content.decode()
    assert "Erfuellt" in html and "Darunter" in html and "Abweichung PS-1.1" in html
    html = client.get(reverse("planning:staff_register"), {"abweichung": "1"}).content.decode()
    assert "Darunter" in html and "Erfuellt" not in html
