from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nara.access import selectors, services
from nara.access.forms import (
    BlockForm,
    ConsentForm,
    EmergencyOpenForm,
    EmergencyReviewForm,
    LiftForm,
    WithdrawForm,
)
from nara.access.models import Block
from nara.core import conflicts
from nara.core.models import ConcurrentEditError


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
def consents(request, person_id):
    actor = request.actor
    form = ConsentForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        services.register_consent(actor, person_id, form)
        messages.success(request, _("Samtycket är registrerat."))
        return redirect("access:consents", person_id)
    access, rows = selectors.consents(actor, person_id)
    return render(request, "access/consents.html", {"person": access.person, "rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
def consent_edit(request, person_id, pk):
    actor = request.actor
    access, consent = selectors.consent_to_change(actor, person_id, pk)
    # Another organisation the consent names may only withdraw it; only the recording one changes it.
    changing = request.method == "POST" and "withdraw" not in request.POST
    form = ConsentForm(request.POST if changing else None, instance=consent, actor=actor) if consent.may_change else None
    withdraw = WithdrawForm(initial={"version": consent.version}) if consent.may_withdraw else None
    if request.method == "POST":
        try:
            if "withdraw" in request.POST and withdraw is not None:
                withdraw = WithdrawForm(request.POST)
                if withdraw.is_valid():
                    data = withdraw.cleaned_data
                    services.withdraw_consent(actor, consent, data["version"], data["note"])
                    messages.success(request, _("Samtycket är återkallat."))
                    return redirect("access:consents", person_id)
            elif form is not None and "withdraw" not in request.POST and form.is_valid():
                services.change_consent(actor, consent, form, _version(request))
                messages.success(request, _("Ändringen är sparad."))
                return redirect("access:consents", person_id)
        except ConcurrentEditError as exc:
            conflicts.keep_input(withdraw if "withdraw" in request.POST else form, consent, exc)
    return render(request, "access/consent_edit.html", {
        "person": access.person, "consent": consent, "form": form, "withdraw": withdraw},
        status=conflicts.status(form, withdraw))


@require_http_methods(["GET", "POST"])
def blocks(request, person_id):
    actor = request.actor
    form = BlockForm(request.POST if request.method == "POST" and "lift" not in request.POST else None)
    lift = LiftForm(request.POST) if request.method == "POST" and "lift" in request.POST else None
    if request.method == "POST":
        try:
            if lift is not None:
                block_id = request.POST.get("block", "")
                if lift.is_valid() and block_id.isdigit():
                    block = get_object_or_404(Block, pk=block_id, person_id=person_id)
                    services.lift_block(actor, block, lift.cleaned_data["version"], lift.cleaned_data["lift_note"])
                    messages.success(request, _("Spärren är hävd."))
                    return redirect("access:blocks", person_id)
                messages.error(request, _("Ange en kommentar till hävningen."))
            elif form.is_valid():
                services.register_block(actor, person_id, form.cleaned_data["note"])
                messages.success(request, _("Spärren är registrerad."))
                return redirect("access:blocks", person_id)
        except ConcurrentEditError as exc:
            conflicts.keep_input(lift, block, exc)
    access, rows = selectors.blocks(actor, person_id)
    return render(
        request,
        "access/blocks.html",
        {"person": access.person, "rows": rows, "form": form, "lift": lift},
        status=conflicts.status(lift),
    )


@require_http_methods(["GET", "POST"])
def emergency(request, person_id):
    """Two explicit steps: locate (see where data exists), then open with a reason."""
    actor = request.actor
    context = {"person_id": person_id, "step": 0}
    if request.method == "POST" and request.POST.get("step") == "locate":
        ea, where = services.emergency_locate(actor, person_id)
        context.update(step=1, ea=ea, where=where, form=EmergencyOpenForm())
    elif request.method == "POST" and request.POST.get("step") == "open":
        form = EmergencyOpenForm(request.POST)
        ea_id = request.POST.get("ea")
        if form.is_valid() and ea_id and ea_id.isdigit():
            services.emergency_open(actor, int(ea_id), form.cleaned_data["reason"])
            messages.warning(
                request, _("Nödåtkomst är öppnad. All åtkomst loggas och följs upp av din chef.")
            )
            return redirect("people:overview", person_id)
        ea, where = selectors.emergency_in_progress(actor, ea_id)
        context.update(step=1, ea=ea, where=where, form=form)
    return render(request, "access/emergency.html", context)


@require_http_methods(["GET", "POST"])
def emergency_followup(request):
    """Emergency accesses and admission accesses (a ward without relationship sending the admission notice)."""
    actor = request.actor
    if request.method == "POST":
        form = EmergencyReviewForm(request.POST)
        ea_id, admission_id = request.POST.get("ea", ""), request.POST.get("admission", "")
        if form.is_valid() and (ea_id.isdigit() or admission_id.isdigit()):
            if ea_id.isdigit():
                services.emergency_review(actor, int(ea_id), form.cleaned_data["comment"])
            else:
                services.admission_review(actor, int(admission_id), form.cleaned_data["comment"])
            messages.success(request, _("Uppföljningen är dokumenterad."))
            return redirect("access:emergency_followup")
        messages.error(request, _("Skriv en kommentar om uppföljningen."))
    rows = selectors.emergency_followup(actor)
    admissions = selectors.admission_followup(actor)
    return render(
        request,
        "access/emergency_followup.html",
        {"rows": rows, "admissions": admissions, "nav": "emergency", "form": EmergencyReviewForm()},
    )


@require_POST
def emergency_close(request, ea_id):
    services.emergency_close(request.actor, ea_id)
    messages.success(request, _("Nödåtkomsten är avslutad."))
    return redirect("directory:start")
