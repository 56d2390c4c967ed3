"""Organisations (huvudmän), units with HSA-id, and staff assignments (medarbetaruppdrag)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.core.models import TimeStampedModel
from nara.core.validators import validate_phone
from nara.directory.roles import Role


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Kommun")
        PRIVATE = "private", _("Privat vårdgivare")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    org_number = models.CharField(_("organisationsnummer"), max_length=11, blank=True)
    municipality_code = models.CharField(
        _("kommunkod"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunkoden ska vara fyra siffror."))],
    )
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("huvudman")
        verbose_name_plural = _("huvudmän")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.MUNICIPALITY and not self.municipality_code:
            raise ValidationError({"municipality_code": _("En kommun måste ha en kommunkod.")})


class Unit(TimeStampedModel):
    class Kind(models.TextChoices):
        HEALTH_CENTRE = "health_centre", _("Vårdcentral")
        HOME_HEALTH = "home_health", _("Hemsjukvård")
        HOME_CARE = "home_care", _("Hemtjänst")
        NEEDS_ASSESSMENT = "needs_assessment", _("Biståndsenhet")
        WARD = "ward", _("Vårdavdelning")
        EMERGENCY_DEPARTMENT = "emergency_department", _("Akutmottagning")
        SPECIALIST_CLINIC = "specialist_clinic", _("Specialistmottagning")
        MOBILE_TEAM = "mobile_team", _("Mobilt team")
        REHAB = "rehab", _("Rehabilitering")
        ANALYSIS = "analysis", _("Analys och uppföljning")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("huvudman")
    )
    name = models.CharField(_("namn"), max_length=200)
    hsa_id = models.CharField(_("HSA-id"), max_length=64, unique=True)
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    municipality_code = models.CharField(_("kommunkod för verksamhetsområdet"), max_length=4, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name


class StaffProfile(TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    hsa_id = models.CharField(_("HSA-id"), max_length=64, unique=True)
    title = models.CharField(_("titel"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username


class AssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )


class Assignment(TimeStampedModel):
    """A medarbetaruppdrag: the user acts for one unit with these roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("enhet")
    )
    roles = models.JSONField(_("roller"), default=list)
    valid_from = models.DateField(_("gäller från"), default=timezone.localdate)
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name"]
        verbose_name = _("medarbetaruppdrag")
        verbose_name_plural = _("medarbetaruppdrag")

    def __str__(self) -> str:
        return f"{self.unit} ({self.role_labels})"

    @property
    def role_labels(self) -> str:
        return ", ".join(str(Role(r).label) for r in self.roles if r in Role.values)

    def clean(self):
        unknown = [r for r in self.roles if r not in Role.values]
        if unknown or not self.roles:
            raise ValidationError({"roles": _("Ange minst en giltig roll.")})
