"""Issue 11 in a real browser: the pages work under the Content-Security-Policy (script-src 'self', no inline
styles), with no violation reported, and htmx still works under it (the import progress poll swaps its fragment,
marked as background so it keeps no idle session alive); the lock after too many wrong passwords is shown in Swedish
on an accessible page; the person page carries the headers."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from nara.identify import import_tasks
from nara.identify.models import ImportBatch
from tests.world import build

PASSWORD = "demo-losen-123"
FILES = Path(__file__).resolve().parents[1] / "identify" / "files"

# Every Content-Security-Policy violation the page reports, collected before any script of the page runs.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def csp_page(page):
    page.context.add_init_script(COLLECT_VIOLATIONS)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.csp_console


@pytest.fixture
def w(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    world = build()
    world.vc_analyst.username = "eva"
    world.vc_analyst.save()
    return world


def test_the_policy_blocks_inline_code_in_the_browser(csp_page, live_server, w):
    """The check can fail: an inline script added to one of our pages is refused and reported."""
    response = csp_page.goto(f"{live_server.url}/logga-in/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    csp_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.append(s); }"
    )
    csp_page.wait_for_function("window.__cspViolations.length > 0")
    assert csp_page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in violations(csp_page))


def test_htmx_progress_poll_works_under_the_policy(csp_page, live_server, login, axe_check, w):
    page = csp_page
    polls = []
    page.on("request", lambda r: polls.append(r.headers) if "hx-request" in r.headers else None)
    login(page, live_server, "eva", PASSWORD)
    page.get_by_role("link", name="Läs in uttag").click()
    page.get_by_label("Befolkning (listade och folkbokförda personer)").check()
    page.get_by_label("Fil:", exact=True).set_input_files(str(FILES / "population_comma_utf8.csv"))
    page.get_by_role("button", name="Läs in", exact=True).click()
    expect(page.get_by_test_id("import-status")).to_contain_text("Väntar på att starta")
    page.wait_for_timeout(1500)  # at least one poll while queued
    import_tasks.import_upload.call(ImportBatch.objects.get().pk, False)  # what `nara db_worker` does
    expect(page.get_by_test_id("import-state")).to_contain_text("Klar")  # swapped in by htmx
    expect(page.locator("#import-announce")).to_have_text("Inläsningen är avslutad: Klar.")  # out-of-band swap
    axe_check(page)
    htmx_requests = [h for h in polls if h.get("hx-request") == "true"]
    assert htmx_requests, "htmx sent no request"
    assert all(h.get("x-nara-background") == "1" for h in htmx_requests)
    assert all(h.get("x-csrftoken") for h in htmx_requests)  # hx-headers on <body> still merged in
    assert violations(page) == []


def test_pages_with_personal_data_work_under_the_policy(csp_page, live_server, login, axe_check, w):
    page = csp_page
    login(page, live_server, "anna", PASSWORD)
    response = page.goto(f"{live_server.url}/personer/{w.person.pk}/")
    assert response.ok
    assert "no-store" in response.headers["cache-control"]
    assert "camera=()" in response.headers["permissions-policy"]
    expect(page.locator("h1")).to_contain_text("Astrid")
    axe_check(page)
    page.get_by_role("link", name="Sök person").click()
    expect(page.locator("h1")).to_be_visible()
    assert violations(page) == []


def test_the_lock_after_too_many_wrong_passwords(csp_page, live_server, axe_check, w, settings):
    page = csp_page
    page.goto(f"{live_server.url}/logga-in/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.fill("#id_username", "anna")
        page.fill("#id_password", "fel-losenord-123")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.get_by_role("alert")).to_have_text("Fel användarnamn eller lösenord. Försök igen.")
    for password in ("fel-losenord-123", PASSWORD):
        page.fill("#id_username", "anna")
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.get_by_test_id("signin-locked")).to_contain_text(
            "Kontot är tillfälligt låst i 15 minuter efter för många misslyckade inloggningsförsök."
        )
        expect(page.get_by_test_id("signin-locked")).to_contain_text("Försök igen kl. ")
    assert "/logga-in/" in page.url
    axe_check(page)
    assert violations(page) == []
