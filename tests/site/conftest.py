"""Shared clock of the notice page and escalation tests: Sunday 29 November 2026, noon in Berlin, with a notice
received on Wednesday 25 November (its Wochenfrist runs until Wednesday 2 December, PS-2.3)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

BERLIN = ZoneInfo("Europe/Berlin")
NOV_25 = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
NOV_29 = datetime(2026, 11, 29, 12, 0, tzinfo=BERLIN)


@pytest.fixture
def on_sunday_nov_29():
    """Sessions expire after 30 idle minutes: the whole test runs at one fixed time."""
    with time_machine.travel(NOV_29, tick=False):
        yield
