"""Issue 17, points 2 and 3: a crafted dataset with known figures (times in Europe/Berlin).

Notices are built in their end state with the audit records the workflow would have written, at chosen
moments, so that every figure is known exactly (see `EXPECTED` in test_statistics.py):

Witten (the own district)
- N1 received 02.03.2026 10:00, cleared 15:00 (5 h), placed on 12.03.2026 (10 days)
- N2 received 03.03.2026 09:00, no reaction: approved by silence on 11.03.2026
- N3 received 04.03.2026 08:00, concerns 05.03. 04:00 (20 h), escalated, decided; cuts: 1.000,00 € and 10 %
  (decided 10.04.2026) and 500,00 € (revoked)
- N4 received 05.03.2026 12:00, no reaction, placed on 25.03.2026 (20 days)
- a draft (never received) and N8 received 20.12.2025 (before the period): not counted
Hattingen
- N5 received 01.04.2026 09:00, clarification 02.04. 15:00 (30 h), agreed, placed on 01.05.2026 (30 days)
- N6 received 02.04.2026 09:00, the week still running (informed)
- N7 received 03.04.2026 09:00, cleared 11:00 (2 h), withdrawn
Another district: N10 received 02.03.2026, cleared after 1 h; a cut of 9.999,00 €: never counted for the EN district.
"""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from staffing.models import AdministrativeCostCut, NoticeComment, NoticeEvent, Organisation, PlacementNotice
from staffing.states import NoticeState
from tests.factories import (
    CandidateFactory,
    CityFactory,
    PlacementNoticeFactory,
    PositionFactory,
    RegionalOfficeFactory,
    district_user,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: str, hour: int = 0, minute: int = 0) -> datetime.datetime:
    d, m, y = (int(part) for part in day.split("."))
    return datetime.datetime(y, m, d, hour, minute, tzinfo=BERLIN)


def crafted_notice(office, *, received, steps, state, by, placed_on=None, objection_kind="", decision_kind="",
                   reference=""):
    """A notice in `state` with its audit records: `steps` = [(transition, from, to, moment, actor, reason)]."""
    notice = PlacementNoticeFactory(position=PositionFactory(office=office), reference=reference)
    CandidateFactory(notice=notice)
    PlacementNotice.objects.filter(pk=notice.pk).update(
        received_at=received, state=state, placed_on=placed_on, objection_kind=objection_kind,
        decision_kind=decision_kind, placement_permitted=bool(decision_kind),
        period_ends_at=received + datetime.timedelta(days=8) if received else None,
        period_last_day=(received + datetime.timedelta(days=7)).date() if received else None)
    notice = PlacementNotice.objects.get(pk=notice.pk)
    events = {}
    if received:
        NoticeEvent.objects.create(notice=notice, actor=by["clerk"], transition="submit",
                                   from_state=NoticeState.DRAFT, to_state=NoticeState.INFORMED, at=received)
    for transition, source, target, moment, actor, reason in steps:
        events[transition] = NoticeEvent.objects.create(
            notice=notice, actor=by.get(actor), transition=transition, from_state=source, to_state=target,
            at=moment, reason=reason)
    notice.crafted_events = events
    return notice


