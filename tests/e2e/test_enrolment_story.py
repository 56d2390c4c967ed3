"""Issue 5, items 3–5 in a real browser: the vårdcentral asks for Astrid's enrolment in kommunal hemsjukvård with the
agreement's criteria, the municipality approves, the register shows her; the municipality's trygg hemgång list shows
an overdue home visit first and marks it done; the overview opens. axe-core checks every page."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.transitions.models import FollowUpTask
from tests.transitions import builders as b
from tests.world import build

PASSWORD = "demo-losen-123"
CRITERIA = ["Kan inte ta sig till vårdcentralen", "Behov av hälso- och sjukvård i hemmet mer än tillfälligt"]


@pytest.fixture
def w(transactional_db):
    world = build()
    b.fu_agreement(world, criteria=CRITERIA)
    return world


def test_enrolment_story(page, live_server, login, axe_check, w):
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{live_server.url}/overgangar/{w.person.pk}/hemsjukvard/")
    axe_check(page)
    page.get_by_role("link", name="Begär inskrivning i hemsjukvård").click()
    axe_check(page)
    page.get_by_label(CRITERIA[0], exact=True).check()
    page.get_by_label("Skäl till begäran").fill("Svag efter sjukhusvistelse")
    page.get_by_label("Personens samtycke", exact=False).select_option("verbal")
    page.get_by_role("button", name="Skicka begäran till kommunen").click()
    assert "är inte bockat" in page.locator("form.enrolment-request").inner_text()  # unticked, unexplained
    axe_check(page)
    page.get_by_label("Förklaring om kriteriet inte är uppfyllt: " + CRITERIA[1]).fill(
        "Långvarigt behov väntas"
    )
    page.get_by_role("button", name="Skicka begäran till kommunen").click()
    assert "skickad till kommunen" in page.locator(".messages").inner_text()
    axe_check(page)
    detail_url = page.url

    page.context.clear_cookies()
    login(page, live_server, "maria", PASSWORD)
    page.goto(detail_url)
    page.get_by_label("Inskrivning beviljas").check()
    page.get_by_label("Motivering").fill("Uppfyller kriterierna")
    page.get_by_label("Startdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Spara beslutet").click()
    assert "Beslutet är sparat." in page.locator(".messages").inner_text()
    assert "Inskriven" in page.get_by_test_id("enrolment-facts").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Hemsjukvård", exact=True).click()
    assert "Astrid Lindqvist" in page.get_by_test_id("register-m").inner_text()
    axe_check(page)

    # Trygg hemgång: a home visit that is overdue and one due later.
    now = timezone.now()
    case = b.fu_case(
        w,
        status="discharged",
        admitted_at=now - dt.timedelta(days=5),
        discharged_at=now - dt.timedelta(days=2),
    )
    FollowUpTask.objects.create(
        case=case, label="Hembesök senare", responsible_unit=w.hsv, due_at=now + dt.timedelta(hours=5)
    )
    FollowUpTask.objects.create(
        case=case, label="Hembesök", responsible_unit=w.hsv, due_at=now - dt.timedelta(hours=3)
    )
    page.get_by_role("link", name="Trygg hemgång").click()
    first = page.get_by_test_id("open-follow-ups").locator("tbody tr").first
    assert "Hembesök" in first.inner_text() and "Försenad" in first.inner_text()
    axe_check(page)
    first.get_by_label("Anteckning").fill("Hembesök gjort")
    first.get_by_role("button", name="Markera utförd").click()
    assert "Hembesök gjort" in page.get_by_test_id("done-follow-ups").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Översikt utskrivningar").click()
    assert page.locator("h1").inner_text() == "Översikt utskrivningar"
    axe_check(page)
