"""PS-1.1 (issue 13): the staff register import reads the optional column of the completed career track."""
from datetime import date

import pytest

from staffing.models import CareerTrack, StaffMember

from ..factories import PositionFactory
from .test_imports import STAFF_HEADER, functions, upload, xlsx  # noqa: F401  (the autouse fixture)

pytestmark = pytest.mark.django_db

HEADER = [*STAFF_HEADER[:10], "Abgeschlossene Laufbahnausbildung / Qualifikation", *STAFF_HEADER[10:]]


def _row(last_name, track):
    return [last_name, "Eva", "Leistungssachbearbeitung", "", "Beamtin/Beamter", "A 9", 1, "",
            "Laufbahnrechtliche Ausbildung", "Verwaltungswirtin", track, 24, "nicht erforderlich",
            date(2024, 2, 1), None]


def test_the_career_track_column_is_read_and_may_stay_empty(client, clerk_witten, witten_office):
    PositionFactory(office=witten_office, number="ST-1")
    client.force_login(clerk_witten)
    content = xlsx([HEADER, _row("Laufbahn", "Laufbahngruppe 2, erstes Einstiegsamt"), _row("Ohne", "")])
    preview_url = upload(client, "personal", "personal.xlsx", content)
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 302
    assert StaffMember.objects.get(last_name="Laufbahn").career_track == CareerTrack.LG2_FIRST
    assert StaffMember.objects.get(last_name="Ohne").career_track == ""


def test_an_unknown_career_track_is_named_in_german(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    preview_url = upload(client, "personal", "personal.xlsx", xlsx([HEADER, _row("Falsch", "Oberstufe")]))
    page = client.get(preview_url).content.decode()
    assert "„Oberstufe“ ist nicht zulässig; erlaubt: „Laufbahngruppe 1, erstes Einstiegsamt“" in page
    assert StaffMember.objects.count() == 0
