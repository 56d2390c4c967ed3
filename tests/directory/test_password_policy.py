"""Password policy for staff accounts (issue 11): at least NARA_PASSWORD_MIN_LENGTH (12) characters, not a common
password, not all digits, not close to the username or the name. Django applies it wherever a password is set
through it (changepassword, createsuperuser, password forms)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model()(username="karin.lindqvist", first_name="Karin", last_name="Lindqvist")


def refused(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize("password", ["kort", "nara-demo", "elva-tecken"])
def test_short_passwords_are_refused(password, user):
    assert len(password) < 12
    assert "password_too_short" in refused(password, user)


def test_twelve_characters_are_enough(user):
    assert refused("tolv-tecken!", user) == []


def test_common_passwords_are_refused(user):
    assert "password_too_common" in refused("password1234", user)


def test_passwords_of_digits_only_are_refused(user):
    assert "password_entirely_numeric" in refused("194005170012", user)


def test_passwords_like_the_username_are_refused(user):
    assert "password_too_similar" in refused("karin.lindqvist1", user)


def test_the_policy_is_applied_when_an_operator_sets_a_password(user, monkeypatch):
    user.set_password("ett-bra-losenord-42")
    user.save()
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "kort-losen")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Aborting password change"):
        call_command("changepassword", "karin.lindqvist", stdout=io.StringIO(), stderr=errors)
    assert "12" in errors.getvalue()  # "… must contain at least 12 characters" (in the active language)
    user.refresh_from_db()
    assert user.check_password("ett-bra-losenord-42")


def test_the_minimum_length_comes_from_the_environment_and_12_is_the_floor():
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'nara.settings'; django.setup(); "
        "from django.conf import settings as s; "
        "print([v.get('OPTIONS', {}).get('min_length') for v in s.AUTH_PASSWORD_VALIDATORS "
        "if v['NAME'].endswith('MinimumLengthValidator')][0])"
    )
    env = {**os.environ, "NARA_PASSWORD_MIN_LENGTH": "16"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "16"
    env["NARA_PASSWORD_MIN_LENGTH"] = "8"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "NARA_PASSWORD_MIN_LENGTH below 12 is refused" in out.stderr
