"""Writes of the identify app. `import_extract` is the one way an extract gets into the lake: the `nara import`
command, the upload page and background tasks all call it."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nara.core.personnummer import redact
from nara.identify import lake
from nara.identify.importing import contract, keys, report, sources, validate
from nara.identify.importing.checkpoints import checkpoint
from nara.identify.importing.errors import ExtractRejected
from nara.identify.models import ImportBatch

logger = logging.getLogger(__name__)

# progress(stage, done, total): called at the start and end of every stage, and between batches where possible.
Progress = Callable[[str, int, int | None], None]
STAGES = {
    "read": gettext_lazy("Läser filen"),
    "validate": gettext_lazy("Kontrollerar raderna"),
    "pseudonymise": gettext_lazy("Pseudonymiserar"),
    "keys": gettext_lazy("Sparar återidentifieringsnycklar"),
    "write": gettext_lazy("Skriver till analyslagret"),
}


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def default_report_path(batch: ImportBatch) -> Path:
    return Path(settings.VAR_DIR) / "import-reports" / f"import-{batch.pk}-felrapport.csv"


def import_extract(
    kind: str,
    path: Path | str,
    *,
    accept_valid_rows: bool = False,
    report_path: Path | str | None = None,
    progress: Progress | None = None,
    user=None,
    file_format: str | None = None,
    extract_date: dt.date | None = None,
    batch: ImportBatch | None = None,
) -> ImportBatch:
    """Validate a population or encounter extract and merge it into the lake (docs/extract-contract.md).

    A file with any bad row is rejected whole unless `accept_valid_rows`; then the good rows are imported and
    every error goes to the report (`report_path`, or one under var/import-reports/). The lake changes in one
    atomic step at the very end; re-importing the same data changes nothing. Returns the ImportBatch, whose
    status says how it ended (succeeded, rejected or failed); the message is Swedish and names no personnummer.
    `batch` is a row created beforehand (an upload the page already follows); otherwise one is created here.
    """
    if kind not in contract.KINDS:
        raise ValueError(f"unknown extract kind {kind!r}")
    path = Path(path)
    report_to = Path(report_path) if report_path else None
    fmt = file_format or sources.SUFFIXES.get(path.suffix.lower(), "")
    if batch is None:
        batch = ImportBatch.objects.create(
            kind=kind, file_name=path.name[:255], file_sha256="", file_format=fmt, started_by=user
        )
    else:
        batch.file_format = batch.file_format or fmt
        batch.status = ImportBatch.Status.RUNNING
        batch.save(update_fields=["file_format", "status"])
    # The file's checksum (gigabytes for a region's CSV) is computed beside the import, not before it: hashlib
    # releases the GIL, so it overlaps DuckDB's work.
    with private_files(), ThreadPoolExecutor(max_workers=1) as pool, holding(batch.pk):
        digest = pool.submit(file_sha256, path) if not batch.file_sha256 and path.is_file() else None
        fail_stale_batches()
        _import(batch, kind, path, accept_valid_rows, report_to, progress, file_format, extract_date)
        if digest is not None and digest.exception() is None:
            batch.file_sha256 = digest.result()
            batch.save(update_fields=["file_sha256"])
    return batch


def _import(batch, kind, path, accept_valid_rows, report_to, progress, file_format, extract_date) -> None:
    notify = progress or (lambda stage, done, total: None)
    try:
        if not path.is_file():
            raise ExtractRejected(_("Filen finns inte."))
        fmt = file_format or sources.detect_format(path)
        if fmt not in sources.FORMATS:
            raise ExtractRejected(_("Okänt filformat ”%(suffix)s”.") % {"suffix": fmt})
        with lake.writing() as writer:
            _run(batch, writer, kind, path, fmt, accept_valid_rows, report_to, notify,
                 extract_date or timezone.localdate())
    except ExtractRejected as rejection:
        batch.status = ImportBatch.Status.REJECTED
        batch.message = str(rejection)
    except Exception as error:  # the batch must say it failed; the log gets the details (redacted)
        logger.exception("import %s failed", batch.pk)
        batch.status = ImportBatch.Status.FAILED
        batch.message = _("Importen misslyckades: %(error)s") % {"error": redact(str(error))[:500]}
    batch.finished_at = timezone.now()
    # Only the outcome: the progress fields are written meanwhile by the upload task's callback.
    batch.save(update_fields=["status", "message", "finished_at", "rows_read", "rows_imported", "rows_rejected",
                              "report_path"])


@contextlib.contextmanager
def private_files():
    """Everything the import writes meanwhile (DuckDB's scratch and spill files with the extract's text, the
    report, the lake's files) is readable by the service's own user only: umask 077. The umask is the process's;
    an import runs alone in its process (worker task, `nara import`) and the previous one is put back."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


# --- batches of imports that died ------------------------------------------------------------------------------
# While an import runs, its process holds an exclusive flock on var/import-locks/<batch id>.lock; the kernel
# drops it when the process ends, however it ends. A batch still 'running' whose lock nobody holds was killed (or
# its machine went down). fail_stale_batches marks it failed: at the start of every import, when a worker starts
# and when the upload pages are opened (import_tasks.recover).
STALE_WITHOUT_LOCK = dt.timedelta(hours=1)  # a running batch with no lock file at all (created before its lock)
STALE_MESSAGE = gettext_lazy(
    "Inläsningen avbröts innan den var klar: processen som läste in filen avslutades oväntat. Analyslagret är "
    "antingen oförändrat eller helt uppdaterat; läs in filen igen."
)
_HELD: dict[int, object] = {}  # batch id → the open lock file, for the batches this process holds


def _locks_dir() -> Path:
    return Path(settings.VAR_DIR) / "import-locks"


def lock_path(batch_pk: int) -> Path:
    return _locks_dir() / f"{batch_pk}.lock"


@contextlib.contextmanager
def holding(batch_pk: int):
    """Hold batch `batch_pk`'s lock while the block runs (re-entrant: the upload task takes it before it calls
    import_extract). The lock file is locked before it gets its name, so nobody ever finds it unlocked while
    its process lives."""
    if batch_pk in _HELD:
        yield
        return
    directory = _locks_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = lock_path(batch_pk)
    pending = directory / f".{batch_pk}.lock.{os.getpid()}"
    with open(pending, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.replace(pending, path)
        _HELD[batch_pk] = lock
        try:
            yield
        finally:
            del _HELD[batch_pk]
            path.unlink(missing_ok=True)  # before the lock goes: nobody finds it unlocked while it exists


def _held(path: Path) -> bool:
    try:
        with open(path) as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False
    except FileNotFoundError:
        return False


def fail_stale_batches() -> int:
    """Mark the batches whose process has died as failed (Swedish message); return how many. An upload still
    waiting for the worker has no lock yet: import_tasks.recover decides about those from the task's state."""
    return len(fail_batches(stale_batches()))


def stale_batches() -> list[int]:
    """Running batches whose lock file nobody holds, or without a lock file long after they started (an upload
    waiting for the worker excepted)."""
    stale = []
    for pk, started_at, stage in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).values_list(
            "pk", "started_at", "stage"):
        path = lock_path(pk)
        if path.exists():
            if not _held(path):
                stale.append(pk)
        elif stage != ImportBatch.QUEUED_STAGE and started_at < timezone.now() - STALE_WITHOUT_LOCK:
            stale.append(pk)
    return stale


def fail_batches(pks: list[int]) -> list[int]:
    """Mark these batches failed (those still running) with STALE_MESSAGE; return the ones that were."""
    if not pks:
        return []
    with transaction.atomic():
        failed = list(ImportBatch.objects.select_for_update().filter(
            pk__in=pks, status=ImportBatch.Status.RUNNING).values_list("pk", flat=True))
        ImportBatch.objects.filter(pk__in=failed).update(
            status=ImportBatch.Status.FAILED, message=str(STALE_MESSAGE), finished_at=timezone.now())
    for pk in failed:
        lock_path(pk).unlink(missing_ok=True)
    return failed


def duckdb_config(spill: Path) -> dict:
    """DuckDB settings of an import: bounded memory (larger intermediate results spill to `spill`, under the
    lake's scratch directory), so a region-scale extract fits beside the web application."""
    return {
        "temp_directory": str(spill),
        "memory_limit": settings.NARA_IMPORT_MEMORY_LIMIT,
        "threads": getattr(settings, "NARA_IMPORT_THREADS", None) or max(1, os.cpu_count() or 1),
    }


def _run(batch, writer, kind, path, fmt, accept_valid_rows, report_to, notify, extract_date) -> None:
    writer.scratch.mkdir(exist_ok=True)
    con = duckdb.connect(config=duckdb_config(writer.scratch / "duckdb"))
    try:
        con.execute("SET enable_progress_bar = false")  # the import reports its own progress
        now = timezone.localtime().replace(tzinfo=None)
        notify("read", 0, None)
        batch.rows_read = sources.load(con, kind, path, fmt, writer.scratch)
        # From here every row carries its line number (_rad) and every result that needs an order asks for it, so
        # DuckDB need not keep rows in insertion order (which costs memory).
        con.execute("SET preserve_insertion_order = false")
        notify("read", batch.rows_read, batch.rows_read)
        checkpoint("read")

        notify("validate", 0, batch.rows_read)
        validate.validate(con, kind, today=now.date(), now=now, key=settings.PSEUDONYM_KEY)
        incoming = validate.build_incoming(con, kind, extract_date=extract_date)
        outcome = incoming.outcome
        batch.rows_rejected = outcome.rows_rejected
        notify("validate", batch.rows_read, batch.rows_read)
        checkpoint("validated")
        if outcome.rows_rejected:
            _reject_or_report(con, batch, accept_valid_rows, report_to, outcome)
        if not outcome.rows_valid:
            raise ExtractRejected(_("Filen innehåller inga rader att läsa in."))
        notify("pseudonymise", outcome.rows_valid, outcome.rows_valid)
        checkpoint("pseudonymised")

        notify("keys", 0, None)
        stored = keys.store(con, _new_persons_sql(writer, kind), lambda done: notify("keys", done, None))
        notify("keys", stored, stored)
        checkpoint("keys-written")

        notify("write", 0, outcome.rows_valid)
        merged = writer.merge(con, kind, "incoming", incoming.bucket_rows, count=outcome.rows_valid)
        notify("write", outcome.rows_valid, outcome.rows_valid)
    finally:
        con.close()
    batch.rows_imported = outcome.rows_valid
    batch.status = ImportBatch.Status.SUCCEEDED
    parts = [_("%(rows)s rader lästes in, varav %(changed)s nya eller ändrade; analyslagret har nu %(total)s rader.")
             % {"rows": _n(outcome.rows_valid), "changed": _n(merged.rows_changed), "total": _n(merged.rows_total)}]
    if outcome.rows_rejected:
        parts.append(_("%(rows)s rader avvisades; se felrapporten %(path)s.")
                     % {"rows": _n(outcome.rows_rejected), "path": batch.report_path})
    batch.message = " ".join(parts)


def _reject_or_report(con, batch, accept_valid_rows, report_to, outcome) -> None:
    if accept_valid_rows:
        report_to = report_to or default_report_path(batch)
    if report_to:
        report.write(con, report_to)
        batch.report_path = str(report_to)
    if accept_valid_rows:
        return
    summary = _("Filen avvisades: %(rows)s av %(total)s rader har fel (%(errors)s fel). Ingenting har sparats.") % {
        "rows": _n(outcome.rows_rejected), "total": _n(batch.rows_read), "errors": _n(outcome.errors)}
    shown = report.lines(con)
    more = outcome.errors - len(shown)
    text = "\n".join([summary, *shown])
    if more > 0:
        text += "\n" + _("… och %(count)s fel till.") % {"count": _n(more)}
    if batch.report_path:
        text += "\n" + _("Alla fel finns i felrapporten %(path)s.") % {"path": batch.report_path}
    raise ExtractRejected(text)


def _new_persons_sql(writer: lake.Writer, kind: str) -> str:
    """Which keys to store: every person of a population extract; for encounters only persons the lake does not
    know yet (the population import already keyed the others), so a 30-million-row file is not 30 million
    upserts. Encounters of persons outside the population extract stay re-identifiable this way."""
    if kind == contract.POPULATION:
        return "SELECT personnummer, pseudonym FROM persons"
    known = [f"SELECT pseudonym FROM {lake.parquet_source(p)}" for table in ("population", "encounters")
             if (p := writer.current_paths(table))]
    if not known:
        return "SELECT personnummer, pseudonym FROM persons"
    return f"SELECT personnummer, pseudonym FROM persons WHERE pseudonym NOT IN ({' UNION '.join(known)})"
