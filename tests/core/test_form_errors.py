"""No form error echoes what was posted (issue 11 item 10: the risk-list filter showed a personnummer typed into
it). Checked on every form class of the project, so a new field with its own message is covered too."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import nara
from nara.identify.forms import FilterForm

PNR = "19410723-9883"


def form_classes():
    found = set()
    for info in pkgutil.walk_packages(nara.__path__, "nara."):
        if "migrations" in info.name or not info.name.rsplit(".", 1)[-1].endswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def test_forms_are_found():
    assert len(form_classes()) > 20


@pytest.mark.parametrize("cls", form_classes(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_no_choice_error_names_the_posted_value(cls):
    for name, field in cls.base_fields.items():
        message = str(field.error_messages.get("invalid_choice", ""))
        assert "%(value)" not in message, f"{name}: {message}"


def test_the_filter_does_not_echo_a_personnummer():
    form = FilterForm({"kriterium": PNR}, definitions=[("hfrs", "HFRS")])
    assert not form.is_valid()
    assert PNR not in str(form.errors) and "Välj ett av alternativen i listan." in str(form.errors)


@pytest.mark.django_db
def test_the_risk_list_page_does_not_echo_a_personnummer(client):
    from tests import factories as f

    unit = f.unit()
    client.force_login(f.staff(unit, ["physician"]))
    body = client.get(reverse("identify:list"), {"kriterium": PNR}).content.decode()
    assert PNR not in body and "19410723" not in body
