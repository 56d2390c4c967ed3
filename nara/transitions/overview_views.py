"""The transitions overview (thin view): utskrivningsklara per municipality and cases whose deadlines are at risk."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from nara.directory.roles import Capability
from nara.transitions import overview_selectors as selectors


def overview(request):
    actor = request.actor
    if actor is None or not (actor.can(Capability.PERSON_DATA) or actor.can(Capability.AGGREGATES)):
        raise PermissionDenied
    try:
        days = max(1, min(int(request.GET.get("dagar", selectors.DEFAULT_LONG_READY_DAYS)), 365))
    except ValueError:
        days = selectors.DEFAULT_LONG_READY_DAYS
    context = {"ready": selectors.ready_per_municipality(actor), "nav": "transitions_overview", "days": days}
    if actor.can(Capability.PERSON_DATA):
        context["risk"] = selectors.at_risk(actor, long_ready_days=days)
    return render(request, "transitions/overview/overview.html", context)
