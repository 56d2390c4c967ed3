"""Writing the access log. Every read or write of personal data calls `record` or `record_many`."""
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action, SpotCheck
from nara.directory.actor import Actor

FROM_RECORD = object()  # `data_org` not given: the recording organisation of the record (see `data_orgs`)


def _row(actor: Actor, person_id, action: str, record_type: str, record_id, basis: str, context: str, now,
         data_org=None):
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
        data_org_id=data_org,
    )


def _records_org_field(record_type: str):
    """The model of a record type ("people.relative") if its rows name the organisation that recorded them."""
    try:
        model = apps.get_model(record_type)
    except (LookupError, ValueError):
        return None
    names = {f.name for f in model._meta.concrete_fields}
    return model if "recorded_by_org" in names else None


def data_orgs(records: Iterable[tuple]) -> dict:
    """{(record_type, record_id as text): organisation id} of the records' recording organisations: whose data a
    row is about. One query per record type whose model has `recorded_by_org` (persons, the log and other rows
    without one are the shared register: no organisation). A record no longer there (removed) gives none."""
    by_type: dict = defaultdict(set)
    for record_type, record_id in records:
        if record_id not in (None, ""):
            by_type[record_type].add(str(record_id))
    found = {}
    for record_type, ids in by_type.items():
        model = _records_org_field(record_type)
        if model is None:
            continue
        try:
            pairs = list(model._base_manager.filter(pk__in=ids).values_list("pk", "recorded_by_org_id"))
        except (ValueError, TypeError, ValidationError):
            continue  # an id that is no id of this model: the row is written without data organisation
        found.update({(record_type, str(pk)): org for pk, org in pairs})
    return found


def record(actor: Actor, person_id, action: str, record_type: str, record_id=None, basis: str = "",
           context: str = "", data_org=FROM_RECORD) -> None:
    if data_org is FROM_RECORD:
        data_org = data_orgs([(record_type, record_id)]).get((record_type, str(record_id)))
    _row(actor, person_id, action, record_type, record_id, basis, context, timezone.now(), data_org).save()


def record_denied(actor: Actor, person_id, reason: str, context: str, record_type: str = "", record_id=None) -> None:
    """A refused attempt: who (user, unit), which person (None when none existing was named), what (the record
    if the refusal named one; `context` says the request) and the reason the user was shown. Never a
    personnummer: the reason is the gate's text and the caller redacts the context. The record's organisation
    sees it too (an attempt at its record)."""
    data_org = data_orgs([(record_type, record_id)]).get((record_type, str(record_id))) if record_type else None
    row = _row(actor, person_id, Action.DENIED, record_type, record_id, "", context, timezone.now(), data_org)
    row.reason = (reason or "")[:300]
    row.save()


def record_many(actor: Actor, entries: Iterable[tuple], action: str, context: str = "") -> int:
    """entries: (person_id, record_type, record_id, basis) or, to name the data organisation instead of taking it
    from the record, (person_id, record_type, record_id, basis, data_org). One INSERT for a whole list page."""
    now = timezone.now()
    entries = [tuple(e) if len(e) == 5 else (*e, FROM_RECORD) for e in entries]
    orgs = data_orgs([(t, i) for _p, t, i, _b, o in entries if o is FROM_RECORD])
    rows = [
        _row(actor, p, action, t, i, b, context, now, orgs.get((t, str(i))) if o is FROM_RECORD else o)
        for p, t, i, b, o in entries
    ]
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
