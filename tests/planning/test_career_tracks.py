"""PS-1.1 (issue 13): the benefits standard compares the person's completed career track with the track the
district's table presumes for the position's grade; advice only, per district, with German reasons."""
import pytest

from staffing import grades, records
from staffing.models import CareerTrack, Employment, Function, GradeCareerTrack
from staffing.qualification import check_benefits, check_qualification

from ..factories import DistrictFactory, RegionalOfficeFactory, StaffMemberFactory, benefits_candidate

pytestmark = pytest.mark.django_db

LG1_1, LG1_2, LG2_1, LG2_2 = (CareerTrack.LG1_FIRST, CareerTrack.LG1_SECOND, CareerTrack.LG2_FIRST,
                              CareerTrack.LG2_SECOND)


def _one(person, **kwargs):
    [result] = check_benefits(person, **kwargs)
    return result


def test_a_new_district_starts_with_the_default_table():
    district = DistrictFactory()
    rows = dict(GradeCareerTrack.objects.filter(district=district).values_list("grade", "track"))
    assert rows["A 6"] == rows["A 9"] == LG1_2
    assert rows["A 10"] == rows["A 13"] == LG2_1
    assert rows["A 14"] == LG2_2
    assert rows["EG 5"] == rows["EG 8"] == CareerTrack.EMPLOYEE_BASIC
    assert rows["EG 9a"] == rows["EG 9c"] == rows["EG 12"] == CareerTrack.EMPLOYEE_ADVANCED
    assert rows["EG 13"] == CareerTrack.EMPLOYEE_UNIVERSITY
    assert records.career_tracks_seed_defaults(district=district) == 0  # idempotent


def test_civil_servant_of_lg1_second_entry_for_an_a10_position_deviates_and_says_why():
    person = benefits_candidate(position_grade="A 10", career_track=LG1_2, grade="A 6")
    result = _one(person)
    assert not result.met
    assert result.text == ("Laufbahngruppe 1, zweites Einstiegsamt reicht für die Stelle A 10 nicht: vorgesehen ist "
                           "Laufbahngruppe 2, erstes Einstiegsamt.")


@pytest.mark.parametrize("grade", ["A 9", "A 13"])
def test_lg2_first_entry_meets_a9_and_a13(grade):
    assert _one(benefits_candidate(position_grade=grade, career_track=LG2_1)).met


def test_a_higher_track_satisfies_a_lower_requirement_and_the_lowest_falls_short():
    assert _one(benefits_candidate(position_grade="A 6", career_track=LG2_2)).met
    assert not _one(benefits_candidate(position_grade="A 6", career_track=LG1_1)).met


def test_a13_needs_lg2_second_entry_only_where_the_district_table_says_so(coordinator):
    person = benefits_candidate(position_grade="A 13", career_track=LG2_1,
                                office=RegionalOfficeFactory(city__district=coordinator.organisation.district))
    assert _one(person).met
    row = GradeCareerTrack.objects.get(district=coordinator.organisation.district, grade="A 13")
    records.career_track_save(by=coordinator, row_id=row.pk, grade="A 13", employment=Employment.CIVIL_SERVANT,
                              track=LG2_2)
    result = _one(person)
    assert not result.met
    assert "vorgesehen ist Laufbahngruppe 2, zweites Einstiegsamt" in result.text
    assert _one(benefits_candidate(position_grade="A 13", career_track=LG2_2, office=person.notice.office)).met


def test_employee_eg9a_with_angestelltenlehrgang_one_deviates_with_two_meets():
    first = benefits_candidate(position_grade="EG 9a", career_track=CareerTrack.EMPLOYEE_BASIC,
                               employment=Employment.EMPLOYEE)
    second = benefits_candidate(position_grade="EG 9a", career_track=CareerTrack.EMPLOYEE_ADVANCED,
                                employment=Employment.EMPLOYEE)
    assert not _one(first).met
    assert "Angestelltenlehrgang I" in _one(first).text and "Angestelltenlehrgang II" in _one(first).text
    assert _one(second).met


def test_no_track_recorded_is_a_deviation_with_text():
    result = _one(benefits_candidate(position_grade="A 10", career_track=""))
    assert not result.met
    assert result.text == ("Die abgeschlossene Laufbahnausbildung bzw. Qualifikation ist nicht angegeben; für die "
                           "Stelle A 10 ist in der Regel Laufbahngruppe 2, erstes Einstiegsamt vorgesehen.")


@pytest.mark.parametrize("grade, word", [("A 17", "Besoldungsgruppe A 17"), ("EG 2", "Entgeltgruppe EG 2")])
def test_a_grade_missing_from_the_table_is_named(grade, word):
    result = _one(benefits_candidate(position_grade=grade, career_track=LG2_2))
    assert not result.met
    assert result.text.startswith(f"Für die {word} ist keine Laufbahn hinterlegt")


def test_a_position_without_grade_is_named():
    person = benefits_candidate(position_grade="A 10", career_track=LG2_1)
    assert "fehlt" in _one(person, position_grade="").text


@pytest.mark.parametrize("written, normal", [("A10", "A 10"), ("a 10", "A 10"), (" A  10 ", "A 10"),
                                             ("EG9A", "EG 9a"), ("e 9b", "EG 9b"), ("eg 13", "EG 13"),
                                             ("Sonstiges", "Sonstiges")])
def test_grades_are_normalised(written, normal):
    assert grades.normalise_grade(written) == normal


def test_a10_and_a_10_are_the_same_grade_in_the_check():
    assert _one(benefits_candidate(position_grade="A10", career_track=LG1_2)).text == \
        _one(benefits_candidate(position_grade="a 10", career_track=LG1_2)).text


def test_another_districts_table_does_not_apply(coordinator, other_district):
    from staffing.models import Organisation

    from ..factories import district_user

    other_coordinator = district_user(other_district, Organisation.Kind.COORDINATION)
    row = GradeCareerTrack.objects.get(district=other_district, grade="A 10")
    records.career_track_save(by=other_coordinator, row_id=row.pk, grade="A 10",
                              employment=Employment.CIVIL_SERVANT, track=LG1_2)
    ours = benefits_candidate(position_grade="A 10", career_track=LG1_2,
                              office=RegionalOfficeFactory(city__district=coordinator.organisation.district))
    theirs = benefits_candidate(position_grade="A 10", career_track=LG1_2,
                                office=RegionalOfficeFactory(city__district=other_district))
    assert not _one(ours).met
    assert _one(theirs).met


def test_staff_member_is_measured_against_the_position_grade_else_own_grade():
    member = StaffMemberFactory(position__grade="A 11", position__function__code=Function.Code.BENEFITS,
                                employment=Employment.CIVIL_SERVANT, grade="A 8", career_track=LG1_2)
    assert "Stelle A 11" in _one(member).text and not _one(member).met
    member.position = None
    assert _one(member).met  # own grade A 8 presumes LG 1.2


def test_the_rule_applies_to_benefits_only_and_stays_advice():
    person = benefits_candidate(position_grade="A 10", career_track=LG1_1)
    assert [r.rule for r in check_qualification(person, Function.Code.BENEFITS)] == ["PS-1.1"]
    assert all(r.rule != "PS-1.1" for r in check_qualification(person, Function.Code.PLACEMENT))
