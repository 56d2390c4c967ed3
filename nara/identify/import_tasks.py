"""Extracts uploaded on the web page: store the file, create the batch the page follows, and run the import as a
background task — the same `import_extract` as `nara import` — that saves its progress to that batch.

The stored file has a random name under var/uploads/ (the user's file name is kept in ImportBatch.file_name
only, so it never reaches a path, a log line or a DuckDB error). It is deleted when the task ends, whatever the
outcome: the error report is what the user needs afterwards, and a whole population's personnummer should not
lie about on disk; the source system can always produce the file again.

The page follows the batch row created here; `import_extract` fills in that same row.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from nara.access import gate
from nara.core.personnummer import redact
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.directory.roles import Capability
from nara.identify.importing import sources
from nara.identify.models import ImportBatch
from nara.identify.services import default_report_path, import_extract

logger = logging.getLogger(__name__)

QUEUED = ImportBatch.QUEUED_STAGE
PROGRESS_INTERVAL = 0.5  # seconds between progress writes within a stage


def uploads_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def may_import(actor: Actor | None) -> bool:
    """Analysts and managers of a region: the lake holds the region's whole population (docs/decisions.md)."""
    return bool(actor and actor.can(Capability.IMPORT)
                and Organisation.objects.filter(pk=actor.org_id, kind=Organisation.Kind.REGION).exists())


def require_import(actor: Actor | None) -> None:
    if not may_import(actor):
        raise gate.AccessDenied(_("Din roll får inte läsa in uttag till analyslagret."))


def start_upload(actor: Actor, kind: str, uploaded_file, *, accept_valid_rows: bool) -> ImportBatch:
    """Store the uploaded file, create the running batch and enqueue the import. The caller has validated the
    file's suffix (upload_forms.UploadForm)."""
    require_import(actor)
    suffix = Path(uploaded_file.name).suffix.lower()
    stored = f"upload-{secrets.token_hex(16)}{suffix}"
    directory = uploads_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / stored
    digest = hashlib.sha256()
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in uploaded_file.chunks(1 << 22):
            out.write(chunk)
            digest.update(chunk)
    now = timezone.now()
    batch = ImportBatch.objects.create(
        kind=kind, file_name=redact(Path(uploaded_file.name).name)[:255], file_sha256=digest.hexdigest(),
        file_format=sources.SUFFIXES[suffix], started_by_id=actor.user_id, organisation_id=actor.org_id,
        upload_name=stored, stage=QUEUED, progress_at=now,
    )
    try:
        import_upload.enqueue(batch.pk, accept_valid_rows)
    except Exception:
        logger.exception("could not enqueue import %s", batch.pk)
        path.unlink(missing_ok=True)
        _finish(batch, ImportBatch.Status.FAILED, _("Importen kunde inte köas. Försök igen eller kontakta den som "
                                                     "sköter systemet."))
    return batch


class ProgressRecorder:
    """import_extract's progress callback: saves stage and rows to the batch row, at most every `interval`
    seconds within a stage (a stage's start and end are always saved)."""

    def __init__(self, batch_id: int, interval: float = PROGRESS_INTERVAL, clock=time.monotonic):
        self.batch_id = batch_id
        self.interval = interval
        self.clock = clock
        self.stage: str | None = None
        self.saved_at = float("-inf")

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = self.clock()
        new_stage = stage != self.stage
        if not new_stage and done != total and now - self.saved_at < self.interval:
            return
        fields = {"stage": stage, "rows_done": done, "rows_total": total, "progress_at": timezone.now()}
        if new_stage:
            fields["stage_started_at"] = fields["progress_at"]
            self.stage = stage
        ImportBatch.objects.filter(pk=self.batch_id).update(**fields)
        self.saved_at = now


@task()
def import_upload(batch_id: int, accept_valid_rows: bool = False) -> dict:
    """Import the uploaded file of batch `batch_id` into the lake; the batch row tells how it went."""
    batch = ImportBatch.objects.select_related("started_by").get(pk=batch_id)
    path = uploads_dir() / batch.upload_name
    try:
        outcome = import_extract(
            batch.kind, path, accept_valid_rows=accept_valid_rows, report_path=default_report_path(batch),
            progress=ProgressRecorder(batch.pk), user=batch.started_by, file_format=batch.file_format, batch=batch,
        )
        _tidy(outcome)
    except Exception:
        logger.exception("import %s failed", batch.pk)
        _finish(batch, ImportBatch.Status.FAILED, _("Importen misslyckades. Kontakta den som sköter systemet."))
        raise
    finally:
        path.unlink(missing_ok=True)
    return {"import_batch": batch.pk, "status": batch.status}


def _tidy(batch: ImportBatch) -> None:
    """The upload is gone, and the page offers the report for download: no server path in the message."""
    if batch.report_path:
        batch.message = batch.message.replace(batch.report_path, Path(batch.report_path).name)
    batch.upload_name = ""
    batch.save(update_fields=["message", "upload_name"])


def _finish(batch: ImportBatch, status: str, message: str, finished_at=None) -> None:
    batch.status = status
    batch.message = message
    batch.finished_at = finished_at or timezone.now()
    batch.upload_name = ""
    batch.save(update_fields=["status", "message", "finished_at", "upload_name", "rows_read", "rows_imported",
                              "rows_rejected", "report_path"])


def history_batches(limit: int = 20):
    """The latest imports, web and command line."""
    return ImportBatch.objects.select_related("started_by")[:limit]
