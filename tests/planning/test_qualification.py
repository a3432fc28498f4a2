"""PS-1.1 to PS-1.3: the qualification standard per function, as advice for candidates and staff."""
import pytest
from django.template.loader import render_to_string

from staffing.models import Employment, Function, Induction, Qualification
from staffing.qualification import check_qualification, deviations

from ..factories import CandidateFactory, FunctionFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def _rules(results):
    return [(r.rule, r.met) for r in results]


def test_civil_servant_in_benefits_with_career_training_and_a_grade_meets_ps_1_1():
    person = CandidateFactory.build(employment=Employment.CIVIL_SERVANT, grade="A 9",
                                    qualification=Qualification.CAREER_TRAINING, career_track="lg1_2",
                                    notice__position__grade="A 9")
    results = check_qualification(person, Function.Code.BENEFITS)
    assert _rules(results) == [("PS-1.1", True)]
    assert "A 9" in results[0].text


def test_civil_servant_in_benefits_with_only_an_equivalent_deviates():
    person = CandidateFactory.build(employment=Employment.CIVIL_SERVANT, grade="A 9",
                                    qualification=Qualification.EQUIVALENT, notice__position__grade="A 9")
    [result] = check_qualification(person, Function.Code.BENEFITS)
    assert not result.met
    assert "Laufbahnausbildung bzw. Qualifikation ist nicht angegeben" in result.text
    assert result.label.startswith("Abweichung: ")


def test_civil_servant_with_a_collective_agreement_grade_does_not_match_the_grade():
    person = CandidateFactory.build(employment=Employment.CIVIL_SERVANT, grade="EG 9a",
                                    qualification=Qualification.CAREER_TRAINING)
    assert _rules(check_qualification(person, Function.Code.BENEFITS)) == [("PS-1.1", False)]


def test_employee_in_benefits_with_equivalent_qualification_meets_ps_1_1():
    person = CandidateFactory.build(employment=Employment.EMPLOYEE, grade="EG 9a",
                                    qualification=Qualification.EQUIVALENT, career_track="al2",
                                    notice__position__grade="EG 9a")
    assert _rules(check_qualification(person, Function.Code.BENEFITS)) == [("PS-1.1", True)]


def test_employee_in_benefits_without_training_deviates():
    person = CandidateFactory.build(employment=Employment.EMPLOYEE, grade="EG 9a",
                                    qualification=Qualification.NONE)
    assert _rules(check_qualification(person, Function.Code.BENEFITS)) == [("PS-1.1", False)]


def test_placement_officer_with_degree_and_experience_meets_ps_1_2_and_needs_no_induction():
    person = CandidateFactory.build(qualification=Qualification.DEGREE, months_experience=6)
    assert _rules(check_qualification(person, Function.Code.PLACEMENT)) == [("PS-1.2", True), ("PS-1.2", True)]


def test_counsellor_without_degree_deviates_from_ps_1_2():
    person = CandidateFactory.build(qualification=Qualification.NONE, months_experience=24)
    assert _rules(check_qualification(person, Function.Code.COUNSELLING)) == [("PS-1.2", False), ("PS-1.2", True)]


def test_missing_experience_without_planned_induction_is_a_ps_1_3_deviation():
    person = CandidateFactory.build(qualification=Qualification.DEGREE, months_experience=2,
                                    induction_planned=False)
    results = check_qualification(person, Function.Code.PLACEMENT)
    assert _rules(results) == [("PS-1.2", True), ("PS-1.2", False), ("PS-1.3", False)]
    assert "mindestens 6 Monate" in results[1].text


def test_missing_experience_with_planned_induction_meets_ps_1_3():
    person = CandidateFactory.build(qualification=Qualification.DEGREE, months_experience=0,
                                    induction_planned=True)
    assert _rules(check_qualification(person, Function.Code.PLACEMENT))[-1] == ("PS-1.3", True)


def test_staff_member_with_induction_completed_counts_as_induction(db):
    member = StaffMemberFactory(qualification=Qualification.DEGREE, months_experience=1,
                                induction=Induction.COMPLETED)
    assert _rules(check_qualification(member, member.function))[-1] == ("PS-1.3", True)


def test_minimum_months_follow_the_setting(settings):
    settings.QUALIFICATION_MIN_MONTHS = 12
    person = CandidateFactory.build(qualification=Qualification.DEGREE, months_experience=8,
                                    induction_planned=True)
    assert [r.rule for r in deviations(person, Function.Code.PLACEMENT)] == ["PS-1.2"]


def test_leadership_functions_have_no_standard_in_section_1():
    person = CandidateFactory.build(qualification=Qualification.NONE, months_experience=0)
    assert check_qualification(person, Function.Code.OFFICE_HEAD) == []


def test_include_shows_met_and_deviation_per_rule_as_advice():
    function = FunctionFactory(code=Function.Code.PLACEMENT)
    person = CandidateFactory.build(qualification=Qualification.DEGREE, months_experience=2,
                                    induction_planned=False)
    html = render_to_string("staffing/includes/qualification_check.html",
                            {"candidate": person, "function": function})
    assert "erfüllt" in html
    assert "Abweichung: Ohne ausreichende Berufserfahrung" in html
    assert "in der Regel" in html


def test_include_without_function_says_it_cannot_check():
    person = CandidateFactory.build()
    html = render_to_string("staffing/includes/qualification_check.html", {"candidate": person, "function": None})
    assert "Noch keine Funktion gewählt" in html


def test_include_checks_a_staff_member_passed_as_person(db):
    member = StaffMemberFactory(qualification=Qualification.NONE, months_experience=12)
    html = render_to_string("staffing/includes/qualification_check.html",
                            {"person": member, "function": member.function})
    assert "Abweichung: In der Regel ist ein (Fach-)Hochschulabschluss" in html
