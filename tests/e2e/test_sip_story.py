"""The SIP story of issue 4 in a real browser: Anna, elder nurse at Vårdcentralen Kinna (region), and Bertil, needs
assessor at Biståndsenheten Mark (municipality), run a SIP for Astrid from initiative and consent to invitation,
confirmation, mapping, a plan with goals and actions by both, fastställ, follow-up, and a printed plan. axe-core
checks every page on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.plans.models import SipMeeting
from tests.plans import builders as b
from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    world = build()
    b.sip_needs_assessor(world)  # bertil at Biståndsenheten Mark
    return world


def sign_out(page):
    page.get_by_role("button", name="Logga ut").click()


def test_sip_story(page, live_server, login, axe_check, w):
    base = live_server.url
    person = w.person.pk

    # Anna takes the initiative from the person's SIP page.
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{base}/planer/{person}/sip/")
    axe_check(page)
    page.get_by_role("link", name="Ta initiativ till SIP").click()
    axe_check(page)
    page.get_by_label("Skäl till initiativet").fill(
        "Fallit två gånger; behöver stöd från både kommun och region."
    )
    page.get_by_role("button", name="Påbörja SIP").click()
    assert "SIP:en är påbörjad" in page.locator(".messages").inner_text()
    assert w.person.personnummer not in page.url
    sip_url = page.url.split("#")[0]
    axe_check(page)

    # She adds the needs assessor from the municipality: unit first, then the named person.
    page.get_by_role("link", name="Lägg till deltagare").click()
    axe_check(page)
    page.get_by_label("Typ av deltagare").select_option("staff")
    page.get_by_label("Enhet").select_option(label="Biståndsenheten Mark (Marks kommun)")
    page.get_by_role("button", name="Visa medarbetare på enheten").click()
    page.get_by_label("Medarbetare").select_option(label=w._sip_assessor.get_full_name())
    page.get_by_label("Roll").fill("Biståndshandläggare")
    page.get_by_role("button", name="Lägg till deltagaren").click()
    assert "Biståndsenheten Mark" in page.get_by_test_id("sip-participants").inner_text()

    # The person's consent, then the invitation.
    page.get_by_role("link", name="Registrera samtycke").click()
    axe_check(page)
    page.get_by_label("Hur samtycket lämnades").select_option("verbal")
    page.get_by_role("button", name="Registrera samtycket").click()
    assert "Samtycket är registrerat" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Skicka kallelse").click()
    axe_check(page)
    when = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=10, minute=0)
    page.get_by_label("Tid").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Plats").fill("Hemma hos Astrid, Storgatan 1, Kinna")
    page.get_by_label("Meddelande i kallelsen").fill("Välkommen till SIP-möte.")
    page.get_by_role("button", name="Skicka kallelsen").click()
    assert page.get_by_test_id("sip-status").inner_text() == "Kallad"
    axe_check(page)
    sign_out(page)

    # Bertil now has a care relationship through the SIP: he finds Astrid and confirms.
    login(page, live_server, "bertil", PASSWORD)
    page.get_by_role("link", name="Sök person").first.click()
    page.get_by_label("Personnummer eller namn").fill("Lindqvist")
    page.get_by_role("button", name="Sök").click()
    assert page.get_by_role("link", name="Astrid Lindqvist").count() == 1
    page.goto(sip_url)
    axe_check(page)
    page.get_by_role("button", name="Bekräfta", exact=True).click()
    assert "Ditt svar är registrerat." in page.locator(".messages").inner_text()
    assert "Bekräftat" in page.get_by_test_id("sip-meeting").inner_text()

    # Mapping in the person's words.
    page.get_by_role("button", name="Starta kartläggningen").click()
    page.get_by_role("link", name="Ändra kartläggningen").click()
    axe_check(page)
    page.get_by_label("Det här är viktigt för mig").fill("Att få bo kvar hemma med katten.")
    page.get_by_label("Nuvarande situation").fill("Bor ensam, har fallit två gånger i höst.")
    page.get_by_label("Behov").fill("Hjälp med inköp och dusch; fallprevention.")
    page.get_by_role("button", name="Spara kartläggningen").click()
    assert "Att få bo kvar hemma med katten." in page.get_by_test_id("sip-mapping").inner_text()

    # Bertil writes the goal and the municipality's insats.
    page.get_by_role("link", name="Lägg till mål").click()
    axe_check(page)
    page.get_by_label("Personens mål").fill("Jag vill kunna gå till affären själv.")
    page.get_by_role("button", name="Spara målet").click()
    page.get_by_role("link", name="Lägg till insats").click()
    axe_check(page)
    page.locator("#id_description").fill("Hemtjänst: hjälp med inköp och dusch varje vecka.")
    page.get_by_label("Ansvarig enhet").select_option(label="Biståndsenheten Mark (Marks kommun)")
    page.get_by_label("Ansvarig person").select_option(label=w._sip_assessor.get_full_name())
    page.get_by_label("Klart senast").fill((dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Spara insatsen").click()
    assert "Hemtjänst" in page.get_by_test_id("sip-actions").inner_text()
    sign_out(page)

    # Anna adds the region's insats, a measure by the son, responsibility, and fixes the plan.
    login(page, live_server, "anna", PASSWORD)
    page.goto(sip_url)
    page.get_by_role("link", name="Lägg till insats").click()
    page.locator("#id_description").fill("Fallriskbedömning och läkemedelsgenomgång.")
    page.get_by_label("Ansvarig enhet").select_option(label="Vårdcentralen Kinna (Västra Götalandsregionen)")
    page.get_by_label("Ansvarig person").select_option(label=w.vc_nurse.get_full_name())
    page.get_by_role("button", name="Spara insatsen").click()
    page.get_by_role("link", name="Lägg till åtgärd av annan").click()
    axe_check(page)
    page.get_by_label("Vem gör det").select_option("relative")
    page.get_by_label("Namn").fill("Sonen Karl")
    page.locator("#id_description").fill("Följer med till affären på lördagar.")
    page.get_by_role("button", name="Spara åtgärden").click()
    page.get_by_role("link", name="Ange ansvar, samordnare och nästa uppföljning").click()
    axe_check(page)
    page.get_by_label("Huvudman med övergripande ansvar").select_option(label="Västra Götalandsregionen")
    page.get_by_label("Samordnare").select_option(index=1)
    page.get_by_role("button", name="Spara", exact=True).click()
    # The plan is fixed together at the SIP meeting: before the meeting has been held the page says so.
    assert "Planen fastställs på SIP-mötet" in page.locator("main").inner_text()
    SipMeeting.objects.filter(sip__person=w.person).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    page.reload()
    page.get_by_role("button", name="Fastställ planen").click()
    assert "Planen är fastställd." in page.locator(".messages").inner_text()
    assert page.get_by_test_id("sip-status").inner_text() == "Plan fastställd"
    axe_check(page)

    # Follow-up.
    page.get_by_role("link", name="Registrera uppföljning eller utvärdering").click()
    axe_check(page)
    page.get_by_label("Anteckningar").fill("Går bättre. Inga fall sedan planen fastställdes.")
    page.get_by_label("Personens egen bedömning").fill("Jag känner mig tryggare.")
    page.get_by_role("button", name="Registrera").click()
    assert "Uppföljningen är registrerad." in page.locator(".messages").inner_text()
    assert "Inga fall" in page.get_by_test_id("sip-follow-up").inner_text()

    # Closing is one click away (with a reason); here only its page is checked.
    page.get_by_role("link", name="Avsluta SIP:en", exact=True).click()
    assert page.get_by_label("Skäl till avslut").is_visible()
    axe_check(page)
    page.get_by_role("link", name="Tillbaka till SIP:en").click()

    # History with an earlier version.
    page.get_by_role("link", name="Versioner").click()
    axe_check(page)
    page.get_by_role("link", name="Version 2", exact=True).click()
    assert "Det här är en tidigare version." in page.content()
    axe_check(page)

    # The printed plan for Astrid.
    page.goto(sip_url)
    page.get_by_role("link", name="Utskrift för personen").click()
    printed = page.get_by_test_id("sip-print")
    assert "Jag vill kunna gå till affären själv." in printed.inner_text()
    assert "1177" in page.get_by_test_id("print-after-hours").inner_text()
    assert w.person.personnummer not in page.content()
    shot = printed.screenshot()
    assert len(shot) > 5000
    page.emulate_media(media="print")
    assert len(page.screenshot(full_page=True)) > 5000
    page.emulate_media(media="screen")
    axe_check(page)


def test_two_people_edit_the_plan_at_once(browser, page, live_server, login, axe_check, w):
    """Anna and Maria open the mapping at the same time; Maria's later save is stopped, her text kept."""
    sip = b.sip(w)
    url = f"{live_server.url}/planer/{w.person.pk}/sip/{sip.pk}/kartlaggning/"
    login(page, live_server, "anna", PASSWORD)
    page.goto(url)
    other = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    try:
        maria = other.new_page()
        login(maria, live_server, "maria", PASSWORD)
        maria.goto(url)
        page.get_by_label("Det här är viktigt för mig").fill("Att få bo kvar hemma.")
        page.get_by_role("button", name="Spara kartläggningen").click()
        assert "Kartläggningen är sparad." in page.locator(".messages").inner_text()
        maria.get_by_label("Det här är viktigt för mig").fill("Trädgården och katten.")
        maria.get_by_role("button", name="Spara kartläggningen").click()
        assert maria.get_by_test_id("sip-conflict").is_visible()
        assert maria.get_by_label("Det här är viktigt för mig").input_value() == "Trädgården och katten."
        assert "Att få bo kvar hemma." in maria.get_by_test_id("sip-mapping").inner_text()
        axe_check(maria)
        # Having seen what is saved, Maria merges and saves.
        maria.get_by_label("Det här är viktigt för mig").fill("Att få bo kvar hemma. Trädgården och katten.")
        maria.get_by_role("button", name="Spara kartläggningen").click()
        assert "Kartläggningen är sparad." in maria.locator(".messages").inner_text()
    finally:
        other.close()
