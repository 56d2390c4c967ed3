"""Issue 4, item 2 in a real browser: a nurse records two CFS ratings for Astrid and sees the trend, the history
chart and its text alternative; a change in condition makes a new rating due. axe-core checks every page."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.world import build

PASSWORD = "demo-losen-123"


@pytest.fixture
def w(transactional_db):
    return build()


def record(page, level, when, comment=""):
    page.get_by_role("link", name="Ny CFS-bedömning").first.click()
    page.get_by_label(level).check()
    page.get_by_label("Bedömningsdatum").fill(when.isoformat())
    page.get_by_label("bedömningen avser habituellt tillstånd", exact=False).check()
    if comment:
        page.get_by_label("Kommentar").fill(comment)
    page.get_by_role("button", name="Spara bedömningen").click()
    assert "CFS-bedömningen är sparad." in page.locator(".messages").inner_text()


def test_cfs_story(page, live_server, login, axe_check, w):
    today = timezone.localdate()
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{live_server.url}/planer/{w.person.pk}/bedomningar/")
    assert page.locator("h1").inner_text() == "Bedömningar och samtal"
    axe_check(page)
    page.get_by_role("link", name="CFS-bedömningar").click()
    assert page.get_by_test_id("cfs-chart-empty").is_visible()
    axe_check(page)

    # First rating, a year and a half ago; the form refuses to save without the habitual-status confirmation.
    page.get_by_role("link", name="Ny CFS-bedömning").first.click()
    axe_check(page)
    page.get_by_label("4 – Sårbar").check()
    page.get_by_role("button", name="Spara bedömningen").click()
    assert "vanliga tillstånd före akut sjukdom" in page.locator("form.cfs-form").inner_text()
    axe_check(page)
    page.get_by_label("bedömningen avser habituellt tillstånd", exact=False).check()
    page.get_by_label("Bedömningsdatum").fill((today - dt.timedelta(days=540)).isoformat())
    page.get_by_role("button", name="Spara bedömningen").click()
    assert "4 – Sårbar" in page.get_by_test_id("cfs-result").inner_text()
    axe_check(page)

    # Second rating last week, after a hospital stay: the trend is rising.
    page.get_by_role("link", name="CFS", exact=True).click()
    record(page, "6 – Måttligt skör", today - dt.timedelta(days=7), "Försämrad efter sjukhusvistelse")
    assert "Stigande (mer skör): från 4 till 6" in page.get_by_test_id("cfs-result").inner_text()
    page.get_by_role("link", name="Till alla CFS-bedömningar").click()
    assert "Stigande (mer skör): från 4 till 6" in page.get_by_test_id("cfs-trend").inner_text()
    due = (today + dt.timedelta(days=365 - 7)).isoformat()
    assert f"Ny bedömning behövs senast {due}" in page.get_by_test_id("cfs-due").inner_text()

    chart = page.get_by_test_id("cfs-chart")
    assert chart.locator("circle").count() == 2
    shot = chart.screenshot()
    assert len(shot) > 2000  # a real picture, not an empty box
    table = page.get_by_test_id("cfs-table").inner_text()
    assert "4 – Sårbar" in table and "6 – Måttligt skör" in table
    assert w.person.personnummer not in page.content()
    axe_check(page)

    # A change in condition makes a new rating due at once.
    page.get_by_role("link", name="Notera förändrat tillstånd").click()
    axe_check(page)
    page.get_by_label("Vad har förändrats?").fill("Fall i hemmet")
    page.get_by_role("button", name="Spara förändringen").click()
    assert f"Ny bedömning behövs senast {today.isoformat()}" in page.get_by_test_id("cfs-due").inner_text()
    axe_check(page)


def test_fall_risk_assessment(page, live_server, login, axe_check, w):
    """A structured assessment from its template: the result is derived from the answers, actions are chosen,
    and the detail and print pages show it."""
    login(page, live_server, "anna", PASSWORD)
    page.goto(f"{live_server.url}/planer/{w.person.pk}/bedomningar/")
    page.get_by_role("link", name="Ny: Riskbedömning fall").click()
    axe_check(page)
    page.get_by_role("button", name="Spara").click()
    assert "Besvara frågan ”Är synen nedsatt?”." in page.locator("main").inner_text()
    axe_check(page)
    for question in [
        "Har personen fallit under det senaste året?",
        "Är gången eller balansen osäker?",
        "Behöver personen gånghjälpmedel eller stöd vid förflyttning?",
        "Tar personen läkemedel som kan öka fallrisken",
        "Finns nedsatt minne eller förvirring?",
        "Är synen nedsatt?",
        "Behöver personen gå på toaletten ofta eller brådskande?",
    ]:
        group = page.get_by_role("group", name=question)
        answer = "Ja" if question.startswith(("Har personen fallit", "Är synen")) else "Nej"
        group.get_by_label(answer, exact=True).check()
    page.get_by_label("Balans- och styrketräning").check()
    page.get_by_label("Följs upp senast").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Spara").click()
    result = page.get_by_test_id("assessment-result").inner_text()
    assert "Hög risk" in result and "3 poäng" in result and "Balans- och styrketräning" in result
    axe_check(page)
    page.get_by_role("link", name="Utskriftsversion").click()
    assert "Hög risk" in page.get_by_test_id("assessment-result").inner_text()
    assert len(page.locator("article").screenshot()) > 5000
    axe_check(page)
