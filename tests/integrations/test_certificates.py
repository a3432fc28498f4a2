"""PDF certificates for the file (PS-2.3 to PS-2.5), read back with pypdf."""
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from staffing import services

from .conftest import berlin, submit

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def fetch(client, user, notice):
    client.force_login(user)
    return client.get(reverse("integrations:notice_certificate", args=[notice.pk]))


def test_silence_certificate_names_receipt_period_end_and_legal_basis(client, approved_by_silence, clerk_witten):
    response = fetch(client, clerk_witten, approved_by_silence)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Bescheinigung: Besetzung kann vollzogen werden" in text
    assert "Aktenzeichen AZ 11-20/2026-0815" in text
    assert "Eingang der Mitteilung Mittwoch, 25.11.2026, 10:00 Uhr" in text
    assert "Fristbeginn Donnerstag, 26.11.2026" in text
    assert "rechnerisches Fristende Mittwoch, 02.12.2026" in text
    assert "Ende der Wochenfrist Mittwoch, 02.12.2026, 24:00 Uhr" in text
    assert "Verlängerung" not in text
    assert "PS-2.3" in text
    assert "§ 31 VwVfG NRW i. V. m. §§ 187 Abs. 1, 188 Abs. 2, 193 BGB" in text
    assert "Łukasz Größmann" in text
    assert "Anlage: Verlauf der Mitteilung" in text
    assert "Mitgeteilt, Frist läuft → Besetzung kann" in text or "Besetzung kann vollzogen werden (keine" in text
    assert "System" in text  # the sweep approved it, no person


def test_silence_certificate_explains_an_extension_over_christmas(client, draft, clerk_witten):
    submit(draft, clerk_witten, at=berlin(2026, 12, 18, 9, 0))  # Friday: nominal end is Christmas Day
    with time_machine.travel(berlin(2026, 12, 29, 0, 0, 1), tick=False):
        from staffing.tasks import run_sweep
        assert run_sweep()["approved"] == 1
    text = pdf_text(fetch(client, clerk_witten, draft).content)
    assert "rechnerisches Fristende Freitag, 25.12.2026" in text
    assert "Verlängerung (§ 193 BGB)" in text
    assert "Weihnachtstag" in text
    assert "Ende der Wochenfrist Montag, 28.12.2026, 24:00 Uhr" in text


def test_clearance_certificate(client, informed, coordinator, clerk_witten):
    with time_machine.travel(berlin(2026, 11, 26, 15, 45), tick=False):
        services.notice_clear(notice_id=informed.pk, by=coordinator, reason="Qualifikation passt")
    text = pdf_text(fetch(client, clerk_witten, informed).content)
    assert "Bescheinigung über die Freigabe ohne Bedenken" in text
    assert "Freigabe am Donnerstag, 26.11.2026, 15:45 Uhr" in text
    assert "Qualifikation passt" in text


def test_agreed_solution_certificate(client, in_consultation, coordinator, clerk_witten):
    with time_machine.travel(berlin(2026, 12, 1, 10, 0), tick=False):
        services.notice_agree(notice_id=in_consultation.pk, by=coordinator,
                              solution="Besetzung mit Praxiseinweisung", for_district="Frau Heimann",
                              for_city="Herr Brandt",
                              administrative_heads_involved=False, conditions="Fortbildung bis 30.06.2027")
    text = pdf_text(fetch(client, clerk_witten, in_consultation).content)
    assert "Bescheinigung über die einvernehmliche Lösung" in text
    assert "Reaktion der Koordinierungsstelle Bedenken, am Freitag, 27.11.2026, 09:30 Uhr" in text
    assert "Einvernehmliche Lösung Besetzung mit Praxiseinweisung" in text
    assert "Fortbildung bis 30.06.2027" in text
    assert "PS-2.4" in text


def test_directive_and_cut_certificate_names_the_statute_and_the_amount_in_euro(client, decided, district_admin):
    text = pdf_text(fetch(client, district_admin, decided).content)
    assert "Weisung im Einzelfall / Kürzung der Verwaltungskostenerstattung" in text
    assert "Die Besetzung unterbleibt bis zum Nachweis der Qualifikation." in text
    assert "12.345,60 €" in text
    assert "§ 4 Abs. 1 der Heranziehungssatzung des Ennepe-Ruhr-Kreises vom 18.04.2007" in text
    assert "Entscheidung am Donnerstag, 10.12.2026, 14:00 Uhr" in text
    assert "Besetzung zulässig ja" in text and "Besetzung mit Auflagen" in text
    assert "keine Einigung" in text  # annex carries the escalation


def test_placed_notice_still_documents_the_outcome_before_placement(client, approved_by_silence, clerk_witten):
    services.notice_place(notice_id=approved_by_silence.pk, by=clerk_witten, placed_on=date(2027, 1, 1),
                          confirm_ahead=True)
    text = pdf_text(fetch(client, clerk_witten, approved_by_silence).content)
    assert "Bescheinigung: Besetzung kann vollzogen werden" in text
    assert "besetzt zum 01.01.2027" in text


def test_no_certificate_while_the_period_runs(client, informed, clerk_witten):
    assert fetch(client, clerk_witten, informed).status_code == 404


def test_other_citys_clerk_gets_404(client, approved_by_silence, clerk_hattingen):
    assert fetch(client, clerk_hattingen, approved_by_silence).status_code == 404


def test_anonymous_is_sent_to_login(client, approved_by_silence):
    response = client.get(reverse("integrations:notice_certificate", args=[approved_by_silence.pk]))
    assert response.status_code == 302
    assert "/anmelden/" in response["Location"]
