"""Reads for care plans, treatment limitations and the prepared care request, all through the access gate.

The prepared care request (förberedd vårdbegäran) is composed at read time from the records the actor may see
(latest CFS, plans, limitations, contacts …) plus each organisation's PreparedCareRequest row; records the actor
may not see are reported as hidden groups (organisation and reason), never shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.plans import assessment_selectors, cfs, due
from nara.plans.models import (
    CarePlan,
    FrailtyAssessment,
    MedicalReferral,
    PatientContract,
    PreparedCareRequest,
    Sip,
    TreatmentLimitation,
)


def is_active_limitation(limitation: TreatmentLimitation, on: dt.date) -> bool:
    return limitation.revoked_at is None and (limitation.valid_until is None or limitation.valid_until >= on)


def merge_hidden(*groups_lists) -> list[gate.HiddenGroup]:
    """One hidden group per organisation and reason across several record types."""
    merged: dict = {}
    for groups in groups_lists:
        for g in groups:
            key = (g.org_name, g.reason, g.blocked)
            if key in merged:
                merged[key].count += g.count
            else:
                merged[key] = gate.HiddenGroup(g.org_name, g.reason, g.blocked, g.count)
    return list(merged.values())


def _one(actor: Actor, access: gate.PersonAccess, queryset, pk, context: str):
    """One record of the person, or AccessDenied with the gate's reason (Http404 when there is none)."""
    record = queryset.filter(pk=pk, person_id=access.person.pk).select_related("recorded_by_org").first()
    if record is None:
        raise Http404
    visible = gate.filter_records(actor, access, [record], context)
    if not visible.shown:
        raise gate.AccessDenied(visible.hidden[0].reason, access.person.pk, visible.hidden[0].blocked)
    return record


def _plans_qs(person_id):
    return CarePlan.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "recorded_by", "responsible_physician"
    )


def _limitations_qs(person_id):
    return TreatmentLimitation.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "decided_by", "revoked_by"
    )


def with_review_due(plans, today: dt.date):
    """Annotate palliative plans with the date they are to be reviewed and whether that date has passed."""
    for p in plans:
        p.review_on = (
            due.palliative_review_due(p.established_on, p.review_due)
            if p.kind == CarePlan.Kind.PALLIATIVE
            else None
        )
        p.review_overdue = bool(p.review_on and p.review_on < today and not p.ended_on)
    return plans


# --- Care plans and limitations --------------------------------------------------------------------------


def care_plans(actor: Actor, access: gate.PersonAccess, context: str) -> dict:
    today = access.now.date()
    plans = gate.filter_records(actor, access, _plans_qs(access.person.pk), context)
    limitations = gate.filter_records(actor, access, _limitations_qs(access.person.pk), context)
    with_review_due(plans.shown, today)
    return {
        "active_plans": [p for p in plans.shown if not p.ended_on],
        "ended_plans": [p for p in plans.shown if p.ended_on],
        "plans_hidden": plans.hidden,
        "active_limitations": [lim for lim in limitations.shown if is_active_limitation(lim, today)],
        "past_limitations": [lim for lim in limitations.shown if not is_active_limitation(lim, today)],
        "limitations_hidden": limitations.hidden,
    }


def care_plan(actor: Actor, access: gate.PersonAccess, pk, context: str) -> CarePlan:
    plan = _one(actor, access, _plans_qs(access.person.pk), pk, context)
    with_review_due([plan], access.now.date())
    return plan


def limitation(actor: Actor, access: gate.PersonAccess, pk, context: str) -> TreatmentLimitation:
    return _one(actor, access, _limitations_qs(access.person.pk), pk, context)


