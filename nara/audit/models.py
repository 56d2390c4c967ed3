"""The access log (HSLF-FS 2016:40 4 kap. 9 §): append-only, one row per action on a person's data."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nara.audit.basis import Basis


class Action(models.TextChoices):
    READ = "read", _("Läsning")
    CREATE = "create", _("Registrering")
    CHANGE = "change", _("Ändring")
    PRINT = "print", _("Utskrift")
    EXPORT = "export", _("Export")
    EMERGENCY = "emergency", _("Nödåtkomst")
    # A refused attempt (the 403 page): nothing was shown, but the log review must see who tried what.
    DENIED = "denied", _("Nekad åtkomst")


class AppendOnlyError(Exception):
    pass


class AccessLogQuerySet(models.QuerySet):
    """Bulk changes are refused too; only `services.purge_expired` removes rows (via `_purge_delete`).

    The database triggers (migration 0003) are the real guard; this catches mistakes early and readably.
    """

    def update(self, **kwargs):
        raise AppendOnlyError("access log rows cannot be changed")

    def delete(self):
        raise AppendOnlyError("access log rows are removed only by the retention purge")

    def _purge_delete(self) -> int:
        return super().delete()[0]


class AccessLogEntry(models.Model):
    """Snapshots of names are kept beside the keys so that the row still reads right years later."""

    logged_at = models.DateTimeField(_("tid"), db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    user_name = models.CharField(_("användare"), max_length=200)
    unit = models.ForeignKey("directory.Unit", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit_name = models.CharField(_("enhet"), max_length=200)
    org_name = models.CharField(_("huvudman"), max_length=200)
    # Empty only for a denied attempt that named no existing person (a made-up id, a page without a person).
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               null=True, blank=True)
    action = models.CharField(_("åtgärd"), max_length=20, choices=Action.choices)
    record_type = models.CharField(_("uppgiftstyp"), max_length=60)
    record_id = models.CharField(_("uppgifts-id"), max_length=64, blank=True)
    basis = models.CharField(_("åtkomstgrund"), max_length=20)
    context = models.CharField(_("sammanhang"), max_length=100, blank=True,
                               help_text=_("Vyn eller tjänsten som gjorde åtkomsten."))
    reason = models.CharField(_("skäl till nekandet"), max_length=300, blank=True,
                              help_text=_("Bara för nekade försök: skälet som användaren fick se."))
    # The organisation whose data the row is about: the recording organisation of the record read or written
    # (filled from the record by audit.services), for an emergency-access step one row per organisation holding
    # data about the person; empty for the shared register and the log's own reads. The log review of that
    # organisation sees the row whoever made it (selectors.reviewable).
    data_org = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+",
                                 db_constraint=False, db_index=False, null=True, blank=True,
                                 verbose_name=_("uppgifternas huvudman"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [
            models.Index(fields=["person", "logged_at"]),
            models.Index(fields=["user", "logged_at"]),
            models.Index(fields=["unit", "logged_at"]),
            models.Index(fields=["data_org", "logged_at"]),
        ]
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")

    def __str__(self) -> str:
        # No person identity here: str() of a row can end up in server logs.
        return f"{self.logged_at:%Y-%m-%d %H:%M} {self.action} {self.record_type} ({self.unit_name})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("access log rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access log rows are removed only by the retention purge")

    @property
    def basis_label(self) -> str:
        return str(Basis(self.basis).label) if self.basis in Basis.values else self.basis

    @property
    def is_emergency(self) -> bool:
        return self.action == Action.EMERGENCY or self.basis == Basis.EMERGENCY

    @property
    def is_denied(self) -> bool:
        return self.action == Action.DENIED


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
    # The person the selection was limited to, if any: showing the description later is a logged access.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("loggkontroll")
        verbose_name_plural = _("loggkontroller")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.outcome}"
