"""A SIP as plain JSON: what each SipVersion stores, what the SIP page and an earlier version are rendered from.

Names are stored as text (not only ids) so an earlier version reads as it did then, even after people change
units or names. Dates are ISO strings ("2026-11-22"), times local ("2026-11-22 14:00").
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from nara.plans.models.sip import Sip, SipStatus

# Order of the sections in a snapshot (their Swedish names: section_labels).
SECTIONS = (
    "status",
    "initiative",
    "consent",
    "participants",
    "meetings",
    "mapping",
    "goals",
    "actions",
    "other_measures",
    "responsibility",
    "follow_ups",
    "closed",
)


def section_labels() -> dict[str, str]:
    return {
        "status": _("Status"),
        "initiative": _("Initiativ"),
        "consent": _("Samtycke"),
        "participants": _("Deltagare"),
        "meetings": _("Kallelser och möten"),
        "mapping": _("Kartläggning"),
        "goals": _("Personens mål"),
        "actions": _("Insatser"),
        "other_measures": _("Åtgärder av andra"),
        "responsibility": _("Ansvar och uppföljning"),
        "follow_ups": _("Uppföljningar och utvärderingar"),
        "closed": _("Avslut"),
    }


def _d(value) -> str:
    return value.isoformat() if value else ""


def _t(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _str(obj) -> str:
    return str(obj) if obj else ""


def participant_name(p) -> str:
    if p.staff_id:
        return _name(p.staff)
    if p.relative_id and not p.name:
        return p.relative.name
    return p.name or _str(p.unit)


def participant_phone(p) -> str:
    if p.phone:
        return p.phone
    if p.relative_id and p.relative.phone:
        return p.relative.phone
    return p.unit.phone if p.unit_id else ""


def build(sip: Sip) -> dict:
    """The whole SIP as JSON-ready data."""
    participants = list(sip.participants.select_related("organisation", "unit", "staff", "relative"))
    by_id = {p.pk: p for p in participants}
    meetings = []
    for m in sip.meetings.select_related("invited_by").prefetch_related("responses"):
        responses = []
        for r in sorted(m.responses.all(), key=lambda r: r.participant_id):
            p = by_id.get(r.participant_id)
            responses.append(
                {
                    "id": r.pk,
                    "participant_id": r.participant_id,
                    "participant": participant_name(p) if p else "",
                    "staff_id": p.staff_id if p else None,
                    "kind": p.kind if p else "",
                    "answer": r.answer,
                    "answer_label": str(r.get_answer_display()),
                    "answered_at": _t(r.answered_at),
                }
            )
        meetings.append(
            {
                "id": m.pk,
                "kind": m.kind,
                "kind_label": str(m.get_kind_display()),
                "starts_at": _t(m.starts_at),
                "place": m.place,
                "video_link": m.video_link,
                "message": m.message,
                "invited_at": _t(m.invited_at),
                "invited_by": _name(m.invited_by),
                "cancelled": bool(m.cancelled_at),
                "responses": responses,
            }
        )
    goals = list(sip.goals.all())
    goal_text = {g.pk: g.text for g in goals}
    return {
        "version": sip.version,
        "status": sip.status,
        "status_label": str(SipStatus(sip.status).label),
        "initiative": {
            "reason": sip.initiative_reason,
            "org": _str(sip.recorded_by_org),
            "unit": _str(sip.recorded_by_unit),
            "by": _name(sip.recorded_by),
            "at": _t(sip.created_at),
        },
        "consent": {
            "given_at": _t(sip.consent_given_at),
            "method": sip.consent_method,
            "method_label": str(sip.get_consent_method_display()) if sip.consent_method else "",
            "given_by": sip.consent_given_by,
            "relatives_take_part": sip.relatives_take_part,
            "relatives_note": sip.relatives_note,
            "consents": [
                {
                    "id": c.pk,
                    "receiving_org": _str(c.receiving_org),
                    "sources": ", ".join(o.name for o in c.source_orgs.all()),
                    "withdrawn_at": _t(c.withdrawn_at),
                }
                for c in sip.consents.select_related("receiving_org")
                .prefetch_related("source_orgs")
                .order_by("pk")
            ],
        },
        "participants": [
            {
                "id": p.pk,
                "kind": p.kind,
                "kind_label": str(p.get_kind_display()),
                "name": participant_name(p),
                "organisation": _str(p.organisation),
                "unit": _str(p.unit),
                "role": p.role,
                "phone": participant_phone(p),
                "staff_id": p.staff_id,
                "removed": bool(p.removed_at),
            }
            for p in participants
        ],
        "meetings": meetings,
        "mapping": {"what_matters": sip.what_matters, "situation": sip.situation, "needs": sip.needs},
        "goals": [{"id": g.pk, "text": g.text} for g in goals],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "goal": goal_text.get(a.goal_id, ""),
                "org": _str(a.responsible_org),
                "unit": _str(a.responsible_unit),
                "unit_phone": a.responsible_unit.phone if a.responsible_unit_id else "",
                "staff": _name(a.responsible_staff),
                "due_date": _d(a.due_date),
                "status": a.status,
                "status_label": str(a.get_status_display()),
            }
            for a in sip.actions.select_related("responsible_org", "responsible_unit", "responsible_staff")
        ],
        "other_measures": [
            {
                "id": m.pk,
                "by_label": str(m.get_by_display()),
                "by_name": m.by_name,
                "description": m.description,
            }
            for m in sip.other_measures.all()
        ],
        "responsibility": {
            "overall_responsible_org": _str(sip.overall_responsible_org),
            "coordinator": _name(sip.coordinator),
            "coordinator_unit": _str(sip.coordinator_unit),
            "coordinator_phone": sip.coordinator_unit.phone if sip.coordinator_unit_id else "",
            "next_follow_up": _d(sip.next_follow_up),
            "plan_agreed_at": _t(sip.plan_agreed_at),
        },
        "follow_ups": [
            {
                "id": f.pk,
                "kind_label": str(f.get_kind_display()),
                "held_on": _d(f.held_on),
                "notes": f.notes,
                "goals_outcome": f.goals_outcome,
                "person_view": f.person_view,
                "next_follow_up": _d(f.next_follow_up),
                "by": _name(f.recorded_by),
                "unit": _str(f.recorded_by_unit),
            }
            for f in sip.follow_ups.select_related("recorded_by", "recorded_by_unit")
        ],
        "closed": {"at": _t(sip.closed_at), "reason": sip.closed_reason, "by": _name(sip.closed_by)},
    }


def changed_sections(before: dict | None, after: dict) -> list[str]:
    """The Swedish names of the parts that differ between two snapshots (all parts for the first version)."""
    labels = section_labels()
    if before is None:
        return [labels[k] for k in SECTIONS if after.get(k)]
    return [labels[k] for k in SECTIONS if before.get(k) != after.get(k)]


def list_changes(before: dict | None, after: dict) -> list[dict]:
    """Per changed part, the items added and removed (by their text), for the version page."""
    out = []
    labels = section_labels()
    for key in SECTIONS:
        old, new = (before or {}).get(key), after.get(key)
        if old == new:
            continue
        entry = {"label": labels[key], "added": [], "removed": [], "changed": []}
        if isinstance(new, list):
            old_items = {i.get("id"): i for i in (old or [])}
            new_items = {i.get("id"): i for i in new}
            for pk, item in new_items.items():
                if pk not in old_items:
                    entry["added"].append(_item_text(item))
                elif old_items[pk] != item:
                    entry["changed"].append(_item_text(item))
            entry["removed"] = [_item_text(i) for pk, i in old_items.items() if pk not in new_items]
        out.append(entry)
    return out


def _item_text(item: dict) -> str:
    for key in ("text", "description", "name", "notes", "starts_at"):
        if item.get(key):
            return str(item[key])[:120]
    return ""
