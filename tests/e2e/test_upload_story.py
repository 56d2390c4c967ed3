""""Läs in uttag" in a real browser: an analyst uploads a population extract, watches the progress page (polled
with htmx) go from queued to "Klar" when the worker runs the task, then uploads a bad file and gets the errors
and the report. axe-core checks every page on the way."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from nara.identify import import_tasks
from nara.identify.models import ImportBatch
from tests.world import build

PASSWORD = "demo-losen-123"
FILES = Path(__file__).resolve().parents[1] / "identify" / "files"
BAD_PNR = "19320314-2414"


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    # No worker in tests: the first upload stays queued until the test runs the task itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    world = build()
    world.vc_analyst.username = "eva"
    world.vc_analyst.save()
    return world


def test_upload_story(page, live_server, login, axe_check, w, settings, tmp_path):
    login(page, live_server, "eva", PASSWORD)
    page.get_by_role("link", name="Läs in uttag").click()
    expect(page.locator("h1")).to_have_text("Läs in uttag")
    assert "Inga uttag har lästs in ännu." in page.locator("main").inner_text()
    axe_check(page)

    page.get_by_label("Befolkning (listade och folkbokförda personer)").check()
    page.get_by_label("Fil:", exact=True).set_input_files(str(FILES / "population_comma_utf8.csv"))
    page.get_by_role("button", name="Läs in", exact=True).click()
    expect(page.locator("h1")).to_have_text("Inläsning av befolkningsuttag")
    status = page.get_by_test_id("import-status")
    expect(status).to_contain_text("Väntar på att starta")
    axe_check(page)

    batch = ImportBatch.objects.get()
    import_tasks.import_upload.call(batch.pk, False)  # what `nara db_worker` does
    expect(page.get_by_test_id("import-state")).to_contain_text("Klar")
    expect(page.locator("#import-announce")).to_have_text("Inläsningen är avslutad: Klar.")
    expect(page.get_by_test_id("import-message")).to_contain_text("5 rader lästes in")
    axe_check(page)

    # A bad file, imported at once this time: rejected, the errors on the page and the report to download.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    bad = tmp_path / "fel.csv"
    bad.write_text(f"personnummer;kommunkod\n19320314-2413;1463\n{BAD_PNR};1463\n", encoding="utf-8")
    page.get_by_role("link", name="Tillbaka till Läs in uttag").click()
    assert "population_comma_utf8.csv" in page.get_by_test_id("import-history").inner_text()
    page.get_by_label("Befolkning (listade och folkbokförda personer)").check()
    page.get_by_label("Fil:", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Läs in", exact=True).click()
    expect(page.get_by_test_id("import-state")).to_contain_text("Avvisad")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Ogiltigt personnummer")
    assert BAD_PNR not in page.content()
    axe_check(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Hämta felrapporten (CSV)").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert report.startswith("rad;falt;orsak;varde") and BAD_PNR not in report
    assert "fel.csv" not in page.url and BAD_PNR not in page.url