@pytest.fixture
def dataset(district, other_district, witten, hattingen, witten_office, hattingen_office, clerk_witten,
            clerk_hattingen, coordinator, district_admin):
    S = NoticeState
    w = {"clerk": clerk_witten, "coord": coordinator, "admin": district_admin, "system": None}
    h = {"clerk": clerk_hattingen, "coord": coordinator, "admin": district_admin, "system": None}
    n1 = crafted_notice(witten_office, received=at("02.03.2026", 10), state=S.PLACED, by=w,
                        placed_on=datetime.date(2026, 3, 12), reference="WIT-1", steps=[
                            ("clear", S.INFORMED, S.CLEARED, at("02.03.2026", 15), "coord", "Passt."),
                            ("place", S.CLEARED, S.PLACED, at("12.03.2026", 9), "clerk", "")])
    n2 = crafted_notice(witten_office, received=at("03.03.2026", 9), state=S.APPROVED_BY_SILENCE, by=w, steps=[
        ("approve_by_silence", S.INFORMED, S.APPROVED_BY_SILENCE, at("11.03.2026", 0, 5), "system", "")])
    n3 = crafted_notice(witten_office, received=at("04.03.2026", 8), state=S.DECIDED, by=w,
                        objection_kind="concerns", decision_kind="conditions", reference="WIT-3", steps=[
                            ("raise_objection", S.INFORMED, S.CONSULTATION, at("05.03.2026", 4), "coord",
                             "Qualifikation fehlt"),
                            ("escalate", S.CONSULTATION, S.ESCALATED, at("20.03.2026", 10), "coord", "Keine Einigung"),
                            ("decide", S.ESCALATED, S.DECIDED, at("10.04.2026", 11), "admin", "Mit Auflagen")])
    PlacementNotice.objects.filter(pk=n3.pk).update(directive="Einweisung binnen drei Monaten")
    n3.directive = "Einweisung binnen drei Monaten"
    decided = n3.crafted_events["decide"]
    cut_fields = {"city": witten, "notice": n3, "decided_event": decided, "period_from": datetime.date(2026, 5, 1),
                  "period_to": datetime.date(2026, 12, 31), "legal_basis": "§ 4 Abs. 1 Heranziehungssatzung",
                  "created_at": at("10.04.2026", 11), "created_by": district_admin}
    AdministrativeCostCut.objects.create(amount=Decimal("1000.00"), **cut_fields)
    AdministrativeCostCut.objects.create(percent=Decimal("10.00"), **cut_fields)
    revoke = NoticeEvent.objects.create(notice=n3, actor=district_admin, transition="revoke_cut",
                                        from_state=S.DECIDED, to_state=S.DECIDED, at=at("20.04.2026", 9),
                                        reason="Neu entschieden")
    AdministrativeCostCut.objects.create(amount=Decimal("500.00"), revoked_at=at("20.04.2026", 9),
                                         revoked_by=district_admin, revoke_reason="Neu entschieden",
                                         revoked_event=revoke, **cut_fields)
    NoticeComment.objects.create(notice=n3, author=coordinator, text="Bitte Nachweis der Einweisung nachreichen.")
    n4 = crafted_notice(witten_office, received=at("05.03.2026", 12), state=S.PLACED, by=w,
                        placed_on=datetime.date(2026, 3, 25), steps=[
                            ("approve_by_silence", S.INFORMED, S.APPROVED_BY_SILENCE, at("13.03.2026", 0, 5),
                             "system", ""),
                            ("place", S.APPROVED_BY_SILENCE, S.PLACED, at("25.03.2026", 9), "clerk", "")])
    crafted_notice(witten_office, received=None, state=S.DRAFT, by=w, steps=[])
    crafted_notice(witten_office, received=at("20.12.2025", 9), state=S.APPROVED_BY_SILENCE, by=w, steps=[
        ("approve_by_silence", S.INFORMED, S.APPROVED_BY_SILENCE, at("30.12.2025", 0, 5), "system", "")])
    n5 = crafted_notice(hattingen_office, received=at("01.04.2026", 9), state=S.PLACED, by=h,
                        objection_kind="clarification", placed_on=datetime.date(2026, 5, 1), steps=[
                            ("raise_objection", S.INFORMED, S.CONSULTATION, at("02.04.2026", 15), "coord", "Fragen"),
                            ("agree", S.CONSULTATION, S.AGREED, at("15.04.2026", 10), "admin", ""),
                            ("place", S.AGREED, S.PLACED, at("01.05.2026", 9), "clerk", "")])
    n6 = crafted_notice(hattingen_office, received=at("02.04.2026", 9), state=S.INFORMED, by=h, steps=[])
    n7 = crafted_notice(hattingen_office, received=at("03.04.2026", 9), state=S.WITHDRAWN, by=h, steps=[
        ("clear", S.INFORMED, S.CLEARED, at("03.04.2026", 11), "coord", ""),
        ("withdraw", S.CLEARED, S.WITHDRAWN, at("10.04.2026", 11), "clerk", "Stelle entfällt")])
    # another district
    other_office = RegionalOfficeFactory(city=CityFactory(district=other_district, name="Ratingen", slug="ratingen"))
    other_coord = district_user(other_district, Organisation.Kind.COORDINATION, username="koordination-me")
    other_admin = district_user(other_district, Organisation.Kind.DISTRICT_ADMIN, username="kreis-me")
    from tests.factories import city_clerk
    other = {"clerk": city_clerk(other_office.city), "coord": other_coord, "admin": other_admin}
    n10 = crafted_notice(other_office, received=at("02.03.2026", 10), state=S.DECIDED, by=other, steps=[
        ("clear", S.INFORMED, S.CLEARED, at("02.03.2026", 11), "coord", "")])
    AdministrativeCostCut.objects.create(
        city=other_office.city, notice=n10, decided_event=n10.crafted_events["clear"], amount=Decimal("9999.00"),
        period_from=datetime.date(2026, 5, 1), period_to=datetime.date(2026, 12, 31), legal_basis="x",
        created_at=at("10.04.2026", 11), created_by=other_admin)
    return {"n1": n1, "n2": n2, "n3": n3, "n4": n4, "n5": n5, "n6": n6, "n7": n7, "n10": n10,
            "other_coord": other_coord, "other_admin": other_admin}
