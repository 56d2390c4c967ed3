from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from nara.access import gate
from nara.access.gate import AccessDenied
from nara.core import personnummer
from nara.directory.roles import Capability


def request_context(request) -> str:
    """What was attempted, for the denial's log row: method, URL name and the URL's other ids (the person is the
    row's own column). Redacted: a path segment could be a personnummer typed into the address bar."""
    match = request.resolver_match
    parts = [request.method or ""]
    if match is not None:
        parts.append(match.view_name)
        parts.extend(f"{key}={value}" for key, value in match.kwargs.items() if key != "person_id")
    return personnummer.redact(" ".join(p for p in parts if p))[:100]


class AccessDeniedMiddleware:
    """Turns AccessDenied into a page that says why (never echoing a personnummer), and logs every refusal.

    Every PermissionDenied of a signed-in user's request leaves one access-log row (gate.log_denied): this is
    the one place where a refusal becomes the 403 answer, and it runs after the view's transactions have been
    rolled back, so the row stays although nothing the request did is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied):
            return None
        actor = getattr(request, "actor", None)
        if actor is not None:
            gate.log_denied(actor, exception, request_context(request))
        if isinstance(exception, AccessDenied):
            # Emergency access is offered only for the person whose page the user asked for: the id must be the
            # one in the request's own path. The person a refusal names may come from a task, a case or a SIP
            # number, and showing it would give a user without relationship the person's id (issue 11 item 9).
            person_id = exception.person_id if _asked_for(request, exception.person_id) else None
            return render(
                request,
                "access/denied.html",
                {
                    "reason": exception.reason,
                    "person_id": person_id,
                    "may_emergency": bool(
                        actor and actor.can(Capability.EMERGENCY) and person_id and not exception.blocked
                    ),
                },
                status=403,
            )
        return None  # a plain PermissionDenied: Django's 403 page (nara.core.views.forbidden)


def _asked_for(request, person_id) -> bool:
    """Whether the request's path carried this person id (the user came from, or typed, that person's URL)."""
    match = request.resolver_match
    asked = match.kwargs.get("person_id") if match is not None else None
    return person_id is not None and asked is not None and str(asked) == str(person_id)
