from django.shortcuts import render

from nara.access.gate import AccessDenied


class AccessDeniedMiddleware:
    """Turns AccessDenied into a page that says why (never echoing a personnummer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, AccessDenied):
            actor = getattr(request, "actor", None)
            return render(
                request,
                "access/denied.html",
                {
                    "reason": exception.reason,
                    "person_id": exception.person_id,
                    "may_emergency": bool(
                        actor and actor.can("emergency") and exception.person_id and not exception.blocked
                    ),
                },
                status=403,
            )
        return None
