"""Forms of the hemsjukvård enrolment pages. Validation of the rules (who, which state) is in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.access.models import Consent
from nara.core import dates
from nara.directory.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    """The agreement's criteria as a checklist: each criterion ticked, or explained when not met."""

    request_reason = forms.CharField(label=_("Skäl till begäran"), widget=forms.Textarea(attrs={"rows": 3}))
    consent_method = forms.ChoiceField(
        label=_("Personens samtycke till att kommunen tar del av uppgifterna"),
        choices=[("", _("Välj hur samtycket lämnades")), *Consent.Method.choices],
    )
    consent_given_by = forms.CharField(label=_("Företrädarens namn"), required=False, max_length=200)
    consent_relation = forms.CharField(label=_("Företrädarens relation"), required=False, max_length=100)
    physician = forms.ModelChoiceField(
        label=_("Ansvarig läkare (läkarstöd)"),
        queryset=None,
        required=False,
        empty_label=_("Ingen läkare utsedd än"),
        help_text=_("Krävs när kriteriet om läkarstöd är bockat."),
    )

    def __init__(self, *args, criteria=(), physicians=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["physician"].queryset = physicians if physicians is not None else get_user_model().objects.none()
        self.fields["physician"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.criteria = list(criteria)
        for i, text in enumerate(self.criteria):
            self.fields[f"crit_{i}"] = forms.BooleanField(label=text, required=False)
            self.fields[f"crit_{i}_why"] = forms.CharField(
                label=_("Förklaring om kriteriet inte är uppfyllt: %(c)s") % {"c": text},
                required=False,
                max_length=500,
            )

    def criterion_fields(self):
        return [(self[f"crit_{i}"], self[f"crit_{i}_why"]) for i in range(len(self.criteria))]

    def other_fields(self):
        names = ("physician", "request_reason", "consent_method", "consent_given_by", "consent_relation")
        return [self[n] for n in names]

    def clean(self):
        data = super().clean()
        for i, text in enumerate(self.criteria):
            if not data.get(f"crit_{i}") and not (data.get(f"crit_{i}_why") or "").strip():
                self.add_error(
                    f"crit_{i}_why",
                    _("Kriteriet ”%(c)s” är inte bockat: förklara varför begäran görs ändå.") % {"c": text},
                )
        if data.get("consent_method") == Consent.Method.REPRESENTATIVE and not data.get("consent_given_by"):
            self.add_error("consent_given_by", _("Ange företrädarens namn."))
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "criteria": [
                {
                    "criterion": text,
                    "met": bool(d.get(f"crit_{i}")),
                    "explanation": d.get(f"crit_{i}_why", ""),
                }
                for i, text in enumerate(self.criteria)
            ],
            "request_reason": d["request_reason"],
            "consent_method": d["consent_method"],
            "consent_given_by": d.get("consent_given_by", ""),
            "consent_relation": d.get("consent_relation", ""),
            "physician": d.get("physician"),
        }


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Beslut"),
        choices=[("approve", _("Inskrivning beviljas")), ("decline", _("Avslag"))],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 3}))
    start_on = dates.SoonDate(label=_("Startdatum"), required=False, widget=DATE)
    home_health_unit = forms.ModelChoiceField(
        label=_("Hemsjukvårdsenhet"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_health_unit"].queryset = Unit.objects.filter(
            organisation_id=municipality_id, kind=Unit.Kind.HOME_HEALTH
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "approve":
            if not data.get("start_on"):
                self.add_error("start_on", _("Ange startdatum för inskrivningen."))
            if not data.get("home_health_unit"):
                self.add_error("home_health_unit", _("Välj hemsjukvårdsenhet."))
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "approve": d["outcome"] == "approve",
            "decision_reason": d["decision_reason"],
            "start_on": d.get("start_on"),
            "home_health_unit": d.get("home_health_unit"),
        }


class PhysicianForm(VersionedForm):
    physician = forms.ModelChoiceField(label=_("Ansvarig läkare"), queryset=None)

    def __init__(self, *args, physicians=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["physician"].queryset = physicians
        self.fields["physician"].label_from_instance = lambda u: u.get_full_name() or u.username


class VisitForm(forms.Form):
    planned_on = dates.SoonDate(label=_("Planerat datum för läkarbesök i hemmet"), widget=DATE)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)


class VisitDoneForm(forms.Form):
    visit = forms.IntegerField(widget=forms.HiddenInput)
    done_on = dates.PastDate(label=_("Genomfört datum"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=300)


class ReviewForm(VersionedForm):
    reviewed_on = dates.PastDate(label=_("Omprövad"), widget=DATE, initial=timezone.localdate)
    outcome = forms.CharField(label=_("Bedömning"), widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = dates.PlannedDate(
        label=_("Nästa omprövning"),
        required=False,
        widget=DATE,
        help_text=_("Lämna tomt för att använda det vanliga intervallet."),
    )


class EndForm(VersionedForm):
    ended_on = dates.PastDate(
        label=_("Utskriven från hemsjukvården"), widget=DATE, initial=timezone.localdate
    )
    end_reason = forms.CharField(label=_("Skäl"), max_length=300)
