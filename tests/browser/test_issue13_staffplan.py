"""Issue 13, point 7 (PS-4.2) in a real browser on the demo data: the district (coordination office) keeps the
staff plan, adding a position and changing it; the city (Witten) proposes a change, which the district
administration accepts; the position then has exactly the proposed values and the city is told."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from planning.models import StaffPlanMessageKind
from staffing.models import Notification, Position, PositionChange, PositionProposal

from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_the_district_keeps_the_staff_plan_and_accepts_a_citys_proposal(demo, new_page):
    # the coordination office adds a position to Witten's plan and changes it
    district = new_page()
    login(district, demo, "koordination")
    district.goto(f"{demo}/planung/stellenplan/")
    expect(district.get_by_role("heading", level=1)).to_have_text("Stellenplan des Kreises")
    assert_accessible(district)
    district.get_by_role("link", name="Regionalstelle Witten").click()
    expect(district.get_by_role("heading", level=1)).to_contain_text("Regionalstelle Witten")
    expect(district.get_by_role("main")).to_contain_text("wartet auf Entscheidung")  # the demo's waiting one
    assert_accessible(district)
    district.get_by_role("link", name="Stelle anlegen").click()
    district.get_by_label("Stellennummer", exact=True).fill("WIT-900")
    district.get_by_label("Stellenbezeichnung", exact=True).fill("Arbeitsvermittler/in Reha")
    district.get_by_label("Funktion", exact=True).select_option(label="Arbeitsvermittlung")
    district.get_by_label("Besoldungs-/Entgeltgruppe", exact=True).fill("EG 9c")
    district.get_by_label("Stellenanteil (VZÄ)", exact=True).fill("0,5")
    district.get_by_label("Begründung der Änderung", exact=True).fill("Haushaltsplan 2027: neue Stelle Reha")
    assert_accessible(district)
    district.get_by_role("button", name="Speichern").click()
    expect(district.get_by_role("status")).to_contain_text("Der Stellenplan wurde geändert.")
    row = district.locator("#stellenplan tr", has_text="WIT-900")
    expect(row).to_contain_text("EG 9c")
    district.get_by_role("link", name="Ändern WIT-900").click()
    district.get_by_label("Besoldungs-/Entgeltgruppe", exact=True).fill("EG 10")
    district.get_by_label("Begründung der Änderung", exact=True).fill("Stellenbewertung")
    district.get_by_role("button", name="Speichern").click()
    expect(district.locator("#stellenplan tr", has_text="WIT-900")).to_contain_text("EG 10")
    expect(district.get_by_role("main")).to_contain_text("Stellenbewertung")  # the history (audit)
    position = Position.objects.get(number="WIT-900")
    assert (position.grade, position.fte, position.is_active) == ("EG 10", Decimal("0.500"), True)
    assert PositionChange.objects.filter(position=position).count() == 2

    # the city sees its plan read-only and proposes a full position instead of a half one
    clerk = new_page()
    login(clerk, demo, "clerk-witten")
    clerk.goto(f"{demo}/planung/stellenplan/")
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("Regionalstelle Witten")
    expect(clerk.get_by_role("link", name="Stelle anlegen")).to_have_count(0)
    clerk.get_by_role("link", name="Änderung vorschlagen WIT-900").click()
    expect(clerk.get_by_label("Stellenanteil (VZÄ)", exact=True)).to_have_value(re.compile(r"0[,.]5"))
    clerk.get_by_label("Stellenanteil (VZÄ)", exact=True).fill("1,0")
    clerk.get_by_label("Begründung", exact=True).fill("Reha-Fälle haben sich verdoppelt.")
    assert_accessible(clerk)
    clerk.get_by_role("button", name="Vorschlag senden").click()
    expect(clerk.get_by_role("status")).to_contain_text("Ihr Vorschlag ist beim Kreis eingegangen.")
    expect(clerk.get_by_role("main")).to_contain_text("wartet auf Entscheidung des Kreises")
    position.refresh_from_db()
    assert position.fte == Decimal("0.500")  # nothing applied before the district decides

    # the district administration accepts it from the list of proposals (waiting ones first)
    admin = new_page()
    login(admin, demo, "kreis")
    admin.goto(f"{demo}/planung/stellenplan/vorschlaege/")
    assert_accessible(admin)
    admin.locator("#vorschlaege").get_by_role("link", name=re.compile("WIT-900")).click()
    expect(admin.locator("#werte")).to_contain_text("1.000")
    admin.get_by_label("annehmen", exact=True).check()
    admin.get_by_label("Vermerk des Kreises", exact=True).fill("Im Rahmen des Budgets 2027.")
    assert_accessible(admin)
    admin.get_by_role("button", name="Entscheidung speichern").click()
    expect(admin.get_by_role("status")).to_contain_text("Die Entscheidung ist gespeichert")
    expect(admin.get_by_role("main")).to_contain_text("angenommen")
    position.refresh_from_db()
    assert (position.grade, position.fte) == ("EG 10", Decimal("1.000"))
    proposal = PositionProposal.objects.get(position=position)
    assert proposal.state == PositionProposal.State.ACCEPTED and proposal.decided_by.username == "kreis"
    assert Notification.objects.filter(recipient__username="clerk-witten",
                                       kind=StaffPlanMessageKind.POSITION_DECIDED).exists()
    clerk.goto(f"{demo}/planung/stellenplan/")
    row = clerk.locator("#stellenplan tr", has_text="WIT-900")
    expect(row.locator("td", has_text=re.compile(r"^\s*1\s*$"))).to_have_count(1)  # issue 14: FTE "1" (|fte)
