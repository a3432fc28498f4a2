"""Issue 13, PS-4.2: demo data of the district's staff plan, after the core's (`staffing.hooks.demo_seeded`,
connected in `PlanningConfig.ready()`): the plan of every office taken over by the district administration
(one audit row per position), one waiting proposal of Witten, one accepted proposal of Hattingen (its new
position in the plan) and one rejected proposal of Witten. Idempotent: looked up by natural keys."""
import datetime
from decimal import Decimal

from django.utils import timezone

from staffing.models import Function, Office, Organisation, Position, PositionChange, PositionProposal, User
from staffing.records import _snapshot, proposal_values

TAKEOVER_REASON = "Stellenplan 2026 laut Haushaltsplan des Kreises (Beschluss des Kreistags)"
PENDING_REASON = ("Die Zahl der Bedarfsgemeinschaften mit Kindern unter 3 Jahren ist seit Jahresbeginn um 14 % "
                  "gestiegen; die Fachberatung braucht eine volle Stelle.")
ACCEPTED_REASON = ("Neues Team U25 ab dem 1. Quartal 2027: zusätzliche Arbeitsvermittlung für junge "
                   "Erwachsene (Projektmittel des Kreises).")
REJECTED_REASON = "Höhergruppierung der Leistungssachbearbeitung wegen gestiegener Fallzahlen."
REJECTED_NOTE = ("Die Bewertung der Stellen der Leistungssachbearbeitung ist kreisweit einheitlich; eine "
                 "Änderung nur für eine Regionalstelle ist nicht vorgesehen. Thema für die Stellenbewertung 2027.")


def on_demo_seeded(sender, *, district, **kwargs) -> int:
    """Receiver of `staffing.hooks.demo_seeded`: the staff plan's demo data; returns rows created."""
    return seed_staff_plan(district)


