"""The project's set-up holds: system checks, migrations in step with the models, a complete English
translation, and the throw-away PostgreSQL that `make test` relies on."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PO_EN = ROOT / "nara" / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Deployment warnings of the development settings (plain HTTP on 127.0.0.1): in production NARA_BEHIND_TLS_PROXY=1
# turns all four on (tests/core/test_security_headers.py runs `check --deploy` with it; docs/operator-guide.md).
ACCEPTED_DEPLOY_WARNINGS = [
    "security.W004",  # SECURE_HSTS_SECONDS
    "security.W008",  # SECURE_SSL_REDIRECT
    "security.W012",  # SESSION_COOKIE_SECURE
    "security.W016",  # CSRF_COOKIE_SECURE
]


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=io.StringIO())


def test_deployment_checks_pass_except_the_https_ones(settings, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set only while the browser tests run
    settings.DEBUG = False
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, *ACCEPTED_DEPLOY_WARNINGS]
    call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO())


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models and migrations differ; run `nara makemigrations`:\n{out.getvalue()}")


# --- translations ---------------------------------------------------------------------------------


# The English catalogue's completeness and freshness are checked in tests/test_translation.py.


@pytest.mark.skipif(connection.vendor == "postgresql", reason="this run already uses it")
def test_throwaway_postgres_starts_and_is_removed():
    from tests import pg

    if pg.bindir() is None:
        pytest.skip("PostgreSQL server binaries are not installed; `make test` installs them")
    cluster = pg.Cluster()
    url = cluster.start()
    folder = cluster.tmp
    try:
        assert url.startswith("postgres://postgres@127.0.0.1:")
        ready = subprocess.run(
            [str(cluster.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.port)], capture_output=True
        )
        assert ready.returncode == 0, ready.stdout
    finally:
        cluster.stop()
    assert not folder.exists()
    gone = subprocess.run(
        [str(cluster.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.port)], capture_output=True
    )
    assert gone.returncode != 0
