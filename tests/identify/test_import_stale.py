"""An import whose process died (killed, machine down) does not stay 'running' for ever: the next import marks
its batch failed, with a Swedish message. Batches still alive, and uploads waiting in the queue, are left alone."""

import datetime as dt
import fcntl
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from nara.identify.models import ImportBatch
from nara.identify.services import fail_stale_batches, import_extract

from .conftest import FILES

pytestmark = pytest.mark.django_db


def running(**fields) -> ImportBatch:
    return ImportBatch.objects.create(kind="encounters", file_name="x.csv", file_sha256="", file_format="csv", **fields)


def lock_file(batch: ImportBatch) -> Path:
    path = Path(settings.VAR_DIR) / "import-locks" / f"{batch.pk}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return path


def test_the_next_import_fails_batches_whose_process_died(lake_dir):
    dead = running()
    lock_file(dead)  # its process is gone: nobody holds the lock
    alive = running()
    with open(lock_file(alive)) as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running import does
        forgotten = running()  # from before locks existed, hours ago
        ImportBatch.objects.filter(pk=forgotten.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
        just_created = running()  # between its creation and its lock
        queued = running(upload_name="upload-abc.csv", stage=ImportBatch.QUEUED_STAGE)  # waiting for the worker
        ImportBatch.objects.filter(pk=queued.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))

        batch = import_extract("population", FILES / "population_comma_utf8.csv")

    assert batch.status == ImportBatch.Status.SUCCEEDED
    statuses = dict(ImportBatch.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[forgotten.pk] == ImportBatch.Status.FAILED
    assert statuses[alive.pk] == statuses[just_created.pk] == statuses[queued.pk] == ImportBatch.Status.RUNNING
    dead.refresh_from_db()
    assert dead.message.startswith("Inläsningen avbröts innan den var klar")
    assert dead.finished_at is not None
    assert not (Path(settings.VAR_DIR) / "import-locks" / f"{dead.pk}.lock").exists()
    assert not (Path(settings.VAR_DIR) / "import-locks" / f"{batch.pk}.lock").exists()  # its own, released
    # Once the process holding a lock is gone (here: the lock is let go), its batch is stale too.
    assert fail_stale_batches() == 1
    assert ImportBatch.objects.get(pk=alive.pk).status == ImportBatch.Status.FAILED
    assert fail_stale_batches() == 0


def test_the_upload_pages_fail_a_dead_import_at_once_and_remove_its_upload(client, lake_dir, settings):
    """No waiting for the next import or worker: the progress page the user watches shows the failure."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from nara.identify import import_tasks
    from tests import factories as f
    from tests.world import build

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never run
    w = build()
    waiting = import_tasks.start_upload(f.actor(w.vc_analyst), "population", SimpleUploadedFile(
        "befolkning.csv", (FILES / "population_comma_utf8.csv").read_bytes()), accept_valid_rows=False)
    dead = import_tasks.start_upload(f.actor(w.vc_analyst), "population", SimpleUploadedFile(
        "befolkning.csv", (FILES / "population_comma_utf8.csv").read_bytes()), accept_valid_rows=False)
    import_tasks.ProgressRecorder(dead.pk)("write", 2, 5)
    lock_file(dead)  # its worker took the lock and was killed: nobody holds it now
    uploads = Path(settings.VAR_DIR) / "uploads"
    dead_file, waiting_file = uploads / dead.upload_name, uploads / waiting.upload_name
    (lake_dir / ".scratch").mkdir(parents=True)
    (lake_dir / ".scratch" / "extract-text.parquet").write_text("left by the killed import")

    client.force_login(w.vc_analyst)
    partial = client.get(reverse("identify:upload_progress", args=[dead.pk]), HTTP_HX_REQUEST="true")
    assert "Inläsningen avbröts innan den var klar" in partial.content.decode()
    dead.refresh_from_db()
    assert (dead.status, dead.upload_name) == (ImportBatch.Status.FAILED, "")
    assert not dead_file.exists() and not (lake_dir / ".scratch").exists()
    # The upload still waiting for the worker is left alone, its file too.
    assert ImportBatch.objects.get(pk=waiting.pk).status == ImportBatch.Status.RUNNING and waiting_file.exists()
    assert client.get(reverse("identify:upload")).status_code == 200
    assert ImportBatch.objects.get(pk=waiting.pk).status == ImportBatch.Status.RUNNING
