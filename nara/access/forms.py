from django import forms
from django.utils.translation import gettext_lazy as _

from nara.access.models import Block, Consent
from nara.core import dates
from nara.directory.models import Organisation
from nara.people.forms import VersionedForm


class ConsentForm(VersionedForm):
    source_orgs = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Uppgifter från huvudmännen"),
    )

    class Meta:
        model = Consent
        fields = [
            "all_sources",
            "source_orgs",
            "method",
            "representative_name",
            "representative_relation",
            "purpose",
            "valid_from",
            "valid_to",
        ]
        field_classes = {"valid_from": dates.PlannedDate, "valid_to": dates.LastingDate}
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "valid_to": _(
                "Lämna tomt om samtycket gäller tills vidare. Ett samtycke kan begränsas till "
                "en dag, en vecka eller ett år."
            )
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_orgs"].queryset = Organisation.objects.exclude(pk=actor.org_id)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_sources") and not cleaned.get("source_orgs"):
            self.add_error(
                "source_orgs", _("Välj minst en huvudman, eller kryssa i att samtycket gäller alla.")
            )
        if cleaned.get("method") == Consent.Method.REPRESENTATIVE and not cleaned.get("representative_name"):
            self.add_error("representative_name", _("Ange vem som företräder personen."))
        return cleaned


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Kommentar"),
        max_length=300,
        required=False,
        help_text=_("T.ex. att personen återkallade samtycket muntligt vid telefonsamtal."),
    )


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["note"]


class LiftForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lift_note = forms.CharField(
        label=_("Kommentar till hävningen"),
        max_length=300,
        help_text=_("Personen häver spärren genom samtycke. Ange hur det lämnades."),
    )


class EmergencyOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till nödåtkomst"),
        widget=forms.Textarea,
        min_length=10,
        max_length=2000,
        help_text=_(
            "Beskriv faran för personens liv eller den allvarliga risken för hälsan, och varför "
            "personen inte kan samtycka."
        ),
    )
    confirm = forms.BooleanField(
        label=_("Jag intygar att det är en nödsituation och att personen inte kan lämna samtycke."),
    )


class EmergencyReviewForm(forms.Form):
    comment = forms.CharField(label=_("Kommentar från uppföljningen"), widget=forms.Textarea, max_length=2000)


class AdmissionReasonForm(forms.Form):
    """The reason a ward opens a person it has no care relationship with, to send the admission notice."""

    reason = forms.CharField(
        label=_("Skäl till åtkomst utan vårdrelation"),
        max_length=500,
        help_text=_("T.ex. Inlagd via akuten i morse. Din chef följer upp åtkomsten."),
        error_messages={"required": _("Skriv skälet, t.ex. att personen är inlagd via akuten.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Skriv skälet, t.ex. att personen är inlagd via akuten."))
        return reason
