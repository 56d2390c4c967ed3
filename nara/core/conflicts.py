"""One way for every edit page to answer a stale save (optimistic locking, VersionedModel.save_checked).

When a service refuses a save with ConcurrentEditError because someone else saved the record after the user opened
it, the view calls `keep_input` (or `tell` on a page without a form) inside its `except ConcurrentEditError` and
renders the page with `status(...)`:

- the answer is 409 Conflict (not 200: the save was refused, and a client or a test can tell);
- the form keeps what the user typed, with the message saying that someone else saved first and what to do;
- the hidden version becomes the one saved now, so the next save is checked against what the user has now seen
  (a resend is a deliberate overwrite, never a silent one);
- "Sparat nu" lists the fields where what is saved now differs from the user's input (the record is read again
  here, in place; the view opened it through the access gate in this same request).

tests/test_edit_conflicts.py finds every view that catches ConcurrentEditError and checks that it answers this way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.forms.models import BaseModelForm, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.core.models import ConcurrentEditError

CONFLICT = 409


def message(exc: ConcurrentEditError | None = None) -> str:
    """The service's own wording when it gave one (SIP, discharge case), else the shared one."""
    text = str(exc) if exc is not None else ""
    return text or str(ConcurrentEditError.message)


def keep_input(
    form,
    record,
    exc: ConcurrentEditError | None = None,
    *,
    field: str = "version",
    token: Callable[[object], object] | None = None,
    initial: Callable[[object], dict] | None = None,
) -> None:
    """Show a refused stale save on `form` (see the module docstring).

    record: the record the save was about (read again, in place, as saved now). field/token: the hidden field that
    carries the version and how to read it from the record (default: `record.version`). initial: the form's
    initial values for a record, for a form that is not a ModelForm of it (e.g. AssessmentForm.initial_from)."""
    saved = _reread(record)
    form.saved_now = _saved_now(form, saved, initial) if saved is not None else []
    if saved is not None and field in form.fields:
        data = form.data.copy()
        data[form.add_prefix(field)] = str(token(saved) if token else saved.version)
        form.data = data
    form.edit_conflict = True
    form.add_error(None, message(exc))


def _reread(record):
    """The record as saved now, read again in place: a service may have set the user's values on it before the
    version check refused them, and the page shows the record."""
    if record is None:
        return None
    try:
        record.refresh_from_db()
    except type(record).DoesNotExist:
        return None  # removed meanwhile: nothing to compare
    return record


def tell(request, exc: ConcurrentEditError | None = None) -> int:
    """A page without a form for the refused save (a single button): the message on the page; returns 409."""
    messages.error(request, message(exc))
    return CONFLICT


def status(*forms_) -> int:
    """409 when one of the page's forms was refused as stale (keep_input), else 200."""
    return CONFLICT if any(getattr(f, "edit_conflict", False) for f in forms_ if f is not None) else 200


def _saved_now(form, saved, initial) -> list[tuple[str, str]]:
    if initial is not None:
        values = initial(saved)
    elif isinstance(form, BaseModelForm) and type(form.instance) is type(saved) and form.instance.pk == saved.pk:
        values = model_to_dict(saved, fields=list(form.fields))
    else:
        return []
    rows = []
    for name, field in form.fields.items():
        if name not in values or field.disabled or isinstance(field.widget, forms.HiddenInput):
            continue
        value = values[name]
        if field.has_changed(value, form[name].data):
            rows.append((str(field.label or name), _shown(field, value)))
    return rows


def _shown(field, value) -> str:
    if value in (None, "", [], ()):
        return "–"
    if isinstance(field, forms.ModelChoiceField):
        keys = list(value) if isinstance(field, forms.ModelMultipleChoiceField) else [value]
        keys = [getattr(k, "pk", k) for k in keys]
        objects = field.queryset.model._default_manager.filter(pk__in=keys)
        return ", ".join(str(field.label_from_instance(o)) for o in objects) or "–"
    if isinstance(field, forms.BooleanField):
        return _("Ja") if value else _("Nej")
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, (list, tuple)):
                labels.update({str(k): v for k, v in label})
            else:
                labels[str(key)] = label
        keys = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(str(labels.get(str(k), k)) for k in keys)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(field.prepare_value(value))
