"""Care plans (medical, palliative, the hospital's treatment plan), treatment limitations, and what the prepared
care request (förberedd vårdbegäran) and the medical referral to the emergency department need beyond records
kept elsewhere."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.people.models import Person, PersonRecord


class CarePlan(PersonRecord):
    class Kind(models.TextChoices):
        MEDICAL = "medical", _("Medicinsk vårdplan")
        PALLIATIVE = "palliative", _("Palliativ vårdplan")
        HOSPITAL = "hospital", _("Sjukhusets behandlingsplan")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_plans")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    established_on = models.DateField(_("upprättad"), default=timezone.localdate)
    responsible_physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig läkare"),
    )
    diagnoses = models.TextField(_("diagnoser och problem"), blank=True)
    goals_of_care = models.TextField(_("mål med vården"), blank=True)
    plan = models.TextField(_("planering och ordinationer"), blank=True)
    palliative_orders = models.TextField(_("palliativa ordinationer (vid behov)"), blank=True)
    source_unit_name = models.CharField(_("från enhet"), max_length=200, blank=True)  # the hospital's plan
    received_on = models.DateField(_("mottagen"), null=True, blank=True)
    review_due = models.DateField(_("ses över senast"), null=True, blank=True)
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)

    class Meta:
        ordering = ["-established_on", "-pk"]
        indexes = [models.Index(fields=["kind", "review_due"])]
        verbose_name = _("vårdplan")
        verbose_name_plural = _("vårdplaner")


class TreatmentLimitation(PersonRecord):
    """A documented decision to limit treatment; shown prominently to everyone allowed to see the person."""

    class Kind(models.TextChoices):
        NO_CPR = "no_cpr", _("Ej hjärt-lungräddning (HLR)")
        NO_HOSPITAL = "no_hospital", _("Ej inläggning på sjukhus")
        NO_ICU = "no_icu", _("Ej intensivvård")
        NO_VENTILATOR = "no_ventilator", _("Ej respiratorbehandling")
        OTHER = "other", _("Annan begränsning")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="treatment_limitations")
    kind = models.CharField(_("begränsning"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("beslutad av")
    )
    decided_on = models.DateField(_("beslutsdatum"), default=timezone.localdate)
    discussed_with = models.CharField(
        _("samråd med"),
        max_length=300,
        help_text=_("T.ex. personen själv, dotter Eva, kontaktsjuksköterska."),
    )
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("upphävd"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("skäl till upphävande"), max_length=300, blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("behandlingsbegränsning")
        verbose_name_plural = _("behandlingsbegränsningar")


class PreparedCareRequest(PersonRecord):
    """The parts of the förberedd vårdbegäran that are not kept elsewhere (the rest is read from the records)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="prepared_care_requests")
    medication_list_location = models.CharField(_("var läkemedelslistan finns"), max_length=300, blank=True)
    diagnoses = models.TextField(_("diagnoser"), blank=True)
    wishes = models.TextField(_("personens önskemål"), blank=True)
    other_information = models.TextField(_("övrigt att veta"), blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("förberedd vårdbegäran")
        verbose_name_plural = _("förberedda vårdbegäranden")


class MedicalReferral(PersonRecord):
    """The referral note when municipal care sends the person to the emergency department (ViSam)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="medical_referrals")
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)
    reason = models.TextField(_("orsak till att personen skickas"))
    current_status = models.TextField(_("aktuellt tillstånd och iakttagelser"), blank=True)
    vital_signs = models.CharField(_("vitalparametrar"), max_length=300, blank=True)
    actions_taken = models.TextField(_("åtgärder före transport"), blank=True)
    consulted_physician = models.CharField(_("läkare som konsulterats"), max_length=200, blank=True)
    question = models.TextField(_("frågeställning till akuten"), blank=True)
    contact_back = models.CharField(_("kontakt för återrapport"), max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("medicinsk remiss till akuten")
        verbose_name_plural = _("medicinska remisser till akuten")
