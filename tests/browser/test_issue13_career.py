"""Issue 13, point 1 (PS-1.1) in a real browser, on the demo data: the district administration changes the
career track its table presumes for the grade of the demo benefits notice (DEMO-SPR-1), and the notice's
advice for the candidate with Angestelltenlehrgang II turns from met into a deviation."""
import re

import pytest
from playwright.sync_api import expect

from staffing.demo_careers import DEMO_REFERENCE
from staffing.grades import is_civil_servant_grade, normalise_grade
from staffing.models import CareerTrack, GradeCareerTrack, PlacementNotice

from .helpers import assert_accessible, login, nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_district_admin_edits_a_row_and_the_notice_advice_changes(demo, page):
    notice = PlacementNotice.objects.select_related("position").get(reference=DEMO_REFERENCE)
    grade = normalise_grade(notice.position.grade)
    row = GradeCareerTrack.objects.get(district=notice.office.district, grade=grade)
    highest = CareerTrack.LG2_SECOND if is_civil_servant_grade(grade) else CareerTrack.EMPLOYEE_UNIVERSITY
    login(page, demo, "kreis")

    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Angestelltenlehrgang II / Verwaltungsfachwirt/in genügt für die Stelle {grade}")

    nav_link(page, "Laufbahnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laufbahnen je Besoldungs- und Entgeltgruppe")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^Ändern {re.escape(grade)}$")).click()
    page.get_by_label("Vorgesehene Laufbahn / Qualifikation").select_option(highest)
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text(f"Die Zeile {grade} wurde geändert.")
    expect(page.locator(f"#laufbahn-{row.pk}")).to_contain_text(str(CareerTrack(highest).label))

    page.goto(f"{demo}/mitteilungen/{notice.pk}/")
    expect(page.get_by_role("main")).to_contain_text(
        f"Angestelltenlehrgang II / Verwaltungsfachwirt/in reicht für die Stelle {grade} nicht: vorgesehen ist "
        f"{CareerTrack(highest).label}.")
    row.refresh_from_db()
    assert row.track == highest and row.changed_by.username == "kreis"
