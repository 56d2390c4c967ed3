"""Validators shared by every app: one rule per kind of value, used by the model fields and the forms alike."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Digits with the separators people write (spaces, hyphens, an area code in parentheses) and a leading + for an
# international number. ASCII digits only: other scripts' digits cannot be dialled as written.
_PHONE = re.compile(r"\+?[0-9 ()-]+", re.ASCII)
PHONE_DIGITS = (7, 15)  # 08-123 45 is the shortest Swedish number; 15 digits is the international maximum (E.164)


@deconstructible
class PhoneValidator:
    """A phone number: 070-123 45 67, 031-39 00 600, +46 70 123 45 67. Empty is left to `blank`."""

    def __call__(self, value) -> None:
        text = (value or "").strip()
        if not text:
            return
        if not _PHONE.fullmatch(text):
            raise ValidationError(
                _("Telefonnumret får bara innehålla siffror, mellanslag, bindestreck, parenteser och + först, "
                  "t.ex. 070-123 45 67."),
                code="invalid_phone",
            )
        digits = sum(ch.isdigit() for ch in text)
        low, high = PHONE_DIGITS
        if digits < low:
            raise ValidationError(_("Telefonnumret har för få siffror (minst %(n)s), t.ex. 070-123 45 67."),
                                  code="phone_too_short", params={"n": low})
        if digits > high:
            raise ValidationError(_("Telefonnumret har för många siffror (högst %(n)s)."),
                                  code="phone_too_long", params={"n": high})

    def __eq__(self, other) -> bool:
        return isinstance(other, PhoneValidator)

    def __hash__(self) -> int:
        return hash(PhoneValidator)


validate_phone = PhoneValidator()
