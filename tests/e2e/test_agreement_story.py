"""Issue 5, item 2 in a real browser: a region manager writes the agreement with Marks kommun, enters the day
price, opens the monthly statement of payment days (print view too) and closes the month. axe-core checks every
page."""

import datetime as dt

import pytest

from nara.transitions.models import Agreement, StatementLine
from tests.transitions import builders as b
from tests.world import build

PASSWORD = "demo-losen-123"
D = dt.date


@pytest.fixture
def w(transactional_db):
    return build()


def test_agreement_and_statement_story(page, live_server, login, axe_check, w):
    login(page, live_server, w.vc_manager.username, PASSWORD)
    page.goto(f"{live_server.url}/overgangar/overenskommelser/")
    axe_check(page)
    page.get_by_role("link", name="Ny överenskommelse").click()
    page.get_by_label("Namn:", exact=True).fill("Utskrivningsöverenskommelse Mark 2025")
    page.get_by_label("Kommun:", exact=True).select_option(label="Marks kommun")
    page.get_by_label("Gäller från").fill("2025-01-01")
    page.get_by_label("Senaste tid för meddelande").fill("12:00")
    page.get_by_label("Fler dagar som inte är vardagar").fill("12-24\n12-31\nfel")
    page.get_by_label("Kriterier för inskrivning i hemsjukvård").fill("Kan inte ta sig till vårdcentralen")
    page.get_by_role("button", name="Spara").click()
    assert "Det går inte att läsa: fel" in page.content()
    axe_check(page)
    page.get_by_label("Fler dagar som inte är vardagar").fill("12-24\n12-31")
    page.get_by_role("button", name="Spara").click()
    assert "Överenskommelsen är sparad." in page.locator(".messages").inner_text()
    axe_check(page)
    agreement = Agreement.objects.get()
    assert agreement.extra_non_working_days == ["12-24", "12-31"]

    page.goto(f"{live_server.url}/overgangar/overenskommelser/dagpriser/")
    page.get_by_label("År:", exact=True).fill("2025")
    page.get_by_label("Pris per dag (kr)").fill("9000")
    page.get_by_role("button", name="Spara").click()
    assert "Dagpriset är sparat." in page.locator(".messages").inner_text()
    axe_check(page)

    case = b.ag_case(w, D(2025, 10, 1), agreement)
    b.ag_ready(case, b.ag_local(D(2025, 10, 2), 10))
    b.ag_discharge(case, b.ag_local(D(2025, 10, 12), 10))
    page.goto(f"{live_server.url}/overgangar/betalningsansvar/")
    axe_check(page)
    page.goto(f"{live_server.url}/overgangar/betalningsansvar/{w.mark.pk}/2025-10/")
    table = page.get_by_test_id("statement-lines")
    assert "Astrid Lindqvist" in table.inner_text()
    assert page.get_by_test_id("total-payment").inner_text() == "6"
    axe_check(page)
    page.get_by_role("link", name="Utskrift (A4)").click()
    assert "Preliminär" in page.content()
    axe_check(page)
    page.go_back()
    page.get_by_role("button", name="Stäng månaden").click()
    assert "Månaden är stängd." in page.locator(".messages").inner_text()
    assert StatementLine.objects.count() == 1
    axe_check(page)
    page.goto(f"{live_server.url}/overgangar/betalningsansvar/{w.mark.pk}/")
    axe_check(page)
