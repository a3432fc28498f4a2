"""Issue 13, point 2: seed_demo shows the field-specific training (PS-1.4) with realistic figures: offers with
kinds and targets, most placement officers and counsellors trained, newcomers still inside their period,
one overdue in Witten, the newcomers' induction (PS-1.3) completed by the induction offer; seeding twice adds
nothing."""
import pytest
from django.core.management import call_command

from planning import demo_training, field_training
from planning.models import TrainingKind, TrainingOffer, TrainingParticipation
from staffing.models import Function, Induction, Office, StaffMember, User

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_who_lacks_the_field_specific_training():
    call_command("seed_demo", verbosity=0)
    kinds = dict(TrainingOffer.objects.values_list("title", "kind"))
    assert kinds[demo_training.BASIC_COURSE] == TrainingKind.FIELD_SPECIFIC
    assert kinds[demo_training.INDUCTION_COURSE] == TrainingKind.INDUCTION
    assert kinds["KdU-Update 2027"] == TrainingKind.GENERAL
    assert set(TrainingOffer.objects.get(title="Aufsuchende Arbeit U25").target_functions.values_list(
        "code", flat=True)) == {Function.Code.PLACEMENT}
    coordinator = User.objects.get(username="koordination")
    concerned = field_training.concerned_staff(StaffMember.objects.all(), field_training.timezone.localdate())
    gaps = [g for e in field_training.gaps_by_office(coordinator) for g in e.gaps]
    # most are trained, some are not
    assert 0 < len(gaps) < concerned.count() / 4
    overdue = [g for g in gaps if g.overdue]
    assert overdue and overdue[0].member.office.city.name == "Witten"
    assert overdue[0].member.function.code == Function.Code.PLACEMENT
    # the people who joined in the demo's year have not yet had the training
    assert any(g.member.joined_on >= demo_training.NEWCOMERS_FROM for g in gaps)
    assert any(g.registered_title == "Aufsuchende Arbeit U25" for g in gaps)
    # PS-1.3: whoever attended the induction offer has the induction completed
    inducted = StaffMember.objects.filter(trainings__offer__kind=TrainingKind.INDUCTION,
                                          trainings__status=TrainingParticipation.Status.ATTENDED)
    assert inducted.exists() and not inducted.exclude(induction=Induction.COMPLETED).exists()
    assert Office.objects.filter(kind=Office.Kind.REGIONAL, district__slug="en-kreis").count() == 9  # issue 17


def test_seeding_twice_changes_nothing_of_the_training():
    call_command("seed_demo", verbosity=0)
    before = (TrainingOffer.objects.count(), TrainingParticipation.objects.count(),
              sorted(StaffMember.objects.values_list("pk", "induction")))
    call_command("seed_demo", verbosity=0)
    assert (TrainingOffer.objects.count(), TrainingParticipation.objects.count(),
            sorted(StaffMember.objects.values_list("pk", "induction"))) == before
