"""Writing the access log. Every read or write of personal data calls `record` or `record_many`."""
import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action, SpotCheck
from nara.directory.actor import Actor


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


def record_denied(actor: Actor, person_id, reason: str, context: str, record_type: str = "", record_id=None) -> None:
    """A refused attempt: who (user, unit), which person (None when none existing was named), what (the record
    if the refusal named one; `context` says the request) and the reason the user was shown. Never a
    personnummer: the reason is the gate's text and the caller redacts the context."""
    row = _row(actor, person_id, Action.DENIED, record_type, record_id, "", context, timezone.now())
    row.reason = (reason or "")[:300]
    row.save()


def record_many(actor: Actor, entries: Iterable[tuple], action: str, context: str = "") -> int:
    """entries: (person_id, record_type, record_id, basis). One INSERT for a whole list page."""
    now = timezone.now()
    rows = [_row(actor, p, action, t, i, b, context, now) for p, t, i, b in entries]
    AccessLogEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


# --- Retention purge -------------------------------------------------------------------------------------

LEGAL_MIN_RETENTION_YEARS = 5  # HSLF-FS 2016:40; also hard-coded in the database triggers (migration 0003)


class RetentionError(ValueError):
    """The configured retention is shorter than the law allows; the message is shown to the operator."""


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February -> 28 February: the earlier day, so never too young
        return moment.replace(year=moment.year - years, day=28)


def retention_cutoff(years: int | None = None, now: dt.datetime | None = None) -> dt.datetime:
    """Rows logged before this moment may be purged. Refuses any retention below the legal minimum."""
    years = settings.NARA_AUDIT_RETENTION_YEARS if years is None else years
    minimum = max(LEGAL_MIN_RETENTION_YEARS, settings.NARA_AUDIT_MIN_RETENTION_YEARS)
    if years < minimum:
        raise RetentionError(
            _("Lagringstiden för åtkomstloggen är satt till %(years)s år, men loggen ska sparas i minst "
              "%(minimum)s år (HSLF-FS 2016:40). Ändra NARA_AUDIT_RETENTION_YEARS. Inga loggposter togs bort.")
            % {"years": years, "minimum": minimum}
        )
    return _years_before(now or timezone.now(), years)


def purge_expired(years: int | None = None, dry_run: bool = False, batch_size: int = 500) -> tuple[int, dt.datetime]:
    """Delete rows older than the retention; returns (rows removed or, with dry_run, rows due, cutoff).

    One transaction: either the whole purge happens or none of it. Batches keep each DELETE's id list small.
    """
    cutoff = retention_cutoff(years)
    due = AccessLogEntry.objects.filter(logged_at__lt=cutoff)
    if dry_run:
        return due.count(), cutoff
    removed = 0
    with transaction.atomic():
        while ids := list(due.order_by("pk").values_list("pk", flat=True)[:batch_size]):
            removed += AccessLogEntry.objects.filter(pk__in=ids)._purge_delete()
    return removed, cutoff


# --- Logging the log review itself ----------------------------------------------------------------------

def record_log_review(actor: Actor, person_ids: Iterable, action: str = Action.READ, context: str = "") -> int:
    """One row per distinct person shown by the log review or extract: reading the log reads personal data."""
    unique = list(dict.fromkeys(pid for pid in person_ids if pid is not None))
    return record_many(
        actor, [(pid, "audit.accesslogentry", None, Basis.LOG_REVIEW) for pid in unique], action, context
    )


def record_spot_check(actor: Actor, data: dict, filters, description: str, rows: int) -> SpotCheck:
    """Document a spot check; the selection is described by the server, not taken from the browser."""
    return SpotCheck.objects.create(
        reviewer_id=actor.user_id, reviewer_unit_id=actor.unit_id, filter_description=description,
        rows_examined=rows, outcome=data["outcome"], comment=data["comment"], person_id=filters.person_id,
    )
