"""SIP pages. Thin: reads through sip_selectors, writes through sip_services.

The SIP page shows everything; each part is changed on its own page (/sip/<pk>/<part>/), whose forms carry the
Sip version they were opened with. A stale version shows the form again with the user's input kept, a message,
and what is saved now.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nara.access import gate
from nara.core import conflicts
from nara.core.converters import parse_id
from nara.core.models import ConcurrentEditError
from nara.plans import sip_access, sip_forms, sip_rules, sip_selectors, sip_services, sip_snapshot
from nara.plans.models.sip import SipParticipant, SipStatus
from nara.plans.sip_services import SipRefused


@require_GET
def sip_list(request, person_id):
    ctx = sip_selectors.person_sips(request.actor, person_id)
    return render(request, "plans/sip/list.html", ctx)


@require_http_methods(["GET", "POST"])
def sip_new(request, person_id):
    actor = request.actor
    access = gate.open_person(actor, person_id, "plans:sip:new")
    form = sip_forms.StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sip = sip_services.start_sip(actor, person_id, form.cleaned_data["reason"])
        except SipRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("SIP:en är påbörjad. Registrera personens samtycke som nästa steg."))
            return redirect("plans:sip_detail", person_id, sip.pk)
    existing = sip_selectors.open_sip_for(actor, access)
    return render(
        request,
        "plans/sip/new.html",
        {"person": access.person, "access": access, "form": form, "existing": existing},
    )


@require_GET
def sip_detail(request, person_id, pk):
    ctx = sip_selectors.sip_page(request.actor, person_id, pk)
    return render(request, "plans/sip/detail.html", ctx)


@require_GET
def sip_history(request, person_id, pk):
    return render(request, "plans/sip/history.html", sip_selectors.history(request.actor, person_id, pk))


@require_GET
def sip_version(request, person_id, pk, number):
    return render(
        request, "plans/sip/version.html", sip_selectors.version(request.actor, person_id, pk, number)
    )


@require_GET
def sip_print(request, person_id, pk):
    return render(request, "plans/sip/print.html", sip_selectors.print_view(request.actor, person_id, pk))


# --- Parts ------------------------------------------------------------------------------------------------


class Part:
    """One part of the SIP changed on its own page: its forms (by the name posted in `form`) and their saves."""

    title = ""
    section = ""  # template showing what is saved now
    anchor = ""

    def __init__(self, request, access, sip):
        self.request, self.actor, self.access, self.sip = request, request.actor, access, sip
        self.item = parse_id(request.POST.get("item") or request.GET.get("item"))

    def forms(self, data, initial=None) -> dict:
        return {}

    def only_choose(self, post) -> bool:
        return False

    def save(self, name, form) -> str:
        raise NotImplementedError

    @property
    def version(self):
        return {"version": self.sip.version}


class ConsentPart(Part):
    title = gettext_lazy("Samtycke till SIP")
    section = "plans/sip/_s_consent.html"
    anchor = "h-consent"

    def forms(self, data, initial=None):
        if self.sip.consent_given_at is None:
            relatives = sip_selectors.relative_choices(self.actor, self.access, "plans:sip:samtycke")
            initial = {**self.version, "given_by": self.access.person.full_name}
            return {"consent": sip_forms.ConsentForm(data, initial=initial, relatives=relatives)}
        return {"withdraw": sip_forms.WithdrawConsentForm(data, initial=self.version)}

    def save(self, name, form):
        d = form.cleaned_data
        if name == "consent":
            sip_services.record_consent(self.actor, self.sip.pk, d["version"], d)
            return _("Samtycket är registrerat. De deltagande huvudmännen kan nu se SIP:en.")
        sip_services.withdraw_consent(self.actor, self.sip.pk, d["version"], d["note"])
        return _("Samtycket är återkallat. SIP:en visas inte längre för de andra huvudmännen.")


class ParticipantsPart(Part):
    title = gettext_lazy("Deltagare")
    section = "plans/sip/_s_participants.html"
    anchor = "h-participants"

    def forms(self, data, initial=None):
        units = sip_selectors.unit_choices(self.actor, self.access.person, self.sip)
        unit_id = parse_id((data or initial or {}).get("unit"))
        staff = sip_selectors.staff_of_unit(unit_id) if unit_id else None
        relatives = sip_selectors.relative_choices(self.actor, self.access, "plans:sip:deltagare")
        return {
            "add": sip_forms.ParticipantForm(
                data, initial=initial or self.version, units=units, staff=staff, relatives=relatives
            ),
            "remove": sip_forms.SipForm(data, initial=self.version),
        }

    def only_choose(self, post):
        return "pick_unit" in post

    def save(self, name, form):
        d = form.cleaned_data
        if name == "remove":
            sip_services.remove_participant(self.actor, self.sip.pk, d["version"], self.item)
            return _("Deltagaren är borttagen.")
        sip_services.add_participant(self.actor, self.sip.pk, d["version"], d)
        return _("Deltagaren är tillagd.")


class MeetingsPart(Part):
    title = gettext_lazy("Kallelse till möte")
    section = "plans/sip/_s_meetings.html"
    anchor = "h-meetings"

    def forms(self, data, initial=None):
        return {
            "invite": sip_forms.MeetingForm(data, initial=self.version),
            "answer": sip_forms.AnswerForm(data, initial=self.version),
            "cancel": sip_forms.SipForm(data, initial=self.version),
        }

    def save(self, name, form):
        d = form.cleaned_data
        if name == "answer":
            sip_services.answer_invitation(self.actor, self.sip.pk, d["version"], d["response"], d["answer"])
            return _("Ditt svar är registrerat.")
        if name == "cancel":
            sip_services.cancel_meeting(self.actor, self.sip.pk, d["version"], self.item)
            return _("Mötet är inställt.")
        sip_services.send_invitation(self.actor, self.sip.pk, d["version"], d)
        return _("Kallelsen är skickad. Deltagarna ser den på SIP-sidan och svarar där.")


class MappingPart(Part):
    title = gettext_lazy("Kartläggning")
    section = "plans/sip/_s_mapping.html"
    anchor = "h-mapping"

    def forms(self, data, initial=None):
        s = self.sip
        initial = {**self.version, "what_matters": s.what_matters, "situation": s.situation, "needs": s.needs}
        return {"mapping": sip_forms.MappingForm(data, initial=initial)}

    def save(self, name, form):
        d = form.cleaned_data
        sip_services.save_mapping(self.actor, self.sip.pk, d["version"], d)
        return _("Kartläggningen är sparad.")


class GoalsPart(Part):
    title = gettext_lazy("Personens mål")
    section = "plans/sip/_s_goals.html"
    anchor = "h-goals"

    def forms(self, data, initial=None):
        goal = self.sip.goals.filter(pk=self.item).first() if self.item else None
        initial = {**self.version, "text": goal.text if goal else ""}
        return {
            "goal": sip_forms.GoalForm(data, initial=initial),
            "remove": sip_forms.SipForm(data, initial=initial),
        }

    def save(self, name, form):
        d = form.cleaned_data
        if name == "remove":
            sip_services.save_goal(self.actor, self.sip.pk, d["version"], "", goal_id=self.item, remove=True)
            return _("Målet är borttaget.")
        sip_services.save_goal(self.actor, self.sip.pk, d["version"], d["text"], goal_id=self.item)
        return _("Målet är sparat.")


class ActionsPart(Part):
    title = gettext_lazy("Insatser")
    section = "plans/sip/_s_actions.html"
    anchor = "h-actions"

    def forms(self, data, initial=None):
        action = self.sip.actions.filter(pk=self.item).first() if self.item else None
        initial = dict(self.version)
        if action:
            initial.update(
                description=action.description,
                goal=action.goal_id,
                responsible_unit=action.responsible_unit_id,
                responsible_staff=action.responsible_staff_id,
                due_date=action.due_date,
                status=action.status,
            )
        form = sip_forms.ActionForm(
            data,
            initial=initial,
            goals=self.sip.goals.all(),
            units=sip_selectors.unit_choices(self.actor, self.access.person, self.sip),
            staff=sip_selectors.participant_staff(self.sip),
        )
        return {"action": form}

    def save(self, name, form):
        d = form.cleaned_data
        sip_services.save_action(self.actor, self.sip.pk, d["version"], d, action_id=self.item)
        return _("Insatsen är sparad.")


class OtherMeasuresPart(Part):
    title = gettext_lazy("Åtgärder av andra än kommun och region")
    section = "plans/sip/_s_other_measures.html"
    anchor = "h-other"

    def forms(self, data, initial=None):
        return {
            "measure": sip_forms.OtherMeasureForm(data, initial=self.version),
            "remove": sip_forms.SipForm(data, initial=self.version),
        }

    def save(self, name, form):
        d = form.cleaned_data
        if name == "remove":
            sip_services.save_other_measure(self.actor, self.sip.pk, d["version"], None, remove_id=self.item)
            return _("Åtgärden är borttagen.")
        sip_services.save_other_measure(self.actor, self.sip.pk, d["version"], d)
        return _("Åtgärden är sparad.")


class ResponsibilityPart(Part):
    title = gettext_lazy("Ansvar, samordnare och nästa uppföljning")
    section = "plans/sip/_s_responsibility.html"
    anchor = "h-responsibility"

    def forms(self, data, initial=None):
        s = self.sip
        coordinators = s.participants.filter(
            removed_at__isnull=True, kind=SipParticipant.Kind.STAFF, staff__isnull=False
        ).select_related("staff", "unit")
        current = coordinators.filter(staff=s.coordinator_id, unit=s.coordinator_unit_id).first()
        initial = {
            **self.version,
            "overall_responsible_org": s.overall_responsible_org_id,
            "coordinator": current.pk if current else None,
            "next_follow_up": s.next_follow_up,
        }
        form = sip_forms.ResponsibilityForm(
            data, initial=initial, orgs=sip_selectors.participating_orgs(s), coordinators=coordinators
        )
        return {"responsibility": form}

    def save(self, name, form):
        d = dict(form.cleaned_data)
        p = d.pop("coordinator")
        d["coordinator"], d["coordinator_unit"] = p.staff, p.unit
        sip_services.save_responsibility(self.actor, self.sip.pk, d["version"], d)
        return _("Ansvar och uppföljning är sparade.")


class FollowUpPart(Part):
    title = gettext_lazy("Uppföljning och utvärdering")
    section = "plans/sip/_s_follow_ups.html"
    anchor = "h-follow-ups"

    def forms(self, data, initial=None):
        return {"follow_up": sip_forms.FollowUpForm(data, initial=self.version)}

    def save(self, name, form):
        d = form.cleaned_data
        sip_services.record_follow_up(self.actor, self.sip.pk, d["version"], d)
        return _("Uppföljningen är registrerad.")


class StatusPart(Part):
    title = gettext_lazy("Underlag, status och avslut")
    section = "plans/sip/_s_status.html"
    anchor = "h-status"

    def forms(self, data, initial=None):
        return {
            "initiative": sip_forms.InitiativeForm(
                data, initial={**self.version, "reason": self.sip.initiative_reason}
            ),
            "transition": sip_forms.TransitionForm(data, initial=self.version),
            "close": sip_forms.CloseForm(data, initial=self.version),
        }

    def save(self, name, form):
        d = form.cleaned_data
        if name == "initiative":
            sip_services.change_initiative(self.actor, self.sip.pk, d["version"], d["reason"])
            return _("Skälet till initiativet är ändrat.")
        if name == "close":
            sip_services.close_sip(self.actor, self.sip.pk, d["version"], d["reason"])
            return _("SIP:en är avslutad.")
        before = self.sip.status
        sip = sip_services.change_status(self.actor, self.sip.pk, d["version"], d["target"])
        if sip.status == SipStatus.ACTIVE:
            return _("Planen är fastställd.")
        if before == SipStatus.ACTIVE:
            return _("Planen är öppnad för revidering.")
        return _("Status är ändrad till %(status)s.") % {"status": SipStatus(sip.status).label}


PARTS = {
    "samtycke": ConsentPart,
    "deltagare": ParticipantsPart,
    "kallelse": MeetingsPart,
    "kartlaggning": MappingPart,
    "mal": GoalsPart,
    "insatser": ActionsPart,
    "andra-atgarder": OtherMeasuresPart,
    "ansvar": ResponsibilityPart,
    "uppfoljning": FollowUpPart,
    "status": StatusPart,
}


@require_http_methods(["GET", "POST"])
def sip_part(request, person_id, pk, part):
    if part not in PARTS:
        raise Http404
    actor = request.actor
    context = f"plans:sip:{part}"
    access, sip = sip_selectors.open_sip(actor, person_id, pk, context)
    handler = PARTS[part](request, access, sip)
    forms = handler.forms(None)
    posted, conflict = None, False
    if request.method == "POST":
        refusal = sip_access.write_refusal(actor, access, sip)
        if refusal:
            raise gate.AccessDenied(refusal, access.person.pk)
        name = request.POST.get("form", "")
        if name not in forms:
            raise Http404
        if handler.only_choose(request.POST):
            # "Show the staff of this unit": the form again, unbound, with the choices of the chosen unit.
            forms[name] = handler.forms(None, initial=request.POST.dict())[name]
        else:
            posted = forms[name] = handler.forms(request.POST)[name]
            if posted.is_valid():
                try:
                    message = handler.save(name, posted)
                except ConcurrentEditError as exc:
                    conflicts.keep_input(posted, sip, exc)
                except SipRefused as exc:
                    posted.add_error(None, exc.message)
                else:
                    messages.success(request, message)
                    url = reverse("plans:sip_detail", args=[person_id, pk])
                    return redirect(f"{url}#{handler.anchor}")
            # Shown again: the user's input stays; the version becomes the one saved now so that the next save is
            # checked against what the user has now seen (conflicts.keep_input does the same after a conflict).
            sip.refresh_from_db()
            posted.data = posted.data.copy()
            posted.data["version"] = sip.version
            conflict = conflicts.status(posted) == conflicts.CONFLICT
    return render(
        request,
        "plans/sip/part.html",
        {
            "person": access.person,
            "access": access,
            "sip": sip,
            "s": sip_snapshot.build(sip),
            "part": part,
            "handler": handler,
            "forms": forms,
            "posted": posted,
            "conflict": conflict,
            "item": handler.item,
            "live": True,
            "can_write": sip_access.write_refusal(actor, access, sip) is None and sip.is_open,
            "plan_editable": sip_rules.plan_editable(sip.status),
        },
        status=conflicts.CONFLICT if conflict else (400 if posted is not None else 200),
    )
