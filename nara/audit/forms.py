"""Forms of the log review. The person filter takes a personnummer by POST only and turns it into the opaque id."""
from django import forms
from django.utils.translation import gettext_lazy as _

from nara.audit import selectors
from nara.audit.basis import Basis
from nara.audit.models import Action, SpotCheck
from nara.core import dates, personnummer
from nara.people.models import Person


class NoEchoTextInput(forms.TextInput):
    """Never writes the submitted value back into the page: it may be a personnummer."""

    def format_value(self, value):
        return None


class NoPersonnummerEcho:
    """Drops a submitted value that looks like a personnummer instead of writing it back into the page."""

    def format_value(self, value):
        if value and personnummer.PNR_IN_TEXT.search(str(value)):
            return None
        return super().format_value(value)


class SafeTextInput(NoPersonnummerEcho, forms.TextInput):
    pass


class SafeHiddenInput(NoPersonnummerEcho, forms.HiddenInput):
    pass


class DateInput(NoPersonnummerEcho, forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    # The log has no rows outside Nära's dates (dates.RecordedDate); a day outside them is a typing mistake.
    date_from = dates.RecordedDate(label=_("Från och med"), required=False, widget=DateInput(),
                                   error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
    date_to = dates.RecordedDate(label=_("Till och med"), required=False, widget=DateInput(),
                                 error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("Från-datumet kan inte vara senare än till-datumet."))
        return data


class LogFilterForm(PeriodForm):
    """Read from GET. `person` is only ever the person's UUID."""

    field_order = ["user", "unit", "date_from", "date_to", "action", "basis"]

    person = forms.UUIDField(required=False, widget=SafeHiddenInput,
                             error_messages={"invalid": _("Personfiltret är ogiltigt. Välj personen igen.")})
    user = forms.CharField(label=_("Användare"), required=False, max_length=200, widget=SafeTextInput,
                           help_text=_("Användarnamn eller namn, eller en del av namnet."))
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=None, required=False, empty_label=_("Alla enheter"),
                                  error_messages={"invalid_choice": _("Välj en enhet i listan.")})
    action = forms.ChoiceField(label=_("Åtgärd"), required=False,
                               choices=[("", _("Alla åtgärder")), *Action.choices],
                               error_messages={"invalid_choice": _("Välj en åtgärd i listan.")})
    basis = forms.ChoiceField(label=_("Åtkomstgrund"), required=False,
                              choices=[("", _("Alla åtkomstgrunder")), *Basis.choices],
                              error_messages={"invalid_choice": _("Välj en åtkomstgrund i listan.")})
    quick = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                              choices=[("", ""), (selectors.QUICK_EMERGENCY, ""), (selectors.QUICK_LAST_DAY, ""),
                                       (selectors.QUICK_DENIED, ""), (selectors.QUICK_OTHER_ORG, "")])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.review_units(actor)

    def clean_user(self):
        value = self.cleaned_data["user"]
        if personnummer.PNR_IN_TEXT.search(value):
            raise forms.ValidationError(_("Skriv inte personnummer här. Välj personen i fältet Person."))
        return value

    def filters(self) -> selectors.LogFilters:
        d = self.cleaned_data
        return selectors.LogFilters(
            person_id=d.get("person"), user=(d.get("user") or "").strip(),
            unit_id=d["unit"].pk if d.get("unit") else None, date_from=d.get("date_from"),
            date_to=d.get("date_to"), action=d.get("action") or "", basis=d.get("basis") or "",
            quick=d.get("quick") or "",
        )


class PersonChoiceForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"), max_length=20,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("ÅÅÅÅMMDD-NNNN. Numret skickas inte i adressen; sidan visar bara namn och födelsedatum."),
        error_messages={"required": _("Ange ett personnummer.")},
    )

    def clean_personnummer(self):
        try:
            number = personnummer.parse(self.cleaned_data["personnummer"])
        except personnummer.PersonnummerError as exc:
            raise forms.ValidationError(str(exc)) from None
        person_id = Person.objects.filter(personnummer=number.canonical).values_list("pk", flat=True).first()
        if person_id is None:
            raise forms.ValidationError(_("Det finns ingen person med det numret i registret."))
        return person_id


class SpotCheckForm(forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ["outcome", "comment"]
        labels = {"outcome": _("Resultat"), "comment": _("Kommentar")}
        help_texts = {"comment": _("Vad granskades, vad kom du fram till och vilka åtgärder följer?")}
        error_messages = {
            "outcome": {"required": _("Välj resultatet av kontrollen."),
                        "invalid_choice": _("Välj ett av resultaten i listan.")},
            "comment": {"required": _("Skriv en kommentar om vad kontrollen visade.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("Välj resultat")), *SpotCheck.Outcome.choices]