def _at(days_ago: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_staff_plan(district) -> int:
    created = 0
    admin = User.objects.filter(organisation__district=district,
                                organisation__kind=Organisation.Kind.DISTRICT_ADMIN).order_by("pk").first()
    coordinator = User.objects.filter(organisation__district=district,
                                      organisation__kind=Organisation.Kind.COORDINATION).order_by("pk").first()
    if admin is None or coordinator is None:
        return 0
    # the plan of every office, taken over by the district (one audit row per position)
    audited = set(PositionChange.objects.filter(office__district=district, action=PositionChange.Action.CREATED)
                  .values_list("position_id", flat=True))
    rows = [PositionChange(office_id=p.office_id, position=p, action=PositionChange.Action.CREATED, actor=admin,
                           at=_at(330), before={}, after=_snapshot(p), reason=TAKEOVER_REASON, source="import")
            for p in Position.objects.filter(office__district=district).select_related("function").order_by("pk")
            if p.pk not in audited]
    PositionChange.objects.bulk_create(rows)
    created += len(rows)
    offices = {o.city.name: o for o in Office.objects.filter(district=district, kind=Office.Kind.REGIONAL)
               .select_related("city") if o.city}
    clerks = {name: User.objects.filter(organisation__kind=Organisation.Kind.CITY,
                                        organisation__city__name=name).order_by("pk").first()
              for name in ("Witten", "Hattingen")}
    functions = {f.code: f for f in Function.objects.all()}
    witten, hattingen = offices.get("Witten"), offices.get("Hattingen")
    # Witten: a waiting proposal (a counselling position from 0.5 to a full position, or a grade change)
    if witten and clerks["Witten"] and not PositionProposal.objects.filter(office=witten,
                                                                         reason=PENDING_REASON).exists():
        position = (Position.objects.filter(office=witten, is_active=True, function__code=Function.Code.COUNSELLING)
                    .exclude(proposals__state=PositionProposal.State.WAITING).order_by("fte", "number").first())
        if position is not None:
            proposal = PositionProposal.objects.create(
                office=witten, position=position, kind=PositionProposal.Kind.CHANGE, number=position.number,
                title=position.title, function=position.function, grade=position.grade,
                fte=Decimal("1.000") if position.fte < 1 else position.fte,
                before=_snapshot(position), reason=PENDING_REASON, proposed_by=clerks["Witten"], proposed_at=_at(3))
            if proposal.fte == position.fte:
                proposal.grade = "EG 11" if position.grade != "EG 11" else "EG 12"
                proposal.save(update_fields=["grade"])
            PositionChange.objects.create(office=witten, position=position, proposal=proposal,
                                          action=PositionChange.Action.PROPOSED, actor=clerks["Witten"], at=_at(3),
                                          before=proposal.before, after=proposal_values(proposal),
                                          reason=PENDING_REASON, source="proposal")
            created += 2
    # Hattingen: an accepted proposal of a new position, now in the plan
    if hattingen and clerks["Hattingen"] and not PositionProposal.objects.filter(office=hattingen,
                                                                               reason=ACCEPTED_REASON).exists():
        number = "HAT-U25-01"
        proposal = PositionProposal.objects.create(
            office=hattingen, kind=PositionProposal.Kind.NEW, number=number, title="Arbeitsvermittler/in U25",
            function=functions.get(Function.Code.PLACEMENT), grade="EG 9c", fte=Decimal("1.000"),
            reason=ACCEPTED_REASON, proposed_by=clerks["Hattingen"], proposed_at=_at(40),
            state=PositionProposal.State.ACCEPTED, decided_by=coordinator, decided_at=_at(36),
            decision_note="Im Rahmen des Haushaltsansatzes 2027; Besetzung nach PS-2 mitteilen.")
        PositionChange.objects.create(office=hattingen, proposal=proposal, action=PositionChange.Action.PROPOSED,
                                      actor=clerks["Hattingen"], at=_at(40), after=proposal_values(proposal),
                                      reason=ACCEPTED_REASON, source="proposal")
        position, was_created = Position.objects.get_or_create(office=hattingen, number=number, defaults={
            "title": proposal.title, "function": proposal.function, "grade": proposal.grade, "fte": proposal.fte})
        proposal.position = position
        proposal.save(update_fields=["position"])
        PositionChange.objects.create(office=hattingen, position=position, proposal=proposal,
                                      action=PositionChange.Action.CREATED, actor=coordinator, at=_at(36),
                                      after=_snapshot(position),
                                      reason=f"Vorschlag der Stadt angenommen: {ACCEPTED_REASON}", source="proposal")
        created += 3 + was_created
    # Witten: a rejected proposal (a grade change of a benefits position)
    if witten and clerks["Witten"] and not PositionProposal.objects.filter(office=witten,
                                                                         reason=REJECTED_REASON).exists():
        position = (Position.objects.filter(office=witten, is_active=True, function__code=Function.Code.BENEFITS)
                    .order_by("number").first())
        if position is not None:
            proposal = PositionProposal.objects.create(
                office=witten, position=position, kind=PositionProposal.Kind.CHANGE, number=position.number,
                title=position.title, function=position.function, grade="A 10" if position.grade.startswith("A")
                else "EG 9b", fte=position.fte, before=_snapshot(position), reason=REJECTED_REASON,
                proposed_by=clerks["Witten"], proposed_at=_at(60), state=PositionProposal.State.REJECTED,
                decided_by=admin, decided_at=_at(52), decision_note=REJECTED_NOTE)
            PositionChange.objects.create(office=witten, position=position, proposal=proposal,
                                          action=PositionChange.Action.PROPOSED, actor=clerks["Witten"], at=_at(60),
                                          before=proposal.before, after=proposal_values(proposal),
                                          reason=REJECTED_REASON, source="proposal")
            PositionChange.objects.create(office=witten, position=position, proposal=proposal,
                                          action=PositionChange.Action.REJECTED, actor=admin, at=_at(52),
                                          before=proposal.before, after=proposal.before, reason=REJECTED_NOTE,
                                          source="proposal")
            created += 3
    return created
