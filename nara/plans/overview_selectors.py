"""The "Planer" part of the person overview: active plans, next follow-ups, latest CFS with trend, open SIP
actions per organisation, treatment limitations and who to call. Everything through the access gate (logged).

A fixed number of queries per page, whatever the number of plans.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.directory.actor import Actor
from nara.directory.models import Unit
from nara.people.models import CareTeamMember, FixedContact
from nara.plans import assessment_selectors, careplan_selectors, contract_selectors
from nara.plans.models import CarePlan, Sip, SipAction, SipMeeting, SipStatus


@dataclass
class FollowUp:
    on: dt.date
    what: str
    overdue: bool
    url_name: str = ""
    pk: int | None = None


@dataclass
class Contact:
    role: str
    name: str
    phone: str


OPEN_ACTION = [SipAction.Status.PLANNED, SipAction.Status.ONGOING]


def open_sips(actor: Actor, access: gate.PersonAccess, context: str) -> gate.Visible:
    qs = (
        Sip.objects.filter(person_id=access.person.pk)
        .exclude(status=SipStatus.CLOSED)
        .select_related("recorded_by_org", "coordinator", "coordinator_unit", "overall_responsible_org")
    )
    return gate.filter_records(actor, access, qs, context)


def who_to_call(
    actor: Actor, access: gate.PersonAccess, sips, context: str, log: bool = True
) -> tuple[list, list]:
    """Fixed contacts with phone, the coordinator of an active SIP, the home health care unit of the care team,
    then the out-of-hours numbers. Returns (contacts, hidden groups)."""
    today = access.now.date()
    fixed = gate.filter_records(
        actor,
        access,
        FixedContact.objects.current(today)
        .filter(person_id=access.person.pk)
        .select_related("recorded_by_org", "staff", "unit"),
        context,
        log=log,
    )
    team = gate.filter_records(
        actor,
        access,
        CareTeamMember.objects.current(today)
        .filter(person_id=access.person.pk, unit__kind=Unit.Kind.HOME_HEALTH)
        .select_related("recorded_by_org", "unit", "staff"),
        context,
        log=log,
    )
    contacts = [
        Contact(c.get_kind_display(), f"{c.staff.get_full_name()}, {c.unit.name}", c.unit.phone)
        for c in fixed.shown
    ]
    for s in sips:
        if s.coordinator_id and s.status == SipStatus.ACTIVE:
            unit = s.coordinator_unit
            contacts.append(
                Contact(
                    _("Samordnare för SIP"),
                    f"{s.coordinator.get_full_name()}" + (f", {unit.name}" if unit else ""),
                    unit.phone if unit else "",
                )
            )
    seen = set()
    for t in team.shown:
        if t.unit_id not in seen:
            seen.add(t.unit_id)
            contacts.append(Contact(_("Hemsjukvård"), t.unit.name, t.unit.phone))
    return contacts, careplan_selectors.merge_hidden(fixed.hidden, team.hidden)


def for_person(actor: Actor, access: gate.PersonAccess, context: str, contacts_logged: bool = False) -> dict:
    """The plans panel of the person overview. `contacts_logged`: the caller already logged the reads of the
    person's fixed contacts and care team (the people overview shows them too), so they are not logged twice."""
    today = access.now.date()
    limitations = careplan_selectors.active_limitations(actor, access, context)
    sips = open_sips(actor, access, context)
    plans = gate.filter_records(
        actor,
        access,
        CarePlan.objects.filter(person_id=access.person.pk, ended_on__isnull=True).select_related(
            "recorded_by_org", "recorded_by_unit", "responsible_physician"
        ),
        context,
    )
    careplan_selectors.with_review_due(plans.shown, today)
    contracts = contract_selectors.active_contracts(actor, access, context)
    cfs = assessment_selectors.latest_cfs(actor, access, context)

    # Open actions of the SIPs shown (their visibility is the SIP's), grouped by responsible organisation.
    actions = (
        SipAction.objects.filter(sip__in=[s.pk for s in sips.shown], status__in=OPEN_ACTION)
        .select_related("responsible_org", "responsible_unit", "responsible_staff")
        .order_by("responsible_org__name", "due_date", "pk")
    )
    by_org: dict = defaultdict(list)
    for a in actions:
        a.overdue = bool(a.due_date and a.due_date < today)
        by_org[a.responsible_org.name].append(a)

    follow_ups: list[FollowUp] = []
    for s in sips.shown:
        if s.next_follow_up:
            follow_ups.append(
                FollowUp(
                    s.next_follow_up,
                    _("Uppföljning av SIP"),
                    s.next_follow_up < today,
                    "plans:sip_detail",
                    s.pk,
                )
            )
    meetings = SipMeeting.objects.filter(
        sip__in=[s.pk for s in sips.shown], cancelled_at__isnull=True, starts_at__gte=access.now
    )
    for m in meetings:
        follow_ups.append(
            FollowUp(
                timezone.localtime(m.starts_at).date(),
                _("%(meeting)s kl. %(time)s") % {
                    "meeting": m.get_kind_display(),
                    "time": timezone.localtime(m.starts_at).strftime("%H:%M"),
                },
                False,
                "plans:sip_detail",
                m.sip_id,
            )
        )
    for c in contracts.shown:
        if c.next_contact:
            follow_ups.append(
                FollowUp(c.next_contact, _("Kontakt enligt patientkontrakt"), c.next_contact < today)
            )
    for p in plans.shown:
        if p.review_on:
            follow_ups.append(FollowUp(p.review_on, _("Översyn av palliativ vårdplan"), p.review_overdue))
    if cfs and cfs.get("due_on"):
        follow_ups.append(FollowUp(cfs["due_on"], _("Ny CFS-bedömning"), bool(cfs.get("overdue"))))
    follow_ups.sort(key=lambda f: f.on)

    contacts, _contacts_hidden = who_to_call(actor, access, sips.shown, context, log=not contacts_logged)
    return {
        "limitations": limitations.shown,
        "limitations_hidden": limitations.hidden,
        "sips": sips.shown,
        "care_plans": plans.shown,
        "contracts": contracts.shown,
        "cfs": cfs,
        "actions_by_org": sorted(by_org.items()),
        "follow_ups": follow_ups[:6],
        "contacts": contacts,
        # The care team's hidden entries are already reported in the overview's own care-team panel.
        "hidden": careplan_selectors.merge_hidden(sips.hidden, plans.hidden, contracts.hidden),
    }
