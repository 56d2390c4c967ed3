"""Sign-in throttling with django-axes (issue 11): the hooks the settings name, and the log lines.

- `attempted_username` is what axes counts, stores and logs: the username as typed, but with anything shaped like a
  personnummer replaced (staff sometimes type theirs into the username field), so none reaches a log or a row.
- `lockout_response` renders the sign-in page with a Swedish message: locked, for how long, when to try again.
  It depends only on the attempts for the username typed, so it is the same whether or not the user exists.
- The receivers write one line per failed sign-in and per lock to the `nara.signin` logger: the username (as
  above), the count and the limit; never the password, the address or the browser.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from nara.core.personnummer import redact

log = logging.getLogger("nara.signin")


def attempted_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username typed, personnummer redacted, at most 150 characters."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        data = getattr(request, "data", None) or request.POST
        username = data.get(field)
    if username is None:
        return None
    return redact(str(username))[:150]


def locked_until(request, credentials=None) -> dt.datetime | None:
    """When the lock on the username ends: the latest counted failure plus the cool-off, rounded up to the minute
    (signing in at the time shown works). None when no failure is on record."""
    from axes.models import AccessAttempt

    username = attempted_username(request, credentials)
    latest = (
        AccessAttempt.objects.filter(username=username).order_by("-attempt_time").values_list("attempt_time", flat=True)
    ).first()
    cool_off = get_cool_off(request)
    if latest is None or cool_off is None:
        return None
    until = timezone.localtime(latest + cool_off)
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return until


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, with the lock message, status 429."""
    until = locked_until(request, credentials)
    context = {
        "form": AuthenticationForm(request),  # unbound: the page echoes nothing that was typed
        "locked": True,
        "locked_until": until,
        "locked_same_day": until is not None and until.date() == timezone.localdate(),
        "cooloff_minutes": math.ceil(get_cool_off(request).total_seconds() / 60),
    }
    return render(request, "registration/login.html", context, status=429)


@receiver(user_login_failed, dispatch_uid="nara.signin.failed")
def _log_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Runs after axes' own receiver (axes is earlier in INSTALLED_APPS), which has counted the failure."""
    if request is None:
        return
    username = attempted_username(request, credentials)
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:  # refused by the lock itself: axes did not count it (the lock is not prolonged)
        log.warning("sign-in refused, account locked: username=%r", username)
        return
    locked = bool(getattr(request, "axes_locked_out", False))
    log.warning(
        "sign-in failed: username=%r failures=%d limit=%d locked=%s",
        username, failures, settings.AXES_FAILURE_LIMIT, "yes" if locked else "no",
    )
    if locked:
        until = locked_until(request, credentials)
        log.warning("account locked: username=%r until %s", username, f"{until:%Y-%m-%d %H:%M}" if until else "-")
