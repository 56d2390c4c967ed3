"""One rule for phone numbers (nara.core.validators.validate_phone), used by every phone field."""
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

import nara
from nara.core.validators import validate_phone

SWEDISH = re.compile(r"[a-zåäö]", re.IGNORECASE)


@pytest.mark.parametrize("number", [
    "070-174 06 05", "0701740605", "070-1740605", "031-39 00 600", "08-123 456 78", "0320-123 45",
    "+46 70 174 06 05", "+46701740605", "+46 (0)70-174 06 05", "(031) 39 00 600", "0046 70 174 06 05",
])
def test_real_numbers_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize("number, message", [
    ("abc", "bara innehålla siffror"),
    ("070-abc 12 34", "bara innehålla siffror"),
    ("070 174 06 05 ank. 12", "bara innehålla siffror"),
    ("070+1740605", "bara innehålla siffror"),
    ("12 34", "för få siffror"),
    ("+46 70 174 06 05 12 34 56", "för många siffror"),
    ("٠٧٠١٧٤٠٦٠٥", "bara innehålla siffror"),  # Arabic-Indic digits are not dialled
])
def test_anything_else_is_refused_in_swedish(number, message):
    with pytest.raises(ValidationError, match=message) as caught:
        validate_phone(number)
    assert SWEDISH.search(caught.value.messages[0])


@given(st.text(max_size=40))
@example("abc")
@example("")
@example("+")
def test_any_text_passes_only_with_7_to_15_dialable_digits(text):
    try:
        validate_phone(text)
    except ValidationError as error:
        assert SWEDISH.search(error.messages[0])
    else:
        if text.strip():  # an empty number is left to the field's blank=True/required
            assert re.fullmatch(r"\+?[0-9 ()-]*", text.strip(), re.ASCII)
            assert 7 <= sum(ch.isdigit() for ch in text) <= 15


def test_every_phone_field_of_every_model_uses_the_rule():
    found = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if "phone" in field.name and getattr(field, "validators", None) is not None
    ]
    assert len(found) >= 4  # Person, Relative, Unit and SipParticipant today
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if "phone" in field.name and hasattr(field, "validators"):
                assert validate_phone in field.validators, f"{model.__name__}.{field.name}"


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_phone_field_of_every_form_uses_the_rule():
    for info in pkgutil.walk_packages(nara.__path__, "nara."):
        if info.name.endswith("forms") or info.name.endswith("_forms"):
            importlib.import_module(info.name)
    checked = []
    for form in _all_subclasses(forms.BaseForm):
        if not form.__module__.startswith("nara."):
            continue
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, field in getattr(form, "base_fields", {}).items():
            if "phone" in name:
                # A model form runs the model field's validators (full_clean); other forms carry their own.
                model_field = model._meta.get_field(name) if model and name in form._meta.fields else None
                validators = field.validators + (model_field.validators if model_field else [])
                assert validate_phone in validators, f"{form.__module__}.{form.__name__}.{name}"
                checked.append(form.__name__)
    assert {"RelativeForm", "ParticipantForm"} <= set(checked)
