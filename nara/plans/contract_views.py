"""Views for the patientkontrakt: list, new, edit/end and a print view for the person (thin)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.access import gate
from nara.audit.models import Action
from nara.core import conflicts
from nara.core.models import ConcurrentEditError
from nara.plans import contract_selectors as selectors
from nara.plans import contract_services as services
from nara.plans.careplan_views import expected_version
from nara.plans.contract_forms import EndContractForm, PatientContractForm


def contract_list(request, person_id):
    actor = request.actor
    context = "plans:contracts"
    access = gate.open_person(actor, person_id, context)
    visible = selectors.contracts(actor, access, context)
    return render(
        request,
        "plans/contracts/list.html",
        {
            "person": access.person,
            "active": [c for c in visible.shown if not c.ended_on],
            "ended": [c for c in visible.shown if c.ended_on],
            "hidden": visible.hidden,
        },
    )


@require_http_methods(["GET", "POST"])
def contract_new(request, person_id):
    actor = request.actor
    context = "plans:contract:new"
    access = gate.open_person(actor, person_id, context)
    form = PatientContractForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        contract = services.create_contract(actor, person_id, form, context)
        messages.success(request, _("Patientkontraktet är sparat."))
        return redirect("plans:contract_print", person_id, contract.pk)
    return render(
        request, "plans/contracts/form.html", {"person": access.person, "form": form, "contract": None}
    )


@require_http_methods(["GET", "POST"])
def contract_edit(request, person_id, pk):
    actor = request.actor
    context = "plans:contract:edit"
    access = gate.open_person(actor, person_id, context)
    contract = selectors.contract(actor, access, pk, context)
    gate.require_own_record(actor, contract)
    if contract.ended_on:
        raise gate.AccessDenied(_("Kontraktet är avslutat och kan inte ändras."), access.person.pk)
    ending = request.method == "POST" and "end" in request.POST
    form = PatientContractForm(
        request.POST if request.method == "POST" and not ending else None, instance=contract, actor=actor
    )
    end_form = EndContractForm(
        request.POST if ending else None, started_on=contract.agreed_on, initial={"version": contract.version}
    )
    try:
        if ending and end_form.is_valid():
            services.end_contract(
                actor,
                contract,
                end_form.cleaned_data["ended_on"],
                end_form.cleaned_data["end_reason"],
                end_form.cleaned_data["version"],
                context,
            )
            messages.success(request, _("Patientkontraktet är avslutat."))
            return redirect("plans:contracts", person_id)
        if request.method == "POST" and not ending and form.is_valid():
            services.change_contract(actor, contract, form, expected_version(request), context)
            messages.success(request, _("Ändringen är sparad."))
            return redirect("plans:contracts", person_id)
    except ConcurrentEditError as exc:
        conflicts.keep_input(end_form if ending else form, contract, exc)
    return render(
        request,
        "plans/contracts/form.html",
        {"person": access.person, "form": form, "end_form": end_form, "contract": contract},
        status=conflicts.status(form, end_form),
    )


def contract_print(request, person_id, pk):
    from nara.people import selectors as people_selectors

    actor = request.actor
    context = "plans:contract:print"
    access = gate.open_person(actor, person_id, context)
    contract = selectors.contract(actor, access, pk, context, action=Action.PRINT)
    today = access.now.date()
    fixed = people_selectors.records(actor, access, "fixed_contacts", context)
    current = [
        r for r in fixed.shown if r.valid_from <= today and (r.valid_to is None or r.valid_to >= today)
    ]
    return render(
        request,
        "plans/contracts/print.html",
        {"person": access.person, "contract": contract, "fixed_contacts": current},
    )
