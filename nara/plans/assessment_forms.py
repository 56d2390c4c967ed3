"""Forms for CFS ratings, condition changes and structured assessments (one generic form built from a template).

Every error says what is wrong and in which item, in Swedish; dates are entered as 2026-11-22.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from nara.core import dates
from nara.plans import assessment_templates as tpl
from nara.plans import cfs
from nara.plans.assessment_services import HABITUAL_REQUIRED
from nara.plans.models import ConditionChange, FrailtyAssessment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


def staff_of_unit(unit_id):
    """Staff with an assignment at the unit (who may be chosen as rater or performer)."""
    return (
        get_user_model()
        .objects.filter(assignments__unit_id=unit_id)
        .distinct()
        .order_by("last_name", "first_name")
    )


class VersionedModelForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class CfsForm(VersionedModelForm):
    score = forms.TypedChoiceField(
        label=_("CFS-nivå"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj en CFS-nivå mellan 1 och 9."),
            "invalid_choice": _("CFS-nivån måste vara en av nivåerna 1–9."),
        },
    )
    rater = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Bedömare"),
        help_text=_("Du själv, eller någon annan på enheten som känner personen och gjorde bedömningen."),
        error_messages={
            "required": _("Välj vem som gjorde bedömningen."),
            "invalid_choice": _("Bedömaren måste vara medarbetare på din enhet."),
        },
    )

    class Meta:
        model = FrailtyAssessment
        fields = ["score", "rated_on", "habitual_status_confirmed", "rater", "occasion", "comment"]
        field_classes = {"rated_on": dates.PastDate}
        widgets = {"rated_on": DATE, "comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "rated_on": _("Skriv datumet som 2026-11-22."),
            "habitual_status_confirmed": _(
                "CFS bedöms på hur personen brukar fungera, ungefär två veckor före en akut sjukdom."
            ),
        }
        error_messages = {
            "rated_on": {
                "required": _("Fyll i bedömningsdatum."),
                "invalid": _("Skriv bedömningsdatum som 2026-11-22."),
            },
        }

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = cfs.choices()
        self.fields["rater"].queryset = staff_of_unit(actor.unit_id)
        if not self.instance.pk:
            self.fields["rater"].initial = actor.user_id
        self.fields["habitual_status_confirmed"].required = True
        self.fields["habitual_status_confirmed"].error_messages["required"] = HABITUAL_REQUIRED


class ConditionChangeForm(forms.ModelForm):
    class Meta:
        model = ConditionChange
        fields = ["noted_on", "description"]
        field_classes = {"noted_on": dates.PastDate}
        widgets = {"noted_on": DATE}
        labels = {"noted_on": _("Datum för förändringen"), "description": _("Vad har förändrats?")}
        help_texts = {
            "description": _("T.ex. sjukhusvistelse, fall, ny diagnos eller tydligt försämrad funktion.")
        }
        error_messages = {
            "noted_on": {
                "required": _("Fyll i datum för förändringen."),
                "invalid": _("Skriv datum för förändringen som 2026-11-22."),
            },
            "description": {"required": _("Beskriv kort vad som har förändrats.")},
        }


def _item_field(item: tpl.Item) -> forms.Field:
    label = item.label
    required_msg = format_lazy(_("Besvara frågan ”{label}”."), label=label)
    common = {"label": label, "required": item.is_required, "help_text": item.help}
    if item.kind in (tpl.YESNO, tpl.CHOICE, tpl.SCALE):
        choices = [(o.id, o.label) for o in item.choices()]
        if item.kind == tpl.SCALE:
            common["help_text"] = format_lazy(
                "{min} = {low}, {max} = {high}",
                min=item.min_value,
                low=item.low_label,
                max=item.max_value,
                high=item.high_label,
            )
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": required_msg,
                "invalid_choice": format_lazy(_("Välj ett av svaren på frågan ”{label}”."), label=label),
            },
            **common,
        )
    if item.kind == tpl.NUMBER:
        return forms.IntegerField(
            min_value=item.min_value,
            max_value=item.max_value,
            error_messages={
                "required": format_lazy(_("Fyll i ”{label}”."), label=label),
                "invalid": format_lazy(_("”{label}” ska vara ett heltal."), label=label),
                "min_value": format_lazy(
                    _("”{label}” kan inte vara mindre än {n}."), label=label, n=item.min_value
                ),
                "max_value": format_lazy(
                    _("”{label}” kan inte vara större än {n}."), label=label, n=item.max_value
                ),
            },
            **common,
        )
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={
            "required": format_lazy(_("Fyll i ”{label}”."), label=label),
            "max_length": format_lazy(_("”{label}” får vara högst 4000 tecken."), label=label),
        },
        **common,
    )


class AssessmentForm(forms.Form):
    """A structured assessment, with one field per template item (named ``i_<item id>``) and the common parts:
    date, performer, result (only when chosen), actions, note, summary and follow-up date."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    performed_on = dates.PastDate(
        label=_("Datum"),
        widget=DATE,
        initial=timezone.localdate,
        help_text=_("Skriv datumet som 2026-11-22."),
        error_messages={
            "required": _("Fyll i datum för bedömningen."),
            "invalid": _("Skriv datum för bedömningen som 2026-11-22."),
        },
    )
    performed_by = StaffChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Utförd av"),
        error_messages={
            "required": _("Välj vem som gjorde bedömningen."),
            "invalid_choice": _("Välj en medarbetare på din enhet som utförare."),
        },
    )

    def __init__(self, *args, template: tpl.Template, actor, instance=None, **kwargs):
        self.template = template
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        self.fields["performed_by"].queryset = staff_of_unit(actor.unit_id)
        if instance is None:
            self.fields["performed_by"].initial = actor.user_id
        for item in template.items:
            self.fields[f"i_{item.id}"] = _item_field(item)
        if template.result.mode == tpl.CHOSEN:
            self.fields["result"] = forms.ChoiceField(
                label=_("Resultat"),
                choices=[(o.id, o.label) for o in template.result.outcomes],
                widget=forms.RadioSelect,
                help_text=template.result.description,
                error_messages={
                    "required": _("Välj ett resultat."),
                    "invalid_choice": _("Välj ett av resultaten."),
                },
            )
        self.fields["actions"] = forms.MultipleChoiceField(
            label=_("Åtgärder"),
            required=False,
            choices=[(a.id, a.label) for a in template.actions],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Välj bland de föreslagna åtgärderna.")},
        )
        self.fields["actions_note"] = forms.CharField(
            label=_("Övriga åtgärder och uppföljning"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["summary"] = forms.CharField(
            label=_("Sammanfattning"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.fields["follow_up_on"] = dates.PlannedDate(
            label=_("Följs upp senast"),
            required=False,
            widget=DATE,
            help_text=_("Skriv datumet som 2026-11-22."),
            error_messages={"invalid": _("Skriv uppföljningsdatum som 2026-11-22.")},
        )

    @staticmethod
    def initial_from(record) -> dict:
        initial = {f"i_{k}": v for k, v in (record.answers or {}).items()}
        initial.update(
            {
                "version": record.version,
                "performed_on": record.performed_on,
                "performed_by": record.performed_by_id,
                "result": record.result,
                "actions": record.actions,
                "actions_note": record.actions_note,
                "summary": record.summary,
                "follow_up_on": record.follow_up_on,
            }
        )
        return initial

    def item_sections(self):
        """(section, bound fields) in template order, for the template to render under section headings."""
        return [(s, [self[f"i_{i.id}"] for i in s.items]) for s in self.template.sections]

    def common_fields(self, *names):
        return [self[n] for n in names if n in self.fields]

    @property
    def outcome_fields(self):
        return self.common_fields("result", "actions", "actions_note", "summary", "follow_up_on")

    @property
    def header_fields(self):
        return self.common_fields("performed_on", "performed_by")

    def clean(self):
        cleaned = super().clean()
        for item in self.template.items:
            if item.required_if is None:
                continue
            other, answer = item.required_if
            name = f"i_{item.id}"
            if cleaned.get(f"i_{other}") == answer and cleaned.get(name) in (None, ""):
                other_label = self.template.item(other).label
                self.add_error(
                    name,
                    format_lazy(
                        _("Besvara ”{label}” eftersom svaret på ”{other}” är ja."),
                        label=item.label,
                        other=other_label,
                    ),
                )
        follow_up, performed = cleaned.get("follow_up_on"), cleaned.get("performed_on")
        if follow_up and performed and follow_up < performed:
            self.add_error("follow_up_on", _("Uppföljningsdatum kan inte vara före datum för bedömningen."))
        return cleaned

    def answers(self) -> dict:
        out = {}
        for item in self.template.items:
            value = self.cleaned_data.get(f"i_{item.id}")
            if value in (None, ""):
                continue
            out[item.id] = int(value) if item.kind == tpl.SCALE else value
        return out

    def assessment_data(self) -> dict:
        data = {
            k: self.cleaned_data.get(k)
            for k in ("performed_on", "performed_by", "summary", "actions", "actions_note", "follow_up_on")
        }
        data["answers"] = self.answers()
        data["result"] = self.cleaned_data.get("result", "")
        return data
