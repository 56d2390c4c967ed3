"""Every signed-in request acts under one assignment; `request.actor` carries it to views and services."""

from django.shortcuts import redirect
from django.urls import reverse

from nara.directory.actor import Actor
from nara.directory.models import Assignment

SESSION_KEY = "nara_assignment_id"
_OPEN_PREFIXES = ("/static/", "/i18n/", "/logga-in/", "/logga-ut/", "/uppdrag/")


def actor_for(assignment: Assignment) -> Actor:
    user = assignment.user
    return Actor(
        user_id=user.pk,
        unit_id=assignment.unit_id,
        org_id=assignment.unit.organisation_id,
        roles=frozenset(assignment.roles),
        username=user.username,
        display_name=user.get_full_name() or user.username,
        unit_name=assignment.unit.name,
        org_name=assignment.unit.organisation.name,
        assignment_id=assignment.pk,
    )


class AssignmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        request.assignment = None
        if request.user.is_authenticated:
            active = (
                Assignment.objects.active()
                .filter(user=request.user)
                .select_related("unit__organisation", "user")
            )
            chosen = request.session.get(SESSION_KEY)
            assignment = active.filter(pk=chosen).first() if chosen else None
            if assignment is None:
                only = list(active[:2])
                if len(only) == 1:
                    assignment = only[0]
                    request.session[SESSION_KEY] = assignment.pk
            if assignment is not None:
                request.assignment = assignment
                request.actor = actor_for(assignment)
            elif not request.path.startswith(_OPEN_PREFIXES):
                return redirect(reverse("directory:choose_assignment"))
        elif not request.path.startswith(_OPEN_PREFIXES):
            return redirect(f"{reverse('login')}")
        return self.get_response(request)
