"""The upload form of "Läs in uttag"."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from nara.identify.importing import sources
from nara.identify.models import ImportBatch

ACCEPT = ",".join(sorted(sources.SUFFIXES))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ av uttag"), widget=forms.RadioSelect, choices=[
            (ImportBatch.Kind.POPULATION, _("Befolkning (listade och folkbokförda personer)")),
            (ImportBatch.Kind.ENCOUNTERS, _("Vårdkontakter")),
        ],
    )
    file = forms.FileField(
        label=_("Fil"), help_text=_("CSV, Parquet eller FHIR NDJSON enligt uttagsformatet."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    accept_valid_rows = forms.BooleanField(
        label=_("Läs in giltiga rader och skriv avvisade till en rapport"), required=False,
        help_text=_("Annars avvisas hela filen om någon rad har fel."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in sources.SUFFIXES:
            raise forms.ValidationError(
                _("Filen måste vara CSV (.csv, .txt), Parquet (.parquet, .pq) eller NDJSON (.ndjson, .jsonl)."))
        if not upload.size:
            raise forms.ValidationError(_("Filen är tom."))
        return upload
