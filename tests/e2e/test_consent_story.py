"""The story of issue 2 in a real browser: sign in, pick an assignment, search, open the overview, record a consent
and see another organisation's data appear, withdraw it and see it disappear, then find those reads in the log
review. axe-core checks every page on the way."""

import datetime as dt

import pytest

from nara.directory.models import Assignment
from tests import factories as f
from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    world = build()
    # Anna also works in the mobile team: she must choose which assignment she acts under.
    mobile = f.unit(world.region, kind="mobile_team", name="Mobila teamet Södra Älvsborg")
    Assignment.objects.create(user=world.vc_nurse, unit=mobile, roles=["nurse"], valid_from=dt.date(2020, 1, 1))
    world.vc_manager.username = "karin"
    world.vc_manager.save()
    return world


def test_consent_story(page, live_server, login, axe_check, w):
    login(page, live_server, "anna", PASSWORD)
    assert page.locator("h1").inner_text() == "Välj vilket uppdrag du arbetar under"
    axe_check(page)
    page.get_by_label("Vårdcentralen Kinna", exact=False).check()
    page.get_by_role("button", name="Fortsätt").click()
    assert page.get_by_test_id("current-unit").inner_text() == "Vårdcentralen Kinna"
    axe_check(page)

    page.get_by_role("link", name="Sök person").first.click()
    page.get_by_label("Personnummer eller namn").fill("Lindqvist")
    page.get_by_role("button", name="Sök").click()
    axe_check(page)
    assert "/personer/" in page.url and w.person.personnummer not in page.url
    page.get_by_role("link", name="Astrid Lindqvist").click()
    assert page.locator("h1").inner_text() == "Astrid Lindqvist"
    axe_check(page)
    relatives = page.locator("section", has=page.locator("#h-rel"))
    assert "Karl Lindqvist" not in relatives.inner_text()
    assert "Samtycke saknas för delning från Marks kommun." in relatives.inner_text()

    page.get_by_role("link", name="Samtycken").click()
    axe_check(page)
    page.get_by_label("Marks kommun").check()
    page.get_by_label("Hur samtycket lämnades").select_option("verbal")
    page.get_by_role("button", name="Registrera samtycke").click()
    assert "Samtycket är registrerat." in page.locator(".messages").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Astrid Lindqvist").click()
    assert "Karl Lindqvist" in page.locator("section", has=page.locator("#h-rel")).inner_text()
    assert "Hemsjukvården Mark" in page.get_by_test_id("care-team").inner_text()

    page.get_by_role("link", name="Samtycken").click()
    page.get_by_role("link", name="Ändra eller återkalla").click()
    axe_check(page)
    page.get_by_label("Kommentar").fill("Återkallat muntligt vid hembesök")
    page.get_by_role("button", name="Återkalla samtycket").click()
    assert "Samtycket är återkallat." in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Astrid Lindqvist").click()
    relatives = page.locator("section", has=page.locator("#h-rel"))
    assert "Karl Lindqvist" not in relatives.inner_text()

    # The manager finds Anna's reads of Mark's data, with consent as the basis, in the log review.
    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server, "karin", PASSWORD)
    page.get_by_role("link", name="Logguppföljning").first.click()
    axe_check(page)
    page.get_by_label("Användare").fill("anna")
    page.get_by_label("Åtkomstgrund").select_option("consent")
    page.get_by_role("button", name="Visa", exact=True).click()
    table = page.locator("table").first.inner_text()
    assert "Astrid Lindqvist" in table and "Samtycke" in table
    assert w.person.personnummer not in page.content()
    axe_check(page)
