"""Forms for the SIP pages. Each carries the Sip version it was opened with (hidden field `version`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.access.models import Consent
from nara.core import dates
from nara.core.validators import validate_phone
from nara.directory.models import Organisation, Unit
from nara.plans import sip_rules
from nara.plans.models.sip import SipAction, SipFollowUp, SipMeeting, SipOtherMeasure, SipParticipant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.organisation.name})"


class SipForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def default_follow_up() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=settings.NARA_SIP_FOLLOW_UP_DAYS)


class StartForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till initiativet"),
        widget=TEXT,
        max_length=2000,
        help_text=_(
            "Varför behövs en samordnad plan? Till exempel behov av insatser från både kommun och region."
        ),
    )


class ConsentForm(SipForm):
    given_by = forms.CharField(
        label=_("Vem lämnade samtycket"),
        max_length=200,
        help_text=_("Personen själv eller företrädarens namn."),
    )
    method = forms.ChoiceField(label=_("Hur samtycket lämnades"), choices=Consent.Method.choices)
    relation = forms.CharField(
        label=_("Företrädarens relation till personen"),
        max_length=100,
        required=False,
        help_text=_("Fylls i när samtycket lämnades genom företrädare, till exempel god man."),
    )
    relatives_take_part = forms.BooleanField(label=_("Närstående deltar i SIP:en"), required=False)
    relatives = forms.ModelMultipleChoiceField(
        label=_("Vilka närstående deltar"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Personen har sagt ja till att de deltar. De läggs till som deltagare."),
    )
    relatives_note = forms.CharField(
        label=_("Övrigt om närståendes deltagande"), max_length=200, required=False
    )

    def __init__(self, *args, relatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        from nara.people.models import Relative

        self.fields["relatives"].queryset = Relative.objects.filter(pk__in=[r.pk for r in relatives])
        if not relatives:
            self.fields["relatives"].help_text = _("Inga närstående som du kan se är registrerade.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == Consent.Method.REPRESENTATIVE and not cleaned.get("relation"):
            self.add_error("relation", _("Ange företrädarens relation till personen."))
        if (
            cleaned.get("relatives_take_part")
            and not cleaned.get("relatives")
            and not cleaned.get("relatives_note")
        ):
            self.add_error("relatives", _("Ange vilka närstående som deltar."))
        return cleaned


class WithdrawConsentForm(SipForm):
    note = forms.CharField(
        label=_("Kommentar till återkallelsen"),
        max_length=300,
        help_text=_("Till exempel: återkallat muntligt vid hembesök."),
    )


class ParticipantForm(SipForm):
    kind = forms.ChoiceField(label=_("Typ av deltagare"), choices=SipParticipant.Kind.choices)
    unit = UnitChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, help_text=_("För personal.")
    )
    staff = StaffChoiceField(
        label=_("Medarbetare"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "Välj enhet och tryck ”Visa medarbetare på enheten”. Kan lämnas tomt om namn inte är känt."
        ),
    )
    relative = forms.ModelChoiceField(label=_("Närstående"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Namn"), max_length=200, required=False, help_text=_("För annan deltagare.")
    )
    role = forms.CharField(label=_("Roll"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False, validators=[validate_phone])

    def __init__(self, *args, units=None, staff=None, relatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        from nara.people.models import Relative

        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        if staff is not None:
            self.fields["staff"].queryset = staff
            self.fields["staff"].help_text = _("Medarbetare med uppdrag på den valda enheten.")
        self.fields["relative"].queryset = Relative.objects.filter(pk__in=[r.pk for r in relatives])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == SipParticipant.Kind.STAFF:
            unit, staff = cleaned.get("unit"), cleaned.get("staff")
            if not unit:
                self.add_error("unit", _("Välj enhet för personalen."))
            elif staff and not staff.assignments.filter(unit=unit).exists():
                self.add_error("staff", _("Medarbetaren har inget uppdrag på den valda enheten."))
        elif kind == SipParticipant.Kind.RELATIVE and not cleaned.get("relative"):
            self.add_error("relative", _("Välj närstående."))
        elif kind == SipParticipant.Kind.OTHER and not cleaned.get("name"):
            self.add_error("name", _("Skriv namnet på deltagaren."))
        return cleaned


class MeetingForm(SipForm):
    kind = forms.ChoiceField(label=_("Typ av möte"), choices=SipMeeting.Kind.choices)
    starts_at = dates.SoonDateTime(label=_("Tid"), widget=DATETIME, help_text=_("Datum och klockslag."))
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Länk till videomöte"), required=False, assume_scheme="https")
    message = forms.CharField(label=_("Meddelande i kallelsen"), widget=TEXT, required=False)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value < timezone.now():
            raise forms.ValidationError(_("Tiden har redan passerat. Ange en kommande tid."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("place") and not cleaned.get("video_link") and "video_link" not in self.errors:
            self.add_error("place", _("Ange plats eller länk till videomöte."))
        return cleaned


class AnswerForm(SipForm):
    response = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[("confirmed", "confirmed"), ("declined", "declined")])


class MappingForm(SipForm):
    what_matters = forms.CharField(
        label=_("Det här är viktigt för mig"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Med personens egna ord."),
    )
    situation = forms.CharField(
        label=_("Nuvarande situation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    needs = forms.CharField(label=_("Behov"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(k) for k in ("what_matters", "situation", "needs")):
            raise forms.ValidationError(_("Fyll i minst en del av kartläggningen."))
        return cleaned


class GoalForm(SipForm):
    text = forms.CharField(
        label=_("Personens mål"), widget=TEXT, max_length=1000, help_text=_("Med personens egna ord.")
    )


class ActionForm(SipForm):
    description = forms.CharField(label=_("Insats"), widget=TEXT, max_length=2000)
    goal = forms.ModelChoiceField(label=_("Hör till målet"), queryset=None, required=False)
    responsible_unit = UnitChoiceField(
        label=_("Ansvarig enhet"),
        queryset=Unit.objects.none(),
        help_text=_("Enhetens huvudman blir ansvarig."),
    )
    responsible_staff = StaffChoiceField(
        label=_("Ansvarig person"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Bland deltagarna i SIP:en, med uppdrag på den ansvariga enheten."),
    )
    due_date = dates.PlannedDate(label=_("Klart senast"), widget=DATE, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=SipAction.Status.choices, initial=SipAction.Status.PLANNED
    )

    def __init__(self, *args, goals=None, units=None, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["responsible_unit"].queryset = units
        self.fields["responsible_staff"].queryset = staff

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        refusal = sip_rules.due_date_refusal(value, self.initial.get("due_date"))
        if refusal:
            raise forms.ValidationError(refusal)
        return value

    def clean(self):
        cleaned = super().clean()
        unit, staff = cleaned.get("responsible_unit"), cleaned.get("responsible_staff")
        if unit and staff and not staff.assignments.filter(unit=unit).exists():
            self.add_error("responsible_staff", _("Personen har inget uppdrag på den ansvariga enheten."))
        return cleaned


class OtherMeasureForm(SipForm):
    by = forms.ChoiceField(label=_("Vem gör det"), choices=SipOtherMeasure.By.choices)
    by_name = forms.CharField(
        label=_("Namn"), max_length=200, required=False, help_text=_("Till exempel sonen Karl.")
    )
    description = forms.CharField(label=_("Åtgärd"), widget=TEXT, max_length=2000)


class ResponsibilityForm(SipForm):
    overall_responsible_org = forms.ModelChoiceField(
        label=_("Huvudman med övergripande ansvar"), queryset=Organisation.objects.none()
    )
    coordinator = forms.ModelChoiceField(
        label=_("Samordnare"),
        queryset=SipParticipant.objects.none(),
        help_text=_("Bland deltagande personal."),
    )
    next_follow_up = dates.PlannedDate(label=_("Nästa uppföljning"), widget=DATE)

    def __init__(self, *args, orgs=None, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall_responsible_org"].queryset = orgs
        self.fields["coordinator"].queryset = coordinators
        self.fields["coordinator"].label_from_instance = lambda p: (
            f"{p.staff.get_full_name() or p.staff.username}, {p.unit.name}"
        )
        if not self.initial.get("next_follow_up"):
            self.initial["next_follow_up"] = default_follow_up()

    def clean_next_follow_up(self):
        value = self.cleaned_data["next_follow_up"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("Datumet för nästa uppföljning har redan passerat."))
        return value


class FollowUpForm(SipForm):
    kind = forms.ChoiceField(label=_("Typ"), choices=SipFollowUp.Kind.choices)
    held_on = dates.PastDate(label=_("Datum"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("Anteckningar"), widget=forms.Textarea(attrs={"rows": 4}))
    goals_outcome = forms.CharField(label=_("Hur det gått med målen"), widget=TEXT, required=False)
    person_view = forms.CharField(label=_("Personens egen bedömning"), widget=TEXT, required=False)
    next_follow_up = dates.PlannedDate(label=_("Nästa uppföljning"), widget=DATE, initial=default_follow_up)
    revise = forms.BooleanField(
        label=_("Planen behöver revideras"),
        required=False,
        help_text=_("SIP:en går tillbaka till kartläggning så att mål och insatser kan ändras."),
    )

    def clean(self):
        cleaned = super().clean()
        held, nxt = cleaned.get("held_on"), cleaned.get("next_follow_up")
        if held and nxt and nxt <= held:
            self.add_error("next_follow_up", _("Nästa uppföljning ska vara efter den här."))
        return cleaned


class InitiativeForm(SipForm):
    reason = forms.CharField(label=_("Skäl till initiativet"), widget=TEXT, max_length=2000)


class CloseForm(SipForm):
    reason = forms.CharField(label=_("Skäl till avslut"), widget=TEXT, max_length=2000)


class TransitionForm(SipForm):
    target = forms.CharField(widget=forms.HiddenInput)
