"""The risk list in a real browser: open the list, filter by a criterion, open a person, record a decision, see
it on the list; open a row not yet in the register; the timeline on the overview; the analyst's counts.
axe-core checks every page on the way."""

import pytest

from nara.identify import timeline
from nara.identify.pseudonym import pseudonym
from nara.people.models import Person
from tests.identify.test_risklist import build_scene
from tests.identify.test_timeline import lake_with, months_ago

PASSWORD = "demo-losen-123"


@pytest.fixture
def s(transactional_db, tmp_path, monkeypatch):
    scene = build_scene(tmp_path)
    scene.w.vc_analyst.username = "eva"
    scene.w.vc_analyst.save()
    p = pseudonym(scene.w.person.personnummer)
    rows = [
        {"p": p, "unit": scene.w.vc.hsa_id, "type": "primary_care", "at": months_ago(m)} for m in (0, 1, 1, 4, 9)
    ] + [{"p": p, "unit": scene.w.vc.hsa_id, "type": "emergency", "at": months_ago(2)}]
    monkeypatch.setattr(timeline, "_connect", lambda: lake_with(rows))
    return scene


def test_risklist_story(page, live_server, login, axe_check, s):
    secrets = [s.w.person.personnummer, s.astrid, s.newcomer, s.newcomer_pnr]
    login(page, live_server, "anna", PASSWORD)
    page.get_by_role("link", name="Identifiera").click()
    assert page.locator("h1").inner_text() == "Risklista för Vårdcentralen Kinna"
    axe_check(page)
    table = page.get_by_test_id("risk-list").inner_text()
    assert "Astrid Lindqvist" in table and "Ej identifierad i registret" in table

    page.get_by_label("Kriterium").select_option(label="Akutbesök vid 80 år eller äldre")
    page.get_by_role("button", name="Visa", exact=True).click()
    assert "1 person uppfyller kriteriet Akutbesök vid 80 år eller äldre." in page.get_by_test_id(
        "row-count").inner_text()
    assert "kriterium=akutbesok_80plus" in page.url
    axe_check(page)

    page.get_by_role("link", name="Astrid Lindqvist").click()
    assert page.locator("h1").inner_text() == "Riskbedömning: Astrid Lindqvist"
    assert "3 akutbesök senaste 12 mån" in page.get_by_test_id("criteria").inner_text()
    axe_check(page)
    page.get_by_label("Erbjud hälsosamtal").check()
    page.get_by_label("Kommentar").fill("Ringer och bokar tid")
    page.get_by_role("button", name="Spara beslut").click()
    assert "Beslutet är sparat." in page.locator(".messages").inner_text()
    assert "Erbjud hälsosamtal" in page.get_by_test_id("last-review").inner_text()
    assert "Ringer och bokar tid" in page.get_by_test_id("decisions").inner_text()
    axe_check(page)

    # The overview shows the encounter timeline, with a table for those who do not see the chart.
    page.get_by_role("link", name="Personens översikt").click()
    assert page.get_by_test_id("timeline-chart").is_visible()
    page.get_by_text("Visa siffrorna som tabell").click()
    assert "Besök i primärvården" in page.get_by_test_id("timeline-table").inner_text()
    axe_check(page)

    page.get_by_role("link", name="Identifiera").click()
    row = page.get_by_test_id("risk-list").locator("tr", has=page.get_by_role("link", name="Astrid Lindqvist"))
    assert "Erbjud hälsosamtal" in row.inner_text()

    # A row whose person is not yet in the register: opening it creates the person, once.
    page.locator(f'form:has(input[name="rad"][value="{s.newcomer}"]) button').click()
    assert page.get_by_test_id("name-missing").is_visible()
    assert "Personen är nu upplagd i registret" in page.locator(".messages").inner_text()
    axe_check(page)
    assert Person.objects.filter(personnummer=s.newcomer_pnr).count() == 1
    for secret in secrets:
        assert secret not in page.url

    # The analyst sees counts only, small cells suppressed.
    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server, "eva", PASSWORD)
    assert page.get_by_role("link", name="Identifiera").count() == 0
    page.get_by_role("link", name="Statistik").click()
    axe_check(page)
    body = page.content()
    assert "&lt;5" in body and "Astrid" not in body and s.w.person.personnummer not in body
