"""Operational records of the identify app. The analytics data itself lives in the lake (Parquet + DuckDB)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nara.people.models import PersonRecord


class ImportBatch(models.Model):
    """One import of one extract file: what came in, what was refused, and how it ended."""

    class Kind(models.TextChoices):
        POPULATION = "population", _("Befolkningsuttag")
        ENCOUNTERS = "encounters", _("Vårdkontakter")

    class Status(models.TextChoices):
        RUNNING = "running", _("Pågår")
        SUCCEEDED = "succeeded", _("Klar")
        REJECTED = "rejected", _("Avvisad")
        FAILED = "failed", _("Misslyckades")

    QUEUED_STAGE = "queued"  # an uploaded file waiting for the worker to start its import

    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("fil"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveBigIntegerField(_("lästa rader"), default=0)
    rows_imported = models.PositiveBigIntegerField(_("inlästa rader"), default=0)
    rows_rejected = models.PositiveBigIntegerField(_("avvisade rader"), default=0)
    message = models.TextField(_("meddelande"), blank=True)
    report_path = models.CharField(_("felrapport"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    # Uploads from the web page (nara/identify/upload.py): whose organisation may see the details and the report,
    # the stored file while the task runs, and the progress the task saves (none of this for `nara import`).
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))
    upload_name = models.CharField(max_length=100, blank=True)
    # The background task that imports the upload (its id in the task framework): tells an upload still waiting
    # for a worker from one whose worker died before the import began (import_tasks.recover).
    task_id = models.CharField(max_length=64, blank=True)
    stage = models.CharField(_("steg"), max_length=20, blank=True)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import")
        verbose_name_plural = _("importer")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class ReidentificationKey(models.Model):
    """Pseudonym → personnummer, kept on the operational side only, for re-identifying persons a user may see."""

    pseudonym = models.CharField(max_length=32, primary_key=True)
    personnummer = models.CharField(max_length=13, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("återidentifieringsnyckel")
        verbose_name_plural = _("återidentifieringsnycklar")

    def __str__(self) -> str:
        return self.pseudonym


class RiskRun(models.Model):
    """One computation of every risk definition for a reference date; results are Parquet in the lake."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Pågår")
        SUCCEEDED = "succeeded", _("Klar")
        FAILED = "failed", _("Misslyckades")

    reference_date = models.DateField(_("referensdatum"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RUNNING)
    definition_versions = models.JSONField(_("definitionsversioner"), default=dict)
    extracts = models.JSONField(_("uttag som användes"), default=dict)
    counts = models.JSONField(_("antal"), default=dict)
    duration_seconds = models.FloatField(_("tid (s)"), null=True, blank=True)
    results_path = models.CharField(max_length=500, blank=True)
    message = models.TextField(_("meddelande"), blank=True)
    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    triggered_by = models.CharField(_("startad av"), max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("riskkörning")
        verbose_name_plural = _("riskkörningar")

    def __str__(self) -> str:
        return f"{self.reference_date} ({self.status})"


class RiskDecision(PersonRecord):
    """What the unit decided after looking at a person on its risk list, and who decided it when."""

    class Decision(models.TextChoices):
        NO_ACTION = "no_action", _("Bedömd utan åtgärd")
        HEALTH_TALK = "health_talk", _("Erbjud hälsosamtal")
        CFS = "cfs", _("CFS-bedömning")
        MAPPING_TALK = "mapping_talk", _("Kartläggande samtal")
        SIP = "sip", _("SIP")
        HUDDLE = "huddle", _("Följs i daglig avstämning")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="risk_decisions")
    decision = models.CharField(_("beslut"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("kommentar"), blank=True)
    run = models.ForeignKey(RiskRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
                            verbose_name=_("riskkörning"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("beslut från risklistan")
        verbose_name_plural = _("beslut från risklistan")

    def __str__(self) -> str:
        return self.get_decision_display()
