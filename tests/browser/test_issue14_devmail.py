"""Issue 14, point 5 in a real browser, on the demo data: in development the coordination office's demo login
follows the header link to the mails the demo steps sent and reads one as its recipient would."""
import pytest
from playwright.sync_api import expect

from ops import devmail

from .helpers import assert_accessible, header_link, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def dev_mail(settings, tmp_path):
    """DEBUG as `make run` sets it, before the demo data is seeded: its mails are kept for the viewer."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "ops.devmail.DevMailBackend"
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    return settings.DEV_MAIL_DIR


def test_demo_login_reads_the_mails_the_demo_sent(dev_mail, demo, page):
    kept = devmail.mails()
    assert kept, "seeding the demo sent no mail"
    login(page, demo, "koordination")
    header_link(page, "Gesendete E-Mails (Entwicklung)").click()  # in the menu behind the organisation
    expect(page.get_by_role("heading", level=1)).to_have_text("Gesendete E-Mails (Entwicklung)")
    assert_accessible(page)
    newest = kept[0]
    page.get_by_role("link", name=newest.subject).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(newest.subject)
    main = page.get_by_role("main")
    expect(main).to_contain_text(newest.to)
    expect(main).to_contain_text("Anhänge")
    body = devmail.mail(newest.id).body.strip().splitlines()[0]
    expect(main).to_contain_text(body)
    assert_accessible(page)
