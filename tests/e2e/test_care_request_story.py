"""Issue 4 in a real browser: a physician records a treatment limitation and a palliative plan; a nurse opens the
person overview (the limitation banner at the top), the prepared care request and its print view. axe-core
checks every page on the way."""

import pytest

from tests.plans import builders as b
from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    world = build()
    b.vc_physician(world)  # username "doktor"
    b.cfs_rating(world, score=6)
    return world


def test_care_request_story(page, live_server, login, axe_check, w):
    base = live_server.url
    login(page, live_server, "doktor", PASSWORD)
    page.goto(f"{base}/personer/{w.person.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Vårdplaner och behandlingsbegränsningar").click()
    assert page.locator("h1").inner_text() == "Vårdplaner och behandlingsbegränsningar"
    axe_check(page)

    page.get_by_role("link", name="Ny behandlingsbegränsning").click()
    axe_check(page)
    page.get_by_label("Begränsning").select_option("no_cpr")
    page.get_by_label("Samråd med").fill("Astrid själv och sonen Karl vid hembesök")
    page.get_by_role("button", name="Registrera beslutet").click()
    assert "Behandlingsbegränsningen är registrerad." in page.locator(".messages").inner_text()
    assert "Ej hjärt-lungräddning (HLR)" in page.get_by_test_id("limitation-banner").inner_text()
    axe_check(page)

    page.get_by_role("link", name="Palliativ vårdplan").click()
    axe_check(page)
    page.get_by_label("Mål med vården").fill("Lindra symtom och få vara hemma")
    page.get_by_label("Palliativa ordinationer (vid behov)").fill(
        "Morfin 2,5 mg sc vid smärta, högst 6 ggr/dygn"
    )
    page.get_by_role("button", name="Spara planen").click()
    assert "Vårdplanen är sparad." in page.locator(".messages").inner_text()
    assert "Morfin 2,5 mg" in page.get_by_test_id("palliative-orders").inner_text()
    assert "Test" in page.get_by_test_id("responsible-physician").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Logga ut").click()

    # The nurse: the banner is the first thing on the overview.
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{base}/personer/{w.person.pk}/")
    banner = page.get_by_test_id("limitation-banner")
    assert "Ej hjärt-lungräddning (HLR)" in banner.inner_text()
    assert "Astrid själv och sonen Karl" in banner.inner_text()
    plans = page.get_by_test_id("plans-overview").inner_text()
    assert "Palliativ vårdplan" in plans and "CFS 6" in plans
    axe_check(page)

    page.get_by_test_id("plans-overview").get_by_role("link", name="Förberedd vårdbegäran").click()
    assert page.locator("h1").inner_text() == "Förberedd vårdbegäran"
    assert "Ej hjärt-lungräddning (HLR)" in page.get_by_test_id("limitation-banner").inner_text()
    assert "CFS 6" in page.get_by_test_id("cr-cfs").inner_text()
    assert "Behandlingsbegränsning" in page.get_by_test_id("cr-recent").inner_text()
    assert (
        "Marks kommun" in page.get_by_test_id("cr-sources").inner_text()
    )  # the son is Mark's record: hidden
    axe_check(page)

    page.get_by_role("link", name="Utskrift (A4)").click()
    assert "/vardbegaran/utskrift/" in page.url and w.person.personnummer not in page.url
    axe_check(page)
    page.emulate_media(media="print")
    shot = page.screenshot(full_page=True)
    assert len(shot) > 10_000
    assert page.locator("nav.main").is_hidden()
    assert "Morfin 2,5 mg" in page.locator(".print-sheet").inner_text()


def test_contract_and_worklist_pages(page, live_server, login, axe_check, w):
    base = live_server.url
    login(page, live_server, "anna", PASSWORD)
    page.get_by_role("link", name="Arbetslista").first.click()
    assert page.locator("h1").inner_text() == "Arbetslista"
    axe_check(page)

    page.goto(f"{base}/planer/{w.person.pk}/patientkontrakt/")
    axe_check(page)
    page.get_by_role("link", name="Nytt patientkontrakt").click()
    axe_check(page)
    page.get_by_label("Det här är viktigt för mig").fill("Att få bo kvar hemma med min katt")
    page.get_by_label("Det här har vi kommit överens om").fill("Anna ringer varannan tisdag.")
    page.get_by_role("button", name="Spara").click()
    assert "Patientkontraktet är sparat." in page.locator(".messages").inner_text()
    assert "Anna ringer varannan tisdag." in page.get_by_test_id("agreement").inner_text()
    axe_check(page)
    page.emulate_media(media="print")
    assert len(page.screenshot(full_page=True)) > 5_000
    page.emulate_media(media="screen")

    # The nurse keeps the region's part of the prepared care request and writes a referral note.
    page.goto(f"{base}/planer/{w.person.pk}/vardbegaran/andra/")
    axe_check(page)
    page.get_by_label("Var läkemedelslistan finns").fill("Pärmen i köket")
    page.get_by_role("button", name="Spara").click()
    assert "Pärmen i köket" in page.locator(".care-request").inner_text()
    page.get_by_role("link", name="Ny remiss till akuten").click()
    axe_check(page)
    page.get_by_label("Orsak till att personen skickas").fill("Fall, misstänkt höftfraktur")
    page.get_by_role("button", name="Spara och skriv ut").click()
    assert "Fall, misstänkt höftfraktur" in page.locator(".print-sheet").inner_text()
    assert "Pärmen i köket" in page.locator(".print-sheet").inner_text()
    axe_check(page)
