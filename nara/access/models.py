"""Consent to sharing, blocks (spärr) and emergency access (nödåtkomst)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.directory.models import Organisation, Unit
from nara.people.models import Person, PersonRecord


class ConsentQuerySet(models.QuerySet):
    def valid(self, on=None):
        on = on or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )


class Consent(PersonRecord):
    """The person lets `receiving_org` take part of data recorded by `source_orgs` (all when `all_sources`)."""

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Muntligt")
        WRITTEN = "written", _("Skriftligt")
        REPRESENTATIVE = "representative", _("Genom företrädare")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    receiving_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("får ta del av uppgifterna")
    )
    all_sources = models.BooleanField(_("uppgifter från alla huvudmän"), default=False)
    source_orgs = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("uppgifter från huvudmännen")
    )
    method = models.CharField(_("hur samtycket lämnades"), max_length=20, choices=Method.choices)
    representative_name = models.CharField(_("företrädarens namn"), max_length=200, blank=True)
    representative_relation = models.CharField(_("företrädarens relation"), max_length=100, blank=True)
    purpose = models.CharField(_("syfte"), max_length=300, blank=True)
    # Empty: every record of the source organisations. Otherwise a scope an app registered
    # (access.registry.register_consent_scope), e.g. "discharge_case": only the discharge case's data.
    scope = models.CharField(_("omfattning"), max_length=40, blank=True, default="")
    given_at = models.DateTimeField(_("samtycket lämnades"), null=True, blank=True)
    valid_from = models.DateField(_("gäller från"), default=timezone.localdate)
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallat av (registrerat av)"),
    )
    withdrawal_note = models.CharField(_("kommentar till återkallelsen"), max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-created_at"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")

    def is_valid(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.withdrawn_at is None
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )

    @property
    def scope_label(self) -> str:
        """What the consent covers when it is limited to a registered scope ("" when it covers every record)."""
        from nara.access import registry

        return registry.consent_scope_label(self.scope)

    def status(self, on=None) -> str:
        on = on or timezone.localdate()
        if self.withdrawn_at:
            return str(_("Återkallat"))
        if self.valid_from > on:
            return str(_("Gäller från %(date)s") % {"date": self.valid_from.isoformat()})
        if self.valid_to and self.valid_to < on:
            return str(_("Utgånget"))
        return str(_("Gäller"))


class Block(PersonRecord):
    """A spärr: data recorded by `blocked_org` is not shared with any other organisation."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="blocks")
    blocked_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("spärrade uppgifter hos")
    )
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    lifted_at = models.DateTimeField(_("hävd"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hävd av"),
    )
    lift_note = models.CharField(_("kommentar till hävningen"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spärr")
        verbose_name_plural = _("spärrar")


class EmergencyAccess(models.Model):
    """Nödåtkomst in two steps: `located_at` (see where data exists), then `opened_at` with a reason."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    located_at = models.DateTimeField(_("steg 1: visade var uppgifter finns"), default=timezone.now)
    reason = models.TextField(_("skäl"), blank=True)
    opened_at = models.DateTimeField(_("steg 2: öppnad"), null=True, blank=True)
    expires_at = models.DateTimeField(_("upphör"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("uppföljd"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uppföljd av"),
    )
    review_comment = models.TextField(_("kommentar från uppföljningen"), blank=True)

    class Meta:
        ordering = ["-located_at"]
        verbose_name = _("nödåtkomst")
        verbose_name_plural = _("nödåtkomster")

    def __str__(self) -> str:
        return f"{self.user} {self.located_at:%Y-%m-%d %H:%M}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.opened_at is not None
            and self.closed_at is None
            and self.expires_at
            and now < self.expires_at
        )


class EmergencyDataReview(models.Model):
    """The follow-up of an emergency access by an organisation whose data it opened, other than the user's own.

    The user's own organisation follows up its staff's emergency access on the EmergencyAccess itself
    (`reviewed_at` …); each other organisation that holds data about the person (its rows in the access log name
    it as `data_org`) documents its own follow-up here, once.
    """

    emergency = models.ForeignKey(EmergencyAccess, on_delete=models.PROTECT, related_name="data_reviews")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("huvudman"))
    reviewed_at = models.DateTimeField(_("uppföljd"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uppföljd av"))
    comment = models.TextField(_("kommentar från uppföljningen"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["emergency", "organisation"], name="one_data_review_per_organisation")
        ]
        verbose_name = _("uppföljning av nödåtkomst hos uppgifternas huvudman")
        verbose_name_plural = _("uppföljningar av nödåtkomst hos uppgifternas huvudman")

    def __str__(self) -> str:
        return f"{self.emergency_id} {self.reviewed_at:%Y-%m-%d}"


class AdmissionAccess(models.Model):
    """A ward opened a person it had no care relationship with, to send the admission notice (Lag 2017:612).

    Evidence of the admission is required: today the whole personnummer typed in a search by this user at this unit
    (a later integration with the hospital's patient administration system would add its admission message as a
    source). The reason is required. It lasts NARA_ADMISSION_ACCESS_MINUTES or until the notice is sent (the case
    then gives the relationship), and every one is followed up by a manager like an emergency access.
    """

    class Source(models.TextChoices):
        TYPED_PERSONNUMMER = "typed_personnummer", _("Hela personnumret inskrivet vid sökning")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="admission_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("underlag"), max_length=30, choices=Source.choices)
    reason = models.TextField(_("skäl"))
    opened_at = models.DateTimeField(_("öppnad"), default=timezone.now)
    expires_at = models.DateTimeField(_("upphör"))
    notice_sent_at = models.DateTimeField(_("inskrivningsmeddelande skickat"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("uppföljd"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uppföljd av"),
    )
    review_comment = models.TextField(_("kommentar från uppföljningen"), blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("åtkomst för inskrivningsmeddelande")
        verbose_name_plural = _("åtkomster för inskrivningsmeddelande")

    def __str__(self) -> str:
        return f"{self.user} {self.opened_at:%Y-%m-%d %H:%M}"
