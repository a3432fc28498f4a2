"""The notice page links the PDF certificate once the notice has an outcome (PS-2.3 to PS-2.5), and
only then; the link leads to the PDF for the people who may see the notice."""
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from staffing import services

from .conftest import berlin

pytestmark = pytest.mark.django_db
LINK_TEXT = "Bescheinigung für die Akte (PDF)"


def certificate_link(client, user, notice) -> str | None:
    client.force_login(user)
    response = client.get(reverse("staffing:notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    match = re.search(r'<a class="kern-link" href="([^"]+)" type="application/pdf">.*?' + re.escape(LINK_TEXT),
                      response.content.decode())
    return match.group(1) if match else None


@pytest.mark.parametrize("role", ["clerk_witten", "coordinator", "head"])
def test_an_approved_by_silence_notice_links_its_certificate_as_pdf(client, approved_by_silence, role, request):
    user = request.getfixturevalue(role)
    url = certificate_link(client, user, approved_by_silence)
    assert url == reverse("integrations:notice_certificate", args=[approved_by_silence.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_running_notice_has_no_certificate_link(client, informed, clerk_witten, coordinator):
    assert certificate_link(client, clerk_witten, informed) is None
    assert certificate_link(client, coordinator, informed) is None
    assert LINK_TEXT not in client.get(reverse("staffing:notice_detail", args=[informed.pk])).content.decode()


def test_a_draft_and_a_notice_in_consultation_have_no_certificate_link(client, draft, clerk_witten, coordinator):
    assert certificate_link(client, clerk_witten, draft) is None
    services.notice_submit(notice_id=draft.pk, by=clerk_witten)
    services.notice_raise_objection(notice_id=draft.pk, by=coordinator, kind="concerns", reason="Qualifikation")
    assert certificate_link(client, coordinator, draft) is None


def test_a_decided_notice_links_its_certificate(client, decided, clerk_witten):
    url = certificate_link(client, clerk_witten, decided)
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_a_placed_notice_keeps_the_link_to_the_outcome_before_it(client, informed, coordinator, clerk_witten):
    with time_machine.travel(berlin(2026, 11, 26, 15, 45), tick=False):
        services.notice_clear(notice_id=informed.pk, by=coordinator, reason="passt")
        services.notice_place(notice_id=informed.pk, by=clerk_witten, placed_on=date(2026, 12, 1))
    url = certificate_link(client, clerk_witten, informed)
    assert url and client.get(url)["Content-Type"] == "application/pdf"


def test_another_citys_clerk_sees_neither_the_page_nor_the_certificate(client, approved_by_silence,
                                                                      clerk_hattingen):
    client.force_login(clerk_hattingen)
    assert client.get(reverse("staffing:notice_detail", args=[approved_by_silence.pk])).status_code == 404
    url = reverse("integrations:notice_certificate", args=[approved_by_silence.pk])
    assert client.get(url).status_code == 404
