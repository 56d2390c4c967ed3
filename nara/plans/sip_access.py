"""Who may see and who may change a SIP: the one place for that rule.

Seeing: the Sip is a PersonRecord recorded by the initiating organisation, so the gate decides (own organisation
with a care relationship; another organisation only under a valid consent and without a block).

Changing: a user whose role may register person data, whose organisation takes part in the SIP (or recorded it),
and who may see the SIP through the gate. Every organisation taking part writes in the same plan; there is no
"own record" rule inside a SIP.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from nara.access import gate
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.plans.models.sip import Sip, SipParticipant


def participating_org_ids(sip: Sip) -> set[int]:
    """The organisations taking part: the recording one and those of the current staff participants."""
    orgs = set(
        SipParticipant.objects.filter(
            sip=sip, removed_at__isnull=True, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    orgs.add(sip.recorded_by_org_id)
    return orgs


def write_refusal(actor: Actor, access: gate.PersonAccess, sip: Sip) -> str | None:
    """Why the actor may not change the SIP, or None when they may. Reads nothing into the access log."""
    if not actor.can(Capability.PERSON_DATA):
        return _("Din roll får inte ändra i en SIP.")
    if actor.org_id not in participating_org_ids(sip):
        return _(
            "Din huvudman deltar inte i den här SIP:en. Be samordnaren lägga till din enhet som deltagare."
        )
    visible = gate.filter_records(actor, access, [sip], "plans:sip:write", log=False)
    if not visible.shown:
        return visible.hidden[0].reason
    return None


def require_write(actor: Actor, sip: Sip, context: str) -> gate.PersonAccess:
    """Open the person for a change of the SIP or raise AccessDenied with the reason the user is shown."""
    access = gate.require_write(actor, sip.person_id, Capability.PERSON_DATA, context)
    reason = write_refusal(actor, access, sip)
    if reason:
        raise gate.AccessDenied(reason, sip.person_id)
    return access
