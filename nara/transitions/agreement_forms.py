"""Forms for agreements, follow-up rules (trygg hemgång) and day prices."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nara.core import dates
from nara.directory.models import Organisation
from nara.people.forms import VersionedForm
from nara.transitions.daycount import parse_extra_days
from nara.transitions.models import Agreement, DayPrice, FollowUpRule

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class LinesField(forms.CharField):
    """A list of strings edited one per line in a textarea."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class AgreementForm(VersionedForm):
    home_health_criteria = LinesField(
        label=_("Kriterier för inskrivning i hemsjukvård"),
        required=False,
        help_text=_("Ett kriterium per rad. De visas som en checklista i begäran om inskrivning."),
    )
    extra_non_working_days = LinesField(
        label=_("Fler dagar som inte är vardagar"),
        required=False,
        help_text=_(
            "En per rad: ÅÅÅÅ-MM-DD för ett datum eller MM-DD för samma dag varje år, t.ex. 06-19 "
            "(midsommarafton 2026 — ändras varje år, skriv hela datumet), 12-24 (julafton), 12-31 (nyårsafton). "
            "Helgdagar i Sverige och lördagar/söndagar räknas redan bort."
        ),
    )

    class Meta:
        model = Agreement
        fields = [
            "name",
            "region",
            "municipality",
            "valid_from",
            "valid_to",
            "day_kind",
            "days_after_notice",
            "count_day_zero",
            "notice_cutoff",
            "extra_non_working_days",
            "require_both_notices",
            "require_sip_invitation",
            "home_health_criteria",
        ]
        widgets = {"valid_from": DATE, "valid_to": DATE, "notice_cutoff": TIME}
        field_classes = {"valid_from": dates.PlannedDate, "valid_to": dates.LastingDate}
        help_texts = {
            "days_after_notice": _(
                "Betalningsansvaret börjar efter så här många dagar räknat från dagen för meddelandet om "
                "utskrivningsklar. Utan överenskommelse gäller 3 dagar."
            ),
            "count_day_zero": _(
                "Kryssa i om dagen då meddelandet kom räknas som dag 1. Annars är den dag 0 och räknas inte."
            ),
        }
        error_messages = {
            "name": {"required": _("Skriv ett namn på överenskommelsen.")},
            "valid_from": {"required": _("Ange från vilket datum överenskommelsen gäller.")},
            "region": {"required": _("Välj regionen.")},
            "municipality": {"required": _("Välj kommunen.")},
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["region"].queryset = Organisation.objects.filter(kind=Organisation.Kind.REGION).order_by(
            "name"
        )
        self.fields["municipality"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY
        ).order_by("name")
        if not self.instance.pk and actor is not None:
            org = Organisation.objects.filter(pk=actor.org_id).first()
            if org and org.kind == Organisation.Kind.REGION:
                self.fields["region"].initial = org.pk
            elif org and org.kind == Organisation.Kind.MUNICIPALITY:
                self.fields["municipality"].initial = org.pk

    def clean_extra_non_working_days(self):
        entries = self.cleaned_data["extra_non_working_days"]
        bad = []
        for entry in entries:
            dates, yearly = parse_extra_days([entry])
            if not dates and not yearly:
                bad.append(entry)
        if bad:
            raise forms.ValidationError(
                _("Skriv datum som ÅÅÅÅ-MM-DD eller MM-DD. Det går inte att läsa: %(bad)s"),
                params={"bad": ", ".join(bad)},
            )
        return entries

    def clean(self):
        cleaned = super().clean()
        region, municipality = cleaned.get("region"), cleaned.get("municipality")
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if self.actor is not None and region and municipality:
            if self.actor.org_id not in (region.pk, municipality.pk):
                self.add_error(None, _("Din organisation måste vara part i överenskommelsen."))
        if region and municipality and start and not self.errors.get("valid_to"):
            overlapping = Agreement.objects.filter(region=region, municipality=municipality).exclude(
                pk=self.instance.pk
            )
            overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            if end:
                overlapping = overlapping.filter(valid_from__lte=end)
            clash = overlapping.first()
            if clash:
                self.add_error(
                    "valid_from",
                    _("Perioden överlappar överenskommelsen ”%(name)s” (från %(start)s). Avsluta den först.")
                    % {"name": clash.name, "start": clash.valid_from.isoformat()},
                )
        return cleaned


class FollowUpRuleForm(forms.ModelForm):
    class Meta:
        model = FollowUpRule
        fields = ["kind", "label", "responsible", "within_hours", "only_if_home_health", "active"]
        help_texts = {"within_hours": _("T.ex. 24 för hembesök inom ett dygn, 72 för samtal inom tre dygn.")}
        error_messages = {
            "label": {"required": _("Beskriv uppgiften.")},
            "within_hours": {"required": _("Ange inom hur många timmar efter utskrivning.")},
        }

    def clean_within_hours(self):
        hours = self.cleaned_data["within_hours"]
        if hours is not None and not 1 <= hours <= 24 * 60:
            raise forms.ValidationError(_("Ange ett antal timmar mellan 1 och 1440."))
        return hours


class DayPriceForm(forms.ModelForm):
    updated = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DayPrice
        fields = ["year", "price", "source"]
        help_texts = {
            "price": _(
                "[U] Fastställs av Socialstyrelsen — kontrollera beloppet mot Socialstyrelsens beslut."
            ),
            "source": _("T.ex. Socialstyrelsens beslut med datum."),
        }
        error_messages = {
            "year": {"unique": _("Det finns redan ett dagpris för det året. Ändra det i stället.")},
            "price": {"required": _("Ange priset per dag i kronor.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["updated"].initial = self.instance.updated_at.isoformat()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 2017 <= year <= dt.date.today().year + 2:
            raise forms.ValidationError(
                _("Ange ett år från 2017 (lagen trädde i kraft 2018) till om två år.")
            )
        return year

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is not None and price <= 0:
            raise forms.ValidationError(_("Priset måste vara större än noll."))
        return price
