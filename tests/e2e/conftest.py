"""Browser tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright, against pytest-django's live_server.

Fixtures:
  browser     one headless Chromium for the session
  page        a fresh context and page per test (sv-SE, Europe/Stockholm, 1024x768); screenshot on failure
  axe_check   axe_check(page) fails the test on any WCAG 2.1 A/AA violation that axe-core finds
  login       login(page, live_server, username, password) signs in through the sign-in form

Every test under tests/e2e/ gets the `e2e` marker (`pytest -m "not e2e"` skips them) and runs after the rest
of the suite: Playwright's sync API keeps an event loop running in the main thread while the browser is open.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NARA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    # Without these, Chromium phones home at start and, on a closed network, the refused connections stall it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
E2E_DIR = Path(__file__).parent
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def pytest_collection_modifyitems(config, items):
    e2e, rest = [], []
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
            e2e.append(item)
        else:
            rest.append(item)
    items[:] = rest + e2e


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_outcome_key] = report
    return report


_outcome_key = pytest.StashKey()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM would otherwise refuse to run
    # (SynchronousOnlyOperation) in tests that touch the database while the browser is open. Only while it is.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        viewport={"width": 1024, "height": 768},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    report = request.node.stash.get(_outcome_key, None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content())
        except Exception:  # the page may be gone; the test failure is what matters
            pass
    context.close()


def run_axe(page, context=None, disable_rules=()):
    """axe-core's WCAG 2.1 A/AA violations on the current page, as axe reports them (a list of dicts)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    return Axe().run(page, context=context, options=options).response["violations"]


def format_violations(violations) -> str:
    lines = [f"{len(violations)} accessibility violation(s) (WCAG 2.1 A/AA, axe-core):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            why = [ln.strip() for ln in node.get("failureSummary", "").splitlines() if ln.startswith(" ")]
            lines.append(f"    at {target}: {'; '.join(why)}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """axe_check(page, context=None, disable_rules=()) — fail the test on any WCAG 2.1 A/AA violation.

    `context` narrows the check to part of the page (a CSS selector); `disable_rules` names axe rules to skip,
    for a reason written beside the call.
    """

    def check(page, context=None, disable_rules=()):
        violations = run_axe(page, context=context, disable_rules=disable_rules)
        if violations:
            pytest.fail(f"{page.url}\n{format_violations(violations)}", pytrace=False)

    return check


def do_login(page, live_server, username, password="nara-demo"):
    """Sign in through the sign-in form and wait for the page after it."""
    base = live_server.url if hasattr(live_server, "url") else str(live_server)
    page.goto(f"{base}/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/logga-in/" in page.url:
        raise AssertionError(f"sign-in as {username!r} failed: still on {page.url}")
    return page


@pytest.fixture
def login():
    """login(page, live_server, username, password="nara-demo")."""
    return do_login
