"""Patientkontrakt: a lighter agreement between the person and the care team than a SIP."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.directory.models import Unit
from nara.people.models import Person, PersonRecord


class PatientContract(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="patient_contracts")
    agreed_on = models.DateField(_("överenskommet"), default=timezone.localdate)
    what_matters = models.TextField(_("det här är viktigt för mig"), blank=True)
    agreement = models.TextField(_("det här har vi kommit överens om"))
    contact_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("kontaktperson")
    )
    contact_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    how_to_reach = models.CharField(_("så når du oss"), max_length=300, blank=True)
    next_contact = models.DateField(_("nästa kontakt"), null=True, blank=True)
    ended_on = models.DateField(_("avslutat"), null=True, blank=True)
    end_reason = models.CharField(_("skäl till avslut"), max_length=300, blank=True)

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        verbose_name = _("patientkontrakt")
        verbose_name_plural = _("patientkontrakt")
