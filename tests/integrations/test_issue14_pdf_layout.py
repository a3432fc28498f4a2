"""Issue 14, point 6: the certificate PDFs read back with poppler (pdfinfo/pdftotext): the letterhead names
the deciding body (PS-2.5: a decision of the district administration is the Kreisverwaltung's), no
near-empty pages, and the annex starts on the page where the text ends."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from staffing.models import Organisation

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _poppler():
    """The layout is read with poppler-utils (pdftotext, pdfinfo): .ci/run installs them; locally a missing
    tool skips, with CI=true it fails."""
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    message = "poppler-utils (pdftotext, pdfinfo) not installed: apt-get install poppler-utils"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)

ANNEX = "Anlage: Verlauf der Mitteilung"


def fetch(client, user, notice) -> bytes:
    client.force_login(user)
    response = client.get(reverse("integrations:notice_certificate", args=[notice.pk]))
    assert response.status_code == 200
    return response.content


def pages(content: bytes) -> list[str]:
    """The text of each page (pdftotext -layout; pages end with a form feed)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
    result = text.split("\f")[:count]
    assert len(result) == count
    return result


def letterhead(page: str) -> str:
    """The lines above the title of page 1."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return "\n".join(lines[:3])


def body_lines(page: str) -> int:
    """Lines with text on a page, without its footer."""
    return sum(1 for line in page.splitlines() if line.strip() and "Seite " not in line)


def test_decision_letterhead_names_the_district_administration(client, decided, district_admin):
    first = pages(fetch(client, district_admin, decided))[0]
    head = letterhead(first)
    assert "Kreisverwaltung" in head
    assert decided.office.district.name in head
    assert "Koordinierungsstelle" not in head


def test_decision_letterhead_adds_the_administrations_own_name(client, decided, district_admin):
    Organisation.objects.update_or_create(district=decided.office.district, kind="district_admin",
                                          defaults={"name": "Der Landrat – Amt 11"})
    head = letterhead(pages(fetch(client, district_admin, decided))[0])
    assert head.splitlines()[1] == "Kreisverwaltung"
    assert "Der Landrat – Amt 11" in head


def test_silence_certificate_letterhead_is_the_coordination_office(client, approved_by_silence, clerk_witten):
    head = letterhead(pages(fetch(client, clerk_witten, approved_by_silence))[0])
    assert "Koordinierungsstelle der JobAgentur EN" in head
    assert "Kreisverwaltung" not in head


def test_decision_pdf_has_no_near_empty_page(client, decided, district_admin):
    result = pages(fetch(client, district_admin, decided))
    assert len(result) <= 2
    # every page but the last carries real content, and the last is not a stub of a line or two
    for page in result:
        assert body_lines(page) >= 8, page


def test_annex_starts_on_the_page_where_the_text_ends(client, approved_by_silence, clerk_witten):
    result = pages(fetch(client, clerk_witten, approved_by_silence))
    assert len(result) == 1
    assert "Ausgestellt am" in result[0] and ANNEX in result[0]
    assert result[0].index("Ausgestellt am") < result[0].index(ANNEX)


def test_decision_annex_starts_below_the_text_and_continues_on_page_2(client, decided, district_admin):
    result = pages(fetch(client, district_admin, decided))
    assert len(result) == 2
    assert "Ausgestellt am" in result[0] and ANNEX in result[0]
    assert "Zeitpunkt" in result[1]  # the table continues with its head repeated


def test_long_decision_text_continues_with_the_annex_on_the_same_page(client, decided, district_admin):
    """The case of the issue: the text runs a little onto page 2; the annex follows there, page 2 is not a
    near-empty page and no third page is forced."""
    type(decided).objects.filter(pk=decided.pk).update(
        objection_reason="Die Qualifikation entspricht nicht PS-1.2. " * 12,
        directive="Die Besetzung unterbleibt bis zum Nachweis der Qualifikation nach PS-1.2. " * 6)
    decided.refresh_from_db()
    result = pages(fetch(client, district_admin, decided))
    assert len(result) == 2
    assert "Ausgestellt am" in result[1] and ANNEX in result[1]
    assert result[1].index("Ausgestellt am") < result[1].index(ANNEX)
    assert body_lines(result[1]) >= 8
