"""Forms for care plans, treatment limitations, the prepared care request and the medical referral."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.core import dates
from nara.people.forms import VersionedForm
from nara.plans.models import CarePlan, MedicalReferral, PreparedCareRequest, TreatmentLimitation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# URL slugs (Swedish) for the kinds of care plan.
KIND_SLUGS = {
    "medicinsk": CarePlan.Kind.MEDICAL,
    "palliativ": CarePlan.Kind.PALLIATIVE,
    "sjukhus": CarePlan.Kind.HOSPITAL,
}
SLUG_OF_KIND = {v: k for k, v in KIND_SLUGS.items()}

FIELDS_BY_KIND = {
    CarePlan.Kind.MEDICAL: ["established_on", "diagnoses", "goals_of_care", "plan"],
    CarePlan.Kind.PALLIATIVE: [
        "established_on",
        "diagnoses",
        "goals_of_care",
        "plan",
        "palliative_orders",
        "review_due",
    ],
    CarePlan.Kind.HOSPITAL: ["source_unit_name", "received_on", "established_on", "diagnoses", "plan"],
}


class CarePlanForm(VersionedForm):
    """One form for the three kinds; the fields shown depend on the kind."""

    class Meta:
        model = CarePlan
        fields = [
            "established_on",
            "source_unit_name",
            "received_on",
            "diagnoses",
            "goals_of_care",
            "plan",
            "palliative_orders",
            "review_due",
        ]
        widgets = {"established_on": DATE, "received_on": DATE, "review_due": DATE}
        field_classes = {
            "established_on": dates.PastDate,
            "received_on": dates.PastDate,
            "review_due": dates.PlannedDate,
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(FIELDS_BY_KIND[kind]) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == CarePlan.Kind.HOSPITAL:
            self.fields["source_unit_name"].required = True
            self.fields["source_unit_name"].label = _("Från sjukhusets enhet")
            self.fields["received_on"].required = True
            self.fields["received_on"].label = _("Mottagen")
            self.fields["established_on"].label = _("Upprättad av sjukhuset")
            self.fields["plan"].required = True
            self.fields["plan"].label = _("Behandlingsplanens innehåll")
            if not self.instance.pk:
                self.fields["received_on"].initial = timezone.localdate()
        else:
            self.fields["goals_of_care"].label = _("Mål med vården")
        if kind == CarePlan.Kind.PALLIATIVE:
            self.fields["palliative_orders"].required = True
            self.fields["palliative_orders"].help_text = _(
                "Vid behovsordinationer, t.ex. mot smärta, oro, illamående och andnöd."
            )
            self.fields["review_due"].help_text = _(
                "Lämna tomt för att se över planen vid årskontrollen (ett år efter att den upprättades)."
            )
        if kind == CarePlan.Kind.MEDICAL:
            self.fields["plan"].required = True

    def clean(self):
        cleaned = super().clean()
        established, received = cleaned.get("established_on"), cleaned.get("received_on")
        if established and received and received < established:
            self.add_error("received_on", _("Planen kan inte ha tagits emot innan den upprättades."))
        review = cleaned.get("review_due")
        if established and review and review < established:
            self.add_error(
                "review_due", _("Datumet för översyn kan inte vara före datumet då planen upprättades.")
            )
        return cleaned


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = dates.PastDate(label=_("Avslutad"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, started_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if self.started_on and value < self.started_on:
            raise forms.ValidationError(_("Slutdatumet kan inte vara före startdatumet."))
        return value


class TreatmentLimitationForm(forms.ModelForm):
    class Meta:
        model = TreatmentLimitation
        fields = ["kind", "description", "decided_on", "discussed_with", "valid_until"]
        widgets = {"decided_on": DATE, "valid_until": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"decided_on": dates.PastDate, "valid_until": dates.LastingDate}
        labels = {"discussed_with": _("Samråd med (vem beslutet diskuterats med)")}
        error_messages = {"discussed_with": {"required": _("Skriv vem beslutet har diskuterats med.")}}

    def clean(self):
        cleaned = super().clean()
        decided, until = cleaned.get("decided_on"), cleaned.get("valid_until")
        if decided and until and until < decided:
            self.add_error("valid_until", _("Giltighetstiden kan inte sluta före beslutsdatumet."))
        if cleaned.get("kind") == TreatmentLimitation.Kind.OTHER and not cleaned.get("description"):
            self.add_error("description", _("Beskriv begränsningen när du väljer ”Annan begränsning”."))
        return cleaned


class RevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Skäl till upphävande"),
        max_length=300,
        error_messages={"required": _("Skriv varför beslutet upphävs.")},
    )


class PreparedCareRequestForm(VersionedForm):
    class Meta:
        model = PreparedCareRequest
        fields = ["medication_list_location", "diagnoses", "wishes", "other_information"]
        help_texts = {
            "medication_list_location": _("T.ex. ”Aktuell läkemedelslista i pärmen i köket” eller ”NPÖ”."),
            "wishes": _("Personens egna önskemål om vård och behandling, i personens ord."),
        }


class MedicalReferralForm(forms.ModelForm):
    class Meta:
        model = MedicalReferral
        fields = [
            "reason",
            "current_status",
            "vital_signs",
            "actions_taken",
            "consulted_physician",
            "question",
            "contact_back",
        ]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "current_status": forms.Textarea(attrs={"rows": 3}),
            "actions_taken": forms.Textarea(attrs={"rows": 2}),
            "question": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "vital_signs": _(
                "T.ex. puls, blodtryck, andningsfrekvens, saturation, temperatur, medvetandegrad."
            ),
            "contact_back": _("Namn och telefonnummer dit akuten kan återrapportera."),
        }
        error_messages = {"reason": {"required": _("Skriv varför personen skickas till akuten.")}}
