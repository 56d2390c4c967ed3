"""Enrolment in kommunal hemsjukvård: the request with the agreed criteria, the municipality's decision, the
physician support from the vårdcentral (läkarstöd) with planned home visits, periodic review, and discharge."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.directory.models import Organisation, Unit
from nara.people.models import Person, PersonRecord


class EnrolmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Begärd")
    ENROLLED = "enrolled", _("Inskriven")
    DECLINED = "declined", _("Avslagen")
    ENDED = "ended", _("Utskriven")


class HomeHealthEnrolment(PersonRecord):
    """Recorded by the requesting unit's organisation; the municipality decides (its decision fields)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="home_health_enrolments")
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.REQUESTED
    )
    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        "transitions.Agreement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "transitions.DischargeCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("begärd"), default=timezone.now)
    criteria_met = models.JSONField(_("uppfyllda kriterier"), default=list)  # texts from the agreement's list
    request_reason = models.TextField(_("skäl till begäran"))
    decided_at = models.DateTimeField(_("beslut"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("motivering"), blank=True)
    start_on = models.DateField(_("startdatum"), null=True, blank=True)
    home_health_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hemsjukvård")
    )
    physician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig läkare (läkarstöd)"),
    )
    physician_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("vårdcentral")
    )
    review_interval_days = models.PositiveSmallIntegerField(_("omprövas var (dagar)"), default=180)
    next_review_on = models.DateField(_("nästa omprövning"), null=True, blank=True)
    ended_on = models.DateField(_("utskriven"), null=True, blank=True)
    end_reason = models.CharField(_("skäl till utskrivning"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["municipality", "status"])]
        verbose_name = _("inskrivning i hemsjukvård")
        verbose_name_plural = _("inskrivningar i hemsjukvård")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.requested_at:%Y-%m-%d}"


class PhysicianVisit(models.Model):
    enrolment = models.ForeignKey(
        HomeHealthEnrolment, on_delete=models.CASCADE, related_name="physician_visits"
    )
    planned_on = models.DateField(_("planerat"))
    done_on = models.DateField(_("genomfört"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.planned_on}"


class EnrolmentReview(models.Model):
    enrolment = models.ForeignKey(HomeHealthEnrolment, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("omprövad"), default=timezone.localdate)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField(_("bedömning"))
    next_review_on = models.DateField(_("nästa omprövning"), null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.reviewed_on}"
