"""Issue 17, points 2 and 3 in a real browser on the demo data: the district administration and the coordination
office open the procedure statistics from the main navigation, the page passes axe-core (charts with their
tables), they choose a period and download the statistics and the period's audit trail; the coordination office
downloads a notice's audit trail from the notice page. Every download is recorded."""
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import ExportLog
from staffing.models import PlacementNotice, User
from staffing.states import NoticeState

from .helpers import assert_accessible, login, nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def open_statistics(page):
    nav_link(page, "Verfahrensstatistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verfahrensstatistik")
    chart = page.get_by_role("img", name=re.compile("Balkendiagramm: Eingegangene Mitteilungen je Stadt"))
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Kennzahlen je Stadt"))).to_be_visible()


def test_district_administration_reads_the_statistics_and_downloads_them(demo, page, tmp_path):
    login(page, demo, "kreis")
    open_statistics(page)
    assert_accessible(page)
    # a period typed the German way; a wrong one is explained in German
    page.get_by_label(re.compile("^Zeitraum von")).fill("31.02.2026")
    page.get_by_role("button", name="Zeitraum anzeigen").click()
    expect(page.get_by_role("alert")).to_contain_text("gültiges Datum")
    assert_accessible(page)
    page.get_by_label(re.compile("^Zeitraum von")).fill("01.01.2020")
    page.get_by_role("button", name="Zeitraum anzeigen").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verfahrensstatistik")
    with page.expect_download() as info:
        page.get_by_role("link", name="Statistik als Excel (XLSX)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert "01.01.2020" in rows[0][0] and rows[1][0] == "Stadt" and rows[-1][0] == "Gesamt"
    received = PlacementNotice.objects.exclude(state=NoticeState.DRAFT).filter(
        office__district=User.objects.get(username="kreis").organisation.district).count()
    assert rows[-1][1] == received  # the demo's notices are all received since 2020
    log = ExportLog.objects.get()
    assert (log.user.username, log.kind, log.file_format, str(log.date_from)) == (
        "kreis", ExportLog.Kind.STATISTICS, "xlsx", "2020-01-01")


def test_coordination_office_downloads_the_audit_trail_of_a_period_and_of_a_notice(demo, page):
    login(page, demo, "koordination")
    open_statistics(page)
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Prüfprotokoll des Zeitraums (CSV)").click()
    with open(info.value.path(), encoding="utf-8-sig") as file:
        text = file.read()
    assert text.splitlines()[0].startswith("Mitteilung Nr.;Aktenzeichen;Stadt;Art;Zeitpunkt;Schritt")
    district = User.objects.get(username="koordination").organisation.district
    notice = (PlacementNotice.objects.filter(events__transition="submit", office__district=district)
              .exclude(state=NoticeState.DRAFT).order_by("pk").first())
    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Prüfprotokoll für die Rechnungsprüfung (PDF)").click()
    with open(info.value.path(), "rb") as file:
        pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(file.read())).pages)
    assert f"Prüfprotokoll der Mitteilung Nr. {notice.pk}" in pdf
    assert "Mitgeteilt (Wochenfrist beginnt)" in pdf
    assert list(ExportLog.objects.order_by("pk").values_list("kind", "file_format")) == [
        (ExportLog.Kind.AUDIT_PERIOD, "csv"), (ExportLog.Kind.AUDIT_NOTICE, "pdf")]


def test_a_city_clerk_has_no_statistics(demo, page):
    login(page, demo, "clerk-witten")
    navigation = page.locator("nav[aria-label='Hauptnavigation']")
    assert navigation.get_by_role("link", name="Verfahrensstatistik").count() == 0
    response = page.goto(f"{demo}/statistik/")
    assert response.status == 403
