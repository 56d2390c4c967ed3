import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect


class InterfaceLanguageMiddleware:
    """Swedish unless the user chose another language with the switcher (cookie).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: Swedish is the interface language
    of Swedish care, and a shared workstation with an English browser must not switch it by surprise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (issue 11).

    - Permissions-Policy: the browser features no page uses are switched off (settings.NARA_PERMISSIONS_POLICY).
    - Every response to a signed-in user is marked no-store: nearly every page, print view and download carries
      personal data, and a shared workstation's browser must keep none of it on disk or show it again with Back
      after sign-out. (The sign-in page is never cached either: Django's LoginView says so itself.)
    Static files never reach this (WhiteNoise answers them earlier) and keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated  # before the view: sign-out turns the user anonymous
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.NARA_PERMISSIONS_POLICY)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


SESSION_STARTED = "nara_session_started"
SESSION_LAST_ACTIVITY = "nara_last_activity"
# A request with this header (the import progress poll) is not the user's activity: a page left open polling must
# not keep an abandoned workstation signed in.
BACKGROUND_HEADER = "X-Nara-Background"
_ACTIVITY_RESOLUTION = 60  # seconds: the last activity is written at most once a minute (a session save)


class IdleTimeoutMiddleware:
    """Signs the user out after settings.NARA_IDLE_TIMEOUT_MINUTES without a request of theirs, and after
    SESSION_COOKIE_AGE however active (saving the session each minute would otherwise extend it for ever).

    The next page is the sign-in page with a message saying why; an htmx request is answered with HX-Redirect so
    the whole page goes there instead of the sign-in page being swapped into a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last = session.setdefault(SESSION_LAST_ACTIVITY, now)
            idle = now - last > settings.NARA_IDLE_TIMEOUT_MINUTES * 60
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                return self._sign_out(request, idle)
            if now - last >= _ACTIVITY_RESOLUTION and request.headers.get(BACKGROUND_HEADER) != "1":
                session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)

    def _sign_out(self, request, idle):
        logout(request)
        if idle:
            minutes = settings.NARA_IDLE_TIMEOUT_MINUTES
            text = ngettext(
                "Du har loggats ut efter %(minutes)d minut utan aktivitet. Logga in igen.",
                "Du har loggats ut efter %(minutes)d minuter utan aktivitet. Logga in igen.",
                minutes,
            ) % {"minutes": minutes}
        else:
            text = gettext("Du har loggats ut eftersom inloggningen har varat en hel arbetsdag. Logga in igen.")
        messages.info(request, text)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(login_url)
        return redirect(login_url)
