"""The SIP workflow as plain rules: allowed status transitions and what each step needs first.

One place for the rule (reference/rules.md §2): the person must consent before the SIP is drawn up, and a plan
is only fixed when it says which insatser are needed, who is responsible for each, which organisation holds the
overall responsibility, who coordinates and when it is followed up.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from nara.plans.models.sip import SipStatus

S = SipStatus
TRANSITIONS: dict[str, set[str]] = {
    S.INITIATED: {S.INVITED, S.CLOSED},
    S.INVITED: {S.MAPPING, S.CLOSED},
    S.MAPPING: {S.ACTIVE, S.CLOSED},
    S.ACTIVE: {S.MAPPING, S.CLOSED},  # back to mapping when a follow-up shows the plan must be revised
    S.CLOSED: set(),
}


# While the plan is being drawn up its mapping, goals, actions, other measures and responsibility may be changed;
# once fixed (active) only through "Revidera planen" (back to mapping), and never when closed.
PLAN_EDITABLE = frozenset({S.INITIATED, S.INVITED, S.MAPPING})


def plan_editable(status: str) -> bool:
    """May the plan's content be changed in this status (the one rule for the pages and the services)."""
    return status in PLAN_EDITABLE


def allowed_next(status: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS[status]]


def missing_for(sip, target: str) -> list[str]:
    """What the SIP lacks before it may move to `target` (empty when it may); each item a Swedish sentence."""
    missing = []
    if target == S.CLOSED:
        return missing
    if sip.consent_given_at is None:
        missing.append(_("Personens samtycke till SIP är inte registrerat."))
    if target == S.INVITED and not sip.meetings.filter(cancelled_at__isnull=True).exists():
        missing.append(_("Ingen kallelse till SIP-möte är skickad."))
    if target == S.ACTIVE:
        if not sip.goals.exists():
            missing.append(_("Planen saknar personens egna mål."))
        if not sip.actions.exclude(status="cancelled").exists():
            missing.append(_("Planen saknar insatser."))
        if sip.overall_responsible_org_id is None:
            missing.append(_("Huvudman med övergripande ansvar är inte angiven."))
        if sip.coordinator_id is None:
            missing.append(_("Samordnare är inte angiven."))
        if sip.next_follow_up is None:
            missing.append(_("Datum för nästa uppföljning saknas."))
        meeting = meeting_refusal(sip)
        if meeting:
            missing.append(meeting)
    return missing


def meeting_refusal(sip, now=None) -> str | None:
    """The parties fix the plan together at the SIP meeting, so not before a meeting has been held (called, not
    cancelled, and its time passed); one party alone cannot agree it beforehand."""
    now = now or timezone.now()
    meetings = sip.meetings.filter(cancelled_at__isnull=True)
    if meetings.filter(starts_at__lte=now).exists():
        return None
    coming = meetings.order_by("starts_at").first()
    if coming is None:
        return _("Planen fastställs på SIP-mötet, och inget SIP-möte har hållits. Kalla till ett möte först.")
    return _("Planen fastställs på SIP-mötet tillsammans med de andra deltagarna: mötet %(when)s har inte "
             "hållits än.") % {"when": timezone.localtime(coming.starts_at).strftime("%Y-%m-%d %H:%M")}


def due_date_refusal(due, before=None, today=None) -> str | None:
    """An insats' "klart senast" is today or later when it is set or changed; an insats that is overdue keeps its
    date when something else about it changes (its status, say)."""
    today = today or timezone.localdate()
    if due is None or due >= today or due == before:
        return None
    return _("Datumet har redan passerat. Ange dagens datum eller ett senare.")


def transition_refusal(sip, target: str) -> str | None:
    """Why the transition is refused, or None when it is allowed."""
    if target not in TRANSITIONS.get(sip.status, set()):
        return _("Det går inte att gå från %(from)s till %(to)s.") % {
            "from": S(sip.status).label,
            "to": S(target).label if target in S.values else target,
        }
    missing = missing_for(sip, target)
    return " ".join(missing) if missing else None
