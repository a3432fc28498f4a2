"""Issue 13, point 2 in a real browser on the demo data: the coordination office opens "Fachspezifische
Fortbildung" (PS-1.4), sees Witten's overdue placement officer, reminds the city, and the city's clerk finds
the reminder among the notifications."""
import re

import pytest
from playwright.sync_api import expect

from planning.models import MessageKind, TrainingReminder
from staffing.models import Notification

from .helpers import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_coordination_office_reminds_witten_of_the_field_specific_training(demo, new_page):
    page = new_page()
    login(page, demo, "koordination")
    page.goto(f"{demo}/planung/fortbildung/")
    expect(page.get_by_role("main")).to_contain_text("fachspezifische Fortbildung (Arbeitsvermittlung/Fachberatung)")
    page.get_by_role("link", name=re.compile("Fachspezifische Fortbildung: wer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fachspezifische Fortbildung")
    witten = page.locator("section").filter(has=page.get_by_role("heading", name="Regionalstelle Witten"))
    expect(witten).to_contain_text("überfällig seit")
    expect(witten).to_contain_text("Noch nicht erinnert.")
    assert_accessible(page)
    witten.get_by_role("button", name="Stadt Witten erinnern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Stadt wurde erinnert")
    witten = page.locator("section").filter(has=page.get_by_role("heading", name="Regionalstelle Witten"))
    expect(witten).to_contain_text("Zuletzt erinnert am")
    reminder = TrainingReminder.objects.get(office__city__name="Witten")
    assert reminder.recipients >= 1 and any(p["overdue"] for p in reminder.people)

    clerk = new_page()
    login(clerk, demo, "clerk-witten")
    note = Notification.objects.get(recipient__username="clerk-witten", kind=MessageKind.TRAINING_REMINDER)
    assert "Regionalstelle Witten" in note.subject and "überfällig seit" in note.body
    assert not Notification.objects.filter(kind=MessageKind.TRAINING_REMINDER,
                                           recipient__organisation__city__name="Hattingen").exists()
    response = clerk.goto(f"{demo}/planung/fortbildung/fachspezifisch/")
    assert response.status == 403
