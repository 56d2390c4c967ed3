"""Writing the access log. Every read or write of personal data calls `record` or `record_many`."""
from collections.abc import Iterable

from django.utils import timezone

from nara.access.policy import Actor
from nara.audit.models import AccessLogEntry


def _row(actor: Actor, person_id, action: str, record_type: str, record_id, basis: str, context: str, now):
    return AccessLogEntry(
        logged_at=now,
        user_id=actor.user_id,
        user_name=actor.display_name or actor.username,
        unit_id=actor.unit_id,
        unit_name=actor.unit_name,
        org_name=actor.org_name,
        person_id=person_id,
        action=action,
        record_type=record_type,
        record_id="" if record_id is None else str(record_id),
        basis=str(basis),
        context=context[:100],
    )


def record(actor: Actor, person_id, action: str, record_type: str, record_id=None, basis: str = "",
           context: str = "") -> None:
    _row(actor, person_id, action, record_type, record_id, basis, context, timezone.now()).save()


def record_many(actor: Actor, entries: Iterable[tuple], action: str, context: str = "") -> int:
    """entries: (person_id, record_type, record_id, basis). One INSERT for a whole list page."""
    now = timezone.now()
    rows = [_row(actor, p, action, t, i, b, context, now) for p, t, i, b in entries]
    AccessLogEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)
