""""Läs in uttag": the upload page with the latest imports, the progress page (polled with htmx) and the error
report. Only analysts and managers of a region (import_tasks.may_import); an import's details and its report
only for its own organisation. URLs carry the batch id, never a file name or a personnummer.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nara.access import gate
from nara.identify import import_tasks
from nara.identify.models import ImportBatch
from nara.identify.services import STAGES
from nara.identify.upload_forms import UploadForm

STAGE_LABELS = {import_tasks.QUEUED: gettext_lazy("Väntar på att starta"), **STAGES}
ERRORS_SHOWN = 20


@require_http_methods(["GET", "POST"])
def upload(request):
    actor = request.actor
    import_tasks.require_import(actor)
    import_tasks.recover()  # an import whose worker died is shown failed, not "Pågår" for ever
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = import_tasks.start_upload(actor, form.cleaned_data["kind"], form.cleaned_data["file"],
                                          accept_valid_rows=form.cleaned_data["accept_valid_rows"])
        return redirect("identify:upload_status", batch.pk)
    history = [(b, b.organisation_id == actor.org_id) for b in import_tasks.history_batches()]
    return render(request, "identify/upload.html", {"nav": "upload", "form": form, "history": history})


@require_GET
def upload_status(request, pk: int):
    batch = _own_batch(request.actor, pk)
    return render(request, "identify/upload_status.html", {"nav": "upload", **_status(batch)})


@require_GET
def upload_progress(request, pk: int):
    """The status partial the progress page polls; announces a change of stage or status in the live region."""
    batch = _own_batch(request.actor, pk)
    context = _status(batch)
    context["announce"] = request.GET.get("seen", "")[:50] != context["state"]
    return render(request, "identify/upload_progress.html", context)


@require_GET
def upload_report(request, pk: int):
    batch = _own_batch(request.actor, pk)
    path = _report_file(batch)
    if path is None:
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"import-{batch.pk}-felrapport.csv",
                            content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _own_batch(actor, pk: int) -> ImportBatch:
    import_tasks.require_import(actor)
    import_tasks.recover()  # the progress page polls this: a dead import turns "Misslyckades" within a second
    batch = get_object_or_404(ImportBatch.objects.select_related("started_by"), pk=pk)
    if batch.organisation_id != actor.org_id:
        raise gate.AccessDenied(_("Importen gjordes av en annan organisation."))
    return batch


def _report_file(batch: ImportBatch) -> Path | None:
    """The batch's report, if it is still there and lies where reports are written."""
    if not batch.report_path:
        return None
    path = Path(batch.report_path).resolve()
    if not path.is_relative_to((Path(settings.VAR_DIR) / "import-reports").resolve()) or not path.is_file():
        return None
    return path


def _first_errors(path: Path | None) -> list[dict]:
    if path is None:
        return []
    errors = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        for row in reader:
            errors.append(row)
            if len(errors) == ERRORS_SHOWN:
                break
    return errors


def _status(batch: ImportBatch) -> dict:
    running = batch.status == ImportBatch.Status.RUNNING
    rate = None
    if running and batch.stage_started_at and batch.progress_at and batch.rows_done:
        seconds = (batch.progress_at - batch.stage_started_at).total_seconds()
        rate = batch.rows_done / seconds if seconds > 0 else None
    report = None if running else _report_file(batch)
    errors = _first_errors(report)
    lines = batch.message.splitlines()
    return {
        "batch": batch,
        "running": running,
        "state": f"{batch.status}-{batch.stage}"[:50],
        "stage_label": STAGE_LABELS.get(batch.stage, batch.stage),
        "rate": rate,
        "report": report is not None,
        "errors": errors,
        "more_errors": len(errors) == ERRORS_SHOWN,
        # With the errors as a table, the message's first line (the summary) is enough.
        "message_lines": lines[:1] if errors else lines,
    }
