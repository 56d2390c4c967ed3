"""Extracts uploaded on the web page: store the file, create the batch the page follows, and run the import as a
background task — the same `import_extract` as `nara import` — that saves its progress to that batch.

The stored file has a random name under var/uploads/ (mode 0600 in a 0700 folder; the user's file name is kept
in ImportBatch.file_name only, so it never reaches a path, a log line or a DuckDB error). It is deleted when the
task ends, whatever the outcome: the error report is what the user needs afterwards, and a whole population's
personnummer should not lie about on disk; the source system can always produce the file again.

The page follows the batch row created here; `import_extract` fills in that same row.

A worker killed mid-import (SIGKILL, the OOM killer, a machine going down) runs no `finally`. `recover` cleans
up after it: when a worker starts (nara/identify/management/commands/db_worker.py) and when the upload pages are
opened. The dead import's batch is failed ("läs in filen igen"), its stored upload deleted and the lake's
scratch swept. It is not resumed: the usual cause of such a death is the import itself (memory), so a resumed
import would die again, and the file would wait on disk meanwhile; re-reading the same file is safe (the import
is idempotent) and the user's choice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from nara.access import gate
from nara.core.personnummer import redact
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.directory.roles import Capability
from nara.identify import lake, services
from nara.identify.importing import sources
from nara.identify.importing.checkpoints import checkpoint
from nara.identify.models import ImportBatch
from nara.identify.services import default_report_path, import_extract

logger = logging.getLogger(__name__)

QUEUED = ImportBatch.QUEUED_STAGE
PROGRESS_INTERVAL = 0.5  # seconds between progress writes within a stage
# A claimed task takes its batch's lock in its first statement; a claim this old without the lock is a dead worker.
CLAIM_GRACE = dt.timedelta(minutes=2)
# An upload file no batch names is one a request is writing right now, or one whose request died before it
# created the batch; the latter are removed once this old.
ORPHAN_AGE = dt.timedelta(hours=1)


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
    directory.chmod(0o700)  # also when it was made before, or under a lax umask
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
        # One transaction: no worker sees the task before the batch names it (recover goes by that name).
        with transaction.atomic():
            result = import_upload.enqueue(batch.pk, accept_valid_rows)
            ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))
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
    checkpoint("upload-claimed")
    with services.holding(batch_id):  # first: from here on a dead worker is told by its lock (recover)
        batch = ImportBatch.objects.select_related("started_by").get(pk=batch_id)
        if batch.status != ImportBatch.Status.RUNNING:  # recover failed it meanwhile: its file is gone
            return {"import_batch": batch.pk, "status": batch.status}
        path = uploads_dir() / batch.upload_name
        try:
            outcome = import_extract(
                batch.kind, path, accept_valid_rows=accept_valid_rows, report_path=default_report_path(batch),
                progress=ProgressRecorder(batch.pk), user=batch.started_by, file_format=batch.file_format,
                batch=batch,
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


# --- after a killed worker ---------------------------------------------------------------------------------


def recover(*, sweep: bool = False) -> list[int]:
    """Fail the imports whose process died and remove their stored uploads; return the failed batch ids.

    Cheap enough for every view of the upload pages (one query of the running batches, a lock test each).
    `sweep` (a starting worker) also removes upload files no running import needs and the lake's scratch left
    by a killed writer, unless an import is writing now. When an import is failed here, the lake is swept too."""
    failed = services.fail_batches(services.stale_batches() + _dead_claims())
    if failed:
        logger.warning("imports %s had died; marked failed", failed)
        _fail_tasks(failed)
    if failed or sweep:
        _remove_uploads(everything=sweep)
        lake.sweep_if_idle()
    return failed


def _task_state(task_id: str):
    """(status, started_at) of an upload's task in the task framework, or None when the framework no longer
    knows it; "unknown" when this backend cannot tell."""
    try:
        result = import_upload.get_backend().get_result(task_id)
    except TaskResultDoesNotExist:
        return None
    except NotImplementedError:
        return "unknown"
    return result.status, result.started_at


def _dead_claims() -> list[int]:
    """Uploads waiting for a worker (no lock yet) whose task is no longer waiting: it ended without filling in
    the batch, the framework forgot it, or a worker claimed it longer ago than CLAIM_GRACE and died before it
    took the lock."""
    dead = []
    waiting = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING, stage=QUEUED).exclude(task_id="")
    for pk, task_id in waiting.values_list("pk", "task_id"):
        if services.lock_path(pk).exists():
            continue  # stale_batches decides by the lock
        state = _task_state(task_id)
        if state == "unknown":
            continue
        if state is None or state[0] in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
            dead.append(pk)
        elif state[0] == TaskResultStatus.RUNNING and state[1] and state[1] < timezone.now() - CLAIM_GRACE:
            dead.append(pk)
    return dead


def _fail_tasks(batch_ids: list[int]) -> None:
    """The task framework's rows of the dead imports say so too (else they stay RUNNING for ever)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(import_upload.get_backend(), DatabaseBackend):
        return
    from django_tasks_db.models import DBTaskResult

    ids = [t for t in ImportBatch.objects.filter(pk__in=batch_ids).values_list("task_id", flat=True) if t]
    for result in DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING):
        result.set_failed(RuntimeError("the worker process died during the import; the batch was marked failed"))


def _remove_uploads(*, everything: bool) -> None:
    """Delete the stored uploads of batches no longer running; with `everything`, also files no batch names
    (older than ORPHAN_AGE)."""
    directory = uploads_dir()
    done = ImportBatch.objects.exclude(status=ImportBatch.Status.RUNNING).exclude(upload_name="")
    for pk, name in done.values_list("pk", "upload_name"):
        (directory / name).unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=pk).update(upload_name="")
    if not everything or not directory.is_dir():
        return
    needed = set(ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).values_list("upload_name", flat=True))
    cutoff = time.time() - ORPHAN_AGE.total_seconds()
    for path in directory.iterdir():
        if path.name not in needed and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def history_batches(limit: int = 20):
    """The latest imports, web and command line."""
    return ImportBatch.objects.select_related("started_by")[:limit]
