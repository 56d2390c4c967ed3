"""Thin views of the hemsjukvård enrolment pages (reads via enrolment_selectors, writes via enrolment_services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.core import conflicts
from nara.core.forms import add_validation_errors
from nara.core.models import ConcurrentEditError
from nara.directory.roles import Capability
from nara.transitions import enrolment_selectors as selectors
from nara.transitions import enrolment_services as services
from nara.transitions.enrolment_forms import (
    DecisionForm,
    EndForm,
    PhysicianForm,
    RequestForm,
    ReviewForm,
    VisitDoneForm,
    VisitForm,
)

CTX_PAGE = "transitions:enrolment"
CTX_REQUEST = "transitions:enrolment_request"
CTX_DETAIL = "transitions:enrolment_detail"


def enrolment(request, person_id):
    return render(
        request,
        "transitions/enrolment/person.html",
        selectors.person_page(request.actor, person_id, CTX_PAGE),
    )


@require_http_methods(["GET", "POST"])
def enrolment_request(request, person_id):
    actor = request.actor
    context = selectors.person_page(actor, person_id, CTX_REQUEST)
    form = RequestForm(
        request.POST or None,
        criteria=context["criteria"],
        physicians=services.request_physicians(actor, context["person"]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.request_enrolment(actor, person_id, form.service_data(), CTX_REQUEST)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "criteria" in exc.error_dict:
                for e in exc.error_dict.pop("criteria"):
                    form.add_error(None, e)
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Begäran om inskrivning i hemsjukvård är skickad till kommunen."))
            return redirect("transitions:enrolment_detail", person_id, record.pk)
    return render(request, "transitions/enrolment/request.html", {**context, "form": form})


def _forms(context, post=None, action=None):
    """The step forms the actor may use on the detail page; the posted one is bound."""
    e = context["enrolment"]
    initial = {"version": e.version}

    def bound(name):
        return post if action == name else None

    forms = {}
    if context["may_decide"]:
        forms["decide"] = DecisionForm(
            bound("decide"),
            prefix="decide",
            municipality_id=e.municipality_id,
            initial={**initial, "home_health_unit": e.home_health_unit_id},
        )
    if context["may_set_physician"]:
        forms["physician"] = PhysicianForm(
            bound("physician"),
            prefix="physician",
            physicians=services.physicians_of(e.physician_unit_id),
            initial={**initial, "physician": e.physician_id},
        )
    if context["may_plan_visits"]:
        forms["visit"] = VisitForm(bound("visit"), prefix="visit")
        forms["visit_done"] = VisitDoneForm(bound("visit_done"), prefix="visit_done")
    if context["may_review"]:
        forms["review"] = ReviewForm(bound("review"), prefix="review", initial=initial)
    if context["may_end"]:
        forms["end"] = EndForm(bound("end"), prefix="end", initial=initial)
    return forms


def _run(actor, action, form, pk):
    d = form.cleaned_data
    if action == "decide":
        services.decide(actor, pk, d["version"], form.service_data(), CTX_DETAIL)
        return _("Beslutet är sparat.")
    if action == "physician":
        services.set_physician(actor, pk, d["version"], d["physician"], CTX_DETAIL)
        return _("Ansvarig läkare är sparad.")
    if action == "visit":
        services.plan_visit(actor, pk, d["planned_on"], d["note"], CTX_DETAIL)
        return _("Läkarbesöket är planerat.")
    if action == "visit_done":
        services.visit_done(actor, d["visit"], d["done_on"], d["note"], CTX_DETAIL)
        return _("Läkarbesöket är markerat som genomfört.")
    if action == "review":
        services.review(actor, pk, d["version"], d, CTX_DETAIL)
        return _("Omprövningen är sparad.")
    services.end(actor, pk, d["version"], d, CTX_DETAIL)
    return _("Personen är utskriven från hemsjukvården.")


@require_http_methods(["GET", "POST"])
def enrolment_detail(request, person_id, pk):
    actor = request.actor
    if actor is None or not actor.can(Capability.PERSON_DATA):
        raise PermissionDenied
    context = selectors.detail(actor, person_id, pk, CTX_DETAIL)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _forms(context, request.POST, action)
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                message = _run(actor, action, form, pk)
            except ConcurrentEditError as exc:
                conflicts.keep_input(form, context["enrolment"], exc)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("transitions:enrolment_detail", person_id, pk)
    return render(
        request,
        "transitions/enrolment/detail.html",
        {**context, "forms": forms},
        status=conflicts.status(*forms.values()),
    )


def enrolment_register(request):
    actor = request.actor
    if actor is None or not actor.can(Capability.PERSON_DATA):
        raise PermissionDenied
    return render(
        request,
        "transitions/enrolment/register.html",
        {"register": selectors.register(actor), "nav": "home_health"},
    )
