"""Import of staff register and vacancies from XLSX/CSV (PS-6.1, PS-4.3; positions are the district's, issue 13):
preview names every row's errors, nothing is saved before confirmation, all or nothing."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from integrations.models import PendingImport
from staffing.models import Function, Position, StaffMember, Vacancy

from ..factories import FunctionFactory, PositionFactory, VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def functions(db):
    return [FunctionFactory(code=code) for code in (Function.Code.PLACEMENT, Function.Code.COUNSELLING,
                                                     Function.Code.BENEFITS, Function.Code.TEAM_LEAD)]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, kind, name, content):
    response = client.post(reverse("integrations:import_upload"),
                           {"kind": kind, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


POSITION_HEADER = ["Stellennummer", "Stellenbezeichnung", "Funktion", "Besoldungs-/Entgeltgruppe",
                   "Stellenanteil (VZÄ)", "im Stellenplan"]


# issue 13 (PS-4.2): positions are the district's staff plan. The two tests that had a city clerk create and
# change positions by import (test_preview_names_every_bad_rows_errors_and_saves_nothing,
# test_confirmed_csv_from_german_excel_creates_and_updates_positions) now prove that a city's import cannot
# write positions; the district's import is tested in tests/planning/test_staff_plan_district.py.

def test_a_city_import_offers_no_positions_and_refuses_them(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    page = client.get(reverse("integrations:import_upload")).content.decode()
    assert 'value="stellen"' not in page
    content = csv_bytes([POSITION_HEADER, ["ST-1", "Arbeitsvermittler/in", "Arbeitsvermittlung", "EG 9c", "1", "ja"]])
    response = client.post(reverse("integrations:import_upload"),
                           {"kind": "stellen", "file": SimpleUploadedFile("stellen.csv", content)})
    assert response.status_code == 200 and "Auswahl" in response.content.decode()
    assert Position.objects.count() == 0 and not PendingImport.objects.exists()
    assert client.get(reverse("integrations:import_template", args=["stellen", "csv"])).status_code == 404


def test_a_city_staff_import_references_positions_without_changing_them(client, clerk_witten, witten_office):
    position = PositionFactory(office=witten_office, number="ST-9", title="alt", grade="EG 9c", fte=Decimal("1"))
    client.force_login(clerk_witten)
    row = ["Şahin", "Ayşe", "Arbeitsvermittlung", "ST-9", "Tarifbeschäftigte/r", "EG 10", "0,5", "U25",
           "Hochschul-/Fachhochschulabschluss", "B.A. Soziale Arbeit", "24", "nicht erforderlich", "01.02.2024", ""]
    preview_url = upload(client, "personal", "personal.csv", csv_bytes([STAFF_HEADER, row]))
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 302
    assert StaffMember.objects.get(last_name="Şahin").position == position
    position.refresh_from_db()
    assert (position.title, position.grade, position.fte, position.is_active) == ("alt", "EG 9c", Decimal("1.000"),
                                                                                  True)


STAFF_HEADER = ["Nachname", "Vorname", "Funktion", "Stellennummer", "Beschäftigungsverhältnis",
                "Besoldungs-/Entgeltgruppe", "Arbeitszeitanteil (VZÄ)", "Einsatzbereich", "Qualifikation",
                "Abschluss / Ausbildung", "Monate einschlägiger Berufserfahrung", "Praxiseinweisung", "Eintritt",
                "Austritt"]


def test_staff_register_with_good_and_bad_rows(client, clerk_witten, witten_office, hattingen_office):
    PositionFactory(office=witten_office, number="ST-1")
    PositionFactory(office=hattingen_office, number="HAT-1")
    client.force_login(clerk_witten)
    good = ["Şahin", "Ayşe", "Arbeitsvermittlung", "ST-1", "Tarifbeschäftigte/r", "EG 9c", 0.5, "U25",
            "Hochschul-/Fachhochschulabschluss", "B.A. Soziale Arbeit", 24, "nicht erforderlich",
            date(2024, 2, 1), None]
    bad = ["Muster", "Max", "Arbeitsvermittlung", "HAT-1", "Söldner", "EG 9c", "1", "", "Keine der genannten",
           "", "zwölf", "geplant", "01.03.2025", "01.01.2025"]
    preview_url = upload(client, "personal", "personal.xlsx", xlsx([STAFF_HEADER, good, bad]))
    page = client.get(preview_url).content.decode()
    assert "2 Zeilen gelesen, davon 1 mit Fehlern." in page
    assert "Stellennummer „HAT-1“ gibt es in Ihrer Regionalstelle nicht." in page
    assert "Beschäftigungsverhältnis: „Söldner“ ist nicht zulässig; erlaubt: „Beamtin/Beamter“" in page
    assert "Monate einschlägiger Berufserfahrung: „zwölf“ ist keine ganze Zahl ab 0" in page
    assert "Austritt: darf nicht vor dem Eintritt liegen." in page
    assert StaffMember.objects.count() == 0
    # the corrected file goes in whole
    fixed = [*bad[:3], "ST-1", "Beamter", *bad[5:10], 12, "geplant", "01.03.2025", ""]
    preview_url = upload(client, "personal", "personal.xlsx", xlsx([STAFF_HEADER, good, fixed]))
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 302
    ayse = StaffMember.objects.get(last_name="Şahin")
    assert (ayse.office, ayse.fte, ayse.joined_on, ayse.position.number) == (
        witten_office, Decimal("0.500"), date(2024, 2, 1), "ST-1")
    assert StaffMember.objects.get(last_name="Muster").employment == "civil_servant"


def test_confirmation_checks_again_and_saves_nothing_if_a_row_became_invalid(client, clerk_witten,
                                                                              witten_office):
    first, second = PositionFactory(office=witten_office, number="A"), PositionFactory(office=witten_office,
                                                                                        number="B")
    client.force_login(clerk_witten)
    content = csv_bytes([["Stellennummer", "frei seit", "wiederbesetzt am", "Anlass"],
                         ["A", "01.10.2026", "", "Ruhestand"], ["B", "2026-11-01", "", "Elternzeit"]])
    preview_url = upload(client, "vakanzen", "vakanzen.csv", content)
    assert "2 Zeilen übernehmen" in client.get(preview_url).content.decode()
    VacancyFactory(position=second, vacated_on=date(2026, 9, 1))  # someone else recorded one meanwhile
    page = client.post(preview_url, {"aktion": "uebernehmen"}).content.decode()
    assert "es wurde nichts gespeichert" in page
    assert "Für die Stelle „B“ ist bereits eine offene Vakanz erfasst (frei seit 01.09.2026)." in page
    assert not Vacancy.objects.filter(position=first).exists()  # row A was fine, but all or nothing


def test_missing_columns_are_named(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)  # issue 13: with the vacancies' columns (positions are the district's)
    preview_url = upload(client, "vakanzen", "x.csv", csv_bytes([["Stellennummer", "Titel"], ["1", "x"]]))
    page = client.get(preview_url).content.decode()
    assert "Es fehlen Spalten: „frei seit“" in page


@pytest.mark.parametrize("kind", ["personal", "vakanzen"])  # issue 13: no "stellen" for a city
def test_template_files_have_the_expected_columns(client, clerk_witten, witten_office, kind):
    client.force_login(clerk_witten)
    response = client.get(reverse("integrations:import_template", args=[kind, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    response = client.get(reverse("integrations:import_template", args=[kind, "csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip().split(";") == headers
    assert "Stellennummer" in headers


def test_template_round_trip_imports_an_example(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    position = PositionFactory(office=witten_office, number="ST-77")  # issue 13: the vacancies' template
    sheet_bytes = client.get(reverse("integrations:import_template", args=["vakanzen", "xlsx"])).content
    workbook = load_workbook(io.BytesIO(sheet_bytes))
    workbook.worksheets[0].append(["ST-77", "01.10.2026", "", "Ruhestand"])
    out = io.BytesIO()
    workbook.save(out)
    preview_url = upload(client, "vakanzen", "vorlage.xlsx", out.getvalue())
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 302
    assert Vacancy.objects.filter(position=position, reason="Ruhestand").exists()


def test_only_city_clerks_import_and_only_their_own_uploads(client, coordinator, clerk_witten, clerk_hattingen,
                                                            witten_office, hattingen_office):
    client.force_login(coordinator)
    assert client.get(reverse("integrations:import_upload")).status_code == 403
    client.force_login(clerk_witten)
    preview_url = upload(client, "vakanzen", "s.csv", csv_bytes([["Stellennummer", "frei seit"]]))
    client.force_login(clerk_hattingen)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 404


def test_discarding_deletes_the_upload(client, clerk_witten, witten_office):
    client.force_login(clerk_witten)
    position = PositionFactory(office=witten_office, number="X")
    preview_url = upload(client, "vakanzen", "s.csv", csv_bytes([["Stellennummer", "frei seit"], ["X", "01.10.2026"]]))
    client.post(preview_url, {"aktion": "verwerfen"})
    assert not PendingImport.objects.exists() and not Vacancy.objects.filter(position=position).exists()


# --- the import writes through the records' services (staffing.records, issue 11) --------------------

def test_every_row_is_written_by_the_records_services(client, clerk_witten, witten_office, monkeypatch):
    from staffing import records

    calls = []  # issue 13: with vacancies (positions are the district's staff plan)
    original = records.vacancy_save
    monkeypatch.setattr(records, "vacancy_save", lambda **kw: calls.append(kw["vacancy_id"]) or original(**kw))
    first, second = PositionFactory(office=witten_office, number="ST-8"), PositionFactory(office=witten_office,
                                                                                          number="ST-9")
    existing = VacancyFactory(position=second, vacated_on=date(2026, 9, 1))
    client.force_login(clerk_witten)
    content = csv_bytes([["Stellennummer", "frei seit", "wiederbesetzt am", "Anlass"],
                         ["ST-8", "01.10.2026", "", "Ruhestand"], ["ST-9", "01.09.2026", "", "Elternzeit"]])
    assert client.post(upload(client, "vakanzen", "s.csv", content), {"aktion": "uebernehmen"}).status_code == 302
    assert calls == [None, existing.pk]
    assert Vacancy.objects.get(position=first).reason == "Ruhestand"


def test_imported_staff_keep_the_vacancies_as_the_register_does(client, clerk_witten, witten_office):
    from ..factories import StaffMemberFactory

    open_vacancy = VacancyFactory(position=PositionFactory(office=witten_office, number="ST-1"),
                                  vacated_on=date(2026, 9, 1))
    leaving = StaffMemberFactory(position=PositionFactory(office=witten_office, number="ST-2"), last_name="Alt",
                                 first_name="Eva", joined_on=date(2015, 3, 1))
    client.force_login(clerk_witten)
    row = ["Arbeitsvermittlung", "", "Tarifbeschäftigte/r", "EG 9c", "1", "", "Hochschul-/Fachhochschulabschluss",
           "", "24", "nicht erforderlich"]
    new = ["Neu", "Jana", *row[:1], "ST-1", *row[2:], "01.11.2026", ""]
    gone = ["Alt", "Eva", *row[:1], "ST-2", *row[2:], "01.03.2015", "30.11.2026"]
    preview_url = upload(client, "personal", "personal.csv", csv_bytes([STAFF_HEADER, new, gone]))
    assert client.post(preview_url, {"aktion": "uebernehmen"}).status_code == 302
    open_vacancy.refresh_from_db()
    assert open_vacancy.refilled_on == date(2026, 11, 1)  # the new person fills the position (PS-4.3)
    leaving.refresh_from_db()
    assert leaving.left_on == date(2026, 11, 30)
    assert Vacancy.objects.get(position=leaving.position, refilled_on__isnull=True).vacated_on == date(2026, 12, 1)


def test_a_row_the_service_refuses_at_confirmation_undoes_the_whole_file(client, clerk_witten, witten_office,
                                                                         monkeypatch):
    from django.core.exceptions import ValidationError

    from staffing import records

    PositionFactory(office=witten_office, number="A")
    PositionFactory(office=witten_office, number="B")
    original = records.vacancy_save

    def refuse_b(**kwargs):
        if kwargs["position"].number == "B":
            raise ValidationError({"reason": "Die Stelle ist gesperrt."})
        return original(**kwargs)

    monkeypatch.setattr(records, "vacancy_save", refuse_b)
    client.force_login(clerk_witten)
    content = csv_bytes([["Stellennummer", "frei seit", "wiederbesetzt am", "Anlass"],
                         ["A", "01.10.2026", "", "Ruhestand"], ["B", "01.11.2026", "", "Elternzeit"]])
    page = client.post(upload(client, "vakanzen", "v.csv", content), {"aktion": "uebernehmen"}).content.decode()
    assert "es wurde nichts gespeichert" in page and "Anlass: Die Stelle ist gesperrt." in page
    assert not Vacancy.objects.exists()
