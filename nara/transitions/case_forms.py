"""Forms of the discharge case. Each step's form carries the case version it was opened with (hidden `version`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.access.models import Consent
from nara.core import dates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


def _now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


def _not_future(value):
    if value and value > timezone.now():
        raise forms.ValidationError(_("Tidpunkten kan inte ligga i framtiden."))
    return value


def _now_if_this_minute(value):
    """A time field left at its default (now, to the minute) means now: keeps the timeline in order."""
    now = timezone.now()
    if value and now - dt.timedelta(minutes=1) < value <= now:
        return now
    return value


class StartForm(forms.Form):
    NO_CONSENT = ""
    admitted_at = dates.PastDateTime(
        label=_("Inskriven"), widget=DATETIME, help_text=_("Datum och klockslag för inskrivningen.")
    )
    expected_discharge_on = dates.SoonDate(label=_("Beräknat utskrivningsdatum"), widget=DATE)
    reason = forms.CharField(label=_("Orsak till vårdtillfället"), widget=TEXT, max_length=2000)
    both_must_act = forms.BooleanField(
        label=_("Både kommun och region behöver göra insatser efter utskrivning"),
        required=False,
        help_text=_("Då ska vårdcentralen kalla till SIP inom tre dagar från utskrivningsklar."),
    )
    consent_method = forms.ChoiceField(
        label=_("Personens samtycke till informationsöverföring"),
        choices=[
            (NO_CONSENT, _("Inget samtycke – kommunen ser bara att ett ärende finns")),
            *Consent.Method.choices,
        ],
        required=False,
        help_text=_(
            "Samtycket gäller att uppgifterna i utskrivningsärendet lämnas till kommunen och vårdcentralen. "
            "Det ger inte avdelningen tillgång till kommunens eller andra vårdgivares uppgifter. Kan personen "
            "inte svara, registrera samtycket genom företrädare."
        ),
    )
    consent_given_at = dates.PastDateTime(
        label=_("Samtycket lämnades"),
        widget=DATETIME,
        required=False,
        help_text=_("Datum och klockslag då personen eller företrädaren samtyckte."),
    )
    representative_name = forms.CharField(label=_("Företrädarens namn"), max_length=200, required=False)
    representative_relation = forms.CharField(
        label=_("Företrädarens relation"), max_length=100, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"admitted_at": _now_local(), "consent_given_at": _now_local()})
        super().__init__(*args, **kwargs)

    def clean_admitted_at(self):
        return _not_future(self.cleaned_data["admitted_at"])

    def clean_consent_given_at(self):
        return _now_if_this_minute(_not_future(self.cleaned_data["consent_given_at"]))

    def clean(self):
        cleaned = super().clean()
        admitted, expected = cleaned.get("admitted_at"), cleaned.get("expected_discharge_on")
        if admitted and expected and expected < timezone.localtime(admitted).date():
            self.add_error("expected_discharge_on", _("Datumet kan inte vara före inskrivningen."))
        if (
            cleaned.get("consent_method") == Consent.Method.REPRESENTATIVE
            and not cleaned.get("representative_name", "").strip()
        ):
            self.add_error("representative_name", _("Skriv företrädarens namn."))
        if cleaned.get("consent_method") and not cleaned.get("consent_given_at") and "consent_given_at" not in (
            self.errors
        ):
            self.add_error("consent_given_at", _("Ange när samtycket lämnades."))
        return cleaned


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcknowledgeForm(CaseForm):
    receipt = forms.IntegerField(widget=forms.HiddenInput, required=False)  # empty: all the unit's open ones


class DateForm(CaseForm):
    expected_discharge_on = dates.SoonDate(label=_("Nytt beräknat utskrivningsdatum"), widget=DATE)
    note = forms.CharField(label=_("Kommentar"), max_length=500, required=False)


class PlanningForm(CaseForm):
    needs = forms.CharField(label=_("Behov efter utskrivning"), widget=TEXT, max_length=4000)
    aids = forms.CharField(label=_("Hjälpmedel"), widget=TEXT, max_length=2000, required=False)
    home_care = forms.CharField(label=_("Hemtjänst"), widget=TEXT, max_length=2000, required=False)
    home_health_care = forms.CharField(label=_("Hemsjukvård"), widget=TEXT, max_length=2000, required=False)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class FixedContactForm(CaseForm):
    staff = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Fast vårdkontakt"),
        help_text=_("En medarbetare på vårdcentralen."),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["staff"].queryset = staff


class ReadyForm(CaseForm):
    at = dates.PastDateTime(
        label=_("Utskrivningsklar sedan"),
        widget=DATETIME,
        help_text=_("Tidpunkten räknas för betalningsansvaret. Lämna som den är om det gäller nu."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = _now_local()

    def clean_at(self):
        return _now_if_this_minute(_not_future(self.cleaned_data["at"]))


class WithdrawForm(CaseForm):
    reason = forms.CharField(label=_("Varför är personen inte längre utskrivningsklar?"), max_length=300)


class SipForm(CaseForm):
    starts_at = dates.SoonDateTime(
        label=_("Tid för SIP-mötet"),
        widget=DATETIME,
        required=False,
        help_text=_(
            "Mötet får hållas efter utskrivningen. Utan tid påbörjas SIP:en och kallelsen skickas där."
        ),
    )
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    message = forms.CharField(label=_("Meddelande i kallelsen"), widget=TEXT, required=False)
    # The SIP needs the person's own consent to the SIP; the consent given to the ward for the discharge is not it.
    consent_method = forms.ChoiceField(
        label=_("Personens samtycke till SIP"),
        choices=[("", _("Inte inhämtat än – registreras på SIP-sidan")), *Consent.Method.choices],
        required=False,
        help_text=_(
            "Gäller när SIP:en ännu saknar samtycke. Med samtycke tar deltagarna del av varandras uppgifter "
            "för SIP:en, och kallelsen kan skickas direkt."
        ),
    )
    consent_given_by = forms.CharField(
        label=_("Vem lämnade samtycket till SIP"),
        max_length=200,
        required=False,
        help_text=_("Personen själv eller företrädarens namn."),
    )
    consent_relation = forms.CharField(
        label=_("Företrädarens relation till personen"), max_length=100, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_method") and not cleaned.get("consent_given_by", "").strip():
            self.add_error("consent_given_by", _("Ange vem som lämnade samtycket."))
        if cleaned.get("consent_method") == Consent.Method.REPRESENTATIVE and not cleaned.get(
            "consent_relation", ""
        ).strip():
            self.add_error("consent_relation", _("Ange företrädarens relation till personen."))
        starts = cleaned.get("starts_at")
        if starts and starts < timezone.now():
            self.add_error("starts_at", _("Tiden har redan passerat. Ange en kommande tid."))
        if starts and not cleaned.get("place", "").strip():
            self.add_error("place", _("Ange platsen för mötet."))
        return cleaned


class DischargeForm(CaseForm):
    summary = forms.CharField(label=_("Sammanfattning av vårdtillfället"), widget=TEXT, max_length=4000)
    medication_changes = forms.CharField(
        label=_("Ändringar i läkemedel"), widget=TEXT, max_length=4000, required=False
    )
    follow_up_information = forms.CharField(
        label=_("Planerad uppföljning"), widget=TEXT, max_length=4000, required=False
    )
    discharged_to = forms.CharField(
        label=_("Utskriven till"), max_length=200, help_text=_("T.ex. ordinärt boende med hemtjänst.")
    )
    discharged_at = dates.PastDateTime(label=_("Utskriven"), widget=DATETIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discharged_at"].initial = _now_local()

    def clean_discharged_at(self):
        return _now_if_this_minute(_not_future(self.cleaned_data["discharged_at"]))


class MessageForm(CaseForm):
    text = forms.CharField(label=_("Meddelande"), widget=TEXT, max_length=4000)


class CancelForm(CaseForm):
    reason = forms.CharField(label=_("Skäl till makulering"), max_length=300)
