"""Idle timeout (issue 11): NARA_IDLE_TIMEOUT_MINUTES (30) without a request of the user's signs them out (a shared
workstation on a ward); the sign-in page says why. A background poll (the import progress) is no activity, and no
session outlives a working day (SESSION_COOKIE_AGE) however active."""

import time

import pytest
from django.urls import reverse

from nara.core.middleware import BACKGROUND_HEADER, SESSION_LAST_ACTIVITY, SESSION_STARTED
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse_client(client):
    client.force_login(f.staff(f.unit(name="Vårdcentralen Kinna"), ["nurse"]))
    assert client.get(reverse("directory:start")).status_code == 200
    return client


def shift(client, key, seconds):
    """Move a session timestamp into the past, as if that much time had gone by."""
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_minutes_idle_signs_the_user_out(nurse_client):
    shift(nurse_client, SESSION_LAST_ACTIVITY, 30 * 60 + 1)
    response = nurse_client.get(reverse("people:search"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert not signed_in(nurse_client)
    page = nurse_client.get(response.url).content.decode()
    assert "Du har loggats ut efter 30 minuter utan aktivitet. Logga in igen." in page
    # Signed out for good: the next page asks for sign-in again.
    assert nurse_client.get(reverse("directory:start")).url == reverse("login")


def test_activity_keeps_the_user_signed_in(nurse_client):
    shift(nurse_client, SESSION_LAST_ACTIVITY, 29 * 60)
    assert nurse_client.get(reverse("people:search")).status_code == 200
    assert abs(nurse_client.session[SESSION_LAST_ACTIVITY] - time.time()) < 5  # refreshed
    shift(nurse_client, SESSION_LAST_ACTIVITY, 29 * 60)
    assert nurse_client.get(reverse("people:search")).status_code == 200
    assert signed_in(nurse_client)


def test_the_idle_time_comes_from_the_setting(nurse_client, settings):
    settings.NARA_IDLE_TIMEOUT_MINUTES = 5
    shift(nurse_client, SESSION_LAST_ACTIVITY, 5 * 60 + 1)
    response = nurse_client.get(reverse("people:search"))
    assert response.url == reverse("login")
    assert "efter 5 minuter utan aktivitet" in nurse_client.get(response.url).content.decode()


def test_a_background_poll_is_no_activity(nurse_client):
    shift(nurse_client, SESSION_LAST_ACTIVITY, 20 * 60)
    before = nurse_client.session[SESSION_LAST_ACTIVITY]
    nurse_client.get(reverse("directory:start"), headers={BACKGROUND_HEADER: "1", "HX-Request": "true"})
    assert nurse_client.session[SESSION_LAST_ACTIVITY] == before
    shift(nurse_client, SESSION_LAST_ACTIVITY, 10 * 60 + 1)
    response = nurse_client.get(reverse("directory:start"), headers={BACKGROUND_HEADER: "1", "HX-Request": "true"})
    # An htmx request is told to load the sign-in page as a whole page, not to swap it into a fragment.
    assert response.status_code == 200 and response.headers["HX-Redirect"] == reverse("login")
    assert not signed_in(nurse_client)


def test_no_session_outlives_a_working_day(nurse_client, settings):
    shift(nurse_client, SESSION_STARTED, settings.SESSION_COOKIE_AGE + 1)
    response = nurse_client.get(reverse("people:search"))
    assert response.url == reverse("login")
    assert not signed_in(nurse_client)
    assert "inloggningen har varat en hel arbetsdag" in nurse_client.get(response.url).content.decode()

