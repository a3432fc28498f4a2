"""Notices driven through the real services to each outcome (PS-2.3 to PS-2.5)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staffing import services
from staffing.tasks import run_sweep

from ..factories import CandidateFactory, PlacementNoticeFactory, PositionFactory, VacancyFactory

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def draft(witten_office, clerk_witten):
    position = PositionFactory(office=witten_office, number="ST-0815", title="Arbeitsvermittler/in")
    VacancyFactory(position=position)
    notice = PlacementNoticeFactory(position=position, created_by=clerk_witten, reference="AZ 11-20/2026-0815")
    CandidateFactory(notice=notice, full_name="Łukasz Größmann", is_selected=True)
    return notice


def submit(notice, clerk, at=None):
    with time_machine.travel(at or berlin(2026, 11, 25, 10, 0), tick=False):
        services.notice_submit(notice_id=notice.pk, by=clerk)
    notice.refresh_from_db()
    return notice


@pytest.fixture
def informed(draft, clerk_witten):
    return submit(draft, clerk_witten)


@pytest.fixture
def approved_by_silence(informed):
    with time_machine.travel(berlin(2026, 12, 3, 0, 0, 5), tick=False):
        run_sweep()
    informed.refresh_from_db()
    return informed


@pytest.fixture
def in_consultation(informed, coordinator):
    with time_machine.travel(berlin(2026, 11, 27, 9, 30), tick=False):
        services.notice_raise_objection(notice_id=informed.pk, by=coordinator, kind="concerns",
                                        reason="Qualifikation entspricht nicht PS-1.2")
    informed.refresh_from_db()
    return informed


@pytest.fixture
def decided(in_consultation, coordinator, district_admin):
    with time_machine.travel(berlin(2026, 12, 4, 11, 0), tick=False):
        services.notice_escalate(notice_id=in_consultation.pk, by=coordinator, reason="keine Einigung",
                                 participants="Frau Heimann, Herr Brandt", administrative_heads_involved=True)
    with time_machine.travel(berlin(2026, 12, 10, 14, 0), tick=False):
        services.notice_decide(notice_id=in_consultation.pk, by=district_admin, kind="conditions",
                               directive="Die Besetzung unterbleibt bis zum Nachweis der Qualifikation.",
                               cut_amount=Decimal("12345.60"), cut_from=date(2027, 1, 1),
                               cut_to=date(2027, 12, 31))
    in_consultation.refresh_from_db()
    return in_consultation
