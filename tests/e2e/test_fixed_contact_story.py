"""Adding a fixed contact in a real browser (issue 11 item 5: every valid POST gave a 500 before, because the
form never set the contact's unit). axe-core checks the pages."""

import pytest

from nara.people.models import FixedContact
from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    return build()


def test_nurse_appoints_herself_fast_vardkontakt(page, live_server, login, axe_check, w):
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{live_server.url}/personer/{w.person.pk}/")
    page.get_by_role("link", name="Alla fasta kontakter").click()
    axe_check(page)
    page.get_by_label("Typ").select_option("care_contact")
    page.get_by_label("Medarbetare").select_option(str(w.vc_nurse.pk))
    page.get_by_role("button", name="Spara").click()
    assert page.locator(".messages").count() == 1
    table = page.get_by_test_id("fixed-contacts").inner_text()
    assert "Fast vårdkontakt" in table and "Vårdcentralen Kinna" in table
    axe_check(page)
    contact = FixedContact.objects.get(person=w.person, kind="care_contact")
    assert contact.unit == w.vc and contact.staff == w.vc_nurse
