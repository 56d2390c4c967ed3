""""Läs in uttag": who may upload, a good file into the lake, a bad file rejected with its errors and report, the
progress partial the page polls, and the progress callback's throttling."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nara.directory.models import Organisation
from nara.identify import import_tasks, lake
from nara.identify.models import ImportBatch
from tests import factories as f
from tests.world import build

from .conftest import FILES

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
BAD_PNR = "19320314-2414"  # wrong check digit


@pytest.fixture
def w(settings, lake_dir):
    settings.TASKS = IMMEDIATE
    return build()


def csv_upload(text: str, name: str = "befolkning.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def good_population() -> SimpleUploadedFile:
    return SimpleUploadedFile("befolkning.csv", (FILES / "population_comma_utf8.csv").read_bytes())


def bad_population() -> SimpleUploadedFile:
    return csv_upload(f"personnummer;kommunkod\n19320314-2413;1463\n{BAD_PNR};1463\n")


def lake_rows(table: str) -> int:
    if table not in lake.read_manifest().get("tables", {}):
        return 0
    with lake.connect() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def post(client, upload, kind="population", **extra):
    return client.post(reverse("identify:upload"), {"kind": kind, "file": upload, **extra})


def test_analysts_and_managers_of_a_region_may_upload_nurses_may_not(client, w):
    for user in (w.vc_analyst, w.vc_manager):
        client.force_login(user)
        page = client.get(reverse("identify:upload"))
        assert page.status_code == 200
        assert 'href="/identifiera/importer/" aria-current="page"' in page.content.decode()
    client.force_login(w.vc_nurse)
    assert client.get(reverse("identify:upload")).status_code == 403
    assert post(client, good_population()).status_code == 403
    assert "Läs in uttag" not in client.get(reverse("directory:start")).content.decode()
    # A municipality's analyst: the lake holds the region's population, so not theirs to load.
    client.force_login(f.staff(w.hsv, ["analyst"]))
    assert client.get(reverse("identify:upload")).status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_valid_file_is_imported_and_the_upload_deleted(client, w, settings):
    client.force_login(w.vc_analyst)
    response = post(client, good_population())
    batch = ImportBatch.objects.get()  # import_extract filled in the page's row
    assert response.status_code == 302
    assert response["Location"] == reverse("identify:upload_status", args=[batch.pk])
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.file_name, batch.rows_read, batch.rows_imported, batch.rows_rejected) == ("befolkning.csv", 5, 5, 0)
    assert (batch.started_by, batch.organisation, batch.upload_name) == (w.vc_analyst, w.region, "")
    assert batch.stage == "write" and batch.rows_done == 5
    assert lake_rows("population") == 5
    assert list((settings.VAR_DIR / "uploads").iterdir()) == []

    page = client.get(response["Location"]).content.decode()
    assert "Klar" in page and "5 rader lästes in" in page
    assert "hx-trigger" not in page  # finished: no more polling
    history = client.get(reverse("identify:upload")).content.decode()
    assert "befolkning.csv" in history and reverse("identify:upload_status", args=[batch.pk]) in history


def test_a_bad_file_is_rejected_with_its_errors_and_nothing_in_the_lake(client, w, settings):
    client.force_login(w.vc_manager)
    response = post(client, bad_population())
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert lake_rows("population") == 0
    assert list((settings.VAR_DIR / "uploads").iterdir()) == []

    page = client.get(response["Location"]).content.decode()
    assert "Avvisad" in page and "Filen avvisades" in page
    errors = page.split('data-testid="import-errors"')[1].split("</table>")[0]
    assert "<td>3</td><td>personnummer</td><td>Ogiltigt personnummer" in errors
    assert BAD_PNR not in page and "2414" not in page
    assert str(settings.VAR_DIR) not in page  # the message names the report's file, not its server path
    report_url = reverse("identify:upload_report", args=[batch.pk])
    assert report_url in page

    download = client.get(report_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="import-{batch.pk}-felrapport.csv"'
    body = b"".join(download.streaming_content).decode("utf-8")
    assert body.splitlines()[0] == "rad;falt;orsak;varde"
    assert "personnummer" in body and BAD_PNR not in body


def test_accepting_valid_rows_imports_them_and_offers_the_report(client, w):
    client.force_login(w.vc_analyst)
    response = post(client, bad_population(), accept_valid_rows="on")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert (batch.rows_imported, batch.rows_rejected) == (1, 1)
    assert lake_rows("population") == 1
    page = client.get(response["Location"]).content.decode()
    assert reverse("identify:upload_report", args=[batch.pk]) in page
    assert "Ogiltigt personnummer" in page


def test_another_organisation_sees_neither_details_nor_report(client, w):
    client.force_login(w.vc_analyst)
    post(client, bad_population())
    batch = ImportBatch.objects.get()
    other_region = f.organisation("Region Halland", kind=Organisation.Kind.REGION)
    client.force_login(f.staff(f.unit(other_region), ["analyst"]))
    for name in ("upload_status", "upload_progress", "upload_report"):
        assert client.get(reverse(f"identify:{name}", args=[batch.pk])).status_code == 403
    history = client.get(reverse("identify:upload")).content.decode()
    assert "befolkning.csv" in history  # listed, not linked
    assert reverse("identify:upload_status", args=[batch.pk]) not in history


def test_wrong_file_type_is_refused_before_anything_is_stored(client, w, settings):
    client.force_login(w.vc_analyst)
    response = post(client, csv_upload("x", name="uttag.xlsx"))
    assert response.status_code == 200
    assert "Filen måste vara CSV" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not (settings.VAR_DIR / "uploads").exists()


def test_a_personnummer_in_the_file_name_is_not_kept(client, w):
    client.force_login(w.vc_analyst)
    post(client, SimpleUploadedFile("uttag-193203142413.csv", (FILES / "population_comma_utf8.csv").read_bytes()))
    assert ImportBatch.objects.get().file_name == "uttag-[personnummer].csv"


def test_the_progress_partial_polls_while_running_and_announces_changes(client, w, settings):
    settings.TASKS = DUMMY  # enqueued, never run: the batch stays queued
    client.force_login(w.vc_analyst)
    response = post(client, good_population())
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.RUNNING and batch.stage == import_tasks.QUEUED
    assert (settings.VAR_DIR / "uploads" / batch.upload_name).is_file()
    page = client.get(response["Location"]).content.decode()
    assert 'aria-live="polite"' in page and "Väntar på att starta" in page

    import_tasks.ProgressRecorder(batch.pk)("validate", 2, 5)
    url = reverse("identify:upload_progress", args=[batch.pk])
    partial = client.get(url, {"seen": "running-queued"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="import-status"') and "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial and 'hx-swap="outerHTML"' in partial
    assert "Kontrollerar raderna" in partial and "2 av 5 rader" in partial
    assert 'hx-swap-oob="innerHTML:#import-announce"' in partial  # the stage changed
    same = client.get(url, {"seen": "running-validate"}).content.decode()
    assert "hx-swap-oob" not in same

    import_tasks.import_upload.call(batch.pk, False)  # what the worker does
    done = client.get(url, {"seen": "running-validate"}).content.decode()
    assert "hx-trigger" not in done and "Klar" in done and "Inläsningen är avslutad: Klar." in done
    assert ImportBatch.objects.count() == 1


def test_the_upload_task_fills_in_the_row_the_page_follows(w, settings):
    settings.TASKS = DUMMY
    batch = import_tasks.start_upload(f.actor(w.vc_analyst), "population", good_population(), accept_valid_rows=False)
    import_tasks.import_upload.call(batch.pk, False)
    assert list(ImportBatch.objects.values_list("pk", "status")) == [(batch.pk, ImportBatch.Status.SUCCEEDED)]
    assert list(import_tasks.history_batches()) == [ImportBatch.objects.get()]


def test_progress_is_saved_at_stage_changes_and_at_most_every_half_second(w):
    batch = ImportBatch.objects.create(kind="population", file_name="x.csv", file_sha256="", file_format="csv")
    now = [0.0]
    record = import_tasks.ProgressRecorder(batch.pk, clock=lambda: now[0])

    def saved():
        batch.refresh_from_db()
        return batch.stage, batch.rows_done, batch.rows_total

    record("keys", 0, None)
    assert saved() == ("keys", 0, None)
    now[0] = 0.2
    record("keys", 50_000, None)
    assert saved() == ("keys", 0, None)  # throttled
    now[0] = 0.6
    record("keys", 100_000, None)
    assert saved() == ("keys", 100_000, None)
    now[0] = 0.7
    record("write", 0, 10)
    assert saved() == ("write", 0, 10)  # a new stage is always saved
    now[0] = 0.8
    record("write", 10, 10)
    assert saved() == ("write", 10, 10)  # so is a stage's end
    assert batch.stage_started_at is not None and batch.progress_at >= batch.stage_started_at


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_worker_run_the_upload(client, settings, lake_dir):
    """What `make run` does: the page enqueues in the database, `nara db_worker` imports."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    w = build()
    client.force_login(w.vc_analyst)
    post(client, good_population())
    assert ImportBatch.objects.get().stage == import_tasks.QUEUED
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert lake_rows("population") == 5
