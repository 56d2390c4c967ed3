"""A discharge case: one hospital stay under Lag (2017:612), from the admission notice to the information transfer on
the day of discharge (reference/rules.md §1).

The case is recorded by the ward's organisation (the region). It is addressed to the person's municipality (by
folkbokföringskommun) and listed vårdcentral; the addressed units have a care relationship while the case is open
(DESIGN.md §4), and see the case through the person's consent to information transfer, recorded with the
admission notice as Consent rows limited to the case (scope "discharge_case": the receivers take part of the
region's case data, and the ward of nobody's records). Every step is a CaseEvent, so the whole timeline
can be shown and the payment days recomputed from it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.access.models import Consent
from nara.directory.models import Organisation, Unit
from nara.people.models import Person, PersonRecord


class CaseStatus(models.TextChoices):
    ADMITTED = "admitted", _("Inskriven")
    READY = "ready", _("Utskrivningsklar")
    DISCHARGED = "discharged", _("Utskriven")
    CANCELLED = "cancelled", _("Makulerad")


class DischargeCase(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="discharge_cases")
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ADMITTED
    )
    ward = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("avdelning"))
    admitted_at = models.DateTimeField(_("inskriven"))
    notice_sent_at = models.DateTimeField(_("inskrivningsmeddelande skickat"), default=timezone.now)
    expected_discharge_on = models.DateField(_("beräknat utskrivningsdatum"))
    reason = models.TextField(_("orsak till vårdtillfället"), blank=True)
    # Addressed automatically from the register when the notice is sent (kept: the person may move later).
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    health_centre = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("vårdcentral")
    )
    agreement = models.ForeignKey(
        "transitions.Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    consents = models.ManyToManyField(Consent, blank=True, related_name="discharge_cases")
    # Set when the ward had no care relationship and opened the person on the admission basis (the reason and
    # the manager's follow-up are there).
    admission_access = models.ForeignKey(
        "access.AdmissionAccess",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("åtkomst för inskrivningsmeddelande"),
    )
    both_must_act = models.BooleanField(
        _("både kommun och region behöver göra insatser efter utskrivning"), default=False
    )
    # Planning deadline for the receivers' planeringsunderlag (e.g. 48 h in Region Halland): per agreement.
    planning_due_at = models.DateTimeField(_("planeringsunderlag senast"), null=True, blank=True)

    fixed_care_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fast vårdkontakt"),
    )
    fixed_care_contact_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sip = models.ForeignKey(
        "plans.Sip", on_delete=models.PROTECT, null=True, blank=True, related_name="discharge_cases"
    )
    sip_invited_at = models.DateTimeField(_("kallelse till SIP skickad"), null=True, blank=True)

    discharged_at = models.DateTimeField(_("utskriven"), null=True, blank=True)
    discharge_summary = models.TextField(_("sammanfattning av vårdtillfället"), blank=True)
    medication_changes = models.TextField(_("ändringar i läkemedel"), blank=True)
    follow_up_information = models.TextField(_("planerad uppföljning"), blank=True)
    discharged_to = models.CharField(_("utskriven till"), max_length=200, blank=True)

    cancelled_at = models.DateTimeField(_("makulerad"), null=True, blank=True)
    cancel_reason = models.CharField(_("skäl till makulering"), max_length=300, blank=True)
    readmission_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="readmissions",
        verbose_name=_("återinskrivning efter"),  # within NARA_READMISSION_DAYS
    )

    class Meta:
        ordering = ["-admitted_at"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["status", "admitted_at"]),
        ]
        verbose_name = _("utskrivningsärende")
        verbose_name_plural = _("utskrivningsärenden")

    def __str__(self) -> str:
        return f"{self.ward} {self.admitted_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.ADMITTED, CaseStatus.READY)


class ReadyNotice(models.Model):
    """An utskrivningsklar notice and, if the patient stops being ready, its withdrawal. A case may have several."""

    case = models.ForeignKey(DischargeCase, on_delete=models.CASCADE, related_name="ready_notices")
    notified_at = models.DateTimeField(_("utskrivningsklar"))
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("återtagen"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("skäl"), max_length=300, blank=True)

    class Meta:
        ordering = ["notified_at", "pk"]

    def __str__(self) -> str:
        return f"{self.notified_at:%Y-%m-%d %H:%M}"


class CaseEvent(models.Model):
    """One step on the case's timeline: who did what when (and to whom it was addressed)."""

    class Kind(models.TextChoices):
        ADMISSION_NOTICE = "admission_notice", _("Inskrivningsmeddelande")
        ACKNOWLEDGED = "acknowledged", _("Kvitterat")
        DATE_CHANGED = "date_changed", _("Nytt beräknat utskrivningsdatum")
        PLANNING = "planning", _("Planeringsunderlag")
        FIXED_CONTACT = "fixed_contact", _("Fast vårdkontakt utsedd")
        READY = "ready", _("Utskrivningsklar")
        READY_WITHDRAWN = "ready_withdrawn", _("Inte längre utskrivningsklar")
        SIP_INVITATION = "sip_invitation", _("Kallelse till SIP")
        DISCHARGED = "discharged", _("Utskriven med informationsöverföring")
        MESSAGE = "message", _("Meddelande")
        CANCELLED = "cancelled", _("Makulerat")
        FOLLOW_UP = "follow_up", _("Uppföljning efter utskrivning")
        READMITTED = "readmitted", _("Återinskriven")  # within NARA_READMISSION_DAYS; the text says how soon

    case = models.ForeignKey(DischargeCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Receipt(models.Model):
    """A notice addressed to a receiving unit, and its acknowledgement (kvittens)."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="discharge_receipts")
    acknowledged_at = models.DateTimeField(_("kvitterad"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "unit"], name="one_receipt_per_unit")]
        indexes = [models.Index(fields=["unit", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.unit}"


class PlanningInfo(models.Model):
    """A receiver's planeringsunderlag: needs after discharge, aids, home care, home health care."""

    case = models.ForeignKey(DischargeCase, on_delete=models.CASCADE, related_name="planning")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    needs = models.TextField(_("behov efter utskrivning"))
    aids = models.TextField(_("hjälpmedel"), blank=True)
    home_care = models.TextField(_("hemtjänst"), blank=True)
    home_health_care = models.TextField(_("hemsjukvård"), blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.submitted_at:%Y-%m-%d}"


class FollowUpTask(models.Model):
    """Trygg hemgång: a follow-up after discharge created from the agreement's rules."""

    case = models.ForeignKey(DischargeCase, on_delete=models.CASCADE, related_name="follow_up_tasks")
    rule = models.ForeignKey(
        "transitions.FollowUpRule", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    label = models.CharField(_("uppgift"), max_length=200)
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="follow_up_tasks")
    due_at = models.DateTimeField(_("senast"))
    done_at = models.DateTimeField(_("utförd"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["responsible_unit", "done_at", "due_at"])]

    def __str__(self) -> str:
        return self.label
