"""Agreements between the region and a municipality (Lag 2017:612 is dispositive: reference/rules.md §1.6).

Everything the law leaves to the parties is data here, per agreement and period: when payment responsibility
starts, how days are counted, the notice cut-off time, the conditions, the day price per year, the follow-up
tasks after discharge (trygg hemgång) and the criteria for enrolment in kommunal hemsjukvård.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nara.core.models import TimeStampedModel, VersionedModel
from nara.directory.models import Organisation


class Agreement(VersionedModel):
    class DayKind(models.TextChoices):
        CALENDAR = "calendar", _("Kalenderdagar")
        WORKING = "working", _("Vardagar")

    region = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        limit_choices_to={"kind": Organisation.Kind.REGION},
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="discharge_agreements",
        verbose_name=_("kommun"),
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
    )
    name = models.CharField(_("namn"), max_length=200)
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    # Payment start rule: responsibility starts `days_after_notice` days (of `day_kind`) after the day of the
    # utskrivningsklar notice; `count_day_zero` makes the notice day itself day 1 when it is a counted day.
    day_kind = models.CharField(
        _("dagar räknas som"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR
    )
    days_after_notice = models.PositiveSmallIntegerField(_("antal dagar efter utskrivningsklar"), default=3)
    count_day_zero = models.BooleanField(_("dagen för meddelandet räknas"), default=False)
    notice_cutoff = models.TimeField(
        _("senaste tid för meddelande"),
        null=True,
        blank=True,
        help_text=_("Ett meddelande efter denna tid räknas som lämnat nästa dag (t.ex. 12:00)."),
    )
    extra_non_working_days = models.JSONField(
        _("fler dagar som inte är vardagar"),
        default=list,
        blank=True,
        help_text=_("Datum (ÅÅÅÅ-MM-DD) eller MM-DD varje år, t.ex. 12-24 för julafton."),
    )
    require_both_notices = models.BooleanField(
        _("kräver att kommunen fått både inskrivningsmeddelande och utskrivningsklar"), default=True
    )
    require_sip_invitation = models.BooleanField(
        _("kräver att kallelse till SIP skickats när båda huvudmännen ska göra insatser"), default=False
    )
    home_health_criteria = models.JSONField(
        _("kriterier för inskrivning i hemsjukvård"),
        default=list,
        blank=True,
        help_text=_("En rad per kriterium som ska bockas av i begäran."),
    )

    class Meta:
        ordering = ["municipality__name", "-valid_from"]
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")

    def __str__(self) -> str:
        return self.name


class DayPrice(TimeStampedModel):
    """The price of one payment day, set yearly (Socialstyrelsen's national average cost per care day)."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    price = models.DecimalField(_("pris per dag (kr)"), max_digits=9, decimal_places=2)
    source = models.CharField(_("källa"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("dagpris")
        verbose_name_plural = _("dagpriser")

    def __str__(self) -> str:
        return f"{self.year}: {self.price} kr"


class FollowUpRule(TimeStampedModel):
    """Trygg hemgång: a task created at discharge, e.g. a home visit by hemsjukvård within 24 h."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Hembesök")
        PHONE_CALL = "phone_call", _("Uppföljande samtal")
        MEDICATION_REVIEW = "medication_review", _("Läkemedelsgenomgång")
        CFS_REASSESSMENT = "cfs_reassessment", _("Ny CFS-bedömning")
        OTHER = "other", _("Annan uppföljning")

    class Responsible(models.TextChoices):
        HOME_HEALTH = "home_health", _("Kommunens hemsjukvård")
        HEALTH_CENTRE = "health_centre", _("Vårdcentralen")
        NEEDS_ASSESSMENT = "needs_assessment", _("Kommunens biståndsenhet")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="follow_up_rules")
    kind = models.CharField(_("uppgift"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("beskrivning"), max_length=200)
    responsible = models.CharField(_("ansvarig"), max_length=20, choices=Responsible.choices)
    within_hours = models.PositiveSmallIntegerField(_("inom timmar efter utskrivning"))
    only_if_home_health = models.BooleanField(_("bara för personer inskrivna i hemsjukvården"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["within_hours", "pk"]
        verbose_name = _("regel för trygg hemgång")
        verbose_name_plural = _("regler för trygg hemgång")

    def __str__(self) -> str:
        return self.label


class StatementMonth(TimeStampedModel):
    """A municipality's monthly statement of payment days; once closed, later changes become corrections."""

    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("månad"))  # the first day of the month
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["municipality", "-month"]
        constraints = [models.UniqueConstraint(fields=["municipality", "month"], name="one_statement_month")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class StatementLine(models.Model):
    """One case's days in a month as stated when the month was closed, or a correction stated later.

    Lines are never edited: a change after closing adds a correction line in the month it is found
    (`corrects_month` names the month it corrects), so finance can reconcile line by line.
    """

    statement = models.ForeignKey(StatementMonth, on_delete=models.PROTECT, related_name="lines")
    case = models.ForeignKey("transitions.DischargeCase", on_delete=models.PROTECT, related_name="+")
    corrects_month = models.DateField(null=True, blank=True)
    ready_from = models.DateField(_("utskrivningsklar från"), null=True, blank=True)
    ready_to = models.DateField(_("utskrivningsklar till och med"), null=True, blank=True)
    ready_days = models.IntegerField(_("utskrivningsklara dagar"))
    payment_days = models.IntegerField(_("betalningsansvariga dagar"))
    day_price = models.DecimalField(max_digits=9, decimal_places=2)
    amount = models.DecimalField(_("belopp (kr)"), max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["statement", "case_id", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.payment_days}"
