"""The unit's trygg hemgång tasks at /overgangar/trygg-hemgang/ (no person id in the URL) and marking one done."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nara.directory.roles import Capability
from nara.transitions import safe_return_selectors as selectors
from nara.transitions import safe_return_services as services


def _require_person_data(request):
    if request.actor is None or not request.actor.can(Capability.PERSON_DATA):
        raise PermissionDenied


def task_list(request):
    _require_person_data(request)
    data = selectors.unit_tasks(request.actor)
    return render(request, "transitions/safe_return/list.html", {"tasks": data, "nav": "safe_return"})


@require_POST
def safe_return_done(request, pk):
    _require_person_data(request)
    try:
        task = services.complete_task(request.actor, pk, request.POST.get("note", ""))
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("Uppgiften ”%(label)s” är markerad som utförd.") % {"label": task.label})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("transitions:safe_return")
