"""Discharge case pages. Thin: reads through case_selectors, writes through case_services.

The case page shows everything and the forms of the steps the actor's unit may take now; each step posts to
its own page (/overgangar/<person_id>/utskrivning/<pk>/<step>/), which also shows the form alone on GET and
again with the user's input kept when the step is refused or the case was changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nara.access import admission_proof, gate
from nara.access import services as access_services
from nara.access.forms import AdmissionReasonForm
from nara.core import conflicts
from nara.core.models import ConcurrentEditError
from nara.transitions import case_forms, case_rules, case_selectors, case_services
from nara.transitions.case_services import CaseRefused


@require_GET
def inbox(request):
    return render(request, "transitions/case/inbox.html", case_selectors.inbox(request.actor))


@require_GET
def case_list(request, person_id):
    return render(
        request, "transitions/case/list.html", case_selectors.person_cases(request.actor, person_id)
    )


@require_POST
def case_admission(request, person_id):
    """The admission basis: a ward user who typed the whole personnummer in the search (the proof is in the
    session) gives the reason, then opens the admission notice. The opaque id alone is refused (403)."""
    actor = request.actor
    typed = admission_proof.typed_recently(request.session, actor, person_id)
    form = AdmissionReasonForm(request.POST)
    if form.is_valid():
        access_services.open_admission(actor, person_id, form.cleaned_data["reason"], typed)
        return redirect("transitions:case_new", person_id)
    access_services.admission_check(actor, person_id, typed)  # refused before the form is shown again
    return render(
        request,
        "transitions/case/admission.html",
        {"form": form, "person_id": person_id, "nav": "discharge"},
    )


@require_http_methods(["GET", "POST"])
def case_new(request, person_id):
    actor = request.actor
    access = gate.open_person_for_admission(actor, person_id, "transitions:case:new")
    form = case_forms.StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_services.start_case(actor, person_id, form.cleaned_data)
        except CaseRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Inskrivningsmeddelandet är skickat till kommunen och vårdcentralen.")
            )
            if case_rules.notice_late(case.admitted_at, case.notice_sent_at):
                messages.warning(
                    request,
                    _("Meddelandet skickades senare än %(h)s timmar efter inskrivningen.")
                    % {"h": settings.NARA_ADMISSION_NOTICE_HOURS},
                )
            if case.agreement_id is None:
                messages.warning(
                    request,
                    _(
                        "Det finns ingen överenskommelse med kommunen för inskrivningsdagen: "
                        "betalningsansvaret räknas enligt lagens huvudregel."
                    ),
                )
            return redirect("transitions:case_detail", person_id, case.pk)
    person = access.person
    return render(
        request,
        "transitions/case/new.html",
        {
            "person": person,
            "access": access,
            "form": form,
            "refusal": case_selectors.start_refusal(actor, person),
            "nav": "discharge",
        },
    )


@require_GET
def case_detail(request, person_id, pk):
    ctx = case_selectors.case_page(request.actor, person_id, pk)
    if ctx["case"] is not None:
        ctx["step_forms"] = [(slug, step, step.make_form(None, ctx, slug)) for slug, step in _page_steps(ctx)]
    return render(request, "transitions/case/detail.html", ctx)


# --- Steps ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    rule: str  # the step's name in case_rules
    title: object
    form: type
    button: object

    def make_form(self, data, ctx, slug):
        initial = {"version": ctx["case_version"]}
        kwargs = {}
        if self.form is case_forms.FixedContactForm:
            kwargs["staff"] = case_selectors.staff_of_unit(
                ctx["case"].health_centre_id if ctx["case"] else None
            )
        if self.form is case_forms.DateForm and ctx["case"]:
            initial["expected_discharge_on"] = ctx["case"].expected_discharge_on
        # Several step forms share one page: ids carry the step so labels stay unique.
        return self.form(data, initial=initial, auto_id=f"{slug}-%s", **kwargs)


STEPS = {
    "kvittera": Step(
        "acknowledge", gettext_lazy("Kvittera"), case_forms.AcknowledgeForm, gettext_lazy("Kvittera")
    ),
    "datum": Step(
        "change_date",
        gettext_lazy("Nytt beräknat utskrivningsdatum"),
        case_forms.DateForm,
        gettext_lazy("Meddela nytt datum"),
    ),
    "planering": Step(
        "planning",
        gettext_lazy("Planeringsunderlag"),
        case_forms.PlanningForm,
        gettext_lazy("Skicka planeringsunderlag"),
    ),
    "fast-vardkontakt": Step(
        "fixed_contact",
        gettext_lazy("Fast vårdkontakt"),
        case_forms.FixedContactForm,
        gettext_lazy("Utse fast vårdkontakt"),
    ),
    "utskrivningsklar": Step(
        "ready",
        gettext_lazy("Utskrivningsklar"),
        case_forms.ReadyForm,
        gettext_lazy("Meddela utskrivningsklar"),
    ),
    "aterta": Step(
        "withdraw_ready",
        gettext_lazy("Inte längre utskrivningsklar"),
        case_forms.WithdrawForm,
        gettext_lazy("Återta utskrivningsklar"),
    ),
    "sip": Step(
        "sip", gettext_lazy("Kallelse till SIP"), case_forms.SipForm, gettext_lazy("Starta SIP och kalla")
    ),
    "utskrivning": Step(
        "discharge",
        gettext_lazy("Utskrivning med informationsöverföring"),
        case_forms.DischargeForm,
        gettext_lazy("Skriv ut och överför informationen"),
    ),
    "meddelande": Step(
        "message", gettext_lazy("Meddelande"), case_forms.MessageForm, gettext_lazy("Skicka meddelande")
    ),
    "makulera": Step(
        "cancel", gettext_lazy("Makulera ärendet"), case_forms.CancelForm, gettext_lazy("Makulera")
    ),
}
DONE = {
    "acknowledge": gettext_lazy("Meddelandet är kvitterat."),
    "change_date": gettext_lazy("Det nya datumet är meddelat till mottagarna."),
    "planning": gettext_lazy("Planeringsunderlaget är skickat."),
    "fixed_contact": gettext_lazy("Den fasta vårdkontakten är utsedd."),
    "ready": gettext_lazy("Utskrivningsklar är meddelat till mottagarna."),
    "withdraw_ready": gettext_lazy("Mottagarna är meddelade att personen inte längre är utskrivningsklar."),
    "sip": gettext_lazy("SIP:en är kopplad till ärendet."),
    "discharge": gettext_lazy("Personen är utskriven och informationen överförd."),
    "message": gettext_lazy("Meddelandet är skickat."),
    "cancel": gettext_lazy("Ärendet är makulerat."),
}


def _page_steps(ctx):
    """The steps shown as forms on the case page (acknowledging is a button per receipt)."""
    return [(slug, s) for slug, s in STEPS.items() if s.rule in ctx["allowed"] and s.rule != "acknowledge"]


def _save(actor, case_id, step: Step, d) -> None:
    v = d.get("version")
    if step.rule == "acknowledge":
        case_services.acknowledge(actor, case_id, v, d.get("receipt"))
    elif step.rule == "change_date":
        case_services.change_expected_date(actor, case_id, v, d["expected_discharge_on"], d.get("note", ""))
    elif step.rule == "planning":
        case_services.submit_planning(actor, case_id, v, d)
    elif step.rule == "fixed_contact":
        case_services.appoint_fixed_contact(actor, case_id, v, d["staff"].pk)
    elif step.rule == "ready":
        case_services.notify_ready(actor, case_id, v, d["at"])
    elif step.rule == "withdraw_ready":
        case_services.withdraw_ready(actor, case_id, v, d["reason"])
    elif step.rule == "sip":
        case_services.invite_to_sip(actor, case_id, v, d)
    elif step.rule == "discharge":
        case_services.discharge(actor, case_id, v, d)
    elif step.rule == "message":
        case_services.send_message(actor, case_id, v, d["text"])
    elif step.rule == "cancel":
        case_services.cancel(actor, case_id, v, d["reason"])


@require_http_methods(["GET", "POST"])
def case_step(request, person_id, pk, step):
    if step not in STEPS:
        raise Http404
    s = STEPS[step]
    actor = request.actor
    context = f"transitions:case:{step}"
    ctx = case_selectors.case_page(actor, person_id, pk, context=context)
    form = s.make_form(request.POST if request.method == "POST" else None, ctx, step)
    if request.method == "POST" and form.is_valid():
        try:
            _save(actor, pk, s, form.cleaned_data)
        except CaseRefused as exc:
            form.add_error(None, exc.message)
        except ConcurrentEditError as exc:
            # Show what is saved now (the page again); the user's input stays, with the version saved now.
            ctx = case_selectors.case_page(actor, person_id, pk, context=context)
            form = s.make_form(request.POST, ctx, step)
            form.is_valid()
            conflicts.keep_input(form, ctx["case"], exc)
        else:
            messages.success(request, str(DONE[s.rule]))
            if request.POST.get("next") == "inbox":
                return redirect("transitions:case_inbox")
            return redirect("transitions:case_detail", person_id, pk)
    ctx.update(form=form, step=s, slug=step, refusal=_refusal(s, ctx))
    return render(request, "transitions/case/step.html", ctx, status=conflicts.status(form))


def _refusal(s: Step, ctx) -> str | None:
    if s.rule in ctx["allowed"]:
        return None
    if ctx["case"] is None:
        return _("Du kan inte se ärendet.") + " " + " ".join(h.reason for h in ctx["hidden"])
    return case_rules.refusal(s.rule, ctx["case"].status, ctx["who"])
