"""factory-boy factories for the domain model."""
from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from staffing.models import (
    Candidate,
    City,
    District,
    Employment,
    Function,
    Office,
    Organisation,
    PlacementNotice,
    Position,
    Qualification,
    StaffMember,
    User,
    Vacancy,
)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kreis {n}")
    slug = factory.Sequence(lambda n: f"kreis-{n}")


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Stadt {n}")
    slug = factory.Sequence(lambda n: f"stadt-{n}")


class RegionalOfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    kind = Office.Kind.REGIONAL
    city = factory.SubFactory(CityFactory)
    district = factory.SelfAttribute("city.district")
    name = factory.LazyAttribute(lambda o: f"Regionalstelle {o.city.name}")


class FunctionFactory(DjangoModelFactory):
    class Meta:
        model = Function
        django_get_or_create = ["code"]

    code = Function.Code.PLACEMENT
    name = factory.LazyAttribute(lambda o: Function.Code(o.code).label)
    is_leadership = factory.LazyAttribute(
        lambda o: o.code in (Function.Code.OFFICE_HEAD, Function.Code.TEAM_LEAD))
    requires_notice = factory.LazyAttribute(lambda o: o.code != Function.Code.BENEFITS)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    office = factory.SubFactory(RegionalOfficeFactory)
    function = factory.SubFactory(FunctionFactory)
    number = factory.Sequence(lambda n: f"P-{n:04d}")
    title = "Arbeitsvermittler/in"
    grade = "EG 9c"
    fte = Decimal("1.000")


class StaffMemberFactory(DjangoModelFactory):
    class Meta:
        model = StaffMember

    position = factory.SubFactory(PositionFactory)
    office = factory.SelfAttribute("position.office")
    function = factory.SelfAttribute("position.function")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    employment = Employment.EMPLOYEE
    grade = "EG 9c"
    fte = Decimal("1.000")
    qualification = Qualification.DEGREE
    qualification_detail = "B.A. Soziale Arbeit"
    months_experience = 24
    joined_on = date(2020, 1, 1)


class VacancyFactory(DjangoModelFactory):
    class Meta:
        model = Vacancy

    position = factory.SubFactory(PositionFactory)
    vacated_on = date(2026, 10, 1)
    reason = "Ruhestand"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.CITY
    district = factory.SubFactory(DistrictFactory)
    city = None
    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann{n}")
    password = factory.django.Password("geheim-12345")


def city_clerk(city: City, **kwargs) -> User:
    """A city HR clerk bound to `city`."""
    organisation, _ = Organisation.objects.get_or_create(
        kind=Organisation.Kind.CITY, city=city, district=city.district,
        defaults={"name": f"Stadt {city.name}"})
    return UserFactory(organisation=organisation, **kwargs)


def district_user(district: District, kind: str, **kwargs) -> User:
    """A user of the district: coordination office, district administration or head of the JobAgentur."""
    organisation, _ = Organisation.objects.get_or_create(
        kind=kind, district=district, city=None, defaults={"name": f"{kind} {district.name}"})
    return UserFactory(organisation=organisation, **kwargs)


class PlacementNoticeFactory(DjangoModelFactory):
    class Meta:
        model = PlacementNotice

    position = factory.SubFactory(PositionFactory)
    office = factory.SelfAttribute("position.office")
    function = factory.SelfAttribute("position.function")
    planned_start = date(2027, 2, 1)
    reason = "Nachbesetzung nach Ruhestand"
    goals_statement = "Sichert die Vermittlung in Arbeit (Gesamtziele der JobAgentur EN)."


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    notice = factory.SubFactory(PlacementNoticeFactory)
    full_name = factory.Sequence(lambda n: f"Kandidatin {n}")
    employment = Employment.EMPLOYEE
    grade = "EG 9c"
    qualification = Qualification.DEGREE
    qualification_detail = "B.A. Soziale Arbeit"
    professional_background = "Fünf Jahre Beratung in einem Bildungsträger"
    months_experience = 60


# issue 13: career tracks (PS-1.1)
def benefits_candidate(*, position_grade: str, career_track: str = "", employment=Employment.CIVIL_SERVANT,
                       office=None, **kwargs) -> Candidate:
    """A saved candidate of a notice for a benefits position of `position_grade` (in `office`'s district)."""
    function = FunctionFactory(code=Function.Code.BENEFITS)
    position = PositionFactory(function=function, grade=position_grade,
                               **({"office": office} if office is not None else {}))
    notice = PlacementNoticeFactory(position=position)
    return CandidateFactory(notice=notice, employment=employment, career_track=career_track, **kwargs)
# --- issue 13: PS-5.1 cap consultation -------------------------------------------------------------

def cap_consultation(district, *, by, year, period_ends_on, amounts=None, statements=None):
    """A consultation of the cap with a proposal for every city of `district` (rows only, nobody told);
    `statements` maps a city to (verdict, text, clerk)."""
    from planning.models import CapConsultation, CapProposal, CapStatement

    consultation = CapConsultation.objects.create(district=district, year=year, period_ends_on=period_ends_on,
                                                  proposed_by=by)
    for city in City.objects.filter(district=district).order_by("name"):
        amount = (amounts or {}).get(city, Decimal("1000000"))
        proposal = CapProposal.objects.create(consultation=consultation, city=city, amount=amount)
        if statements and city in statements:
            verdict, text, clerk = statements[city]
            CapStatement.objects.create(proposal=proposal, verdict=verdict, text=text, stated_by=clerk)
    return consultation
# issue 13: training (PS-1.4, PS-3.2)
class TrainingOfferFactory(DjangoModelFactory):
    """A training offer of a district; `targets=[function, ...]` sets its target functions."""

    class Meta:
        model = "planning.TrainingOffer"
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Fortbildung {n}")
    kind = "field_specific"
    starts_on = date(2026, 3, 2)
    ends_on = factory.SelfAttribute("starts_on")
    location = "Kreishaus Schwelm"
    places = 20

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_functions.set(extracted)


class TrainingParticipationFactory(DjangoModelFactory):
    class Meta:
        model = "planning.TrainingParticipation"

    offer = factory.SubFactory(TrainingOfferFactory)
    staff_member = factory.SubFactory(StaffMemberFactory)
    status = "attended"
# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

class PositionProposalFactory(DjangoModelFactory):
    """A waiting proposal of a city: a change of grade and FTE of a position of its regional office."""

    class Meta:
        model = "staffing.PositionProposal"

    position = factory.SubFactory(PositionFactory)
    office = factory.LazyAttribute(lambda o: o.position.office if o.position else None)
    kind = "change"
    number = factory.LazyAttribute(lambda o: o.position.number if o.position else "NEU-1")
    title = factory.LazyAttribute(lambda o: o.position.title if o.position else "Arbeitsvermittler/in")
    function = factory.LazyAttribute(lambda o: o.position.function if o.position else None)
    grade = "EG 10"
    fte = Decimal("0.750")
    reason = "Gestiegene Fallzahlen"
    proposed_by = factory.LazyAttribute(lambda o: city_clerk(o.office.city))
