"""Response headers and cookies (issue 11): a Content-Security-Policy without inline code, a Permissions-Policy,
no-store on every page for a signed-in user (person pages, print views, downloads), Django's own security headers,
a session cookie that ends with the browser, and Secure cookies plus HSTS behind the region's TLS proxy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.world import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def w(db):
    return build()


def assert_policy_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_not_stored(response):
    cache = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache, response.headers["Cache-Control"]


def test_a_person_page(client, w):
    client.force_login(w.vc_nurse)
    response = client.get(reverse("people:overview", args=[w.person.pk]))
    assert response.status_code == 200 and "Astrid" in response.content.decode()
    assert_policy_headers(response)
    assert_not_stored(response)


def test_a_print_page(client, w):
    client.force_login(w.vc_manager)
    response = client.get(reverse("audit:extract_print", args=[w.person.pk]))
    assert response.status_code == 200
    assert_policy_headers(response)
    assert_not_stored(response)


def test_every_page_for_a_signed_in_user_is_not_stored(client, w):
    client.force_login(w.vc_nurse)
    for url in (reverse("directory:start"), reverse("people:search"), reverse("plans:worklist")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response)


def test_the_sign_in_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_policy_headers(response)
    assert_not_stored(response)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default (the demo)


def test_static_files_keep_their_cache(client, w, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders: no collectstatic in the tests
    client.force_login(w.vc_nurse)
    response = client.get("/static/nara/css/nara.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_session_cookie_ends_with_the_browser(client, w):
    response = client.post(reverse("login"), {"username": "anna", "password": "demo-losen-123"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # without NARA_BEHIND_TLS_PROXY the demo runs on plain HTTP


def test_behind_the_tls_proxy_cookies_are_secure_and_hsts_is_sent(client, w, settings):
    # What NARA_BEHIND_TLS_PROXY=1 sets (checked from the environment in the next test).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response.url.startswith("https://")
    response = client.get(reverse("login"), **https)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["csrftoken"]["secure"]
    response = client.post(reverse("login"), {"username": "anna", "password": "demo-losen-123"}, **https)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]


def _settings_in_a_fresh_process(env: dict, expression: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'nara.settings'; django.setup(); "
        f"from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_nara_behind_tls_proxy_turns_on_secure_cookies_redirect_and_hsts():
    names = "SECURE_PROXY_SSL_HEADER SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS"
    expression = f"[getattr(s, n) for n in {names.split()!r}]"
    assert _settings_in_a_fresh_process({"NARA_BEHIND_TLS_PROXY": "0"}, expression) == "[None, False, False, False, 0]"
    assert _settings_in_a_fresh_process({"NARA_BEHIND_TLS_PROXY": "1"}, expression) == (
        "[('HTTP_X_FORWARDED_PROTO', 'https'), True, True, True, 31536000]"
    )
    assert _settings_in_a_fresh_process(
        {"NARA_BEHIND_TLS_PROXY": "1", "NARA_HSTS_SECONDS": "600"}, "s.SECURE_HSTS_SECONDS"
    ) == "600"


def test_behind_the_tls_proxy_the_deployment_checks_pass(tmp_path):
    """All of Django's HTTPS checks pass; only HSTS preloading is left to the region (it needs the registrable
    domain's owner to submit it, with every subdomain on HTTPS)."""
    env = {**os.environ, "NARA_BEHIND_TLS_PROXY": "1", "NARA_DEBUG": "0", "NARA_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "nara", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )
    reported = set(re.findall(r"\(([a-z_]+\.[WE]\d+)\)", result.stdout + result.stderr))
    assert reported <= {"security.W021"}, result.stdout + result.stderr


# --- no inline code: what the policy would block must not be in a template --------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (move it to a static file)"),
    (re.compile(r"<style\b", re.I), "<style> element (move it to nara.css)"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute (use a class in nara.css)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute (use a listener in a static script)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on attribute (evaluated code)"),
    (re.compile(r"\shx-(vals|vars)\s*=\s*['\"]\s*(js|javascript):", re.I), "evaluated hx-vals/hx-vars"),
]


def test_no_template_has_inline_code_or_styles():
    found = []
    for path in sorted((ROOT / "nara").rglob("*.html")):
        text = path.read_text("utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_the_inline_check_sees_what_it_looks_for(tmp_path):
    samples = [
        '<script>alert(1)</script>', "<style>p{}</style>", '<p style="color:red">', '<a onclick="x()">',
        '<a href="javascript:x()">', '<div hx-on:click="x()">', '<div hx-vals=\'js:{a: 1}\'>',
    ]
    for sample, (pattern, _what) in zip(samples, INLINE, strict=True):
        assert pattern.search(sample), sample
    assert not any(p.search('<script src="/static/x.js" defer></script>') for p, _ in INLINE)
