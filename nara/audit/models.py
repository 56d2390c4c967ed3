"""The access log (HSLF-FS 2016:40 4 kap. 9 §): append-only, one row per action on a person's data."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Läsning")
    CREATE = "create", _("Registrering")
    CHANGE = "change", _("Ändring")
    PRINT = "print", _("Utskrift")
    EXPORT = "export", _("Export")
    EMERGENCY = "emergency", _("Nödåtkomst")


class AppendOnlyError(Exception):
    pass


class AccessLogEntry(models.Model):
    """Snapshots of names are kept beside the keys so that the row still reads right years later."""

    logged_at = models.DateTimeField(_("tid"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    user_name = models.CharField(_("användare"), max_length=200)
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit_name = models.CharField(_("enhet"), max_length=200)
    org_name = models.CharField(_("huvudman"), max_length=200)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    action = models.CharField(_("åtgärd"), max_length=20, choices=Action.choices)
    record_type = models.CharField(_("uppgiftstyp"), max_length=60)
    record_id = models.CharField(_("uppgifts-id"), max_length=64, blank=True)
    basis = models.CharField(_("åtkomstgrund"), max_length=20)
    context = models.CharField(_("sammanhang"), max_length=100, blank=True,
                               help_text=_("Vyn eller tjänsten som gjorde åtkomsten."))

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [
            models.Index(fields=["person", "logged_at"]),
            models.Index(fields=["user", "logged_at"]),
            models.Index(fields=["unit", "logged_at"]),
        ]
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("access log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access log rows are removed only by the retention purge")


class SpotCheck(models.Model):
    """A documented log review (loggkontroll): what was looked at, by whom, and the conclusion."""

    class Outcome(models.TextChoices):
        NO_REMARK = "no_remark", _("Utan anmärkning")
        FOLLOW_UP = "follow_up", _("Kräver uppföljning")
        INCIDENT = "incident", _("Misstänkt obehörig åtkomst")

    created_at = models.DateTimeField(_("genomförd"), auto_now_add=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer_unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+")
    filter_description = models.TextField(_("urval"))
    rows_examined = models.PositiveIntegerField(_("antal granskade poster"))
    outcome = models.CharField(_("resultat"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("kommentar"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("loggkontroll")
        verbose_name_plural = _("loggkontroller")
