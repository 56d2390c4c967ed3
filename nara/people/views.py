from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.access import admission_proof, gate
from nara.access.forms import AdmissionReasonForm
from nara.core import conflicts
from nara.core.models import ConcurrentEditError
from nara.people import selectors, services
from nara.people.forms import CareTeamForm, FixedContactForm, RelativeForm, SearchForm

FORMS = {"relatives": RelativeForm, "fixed_contacts": FixedContactForm, "care_team": CareTeamForm}
# URL slugs in Swedish, mapped to the record kinds.
SLUGS = {"narstaende": "relatives", "fasta-kontakter": "fixed_contacts", "vardteam": "care_team"}


def _kind(slug):
    if slug not in SLUGS:
        raise Http404
    return SLUGS[slug]


def _form(kind, actor, *args, **kwargs):
    form_class = FORMS[kind]
    if kind in ("fixed_contacts", "care_team"):
        kwargs["actor"] = actor
    return form_class(*args, **kwargs)


@require_http_methods(["GET", "POST"])
def search(request):
    """Search by POST so that a personnummer never ends up in a URL or a server log."""
    result = None
    form = SearchForm(request.POST or None)
    admission_form = None
    if request.method == "POST" and form.is_valid():
        result = selectors.search(request.actor, form.cleaned_data["q"], form.cleaned_data.get("pnr"))
        if result.outside_relationship is not None:
            # The whole personnummer was typed: the proof a ward needs for the admission basis (the opaque id,
            # user and unit in the session for a short time; never the personnummer, never in a URL).
            admission_proof.remember_typed(request.session, request.actor, result.outside_relationship.pk)
            admission_form = AdmissionReasonForm()
    return render(
        request,
        "people/search.html",
        {"form": form, "result": result, "admission_form": admission_form, "nav": "search"},
    )


def overview(request, person_id):
    return render(request, "people/overview.html", selectors.overview(request.actor, person_id))


@require_http_methods(["GET", "POST"])
def record_list(request, person_id, slug):
    kind = _kind(slug)
    actor = request.actor
    access = gate.open_person(actor, person_id, f"people:{kind}")
    form = _form(kind, actor, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_record(actor, person_id, form, f"people:{kind}")
        messages.success(request, _("Uppgiften är sparad."))
        return redirect("people:records", person_id, slug)
    visible = selectors.records(actor, access, kind, f"people:{kind}")
    return render(
        request,
        "people/records.html",
        {
            "person": access.person,
            "access": access,
            "visible": visible,
            "form": form,
            "slug": slug,
            "title": selectors.RECORD_KINDS[kind][1],
            "table_template": f"people/_{kind}_table.html",
        },
    )


@require_http_methods(["GET", "POST"])
def record_edit(request, person_id, slug, pk):
    kind = _kind(slug)
    actor = request.actor
    access = gate.open_person(actor, person_id, f"people:{kind}:edit", log=False)
    model = selectors.RECORD_KINDS[kind][0]
    record = get_object_or_404(
        model.objects.select_related("recorded_by_org"), pk=pk, person_id=access.person.pk
    )
    visible = gate.filter_records(actor, access, [record], f"people:{kind}:edit", log=False)
    if not visible.shown:
        raise gate.AccessDenied(visible.hidden[0].reason, access.person.pk, visible.hidden[0].blocked)
    gate.require_own_record(actor, record)
    # Refused above: the 403 page shows nothing of the person, so only its denial row is written.
    gate.log_persons(actor, [access], f"people:{kind}:edit")
    gate.log_records(actor, access, visible.shown, f"people:{kind}:edit")
    form = _form(kind, actor, request.POST or None, instance=record)
    if request.method == "POST":
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            if "remove" in request.POST and kind == "relatives":
                services.remove_record(actor, record, expected, f"people:{kind}")
                messages.success(request, _("Uppgiften är borttagen."))
                return redirect("people:records", person_id, slug)
            if form.is_valid():
                services.change_record(actor, record, form, expected, f"people:{kind}")
                messages.success(request, _("Ändringen är sparad."))
                return redirect("people:records", person_id, slug)
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, record, exc)
    return render(
        request,
        "people/record_edit.html",
        {
            "person": access.person,
            "form": form,
            "slug": slug,
            "record": record,
            "title": selectors.RECORD_KINDS[kind][1],
            "can_remove": kind == "relatives",
        },
        status=conflicts.status(form),
    )
