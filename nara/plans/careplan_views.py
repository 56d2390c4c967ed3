"""Views for care plans, treatment limitations, the prepared care request and the medical referral (thin)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.access import gate
from nara.audit.models import Action
from nara.core import conflicts
from nara.core.models import ConcurrentEditError
from nara.plans import careplan_selectors as selectors
from nara.plans import careplan_services as services
from nara.plans.careplan_forms import (
    KIND_SLUGS,
    CarePlanForm,
    EndForm,
    MedicalReferralForm,
    PreparedCareRequestForm,
    RevokeForm,
    TreatmentLimitationForm,
)
from nara.plans.models import CarePlan


def expected_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def care_plans(request, person_id):
    actor = request.actor
    context = "plans:careplans"
    access = gate.open_person(actor, person_id, context)
    data = selectors.care_plans(actor, access, context)
    return render(
        request,
        "plans/careplans/list.html",
        {
            **data,
            "person": access.person,
            "may_decide": services.is_physician(actor),
            # Only the kinds the actor may establish (medical and palliative plans are physicians' decisions).
            "kinds": [
                (slug, CarePlan.Kind(kind).label)
                for slug, kind in KIND_SLUGS.items()
                if services.may_decide_plan(actor, kind)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def care_plan_new(request, person_id, kind):
    if kind not in KIND_SLUGS:
        raise Http404
    kind_value = KIND_SLUGS[kind]
    actor = request.actor
    context = f"plans:careplan:new:{kind_value}"
    access = gate.open_person(actor, person_id, context)
    allowed = services.may_decide_plan(actor, kind_value)
    form = CarePlanForm(request.POST or None, kind=kind_value)
    if request.method == "POST" and form.is_valid():
        plan = services.create_care_plan(actor, person_id, kind_value, form, context)
        messages.success(request, _("Vårdplanen är sparad."))
        return redirect("plans:careplan_detail", person_id, plan.pk)
    return render(
        request,
        "plans/careplans/form.html",
        {
            "person": access.person,
            "form": form if allowed else None,
            "title": CarePlan.Kind(kind_value).label,
            "kind": kind_value,
        },
    )


@require_http_methods(["GET", "POST"])
def care_plan_detail(request, person_id, pk):
    """The plan; a physician may mark a palliative plan as reviewed from here."""
    actor = request.actor
    context = "plans:careplan"
    access = gate.open_person(actor, person_id, context)
    plan = selectors.care_plan(actor, access, pk, context)
    may_change = gate.may_change_record(actor, plan) and services.may_decide_plan(actor, plan.kind)
    status = 200
    if request.method == "POST" and "reviewed" in request.POST:
        try:
            services.mark_palliative_reviewed(actor, plan, expected_version(request), context)
            messages.success(request, _("Planen är markerad som genomgången. Nästa översyn är inlagd."))
            return redirect("plans:careplan_detail", person_id, plan.pk)
        except ConcurrentEditError as exc:
            status = conflicts.tell(request, exc)
            plan = selectors.care_plan(actor, access, pk, context)
    return render(
        request,
        "plans/careplans/detail.html",
        {"person": access.person, "plan": plan, "may_change": may_change and not plan.ended_on},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def care_plan_edit(request, person_id, pk):
    actor = request.actor
    context = "plans:careplan:edit"
    access = gate.open_person(actor, person_id, context)
    plan = selectors.care_plan(actor, access, pk, context)
    gate.require_own_record(actor, plan)
    if not services.may_decide_plan(actor, plan.kind):
        raise gate.AccessDenied(
            _("Bara läkare kan ändra en medicinsk eller palliativ vårdplan."), access.person.pk
        )
    if plan.ended_on:
        raise gate.AccessDenied(_("Planen är avslutad och kan inte ändras."), access.person.pk)
    ending = request.method == "POST" and "end" in request.POST
    form = CarePlanForm(
        request.POST if request.method == "POST" and not ending else None, instance=plan, kind=plan.kind
    )
    end_form = EndForm(
        request.POST if ending else None, started_on=plan.established_on, initial={"version": plan.version}
    )
    try:
        if ending and end_form.is_valid():
            services.end_care_plan(
                actor, plan, end_form.cleaned_data["ended_on"], end_form.cleaned_data["version"], context
            )
            messages.success(request, _("Vårdplanen är avslutad."))
            return redirect("plans:careplans", person_id)
        if request.method == "POST" and not ending and form.is_valid():
            services.change_care_plan(actor, plan, form, expected_version(request), context)
            messages.success(request, _("Ändringen är sparad."))
            return redirect("plans:careplan_detail", person_id, plan.pk)
    except ConcurrentEditError as exc:
        conflicts.keep_input(end_form if ending else form, plan, exc)
    return render(
        request,
        "plans/careplans/edit.html",
        {"person": access.person, "plan": plan, "form": form, "end_form": end_form},
        status=conflicts.status(form, end_form),
    )


@require_http_methods(["GET", "POST"])
def limitation_new(request, person_id):
    actor = request.actor
    context = "plans:limitation:new"
    access = gate.open_person(actor, person_id, context)
    allowed = services.is_physician(actor)
    form = TreatmentLimitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_limitation(actor, person_id, form, context)
        messages.success(request, _("Behandlingsbegränsningen är registrerad."))
        return redirect("plans:careplans", person_id)
    return render(
        request,
        "plans/careplans/limitation_form.html",
        {"person": access.person, "form": form if allowed else None},
    )


@require_http_methods(["GET", "POST"])
def limitation_detail(request, person_id, pk):
    actor = request.actor
    context = "plans:limitation"
    access = gate.open_person(actor, person_id, context)
    limitation = selectors.limitation(actor, access, pk, context)
    may_revoke = (
        services.is_physician(actor)
        and gate.may_change_record(actor, limitation)
        and not limitation.revoked_at
    )
    form = RevokeForm(request.POST or None, initial={"version": limitation.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_limitation(
                actor, limitation, form.cleaned_data["reason"], form.cleaned_data["version"], context
            )
            messages.success(request, _("Beslutet är upphävt."))
            return redirect("plans:careplans", person_id)
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, limitation, exc)
    return render(
        request,
        "plans/careplans/limitation_detail.html",
        {
            "person": access.person,
            "limitation": limitation,
            "active": selectors.is_active_limitation(limitation, access.now.date()),
            "form": form if may_revoke else None,
        },
        status=conflicts.status(form),
    )


# --- Prepared care request -------------------------------------------------------------------------------


def care_request(request, person_id):
    data = selectors.care_request(request.actor, person_id, "plans:care_request")
    return render(request, "plans/care_request/page.html", {"cr": data, "person": data.person})


def care_request_print(request, person_id):
    data = selectors.care_request(request.actor, person_id, "plans:care_request:print", action=Action.PRINT)
    return render(request, "plans/care_request/print.html", {"cr": data, "person": data.person})


@require_http_methods(["GET", "POST"])
def care_request_edit(request, person_id):
    actor = request.actor
    context = "plans:care_request:edit"
    access = gate.open_person(actor, person_id, context)
    part = selectors.own_care_request_part(actor, access, context)
    form = PreparedCareRequestForm(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_prepared_care_request(
                actor, person_id, form, expected_version(request) if part else None, context
            )
            messages.success(request, _("Den förberedda vårdbegäran är uppdaterad."))
            return redirect("plans:care_request", person_id)
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, part, exc)
    return render(
        request,
        "plans/care_request/edit.html",
        {"person": access.person, "form": form, "part": part},
        status=conflicts.status(form),
    )


@require_http_methods(["GET", "POST"])
def referral_new(request, person_id):
    actor = request.actor
    context = "plans:referral:new"
    access = gate.open_person(actor, person_id, context)
    form = MedicalReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = services.create_referral(actor, person_id, form, context)
        messages.success(request, _("Remissen är sparad. Skriv ut den och skicka med personen."))
        return redirect("plans:referral_print", person_id, referral.pk)
    return render(request, "plans/care_request/referral_form.html", {"person": access.person, "form": form})


def referral_print(request, person_id, pk):
    actor = request.actor
    context = "plans:referral:print"
    data = selectors.care_request(actor, person_id, context, action=Action.PRINT)
    referral = selectors.referral(actor, data.access, pk, context)
    selectors.log_print(actor, data.access, [referral], context)
    return render(
        request,
        "plans/care_request/referral_print.html",
        {"cr": data, "person": data.person, "referral": referral},
    )
