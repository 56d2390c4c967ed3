"""Assessments: CFS (Clinical Frailty Scale), and structured assessments and conversations whose items are defined
as data in nara/plans/assessment_templates.py (hälsosamtal, kartläggande samtal, Senior Alert risk areas)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.people.models import Person, PersonRecord


class FrailtyAssessment(PersonRecord):
    """A CFS rating 1–9 of habitual function (about two weeks before any acute illness)."""

    class Occasion(models.TextChoices):
        FIRST = "first", _("Första bedömning")
        YEARLY = "yearly", _("Årlig omprövning")
        CHANGE = "change", _("Efter förändrat tillstånd")
        DISCHARGE = "discharge", _("Efter sjukhusvistelse")
        OTHER = "other", _("Annat")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="frailty_assessments")
    score = models.PositiveSmallIntegerField(
        _("CFS-nivå"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    rated_on = models.DateField(_("bedömningsdatum"), default=timezone.localdate)
    habitual_status_confirmed = models.BooleanField(
        _("bedömningen avser habituellt tillstånd före akut sjukdom"), default=False
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("bedömare")
    )
    occasion = models.CharField(
        _("anledning"), max_length=20, choices=Occasion.choices, default=Occasion.FIRST
    )
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["-rated_on", "-pk"]
        indexes = [models.Index(fields=["person", "rated_on"])]
        verbose_name = _("CFS-bedömning")
        verbose_name_plural = _("CFS-bedömningar")


class ConditionChange(PersonRecord):
    """A noted change in the person's condition (or a hospital stay): makes a new CFS rating due."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="condition_changes")
    noted_on = models.DateField(_("datum"), default=timezone.localdate)
    description = models.CharField(_("förändring"), max_length=300)

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = _("förändrat tillstånd")
        verbose_name_plural = _("förändrade tillstånd")


class StructuredAssessment(PersonRecord):
    """A filled-in template: answers per item (JSON, keyed by the template's item ids), a result and actions."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="structured_assessments")
    template = models.CharField(_("mall"), max_length=40)  # key in assessment_templates.TEMPLATES
    template_version = models.PositiveSmallIntegerField(default=1)
    performed_on = models.DateField(_("datum"), default=timezone.localdate)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("utförd av")
    )
    answers = models.JSONField(default=dict)
    result = models.CharField(_("resultat"), max_length=40, blank=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    actions = models.JSONField(
        _("åtgärder"), default=list
    )  # chosen preventive/follow-up actions (ids or text)
    actions_note = models.TextField(_("övriga åtgärder och uppföljning"), blank=True)
    follow_up_on = models.DateField(_("följs upp"), null=True, blank=True)

    class Meta:
        ordering = ["-performed_on", "-pk"]
        indexes = [models.Index(fields=["person", "template", "performed_on"])]
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")
