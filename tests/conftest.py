import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Hypothesis: no per-example deadline (a loaded 2-core CI machine is slow and jittery); in CI also derandomized,
# so a red build is reproducible and a green one does not turn red by chance on the next commit.
hypothesis_settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users; the production hasher's deliberate slowness only costs time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise warns on every request handler it builds when STATIC_ROOT does not exist yet (fresh clone).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    config.addinivalue_line(
        "markers", "postgres: needs PostgreSQL (skipped on SQLite; `make test` runs the suite on both)"
    )


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; runs in the PostgreSQL pass of `make test`")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


# Use as a decorator: @requires_postgres (same as @pytest.mark.postgres).
requires_postgres = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _swedish(settings):
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture(autouse=True)
def _empty_access_log_between_transactional_tests(request):
    """Transactional tests (the browser tests) end with a flush that DELETEs every table; the access log's
    database guard rightly refuses that for young rows. Lift the guard for the emptying, then put it back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    import importlib

    from django.db import connection, transaction

    guards = importlib.import_module("nara.audit.migrations.0003_append_only_guards")
    install, remove = guards.STATEMENTS[connection.vendor]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in remove:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_accesslogentry")
        for sql in install:
            cursor.execute(sql)
