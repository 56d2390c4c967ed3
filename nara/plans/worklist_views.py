"""The unit's work list (thin view)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from nara.directory.roles import Capability
from nara.plans import worklist_selectors


def worklist(request):
    actor = request.actor
    if actor is None or not actor.can(Capability.PERSON_DATA):
        raise PermissionDenied
    data = worklist_selectors.worklist(actor)
    return render(request, "plans/worklists/list.html", {"wl": data, "nav": "worklist"})
