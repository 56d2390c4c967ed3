"""Sign-in throttling (issue 11): after NARA_LOGIN_FAILURE_LIMIT wrong passwords for a username the account is
locked for NARA_LOGIN_COOLOFF_MINUTES, even for the right password; the page says so in Swedish and when to try
again, the same whether or not the user exists; every failed sign-in leaves a log line and a row without the
password (and without a personnummer typed as username)."""

import datetime as dt
import logging
import re

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "demo-losen-123"
LOCKED = "Kontot är tillfälligt låst"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def nurse():
    return f.staff(f.unit(name="Vårdcentralen Kinna"), ["nurse"], username="anna.ssk", password=PASSWORD)


def error_text(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="errorlist" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert found, html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, nurse):
    for _ in range(30):
        sign_in(client, "anna.ssk", "fel-losenord-123")
    response = sign_in(client, "anna.ssk", PASSWORD)
    assert not signed_in(client)
    assert response.status_code == 429
    assert LOCKED in error_text(response)
    # Still the sign-in page, so the user sees where they are; nothing of the password comes back.
    assert 'id="id_username"' in response.content.decode()
    assert PASSWORD not in response.content.decode()


def test_the_lock_starts_at_the_limit_and_says_when_to_try_again(client, nurse, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    for _ in range(4):
        response = sign_in(client, "anna.ssk", "fel-losenord-123")
        assert response.status_code == 200
        assert error_text(response) == "Fel användarnamn eller lösenord. Försök igen."
    response = sign_in(client, "anna.ssk", "fel-losenord-123")
    assert response.status_code == 429
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="anna.ssk")
    from django.utils import timezone

    until = timezone.localtime(attempt.attempt_time + dt.timedelta(minutes=15))
    # Rounded up to the whole minute: trying at the time shown works.
    shown = (until + dt.timedelta(seconds=59)).replace(second=0, microsecond=0)
    assert f"kl. {shown:%H:%M}" in error_text(response)
    assert "15 minuter" in error_text(response)


def test_after_the_cool_off_the_right_password_works(client, nurse, settings):
    from axes.models import AccessAttempt

    for _ in range(30):
        sign_in(client, "anna.ssk", "fel-losenord-123")
    assert sign_in(client, "anna.ssk", PASSWORD).status_code == 429
    # The cool-off passes: the failures are older than NARA_LOGIN_COOLOFF_MINUTES.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    response = sign_in(client, "anna.ssk", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("directory:choose_assignment")
    assert signed_in(client)


def test_signing_in_during_the_lock_does_not_prolong_it(client, nurse, settings):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "anna.ssk", "fel-losenord-123")
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(10):
        assert sign_in(client, "anna.ssk", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_a_few_typing_mistakes_are_forgotten_after_a_successful_sign_in(client, nurse, settings):
    for _round in range(3):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "anna.ssk", "fel-losenord-123")
        assert sign_in(client, "anna.ssk", PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_the_lock_is_per_username_not_per_workstation(client, nurse, settings):
    """A ward shares workstations and often one address: one locked colleague must not lock the others."""
    other = f.staff(f.unit(), ["nurse"], username="maria.dsk", password=PASSWORD)
    for _ in range(30):
        sign_in(client, "anna.ssk", "fel-losenord-123")
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_an_unknown_username_gets_the_same_answers(client, nurse, settings):
    """No user enumeration: the wrong-password answer and the lock are the same for a name nobody has."""
    answers = {}
    for username in ("anna.ssk", "ingen.sadan"):
        seen = []
        for _ in range(settings.AXES_FAILURE_LIMIT + 2):
            response = sign_in(client, username, "fel-losenord-123")
            seen.append((response.status_code, error_text(response)))
        answers[username] = seen
    assert answers["anna.ssk"] == answers["ingen.sadan"]
    assert answers["anna.ssk"][-1][0] == 429 and LOCKED in answers["anna.ssk"][-1][1]


def test_a_failed_sign_in_is_logged_without_the_password(client, nurse, caplog):
    from axes.models import AccessAttempt, AccessFailureLog

    with caplog.at_level(logging.INFO):
        sign_in(client, "anna.ssk", "hemligt-losen-987")
    lines = [r for r in caplog.records if r.name == "nara.signin"]
    assert [r.getMessage() for r in lines] == [
        "sign-in failed: username='anna.ssk' failures=1 limit=5 locked=no"
    ]
    assert lines[0].levelno == logging.WARNING
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert "hemligt-losen-987" not in everything
    row = AccessFailureLog.objects.get()
    assert row.username == "anna.ssk" and row.locked_out is False
    for attempt in AccessAttempt.objects.all():
        stored = " ".join(str(getattr(attempt, field.name)) for field in attempt._meta.fields)
        assert "hemligt-losen-987" not in stored
        assert client.cookies["csrftoken"].value not in stored


def test_the_lock_is_logged(client, nurse, caplog, settings):
    with caplog.at_level(logging.INFO):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "anna.ssk", "fel-losenord-123")
        sign_in(client, "anna.ssk", PASSWORD)
    lines = [r.getMessage() for r in caplog.records if r.name == "nara.signin"]
    assert lines[settings.AXES_FAILURE_LIMIT - 1] == (
        "sign-in failed: username='anna.ssk' failures=5 limit=5 locked=yes"
    )
    assert re.fullmatch(r"account locked: username='anna\.ssk' until \d{4}-\d\d-\d\d \d\d:\d\d", lines[-2])
    assert lines[-1] == "sign-in refused, account locked: username='anna.ssk'"


def test_a_personnummer_typed_as_username_is_neither_logged_nor_stored(client, nurse, caplog):
    from axes.models import AccessAttempt, AccessFailureLog

    pnr = "19400517-0012"
    with caplog.at_level(logging.DEBUG):
        sign_in(client, pnr, "fel-losenord-123")
        sign_in(client, "194005170012", "fel-losenord-123")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert "19400517" not in everything and "400517" not in everything
    assert "username='[personnummer]'" in everything
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            stored = " ".join(str(getattr(row, field.name)) for field in row._meta.fields)
            assert "400517" not in stored, (model.__name__, stored)
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {"[personnummer]"}


def test_the_sign_in_page_and_the_choice_of_assignment_still_work(client, nurse):
    from nara.directory.models import Assignment

    team = f.unit(name="Mobila teamet")
    Assignment.objects.create(user=nurse, unit=team, roles=["nurse"], valid_from="2020-01-01")
    assert client.get(reverse("login")).status_code == 200
    response = sign_in(client, "anna.ssk", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("directory:choose_assignment")
    chosen = Assignment.objects.get(user=nurse, unit=team)
    response = client.post(reverse("directory:choose_assignment"), {"assignment": chosen.pk})
    assert response.url == reverse("directory:start")
    assert "Mobila teamet" in client.get(reverse("directory:start")).content.decode()
