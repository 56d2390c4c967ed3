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
    assert dead.message.startswith("Importen avbröts innan den var klar")
    assert dead.finished_at is not None
    assert not (Path(settings.VAR_DIR) / "import-locks" / f"{dead.pk}.lock").exists()
    assert not (Path(settings.VAR_DIR) / "import-locks" / f"{batch.pk}.lock").exists()  # its own, released
    # Once the process holding a lock is gone (here: the lock is let go), its batch is stale too.
    assert fail_stale_batches() == 1
    assert ImportBatch.objects.get(pk=alive.pk).status == ImportBatch.Status.FAILED
    assert fail_stale_batches() == 0
