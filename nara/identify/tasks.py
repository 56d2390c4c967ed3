"""Background tasks of the identify app. The nightly risk run is the same code as `nara identify run`.

Scheduling: the task queue has no clock; cron or a systemd timer runs `nara identify run --enqueue` each night
and the worker (`nara db_worker`) picks it up.
"""

import datetime as dt

from django_tasks import task

from nara.identify import runs


@task()
def risk_run(reference_date: str | None = None) -> dict:
    """Compute every risk definition for reference_date (ISO date; default today). Returns a summary that the
    task result keeps; the full record is the RiskRun row."""
    date = dt.date.fromisoformat(reference_date) if reference_date else None
    run = runs.execute(date, triggered_by="bakgrundsjobb")
    return {"risk_run": run.pk, "status": run.status, "results_path": run.results_path}
