"""Issue 17, point 3: the audit export (Prüfprotokoll) of a notice and of a period, as CSV and PDF, for the
coordination office and the district administration of the notice's district (and the operator); another
district's notice is 404, a city's clerk and the head are refused; every export is logged."""
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ExportLog

QUERY = {"von": "01.03.2026", "bis": "31.03.2026"}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def csv_rows(response) -> list[list[str]]:
    return [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]


@pytest.mark.django_db
def test_the_notice_csv_holds_every_step_comment_decision_and_cut(dataset, district_admin):
    notice = dataset["n3"]
    response = client_of(district_admin).get(reverse("reports:audit_notice_csv", args=[notice.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = csv_rows(response)
    assert rows[0] == ["Mitteilung Nr.", "Aktenzeichen", "Stadt", "Art", "Zeitpunkt", "Schritt", "von Status",
                       "nach Status", "durch", "i. V. für", "Begründung / Text"]
    kinds = [row[3] for row in rows[1:]]
    assert kinds.count("Schritt") == 5  # submit, concerns, escalation, decision, revocation of a cut
    assert kinds.count("Kommentar") == 1 and kinds.count("Entscheidung") == 1
    assert kinds.count("Kürzung") == 3 and kinds.count("Aufhebung der Kürzung") == 1
    steps = {row[5]: row for row in rows[1:] if row[3] == "Schritt"}
    concerns = steps["Bedenken / Klärungsbedarf angemeldet"]
    assert concerns[4] == "05.03.2026 04:00"
    assert (concerns[6], concerns[7], concerns[10]) == ("Mitgeteilt, Frist läuft", "In Erörterung",
                                                        "Qualifikation fehlt")
    decision = next(row for row in rows[1:] if row[3] == "Entscheidung")
    assert "Einweisung binnen drei Monaten" in decision[10]
    assert any("1.000,00 €" in row[10] for row in rows if row[3] == "Kürzung")
    assert all(row[0] == str(notice.pk) and row[1] == "WIT-3" and row[2] == "Witten" for row in rows[1:])
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.file_format, log.notice, log.rows) == (
        district_admin, ExportLog.Kind.AUDIT_NOTICE, "csv", notice, len(rows) - 1)


@pytest.mark.django_db
def test_the_notice_pdf_contains_the_events(dataset, coordinator):
    notice = dataset["n3"]
    response = client_of(coordinator).get(reverse("reports:audit_notice_pdf", args=[notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert f"Prüfprotokoll der Mitteilung Nr. {notice.pk}" in text
    for words in ("Qualifikation fehlt", "Keine Einigung", "Eskaliert an die Kreisverwaltung", "Neu entschieden",
                  "Bitte Nachweis der Einweisung", "05.03.2026 04:00"):
        assert words in text, words
    assert "Widerspruch" not in text and "gilt als erteilt" not in text
    assert ExportLog.objects.get().file_format == "pdf"


@pytest.mark.django_db
def test_a_substitutes_step_names_whom_it_was_taken_for(dataset, coordinator, district):
    from staffing.models import NoticeEvent, Organisation
    from tests.factories import district_user

    substitute = district_user(district, Organisation.Kind.COORDINATION, username="vertretung",
                               first_name="Vera", last_name="Vertretung")
    event = NoticeEvent.objects.filter(notice=dataset["n1"], transition="clear").get()
    NoticeEvent.objects.create(notice=dataset["n1"], actor=substitute, on_behalf_of=coordinator,
                               transition="city_statement", from_state=event.to_state, to_state=event.to_state,
                               reason="i. V.")
    rows = csv_rows(client_of(coordinator).get(reverse("reports:audit_notice_csv", args=[dataset["n1"].pk])))
    row = next(row for row in rows if row[8] == "Vera Vertretung")
    assert row[9] == coordinator.get_full_name()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:audit_notice_csv", "reports:audit_notice_pdf"])
def test_another_districts_notice_is_not_found_and_nothing_is_logged(dataset, coordinator, name):
    assert client_of(coordinator).get(reverse(name, args=[dataset["n10"].pk])).status_code == 404
    assert client_of(dataset["other_coord"]).get(reverse(name, args=[dataset["n1"].pk])).status_code == 404
    assert client_of(coordinator).get(reverse(name, args=[2**31])).status_code == 404
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reports:audit_notice_csv", "reports:audit_notice_pdf"])
def test_the_city_and_the_head_may_not_export_the_audit(dataset, clerk_witten, clerk_hattingen, head, name):
    notice = dataset["n1"]  # Witten's
    assert client_of(clerk_witten).get(reverse(name, args=[notice.pk])).status_code == 403
    assert client_of(clerk_hattingen).get(reverse(name, args=[notice.pk])).status_code == 404
    assert client_of(head).get(reverse(name, args=[notice.pk])).status_code == 403
    for period_name in ("reports:audit_period_csv", "reports:audit_period_pdf"):
        for user in (clerk_witten, head):
            assert client_of(user).get(reverse(period_name)).status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.django_db
def test_the_notice_page_links_the_audit_export_for_the_district_only(dataset, coordinator, clerk_witten):
    notice = dataset["n1"]
    url = reverse("reports:audit_notice_pdf", args=[notice.pk])
    detail = reverse("staffing:notice_detail", args=[notice.pk])
    assert url in client_of(coordinator).get(detail).content.decode()
    assert url not in client_of(clerk_witten).get(detail).content.decode()


@pytest.mark.django_db
def test_the_period_csv_holds_every_step_of_the_scope_in_the_period(dataset, coordinator):
    response = client_of(coordinator).get(reverse("reports:audit_period_csv"), QUERY)
    assert response.status_code == 200
    rows = csv_rows(response)[1:]
    # March 2026 in the EN district: N1 submit+clear+place, N2 submit+silence, N3 submit+concerns+escalation,
    # N4 submit+silence+place; not N3's decision (April), not the other district's N10 (March)
    assert len(rows) == 11
    assert {row[0] for row in rows} == {str(dataset[n].pk) for n in ("n1", "n2", "n3", "n4")}
    assert [row[4] for row in rows] == sorted([row[4] for row in rows], key=lambda t: (t[6:10], t[3:5], t[:2], t[11:]))
    log = ExportLog.objects.get()
    assert (log.kind, log.file_format, log.rows, str(log.date_from), str(log.date_to)) == (
        ExportLog.Kind.AUDIT_PERIOD, "csv", 11, "2026-03-01", "2026-03-31")
    assert log.district_id == coordinator.organisation.district_id


@pytest.mark.django_db
def test_the_period_pdf_contains_the_events(dataset, district_admin):
    response = client_of(district_admin).get(reverse("reports:audit_period_pdf"), QUERY)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Prüfprotokoll vom 01.03.2026 bis 31.03.2026" in text
    assert "Qualifikation fehlt" in text and "Passt." in text
    assert "Wochenfrist ohne Reaktion abgelaufen" in text
    assert ExportLog.objects.get().rows == 11


@pytest.mark.django_db
def test_an_empty_period_pdf_says_so(dataset, coordinator):
    response = client_of(coordinator).get(reverse("reports:audit_period_pdf"),
                                          {"von": "01.01.2020", "bis": "02.01.2020"})
    assert response.status_code == 200
    assert "Keine Einträge im gewählten Zeitraum." in pdf_text(response.content)


@pytest.mark.django_db
def test_the_operator_exports_any_districts_notice(dataset):
    from tests.factories import UserFactory

    operator = UserFactory(is_superuser=True, is_staff=True)
    assert client_of(operator).get(reverse("reports:audit_notice_csv", args=[dataset["n10"].pk])).status_code == 200
    rows = csv_rows(client_of(operator).get(reverse("reports:audit_period_csv"), QUERY))[1:]
    assert str(dataset["n10"].pk) in {row[0] for row in rows}
    assert ExportLog.objects.filter(user=operator, district__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_operator_reads_the_record_of_exports_in_the_admin_and_nobody_changes_it(dataset, coordinator):
    from tests.factories import UserFactory

    client_of(coordinator).get(reverse("reports:audit_notice_csv", args=[dataset["n1"].pk]))
    log = ExportLog.objects.get()
    operator = client_of(UserFactory(is_superuser=True, is_staff=True))
    changelist = operator.get(reverse("admin:reports_exportlog_changelist"))
    assert changelist.status_code == 200 and "Prüfprotokoll einer Mitteilung" in changelist.content.decode()
    assert operator.get(reverse("admin:reports_exportlog_add")).status_code == 403
    assert operator.post(reverse("admin:reports_exportlog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert ExportLog.objects.filter(pk=log.pk).exists()
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    assert client_of(coordinator).get(reverse("admin:reports_exportlog_changelist")).status_code == 403


@pytest.mark.django_db
def test_a_period_too_long_for_a_pdf_gets_a_german_400_and_no_record(dataset, coordinator, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "AUDIT_PDF_MAX_ROWS", 10)
    response = client_of(coordinator).get(reverse("reports:audit_period_pdf"), QUERY)
    assert response.status_code == 400
    assert "höchstens 10" in response.content.decode() and "CSV" in response.content.decode()
    assert not ExportLog.objects.exists()
