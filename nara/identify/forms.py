from django import forms
from django.utils.translation import gettext_lazy as _

from nara.identify.models import RiskDecision


class FilterForm(forms.Form):
    """The risk list's filter; the choices are the criteria that flag someone at the unit."""

    kriterium = forms.ChoiceField(label=_("Kriterium"), required=False)

    def __init__(self, *args, definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kriterium"].choices = [("", _("Alla kriterier")), *definitions]

    def definition(self) -> str | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["kriterium"] or None
        return None


class OpenRowForm(forms.Form):
    """Opening a row that is not yet identified: the pseudonym travels in the POST body only."""

    rad = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslut"), choices=RiskDecision.Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=2000, widget=forms.Textarea(
        attrs={"rows": 3}))
