from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nara.directory import selectors
from nara.directory.middleware import SESSION_KEY
from nara.directory.models import Assignment


@login_required
@require_http_methods(["GET", "POST"])
def choose_assignment(request):
    assignments = Assignment.objects.active().filter(user=request.user).select_related("unit__organisation")
    error = None
    if request.method == "GET" and len(assignments) == 1:
        # Nothing to choose: go straight to the start page (the middleware has already picked it).
        request.session[SESSION_KEY] = assignments[0].pk
        return redirect("directory:start")
    if request.method == "POST":
        chosen = assignments.filter(pk=request.POST.get("assignment")).first()
        if chosen:
            request.session[SESSION_KEY] = chosen.pk
            return redirect("directory:start")
        from django.utils.translation import gettext as _

        error = _("Välj ett av dina uppdrag.")
    return render(request, "directory/choose_assignment.html", {"assignments": assignments, "error": error})


@login_required
def start(request):
    return render(request, "directory/start.html", {"nav": "start", **selectors.start_page(request.actor)})
