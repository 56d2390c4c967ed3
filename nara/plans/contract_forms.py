"""Forms for the patientkontrakt (patient contract)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.core import dates
from nara.directory.models import Unit
from nara.people.forms import StaffChoiceField, VersionedForm
from nara.plans.models import PatientContract

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientContractForm(VersionedForm):
    contact_staff = StaffChoiceField(queryset=get_user_model().objects.none(), label=_("Kontaktperson"))

    class Meta:
        model = PatientContract
        fields = [
            "agreed_on",
            "what_matters",
            "agreement",
            "contact_staff",
            "contact_unit",
            "how_to_reach",
            "next_contact",
        ]
        widgets = {"agreed_on": DATE, "next_contact": DATE}
        field_classes = {"agreed_on": dates.PastDate, "next_contact": dates.PlannedDate}
        help_texts = {
            "what_matters": _("Med personens egna ord."),
            "agreement": _("Skriv enkelt och tydligt: vem gör vad och när."),
            "how_to_reach": _("T.ex. telefonnummer och telefontider."),
        }
        error_messages = {"agreement": {"required": _("Skriv vad ni har kommit överens om.")}}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation_id=actor.org_id).order_by("name")
        self.fields["contact_unit"].queryset = units
        self.fields["contact_staff"].queryset = (
            get_user_model()
            .objects.filter(assignments__unit__organisation_id=actor.org_id)
            .distinct()
            .order_by("last_name", "first_name")
        )
        if not self.instance.pk:
            self.fields["contact_unit"].initial = actor.unit_id
            self.fields["contact_staff"].initial = actor.user_id

    def clean(self):
        cleaned = super().clean()
        agreed, nxt = cleaned.get("agreed_on"), cleaned.get("next_contact")
        if agreed and nxt and nxt < agreed:
            self.add_error(
                "next_contact", _("Nästa kontakt kan inte vara före datumet för överenskommelsen.")
            )
        unit, staff = cleaned.get("contact_unit"), cleaned.get("contact_staff")
        if unit and staff and not staff.assignments.filter(unit=unit).exists():
            self.add_error("contact_staff", _("Kontaktpersonen har inget uppdrag på den valda enheten."))
        return cleaned


class EndContractForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = dates.PastDate(label=_("Avslutat"), widget=DATE, initial=timezone.localdate)
    end_reason = forms.CharField(
        label=_("Skäl till avslut"),
        max_length=300,
        error_messages={"required": _("Skriv varför kontraktet avslutas.")},
    )

    def __init__(self, *args, started_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if self.started_on and value < self.started_on:
            raise forms.ValidationError(_("Slutdatumet kan inte vara före datumet för överenskommelsen."))
        return value