def active_limitations(
    actor: Actor, access: gate.PersonAccess, context: str, log: bool = True
) -> gate.Visible:
    """The treatment limitations in force today (for the banners); hidden groups count only those in force."""
    today = access.now.date()
    qs = (
        _limitations_qs(access.person.pk)
        .filter(revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )
    return gate.filter_records(actor, access, qs, context, log=log)


# --- CFS -------------------------------------------------------------------------------------------------


def cfs_hidden(actor: Actor, access: gate.PersonAccess) -> list[gate.HiddenGroup]:
    """Which organisations' CFS ratings the actor may not see (nothing shown, so nothing logged)."""
    qs = FrailtyAssessment.objects.filter(person_id=access.person.pk).select_related("recorded_by_org")
    return gate.filter_records(actor, access, qs, "", log=False).hidden


# --- Prepared care request -------------------------------------------------------------------------------


@dataclass
class RecentChange:
    on: dt.date
    what: str
    detail: str
    org_name: str


@dataclass
class CareRequest:
    access: gate.PersonAccess
    limitations: list
    limitations_hidden: (
        list  # treatment limitations in force that the reader may not see (organisation, reason)
    )
    cfs: dict | None
    plans: list
    diagnoses: list  # (source, text)
    parts: list  # PreparedCareRequest rows shown
    own_part: PreparedCareRequest | None
    fixed_contacts: list
    relatives: list
    care_team: list
    referrals: list
    recent: list[RecentChange]
    included_orgs: list[str]
    hidden: list = field(default_factory=list)
    since: dt.date | None = None

    @property
    def person(self):
        return self.access.person


def _current(rows, today):
    return [r for r in rows if r.valid_from <= today and (r.valid_to is None or r.valid_to >= today)]


def care_request(actor: Actor, person_id, context: str, action: str = Action.READ) -> CareRequest:
    """Everything on the prepared care request, from the records the actor may see; logs every record shown
    (with `action=Action.PRINT` also one print row per record printed)."""
    from nara.people import selectors as people_selectors

    access = gate.open_person(actor, person_id, context)
    person = access.person
    today = access.now.date()
    since = today - dt.timedelta(days=settings.NARA_RECENT_CHANGES_DAYS)

    limitations = gate.filter_records(actor, access, _limitations_qs(person.pk), context)
    plans = gate.filter_records(actor, access, _plans_qs(person.pk), context)
    with_review_due(plans.shown, today)
    parts = gate.filter_records(
        actor,
        access,
        PreparedCareRequest.objects.filter(person=person).select_related(
            "recorded_by_org", "recorded_by_unit", "recorded_by"
        ),
        context,
    )
    referrals = gate.filter_records(
        actor,
        access,
        MedicalReferral.objects.filter(person=person).select_related(
            "recorded_by_org", "recorded_by_unit", "recorded_by"
        )[:5],
        context,
    )
    recent_cfs = gate.filter_records(
        actor,
        access,
        FrailtyAssessment.objects.filter(person=person, rated_on__gte=since).select_related(
            "recorded_by_org"
        ),
        context,
    )
    recent_contracts = gate.filter_records(
        actor,
        access,
        PatientContract.objects.filter(person=person, updated_at__date__gte=since).select_related(
            "recorded_by_org"
        ),
        context,
    )
    recent_sips = gate.filter_records(
        actor,
        access,
        Sip.objects.filter(person=person, updated_at__date__gte=since).select_related("recorded_by_org"),
        context,
    )
    latest = assessment_selectors.latest_cfs(actor, access, context)
    fixed = people_selectors.records(actor, access, "fixed_contacts", context)
    relatives = people_selectors.records(actor, access, "relatives", context)
    team = people_selectors.records(actor, access, "care_team", context)

    active_plans = [p for p in plans.shown if not p.ended_on]
    diagnoses = [
        (p.recorded_by_org.name, p.get_kind_display(), p.diagnoses) for p in active_plans if p.diagnoses
    ]
    diagnoses += [
        (x.recorded_by_org.name, _("Förberedd vårdbegäran"), x.diagnoses) for x in parts.shown if x.diagnoses
    ]

    recent: list[RecentChange] = []
    for r in recent_cfs.shown:
        recent.append(
            RecentChange(
                r.rated_on, _("CFS-bedömning"), f"{r.score} – {cfs.label(r.score)}", r.recorded_by_org.name
            )
        )
    for p in plans.shown:
        if p.updated_at.date() >= since:
            state = _("avslutad") if p.ended_on else _("ny eller ändrad")
            recent.append(
                RecentChange(p.updated_at.date(), p.get_kind_display(), state, p.recorded_by_org.name)
            )
    for lim in limitations.shown:
        if lim.updated_at.date() >= since:
            state = _("upphävd") if lim.revoked_at else _("beslutad eller ändrad")
            recent.append(
                RecentChange(
                    lim.updated_at.date(),
                    _("Behandlingsbegränsning"),
                    f"{lim.get_kind_display()} ({state})",
                    lim.recorded_by_org.name,
                )
            )
    for c in recent_contracts.shown:
        recent.append(
            RecentChange(
                c.updated_at.date(), _("Patientkontrakt"), _("nytt eller ändrat"), c.recorded_by_org.name
            )
        )
    for s in recent_sips.shown:
        recent.append(
            RecentChange(s.updated_at.date(), _("SIP"), s.get_status_display(), s.recorded_by_org.name)
        )
    for x in parts.shown:
        if x.updated_at.date() >= since:
            recent.append(
                RecentChange(
                    x.updated_at.date(), _("Förberedd vårdbegäran"), _("uppdaterad"), x.recorded_by_org.name
                )
            )
    for m in referrals.shown:
        if m.sent_at.date() >= since:
            recent.append(
                RecentChange(m.sent_at.date(), _("Remiss till akuten"), m.reason[:80], m.recorded_by_org.name)
            )
    recent.sort(key=lambda c: c.on, reverse=True)

    shown_sets = [
        limitations.shown,
        plans.shown,
        parts.shown,
        referrals.shown,
        recent_cfs.shown,
        recent_contracts.shown,
        recent_sips.shown,
        fixed.shown,
        relatives.shown,
        team.shown,
    ]
    included = {r.recorded_by_org.name for rows in shown_sets for r in rows}
    hidden = merge_hidden(
        limitations.hidden,
        plans.hidden,
        parts.hidden,
        referrals.hidden,
        recent_cfs.hidden,
        recent_contracts.hidden,
        recent_sips.hidden,
        fixed.hidden,
        relatives.hidden,
        team.hidden,
        cfs_hidden(actor, access),
    )
    if action == Action.PRINT:
        printed = [r for rows in (limitations.shown, active_plans, parts.shown) for r in rows]
        # Each record with its own basis (another organisation's through the consent), as when it was read.
        entries = [
            (person.pk, r._meta.label_lower, r.pk, access.decide(actor, r.recorded_by_org_id).basis) for r in printed
        ]
        entries.append((person.pk, "people.person", person.pk, access.basis))
        audit.record_many(actor, entries, Action.PRINT, context)
    return CareRequest(
        access=access,
        limitations=[lim for lim in limitations.shown if is_active_limitation(lim, today)],
        limitations_hidden=active_limitations(actor, access, context, log=False).hidden,
        cfs=latest,
        plans=active_plans,
        diagnoses=diagnoses,
        parts=parts.shown,
        own_part=next((x for x in parts.shown if x.recorded_by_org_id == actor.org_id), None),
        fixed_contacts=_current(fixed.shown, today),
        relatives=relatives.shown,
        care_team=_current(team.shown, today),
        referrals=referrals.shown,
        recent=recent,
        included_orgs=sorted(included),
        hidden=hidden,
        since=since,
    )


def own_care_request_part(
    actor: Actor, access: gate.PersonAccess, context: str
) -> PreparedCareRequest | None:
    """The actor's organisation's part (the only one the actor may change), read through the gate (logged)."""
    part = (
        PreparedCareRequest.objects.filter(person_id=access.person.pk, recorded_by_org_id=actor.org_id)
        .select_related("recorded_by_org")
        .first()
    )
    if part is None:
        return None
    visible = gate.filter_records(actor, access, [part], context)
    return part if visible.shown else None


def referral(actor: Actor, access: gate.PersonAccess, pk, context: str) -> MedicalReferral:
    qs = MedicalReferral.objects.select_related("recorded_by_unit", "recorded_by")
    return _one(actor, access, qs, pk, context)


def log_print(actor: Actor, access: gate.PersonAccess, records, context: str) -> None:
    """One print row per record, each with its own basis (gate.log_records)."""
    gate.log_records(actor, access, records, context, Action.PRINT)
