"""Thin views for CFS ratings, condition changes and structured assessments (reads via assessment_selectors, writes
via assessment_services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.access import gate
from nara.audit.models import Action
from nara.core import conflicts
from nara.core.forms import add_validation_errors
from nara.core.models import ConcurrentEditError
from nara.plans import assessment_selectors as selectors
from nara.plans import assessment_services as services
from nara.plans.assessment_forms import AssessmentForm, CfsForm, ConditionChangeForm
from nara.plans.assessment_templates import age_group_for
from nara.plans.models import FrailtyAssessment


def _expected_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def index(request, person_id):
    return render(
        request, "plans/assessments/index.html", selectors.assessments_index(request.actor, person_id)
    )


# --- CFS -------------------------------------------------------------------------------------------------------


def cfs_list(request, person_id):
    return render(request, "plans/assessments/cfs_list.html", selectors.cfs_page(request.actor, person_id))


def _cfs_form_page(request, context, form, title, record=None):
    return render(
        request,
        "plans/assessments/cfs_form.html",
        {**context, "form": form, "title": title, "record": record},
        status=conflicts.status(form),
    )


def _suggested_occasion(latest: dict | None) -> str:
    """First rating, a rating after a noted change, or the yearly reassessment."""
    if latest is None:
        return FrailtyAssessment.Occasion.FIRST
    if latest["last_change_on"] and latest["last_change_on"] >= latest["rated_on"]:
        return FrailtyAssessment.Occasion.CHANGE
    return FrailtyAssessment.Occasion.YEARLY


@require_http_methods(["GET", "POST"])
def cfs_new(request, person_id):
    actor = request.actor
    context = selectors.cfs_page(actor, person_id, "plans:cfs_new")
    form = CfsForm(
        request.POST or None, actor=actor, initial={"occasion": _suggested_occasion(context["latest"])}
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_cfs(actor, person_id, form, "plans:cfs_new")
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("CFS-bedömningen är sparad."))
            return redirect("plans:cfs_detail", person_id, record.pk)
    return _cfs_form_page(request, context, form, _("Ny CFS-bedömning"))


def cfs_detail(request, person_id, pk):
    return render(
        request, "plans/assessments/cfs_detail.html", selectors.cfs_detail(request.actor, person_id, pk)
    )


@require_http_methods(["GET", "POST"])
def cfs_edit(request, person_id, pk):
    actor = request.actor
    context = selectors.cfs_page(actor, person_id, "plans:cfs_edit")
    record = selectors.cfs_rating(actor, context["access"], pk, "plans:cfs_edit")
    gate.require_own_record(actor, record)
    form = CfsForm(request.POST or None, instance=record, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_cfs(actor, record, form, _expected_version(request), "plans:cfs_edit")
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, record, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Ändringen är sparad."))
            return redirect("plans:cfs_detail", person_id, pk)
    return _cfs_form_page(request, context, form, _("Ändra CFS-bedömning"), record)


@require_http_methods(["GET", "POST"])
def condition_changes(request, person_id):
    actor = request.actor
    form = ConditionChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.note_condition_change(actor, person_id, form, "plans:condition_changes")
        messages.success(request, _("Förändringen är noterad. En ny CFS-bedömning behövs nu."))
        return redirect("plans:cfs", person_id)
    context = selectors.cfs_page(actor, person_id, "plans:condition_changes")
    return render(request, "plans/assessments/condition_changes.html", {**context, "form": form})


# --- structured assessments ------------------------------------------------------------------------------------


def assessment_list(request, person_id, key):
    return render(
        request, "plans/assessments/list.html", selectors.assessment_list(request.actor, person_id, key)
    )


@require_http_methods(["GET", "POST"])
def assessment_new(request, person_id, key):
    actor = request.actor
    template = selectors.template_or_404(key)
    access = gate.open_person(actor, person_id, "plans:assessment_new")
    initial = {}
    if any(i.id == "age_group" for i in template.items):
        initial["i_age_group"] = age_group_for(access.person.age())
    form = AssessmentForm(request.POST or None, template=template, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        record = services.record_assessment(
            actor, person_id, template, form.assessment_data(), "plans:assessment_new"
        )
        messages.success(request, _("Bedömningen är sparad."))
        return redirect("plans:assessment_detail", person_id, key, record.pk)
    return render(
        request,
        "plans/assessments/form.html",
        {"person": access.person, "access": access, "template": template, "form": form, "record": None},
    )


def assessment_detail(request, person_id, key, pk):
    return render(
        request,
        "plans/assessments/detail.html",
        selectors.assessment_detail(request.actor, person_id, key, pk),
    )


def assessment_print(request, person_id, key, pk):
    data = selectors.assessment_detail(
        request.actor, person_id, key, pk, "plans:assessment_print", action=Action.PRINT
    )
    return render(request, "plans/assessments/print.html", data)


@require_http_methods(["GET", "POST"])
def assessment_edit(request, person_id, key, pk):
    actor = request.actor
    template = selectors.template_or_404(key)
    access = gate.open_person(actor, person_id, "plans:assessment_edit")
    record = selectors.assessment(actor, access, key, pk, "plans:assessment_edit")
    gate.require_own_record(actor, record)
    form = AssessmentForm(request.POST or None, template=template, actor=actor, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_assessment(
                actor,
                record,
                template,
                form.assessment_data(),
                _expected_version(request),
                "plans:assessment_edit",
            )
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, record, exc, initial=AssessmentForm.initial_from)
        else:
            messages.success(request, _("Ändringen är sparad."))
            return redirect("plans:assessment_detail", person_id, key, pk)
    return render(
        request,
        "plans/assessments/form.html",
        {"person": access.person, "access": access, "template": template, "form": form, "record": record},
        status=conflicts.status(form),
    )
