"""Demo data of PS-5.1 "in Abstimmung mit allen Städten": this year's caps come from a consultation fixed
last autumn (before the cut-off, every city answered, one with concerns); next year's caps are in
consultation now, with four cities answered (one with concerns) and five still to answer.

Relative to today on purpose: a consultation is always about the coming year. Idempotent: each
consultation is looked up by district and year first; a second run creates nothing."""
import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from staffing.models import City, Organisation, User

from . import services
from .models import CapConsultation, CapProposal, CapStatement, ReimbursementCap

# this year's figures (the caps of planning.demo) and next year's proposal (+3 % pay agreement, rounded)
RAISE = Decimal("1.03")
CURRENT_CONCERNS = {"Sprockhövel": "Die zum 1. Januar zusätzlich besetzte halbe Stelle in der Eingliederung ist "
                                   "im Vorschlag noch nicht enthalten."}
NEXT_STATEMENTS = {
    "Witten": (CapStatement.Verdict.AGREE, ""),
    "Schwelm": (CapStatement.Verdict.AGREE, "Einverstanden; die Steigerung entspricht dem Tarifabschluss."),
    "Gevelsberg": (CapStatement.Verdict.AGREE, ""),
    "Hattingen": (CapStatement.Verdict.CONCERNS,
                  "Der Vorschlag berücksichtigt die zum 1. März neu eingerichtete Stelle in der Beratung U25 "
                  "(EG 10, rund 78.000 € im Jahr) nicht. Wir bitten um Anpassung auf 2.500.000 €."),
}


def _clerk(city: City) -> User | None:
    """The city's first HR clerk; a demo account for a city that has none yet (as seed_demo does)."""
    clerk = User.objects.filter(organisation__kind=Organisation.Kind.CITY, organisation__city=city).order_by(
        "pk").first()
    organisation = Organisation.objects.filter(kind=Organisation.Kind.CITY, city=city).first()
    if clerk is None and organisation is not None:
        clerk, _ = User.objects.get_or_create(username=f"clerk-{slugify(city.name)}", defaults={
            "organisation": organisation, "is_demo": True, "first_name": "Demo", "last_name": city.name})
    return clerk


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_cap_consultations(district, caps: dict[str, int]) -> int:
    """PS-5.1 demo: a fixed consultation for this year and an open one for next year; returns rows created."""
    admin = User.objects.filter(organisation__district=district,
                                organisation__kind=Organisation.Kind.DISTRICT_ADMIN).order_by("pk").first()
    cities = [c for c in City.objects.filter(district=district).order_by("name") if c.name in caps]
    if admin is None or not cities:
        return 0
    today = timezone.localdate()
    return _fixed_this_year(district, admin, cities, caps, today.year) + _open_next_year(
        district, admin, cities, caps, today)


def _fixed_this_year(district, admin, cities, caps, year) -> int:
    if CapConsultation.objects.filter(district=district, year=year).exists():
        return 0
    if ReimbursementCap.objects.filter(city__in=cities, year=year).exists():
        return 0  # an older demo database: its caps stay as they are
    proposed = datetime.date(year - 1, 9, 1)
    deadline = services.cap_deadline(year)
    fixed_on = min(datetime.date(year - 1, 10, 15), deadline)
    consultation = CapConsultation.objects.create(
        district=district, year=year, period_ends_on=proposed + datetime.timedelta(days=28), proposed_by=admin,
        proposed_at=_at(proposed), note="Fortschreibung auf Basis der Stellenpläne zum 30. Juni.",
        fixed_by=admin, fixed_at=_at(fixed_on, 11))
    created = 1
    for i, city in enumerate(cities):
        proposal = CapProposal.objects.create(consultation=consultation, city=city, amount=Decimal(caps[city.name]))
        clerk = _clerk(city)
        if clerk is not None:
            concerns = CURRENT_CONCERNS.get(city.name)
            CapStatement.objects.create(
                proposal=proposal, verdict=CapStatement.Verdict.CONCERNS if concerns else CapStatement.Verdict.AGREE,
                text=concerns or "", stated_by=clerk, stated_at=_at(proposed + datetime.timedelta(days=5 + i)))
            created += 1
        ReimbursementCap.objects.create(city=city, year=year, amount=proposal.amount, set_by=admin,
                                        set_at=consultation.fixed_at, consultation=consultation)
        created += 2
    return created


def _open_next_year(district, admin, cities, caps, today) -> int:
    year = today.year + 1
    if CapConsultation.objects.filter(district=district, year=year).exists():
        return 0
    proposed = today - datetime.timedelta(days=10)
    consultation = CapConsultation.objects.create(
        district=district, year=year, period_ends_on=today + datetime.timedelta(days=18), proposed_by=admin,
        proposed_at=_at(proposed), note="Fortschreibung um 3 % entsprechend dem Tarifabschluss.")
    created = 1
    for i, city in enumerate(cities):
        amount = (Decimal(caps[city.name]) * RAISE).quantize(Decimal("1000"))
        proposal = CapProposal.objects.create(consultation=consultation, city=city, amount=amount)
        created += 1
        clerk = _clerk(city)
        services.cap_proposal_notify(proposal=proposal)
        if city.name in NEXT_STATEMENTS and clerk is not None:
            verdict, text = NEXT_STATEMENTS[city.name]
            CapStatement.objects.create(proposal=proposal, verdict=verdict, text=text, stated_by=clerk,
                                        stated_at=_at(proposed + datetime.timedelta(days=2 + i % 5), 9 + i % 7))
            created += 1
    return created
