from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from nara.core import dates, personnummer
from nara.directory.models import Unit
from nara.people.models import CareTeamMember, FixedContact, Relative


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Personnummer eller namn"),
        max_length=100,
        help_text=_(
            "Personnummer ger exakt träff. Namn söks bland personer som din enhet har vårdrelation med."
        ),
    )

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        if personnummer.looks_like_personnummer(text):
            try:
                self.cleaned_data["pnr"] = personnummer.parse(text)
            except personnummer.PersonnummerError as exc:
                raise forms.ValidationError(str(exc)) from None
        elif len(text) < 2:
            raise forms.ValidationError(_("Skriv minst två bokstäver av namnet."))
        return text


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a concurrent change is detected on save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Slutdatum kan inte vara före startdatum."))
        return cleaned


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


def _staff_of_unit(unit_id):
    return get_user_model().objects.filter(assignments__unit_id=unit_id).distinct().order_by("last_name")


class RelativeForm(VersionedForm):
    class Meta:
        model = Relative
        fields = ["name", "relation", "phone", "email", "is_contact_person", "needs_support", "note"]


class FixedContactForm(VersionedForm):
    staff = StaffChoiceField(queryset=get_user_model().objects.none(), label=_("Medarbetare"))

    class Meta:
        model = FixedContact
        fields = ["kind", "staff", "valid_from", "valid_to"]
        field_classes = {"valid_from": dates.PlannedDate, "valid_to": dates.LastingDate}
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A fixed contact is appointed by the unit's head among the unit's own staff, so the contact's unit is
        # the actor's unit (a contact being changed keeps its own).
        self.fields["staff"].queryset = _staff_of_unit(actor.unit_id)
        if self.instance.unit_id is None:
            self.instance.unit_id = actor.unit_id


class CareTeamForm(VersionedForm):
    staff = StaffChoiceField(queryset=get_user_model().objects.none(), label=_("Medarbetare"), required=False)

    class Meta:
        model = CareTeamMember
        fields = ["unit", "staff", "role", "valid_from", "valid_to"]
        field_classes = {"valid_from": dates.PlannedDate, "valid_to": dates.LastingDate}
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Each organisation records its own units on the team; another organisation adds its own entries.
        self.fields["unit"].queryset = Unit.objects.filter(organisation_id=actor.org_id)
        self.fields["staff"].queryset = (
            get_user_model()
            .objects.filter(assignments__unit__organisation_id=actor.org_id)
            .distinct()
            .order_by("last_name")
        )

    def clean(self):
        cleaned = super().clean()
        unit, staff = cleaned.get("unit"), cleaned.get("staff")
        if unit and staff and not staff.assignments.filter(unit=unit).exists():
            self.add_error("staff", _("Medarbetaren har inget uppdrag på den valda enheten."))
        return cleaned
