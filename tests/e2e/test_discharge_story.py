"""Issue 5's discharge story in a real browser, three users in three browser contexts: the ward nurse, whose ward
has no care relationship with the person in Nära yet, finds her by the whole personnummer, writes the reason
(issue 11: the opaque id alone is refused) and sends the admission notice with the person's documented consent;
the municipality's needs assessor and the vårdcentral's elder nurse acknowledge it, the municipality sends its
planning information, the vårdcentral appoints the fast vårdkontakt, the ward notifies utskrivningsklar, the
vårdcentral calls the SIP with the person's consent to the SIP, and the ward discharges with the information
transfer — ending with the trygg hemgång follow-up tasks on the case and the admission basis in the manager's
follow-up list. axe-core checks every page on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.people.models import CareTeamMember
from tests.transitions import builders as b
from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    world = build()
    b.case_parties(world)
    # The hospital's admission is not in Nära yet: the ward has no care relationship with the person.
    CareTeamMember.objects.filter(unit=world.case_ward).delete()
    world.vc_nurse.first_name, world.vc_nurse.last_name = "Anna", "Berg"
    world.vc_nurse.save()
    b.fu_agreement(
        world,
        rules=[("home_visit", "home_health", 24, False), ("phone_call", "health_centre", 72, False)],
    )
    return world


@pytest.fixture
def contexts(browser):
    made = []

    def new_page():
        context = browser.new_context(
            locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 1024, "height": 768}
        )
        context.set_default_timeout(15_000)
        made.append(context)
        return context.new_page()

    yield new_page
    for context in made:
        context.close()


def messages(page):
    return page.locator(".messages").inner_text()


def open_from_inbox(page, axe_check):
    page.get_by_role("link", name="Utskrivningar").click()
    assert page.locator("h1").inner_text() == "Utskrivningar – inkorg"
    axe_check(page)


def test_discharge_story(contexts, live_server, login, axe_check, w):
    ward, bist, vc = contexts(), contexts(), contexts()
    login(ward, live_server, "sara", PASSWORD)
    login(bist, live_server, "lena", PASSWORD)
    login(vc, live_server, "anna", PASSWORD)

    # 1. The ward without a relationship: the opaque id alone is refused, with the way in.
    ward.goto(f"{live_server.url}/overgangar/{w.person.pk}/utskrivning/ny/")
    assert "Sök på hela personnumret" in ward.get_by_test_id("denied-reason").inner_text()
    axe_check(ward)
    ward.get_by_role("link", name="Tillbaka till sök").click()
    ward.get_by_label("Personnummer eller namn").fill(w.person.personnummer)
    ward.get_by_role("button", name="Sök", exact=True).click()
    assert w.person.personnummer not in ward.url
    assert ward.get_by_test_id("no-relationship").is_visible()
    axe_check(ward)
    ward.get_by_label("Skäl till åtkomst utan vårdrelation").fill("Inlagd via akuten i morse")
    ward.get_by_role("button", name="Skicka inskrivningsmeddelande").click()

    # The ward sends the admission notice, addressed from the register, with the documented consent.
    assert ward.locator("h1").inner_text() == "Skicka inskrivningsmeddelande"
    assert w.person.personnummer not in ward.url
    assert "Marks kommun" in ward.get_by_test_id("to-municipality").inner_text()
    axe_check(ward)
    expected = timezone.localdate() + dt.timedelta(days=3)
    ward.get_by_label("Beräknat utskrivningsdatum").fill(expected.isoformat())
    ward.get_by_label("Orsak till vårdtillfället").fill("Pneumoni, nedsatt allmäntillstånd")
    ward.get_by_label("Både kommun och region behöver göra insatser efter utskrivning").check()
    ward.get_by_label("Personens samtycke till informationsöverföring").select_option("verbal")
    assert ward.get_by_label("Samtycket lämnades").input_value()  # when: now unless changed
    ward.get_by_role("button", name="Skicka inskrivningsmeddelande").click()
    assert "Inskrivningsmeddelandet är skickat" in messages(ward)
    assert w.person.personnummer not in ward.url
    case_url = ward.url
    addressed = ward.get_by_test_id("addressed").inner_text()
    assert "Biståndsenheten Marks kommun" in addressed and "Vårdcentralen Kinna" in addressed
    consent = ward.get_by_test_id("case-consent").inner_text()
    assert "Muntligt" in consent and "lämnas till Marks kommun" in consent
    assert "Inlagd via akuten i morse" in ward.get_by_test_id("admission-basis").inner_text()
    axe_check(ward)

    # 2. Both receivers acknowledge from their inbox; the municipality sends its planning information.
    for page in (bist, vc):
        open_from_inbox(page, axe_check)
        unacked = page.get_by_test_id("inbox-unacked")
        assert "Astrid Lindqvist" in unacked.inner_text()
        unacked.get_by_role("button", name="Kvittera").first.click()
        assert "Meddelandet är kvitterat." in messages(page)
        assert page.get_by_test_id("inbox-none-unacked").is_visible()
        page.get_by_test_id("inbox-open").get_by_role("link", name="Medicinavdelning 31 SÄS").click()
        assert page.locator("h1").inner_text() == "Utskrivningsärende"
        axe_check(page)

    bist.get_by_label("Behov efter utskrivning").fill("Hjälp med personlig omvårdnad morgon och kväll")
    bist.get_by_label("Hjälpmedel").fill("Rollator, duschstol")
    bist.get_by_label("Hemtjänst:", exact=True).fill("4 besök per dag")
    bist.get_by_role("button", name="Skicka planeringsunderlag").click()
    # The vårdcentral acknowledged after the page was opened: the form comes back with the input kept.
    assert "Någon annan har ändrat ärendet" in bist.locator(".errorlist").inner_text()
    assert bist.get_by_label("Hjälpmedel").input_value() == "Rollator, duschstol"
    axe_check(bist)
    bist.get_by_role("button", name="Skicka planeringsunderlag").click()
    assert "Planeringsunderlaget är skickat." in messages(bist)
    assert "Rollator, duschstol" in bist.get_by_test_id("planning").inner_text()
    axe_check(bist)

    # 3. The vårdcentral appoints the fast vårdkontakt.
    vc.reload()
    vc.get_by_label("Fast vårdkontakt:", exact=True).select_option(str(w.vc_nurse.pk))
    vc.get_by_role("button", name="Utse fast vårdkontakt").click()
    assert "Anna Berg" in vc.get_by_test_id("fixed-contact").inner_text()
    axe_check(vc)

    # 4. The ward: utskrivningsklar (the time field defaults to now).
    ward.goto(case_url)
    assert "Rollator, duschstol" in ward.get_by_test_id("planning").inner_text()
    assert "Anna Berg" in ward.get_by_test_id("fixed-contact").inner_text()
    ward.get_by_role("button", name="Meddela utskrivningsklar").click()
    assert ward.get_by_test_id("case-status").first.inner_text() == "Utskrivningsklar"
    assert "Utskrivningsklar" in ward.get_by_test_id("ready-notices").inner_text()
    axe_check(ward)

    # 5. The vårdcentral calls the SIP within three days (both must act).
    vc.reload()
    assert "Kallelse till SIP ska skickas senast" in vc.get_by_test_id("deadlines").inner_text()
    meeting = timezone.localtime() + dt.timedelta(days=2)
    vc.get_by_label("Tid för SIP-mötet").fill(meeting.strftime("%Y-%m-%dT10:00"))
    vc.get_by_label("Plats").fill("Hemma hos Astrid")
    # The SIP needs the person's own consent to the SIP; the ward's consent covers the case only.
    vc.get_by_label("Personens samtycke till SIP").select_option("verbal")
    vc.get_by_label("Vem lämnade samtycket till SIP").fill("Astrid Lindqvist")
    vc.get_by_role("button", name="Starta SIP och kalla").click()
    assert "kallelse skickad" in vc.get_by_test_id("case-sip").inner_text()
    assert "Kallelse till SIP skickad i tid." in vc.get_by_test_id("deadlines").inner_text()
    axe_check(vc)

    # 6. The ward discharges with the information transfer; the follow-up tasks appear on the case.
    ward.reload()
    ward.get_by_label("Sammanfattning av vårdtillfället").fill("Pneumoni behandlad med antibiotika.")
    ward.get_by_label("Ändringar i läkemedel").fill("Ny: Furosemid 40 mg x 1")
    ward.get_by_label("Planerad uppföljning").fill("Kontroll av vikt och andning inom en vecka")
    ward.get_by_label("Utskriven till:", exact=True).fill("Ordinärt boende med hemtjänst")
    ward.get_by_role("button", name="Skriv ut och överför informationen").click()
    assert "Personen är utskriven" in messages(ward)
    assert ward.get_by_test_id("case-status").first.inner_text() == "Utskriven"
    assert "Furosemid" in ward.get_by_test_id("discharge-info").inner_text()
    tasks = ward.get_by_test_id("follow-up-tasks").inner_text()
    assert "Hembesök" in tasks and "Hemsjukvården Mark" in tasks
    assert "Uppföljande samtal" in tasks and "Vårdcentralen Kinna" in tasks
    timeline = ward.get_by_test_id("timeline").inner_text()
    for kind in (
        "Inskrivningsmeddelande",
        "Kvitterat",
        "Planeringsunderlag",
        "Fast vårdkontakt utsedd",
        "Utskrivningsklar",
        "Kallelse till SIP",
        "Utskriven med informationsöverföring",
    ):
        assert kind in timeline, kind
    axe_check(ward)

    # Both receivers see the discharge as a notice to acknowledge, and the tasks on the case (the addressed units
    # keep their care relationship for a while after discharge: relationships.unit_addressed_by_open_case).
    for page in (vc, bist):
        open_from_inbox(page, axe_check)
        assert "Utskriven med informationsöverföring" in page.get_by_test_id("inbox-unacked").inner_text()
        page.goto(case_url)
        assert "Uppföljande samtal" in page.get_by_test_id("follow-up-tasks").inner_text()
        axe_check(page)

    # 7. The region's manager follows up the ward's use of the admission basis, like an emergency access.
    manager = contexts()
    login(manager, live_server, w.vc_manager.username, PASSWORD)
    manager.goto(f"{live_server.url}/atkomst/nodatkomst/uppfoljning/")
    row = manager.get_by_test_id("admission-followup").inner_text()
    assert "Inlagd via akuten i morse" in row and "Medicinavdelning 31 SÄS" in row and "Astrid Lindqvist" in row
    assert "Inskrivningsmeddelande skickat" in row and w.person.personnummer not in manager.content()
    axe_check(manager)
    manager.get_by_label("Kommentar från uppföljningen").last.fill("Inskrivningen stämmer med journalen.")
    manager.get_by_role("button", name="Dokumentera uppföljning").last.click()
    assert "Uppföljningen är dokumenterad." in messages(manager)
    assert "Uppföljd" in manager.get_by_test_id("admission-followup").inner_text()
    axe_check(manager)
